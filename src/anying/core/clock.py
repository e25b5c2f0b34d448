"""Deadline clocks (ENGINEERING.md "the shared kit": clock).

An app declares a clock — which records it runs on (model, due-date field, open states), the
conditions a rung may require ("major": major hazards only), who hears of a rung, and what a
rung may do beyond telling (create a 督办, issue a letter). The rungs themselves are data
(`ClockRung`): a default for every region loaded with its source, a district's own version, a
town's override, each version in force from a date. `run(now)` — one `anying tick` job — takes
every due rung of every clock once per record: `ClockStep`'s unique key guards it, and on
PostgreSQL concurrent ticks share the work with SKIP LOCKED. Each rung taken goes on the
record's timeline and in the audit trail; the people concerned get one message per record per
tick, however many rungs it climbed.
"""

from __future__ import annotations

import csv
import datetime as dt
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from .bulk import db_value, insert_rows
from .models import AuditEvent, ClockRung, ClockStep, Region, TimelineEvent

BATCH = 2000
DEFAULT_SINCE = dt.date(2000, 1, 1)  # the loaded defaults are in force from before any record


@dataclass
class Clock:
    name: str
    label: str  # "隐患整改期限"
    model: type[models.Model]
    due: str  # the date field the days count from
    open: Q  # the records the clock runs on (open states)
    defaults: Path | None = None  # CSV of the default ladder: code,label,days,condition,action,source
    conditions: dict[str, Q] = field(default_factory=dict)
    condition_labels: dict[str, str] = field(default_factory=dict)
    region: str = "region"
    fields: tuple[str, ...] = ()  # what the timeline, audit and messages need (`only`), besides these
    related: tuple[str, ...] = ()
    # recipients(records) -> {record pk: [users]} — in a constant number of queries
    recipients: Callable[[list], dict] = lambda records: {}
    # action(rung, records, today) beyond telling; it returns the pks it could not act on (no unit
    # to issue a 督办): for those the rung is not taken, and the next tick tries again
    actions: dict[str, Callable] = field(default_factory=dict)
    describe: Callable[[models.Model], str] = str
    url: Callable[[models.Model], str] = lambda record: ""
    event: str = "escalate"
    # the record's text in the audit trail, from the loaded fields (a model's __str__ may read more)
    object_repr: Callable[[models.Model], str] = str  # the timeline action is "<event>:<rung code>"
    # the due date moves on to a new cycle (a renewed certificate's new expiry date): steps are
    # keyed on the date served too (`ClockStep.cycle`), so the ladder starts again for the new one
    cycles: bool = False

    @property
    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model)


CLOCKS: dict[str, Clock] = {}
ACTIONS = {"notify": "提醒"}  # rung actions every clock knows; a clock adds its own in `actions`


def register(clock: Clock) -> Clock:
    CLOCKS[clock.name] = clock
    return clock


def load_defaults(clock_name: str, path: Path, rung_model=ClockRung) -> None:
    """The default ladder from its CSV (each row cited). Used by migrations, with their model."""
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        rung_model.objects.get_or_create(
            clock=clock_name, region=None, effective_from=DEFAULT_SINCE, code=row["code"],
            defaults={"label": row["label"], "days": int(row["days"]), "condition": row.get("condition", ""),
                      "action": row.get("action") or "notify", "source": row["source"]})


def load_all_defaults() -> None:
    """Every registered clock's default ladder (what the migrations load; tests that flush the
    database put it back with this)."""
    for clock in CLOCKS.values():
        if clock.defaults:
            load_defaults(clock.name, clock.defaults)


@dataclass(frozen=True)
class Ladder:
    region: Region | None  # None: the default of every region without its own
    effective_from: dt.date
    rungs: tuple[ClockRung, ...]


def ladders(clock_name: str, today: dt.date) -> list[Ladder]:
    """Each region's ladder in force today: its newest version not later than today."""
    return all_ladders(today, [clock_name]).get(clock_name, [])


def all_ladders(today: dt.date, names=None) -> dict[str, list[Ladder]]:
    """The ladders in force today of every clock (or of `names`), in one query."""
    rungs = ClockRung.objects.filter(effective_from__lte=today).select_related("region")
    if names is not None:
        rungs = rungs.filter(clock__in=list(names))
    newest: dict = {}
    for rung in rungs:
        key = (rung.clock, rung.region_id)
        current = newest.get(key)
        if current is None or rung.effective_from > current[0]:
            newest[key] = (rung.effective_from, [rung], rung.region)
        elif rung.effective_from == current[0]:
            current[1].append(rung)
    out: dict[str, list[Ladder]] = {}
    for (name, _region), (since, found, region) in newest.items():
        out.setdefault(name, []).append(Ladder(region, since, tuple(sorted(found, key=lambda r: r.days))))
    return out


