"""Every write of emergency plans (drills: drills.py). Each checks permission and scope, leaves an
audit event, and refuses in Chinese with nothing changed.

Who does what (permissions.py, docs/plans.md):
- a plan is written by its owner: the staff of its unit holding plans.edit (an enterprise's own
  users for an enterprise plan); a reviewer (plans.review) may register a plan for a unit in their
  territory (entering the plans already on paper);
- it is reviewed and filed by the level above: a plans.review holder whose territory covers the
  owner (and, for an enterprise, its industry) and who is not of the owning unit — never the
  person who submitted it (no self-review);
- the filing is due 20 working days after 印发 (国办发〔2024〕5号第二十六条, data row
  GB2024_A26_FILING); the revision and evaluation cycles and the 98% target are data rows too.

The contract for incident activation (issue #15 point 5): `actions_for(plan, level_number)` and
`response_levels(plan)`; follow-ups from anywhere: `add_follow_up(actor, source, text, unit, due)`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation
from anying.core.permissions import SYSTEM, is_enterprise_user, require
from anying.core.scope import covers
from anying.core.workflow import Lifecycle, Transition

from . import reference, rules
from .models import (
    EmergencyPlan,
    FollowUp,
    PlanAction,
    PlanEvaluation,
    PlanResource,
    PlanRole,
    ResponseLevel,
)

A = AuditEvent.Action
S = EmergencyPlan.Status
PLAN_FIELDS = ["name", "level", "hazard_type", "owner", "parent", "document_number", "edition", "issued_on",
               "effective_from", "effective_to", "revision_cycle_years", "status", "filing_number", "filed_on"]
REVISION_DAYS = 90  # the product's default due date of a revision task (the seeds set none)


# --- who -------------------------------------------------------------------------------------------

def drafts(user, plan: EmergencyPlan) -> bool:
    """Whether the user writes this plan: its owner's staff with plans.edit."""
    return user is SYSTEM or (user.unit_id == plan.owner_id and user.has_perm_code("plans.edit"))


def reviews(user, plan: EmergencyPlan) -> bool:
    """The level above: plans.review over the owner's territory (and industry, for an enterprise),
    not of the owning unit, not an enterprise."""
    if user is SYSTEM:
        return True
    if not user.has_perm_code("plans.review") or user.unit_id in (None, plan.owner_id) or is_enterprise_user(user):
        return False
    return covers(user, plan.region, plan.industry if plan.enterprise_id else None)


def _parties(user, plan: EmergencyPlan) -> set[str]:
    found = set()
    if drafts(user, plan):
        found.add("owner")
    if reviews(user, plan):
        found.add("reviewer")
    return found


def reviewers(plan: EmergencyPlan):
    if plan.enterprise_id:
        users = recipients.supervisors(plan.region, plan.industry_id, "plans.review")
    else:
        users = recipients.over(plan.region, "plans.review")
    return [u for u in users if u.unit_id != plan.owner_id]


# --- the lifecycle ---------------------------------------------------------------------------------

def _submit(step) -> None:
    plan = step.record
    plan.submitted_at = timezone.now()


def _review(step) -> None:
    plan = step.record
    plan.reviewed_at = timezone.now()
    plan.review_opinion = step.comment


def _date(value, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({field: f"请填写有效的{label}"}) from None
    if not isinstance(value, dt.date):
        raise ValidationError({field: f"请填写{label}"})
    if value > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天"})
    if value.year < 2000:
        raise ValidationError({field: f"{label}不能早于2000年"})
    return value


def _text(value, field: str, label: str, limit: int = 60) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: f"请填写{label}"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}不能超过 {limit} 字"})
    return text


def _issue(step) -> None:
    """印发: the owner records the issue date and 文号; the 20-working-day filing clock starts."""
    plan = step.record
    plan.issued_on = _date(step.data.get("issued_on") or plan.issued_on, "issued_on", "印发日期")
    plan.document_number = _text(step.data.get("document_number") or plan.document_number, "document_number", "文号")
    plan.effective_from = plan.effective_from if plan.effective_from and plan.effective_from >= plan.issued_on \
        else plan.issued_on
    _keep_dates(plan)
    step.summary = f"印发：{plan.document_number}（{plan.issued_on:%Y-%m-%d}），备案期限 {plan.filing_due:%Y-%m-%d}"


