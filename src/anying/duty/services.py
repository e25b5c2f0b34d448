"""Every write of the duty app: rosters, swaps, the shift log, handovers and spot checks. Each
checks permission and scope and leaves an audit event; refusals are Chinese and change nothing.

Who may do what (permissions.py): a unit's roster is kept by its own staff with `duty.keep`
(the office that draws it up) — a district may not rewrite a town's roster, only see and check it;
its shifts' log is written by the people on that shift and by the unit's `duty.log` holders;
swaps are approved by `duty.approve` in the unit or above; spot checks are made by `duty.check`
holders on desks below their own unit, never their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation, User
from anying.core.permissions import SYSTEM, require
from anying.core.scope import covers
from anying.core.workflow import Lifecycle, Transition

from .models import Assignment, DutyPost, Handover, LogEntry, Shift, SpotCheck, Swap

A = AuditEvent.Action
DEFAULT_HANDOVER = dt.time(8, 30)
MAX_DAYS = 62  # one planning request: two months of shifts at most


def _local(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def keeps(user, unit_id: int) -> bool:
    """Whether the user draws up this unit's roster: its own staff with duty.keep."""
    return user is SYSTEM or (user.unit_id == unit_id and user.has_perm_code("duty.keep"))


def _require_keeps(user, unit: Organisation) -> None:
    if not keeps(user, unit.pk):
        raise PermissionDenied(f"只有{unit.name}的值班管理人员可以编排其值班表")


# --- the roster ------------------------------------------------------------------------------

@transaction.atomic
def plan_shifts(actor, unit: Organisation, first: dt.date, last: dt.date, *, handover: dt.time = DEFAULT_HANDOVER,
                duty_phone: str = "") -> list[Shift]:
    """One 24-hour shift a day from `handover`, for the days in [first, last] that have none."""
    require(actor, "duty.keep", "您无权编排值班表")
    _require_keeps(actor, unit)
    if last < first:
        raise ValidationError({"last": "结束日期不能早于开始日期"})
    if (last - first).days >= MAX_DAYS:
        raise ValidationError({"last": f"一次最多编排 {MAX_DAYS} 天"})
    if first < timezone.localdate():
        raise ValidationError({"first": "不能为已过去的日期编排班次"})
    taken = set(Shift.objects.filter(unit=unit, date__range=(first, last)).values_list("date", flat=True))
    made = [Shift(unit=unit, date=first + dt.timedelta(days=n), duty_phone=duty_phone[:40],
                  starts_at=_local(first + dt.timedelta(days=n), handover),
                  ends_at=_local(first + dt.timedelta(days=n + 1), handover))
            for n in range((last - first).days + 1) if first + dt.timedelta(days=n) not in taken]
    Shift.objects.bulk_create(made)
    if made:
        audit.record(actor, A.CREATE, unit, summary=f"编排值班班次 {first:%Y-%m-%d}～{last:%Y-%m-%d}，新增 {len(made)} 班")
    return made


def _editable(shift: Shift) -> None:
    if shift.starts_at <= timezone.now():
        raise ValidationError("该班次已开始或已结束，人员变动请走换班审批")


def _person(unit: Organisation, person: User | None):
    if person is not None and (not person.is_active or person.unit_id != unit.pk):
        raise ValidationError({"person": "系统账号须为本单位在用账号"})


@transaction.atomic
def assign(actor, shift_id: int, *, post: DutyPost, name: str, phone: str, person: User | None = None,
           title: str = "", side: str = "") -> Assignment:
    shift = Shift.objects.select_for_update().select_related("unit").get(pk=shift_id)
    require(actor, "duty.keep", "您无权编排值班表")
    _require_keeps(actor, shift.unit)
    _editable(shift)
    _person(shift.unit, person)
    name = (name or (person.display_name if person else "")).strip()
    phone = (phone or (person.phone if person else "")).strip()
    a = Assignment(shift=shift, post=post, person=person, name=name, phone=phone, title=title.strip(),
                   side=side if post.is_leader else "")
    a.full_clean(exclude=["shift"])
    if Assignment.objects.filter(shift=shift, name=a.name, post=post).exists():
        raise ValidationError({"name": f"{a.name} 已排在本班{post.name}"})
    a.save()
    audit.record(actor, A.CREATE, shift, summary=f"排班：{shift.date:%Y-%m-%d} {post.name} {a.name}")
    return a


