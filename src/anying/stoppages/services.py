"""Writes of 停复产: the order (with the earliest restart and closure that a mine's accident
brings, rules.py), the enterprise's restart application, the acceptance check, the restart or
closure — each through the lifecycle, audited, with the enterprise's 经营状态 following."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anying.campaigns import services as campaign_services
from anying.core import audit, notifications, numbering, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, is_enterprise_user, require
from anying.core.scope import covers
from anying.core.workflow import Lifecycle, Transition
from anying.hazards.models import Hazard
from anying.inspections.models import Penalty
from anying.oversight.models import Accident
from anying.registry.models import Enterprise
from anying.warning.models import Warning

from . import rules
from .models import OPEN, Stoppage

S = Stoppage.Status
SRC = Stoppage.Source
A = AuditEvent.Action
AUDITED = ["status", "earliest_restart", "closure_required", "applied_on", "checked_on", "check_team", "restarted_on",
           "closed_on"]
PREFIX = "停产整顿指令"


def _text(data: dict, key: str, limit: int) -> str:
    return str(data.get(key) or "").strip()[:limit]


def _set_enterprise_status(actor, enterprise: Enterprise, status: str, why: str) -> None:
    if enterprise.status == status:
        return
    before = {"经营状态": enterprise.get_status_display()}
    Enterprise.objects.filter(pk=enterprise.pk).update(status=status)
    enterprise.status = status
    audit.record(actor, A.UPDATE, enterprise, summary=why, before=before,
                 after={"经营状态": enterprise.get_status_display()})


def _source(actor, enterprise: Enterprise, data: dict, errors: dict) -> dict:
    """The record the order comes from: of this enterprise, and one the actor may see."""
    source = data.get("source")
    if source not in SRC.values:
        errors["source"] = "请选择停产原因类别"
        return {}
    links = {}
    wanted = {SRC.PENALTY: ("penalty", Penalty, "请选择作出责令停产停业的行政处罚"),
              SRC.ACCIDENT: ("accident", Accident, "请选择发生的生产安全事故"),
              SRC.HAZARD: ("hazard", Hazard, "请选择重大事故隐患"),
              SRC.WARNING: ("warning", Warning, "请选择预警")}.get(source)
    if wanted is None:
        return links
    field, model, message = wanted
    record = data.get(field)
    if record is None:
        errors[field] = message
        return links
    visible = model.objects.visible_to(actor).filter(pk=record.pk)
    if model is not Warning:
        visible = visible.filter(enterprise_id=enterprise.pk)
    if not visible.exists():
        errors[field] = f"所选{model._meta.verbose_name}不属于该企业或不在您的辖区"
    elif model is Warning and not _covers(record, enterprise):
        errors[field] = "所选预警的区域不含该企业所在地"
    elif model is Hazard and record.level != Hazard.Level.MAJOR:
        errors[field] = "只有重大事故隐患可据以责令停产停业整顿"
    else:
        links[field] = record
    return links


def _covers(warning: Warning, enterprise: Enterprise) -> bool:
    """A warning over the enterprise's town or village (or a region above it)."""
    path = enterprise.region.path
    return any(path.startswith(p) or p.startswith(path) for p in warning.regions.values_list("path", flat=True))


def _source_day(links: dict) -> dt.date | None:
    """The date of what the order comes from: an order cannot precede it."""
    if "accident" in links:
        return timezone.localtime(links["accident"].occurred_at).date()
    if "penalty" in links:
        return links["penalty"].filed_on
    if "hazard" in links:
        return links["hazard"].found_on
    if "warning" in links and links["warning"].issued_at:
        return timezone.localtime(links["warning"].issued_at).date()
    return None


BACKDATE_DAYS = 30  # an order entered late may carry its real date, within a month


