"""Writes of the special work permits: the enterprise fills in a permit (kind, level, place,
hazards, measures, guardian, workers), records gas analyses, and takes it through its lifecycle —
approved by another account (two for the levels that need two), started only within its
validity and only after a passing analysis taken within the allowed interval, suspended and
resumed (a new analysis after a long pause), closed with the acceptance, or cancelled. A tick
flags permits still open after their validity. Every function checks the permission and scope,
refuses with Chinese messages keyed by field (nothing written on a refusal) and audits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, numbering, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.core.workflow import PERM, Lifecycle, Transition
from anying.registry.models import Enterprise

from . import rules
from .models import Approval, GasAnalysis, Permit, Worker

A = AuditEvent.Action
S = Permit.Status
WRITE, APPROVE = PERM + "permits.write", PERM + "permits.approve"
FIELDS = ["kind", "level", "place", "content", "hazards", "details", "measures", "measures_other",
          "measures_confirmed", "applicant_name", "leader_name", "guardian_name", "guardian_cert", "valid_from",
          "valid_until"]
AUDITED = ["status", "started_at", "suspended_at", "approved_at", "closed_at", "expired", "valid_until"]
DETAIL_LABELS = {"fire_method": "动火方式（如气焊、电焊、切割）", "medium": "管道介质", "plate_spec": "盲板规格",
                 "height_m": "作业高度（m）", "load_t": "吊物质量（t）", "voltage": "电压等级", "power_kw": "用电功率（kW）",
                 "area_m2": "动土范围（m²）", "road_section": "断路路段"}
NUMERIC_DETAILS = {"height_m", "load_t", "power_kw", "area_m2"}
MAX_WORKERS = 50


def _now():
    """The clock the checks read (tests set it to the boundaries)."""
    return timezone.now()


def _text(data: dict, key: str, limit: int) -> str:
    return " ".join(str(data.get(key) or "").split())[:limit]


def enterprise_of(actor) -> Enterprise:
    """The enterprise an account writes for: only the enterprise's own accounts fill in permits."""
    # visible_to: an account of a deactivated unit sees nothing, so writes nothing (core.scope.viewer)
    ent = Enterprise.objects.visible_to(actor).filter(organisation_id=getattr(actor, "unit_id", None)).first() \
        if actor is not SYSTEM else None
    if ent is None:
        raise PermissionDenied("只有企业账号可以填报本企业的作业票")
    return ent


def _minutes(delta: dt.timedelta) -> str:
    return f"{delta.total_seconds() / 60:.0f} 分钟"


# ----- the permit -----

def _workers(rows, errors: dict) -> list[Worker]:
    workers = []
    for i, row in enumerate(rows or []):
        name, company = _text(row, "name", 40), _text(row, "company", 100)
        if not name and not company and not _text(row, "certificate", 40):
            continue
        if not name or not company:
            errors["workers"] = f"第 {i + 1} 名作业人员：请填写姓名和所属单位"
            continue
        workers.append(Worker(name=name, company=company, contractor=bool(row.get("contractor")),
                              certificate=_text(row, "certificate", 40), trade=_text(row, "trade", 40)))
    if not workers and "workers" not in errors:
        errors["workers"] = "请至少填写一名作业人员"
    if len(workers) > MAX_WORKERS:
        errors["workers"] = f"作业人员不能超过 {MAX_WORKERS} 人"
    return workers


def _details(kind: str, data: dict, errors: dict) -> dict:
    out = {}
    raw = data.get("details") or {}
    for key in rules.kinds()[kind].required_fields:
        value = _text(raw, key, 60)
        if not value:
            errors[key] = f"请填写{DETAIL_LABELS[key]}"
            continue
        if key in NUMERIC_DETAILS:
            try:
                number = Decimal(value)
            except InvalidOperation:
                errors[key] = f"{DETAIL_LABELS[key]}须为数字"
                continue
            if not number.is_finite() or number <= 0 or number > 100000:
                errors[key] = f"{DETAIL_LABELS[key]}须为正数"
                continue
        out[key] = value
    return out


