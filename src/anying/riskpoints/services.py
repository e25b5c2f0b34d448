"""Writes of the risk points: the ledger and its 销号 lifecycle, the evacuation plan and its
households. Every function checks the permission and the actor's territory, validates with
Chinese messages keyed by field, and records the audit event, in one transaction. Evacuations
are in evacuations.py, patrols in patrols.py."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.permissions import SYSTEM, require
from anying.core.scope import covers
from anying.core.workflow import PERM, Lifecycle, Transition
from anying.places.models import Place
from anying.places.services import save_place
from anying.warning.models import Contact, Level
from anying.warning.reference import kinds as warning_kinds

from . import reference
from .models import DisasterRiskPoint, EvacuationPlan, Household, Kind

A = AuditEvent.Action
S = DisasterRiskPoint.Status
POINT_FIELDS = ["code", "name", "kind", "region", "location", "households", "people", "facilities", "potential_loss",
                "threat", "scale", "admin_responsible", "dept_responsible", "keeper_responsible", "identified_by",
                "closing_standard", "closing_year", "measures"]
PLAN_FIELDS = ["organiser", "trigger_kinds", "trigger_level", "trigger_rainfall", "trigger_rainfall_hours",
               "trigger_observation", "shelter", "route", "management", "signal"]
HOUSEHOLD_FIELDS = ["head", "address", "people", "phone", "elderly", "disabled", "children", "pregnant", "bedridden",
                    "helper", "note"]
MAX_HOUSEHOLDS = 2000


def _text(data: dict, key: str, limit: int) -> str:
    return " ".join(str(data.get(key) or "").split())[:limit] if limit <= 300 else str(data.get(key) or "").strip()[:limit]


def _owner_for(actor, region: Region) -> Organisation:
    """The unit that keeps the point's place: the actor's own, or (the system) the town office."""
    if actor is not SYSTEM and actor.unit_id:
        return actor.unit
    towns = recipients.ancestors(region.pk)
    return (Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region_id__in=towns).first()
            or Organisation.objects.filter(region_id__in=towns).order_by("pk").first())


def _contact(actor, value, field: str, errors: dict):
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Contact) else value
    scope = Contact.objects.all() if actor is SYSTEM else Contact.objects.visible_to(actor)
    found = scope.filter(pk=pk, is_active=True).first()
    if found is None:
        errors[field] = "找不到该责任人，或不在您的辖区名册中"
    return found


@transaction.atomic
def save_point(actor, data: dict, *, pk: int | None = None, version: int | None = None,
               is_demo: bool = False) -> DisasterRiskPoint:
    """Create or update a risk point with its place; the threat level is computed from the
    people and potential loss (data/threat_levels.csv)."""
    require(actor, "riskpoints.edit")
    if pk is not None:
        point = POINTS.queryset(actor).select_for_update(of=("self",)).select_related("place").get(pk=pk)
        workflow.check_version(POINTS, point, version)
        if point.status == S.CLOSED:
            raise ValidationError("已销号的风险点不能修改")
        before = audit.snapshot(point, POINT_FIELDS)
        before["群测群防员"] = "、".join(point.monitors.values_list("name", flat=True))
    else:
        point, before = DisasterRiskPoint(created_by=None if actor is SYSTEM else actor, is_demo=is_demo), None
    errors: dict = {}
    name = _text(data, "name", 120)
    if not name:
        errors["name"] = "请填写风险点名称"
    if data.get("kind") not in Kind.values:
        errors["kind"] = "请选择风险点类型"
    region = data.get("region")
    if not isinstance(region, Region):
        errors["region"] = "请选择所在村（社区）或镇街"
    elif region.level not in (Region.Level.TOWN, Region.Level.VILLAGE):
        errors["region"] = "风险点须落在镇街或村（社区）"
    elif not covers(actor, region):
        errors["region"] = "不在您管理的区划范围内"
    lat, lon = data.get("latitude"), data.get("longitude")
    if lat is None or lon is None:
        errors["latitude"] = "请填写经纬度（可在地图上点选），转移和预警按位置计算"
    for key in ("households", "people"):
        value = data.get(key) or 0
        if not isinstance(value, int) or not 0 <= value <= 1_000_000:
            errors[key] = "须为0到1000000之间的整数"
    try:
        loss = Decimal(str(data.get("potential_loss") or 0))
        if not Decimal(0) <= loss < Decimal("10000000000"):
            raise InvalidOperation
    except InvalidOperation:
        errors["potential_loss"] = "潜在经济损失须为不小于0的数（万元）"
        loss = Decimal(0)
    year = data.get("closing_year")
    if year not in (None, "") and not (isinstance(year, int) and 2000 <= year <= 2100):
        errors["closing_year"] = "计划销号年度须为2000到2100之间的年份"
    contacts = {f: _contact(actor, data.get(f), f, errors)
                for f in ("admin_responsible", "dept_responsible", "keeper_responsible")}
    monitors = [_contact(actor, m, "monitors", errors) for m in (data.get("monitors") or [])]
    if errors:
        raise ValidationError(errors)
    place = point.place if point.pk else Place(kind=Place.Kind.RISK_POINT, owner=_owner_for(actor, region))
    place.name, place.region, place.latitude, place.longitude = name, region, lat, lon
    place.address = _text(data, "location", 200)
    try:
        save_place(actor, place)
    except ValidationError as exc:
        raise ValidationError({("latitude" if k in ("longitude", "latitude") else "region"): v
                               for k, v in exc.message_dict.items()}) from exc
    point.place = place
    point.name, point.kind, point.region = name, data["kind"], region
    point.code = _text(data, "code", 40)
    point.location = place.address
    point.households, point.people = data.get("households") or 0, data.get("people") or 0
    point.facilities = _text(data, "facilities", 300)
    point.scale = _text(data, "scale", 200)
    point.potential_loss = loss
    point.threat = reference.threat_of(point.people, loss)
    for key, contact in contacts.items():
        setattr(point, key, contact)
    point.identified_by = _text(data, "identified_by", 2000)
    point.closing_standard = _text(data, "closing_standard", 2000)
    point.measures = _text(data, "measures", 2000)
    point.closing_year = year or None
    if point.pk:
        point.version += 1
    point.save()
    point.monitors.set([m for m in monitors if m])
    if not hasattr(point, "plan"):
        EvacuationPlan.objects.get_or_create(point=point)
    after = audit.snapshot(point, POINT_FIELDS)
    after["群测群防员"] = "、".join(m.name for m in monitors if m)
    audit.record(actor, A.CREATE if before is None else A.UPDATE, point, before=before, after=after,
                 summary=f"{point.get_kind_display()}：{point.name}（{point.get_threat_display()}）")
    return point


@transaction.atomic
def save_plan(actor, point_id: int, data: dict, *, version: int | None = None) -> EvacuationPlan:
    """The five elements of a point's evacuation list."""
    require(actor, "riskpoints.edit")
    point = POINTS.queryset(actor).select_for_update(of=("self",)).get(pk=point_id)
    plan, _ = EvacuationPlan.objects.get_or_create(point=point)
    plan = EvacuationPlan.objects.select_for_update().get(pk=plan.pk)
    if version is not None and plan.version != version:
        raise workflow.StaleVersion()
    before = audit.snapshot(plan, PLAN_FIELDS)
    errors: dict = {}
    plan.organiser = _contact(actor, data.get("organiser"), "organiser", errors)
    codes = [c.strip() for c in str(data.get("trigger_kinds") or "").replace("，", ",").split(",") if c.strip()]
    unknown = [c for c in codes if c not in warning_kinds()]
    if unknown:
        errors["trigger_kinds"] = f"未知的预警类型：{'、'.join(unknown)}"
    level = data.get("trigger_level") or Level.ORANGE
    if level not in Level.values:
        errors["trigger_level"] = "请选择预警级别"
    rain = data.get("trigger_rainfall")
    if rain not in (None, "") and not (Decimal(0) < Decimal(str(rain)) <= Decimal(2000)):
        errors["trigger_rainfall"] = "降雨量须在0到2000毫米之间"
    hours = data.get("trigger_rainfall_hours")
    if hours not in (None, "") and not (isinstance(hours, int) and 1 <= hours <= 72):
        errors["trigger_rainfall_hours"] = "统计时长须为1到72小时"
    shelter = data.get("shelter")
    if shelter not in (None, ""):
        scope = Place.objects.all() if actor is SYSTEM else Place.objects.visible_to(actor)
        shelter = scope.filter(pk=getattr(shelter, "pk", shelter), kind=Place.Kind.SHELTER, is_active=True).first()
        if shelter is None:
            errors["shelter"] = "找不到该避难场所，或您无权使用"
    if errors:
        raise ValidationError(errors)
    plan.trigger_kinds = ",".join(dict.fromkeys(codes))
    plan.trigger_level = level
    plan.trigger_rainfall = Decimal(str(rain)) if rain not in (None, "") else None
    plan.trigger_rainfall_hours = hours or None
    plan.shelter = shelter or None
    plan.trigger_observation = _text(data, "trigger_observation", 1000)
    plan.route = _text(data, "route", 300)
    plan.management = _text(data, "management", 2000)
    plan.signal = _text(data, "signal", 200)
    plan.version += 1
    plan.save()
    audit.record(actor, A.UPDATE, plan, before=before, after=audit.snapshot(plan, PLAN_FIELDS), place=point,
                 summary=f"{point.name} 转移避险清单")
    return plan


