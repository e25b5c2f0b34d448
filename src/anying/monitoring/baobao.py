"""The rules of the 包保责任人 (docs/monitoring.md "包保责任人"): how often each of the three (their
`kind`: 主要/技术/操作负责人) must record a 履职 (data/baobao_frequencies.csv, each row cited and marked verified or not), where each current
guarantor stands, who is behind, and the tick that tells the enterprise (and, when it goes on,
the town) once per period.

Each kind owes `min_count` records per period (a calendar week, month or quarter: core.periods). The
records are counted per installation and kind, whoever held it then, so a change of person in
the middle of a quarter does not wipe the quarter. A guarantor is *behind* when the last period
that ended has fewer records than the minimum — and the kind had a holder from that period's
first day (a person named mid-period is not held to it). "Missed in a row" counts the ended
periods below the minimum, newest first; from `escalate_after` of them the town is told.

Nothing is stored for "behind": it is computed from the records in a constant number of queries,
whatever the number of installations (a district has hundreds, not millions).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone

from anying.core import periods
from anying.core.models import AuditEvent, ClockStep, TimelineEvent, User
from anying.core.permissions import roles_with

from .models_baobao import KIND_ORDER, DutyRecord, Guarantor, Kind

DATA = Path(__file__).resolve().parent / "data"
PERIOD_LABELS = {"weekly": "每周", "monthly": "每月", "quarterly": "每季度", "yearly": "每年"}
UNVERIFIED = "频次依据未核实"
CLOCK = "baobao"  # the ClockStep name of the tick's reminders (one per guarantor, code and period)


@dataclass(frozen=True)
class Frequency:
    kind: str
    count: int
    period: str
    escalate_after: int
    source: str
    article: str
    quote: str
    verified: bool
    note: str

    @property
    def label(self) -> str:
        return f"{PERIOD_LABELS[self.period]}至少{self.count}次"

    @property
    def basis(self) -> str:
        return f"{self.source}{self.article}" + ("" if self.verified else f"（{UNVERIFIED}）")


@dataclass(frozen=True)
class Duty:
    clause: str
    label: str
    quote: str


@cache
def frequencies() -> dict[str, Frequency]:
    with open(DATA / "baobao_frequencies.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for row in rows:
        if row["period"] not in PERIOD_LABELS or row["kind"] not in Kind.values:
            raise ValueError(f"baobao_frequencies.csv: bad row {row}")
        out[row["kind"]] = Frequency(row["kind"], int(row["min_count"]), row["period"], int(row["escalate_after"]),
                                     row["source"], row["article"], row["quote"], row["verified"] == "yes", row["note"])
    return out


@cache
def duties() -> dict[str, list[Duty]]:
    with open(DATA / "baobao_duties.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, list[Duty]] = {kind: [] for kind in Kind.values}
    for row in rows:
        out[row["kind"]].append(Duty(row["clause"], row["label"], row["quote"]))
    return out


@dataclass
class Standing:
    """Where one guarantor (or an empty kind) stands on `as_of`."""
    guarantor: Guarantor | None
    installation_id: int
    kind: str
    frequency: Frequency
    current: dt.date  # start of the period now open
    done_now: int
    last: dt.date  # start of the last period that ended
    done_last: int
    owed_last: bool  # the kind had a holder from the last period's first day
    missed_in_a_row: int

    @property
    def behind(self) -> bool:
        return self.owed_last and self.done_last < self.frequency.count

    @property
    def met_now(self) -> bool:
        return self.done_now >= self.frequency.count

    @property
    def current_end(self) -> dt.date:
        return periods.end(self.frequency.period, self.current)

    @property
    def last_end(self) -> dt.date:
        return periods.end(self.frequency.period, self.last)

    @property
    def current_label(self) -> str:
        return periods.label(self.frequency.period, self.current)

    @property
    def last_label(self) -> str:
        return periods.label(self.frequency.period, self.last)

    @property
    def escalate(self) -> bool:
        return self.missed_in_a_row >= self.frequency.escalate_after

    @property
    def status(self) -> str:
        """One line for lists and exports."""
        if self.guarantor is None:
            return "未确定"
        if self.behind:
            return f"落后：{self.last_label}履职 {self.done_last}/{self.frequency.count} 次" + (
                f"（连续 {self.missed_in_a_row} 期）" if self.missed_in_a_row > 1 else "")
        return f"本期（{self.current_label}）{self.done_now}/{self.frequency.count} 次"


def _starts(frequency: Frequency, as_of: dt.date) -> list[dt.date]:
    """The current period's start, then the ended ones newest first, as far as escalation looks."""
    starts = [periods.start(frequency.period, as_of)]
    for _ in range(max(frequency.escalate_after, 1)):
        starts.append(periods.previous(frequency.period, starts[-1]))
    return starts


