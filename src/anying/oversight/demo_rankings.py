"""Demo: the towns' monthly 晾晒 of the last three months and the departments' last quarterly
ranking, published by the 安委办, so the ranking pages have a history to show. (The demo's tick
then drafts whatever period is still missing and archives the scheduled reports.)"""

from django.utils import timezone

from . import rankings
from .models import Ranking, RankingScheme


def load(rng) -> None:
    if Ranking.objects.exists():
        return
    today = timezone.localdate()
    plan = [("town_monthly", 3), ("dept_quarterly", 1)]
    for code, periods in plan:
        scheme = RankingScheme.objects.filter(code=code, is_active=True).first()
        if scheme is None:
            continue
        day = today
        for _ in range(periods):
            period, _ = rankings.last_complete(scheme.period, day)
            ranking = rankings.compute(None, scheme.pk, period.start, today=today)
            rankings.publish(None, ranking.pk)
            day = period.start
