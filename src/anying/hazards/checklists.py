"""Checklists (检查清单): every write, and which checklists a user may use.

A checklist is maintained by one unit — a government unit for the checklists it hands to the
enterprises and inspectors of its territory, or an enterprise for its own. Versions: a draft is
edited freely; publishing freezes it, supersedes the previous version and moves the schedules
that used it onto the new one (rounds already recorded keep the version they were made with).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from anying.core import audit, workflow
from anying.core.attachments import attach
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Industry
from anying.core.permissions import SYSTEM, require
from anying.core.scope import ancestor_paths, handed_down_q, shared_q
from anying.core.workflow import Lifecycle, Transition
from anying.standards.models import CriteriaSet

from .models import ChecklistItem, ChecklistTemplate, SelfInspectionSchedule

AUDITED = ["name", "use", "industry", "status", "version"]


@dataclass
class Finding:
    """The answer to one checklist item, in a self-inspection round or an inspection: 符合 /
    不符合 / 不涉及, and for a 不符合 what was found, where, and photos."""

    result: str
    note: str = ""
    place: str = ""
    photos: tuple = ()


def register_finding(actor, enterprise, item: ChecklistItem, finding: Finding, *, channel: str, source: str,
                     default_place: str, found_by: str, found_on, deadline=None):
    """A 不符合 registered as a hazard: major, citing the criterion, when the item comes from a
    判定标准; with the finding's photos. `source` names the round or inspection in the text."""
    from .models import Hazard
    from .services import register

    hazard = register(actor, {
        "enterprise": enterprise, "place": (finding.place or default_place)[:200],
        "description": f"{finding.note.strip()}（{source}：{item.text[:200]}）", "channel": channel,
        "found_by": found_by[:50], "found_on": found_on, "criterion": item.criterion, "deadline": deadline,
        "level": Hazard.Level.MAJOR if item.is_major else Hazard.Level.GENERAL})
    for photo in finding.photos:
        attach(actor, hazard, photo)
    return hazard


def available_to(user):
    """Checklists a user may read and use: those handed down by the government units above
    (or at) the user's unit, the user's own unit's, and for government users also those of the
    units within their territory (core.scope.shared_q)."""
    return ChecklistTemplate.objects.filter(shared_q(user)).select_related("industry", "owner", "criteria_set")


def applicable(enterprise, use: str):
    """Published checklists of one use that apply to an enterprise: its industry or one above
    it (or any industry), from a government unit or the enterprise itself; the most specific
    first, the enterprise's own before a government one."""
    qs = ChecklistTemplate.objects.filter(
        Q(industry__isnull=True) | Q(industry__path__in=ancestor_paths(enterprise.industry.path)), use=use,
        status=ChecklistTemplate.Status.PUBLISHED).filter(
        handed_down_q(enterprise.region.path) | Q(owner_id=enterprise.organisation_id)).select_related("industry")
    return sorted(qs, key=lambda t: (t.owner_id != enterprise.organisation_id,
                                     -len(t.industry.path) if t.industry else 0, t.pk))


def _check_may_edit(actor, template: ChecklistTemplate | None = None) -> None:
    require(actor, "hazards.act", "无权维护检查清单")
    if actor is SYSTEM or template is None:
        return
    if template.owner_id != actor.unit_id:
        raise PermissionDenied("只有清单的维护单位可以修改它")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _owner(actor, owner):
    if actor is SYSTEM:
        if owner is None:
            raise ValidationError({"owner": "请指定维护单位"})
        return owner
    return actor.unit


@transaction.atomic
def create(actor, *, name: str, use: str, industry: Industry | None, items_text: str, owner=None,
           is_demo: bool = False) -> ChecklistTemplate:
    """A new checklist as a draft (version 1), one custom item per line of `items_text`."""
    _check_may_edit(actor)
    if use == ChecklistTemplate.Use.INSPECTION:
        require(actor, "hazards.supervise", "执法检查清单由监管部门维护")
    template = ChecklistTemplate(code=uuid.uuid4().hex[:12], name=name, use=use, industry=industry,
                                 owner=_owner(actor, owner), created_by=actor, is_demo=is_demo)
    _validate(template)
    template.save()
    _replace_custom_items(template, items_text)
    _require_items(template)
    audit.record(actor, AuditEvent.Action.CREATE, template, after=audit.snapshot(template, AUDITED))
    return template


@transaction.atomic
def build_from_criteria(actor, criteria_set: CriteriaSet, *, use: str = ChecklistTemplate.Use.MAJOR,
                        owner=None, is_demo: bool = False) -> ChecklistTemplate:
    """A draft checklist with one major item per item of a 判定标准, applying to the set's
    (first) industry. An incomplete set gives an incomplete checklist, and both say so."""
    _check_may_edit(actor)
    require(actor, "hazards.supervise", "依据判定标准生成的清单由监管部门维护")
    industry = criteria_set.industries.order_by("path").first()
    template = ChecklistTemplate.objects.create(
        code=uuid.uuid4().hex[:12], name=f"{criteria_set.name}排查清单"[:100], use=use, industry=industry,
        owner=_owner(actor, owner), criteria_set=criteria_set, created_by=actor, is_demo=is_demo)
    items = [ChecklistItem(template=template, position=i, text=c.text, criterion=c,
                           basis=f"{criteria_set.document} {c.reference}"[:200])
             for i, c in enumerate(criteria_set.criteria.filter(is_item=True).order_by("sort"))]
    ChecklistItem.objects.bulk_create(items)
    _require_items(template)
    audit.record(actor, AuditEvent.Action.CREATE, template, after=audit.snapshot(template, AUDITED),
                 summary=f"依据{criteria_set.name}生成 {len(items)} 项")
    return template