def standings(guarantors, as_of: dt.date | None = None, *, installations=None) -> list[Standing]:
    """Where each current guarantor stands on `as_of` — and, for `installations`, each of their
    kinds without one (guarantor None). Two queries, whatever the number."""
    as_of = as_of or timezone.localdate()
    guarantors = list(guarantors)
    freq = frequencies()
    starts = {kind: _starts(f, as_of) for kind, f in freq.items()}
    inst_ids = {g.installation_id for g in guarantors} | {i.pk for i in installations or ()}
    if not inst_ids:
        return []
    window = Q(pk__in=[])
    for kind, kind_starts in starts.items():
        window |= Q(kind=kind, done_on__gte=kind_starts[-1], done_on__lte=as_of)
    counts: Counter = Counter()
    first_holder: dict = {}
    for inst, kind, done_on in DutyRecord.objects.filter(window, installation_id__in=inst_ids).order_by() \
            .values_list("installation_id", "kind", "done_on"):
        counts[(inst, kind, periods.start(freq[kind].period, done_on))] += 1
    for inst, kind, since in Guarantor.objects.filter(installation_id__in=inst_ids).order_by() \
            .values_list("installation_id", "kind").annotate(first=Min("since")).values_list("installation_id", "kind",
                                                                                              "first"):
        first_holder[(inst, kind)] = since
    slots = [(g.installation_id, g.kind, g) for g in guarantors]
    if installations is not None:
        held = {(g.installation_id, g.kind) for g in guarantors}
        slots += [(i.pk, kind, None) for i in installations for kind in Kind.values if (i.pk, kind) not in held]
    out = []
    for inst, kind, g in slots:
        f, kind_starts = freq[kind], starts[kind]
        first = first_holder.get((inst, kind))
        done = [counts[(inst, kind, s)] for s in kind_starts]
        owed = [g is not None and first is not None and first <= s for s in kind_starts]
        in_a_row = 0
        for n, s_owed in zip(done[1:], owed[1:], strict=True):
            if not s_owed or n >= f.count:
                break
            in_a_row += 1
        out.append(Standing(g, inst, kind, f, kind_starts[0], done[0], kind_starts[1], done[1], owed[1], in_a_row))
    out.sort(key=lambda s: (s.installation_id, KIND_ORDER[s.kind]))
    return out


def in_force(qs=None):
    """Current guarantors of installations that are major and not 核销 (the ones the rules hold)."""
    qs = Guarantor.objects.all() if qs is None else qs
    return qs.current().filter(installation__is_major=True, installation__retired_on__isnull=True)


def behind(as_of: dt.date | None = None, qs=None) -> list[Standing]:
    """The current guarantors (of `qs`, default all) whose last ended period is below the minimum."""
    return [s for s in standings(in_force(qs).select_related("installation__enterprise__region", "user"), as_of) if s.behind]


# --- the tick ------------------------------------------------------------------------------------

def _enterprise_users(orgs: set[int]) -> dict[int, list[User]]:
    """The enterprise's own users who keep its 包保 records (monitoring.duty)."""
    out: dict[int, list[User]] = {}
    for user in User.objects.filter(unit_id__in=orgs, role__in=roles_with("monitoring.duty"), is_active=True,
                                    unit__is_active=True):
        out.setdefault(user.unit_id, []).append(user)
    return out