@transaction.atomic
def unassign(actor, assignment_id: int) -> None:
    a = Assignment.objects.select_related("shift__unit", "post").get(pk=assignment_id)
    Shift.objects.select_for_update().filter(pk=a.shift_id).first()
    require(actor, "duty.keep", "您无权编排值班表")
    _require_keeps(actor, a.shift.unit)
    _editable(a.shift)
    a.delete()
    audit.record(actor, A.DELETE, a.shift, summary=f"取消排班：{a.shift.date:%Y-%m-%d} {a.post.name} {a.name}")


@transaction.atomic
def copy_week(actor, unit: Organisation, source_monday: dt.date, target_monday: dt.date) -> int:
    """Repeat a week's assignments on the same weekdays of another week: only on shifts not yet
    started that have nobody on them, so nothing already arranged is overwritten."""
    require(actor, "duty.keep", "您无权编排值班表")
    _require_keeps(actor, unit)
    if source_monday.weekday() != 0 or target_monday.weekday() != 0:
        raise ValidationError("请选择周一开始的整周")
    plan_shifts(actor, unit, max(target_monday, timezone.localdate()), target_monday + dt.timedelta(days=6))
    source = {s.date.weekday(): s for s in Shift.objects.filter(unit=unit, date__range=(
        source_monday, source_monday + dt.timedelta(days=6))).prefetch_related("assignments")}
    copied = 0
    for target in Shift.objects.select_for_update().filter(unit=unit, date__range=(
            target_monday, target_monday + dt.timedelta(days=6)), starts_at__gt=timezone.now()):
        src = source.get(target.date.weekday())
        if src is None or target.assignments.exists():
            continue
        made = [Assignment(shift=target, post_id=a.post_id, person_id=a.person_id, name=a.name, phone=a.phone,
                           title=a.title, side=a.side) for a in src.assignments.all()]
        Assignment.objects.bulk_create(made)
        copied += len(made)
    audit.record(actor, A.UPDATE, unit, summary=f"复制值班安排：{source_monday:%m-%d} 周 → {target_monday:%m-%d} 周，{copied} 人次")
    return copied


@transaction.atomic
def publish(actor, unit: Organisation, first: dt.date, last: dt.date) -> int:
    """发布: the roster is final for these days; the people on it with accounts are told."""
    require(actor, "duty.keep", "您无权发布值班表")
    _require_keeps(actor, unit)
    shifts = Shift.objects.filter(unit=unit, date__range=(first, last))
    count = shifts.update(published=True)
    people = User.objects.filter(duty_assignments__shift__in=shifts, is_active=True).distinct()
    from anying.core.notifications import notify

    notify(people, f"{unit.name}值班表已发布（{first:%m月%d日}～{last:%m月%d日}）", "请查看您的值班日期。",
           reverse("duty_roster") + f"?unit={unit.pk}&month={first:%Y-%m}")
    audit.record(actor, A.UPDATE, unit, summary=f"发布值班表 {first:%Y-%m-%d}～{last:%Y-%m-%d}（{count} 班）")
    return count


def on_duty(unit_ids=None, at: dt.datetime | None = None):
    """Assignments on shifts running at `at` (now), of these units (all when None)."""
    at = at or timezone.now()
    qs = Assignment.objects.filter(shift__starts_at__lte=at, shift__ends_at__gt=at)
    if unit_ids is not None:
        qs = qs.filter(shift__unit_id__in=list(unit_ids))
    return qs.select_related("post", "shift__unit", "person")