def _validate(template: ChecklistTemplate) -> None:
    try:
        template.full_clean(exclude=["code", "owner", "created_by"])
    except ValidationError as exc:
        raise ValidationError({k: "；".join(v) for k, v in exc.message_dict.items()}) from None


def _require_items(template: ChecklistTemplate) -> None:
    if not template.items.exists():
        raise ValidationError({"items_text": "清单至少需要一个检查项"})


def _replace_custom_items(template: ChecklistTemplate, items_text: str) -> None:
    """Custom items (not from a criterion) follow the criterion items, in the order typed."""
    template.items.filter(criterion__isnull=True).delete()
    start = (template.items.aggregate(m=Max("position"))["m"] or 0) + 1
    ChecklistItem.objects.bulk_create([ChecklistItem(template=template, position=start + i, text=line[:1000])
                                       for i, line in enumerate(_lines(items_text))])


def _locked(actor, template_id: int, version: int | None = None) -> ChecklistTemplate:
    """The checklist row-locked through the scope; `version` is the revision the page showed:
    a stale one is refused (someone changed the checklist since)."""
    template = workflow.lock(LIFECYCLE, actor, template_id, version)
    _check_may_edit(actor, template)
    return template


@transaction.atomic
def update_draft(actor, template_id: int, *, name: str, industry: Industry | None, items_text: str,
                 removed_criteria: list[int] | None = None, version: int | None = None) -> ChecklistTemplate:
    template = _locked(actor, template_id, version)
    if template.status != ChecklistTemplate.Status.DRAFT:
        raise ValidationError("已发布的清单不能修改；请先“生成新版本”")
    before = audit.snapshot(template, AUDITED)
    template.name, template.industry = name, industry
    template.revision += 1  # a page showing the draft before this edit may no longer publish it
    _validate(template)
    template.save()
    if removed_criteria:
        template.items.filter(pk__in=removed_criteria, criterion__isnull=False).delete()
    _replace_custom_items(template, items_text)
    _require_items(template)
    audit.record(actor, AuditEvent.Action.UPDATE, template, before=before, after=audit.snapshot(template, AUDITED))
    return template


def _published(step) -> None:
    """Publishing freezes the draft, supersedes the version before it and moves the schedules
    that used it onto this one."""
    template = step.record
    _require_items(template)
    older = ChecklistTemplate.objects.filter(code=template.code, status=ChecklistTemplate.Status.PUBLISHED)
    moved = SelfInspectionSchedule.objects.filter(checklist__in=older).update(checklist=template)
    older.update(status=ChecklistTemplate.Status.SUPERSEDED, revision=models.F("revision") + 1)
    template.published_at = timezone.now()
    step.summary = step.comment = f"发布第{template.version}版；{moved} 项排查计划改用此版本"


def _retired(step) -> None:
    if SelfInspectionSchedule.objects.filter(checklist=step.record, active=True).exists():
        raise ValidationError("仍有启用的排查计划使用该清单，请先为它们更换清单")


MAINTAINER = "maintainer"  # a member of the unit that maintains the checklist


def _parties(user, template: ChecklistTemplate) -> set[str]:
    return {MAINTAINER} if user.has_perm_code("hazards.act") and template.owner_id == user.unit_id else set()


_S = ChecklistTemplate.Status
LIFECYCLE = workflow.register(Lifecycle(
    model=ChecklistTemplate, label="检查清单", parties=_parties, version_field="revision", transitions=[
        Transition("publish", "发布", (_S.DRAFT,), _S.PUBLISHED, frozenset({MAINTAINER}), apply=_published),
        Transition("retire", "停用", (_S.PUBLISHED,), _S.RETIRED, frozenset({MAINTAINER}), apply=_retired),
    ],
    audited=AUDITED, scoped=lambda user: available_to(user).select_related(None)))


def publish(actor, template_id: int, version: int | None = None) -> ChecklistTemplate:
    return workflow.run(LIFECYCLE, actor, template_id, "publish", version=version)


@transaction.atomic
def new_version(actor, template_id: int, version: int | None = None) -> ChecklistTemplate:
    """A draft copy of a published checklist, numbered after the newest version."""
    template = _locked(actor, template_id, version)
    if template.status == ChecklistTemplate.Status.DRAFT:
        raise ValidationError("这已是草稿，可直接修改")
    if ChecklistTemplate.objects.filter(code=template.code, status=ChecklistTemplate.Status.DRAFT).exists():
        raise ValidationError("该清单已有一个未发布的新版本草稿")
    newest = ChecklistTemplate.objects.filter(code=template.code).aggregate(v=Max("version"))["v"]
    draft = ChecklistTemplate.objects.create(
        code=template.code, version=newest + 1, name=template.name, use=template.use, industry=template.industry,
        owner=template.owner, criteria_set=template.criteria_set, created_by=actor, is_demo=template.is_demo)
    ChecklistItem.objects.bulk_create([
        ChecklistItem(template=draft, position=i.position, text=i.text, basis=i.basis, criterion_id=i.criterion_id)
        for i in template.items.all()])
    audit.record(actor, AuditEvent.Action.CREATE, draft, summary=f"由第{template.version}版生成新版本草稿")
    return draft


def retire(actor, template_id: int, version: int | None = None) -> ChecklistTemplate:
    return workflow.run(LIFECYCLE, actor, template_id, "retire", version=version)


def custom_items_text(template: ChecklistTemplate) -> str:
    return "\n".join(template.items.filter(criterion__isnull=True).values_list("text", flat=True))


def item_counts(templates) -> dict[int, dict]:
    rows = ChecklistItem.objects.filter(template__in=templates).values("template").annotate(
        total=models.Count("id"), major=models.Count("criterion"))
    return {r["template"]: r for r in rows}
