"""Writes of campaigns: the campaign with its phases, its table of items, starting and closing
it — and `check_tag`, which the registers above call before they tag a record with a campaign.
Each write checks the permission and that the campaign is the actor's unit's own, validates with
Chinese messages keyed by field (nothing is written on a refusal) and is audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse

from anying.core import audit, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Industry
from anying.core.permissions import SYSTEM, require
from anying.core.scope import user_industry_ids
from anying.core.workflow import Lifecycle, Transition

from .models import Campaign, Item, Phase

A = AuditEvent.Action
S = Campaign.Status
AUDITED = ["name", "starts_on", "ends_on", "goal", "status"]
PHASE_ORDER = [Phase.Kind.SELF_CHECK, Phase.Kind.ENFORCEMENT, Phase.Kind.CONSOLIDATION]


def _own(actor, campaign: Campaign) -> None:
    require(actor, "campaigns.manage", "无权管理专项行动")
    if actor is not SYSTEM and campaign.owner_id != actor.unit_id:
        raise PermissionDenied("只有牵头单位可以修改该专项行动")


def _check(actor, data: dict, industries: list, phases: list[dict]) -> dict:
    errors: dict[str, list[str]] = {}
    name = " ".join(str(data.get("name") or "").split())[:100]
    if not name:
        errors.setdefault("name", []).append("请填写名称")
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts, dt.date) or not isinstance(ends, dt.date):
        errors.setdefault("starts_on", []).append("请填写开始和结束日期")
    elif ends < starts:
        errors.setdefault("ends_on", []).append("结束日期不能早于开始日期")
    allowed = user_industry_ids(actor) if actor is not SYSTEM else None
    if allowed is not None:
        if not industries:
            errors.setdefault("industries", []).append("请选择本部门监管的行业")
        elif any(i.pk not in allowed for i in industries):
            errors.setdefault("industries", []).append("只能选择本部门监管的行业")
    kinds = [p["kind"] for p in phases]
    if Phase.Kind.SELF_CHECK not in kinds or Phase.Kind.ENFORCEMENT not in kinds:
        errors.setdefault("phases", []).append("须设“企业自查自改”和“精准执法”两个阶段：先自查自改，再精准执法")
    previous_end = None
    for phase in sorted(phases, key=lambda p: PHASE_ORDER.index(p["kind"])):
        label = Phase.Kind(phase["kind"]).label
        p_start, p_end = phase.get("starts_on"), phase.get("ends_on")
        if not isinstance(p_start, dt.date) or not isinstance(p_end, dt.date):
            errors.setdefault("phases", []).append(f"“{label}”阶段须填写起止日期")
            continue
        if p_end < p_start:
            errors.setdefault("phases", []).append(f"“{label}”阶段的结束日期早于开始日期")
        if isinstance(starts, dt.date) and isinstance(ends, dt.date) and (p_start < starts or p_end > ends):
            errors.setdefault("phases", []).append(f"“{label}”阶段须在行动起止日期之内")
        if previous_end is not None and p_start <= previous_end:
            errors.setdefault("phases", []).append(f"“{label}”阶段须在前一阶段结束之后开始")
        previous_end = p_end
    if errors:
        raise ValidationError(errors)
    return {"name": name, "starts_on": starts, "ends_on": ends, "goal": str(data.get("goal") or "").strip()[:2000]}


def _snapshot(campaign: Campaign) -> dict:
    """The audited fields plus what lives in other tables: the industries and the phases' dates."""
    return {**audit.snapshot(campaign, AUDITED),
            "涉及行业": "、".join(i.name for i in campaign.industries.all()) or "全部行业",
            "阶段": "；".join(f"{p.name} {p.starts_on}至{p.ends_on}" for p in campaign.phases.all())}


def _set_phases(campaign: Campaign, phases: list[dict]) -> None:
    campaign.phases.all().delete()
    Phase.objects.bulk_create(Phase(campaign=campaign, kind=p["kind"], name=p.get("name") or Phase.Kind(p["kind"]).label,
                                    starts_on=p["starts_on"], ends_on=p["ends_on"]) for p in phases)


@transaction.atomic
def create(actor, data: dict, *, industries: list[Industry], phases: list[dict]) -> Campaign:
    require(actor, "campaigns.manage", "无权发起专项行动")
    if actor is not SYSTEM and (actor.unit is None or not actor.unit.is_government):
        raise PermissionDenied("只有政府单位可以发起专项行动")
    clean = _check(actor, data, industries, phases)
    owner = data["owner"] if actor is SYSTEM else actor.unit
    campaign = Campaign.objects.create(**clean, owner=owner, region_id=owner.region_id,
                                       created_by=None if actor is SYSTEM else actor)
    campaign.industries.set(industries)
    _set_phases(campaign, phases)
    audit.record(actor, A.CREATE, campaign, after=_snapshot(campaign))
    workflow.record_event(campaign, "create", actor=actor, state=campaign.status)
    return campaign