@transaction.atomic
def order(actor, enterprise: Enterprise, data: dict, today: dt.date | None = None) -> Stoppage:
    """责令停产整顿. A mine's accident sets the earliest restart and closure by rule (data)."""
    require(actor, "stoppages.manage", "无权下达停产整顿指令")
    enterprise = Enterprise.objects.select_for_update(of=("self",)).select_related("industry__parent", "region").get(
        pk=enterprise.pk)
    if actor is not SYSTEM and not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied()
    today = today or timezone.localdate()
    errors: dict = {}
    links = _source(actor, enterprise, data, errors)
    reason, basis = _text(data, "reason", 2000), _text(data, "legal_basis", 300)
    if not reason:
        errors["reason"] = "请填写停产整顿事由"
    if not basis:
        errors["legal_basis"] = "请填写依据"
    ordered_on = data.get("ordered_on") or today
    source_day = _source_day(links)
    if ordered_on > today:
        errors["ordered_on"] = "下达日期不能晚于今天"
    elif ordered_on < today - dt.timedelta(days=BACKDATE_DAYS):
        errors["ordered_on"] = f"下达日期不能早于{BACKDATE_DAYS}天前（停产期限从下达日期起算）"
    elif source_day is not None and ordered_on < source_day:
        errors["ordered_on"] = f"下达日期不能早于停产原因发生的日期（{source_day:%Y-%m-%d}）"
    if enterprise.status == Enterprise.Status.CLOSED:
        errors["__all__"] = "该企业已关闭，不能下达停产整顿指令"
    earliest, closure = data.get("earliest_restart"), False
    accident = links.get("accident")
    if accident is not None:
        rule = rules.rule_for(enterprise.industry, accident.grade)
        if rule is not None:
            by_rule = rules.add_months(ordered_on, rule.months)
            if earliest is not None and earliest < by_rule:
                errors["earliest_restart"] = (f"{accident.get_grade_display()}的矿山须停产{rule.months}个月"
                                              f"（{rule.quote}），最早复产日期不早于{by_rule:%Y-%m-%d}")
            earliest, closure = max(earliest or by_rule, by_rule), rule.closure
    if earliest is not None and earliest <= ordered_on:
        errors["earliest_restart"] = "最早复产日期应晚于下达日期"
    if Stoppage.objects.filter(enterprise=enterprise, status__in=OPEN).exists():
        errors.setdefault("__all__", "该企业已有未复产的停产整顿指令，请在原指令上办理")
    campaign = data.get("campaign")
    try:
        campaign_services.check_tag(actor, campaign, enterprise, ordered_on)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    unit = actor.unit if actor is not SYSTEM else data["unit"]
    stoppage = Stoppage.objects.create(
        number=numbering.next_number(PREFIX, ordered_on.year), enterprise=enterprise, region_id=enterprise.region_id,
        industry_id=enterprise.industry_id, organisation_id=enterprise.organisation_id, unit=unit,
        source=data["source"], reason=reason, legal_basis=basis, requirements=_text(data, "requirements", 2000),
        ordered_on=ordered_on, earliest_restart=earliest, closure_required=closure, campaign=campaign,
        previous_status=enterprise.status, created_by=None if actor is SYSTEM else actor, **links)
    _set_enterprise_status(actor, enterprise, Enterprise.Status.SUSPENDED, f"停产整顿：{stoppage.number}")
    audit.record(actor, A.CREATE, stoppage, after=audit.snapshot(stoppage, AUDITED))
    workflow.record_event(stoppage, "order", actor=None if actor is SYSTEM else actor, state=stoppage.status,
                          comment=reason[:200])
    body = (f"{stoppage.unit.name}责令{enterprise.name}停产整顿。事由：{reason[:100]}"
            + (f"；最早复产日期 {earliest:%Y-%m-%d}" if earliest else "") + ("；须依法实施关闭程序" if closure else ""))
    notifications.notify_many([(user, f"停产整顿指令：{stoppage.number}", body, _url(stoppage))
                               for user in _enterprise_users(stoppage)])
    return stoppage


def _url(stoppage: Stoppage) -> str:
    return reverse("stoppages:detail", args=[stoppage.pk])


