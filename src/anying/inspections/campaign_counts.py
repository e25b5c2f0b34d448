"""What enforcement adds to a campaign's statistics (campaigns.hooks): inspections (家次) and
penalties tagged with the campaign, by region, within the reader's scope."""

from __future__ import annotations

from django.db.models import Count, Sum

from anying.campaigns.hooks import Counter, register_counter

from .models import Inspection, Penalty


def _inspections(user, campaign, start, end) -> dict[int, int]:
    rows = (Inspection.objects.visible_to(user).filter(campaign=campaign, inspected_on__gte=start, inspected_on__lte=end)
            .values("region_id").annotate(n=Count("pk")).order_by())
    return {r["region_id"]: r["n"] for r in rows}


def _penalties(user, campaign, start, end) -> dict[int, int]:
    rows = (Penalty.objects.visible_to(user).filter(campaign=campaign, filed_on__gte=start, filed_on__lte=end)
            .values("region_id").annotate(n=Count("pk")).order_by())
    return {r["region_id"]: r["n"] for r in rows}


def _fines(user, campaign, start, end) -> dict[int, int]:
    rows = (Penalty.objects.visible_to(user).filter(campaign=campaign, filed_on__gte=start, filed_on__lte=end)
            .values("region_id").annotate(n=Sum("amount")).order_by())
    return {r["region_id"]: r["n"] or 0 for r in rows}


def register() -> None:
    register_counter(
        Counter("inspections", "检查企业（家次）", "政府执法", 30, _inspections, "家次"),
        Counter("penalties", "行政处罚（起）", "政府执法", 40, _penalties, "起"),
        Counter("fines", "罚款（元）", "政府执法", 41, _fines, "元"),
    )


def tag_demo(campaign) -> None:
    enforcement = next((p for p in campaign.phases.all() if p.kind == "enforcement"), None)
    if enforcement is None:
        return
    ids = list(Inspection.objects.filter(inspected_on__gte=enforcement.starts_on, inspected_on__lte=enforcement.ends_on)
               .values_list("pk", flat=True)[:20])
    Inspection.objects.filter(pk__in=ids).update(campaign=campaign)
    Penalty.objects.filter(inspection_id__in=ids).update(campaign=campaign)