def ladder_for(clock_name: str, region: Region, today: dt.date | None = None) -> Ladder | None:
    """The ladder a record in `region` climbs today: the nearest region up the tree with its own."""
    today = today or timezone.localdate()
    by_region = {ladder.region.pk if ladder.region else None: ladder for ladder in ladders(clock_name, today)}
    for pk in reversed([int(p) for p in region.path.strip("/").split("/") if p]):
        if pk in by_region:
            return by_region[pk]
    return by_region.get(None)


def _territory(clock: Clock, ladder: Ladder, all_ladders: list[Ladder]) -> Q:
    """The records a ladder governs: its region's subtree less the subtrees with a ladder of their own."""
    own = ladder.region.path if ladder.region else ""
    q = Q(**{f"{clock.region}__path__startswith": own}) if own else Q()
    for other in all_ladders:
        if other.region is not None and other is not ladder and other.region.path.startswith(own) \
                and other.region.path != own:
            q &= ~Q(**{f"{clock.region}_id__in": Region.objects.filter(path__startswith=other.region.path).values("id")})
    return q


class Notices:
    """Messages of one tick, one per user and record: a record that climbs three rungs in one
    night is one message naming the three. Each batch writes its messages in its own transaction
    (`flush`), so a rung taken is never left without its message; a later rung of the same record
    in the same tick adds its line to the message already written."""

    def __init__(self):
        self.lines: dict = defaultdict(list)
        self.users: dict = {}
        self.records: dict = {}
        self.written: dict = {}  # (user, clock, record) → its Notification, this tick
        self.dirty: set = set()

    def add(self, clock: Clock, record, users, line: str) -> None:
        self.records[(clock.name, record.pk)] = (clock, record)
        for user in users:
            key = (user.pk, clock.name, record.pk)
            if line in self.lines[key]:
                continue  # rungs of the same words climbed at once (a late entry past both reminders): said once
            self.users[user.pk] = user
            self.lines[key].append(line)
            self.dirty.add(key)

    def _message(self, key) -> tuple:
        clock, record = self.records[key[1:]]
        return (self.users[key[0]], f"{clock.label}：{clock.describe(record)}"[:200], "；".join(self.lines[key]),
                clock.url(record))

    def flush(self) -> None:
        from . import notifications
        from .models import Notification

        new = [k for k in sorted(self.dirty) if k not in self.written and self.users[k[0]].is_active]
        again = [k for k in self.dirty if k in self.written]
        for key, note in zip(new, notifications.notify_many(self._message(k) for k in new), strict=True):
            self.written[key] = note
        for key in again:
            self.written[key].body = self._message(key)[2]
        Notification.objects.bulk_update([self.written[k] for k in again], ["body"], batch_size=1000)
        self.dirty.clear()

    def send(self) -> int:
        self.flush()
        return len(self.written)


def run(now: dt.datetime | None = None, clocks=None) -> int:
    """Take every due rung of every clock — or of `clocks` only (an app's own, in its tests and
    the bench) — as the `clocks` tick job does; returns the rungs taken."""
    today = timezone.localdate(now)
    notices = Notices()
    taken = sum(run_clock(clock, today, notices) for clock in (clocks or CLOCKS.values()))
    notices.send()
    return taken