@transaction.atomic
def save_permit(actor, data: dict, *, pk: int | None = None, version: int | None = None,
                enterprise: Enterprise | None = None, is_demo: bool = False) -> Permit:
    """Fill in (or correct, while 待审批) a permit of the actor's enterprise. The validity ends at
    the planned end or at the level's limit after the planned start, whichever is earlier."""
    require(actor, "permits.write", "无权填报作业票")
    if pk is not None:
        permit = PERMITS.queryset(actor).select_for_update(of=("self",)).get(pk=pk)
        workflow.check_version(PERMITS, permit, version)
        if permit.status != S.DRAFT:
            raise ValidationError("作业票已批准，不能再修改（如需变更请取消后重新办理）")
        if permit.approvals.exists():
            raise ValidationError("作业票已有审批签字，不能再修改（如需变更请取消后重新办理）")
        if actor is not SYSTEM and permit.created_by_id not in (None, actor.pk):
            # otherwise a colleague could rewrite the draft and then approve what they wrote themselves
            raise PermissionDenied("只能修改本人填报的作业票（审批人不能改写申请内容）")
        before = audit.snapshot(permit, FIELDS)
    else:
        ent = enterprise if actor is SYSTEM else enterprise_of(actor)
        permit, before = Permit(enterprise=ent, created_by=None if actor is SYSTEM else actor, is_demo=is_demo), None
    errors: dict = {}
    kind = data.get("kind")
    if kind not in rules.kinds():
        errors["kind"] = "请选择作业类别"
    level = data.get("level") or ""
    if kind in rules.kinds():
        choices = [lv.code for lv in rules.levels_of(kind)]
        if level not in choices:
            errors["level"] = ("请选择" + rules.kinds()[kind].short + "作业级别") if any(choices) else "该类作业不分级别"
    place, content, hazards = _text(data, "place", 120), _text(data, "content", 300), str(data.get("hazards") or "").strip()
    if not place:
        errors["place"] = "请填写作业地点"
    if not content:
        errors["content"] = "请填写作业内容"
    if not hazards:
        errors["hazards"] = "请填写危害辨识（作业中可能存在的危险有害因素）"
    applicant, leader = _text(data, "applicant_name", 40), _text(data, "leader_name", 40)
    if not applicant:
        errors["applicant_name"] = "请填写作业申请人"
    if not leader:
        errors["leader_name"] = "请填写作业负责人"
    guardian, cert = _text(data, "guardian_name", 40), _text(data, "guardian_cert", 40)
    start, end = data.get("valid_from"), data.get("valid_until")
    if not isinstance(start, dt.datetime):
        errors["valid_from"] = "请填写计划开始时间"
    if not isinstance(end, dt.datetime):
        errors["valid_until"] = "请填写计划结束时间"
    elif isinstance(start, dt.datetime) and end <= start:
        errors["valid_until"] = "计划结束须晚于计划开始"
    details = _details(kind, data, errors) if kind in rules.kinds() else {}
    workers = _workers(data.get("workers"), errors)
    allowed = [m.code for m in rules.measures_of(kind)] if kind in rules.kinds() else []
    measures = [m for m in allowed if m in (data.get("measures") or [])]
    confirmed = bool(data.get("measures_confirmed"))
    if confirmed and len(measures) < len(allowed):
        errors["measures"] = f"还有 {len(allowed) - len(measures)} 项安全措施未落实，不能确认"
    if errors:
        raise ValidationError(errors)
    lv = rules.level(kind, level)
    limit = start + dt.timedelta(hours=lv.validity_hours)
    permit.kind, permit.level, permit.place, permit.content, permit.hazards = kind, level, place, content, hazards
    permit.details, permit.measures, permit.measures_confirmed = details, measures, confirmed
    permit.measures_other = _text(data, "measures_other", 300)
    permit.applicant_name, permit.leader_name, permit.guardian_name, permit.guardian_cert = applicant, leader, guardian, cert
    permit.valid_from, permit.valid_until = start, min(end, limit)
    if permit.pk:
        permit.version += 1
    else:
        # one series per enterprise and kind from the shared counter: 某某化工动火〔2026〕12号
        permit.number = numbering.next_number(f"{permit.enterprise.name}{rules.kinds()[kind].short}",
                                              timezone.localtime(start).year)
    permit.save()
    permit.workers.all().delete()
    for w in workers:
        w.permit = permit
    Worker.objects.bulk_create(workers)
    if before is None:
        workflow.record_event(permit, "created", actor=None if actor is SYSTEM else actor, state=permit.status)
    audit.record(actor, A.CREATE if before is None else A.UPDATE, permit, before=before,
                 after=audit.snapshot(permit, FIELDS),
                 summary=f"作业票：{permit.number}（{permit.title}，{place}）"
                         + ("，有效期按级别上限截至 " + timezone.localtime(permit.valid_until).strftime("%m-%d %H:%M")
                            if end > limit else ""))
    return permit