def _file(step) -> None:
    """备案: the reviewer records the 备案编号 and date; open revision tasks of the plan are done."""
    plan = step.record
    plan.filing_number = _text(step.data.get("filing_number"), "filing_number", "备案编号")
    plan.filed_on = _date(step.data.get("filed_on") or timezone.localdate(), "filed_on", "备案日期")
    if plan.issued_on and plan.filed_on < plan.issued_on:
        raise ValidationError({"filed_on": "备案日期不能早于印发日期"})
    late = plan.filing_due is not None and plan.filed_on > plan.filing_due
    step.summary = f"备案：{plan.filing_number}（{plan.filed_on:%Y-%m-%d}）" + ("，超过备案期限" if late else "")
    open_tasks = FollowUp.objects.filter(plan=plan, kind=FollowUp.Kind.REVISION, done_at__isnull=True)
    open_tasks.update(done_at=timezone.now(), done_by=None if step.actor is SYSTEM else step.actor,
                      note=f"预案已修订并备案（{plan.filing_number}）")


def _revise(step) -> None:
    """启动修订: back to draft; the filed edition stays in force until the new one is issued."""
    plan = step.record
    plan.filing_number, plan.filed_on, plan.filed_by = "", None, None
    plan.submitted_by, plan.reviewed_by, plan.submitted_at, plan.reviewed_at = None, None, None, None


PLANS = workflow.register(Lifecycle(
    model=EmergencyPlan, label="应急预案",
    transitions=[
        Transition("submit", "报审", (S.DRAFT, S.RETURNED), S.SUBMITTED, frozenset({"owner"}), stamp=("submitted_by",),
                   notify=("reviewers",), apply=_submit),
        Transition("return", "退回修改", (S.SUBMITTED,), S.RETURNED, frozenset({"reviewer"}), stamp=("reviewed_by",),
                   separated=("submitted_by",), needs_comment="请填写审核意见（需修改的内容）", notify=("owner",),
                   apply=_review),
        Transition("approve", "审核通过", (S.SUBMITTED,), S.APPROVED, frozenset({"reviewer"}), stamp=("reviewed_by",),
                   separated=("submitted_by",), notify=("owner",), apply=_review),
        Transition("issue", "印发", (S.APPROVED,), S.ISSUED, frozenset({"owner"}), notify=("reviewers",), apply=_issue),
        Transition("file", "备案", (S.ISSUED,), S.FILED, frozenset({"reviewer"}), stamp=("filed_by",),
                   separated=("submitted_by",), notify=("owner",), apply=_file),
        Transition("revise", "启动修订", (S.FILED,), S.DRAFT, frozenset({"owner"}), needs_comment="请填写修订原因",
                   notify=("reviewers",), apply=_revise),
    ],
    parties=_parties,
    recipients={"owner": lambda p: recipients.members([p.owner_id], "plans.edit"), "reviewers": reviewers},
    audited=("status", "document_number", "issued_on", "filing_number", "filed_on", "review_opinion"),
    events={"create": "登记", "evaluate": "评估"},
    describe=str,
    summary=lambda p: p.get_level_display(),
    url=lambda p: reverse("plans:detail", args=[p.pk]),
))


def act(actor, pk: int, name: str, *, comment: str = "", data: dict | None = None,
        version: int | None = None) -> EmergencyPlan:
    return workflow.run(PLANS, actor, pk, name, comment=comment, data=data, version=version)


# --- the register ----------------------------------------------------------------------------------

def _keep_dates(plan: EmergencyPlan) -> None:
    for name, value in rules.dates(plan).items():
        setattr(plan, name, value)


def _place(plan: EmergencyPlan) -> None:
    """Region and industry follow the owner; an enterprise plan names its enterprise."""
    owner = Organisation.objects.select_related("region").get(pk=plan.owner_id)
    if owner.kind == Organisation.Kind.ENTERPRISE:
        enterprise = owner.enterprise
        plan.enterprise, plan.region_id, plan.industry_id = enterprise, enterprise.region_id, enterprise.industry_id
        if plan.level not in EmergencyPlan.ENTERPRISE_LEVELS:
            raise ValidationError({"level": "企业的预案只能是企业应急预案或现场处置方案"})
    else:
        if not owner.is_government:
            raise ValidationError({"owner": "编制单位应为政府单位或企业"})
        plan.enterprise, plan.region_id, plan.industry_id = None, owner.region_id, None
        if plan.level in EmergencyPlan.ENTERPRISE_LEVELS:
            raise ValidationError({"level": "企业应急预案和现场处置方案只能由企业编制"})


