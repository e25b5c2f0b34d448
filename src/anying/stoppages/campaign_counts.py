"""What 停复产 adds to a campaign's statistics: stoppage orders tagged with it, by region."""

from django.db.models import Count

from anying.campaigns.hooks import Counter, register_counter

from .models import Stoppage


def _stoppages(user, campaign, start, end) -> dict[int, int]:
    rows = (Stoppage.objects.visible_to(user).filter(campaign=campaign, ordered_on__gte=start, ordered_on__lte=end)
            .values("region_id").annotate(n=Count("pk")).order_by())
    return {r["region_id"]: r["n"] for r in rows}


def register() -> None:
    register_counter(Counter("stoppages", "责令停产整顿（家）", "政府执法", 45, _stoppages, "家"))