def on_duty_users(unit_ids, at=None) -> list[User]:
    """core.recipients.on_duty's provider: the accounts of those on duty now."""
    return [a.person for a in on_duty(unit_ids, at) if a.person is not None and a.person.is_active]


def current_shift(unit_id: int, at=None) -> Shift | None:
    at = at or timezone.now()
    return Shift.objects.filter(unit_id=unit_id, starts_at__lte=at, ends_at__gt=at).first()


# --- swaps (lifecycle duty.swap) ---------------------------------------------------------------

def _swap_parties(user, swap: Swap) -> set[str]:
    found = set()
    unit = swap.shift.unit
    if user.has_perm_code("duty.approve") and (user.unit_id == unit.pk or covers(user, unit.region)):
        found.add("approver")
    if swap.requested_by_id == user.pk or keeps(user, unit.pk):
        found.add("requester")
    return found


def _approve(step) -> None:
    swap = step.record
    if swap.shift.ends_at <= timezone.now():
        raise ValidationError("该班次已结束，不能再换班")
    a = Assignment.objects.select_for_update().get(pk=swap.assignment_id)
    swap.replaced = f"{a.name} {a.phone}"[:100]
    a.name, a.phone, a.person = swap.name, swap.phone, swap.person
    a.save(update_fields=["name", "phone", "person"])
    swap.decided_at = timezone.now()
    step.summary = f"批准换班：{swap.replaced} → {swap.name}"


def _reject(step) -> None:
    step.record.decided_at = timezone.now()


SWAPS = workflow.register(Lifecycle(
    model=Swap, label="换班申请",
    transitions=[
        Transition("approve", "批准", (Swap.Status.REQUESTED,), Swap.Status.APPROVED, frozenset({"approver"}),
                   stamp=("decided_by",), separated=("requested_by",), notify=("requester", "people"), apply=_approve),
        Transition("reject", "驳回", (Swap.Status.REQUESTED,), Swap.Status.REJECTED, frozenset({"approver"}),
                   stamp=("decided_by",), needs_comment="请填写驳回理由", notify=("requester",), apply=_reject),
        Transition("cancel", "撤回", (Swap.Status.REQUESTED,), Swap.Status.CANCELLED, frozenset({"requester"})),
    ],
    parties=_swap_parties,
    recipients={"requester": lambda s: [s.requested_by] if s.requested_by else [],
                "people": lambda s: [u for u in (s.person, s.assignment.person) if u is not None],
                "approvers": lambda s: recipients.members([s.shift.unit_id], "duty.approve")
                or recipients.over(s.shift.unit.region, "duty.approve")},
    audited=("status", "name", "phone"),
    events={"request": "申请换班"},
    describe=str,
    url=lambda s: reverse("duty_shift", args=[s.shift_id]),
))


@transaction.atomic
def request_swap(actor, assignment_id: int, *, name: str, phone: str, reason: str, person: User | None = None) -> Swap:
    a = Assignment.objects.select_for_update(of=("self",)).select_related("shift__unit__region", "post").get(
        pk=assignment_id)
    mine = actor is not SYSTEM and a.person_id == actor.pk
    if not (mine or keeps(actor, a.shift.unit_id)):
        raise PermissionDenied("只有本人或本单位值班管理人员可以申请换班")
    if a.shift.ends_at <= timezone.now():
        raise ValidationError("该班次已结束，不能再换班")
    _person(a.shift.unit, person)
    if Swap.objects.filter(assignment=a, status=Swap.Status.REQUESTED).exists():
        raise ValidationError("该值班人员已有待审批的换班申请")
    swap = Swap(assignment=a, shift=a.shift, name=(name or (person.display_name if person else "")).strip(),
                phone=(phone or (person.phone if person else "")).strip(), person=person, reason=reason.strip(),
                requested_by=None if actor is SYSTEM else actor)
    swap.full_clean(exclude=["requested_by", "decided_by", "assignment", "shift"])
    swap.save()
    workflow.record_event(swap, "request", actor=swap.requested_by, state=swap.status, comment=swap.reason)
    workflow.tell(SWAPS, swap, ["approvers"], "申请换班", actor=actor, comment=swap.reason)
    audit.record(actor, A.CREATE, swap, summary=f"申请换班：{a.shift.date:%Y-%m-%d} {a.post.name} {a.name} → {swap.name}")
    return swap