def _may_register(actor, owner: Organisation) -> bool:
    if actor is SYSTEM:
        return True
    if actor.unit_id == owner.pk:
        return True
    return (actor.has_perm_code("plans.review") and not is_enterprise_user(actor)
            and covers(actor, owner.region, owner.enterprise.industry if owner.kind == owner.Kind.ENTERPRISE else None))


def _check_parent(actor, plan: EmergencyPlan) -> None:
    if plan.parent_id is None:
        return
    if plan.pk and plan.parent_id == plan.pk:
        raise ValidationError({"parent": "上级预案不能是本预案"})
    parent = EmergencyPlan.objects.visible_to(actor).filter(pk=plan.parent_id).first() if actor is not SYSTEM \
        else EmergencyPlan.objects.filter(pk=plan.parent_id).first()
    if parent is None:
        raise ValidationError({"parent": "上级预案不存在或不可见"})
    ancestor, hops = parent, 0
    while ancestor is not None and hops < 10:
        if plan.pk and ancestor.pk == plan.pk:
            raise ValidationError({"parent": "上级预案不能是本预案的下级预案"})
        ancestor, hops = ancestor.parent, hops + 1


def _check_dates(plan: EmergencyPlan) -> None:
    if plan.effective_to and plan.effective_from and plan.effective_to < plan.effective_from:
        raise ValidationError({"effective_to": "废止日期不能早于施行日期"})
    for name in ("issued_on", "effective_from", "effective_to"):
        value = getattr(plan, name)
        if value is not None and not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
            raise ValidationError({name: "日期应在 2000～2100 年之间"})
    if plan.issued_on and plan.issued_on > timezone.localdate():
        raise ValidationError({"issued_on": "印发日期不能晚于今天"})


@transaction.atomic
def save_plan(actor, plan: EmergencyPlan) -> EmergencyPlan:
    """Register a plan (owner: the actor's unit, or one a reviewer covers) or edit it while it is a
    draft or returned. The issue date and 文号 of a plan not yet issued through the lifecycle may
    be entered here for a plan already on paper."""
    require(actor, "plans.edit", "您无权编制应急预案")
    created = plan.pk is None
    before = None
    if created:
        owner = Organisation.objects.select_related("region").get(pk=plan.owner_id)
        if not _may_register(actor, owner):
            raise PermissionDenied("只能为本单位（或辖区内单位）登记应急预案")
        plan.created_by = None if actor is SYSTEM else actor
        plan.status = S.DRAFT
    else:
        current = EmergencyPlan.objects.select_for_update().get(pk=plan.pk)
        if not drafts(actor, current):
            raise PermissionDenied("只有编制单位可以修改应急预案")
        workflow.check_version(PLANS, current, plan.version)
        if not current.editable:
            raise ValidationError(f"预案{current.get_status_display()}，不能修改；退回或启动修订后才可修改")
        if plan.owner_id != current.owner_id:
            raise ValidationError({"owner": "编制单位不能更改"})
        before = audit.snapshot(current, PLAN_FIELDS)
        plan.version = current.version + 1
        for keep in ("status", "submitted_by_id", "reviewed_by_id", "filing_number", "filed_on", "created_by_id",
                     "last_evaluated_on"):
            setattr(plan, keep, getattr(current, keep))
    _place(plan)
    _check_parent(actor, plan)
    _check_dates(plan)
    plan.name = plan.name.strip()
    plan.full_clean(exclude=["owner", "parent", "hazard_type", "created_by", "submitted_by", "reviewed_by",
                             "filed_by", "region", "industry", "enterprise"])
    _keep_dates(plan)
    plan.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, plan, summary=f"{'登记' if created else '修改'}预案：{plan}",
                 before=before, after=audit.snapshot(plan, PLAN_FIELDS))
    if created:
        workflow.record_event(plan, "create", actor=None if actor is SYSTEM else actor, state=plan.status)
    return plan


