"""Demo warehouse 日周月 checks (rounds.py): every demo warehouse has its 日检, 周检 and 月检 (made
when it was registered) started five weeks ago, and five weeks of rounds — the district reserve's
and most towns' done on time, a few 不符合 found and noted, and every third town store behind
(its last two working days and last week unchecked), so the list's 落后 filter has something
true to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anying.core import periods

from .models import CheckResult, CheckRound, CheckSchedule, Warehouse

WINDOW_DAYS = 35
FINDINGS = {"温湿度": "库内湿度偏高（78%），已开启除湿机", "防潮防鼠": "东北角墙根有鼠咬痕迹，已补放粘鼠板",
            "物资码放与标识": "两垛救生衣标识卡缺失，已补挂", "过期/临期物资": "一批方便食品临期，已报告调整"}


def load(rng) -> None:
    today = timezone.localdate()
    start = today - dt.timedelta(days=WINDOW_DAYS)
    warehouses = list(Warehouse.objects.filter(check_schedules__isnull=False).distinct().order_by("level", "id"))
    if not warehouses or CheckRound.objects.exists():
        return
    CheckSchedule.objects.filter(warehouse__in=warehouses).update(starts_on=start)
    towns = [w for w in warehouses if w.level == Warehouse.Level.TOWN]
    behind = {w.pk for n, w in enumerate(towns) if n % 3 == 1}
    schedules = list(CheckSchedule.objects.filter(warehouse__in=warehouses).select_related("warehouse")
                     .prefetch_related("items"))
    rounds, answers, last_done = [], [], {}
    for s in schedules:
        due = periods.due_between(s.frequency, s.workdays, s.starts_on, s.starts_on, today)
        skip = set(due[:2] if s.frequency == "daily" else due[:1]) if s.warehouse_id in behind else set()
        older = set(due[1:])  # a diligent store now and then missed an older period, never the last one
        # the district's keepers have done today's 日检 already
        if s.frequency == "daily" and s.warehouse.level == Warehouse.Level.DISTRICT and periods.is_workday(today, s.workdays):
            due = [today, *due]
        for period in due:
            if period in skip or (period in older and rng.random() < 0.03):
                continue
            done_on = min(periods.end(s.frequency, period), today)
            results = []
            for item in s.items.all():
                key = item.text.split("：")[0]
                fail = key in FINDINGS and rng.random() < 0.04
                results.append(CheckResult(item=item, text=item.text, result="fail" if fail else "ok",
                                           note=FINDINGS[key] if fail else ""))
            r = CheckRound(schedule=s, warehouse_id=s.warehouse_id, period_start=period, done_on=done_on,
                           inspectors=s.warehouse.keeper or "保管员", note="演示数据",
                           fails=sum(1 for x in results if x.result == "fail"))
            rounds.append(r)
            answers.append(results)
            last_done[s.pk] = max(period, last_done.get(s.pk, period))
    CheckRound.objects.bulk_create(rounds, batch_size=1000)
    for r, results in zip(rounds, answers, strict=True):
        for x in results:
            x.round = r
    CheckResult.objects.bulk_create([x for results in answers for x in results], batch_size=2000)
    for pk, period in last_done.items():
        CheckSchedule.objects.filter(pk=pk).update(last_done_period=period)