def act_swap(actor, pk: int, name: str, *, comment: str = "", version: int | None = None) -> Swap:
    return workflow.run(SWAPS, actor, pk, name, comment=comment, version=version)


# --- the shift log and the handover ------------------------------------------------------------

def on_shift(user, shift: Shift) -> bool:
    """Those who write a shift's log: its people, and the unit's duty.log holders."""
    if user is SYSTEM:
        return True
    if shift.assignments.filter(person_id=user.pk).exists():
        return True
    return user.unit_id == shift.unit_id and user.has_perm_code("duty.log")


@transaction.atomic
def add_entry(actor, shift_id: int, entry: LogEntry) -> LogEntry:
    shift = Shift.objects.select_for_update().select_related("unit").get(pk=shift_id)
    if not on_shift(actor, shift):
        raise PermissionDenied("只有本班值班人员可以填写值班日志")
    now = timezone.now()
    if shift.starts_at > now:
        raise ValidationError("该班次还未开始")
    if hasattr(shift, "handover") and shift.handover.received_at:
        raise ValidationError("该班次已交接完毕，日志不能再补充；请记在当前班次")
    latest = min(now + dt.timedelta(minutes=5), shift.ends_at + dt.timedelta(hours=1))
    if timezone.is_naive(entry.at):
        entry.at = timezone.make_aware(entry.at)
    if not shift.starts_at - dt.timedelta(hours=1) <= entry.at <= latest:
        raise ValidationError({"at": "时间应在本班次内，且不晚于现在"})
    entry.shift = shift
    entry.recorded_by = None if actor is SYSTEM else actor
    entry.open = entry.open or entry.kind == LogEntry.Kind.TODO
    entry.full_clean(exclude=["recorded_by", "closed_by"])
    entry.save()
    audit.record(actor, A.CREATE, shift, summary=f"值班日志：{entry.get_kind_display()} {entry.content[:60]}")
    return entry


@transaction.atomic
def close_entry(actor, entry_id: int, note: str = "") -> LogEntry:
    entry = LogEntry.objects.select_for_update().select_related("shift__unit").get(pk=entry_id)
    if not (actor is SYSTEM or (actor.unit_id == entry.shift.unit_id and actor.has_perm_code("duty.log"))
            or on_shift(actor, entry.shift)):
        raise PermissionDenied("只有本单位值班人员可以办结值班事项")
    if not entry.open:
        raise ValidationError("该事项已办结")
    entry.open, entry.closed_at, entry.closed_by = False, timezone.now(), None if actor is SYSTEM else actor
    if note.strip():
        entry.content = f"{entry.content}\n【办结】{note.strip()}"[:5000]
    entry.save()
    audit.record(actor, A.UPDATE, entry.shift, summary=f"办结值班事项：{entry.content[:60]}")
    return entry


# Other modules add what a handover carries (open incidents, reports due): provider(unit, at) ->
# list of {"kind", "text", "url"}; the incident module registers its own in ready().
HANDOVER_ITEMS: list[Callable] = []


def carried_items(unit: Organisation, at=None) -> list[dict]:
    items = [{"kind": "值班事项", "text": f"{timezone.localtime(e.at):%m-%d %H:%M} {e.content[:120]}",
              "url": reverse("duty_shift", args=[e.shift_id])}
             for e in LogEntry.objects.filter(shift__unit=unit, open=True).order_by("at")]
    for provider in HANDOVER_ITEMS:
        items.extend(provider(unit, at or timezone.now()))
    return items