def _editable_plan(actor, plan_id: int) -> EmergencyPlan:
    plan = EmergencyPlan.objects.select_for_update().get(pk=plan_id)
    if not drafts(actor, plan):
        raise PermissionDenied("只有编制单位可以修改预案内容")
    if not plan.editable:
        raise ValidationError(f"预案{plan.get_status_display()}，内容不能修改；退回或启动修订后才可修改")
    return plan


def _bump(actor, plan: EmergencyPlan, summary: str) -> None:
    EmergencyPlan.objects.filter(pk=plan.pk).update(version=plan.version + 1, updated_at=timezone.now())
    audit.record(actor, A.UPDATE, plan, summary=summary[:255])


# --- structured content (GB/T 29639-2020) ---------------------------------------------------------

@transaction.atomic
def save_level(actor, plan_id: int, level: ResponseLevel) -> ResponseLevel:
    plan = _editable_plan(actor, plan_id)
    level.plan = plan
    clash = ResponseLevel.objects.filter(plan=plan, number=level.number).exclude(pk=level.pk)
    if clash.exists():
        raise ValidationError({"number": f"本预案已有{'一二三四'[level.number - 1] if 1 <= level.number <= 4 else ''}级响应"})
    level.full_clean(exclude=["plan"])
    level.save()
    _bump(actor, plan, f"响应分级：{level} {level.criteria[:60]}")
    return level


@transaction.atomic
def save_role(actor, plan_id: int, role: PlanRole) -> PlanRole:
    plan = _editable_plan(actor, plan_id)
    role.plan = plan
    role.full_clean(exclude=["plan", "unit"])
    role.save()
    _bump(actor, plan, f"组织机构：{role.name}")
    return role


@transaction.atomic
def save_action(actor, plan_id: int, action: PlanAction) -> PlanAction:
    plan = _editable_plan(actor, plan_id)
    if action.level_id is None or not ResponseLevel.objects.filter(pk=action.level_id, plan=plan).exists():
        raise ValidationError({"level": "请选择本预案的响应级别"})
    if action.role_id is not None and not PlanRole.objects.filter(pk=action.role_id, plan=plan).exists():
        raise ValidationError({"role": "请选择本预案的工作组"})
    action.plan = plan
    action.full_clean(exclude=["plan", "level", "role"])
    action.save()
    _bump(actor, plan, f"响应措施：{action.text[:80]}")
    return action


@transaction.atomic
def save_resource(actor, plan_id: int, resource: PlanResource) -> PlanResource:
    plan = _editable_plan(actor, plan_id)
    resource.plan = plan
    resource.full_clean(exclude=["plan"])
    resource.save()
    _bump(actor, plan, f"应急资源：{resource.name} {resource.quantity}")
    return resource


PARTS = {"level": ResponseLevel, "role": PlanRole, "action": PlanAction, "resource": PlanResource}


@transaction.atomic
def remove_part(actor, plan_id: int, kind: str, part_id: int) -> None:
    plan = _editable_plan(actor, plan_id)
    model = PARTS.get(kind)
    part = model.objects.filter(pk=part_id, plan=plan).first() if model else None
    if part is None:
        raise ValidationError("该内容不存在")
    text = str(part)
    part.delete()
    _bump(actor, plan, f"删除{model._meta.verbose_name}：{text[:80]}")


def response_levels(plan: EmergencyPlan) -> list[ResponseLevel]:
    """The plan's response levels, 一级 (the highest) first."""
    return list(ResponseLevel.objects.filter(plan=plan).order_by("number"))


def actions_for(plan: EmergencyPlan, level_number: int) -> list[PlanAction]:
    """The actions to take when the plan is activated at response level `level_number`
    (1 = 一级, the highest … 4 = 四级). A response at a level includes every measure of the less
    severe levels: level II runs the actions written for II, III and IV (number ≥ 2); a higher
    response adds to a lower one, it does not replace it. Ordered by role (its order; actions with
    no role last), then by the action's own order, then from the less severe level to the more
    severe one. A level the plan does not define gives the actions of the levels below it that it
    does; a number outside 1–4 is refused."""
    if not 1 <= int(level_number) <= 4:
        raise ValidationError({"level": "响应级别应为 1～4（一级最高）"})
    actions = list(PlanAction.objects.filter(plan=plan, level__number__gte=level_number).select_related("level",
                                                                                                      "role"))
    groups = {g.pk: g.order for g in PlanRole.objects.filter(plan=plan)}
    return sorted(actions, key=lambda a: (a.role_id is None, groups.get(a.role_id, 0), a.role_id or 0, a.order,
                                          -a.level.number, a.pk))