def _household_errors(data: dict) -> dict:
    errors = {}
    if not _text(data, "head", 60):
        errors["head"] = "请填写户主姓名"
    people = data.get("people")
    if not isinstance(people, int) or not 1 <= people <= 50:
        errors["people"] = "人数须为1到50"
    for f, label in Household.VULNERABLE:
        value = data.get(f) or 0
        if not isinstance(value, int) or value < 0:
            errors[f] = f"{label}人数须为不小于0的整数"
    if not errors and sum(data.get(f) or 0 for f, _ in Household.VULNERABLE) > people:
        errors["elderly"] = "弱势人员合计不能多于该户人数"
    phone = _text(data, "phone", 20)
    if phone and not phone.replace("-", "").isdigit():
        errors["phone"] = "联系电话只能包含数字和连字符"
    return errors


@transaction.atomic
def save_household(actor, point_id: int, data: dict, *, pk: int | None = None) -> Household:
    require(actor, "riskpoints.edit")
    point = POINTS.queryset(actor).select_for_update(of=("self",)).get(pk=point_id)
    if pk is None and point.household_rows.count() >= MAX_HOUSEHOLDS:
        raise ValidationError(f"一个风险点最多登记 {MAX_HOUSEHOLDS} 户")
    errors = _household_errors(data)
    if errors:
        raise ValidationError(errors)
    if pk is not None:
        row = point.household_rows.get(pk=pk)
        before = audit.snapshot(row, HOUSEHOLD_FIELDS)
    else:
        last = point.household_rows.order_by("-position").values_list("position", flat=True).first() or 0
        row, before = Household(point=point, position=last + 1), None
    for f in HOUSEHOLD_FIELDS:
        limit = Household._meta.get_field(f).max_length
        setattr(row, f, _text(data, f, limit) if limit else (data.get(f) or 0))
    row.save()
    _sync_counts(point)
    audit.record(actor, A.CREATE if before is None else A.UPDATE, row, before=before,
                 after=audit.snapshot(row, HOUSEHOLD_FIELDS), place=point, summary=f"{point.name} 受威胁住户：{row}")
    return row