# ----- gas analysis -----

def _reading(value, code: str, errors: dict):
    sub = rules.substances()[code]
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[f"reading_{code}"] = f"{sub.name}须为数字"
        return None
    top = Decimal(100) if sub.unit.startswith("%") else Decimal(100000)
    if not number.is_finite() or number < 0 or number > top:
        errors[f"reading_{code}"] = f"{sub.name}须在 0 到 {top} {sub.unit} 之间"
        return None
    return number


@transaction.atomic
def record_analysis(actor, pk: int, data: dict, *, version: int | None = None) -> GasAnalysis:
    """Record one analysis (time, place, analyst, a value per substance). Each value is judged
    against its limit; an analysis failing during the work suspends the permit at once."""
    require(actor, "permits.write", "无权记录气体分析")
    permit = PERMITS.queryset(actor).select_for_update(of=("self",)).get(pk=pk)
    workflow.check_version(PERMITS, permit, version)
    if permit.status not in Permit.LIVE:
        raise ValidationError(f"作业票{permit.get_status_display()}，不能再记录气体分析")
    errors: dict = {}
    now = _now()
    taken = data.get("taken_at")
    if not isinstance(taken, dt.datetime):
        errors["taken_at"] = "请填写取样时间"
    elif taken > now + dt.timedelta(minutes=1):
        errors["taken_at"] = "取样时间不能晚于现在"
    elif taken > permit.valid_until:
        errors["taken_at"] = "取样时间已超过作业票有效期"
    elif taken < permit.valid_from - dt.timedelta(days=1):
        errors["taken_at"] = "取样时间早于计划开始一天以上"
    point, analyst = _text(data, "point", 100), _text(data, "analyst", 40)
    if not point:
        errors["point"] = "请填写分析部位"
    if not analyst:
        errors["analyst"] = "请填写分析人"
    values = {}
    for code, value in (data.get("readings") or {}).items():
        if code in rules.substances() and value not in (None, ""):
            number = _reading(value, code, errors)
            if number is not None:
                values[code] = number
    rule = permit.gas_rule
    measured = {rules.substances()[c].group for c in values}
    for group in (rule.groups if rule else ()):
        if group not in measured:
            errors["readings"] = "请填写" + {"o2": "氧含量", "combustible": "可燃气体浓度", "toxic": "有毒气体浓度"}[group]
    if not values and "readings" not in errors:
        errors["readings"] = "请至少填写一项检测结果"
    if errors:
        raise ValidationError(errors)
    enriched = bool(data.get("enriched"))
    failed = [f"{rules.substances()[c].name} {v} {rules.substances()[c].unit}（限值 "
              f"{rules.substances()[c].limit_text(enriched)}）"
              for c, v in values.items() if not rules.substances()[c].passes(v, enriched)]
    phase = {S.IN_PROGRESS: GasAnalysis.Phase.DURING, S.SUSPENDED: GasAnalysis.Phase.RESUME}.get(
        permit.status, GasAnalysis.Phase.BEFORE)
    analysis = GasAnalysis.objects.create(
        permit=permit, taken_at=taken, phase=phase, point=point, analyst=analyst, enriched=enriched,
        readings={c: str(v) for c, v in values.items()}, passed=not failed, failures="；".join(failed)[:300],
        recorded_by=None if actor is SYSTEM else actor)
    summary = f"气体分析（{analysis.get_phase_display()}）：" + ("合格" if not failed else "不合格：" + "；".join(failed))
    audit.record(actor, A.CREATE, analysis, summary=summary[:200], place=permit,
                 after={"取样时间": timezone.localtime(taken).strftime("%Y-%m-%d %H:%M"), "部位": point, "分析人": analyst,
                        **{rules.substances()[c].name: str(v) for c, v in values.items()}})
    workflow.record_event(permit, "analysis", actor=None if actor is SYSTEM else actor, comment=summary[:500])
    if failed and permit.status == S.IN_PROGRESS:
        # 作业中检测不合格：立即停止作业，合格后方可恢复
        before = audit.snapshot(permit, AUDITED)
        permit.status, permit.suspended_at, permit.version = S.SUSPENDED, now, permit.version + 1
        permit.save(update_fields=["status", "suspended_at", "version"])
        workflow.record_event(permit, "gas_stop", actor=None if actor is SYSTEM else actor,
                              previous=S.IN_PROGRESS, state=S.SUSPENDED, comment="作业中气体分析不合格，作业中断")
        audit.record(actor, A.STATE, permit, summary="气体分析不合格，作业中断", before=before,
                     after=audit.snapshot(permit, AUDITED))
    return analysis