# --- evaluations and follow-ups -------------------------------------------------------------------

@transaction.atomic
def evaluate(actor, plan_id: int, evaluation: PlanEvaluation, *, revise_due: dt.date | None = None) -> PlanEvaluation:
    """An evaluation (A4.4) by the owner or its reviewer; 需要修订 creates a revision task for the
    owner. The next evaluation falls one cycle after this one."""
    plan = EmergencyPlan.objects.select_for_update().get(pk=plan_id)
    if not (drafts(actor, plan) or reviews(actor, plan)):
        raise PermissionDenied("只有编制单位或其审核单位可以登记预案评估")
    evaluation.plan = plan
    evaluation.evaluated_on = _date(evaluation.evaluated_on, "evaluated_on", "评估日期")
    if plan.issued_on and evaluation.evaluated_on < plan.issued_on:
        raise ValidationError({"evaluated_on": "评估日期不能早于预案印发日期"})
    evaluation.created_by = None if actor is SYSTEM else actor
    evaluation.full_clean(exclude=["plan", "created_by"])
    evaluation.save()
    if plan.last_evaluated_on is None or evaluation.evaluated_on >= plan.last_evaluated_on:
        plan.last_evaluated_on = evaluation.evaluated_on
    _keep_dates(plan)
    plan.version += 1
    plan.save(update_fields=["last_evaluated_on", "evaluation_due", "version", "updated_at"])
    workflow.record_event(plan, "evaluate", actor=None if actor is SYSTEM else actor, previous=plan.status,
                          state=plan.status, comment=f"{evaluation.get_conclusion_display()}：{evaluation.findings[:200]}")
    audit.record(actor, A.CREATE, plan, summary=f"预案评估：{evaluation.get_conclusion_display()}（{evaluation.evaluated_on}）")
    if evaluation.conclusion == PlanEvaluation.Conclusion.REVISE:
        add_follow_up(actor, evaluation, f"根据{evaluation.evaluated_on:%Y年%m月%d日}评估结论修订《{plan.name}》"
                      + (f"：{evaluation.findings[:300]}" if evaluation.findings else ""), plan.owner,
                      revise_due or evaluation.evaluated_on + dt.timedelta(days=REVISION_DAYS), plan=plan)
    return evaluation


def _source_label(source) -> str:
    if source is None:
        return ""
    meta = source._meta
    return f"{meta.verbose_name}：{source}"[:200]


@transaction.atomic
def add_follow_up(actor, source, text: str, unit: Organisation, due: dt.date, *, plan: EmergencyPlan | None = None,
                  kind: str | None = None) -> FollowUp:
    """A follow-up task for `unit`, due on `due`, from `source` (any record: a drill evaluation, a
    plan evaluation, an incident's after-action review). With `plan` it is a revision task on that
    plan (A4.8) and `unit` should be the plan's owner. The caller checks its own right on the
    source; here the actor must be of the unit or cover it (its superiors), and the plan must be
    visible to them. It appears in the unit's 待办 (work.py) until completed."""
    if actor is not SYSTEM and actor.unit_id != unit.pk and not (
            not is_enterprise_user(actor) and covers(actor, unit.region)):
        raise PermissionDenied(f"不能给{unit.name}布置任务（不在您的管辖范围内）")
    if plan is not None and actor is not SYSTEM and not EmergencyPlan.objects.visible_to(actor).filter(pk=plan.pk).exists():
        raise PermissionDenied("该预案不存在或不可见")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写任务内容"})
    if len(text) > 1000:
        raise ValidationError({"text": "任务内容不能超过 1000 字"})
    if not isinstance(due, dt.date) or isinstance(due, dt.datetime):
        raise ValidationError({"due_on": "请填写完成期限"})
    if not dt.date(2000, 1, 1) <= due <= dt.date(2100, 12, 31):
        raise ValidationError({"due_on": "完成期限应在 2000～2100 年之间"})
    enterprise = None
    if unit.kind == Organisation.Kind.ENTERPRISE:
        enterprise = unit.enterprise
    follow = FollowUp(
        kind=kind or (FollowUp.Kind.REVISION if plan is not None else FollowUp.Kind.TASK), plan=plan, text=text,
        unit=unit, enterprise=enterprise, region_id=enterprise.region_id if enterprise else unit.region_id,
        industry_id=enterprise.industry_id if enterprise else None, due_on=due,
        created_by=None if actor is SYSTEM else actor, source_label=_source_label(source))
    if source is not None:
        follow.content_type = ContentType.objects.get_for_model(source)
        follow.object_id = source.pk
    follow.save()
    audit.record(actor, A.CREATE, follow, summary=f"布置{follow.get_kind_display()}：{unit.name} {text[:80]}（{due}）")
    from anying.core.notifications import notify

    notify(recipients.members([unit.pk]), f"新的{follow.get_kind_display()}：{text[:40]}", f"完成期限：{due:%Y-%m-%d}",
           reverse("plans:follow_ups") + f"?unit={unit.pk}")
    return follow


