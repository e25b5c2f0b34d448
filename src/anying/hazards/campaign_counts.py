"""What the hazard register adds to a campaign's statistics (campaigns.hooks): hazards tagged with
the campaign and found in the period, by region — the enterprises' own (企业自查: all, major, and
how many are closed) and the government's (every other channel) — within the reader's scope."""

from __future__ import annotations

from django.db.models import Count, Q

from anying.campaigns.hooks import Counter, Rate, register_counter, register_rate

from .models import Hazard

SELF = Q(channel=Hazard.Channel.SELF)
MAJOR = Q(level=Hazard.Level.MAJOR)
CLOSED = Q(status=Hazard.Status.CLOSED)


def _counter(condition: Q):
    def count(user, campaign, start, end) -> dict[int, int]:
        rows = (Hazard.objects.visible_to(user).filter(campaign=campaign, found_on__gte=start, found_on__lte=end)
                .filter(condition).values("region_id").annotate(n=Count("pk")).order_by())
        return {r["region_id"]: r["n"] for r in rows}
    return count


def register() -> None:
    register_counter(
        Counter("self_major", "自查重大隐患", "企业自查", 10, _counter(SELF & MAJOR), "个"),
        Counter("self_major_closed", "其中已整改", "企业自查", 11, _counter(SELF & MAJOR & CLOSED), "个"),
        Counter("self_all", "自查隐患", "企业自查", 13, _counter(SELF), "个"),
        Counter("gov_found", "检查发现隐患", "政府执法", 31, _counter(~SELF), "个"),
        Counter("gov_closed", "其中已整改", "政府执法", 32, _counter(~SELF & CLOSED), "个"),
    )
    register_rate(Rate("self_major_rate", "整改率", "self_major_closed", "self_major", 12),
                  Rate("gov_rate", "整改率", "gov_closed", "gov_found", 33))


def tag_demo(campaign) -> None:
    """Demo: the hazards found during the campaign — the enterprises' own in the self-check phase,
    the others in the enforcement phase — are tagged with it (the demo's registers were loaded
    before the campaign existed)."""
    for phase in campaign.phases.all():
        qs = Hazard.objects.filter(found_on__gte=phase.starts_on, found_on__lte=phase.ends_on, campaign__isnull=True)
        qs = qs.filter(SELF) if phase.kind == "self_check" else qs.exclude(SELF)
        ids = list(qs.values_list("pk", flat=True)[:40])
        Hazard.objects.filter(pk__in=ids).update(campaign=campaign)
