"""Recording an inspection (现场检查): a frozen checklist answered item by item, at least two
inspectors who sign, every 不符合 registered as a hazard of channel 监督检查, and the inspection
cleared (执法清零) once all its findings are closed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from anying.campaigns import services as campaign_services
from anying.core import audit, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.hazards import checklists
from anying.hazards.checklists import Finding  # noqa: F401 — callers use records.Finding
from anying.hazards.models import ChecklistTemplate, Hazard
from anying.registry.models import Enterprise
from anying.standards import applicability

from . import documents, rollups
from .models import Exclusion, Inspection, InspectionResult, Inspector

MIN_INSPECTORS = 2


def eligible_inspectors(unit, enterprise: Enterprise, on: dt.date):
    """The unit's inspectors who may inspect this enterprise on this day."""
    excluded = Exclusion.objects.filter(enterprise=enterprise).values("inspector_id")
    return Inspector.objects.filter(unit=unit, active=True, certificate_expiry__gte=on).exclude(pk__in=excluded)


def applicable_items(checklist: ChecklistTemplate, enterprise: Enterprise) -> list:
    """The checklist's items that apply to this enterprise, in order: a 判定标准 item only when its
    article covers the enterprise's industry or risk tags (standards/applicability.py); custom
    items always. The inspection records exactly these."""
    who = applicability.profile(enterprise)
    return [i for i in checklist.items.select_related("criterion__criteria_set")
            if applicability.applies(i.criterion, who)]


def _named(numbered: list[tuple[int, object]], limit: int = 5) -> str:
    """“第 3 项（…）、第 7 项（…）” — the items an error is about, as numbered on the form."""
    shown = "、".join(f"第 {n} 项（{item.text[:20]}{'…' if len(item.text) > 20 else ''}）" for n, item in numbered[:limit])
    return shown + (f" 等 {len(numbered)} 项" if len(numbered) > limit else "")


def _check_results(items: list, results: dict) -> str:
    """Every applicable item answered 符合 / 不符合 / 不涉及 — nothing assumed — and no answer for
    an item that does not apply; a 不符合 says what was found."""
    known = {i.pk for i in items}
    extra = [pk for pk in results if pk not in known]
    if extra:
        return f"有 {len(extra)} 个检查项不适用于该企业（不属于其行业或风险标签），不能填写结果"
    numbered = list(enumerate(items, 1))
    missing = [(n, i) for n, i in numbered
               if i.pk not in results or results[i.pk].result not in InspectionResult.Result.values]
    if missing:
        return f"{_named(missing)}未作答：请逐项选择符合、不符合或不涉及"
    vague = [(n, i) for n, i in numbered
             if results[i.pk].result == InspectionResult.Result.FAIL and not results[i.pk].note.strip()]
    if vague:
        return f"{_named(vague)}为不符合，须写明存在的问题"
    return ""


def _check(actor, enterprise, checklist, inspectors, started_at, ended_at, signatures, signatory, results,
           rectify_by) -> dict:
    errors = {}
    if any(f.result == InspectionResult.Result.FAIL for f in results.values()) and started_at and (
            rectify_by is None or rectify_by <= timezone.localtime(started_at).date()):
        errors["rectify_by"] = "发现问题时须责令限期整改：请填写晚于检查日期的整改期限"
    if checklist.status != ChecklistTemplate.Status.PUBLISHED or checklist.use != ChecklistTemplate.Use.INSPECTION \
            or checklist not in checklists.applicable(enterprise, ChecklistTemplate.Use.INSPECTION):
        errors["checklist"] = "请选择适用于该企业的已发布执法检查清单"
    if not started_at or not ended_at or ended_at < started_at:
        errors["ended_at"] = "检查结束时间不能早于开始时间"
    elif timezone.localtime(started_at).date() > timezone.localdate():
        errors["started_at"] = "检查时间不能晚于今天"
    unit = actor.unit if actor is not SYSTEM else inspectors[0].unit if inspectors else None
    on = timezone.localtime(started_at).date() if started_at else timezone.localdate()
    allowed = set(eligible_inspectors(unit, enterprise, on).values_list("pk", flat=True)) if unit else set()
    if len({i.pk for i in inspectors}) < MIN_INSPECTORS:
        errors["inspectors"] = f"执法人员不少于 {MIN_INSPECTORS} 人"
    elif not all(i.pk in allowed for i in inspectors):
        errors["inspectors"] = "执法人员须为本单位在岗、执法证有效且无需回避的人员"
    typed = [s.strip() for s in signatures if s.strip()]
    if sorted(typed) != sorted(i.name for i in inspectors):
        errors["signatures"] = "每名执法人员须签名（输入本人姓名）"
    if not (signatory or "").strip():
        errors["enterprise_signatory"] = "请被检查单位现场负责人签名"
    problem = _check_results(applicable_items(checklist, enterprise), results)
    if problem:
        errors["results"] = problem
    return errors