@transaction.atomic
def hand_over(actor, shift_id: int, summary: str) -> Handover:
    shift = Shift.objects.select_for_update().select_related("unit").get(pk=shift_id)
    if actor is SYSTEM or not on_shift(actor, shift):
        raise PermissionDenied("只有本班值班人员可以交班")
    if shift.starts_at > timezone.now():
        raise ValidationError("该班次还未开始")
    if Handover.objects.filter(shift=shift).exists():
        raise ValidationError("本班已交班")
    if not summary.strip():
        raise ValidationError({"summary": "请填写本班情况"})
    following = Shift.objects.filter(unit=shift.unit, starts_at__gte=shift.ends_at).order_by("starts_at").first()
    h = Handover.objects.create(shift=shift, next_shift=following, summary=summary.strip()[:5000],
                                carried=carried_items(shift.unit), handed_by=actor)
    people = [a.person for a in following.assignments.select_related("person")] if following else []
    from anying.core.notifications import notify

    notify([p for p in people if p is not None and p.pk != actor.pk], f"{shift.unit.name}交班待接收",
           f"移交事项 {len(h.carried)} 项", reverse("duty_shift", args=[shift.pk]))
    audit.record(actor, A.CREATE, shift, summary=f"交班：移交事项 {len(h.carried)} 项")
    return h


@transaction.atomic
def receive(actor, shift_id: int, note: str = "") -> Handover:
    h = Handover.objects.select_for_update(of=("self",)).select_related("shift__unit", "next_shift").get(shift_id=shift_id)
    if h.received_at:
        raise ValidationError("已接班")
    if actor is SYSTEM or actor.pk == h.handed_by_id:
        raise PermissionDenied("交班人不能自己接班")
    if not (h.next_shift and on_shift(actor, h.next_shift)) and not (
            actor.unit_id == h.shift.unit_id and actor.has_perm_code("duty.log")):
        raise PermissionDenied("只有下一班值班人员可以接班")
    h.received_by, h.received_at, h.received_note = actor, timezone.now(), note.strip()[:300]
    h.save()
    audit.record(actor, A.UPDATE, h.shift, summary="接班签字")
    return h


# --- spot checks (查岗) ------------------------------------------------------------------------

def score(check: SpotCheck) -> int:
    """The product's scoring (the seeds set none; docs/duty.md): unanswered 0; answered within 15 s
    100, 30 s 85, 60 s 70, later 60; minus 20 if the person answering is not on the roster and 20
    if they do not know the duty procedure."""
    if not check.answered:
        return 0
    s = check.seconds if check.seconds is not None else 0
    base = 100 if s <= 15 else 85 if s <= 30 else 70 if s <= 60 else 60
    base -= 0 if check.on_roster else 20
    base -= 0 if check.knows_procedure else 20
    return max(0, base)


@transaction.atomic
def record_check(actor, check: SpotCheck) -> SpotCheck:
    require(actor, "duty.check", "您无权抽查值班")
    unit = Organisation.objects.select_related("region").get(pk=check.unit_id)
    if actor is not SYSTEM and (actor.unit_id == unit.pk or not covers(actor, unit.region)):
        raise PermissionDenied("只能抽查本单位以下的值班")
    if check.called_at and check.called_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"called_at": "拨打时间不能晚于现在"})
    if check.answered and check.seconds is None:
        raise ValidationError({"seconds": "接听的请填写接听用时"})
    if not check.answered:
        check.seconds, check.answered_by, check.on_roster, check.knows_procedure = None, "", False, False
    check.score = score(check)
    if actor is not SYSTEM:
        check.checked_by, check.checker_unit = actor, actor.unit
    check.full_clean(exclude=["checked_by", "checker_unit"])
    check.save()
    audit.record(actor, A.CREATE, check, summary=f"抽查值班：{unit.name} {'接听' if check.answered else '未接听'}，"
                                                f"{check.score} 分")
    return check