@transaction.atomic
def remove_household(actor, point_id: int, pk: int) -> None:
    require(actor, "riskpoints.edit")
    point = POINTS.queryset(actor).select_for_update(of=("self",)).get(pk=point_id)
    row = point.household_rows.get(pk=pk)
    if row.moves.exists():
        raise ValidationError(f"{row.head}户已有转移记录，不能删除（可在备注中注明已搬离）")
    audit.record(actor, A.UPDATE, point, before={"住户": str(row)}, after={"住户": "（已删除）"},
                 summary=f"{point.name} 删除受威胁住户：{row}")
    row.delete()
    _sync_counts(point)


def _sync_counts(point: DisasterRiskPoint) -> None:
    """The ledger's households and people follow the list once one exists."""
    rows = list(point.household_rows.values_list("people", flat=True))
    if rows:
        point.households, point.people = len(rows), sum(rows)
        point.threat = reference.threat_of(point.people, point.potential_loss)
        point.save(update_fields=["households", "people", "threat", "updated_at"])


def shelter_warning(plan: EvacuationPlan | None, people: int) -> str:
    """A note when the people to move exceed the shelter's capacity (or there is no shelter)."""
    if plan is None or plan.shelter_id is None:
        return "未指定避难场所"
    cap = plan.shelter.capacity
    if cap is not None and people > cap:
        return f"应转移 {people} 人，超过“{plan.shelter.name}”容纳人数 {cap} 人，请另行安排安置点"
    return ""


# ----- the 销号 lifecycle -----

EDIT, CLOSE = PERM + "riskpoints.edit", PERM + "riskpoints.close"


def _closed(step) -> None:
    step.record.closed_on = timezone.localdate()


def _reopened(step) -> None:
    step.record.closed_on = None


def _supervisors(point):
    return recipients.over(point.region_id, "riskpoints.close")


POINTS = workflow.register(Lifecycle(
    model=DisasterRiskPoint, label="风险点", transitions=[
        Transition("rectify", "开始整治", (S.REGISTERED,), S.RECTIFYING, frozenset({EDIT})),
        Transition("request_close", "申请销号", (S.REGISTERED, S.RECTIFYING), S.CLOSING, frozenset({EDIT}),
                   needs_comment="请说明整治情况和是否达到销号标准", stamp=("closing_requested_by",),
                   notify=("supervisors",)),
        Transition("close", "审核销号", (S.CLOSING,), S.CLOSED, frozenset({CLOSE}), separated=("closing_requested_by",),
                   stamp=("closed_by",), apply=_closed),
        Transition("reject", "退回销号申请", (S.CLOSING,), S.RECTIFYING, frozenset({CLOSE}),
                   needs_comment="请说明退回原因", separated=("closing_requested_by",)),
        Transition("reopen", "重新列入台账", (S.CLOSED,), S.REGISTERED, frozenset({CLOSE}),
                   needs_comment="请说明重新列入的原因（如险情复发）", apply=_reopened),
    ], recipients={"supervisors": _supervisors},
    audited=["status", "closed_on", "closing_year"],
    events={"created": "登记"},
    describe=lambda p: f"{p.get_kind_display()} {p.name}",
    url=lambda p: reverse("riskpoint_detail", args=[p.pk])))


def run(actor, pk: int, name: str, **kwargs) -> DisasterRiskPoint:
    return workflow.run(POINTS, actor, pk, name, **kwargs)