# ----- the checks of the lifecycle -----

def missing_for_approval(permit: Permit) -> list[str]:
    """What the permit still lacks before anyone may approve it (shown on the page as well)."""
    missing = []
    if not permit.guardian_name:
        missing.append("未指定监护人")
    if not permit.measures_confirmed:
        missing.append("安全措施未确认落实")
    if not permit.workers.exists():
        missing.append("未填写作业人员")
    rule = permit.gas_rule
    if rule and rule.required:
        latest = permit.analyses.order_by("-taken_at", "-id").first()
        if latest is None:
            missing.append("未进行气体分析（先通风、再检测、后作业）")
        elif not latest.passed:
            missing.append("最近一次气体分析不合格")
    return missing


def gas_refusal(permit: Permit, now, *, after=None) -> str:
    """Why the work may not (re)start now for want of a gas analysis, or "" when it may: the
    latest analysis (taken after `after`, when a pause needs a new one) must pass and be no older
    than the kind's interval."""
    rule = permit.gas_rule
    if not rule or not rule.required:
        return ""
    qs = permit.analyses.filter(taken_at__lte=now)
    if after is not None:
        qs = qs.filter(taken_at__gt=after)
    latest = qs.order_by("-taken_at", "-id").first()
    if latest is None:
        if after is not None:
            return f"作业中断超过 {rule.interruption_min} 分钟，须重新进行气体分析"
        return "未进行气体分析，不能作业（先通风、再检测、后作业）"
    if not latest.passed:
        return f"最近一次气体分析不合格（{latest.failures}），不能作业"
    age = now - latest.taken_at
    if rule.max_interval_min is not None and age > dt.timedelta(minutes=rule.max_interval_min):
        return (f"最近一次气体分析已过 {_minutes(age)}，超过 {rule.max_interval_min} 分钟的间隔，"
                "须重新分析后方可作业")
    return ""


def validity_refusal(permit: Permit, now) -> str:
    if now < permit.valid_from:
        return f"未到作业票有效期（{timezone.localtime(permit.valid_from):%m-%d %H:%M} 起）"
    if now > permit.valid_until:
        return f"作业票已超过有效期（{timezone.localtime(permit.valid_until):%m-%d %H:%M} 止），不能再作业，请重新办理"
    return ""


def _approve(step):
    permit, actor = step.record, step.actor
    now = _now()
    missing = missing_for_approval(permit)
    if missing:
        raise ValidationError("不能批准：" + "；".join(missing))
    if now > permit.valid_until:
        raise ValidationError("作业票已超过有效期，不能批准")
    if actor is not SYSTEM and permit.approvals.filter(approver=actor).exists():
        raise PermissionDenied("您已签字审批该作业票，第二人审批须由另一账号进行（职责分离）")
    lv = permit.level_info
    title = _text(step.data, "title", 40) or lv.approver
    if actor is not SYSTEM:
        Approval.objects.create(permit=permit, approver=actor, title=title, opinion=step.comment[:300], at=now)
    done = permit.approvals.count() if actor is not SYSTEM else lv.approvals
    if done >= lv.approvals:
        permit.status, permit.approved_at = S.APPROVED, now
        step.summary = f"批准（{title}）"
    else:
        permit.status = S.DRAFT
        step.summary = f"审批签字（{title}，{done}/{lv.approvals}）"


def _start(step):
    permit, now = step.record, _now()
    refusal = validity_refusal(permit, now) or gas_refusal(permit, now)
    if refusal:
        raise ValidationError(refusal)
    permit.started_at = permit.started_at or now


def _suspend(step):
    step.record.suspended_at = _now()