def _enterprise_users(stoppage: Stoppage):
    return recipients.members([stoppage.organisation_id], "stoppages.apply")


def _regulators(stoppage: Stoppage):
    return recipients.members([stoppage.unit_id], "stoppages.manage") or \
        recipients.supervisors(stoppage.region_id, stoppage.industry_id, "stoppages.manage")


def _parties(user, stoppage: Stoppage) -> set[str]:
    if user is SYSTEM:
        return {"enterprise", "regulator"}
    if is_enterprise_user(user):
        return {"enterprise"} if user.unit_id == stoppage.organisation_id and user.has_perm_code("stoppages.apply") else set()
    if user.has_perm_code("stoppages.manage") and covers(user, stoppage.region, stoppage.industry):
        return {"regulator"}
    return set()


def _day(step) -> dt.date:
    return step.data.get("today") or timezone.localdate()


def _applied(step) -> None:
    report = str(step.data.get("report") or step.comment or "").strip()
    if not report:
        raise ValidationError({"report": "请填写整改报告：逐项说明整改措施和完成情况"})
    step.record.report = report[:5000]
    step.record.applied_on = _day(step)


def _accepted(step) -> None:
    s = step.record
    if s.closure_required:
        raise ValidationError("该企业须依法实施关闭程序，不能验收复产")
    team = str(step.data.get("check_team") or "").strip()
    if not team:
        raise ValidationError({"check_team": "请填写验收组成员"})
    s.check_team, s.checked_on = team[:200], _day(step)


def _restarted(step) -> None:
    s = step.record
    today = _day(step)
    if s.earliest_restart and today < s.earliest_restart:
        raise ValidationError(f"停产期限未满：最早复产日期为 {s.earliest_restart:%Y-%m-%d}")
    s.restarted_on = today
    status = s.previous_status if s.previous_status == Enterprise.Status.OPERATING else Enterprise.Status.OPERATING
    _set_enterprise_status(step.actor, s.enterprise, status, f"复产：{s.number}")


def _closed(step) -> None:
    s = step.record
    s.closed_on = _day(step)
    _set_enterprise_status(step.actor, s.enterprise, Enterprise.Status.CLOSED, f"关闭：{s.number}")


LIFECYCLE = workflow.register(Lifecycle(
    model=Stoppage, label="停产整顿",
    transitions=[
        Transition("apply", "申请复产", (S.ORDERED,), S.APPLIED, frozenset({"enterprise"}), stamp=("applied_by",),
                   needs_evidence="请上传整改材料（照片、整改报告、检测报告等）", notify=("regulators",), apply=_applied),
        Transition("accept", "验收合格", (S.APPLIED,), S.ACCEPTED, frozenset({"regulator"}), stamp=("checked_by",),
                   separated=("applied_by",), needs_comment="请填写验收意见", notify=("enterprise",), apply=_accepted),
        Transition("reject", "验收不合格", (S.APPLIED,), S.ORDERED, frozenset({"regulator"}),
                   needs_comment="请说明不合格的问题和整改要求", notify=("enterprise",)),
        Transition("restart", "同意复产", (S.ACCEPTED,), S.RESTARTED, frozenset({"regulator"}), notify=("enterprise",),
                   apply=_restarted),
        Transition("close", "关闭", (S.ORDERED, S.APPLIED, S.ACCEPTED), S.CLOSED, frozenset({"regulator"}),
                   needs_comment="请填写关闭决定及依据（提请政府依法关闭）", notify=("enterprise",), apply=_closed),
    ],
    parties=_parties, recipients={"enterprise": _enterprise_users, "regulators": _regulators}, audited=AUDITED,
    events={"order": "下达停产整顿指令"}, describe=lambda s: f"{s.enterprise.name}（{s.number}）", url=_url,
))


def step(actor, pk: int, name: str, *, comment: str = "", files=(), data: dict | None = None,
         version: int | None = None) -> Stoppage:
    return workflow.run(LIFECYCLE, actor, pk, name, comment=comment, files=list(files), data=data, version=version)
