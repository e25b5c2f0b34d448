"""The reporting deadlines as data (`ReportRule`, loaded from data/report_rules.csv with source,
article and quote) and what they make a desk owe (`Due`).

Which row holds for an incident: the rows in force on the day of the event, the default (no
region) replaced by a row of the same code of the incident's region or any region above it (the
nearest wins), the latest `effective_from` of that region winning over older ones. A region adds
its own codes (a province's 电话 30 分钟 / 书面 60 分钟) the same way. A row with no `minutes`
(or, for a 补报期, no `window_days`) switches the code off in its region.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from anying.core.models import Region
from anying.core.scope import ancestor_paths

from .models import Incident, ReportRule

DATA = Path(__file__).resolve().parent / "data" / "report_rules.csv"


def load_defaults(rule_model=ReportRule) -> int:
    """The national defaults, each cited. Used by migration 0002 (with its historical model) and by
    the test fixture that restores reference data after a flush."""
    count = 0
    with open(DATA, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rule_model.objects.update_or_create(
                code=row["code"], region=None, effective_from=dt.date.fromisoformat(row["effective_from"]),
                defaults={"label": row["label"], "stage": row["stage"], "medium": row["medium"],
                          "grades": row["grades"], "kinds": row["kinds"],
                          "minutes": int(row["minutes"]) if row["minutes"] else None,
                          "counts_from": row["counts_from"],
                          "window_days": int(row["window_days"]) if row["window_days"] else None,
                          "verified": row["verified"] == "1", "source": row["source"], "article": row["article"],
                          "quote": row["quote"]})
            count += 1
    return count


def is_active(rule: ReportRule) -> bool:
    return rule.window_days is not None if rule.stage == ReportRule.Stage.WINDOW else rule.minutes is not None


class Rules:
    """The rows in force, resolved per (region, day); one instance serves a whole tick or page."""

    def __init__(self):
        self._rows: list[ReportRule] | None = None
        self._cache: dict[tuple[str, dt.date], list[ReportRule]] = {}

    def _all(self) -> list[ReportRule]:
        if self._rows is None:
            self._rows = list(ReportRule.objects.select_related("region").order_by("effective_from", "id"))
        return self._rows

    def in_force(self, region: Region, day: dt.date) -> list[ReportRule]:
        key = (region.path, day)
        if key not in self._cache:
            paths = set(ancestor_paths(region.path))
            best: dict[str, tuple[int, dt.date, ReportRule]] = {}
            for rule in self._all():
                if rule.effective_from > day:
                    continue
                depth = len(rule.region.path) if rule.region_id else 0
                if rule.region_id and rule.region.path not in paths:
                    continue
                held = best.get(rule.code)
                if held is None or (depth, rule.effective_from) >= held[:2]:
                    best[rule.code] = (depth, rule.effective_from, rule)
            self._cache[key] = [r for _, _, r in best.values() if is_active(r)]
        return self._cache[key]

    def for_incident(self, incident: Incident, stage: str) -> list[ReportRule]:
        day = timezone.localtime(incident.occurred_at).date()
        return [r for r in self.in_force(incident.region, day)
                if r.stage == stage and r.applies(incident.grade, incident.kind)]


def base_time(rule: ReportRule, incident: Incident, received_at: dt.datetime, previous: dt.datetime | None = None,
              changed: dt.datetime | None = None) -> dt.datetime:
    return {ReportRule.From.EVENT: incident.occurred_at, ReportRule.From.RECEIVED: received_at,
            ReportRule.From.PREVIOUS: previous or received_at,
            ReportRule.From.CHANGE: changed or received_at}.get(rule.counts_from, received_at)


def deadline(rule: ReportRule, incident: Incident, received_at: dt.datetime, previous: dt.datetime | None = None,
             changed: dt.datetime | None = None) -> dt.datetime:
    if rule.counts_from == ReportRule.From.DAY_END:
        local = timezone.localtime(changed or received_at)
        midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=local.tzinfo)
        return midnight  # "当日": before the day ends
    return base_time(rule, incident, received_at, previous, changed) + dt.timedelta(minutes=rule.minutes or 0)


def supplement_window_ends(rules: Rules, incident: Incident) -> dt.datetime | None:
    """The end of the 补报期 (第十三条: within 30 days of the event, 7 for road traffic and fire): the
    last moment a casualty change still needs a 补报. Periods in days do not count the first day and
    end at 24:00 of the last (民法典 第二百零一条、第二百零三条): an event on 1 March has its 30-day
    window to the end of 31 March. (The holiday extension of 第二百零三条 is for acts due on the last
    day; the window only says which changes count, so it is not extended.)"""
    windows = rules.for_incident(incident, ReportRule.Stage.WINDOW)
    if not windows:
        return None
    days = max(r.window_days for r in windows)
    start = timezone.localtime(incident.occurred_at).date()
    return dt.datetime.combine(start + dt.timedelta(days=days + 1), dt.time(),
                               tzinfo=timezone.get_current_timezone())


def current_rules_q(region: Region) -> Q:
    return Q(region__isnull=True) | Q(region__path__in=ancestor_paths(region.path))