def _resume(step):
    permit, now = step.record, _now()
    rule = permit.gas_rule
    paused = now - permit.suspended_at if permit.suspended_at else dt.timedelta(0)
    long = rule and rule.interruption_min is not None and paused > dt.timedelta(minutes=rule.interruption_min)
    refusal = validity_refusal(permit, now) or gas_refusal(permit, now, after=permit.suspended_at if long else None)
    if refusal:
        raise ValidationError(refusal)
    permit.suspended_at = None


def _close(step):
    step.record.closed_at = _now()


def _enterprise_users(code):
    return lambda p: recipients.members([p.enterprise.organisation_id], code)


PERMITS = workflow.register(Lifecycle(
    model=Permit, label="作业票", transitions=[
        Transition("approve", "审批", (S.DRAFT,), (S.DRAFT, S.APPROVED), frozenset({APPROVE}),
                   separated=("created_by",), notify=("writers",), apply=_approve),
        Transition("start", "开始作业", (S.APPROVED,), S.IN_PROGRESS, frozenset({WRITE}), apply=_start),
        Transition("suspend", "中断作业", (S.IN_PROGRESS,), S.SUSPENDED, frozenset({WRITE}),
                   needs_comment="请填写中断原因", apply=_suspend),
        Transition("resume", "恢复作业", (S.SUSPENDED,), S.IN_PROGRESS, frozenset({WRITE}), apply=_resume),
        Transition("close", "完工验收", (S.IN_PROGRESS, S.SUSPENDED), S.CLOSED, frozenset({WRITE, APPROVE}),
                   needs_comment="请填写完工验收意见（现场清理、隐患消除情况）", stamp=("closed_by",), apply=_close),
        Transition("cancel", "取消作业票", (S.DRAFT, S.APPROVED, S.SUSPENDED), S.CANCELLED, frozenset({WRITE, APPROVE}),
                   needs_comment="请填写取消原因"),
    ], recipients={"writers": _enterprise_users("permits.write")},
    audited=AUDITED, events={"created": "填报作业票", "analysis": "气体分析", "gas_stop": "气体分析不合格，作业中断",
                             "expired": "超过有效期未关闭"},
    describe=lambda p: f"{p.number}（{p.title}）",
    summary=lambda p: f"{p.place}，有效期至 {timezone.localtime(p.valid_until):%m-%d %H:%M}",
    url=lambda p: reverse("permit_detail", args=[p.pk])))


def run(actor, pk: int, name: str, **kwargs) -> Permit:
    return workflow.run(PERMITS, actor, pk, name, **kwargs)


# ----- the tick -----

def flag_expired(now) -> int:
    """Flag every permit still open (approved, in progress, suspended) after its validity: it may
    not be used any more (the checks refuse by the clock, this makes it visible), and the town's
    正在作业 list shows it in red until the enterprise closes or cancels it."""
    changed = 0
    rows = Permit.objects.filter(status__in=(S.APPROVED, S.IN_PROGRESS, S.SUSPENDED), expired=False,
                                 valid_until__lt=now)
    for permit in rows.iterator():
        with transaction.atomic():
            Permit.objects.filter(pk=permit.pk).update(expired=True)
            workflow.record_event(permit, "expired", actor=None, comment="作业票超过有效期，不得继续作业")
            audit.record(SYSTEM, A.STATE, permit, summary="作业票超过有效期", before={"超期": False}, after={"超期": True})
        changed += 1
    return changed


# ----- the monthly report -----

def monthly(enterprise, start: dt.date, end: dt.date) -> dict:
    """Permits issued (approved) in the month per kind, their total and how many were closed."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    issued = Permit.objects.filter(enterprise=enterprise, approved_at__gte=lo, approved_at__lt=hi)
    counts = dict.fromkeys(rules.kinds(), 0)
    for kind in issued.values_list("kind", flat=True):
        counts[kind] += 1
    out = {f"issued_{k}": v for k, v in counts.items()}
    out["issued"] = sum(counts.values())
    out["closed"] = Permit.objects.filter(enterprise=enterprise, closed_at__gte=lo, closed_at__lt=hi).count()
    return out


MONTHLY_FIGURES = tuple([(f"issued_{k.code}", f"{k.name}票", "张") for k in rules.kinds().values()]
                        + [("issued", "作业票合计", "张"), ("closed", "完工验收", "张")])