def _town_users(regions: set[int]) -> dict[int, list[User]]:
    """The regulators who keep the installations of a town: its units' users who register
    installations (monitoring.edit) and are not an enterprise's (monitoring.duty)."""
    keepers = set(roles_with("monitoring.edit")) - set(roles_with("monitoring.duty"))
    out: dict[int, list[User]] = {}
    for user in User.objects.filter(role__in=sorted(keepers), unit__region_id__in=regions, is_active=True,
                                    unit__is_active=True).select_related("unit"):
        out.setdefault(user.unit.region_id, []).append(user)
    return out


def _message(s: Standing) -> tuple[str, str]:
    g = s.guarantor
    inst = g.installation
    title = f"包保责任人履职落后：{inst.enterprise.name} {inst.name}"[:200]
    body = (f"{g.get_kind_display()}{g.name}{s.last_label}履职 {s.done_last} 次，应{s.frequency.label}"
            f"（依据：{s.frequency.basis}）")
    if s.missed_in_a_row > 1:
        body += f"；已连续 {s.missed_in_a_row} 期未达到"
    return title, body


@transaction.atomic
def tick(now: dt.datetime | None = None) -> int:
    """`anying tick`: for each guarantor behind, tell the enterprise once per period (and the
    guarantor, if they have an account); once it has gone on `escalate_after` periods, tell the
    town's regulators too, once per period. Returns the reminders sent. Idempotent: each reminder
    is a ClockStep (clock "baobao", code enterprise/town, cycle = the period missed) and only the
    rows this run inserted are told, so two ticks never send one twice."""
    from anying.core import notifications

    today = timezone.localdate(now)
    late = behind(today)
    if not late:
        return 0
    ct = ContentType.objects.get_for_model(Guarantor)
    stamp = timezone.now()
    wanted = [(s, "enterprise", "提醒企业") for s in late] + [(s, "town", "告知镇街") for s in late if s.escalate]
    ClockStep.objects.bulk_create(
        [ClockStep(clock=CLOCK, content_type=ct, object_id=s.guarantor.pk, code=code, label=label,
                   days=(today - s.last_end).days, at=stamp, cycle=s.last) for s, code, label in wanted],
        ignore_conflicts=True)
    mine = set(ClockStep.objects.filter(clock=CLOCK, content_type=ct, at=stamp).values_list("object_id", "code"))
    taken = [(s, code, label) for s, code, label in wanted if (s.guarantor.pk, code) in mine]
    if not taken:
        return 0
    ents = {s.guarantor.installation.enterprise for s, _, _ in taken}
    staff = _enterprise_users({e.organisation_id for e in ents})
    regulators = _town_users({e.region_id for e in ents if any(c == "town" for _, c, _ in taken)})
    messages = []
    for s, code, label in taken:
        g = s.guarantor
        ent = g.installation.enterprise
        users = list(staff.get(ent.organisation_id, [])) if code == "enterprise" else regulators.get(ent.region_id, [])
        if code == "enterprise" and g.user_id and g.user.is_active and g.user not in users:
            users.append(g.user)
        title, body = _message(s)
        url = reverse("installation_detail", args=[g.installation_id]) + "#baobao"
        messages += [(u, title, body, url) for u in users]
        TimelineEvent.objects.create(content_type=ct, object_id=g.pk, action=f"remind:{code}", actor=None,
                                     comment=f"{label}：{body}"[:500], at=stamp)
        AuditEvent.objects.create(at=stamp, actor=None, action=AuditEvent.Action.STATE, content_type=ct,
                                  object_id=str(g.pk), object_repr=str(g)[:255],
                                  summary=f"包保责任人履职落后：{label}（{s.last_label}）",
                                  region_path=ent.region.path)
    notifications.notify_many(messages)
    return len(taken)


# --- 待办 -----------------------------------------------------------------------------------------

def due_ids(qs, today: dt.date) -> dict[int, dt.date]:
    """{guarantor pk: due date} of the guarantors in `qs` with work: behind (due the last ended
    period's end, so it shows overdue) or short this period (due the period's end)."""
    due = {}
    for s in standings(in_force(qs), today):
        if s.behind:
            due[s.guarantor.pk] = s.last_end
        elif not s.met_now:
            due[s.guarantor.pk] = s.current_end
    return due