def monthly_scores(checks) -> list[dict]:
    """Per unit: checks, answered, average seconds and score (the month's 讲评 and 考核 figure)."""
    rows: dict[int, dict] = {}
    for c in checks.select_related("unit"):
        r = rows.setdefault(c.unit_id, {"unit": c.unit, "checks": 0, "answered": 0, "seconds": [], "scores": []})
        r["checks"] += 1
        r["answered"] += c.answered
        if c.seconds is not None:
            r["seconds"].append(c.seconds)
        r["scores"].append(c.score)
    out = []
    for r in rows.values():
        out.append({"unit": r["unit"], "checks": r["checks"], "answered": r["answered"],
                    "rate": round(100 * r["answered"] / r["checks"]),
                    "seconds": round(sum(r["seconds"]) / len(r["seconds"])) if r["seconds"] else None,
                    "score": round(sum(r["scores"]) / len(r["scores"]), 1)})
    return sorted(out, key=lambda r: (-r["score"], r["unit"].name))


# --- configuration (duty.configure) ------------------------------------------------------------

@transaction.atomic
def save_rule(actor, *, post: DutyPost, minimum: int, kind: str = "", unit: Organisation | None = None) -> None:
    """Set (or, with 0, remove) a minimum for a kind of unit or for one unit in the actor's territory."""
    from .models import StaffingRule

    require(actor, "duty.configure", "您无权设置值班配置")
    if unit is not None and actor is not SYSTEM and not covers(actor, unit.region):
        raise PermissionDenied("该单位不在您管理的范围内")
    if not 0 <= minimum <= 9:
        raise ValidationError({"minimum": "每班人数应在 0～9 之间"})
    where = {"unit": unit} if unit is not None else {"kind": kind, "unit__isnull": True}
    current = StaffingRule.objects.filter(post=post, **where).first()
    who = unit.name if unit is not None else dict(Organisation.Kind.choices).get(kind, kind)
    if minimum == 0:
        if current is not None:
            current.delete()
        summary = f"删除值班配置：{who} {post.name}"
    else:
        rule = current or StaffingRule(post=post, unit=unit, kind="" if unit is not None else kind)
        rule.minimum = minimum
        rule.save()
        summary = f"值班配置：{who} {post.name} 每班至少 {minimum} 人"
    audit.record(actor, A.UPDATE, post, summary=summary)


@transaction.atomic
def save_period(actor, period) -> object:
    require(actor, "duty.configure", "您无权设置重点时期")
    if actor is not SYSTEM and not covers(actor, period.region):
        raise ValidationError({"region": "适用区划不在您管理的范围内"})
    if period.ends_on < period.starts_on:
        raise ValidationError({"ends_on": "结束日期不能早于开始日期"})
    if (period.ends_on - period.starts_on).days > 366:
        raise ValidationError({"ends_on": "一个重点时期不超过一年"})
    codes = set(DutyPost.objects.values_list("code", flat=True))
    unknown = [c for c in (period.raises or {}) if c not in codes]
    if unknown:
        raise ValidationError({"raises": f"未知岗位：{'、'.join(unknown)}"})
    created = period.pk is None
    if created:
        period.created_by = None if actor is SYSTEM else actor
    period.full_clean(exclude=["created_by"])
    period.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, period, summary=f"重点时期：{period}",
                 after=audit.snapshot(period, ["name", "kind", "starts_on", "ends_on", "raises", "dual_leadership"]))
    return period


@transaction.atomic
def delete_period(actor, period) -> None:
    require(actor, "duty.configure", "您无权设置重点时期")
    if actor is not SYSTEM and not covers(actor, period.region):
        raise PermissionDenied("该重点时期不在您管理的范围内")
    audit.record(actor, A.DELETE, period, summary=f"删除重点时期：{period}")
    period.delete()