@transaction.atomic
def update(actor, pk: int, data: dict, *, industries: list[Industry], phases: list[dict]) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=pk)
    _own(actor, campaign)
    if campaign.status == S.CLOSED:
        raise ValidationError("专项行动已结束，不能修改")
    clean = _check(actor, data, industries, phases)
    before = _snapshot(campaign)
    for key, value in clean.items():
        setattr(campaign, key, value)
    campaign.save()
    campaign.industries.set(industries)
    _set_phases(campaign, phases)
    audit.record(actor, A.UPDATE, campaign, before=before, after=_snapshot(campaign))
    return campaign


@transaction.atomic
def add_item(actor, pk: int, data: dict) -> Item:
    campaign = Campaign.objects.select_for_update().get(pk=pk)
    _own(actor, campaign)
    if campaign.status == S.CLOSED:
        raise ValidationError("专项行动已结束，不能修改排查整治表")
    content = " ".join(str(data.get("content") or "").split())[:300]
    if not content:
        raise ValidationError({"content": "请填写排查内容"})
    industry = data.get("industry")
    if industry is not None and campaign.industries.exists() and not _industry_in(industry, campaign):
        raise ValidationError({"industry": "适用行业须是本行动涉及的行业"})
    number = (campaign.items.aggregate(n=Max("number"))["n"] or 0) + 1
    item = Item.objects.create(campaign=campaign, number=number, content=content, industry=industry,
                               category=" ".join(str(data.get("category") or "").split())[:50],
                               basis=" ".join(str(data.get("basis") or "").split())[:300])
    audit.record(actor, A.CREATE, item, summary=f"排查整治表第 {number} 条：{content[:40]}")
    return item


@transaction.atomic
def remove_item(actor, pk: int, item_id: int) -> None:
    campaign = Campaign.objects.select_for_update().get(pk=pk)
    _own(actor, campaign)
    if campaign.status != S.DRAFT:
        raise ValidationError("行动已启动，排查整治表条目不能删除（企业和检查已据此开展）")
    item = campaign.items.filter(pk=item_id).first()
    if item is None:
        raise ValidationError("条目不存在")
    audit.record(actor, A.DELETE, item, summary=f"删除排查整治表第 {item.number} 条")
    item.delete()


def _industry_in(industry: Industry, campaign: Campaign) -> bool:
    """Whether an industry falls under the campaign's (a campaign on 工贸 covers its sub-industries)."""
    paths = [i.path for i in campaign.industries.all()]
    return not paths or any(industry.path.startswith(p) for p in paths)


# --- tagging -----------------------------------------------------------------------------------------

def taggable(actor, enterprise, day: dt.date):
    """The campaigns a record of `enterprise` dated `day` may be tagged with: running campaigns the
    actor sees, over the enterprise's region and industry, with `day` in their period."""
    qs = Campaign.objects.visible_to(actor).filter(status=S.ACTIVE, starts_on__lte=day, ends_on__gte=day)
    region_path = enterprise.region.path
    qs = [c for c in qs.prefetch_related("industries").select_related("region")
          if region_path.startswith(c.region.path) and _industry_in(enterprise.industry, c)]
    return qs


def taggable_q(actor, enterprise, day: dt.date) -> Q:
    return Q(pk__in=[c.pk for c in taggable(actor, enterprise, day)])


def check_tag(actor, campaign: Campaign | None, enterprise, day: dt.date | None, field: str = "campaign") -> None:
    """Refuses a tag the record may not carry (a campaign not running that day, elsewhere, or
    about another industry) — the statistics count only what the campaign covers."""
    if campaign is None:
        return
    day = day or dt.date.today()
    if campaign.pk not in {c.pk for c in taggable(actor, enterprise, day)}:
        raise ValidationError({field: f"“{campaign.name}”不适用于该企业或该日期（须为进行中的专项行动，"
                                      "覆盖企业所在区域和行业，日期在行动期间内）"})


# --- starting and closing ------------------------------------------------------------------------------

def _starting(step) -> None:
    if not step.record.items.exists():
        raise ValidationError("请先编制排查整治表（至少一条排查内容），再启动行动")


def _parties(user, campaign: Campaign) -> set[str]:
    if user is SYSTEM or (user.has_perm_code("campaigns.manage") and campaign.owner_id == user.unit_id):
        return {"owner"}
    return set()


LIFECYCLE = workflow.register(Lifecycle(
    model=Campaign, label="专项行动",
    transitions=[
        Transition("start", "启动", (S.DRAFT,), S.ACTIVE, frozenset({"owner"}), apply=_starting),
        Transition("close", "结束", (S.ACTIVE,), S.CLOSED, frozenset({"owner"}), needs_comment="请填写行动总结"),
    ],
    parties=_parties, audited=AUDITED, version_field=None, events={"create": "发起专项行动"},
    url=lambda c: reverse("campaigns:detail", args=[c.pk]),
))


def step(actor, pk: int, name: str, comment: str = "") -> Campaign:
    return workflow.run(LIFECYCLE, actor, pk, name, comment=comment)