def completes(user, follow: FollowUp) -> bool:
    return user is SYSTEM or (user.unit_id == follow.unit_id and (
        user.has_perm_code("plans.edit") or user.has_perm_code("drills.edit")))


@transaction.atomic
def complete_follow_up(actor, pk: int, note: str) -> FollowUp:
    follow = FollowUp.objects.select_for_update().select_related("unit").get(pk=pk)
    if not completes(actor, follow):
        raise PermissionDenied("只有责任单位可以办结任务")
    if follow.done_at is not None:
        raise ValidationError("该任务已办结")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写完成情况"})
    if len(note) > 500:
        raise ValidationError({"note": "完成情况不能超过 500 字"})
    follow.done_at, follow.done_by, follow.note = timezone.now(), None if actor is SYSTEM else actor, note
    follow.save()
    audit.record(actor, A.UPDATE, follow, summary=f"办结{follow.get_kind_display()}：{follow.text[:60]}")
    return follow


def follow_ups_of(source) -> list[FollowUp]:
    """The follow-ups created from a record (an evaluation, an incident review)."""
    return list(FollowUp.objects.filter(content_type=ContentType.objects.get_for_model(source), object_id=source.pk)
                .select_related("unit", "plan"))


# --- configuration --------------------------------------------------------------------------------

@transaction.atomic
def set_requirement(actor, code: str, value: int):
    """A district changes a configurable figure (a product default or the target); the laws' rows
    are not editable. Plans' computed dates follow on their next change."""
    require(actor, "plans.configure", "您无权修改预案与演练的设置")
    row = reference.requirement(code)
    if not row.configurable:
        raise ValidationError("法规规定的数值不能修改")
    limit = 100 if row.unit == row.Unit.PERCENT else 10
    if not 1 <= int(value) <= limit:
        raise ValidationError({"value": f"数值应在 1～{limit} 之间"})
    before = {"value": row.value}
    row.value = int(value)
    row.save(update_fields=["value"])
    audit.record(actor, A.UPDATE, row, summary=f"修改设置：{row.label} {before['value']} → {row.value}",
                 before=before, after={"value": row.value})
    return row


def recompute_dates(plans=None) -> int:
    """Recompute the kept deadlines (after a setting changed)."""
    count = 0
    for plan in (plans if plans is not None else EmergencyPlan.objects.filter(issued_on__isnull=False)
                 .select_related("enterprise__industry__parent").prefetch_related("enterprise__tags")):
        before = (plan.filing_due, plan.revision_due, plan.evaluation_due)
        _keep_dates(plan)
        if (plan.filing_due, plan.revision_due, plan.evaluation_due) != before:
            EmergencyPlan.objects.filter(pk=plan.pk).update(filing_due=plan.filing_due, revision_due=plan.revision_due,
                                                            evaluation_due=plan.evaluation_due)
            count += 1
    return count


def visible_plans(user):
    return EmergencyPlan.objects.visible_to(user)


def open_q() -> Q:
    return Q(done_at__isnull=True)