@transaction.atomic
def record(actor, enterprise: Enterprise, *, checklist: ChecklistTemplate, inspectors: list[Inspector],
           started_at: dt.datetime, ended_at: dt.datetime, results: dict[int, Finding], signatures: list[str],
           enterprise_signatory: str, scope_text: str = "", summary: str = "", rectify_by: dt.date | None = None,
           draw_target=None, campaign=None) -> Inspection:
    require(actor, "inspections.inspect", "无权记录执法检查")
    if actor is not SYSTEM and not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied()
    errors = _check(actor, enterprise, checklist, inspectors, started_at, ended_at, signatures, enterprise_signatory,
                    results, rectify_by)
    if errors:
        raise ValidationError(errors)
    campaign_services.check_tag(actor, campaign, enterprise, timezone.localtime(started_at).date())
    unit = actor.unit if actor is not SYSTEM else inspectors[0].unit
    inspection = Inspection.objects.create(
        enterprise=enterprise, region_id=enterprise.region_id, industry_id=enterprise.industry_id,
        organisation_id=enterprise.organisation_id, unit=unit, inspected_on=timezone.localtime(started_at).date(),
        checklist=checklist, started_at=started_at, ended_at=ended_at, scope_text=scope_text[:300], summary=summary,
        inspector_signatures=[s.strip() for s in signatures if s.strip()],
        enterprise_signatory=enterprise_signatory.strip(), draw_target=draw_target, created_by=actor, campaign=campaign,
        rectify_by=rectify_by if any(f.result == InspectionResult.Result.FAIL for f in results.values()) else None)
    inspection.inspectors.set(inspectors)
    found_by = "、".join(i.name for i in inspectors)
    rows = []
    for item in applicable_items(checklist, enterprise):
        finding = results[item.pk]
        row = InspectionResult(inspection=inspection, item=item, result=finding.result, note=finding.note[:500])
        if finding.result == InspectionResult.Result.FAIL:
            row.hazard = checklists.register_finding(
                actor, enterprise, item, finding, channel=Hazard.Channel.INSPECTION, source="检查项",
                default_place=scope_text or "现场", found_by=found_by, found_on=inspection.inspected_on,
                deadline=inspection.rectify_by)
        rows.append(row)
    InspectionResult.objects.bulk_create(rows)
    if campaign is not None:  # what the inspection found counts in the campaign too
        Hazard.objects.filter(pk__in=[r.hazard_id for r in rows if r.hazard_id]).update(campaign=campaign)
    inspection.findings = sum(1 for r in rows if r.hazard_id)
    Inspection.objects.filter(pk=inspection.pk).update(findings=inspection.findings)
    rollups.count(inspection)
    refresh_status(inspection)
    documents.issue_for_new_inspection(actor, inspection)
    audit.record(actor, AuditEvent.Action.CREATE, inspection,
                 summary=f"现场检查：{len(rows)} 项，发现问题 {sum(1 for r in rows if r.hazard_id)} 项")
    # the first entry of the inspection's timeline; its reviews follow (documents.LIFECYCLE)
    workflow.record_event(inspection, "record", actor=actor, state=inspection.status,
                          comment=f"发现问题 {inspection.findings} 项")
    return inspection


def open_findings(inspection: Inspection) -> int:
    return inspection.results.filter(hazard__isnull=False).exclude(hazard__status=Hazard.Status.CLOSED).count()


def refresh_status(inspection: Inspection) -> Inspection:
    """执法清零: cleared when no finding is still open."""
    status = Inspection.Status.OPEN if open_findings(inspection) else Inspection.Status.CLEARED
    if inspection.status != status:
        Inspection.objects.filter(pk=inspection.pk).update(status=status)
        inspection.status = status
    return inspection


def on_hazard_closed(hazard: Hazard) -> None:
    """Hook from the hazard register (after every transition): a finding closed (or reopened by a
    send-back) clears or reopens its inspection."""
    result = InspectionResult.objects.filter(hazard=hazard).select_related("inspection").first()
    if result is not None:
        refresh_status(result.inspection)


def with_open_findings(qs):
    return qs.annotate(open_count=Count("results", filter=Q(results__hazard__isnull=False)
                                        & ~Q(results__hazard__status=Hazard.Status.CLOSED)))