@contextmanager
def _alone(clock_name: str) -> Iterator[bool]:
    """Whether this tick is the only one running `clock_name` (PostgreSQL: a session advisory lock;
    SQLite serialises writers anyway). Two ticks at once used to split a clock's rungs by
    skipping each other's locked rows — and one could take a later rung (通报) on records whose
    earlier rung (函告) the other was about to take and then skipped: the 函告 was lost. Now the
    second tick leaves the clock to the first."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = zlib.crc32(f"anying.clock:{clock_name}".encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        alone = cursor.fetchone()[0]
    try:
        yield alone
    finally:
        if alone:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def run_clock(clock: Clock, today: dt.date, notices: Notices) -> int:
    with _alone(clock.name) as alone:
        return _run_clock(clock, today, notices) if alone else 0


def _run_clock(clock: Clock, today: dt.date, notices: Notices) -> int:
    taken = 0
    all_ladders = ladders(clock.name, today)
    for ladder in all_ladders:
        territory = _territory(clock, ladder, all_ladders)
        for rung in ladder.rungs:
            due = clock.model._default_manager.filter(clock.open, territory,
                                                      **{f"{clock.due}__lte": today - dt.timedelta(days=rung.days)})
            if rung.condition:
                due = due.filter(clock.conditions[rung.condition])
            # The candidates first, by the open-and-due indexes, then per batch the steps already
            # taken, looked up by key. A NOT EXISTS over the steps is planned from statistics the
            # tick itself makes stale: PostgreSQL walked a million hazards per batch, or nested
            # 50 million comparisons, right after a burst of new steps (bench/README.md).
            candidates = sorted(due.order_by().values_list("pk", clock.due))
            for start in range(0, len(candidates), BATCH):
                taken += _batch(clock, rung, due, candidates[start:start + BATCH], today, notices)
    return taken


@transaction.atomic
def _batch(clock: Clock, rung: ClockRung, due, candidates: list[tuple], today: dt.date, notices: Notices) -> int:
    """One batch of a rung over `candidates` (id, due date): returns the rungs taken."""
    content_type = clock.content_type.pk
    steps = ClockStep.objects.filter(clock=clock.name, content_type=content_type, code=rung.code,
                                     object_id__in=[pk for pk, _ in candidates])
    if clock.cycles:  # a step counts for the due date it served only
        done = set(steps.values_list("object_id", "cycle"))
        ids = [pk for pk, due_on in candidates if (pk, due_on) not in done]
    else:
        done = set(steps.filter(cycle__isnull=True).values_list("object_id", flat=True))
        ids = [pk for pk, _ in candidates if pk not in done]
    if not ids:
        return 0
    lock = {"skip_locked": True, "of": ("self",)} if connection.features.has_select_for_update_skip_locked else {}
    # only what the timeline, the audit event and the message need: at 50,000 records the tick's
    # time is mostly Python building objects, and full related rows triple it. `due` again, under
    # the lock: a record closed since the candidates were read is left alone.
    records = list(due.filter(pk__in=ids).select_for_update(**lock).select_related(*clock.related, clock.region)
                   .only("pk", clock.due, f"{clock.region}__path", *clock.fields).order_by("pk"))
    if not records:
        return 0
    stamp = timezone.now()
    at = db_value(ClockStep, "at", stamp)  # every row of the batch shares it: converted once
    days = {r.pk: (today - getattr(r, clock.due)).days for r in records}
    cycle = {r.pk: db_value(ClockStep, "cycle", getattr(r, clock.due)) if clock.cycles else None for r in records}
    insert_rows(ClockStep, ["clock", "content_type", "object_id", "code", "label", "days", "at", "document_no", "cycle"],
                ((clock.name, content_type, r.pk, rung.code, rung.label, days[r.pk], at, "", cycle[r.pk])
                 for r in records),
                ignore_conflicts=True)
    # Only the rows this run really inserted (its own timestamp) get a timeline entry and an audit event.
    mine_ids = set(ClockStep.objects.filter(clock=clock.name, content_type=content_type, code=rung.code,
                                            object_id__in=[r.pk for r in records], at=stamp)
                   .values_list("object_id", flat=True))
    mine = [r for r in records if r.pk in mine_ids]
    if rung.action in clock.actions:
        # first: a record the action could not act on has not taken the rung (no timeline, no
        # message); its step is withdrawn and the next tick tries again
        undone = set(clock.actions[rung.action](rung, mine, today) or ())
        if undone:
            ClockStep.objects.filter(clock=clock.name, content_type=content_type, code=rung.code,
                                     object_id__in=undone, at=stamp).delete()
            mine = [r for r in mine if r.pk not in undone]
    insert_rows(TimelineEvent, ["content_type", "object_id", "action", "from_state", "to_state", "actor", "comment",
                                "public", "at"],
                ((content_type, r.pk, f"{clock.event}:{rung.code}", "", "", None, _line(rung, days[r.pk]), False, at)
                 for r in mine))
    summary = f"{clock.label}：{rung.label}"
    insert_rows(AuditEvent, ["at", "actor", "ip", "action", "content_type", "object_id", "object_repr", "summary",
                             "before", "after", "region_path"],
                ((at, None, None, AuditEvent.Action.STATE, content_type, str(r.pk), clock.object_repr(r)[:255], summary,
                  None, None,
                  _attr(r, clock.region).path) for r in mine))
    recipients = clock.recipients(mine)
    for record in mine:
        notices.add(clock, record, recipients.get(record.pk, []), _line(rung, days[record.pk]))
    notices.flush()  # in this batch's transaction: no rung is taken without its message
    return len(mine)


def _attr(record, path: str):
    for name in path.split("__"):
        record = getattr(record, name)
    return record


def _line(rung: ClockRung, days: int) -> str:
    if days < 0:
        return f"距期限还有 {-days} 天，{rung.label}"
    if days == 0:
        return f"今天到期，{rung.label}"
    return f"逾期 {days} 天，{rung.label}"


def steps_of(record) -> list[ClockStep]:
    return list(ClockStep.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk))


# --- configuration (the district admin's page) ----------------------------------------------

MAX_RUNGS = 12
DAY_RANGE = (-365, 3650)


def action_labels(clock: Clock) -> dict[str, str]:
    from_clock = {name: getattr(fn, "label", name) for name, fn in clock.actions.items()}
    return {**ACTIONS, **from_clock}


def save_ladder(actor, clock_name: str, region: Region, effective_from: dt.date, rungs: list[dict]) -> list[ClockRung]:
    """A new version of a region's ladder, in force from `effective_from` (today or later: what
    was in force stays as it was). A version of the same date not yet in force is replaced."""
    from . import audit
    from .errors import PermissionDenied
    from .permissions import require
    from .scope import covers

    require(actor, "core.configure_clocks", "无权修改期限与升级规则")
    clock = CLOCKS.get(clock_name)
    if clock is None:
        raise ValidationError({"clock": "未知的期限规则"})
    if actor is not None and not covers(actor, region):
        raise PermissionDenied("只能修改本辖区的规则")
    errors: dict = {}
    today = timezone.localdate()
    if not isinstance(effective_from, dt.date) or effective_from < today:
        errors["effective_from"] = "生效日期不能早于今天（已生效的规则保留原样）"
    elif effective_from == today and ClockRung.objects.filter(clock=clock_name, region=region,
                                                              effective_from=today).exists():
        errors["effective_from"] = "今天生效的版本已在执行，请从明天或以后生效"
    cleaned, codes = [], set()
    actions = action_labels(clock)
    for i, row in enumerate(rungs, start=1):
        code, label = str(row.get("code") or "").strip(), str(row.get("label") or "").strip()
        days, condition, action = row.get("days"), row.get("condition") or "", row.get("action") or "notify"
        if not code and not label:
            continue
        problems = []
        if not code or not code.isascii() or not code.replace("_", "").isalnum() or len(code) > 16:
            problems.append("代码为 1–16 位字母、数字或下划线")
        elif code in codes:
            problems.append(f"代码 {code} 重复")
        if not label or len(label) > 20:
            problems.append("措施名称为 1–20 个字")
        if not isinstance(days, int) or not DAY_RANGE[0] <= days <= DAY_RANGE[1]:
            problems.append(f"天数应为 {DAY_RANGE[0]} 到 {DAY_RANGE[1]} 的整数")
        if condition and condition not in clock.conditions:
            problems.append("适用条件无效")
        if action not in actions:
            problems.append("动作无效")
        if problems:
            errors[f"rung_{i}"] = f"第 {i} 行：" + "；".join(problems)
        codes.add(code)
        cleaned.append(ClockRung(clock=clock_name, region=region, effective_from=effective_from, code=code, label=label,
                                 days=days, condition=condition, action=action,
                                 source=str(row.get("source") or "").strip()[:200] or "本辖区规定",
                                 created_by=actor))
    if not cleaned:
        errors["rungs"] = "至少需要一级措施"
    elif len(cleaned) > MAX_RUNGS:
        errors["rungs"] = f"最多 {MAX_RUNGS} 级"
    if errors:
        raise ValidationError(errors)
    before = ladder_for(clock_name, region, effective_from)
    with transaction.atomic():
        ClockRung.objects.filter(clock=clock_name, region=region, effective_from=effective_from).delete()
        saved = ClockRung.objects.bulk_create(cleaned)
        audit.record(actor, AuditEvent.Action.UPDATE, region, summary=f"{clock.label}规则（{effective_from} 起）",
                     before={"rungs": _describe(before.rungs) if before else []}, after={"rungs": _describe(saved)})
    return saved


def _describe(rungs) -> list[str]:
    return [f"{r.code} {r.label} {r.days}天" + (f" [{r.condition}]" if r.condition else "")
            + (f" → {r.action}" if r.action != "notify" else "") for r in rungs]
