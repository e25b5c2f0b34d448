"""Writes of the house ledger: a household and its assessment, the plan and its site check, the
lifecycle from 已评估 to 补助已发放, the district's subsidy standard — and `counts`, the ledger's
rooms per degree that the town's 核报 is checked against. Every function checks the permission
and the actor's territory, validates with Chinese messages keyed by field (nothing is written on a
refusal) and records the audit event, in one transaction."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.attachments import attach
from anying.core.models import Attachment, AuditEvent, Region
from anying.core.permissions import SYSTEM, require
from anying.core.scope import covers
from anying.core.workflow import PERM, Lifecycle, Transition
from anying.disasters.models import Event
from anying.forestfire.entry import valid_id
from anying.places.nearest import box, haversine_km
from anying.riskpoints.models import DisasterRiskPoint, Kind

from . import standards
from .models import (
    BUILD_MODES,
    NO_MAIN_WORKS,
    Household,
    Mode,
    Situation,
    Standard,
    Structure,
    mask_account,
    mask_id,
)

A = AuditEvent.Action
S = Household.Status
HOUSE_FIELDS = ["event", "village", "group", "head", "id_number", "phone", "members", "situation", "only_home",
                "structure", "rooms", "rooms_collapsed", "rooms_severe", "rooms_general", "cause", "assessed_on",
                "assessors", "subsidy"]
PLAN_FIELDS = ["mode", "site_address", "site_lat", "site_lon", "site_override", "site_override_by", "plan_note"]
# the account number is not audited in full: the payment's summary names its last four digits
AUDITED = ["status", "plan_approved_on", "started_on", "main_done_on", "completed_on", "accepted_on", "subsidy",
           "bank", "paid_on", "paid_amount"]
# the risk points a new house must keep away from (「避开地质灾害隐患点、行洪通道」): geological
# points, flood points, flash-flood areas and waterlogging points — not 防灾重点场所 (schools,
# care homes), which are places to protect, not hazards
SITE_KINDS = (Kind.GEOLOGICAL, Kind.FLOOD, Kind.FLASH_FLOOD, Kind.WATERLOGGING)
PHONE = re.compile(r"^[0-9-]{7,20}$")
ACCOUNT = re.compile(r"^[0-9]{8,30}$")


def _masked(snap: dict) -> dict:
    """The audit log keeps no full ID or account number (its readers need only know it changed)."""
    for key, mask in (("身份证号", mask_id), ("id_number", mask_id), ("一卡通账号", mask_account), ("account", mask_account)):
        if snap.get(key):
            snap[key] = mask(str(snap[key]))
    return snap


def snapshot(house: Household, fields) -> dict:
    return _masked(audit.snapshot(house, fields))


def _text(data: dict, key: str, limit: int) -> str:
    return " ".join(str(data.get(key) or "").split())[:limit]


def _int(data: dict, key: str, errors: dict, label: str, low: int, high: int) -> int:
    value = data.get(key)
    if value in (None, ""):
        value = 0 if low == 0 else None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors[key] = f"{label}须为{low}到{high}之间的整数"
        return 0
    return value


def _event(actor, value, errors: dict):
    pk = getattr(value, "pk", value)
    scope = Event.objects.all() if actor is SYSTEM else Event.objects.visible_to(actor)
    found = scope.filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        errors["event"] = "请选择灾害过程（您辖区内已登记的）"
    return found


def _village(actor, value, errors: dict) -> Region | None:
    if not isinstance(value, Region):
        errors["village"] = "请选择村（社区）"
        return None
    if value.level != Region.Level.VILLAGE or value.parent_id is None:
        errors["village"] = "住房户须登记到村（社区）"
        return None
    if not covers(actor, value):
        errors["village"] = "不在您管理的区划范围内"
        return None
    return value


@transaction.atomic
def save_household(actor, data: dict, *, pk: int | None = None, version: int | None = None, photos=(),
                   is_demo: bool = False) -> Household:
    """Record (or correct, while 已评估) a household and its damage assessment. The subsidy is
    estimated from the standard in force on the assessment date (fixed at 验收)."""
    require(actor, "houses.record")
    if pk is not None:
        house = HOUSES.queryset(actor).select_for_update(of=("self",)).get(pk=pk)
        workflow.check_version(HOUSES, house, version)
        if house.status != S.ASSESSED:
            raise ValidationError("方案已提交审批，评估信息不能再修改（如需更正请由镇街退回方案）")
        before = snapshot(house, HOUSE_FIELDS)
    else:
        house, before = Household(created_by=None if actor is SYSTEM else actor, is_demo=is_demo), None
    errors: dict = {}
    event = _event(actor, data.get("event"), errors)
    village = _village(actor, data.get("village"), errors)
    if event is not None and village is not None and not event.towns.filter(pk=village.parent_id).exists():
        errors["village"] = f"{village.parent.name}不在“{event.name}”的受灾镇街中"
    head = _text(data, "head", 40)
    if not head:
        errors["head"] = "请填写户主姓名"
    id_number = _text(data, "id_number", 18).upper()
    if not valid_id(id_number):
        errors["id_number"] = "身份证号不正确（18位，末位校验码须相符）"
    phone = _text(data, "phone", 20)
    if phone and not PHONE.match(phone):
        errors["phone"] = "联系电话只能包含数字和连字符"
    members = _int(data, "members", errors, "家庭人口", 1, 30)
    if data.get("situation") not in Situation.values:
        errors["situation"] = "请选择家庭类别"
    if data.get("structure") not in Structure.values:
        errors["structure"] = "请选择房屋结构"
    rooms = _int(data, "rooms", errors, "房屋总间数", 1, 50)
    collapsed = _int(data, "rooms_collapsed", errors, "倒塌间数", 0, 50)
    severe = _int(data, "rooms_severe", errors, "严重损坏间数", 0, 50)
    general = _int(data, "rooms_general", errors, "一般损坏间数", 0, 50)
    if not errors and collapsed + severe + general == 0:
        errors["rooms_collapsed"] = "请填写倒塌、严重损坏或一般损坏的间数（至少一间）"
    elif not errors and collapsed + severe + general > rooms:
        errors["rooms_collapsed"] = f"倒损间数合计 {collapsed + severe + general} 间，超过房屋总间数 {rooms} 间"
    cause = _text(data, "cause", 100)
    if not cause:
        errors["cause"] = "请填写致灾原因"
    assessed_on = data.get("assessed_on")
    today = timezone.localdate()
    if not isinstance(assessed_on, dt.date):
        errors["assessed_on"] = "请填写评估日期"
    elif assessed_on > today:
        errors["assessed_on"] = "评估日期不能晚于今天"
    elif event is not None and assessed_on < timezone.localdate(event.started_at):
        errors["assessed_on"] = "评估日期不能早于灾害发生日期"
    assessors = _text(data, "assessors", 100)
    if not assessors:
        errors["assessors"] = "请填写评估人员"
    if errors:
        raise ValidationError(errors)
    house.event, house.village, house.town_id = event, village, village.parent_id
    house.group, house.head, house.id_number, house.phone = _text(data, "group", 100), head, id_number, phone
    house.members, house.situation, house.only_home = members, data["situation"], bool(data.get("only_home", True))
    house.structure, house.rooms = data["structure"], rooms
    house.rooms_collapsed, house.rooms_severe, house.rooms_general = collapsed, severe, general
    house.cause, house.assessed_on, house.assessors = cause, assessed_on, assessors
    house.standard, subsidy = standards.for_household(house)
    house.subsidy = subsidy.amount
    if house.pk:
        house.version += 1
    house.save()
    for photo in photos:
        attach(actor, house, photo)
    if before is None:
        workflow.record_event(house, "created", actor=actor, state=house.status)
    audit.record(actor, A.CREATE if before is None else A.UPDATE, house, before=before,
                 after=snapshot(house, HOUSE_FIELDS),
                 summary=f"倒损住房：{house.head}户（{village.name}，{house.degree}）")
    return house


# ----- the site check -----

def nearby(lat, lon, within_m: int) -> list[dict]:
    """The open risk points of the kinds a new house must avoid within `within_m` metres of a
    site, nearest first. Every point counts, whoever's territory it is in: a slope across the
    town boundary threatens the house all the same."""
    lat, lon = float(lat), float(lon)
    s, n, w, e = box(lat, lon, within_m / 1000)
    rows = (DisasterRiskPoint.objects.filter(kind__in=SITE_KINDS).exclude(status=DisasterRiskPoint.Status.CLOSED)
            .filter(place__latitude__gte=s, place__latitude__lte=n, place__longitude__gte=w, place__longitude__lte=e)
            .values("pk", "name", "kind", "place__latitude", "place__longitude"))
    labels = dict(Kind.choices)
    found = []
    for r in rows:
        metres = haversine_km(lat, lon, float(r["place__latitude"]), float(r["place__longitude"])) * 1000
        if metres <= within_m:
            found.append({"id": r["pk"], "name": r["name"], "kind": labels[r["kind"]], "metres": round(metres, 1)})
    return sorted(found, key=lambda x: x["metres"])


def site_refusal(points: list[dict], limit: int) -> str:
    near = "；".join(f"{p['kind']}“{p['name']}”（相距约 {p['metres']:.0f} 米）" for p in points)
    return (f"新址距以下未销号风险点不足 {limit} 米，不予通过：{near}。请另选地址；"
            "确需在此建房的，由镇街审批人员填写选址例外理由（如已采取工程治理措施并经专业评估）。")


@transaction.atomic
def save_plan(actor, pk: int, data: dict, *, version: int | None = None) -> Household:
    """The rebuilding or repair plan. A site for a new house (原址重建, 异地新建) is refused when an
    open risk point lies within the district's distance, unless a holder of `houses.approve`
    records why it may stand there (the override and the points are kept on the record)."""
    require(actor, "houses.record")
    house = HOUSES.queryset(actor).select_for_update(of=("self",)).select_related("village").get(pk=pk)
    workflow.check_version(HOUSES, house, version)
    if house.status != S.ASSESSED:
        raise ValidationError("只有“已评估”（或方案被退回）的住房户可以修改方案")
    before = snapshot(house, PLAN_FIELDS)
    errors: dict = {}
    mode = data.get("mode")
    if mode not in Mode.values:
        errors["mode"] = "请选择重建方式"
    if mode in BUILD_MODES and house.rooms_collapsed + house.rooms_severe == 0:
        errors["mode"] = "该户只有一般损坏的房屋，应选择维修加固"
    if mode == Mode.REPAIR and house.rooms_collapsed:
        errors["mode"] = "倒塌房屋不能维修加固，请选择原址重建、异地新建或购房安置"
    site_address = _text(data, "site_address", 200)
    lat, lon = data.get("latitude"), data.get("longitude")
    override = _text(data, "site_override", 500)
    points: list[dict] = []
    if mode in BUILD_MODES:
        if not site_address:
            errors["site_address"] = "请填写建房地点"
        try:
            lat, lon = Decimal(str(lat)), Decimal(str(lon))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise InvalidOperation
        except (InvalidOperation, TypeError, ValueError):
            errors["latitude"] = "请填写建房地点的经纬度（可在地图上点选），用于核查是否避开地质灾害隐患点和行洪通道"
            lat = lon = None
    else:
        lat = lon = None
    if errors:
        raise ValidationError(errors)
    limit = standards.site_distance_m(house.village, timezone.localdate())
    if lat is not None:
        points = nearby(lat, lon, limit)
    if points and not override:
        raise ValidationError({"latitude": site_refusal(points, limit)})
    if override:
        if not points:
            override = ""  # nothing to override: the site passed
        elif actor is not SYSTEM and not actor.has_perm_code("houses.approve"):
            raise ValidationError({"site_override": "选址例外只能由镇街审批人员填写"})
        elif len(override) < 10:
            raise ValidationError({"site_override": "请具体说明理由（不少于10个字），如已完成的治理工程和评估结论"})
    house.mode, house.site_address = mode, site_address
    house.site_lat, house.site_lon = lat, lon
    house.site_nearby = points
    house.site_override = override
    house.site_override_by = (None if actor is SYSTEM else actor) if override else None
    house.plan_note = _text(data, "plan_note", 500)
    house.version += 1
    house.save()
    summary = f"{house.head}户方案：{house.get_mode_display()}"
    if override:
        summary += f"（选址例外：{len(points)} 处风险点在 {limit} 米内）"
    audit.record(actor, A.UPDATE, house, before=before, after=snapshot(house, PLAN_FIELDS), summary=summary)
    return house


# ----- the lifecycle -----

RECORD, APPROVE, PAY = PERM + "houses.record", PERM + "houses.approve", PERM + "houses.pay"


def _day(step, key: str) -> dt.date:
    """The date a step states (default today): never in the future, never before the last step."""
    value = step.data.get(key) or timezone.localdate()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({key: "日期格式应为 2026-07-20"}) from None
    if value > timezone.localdate():
        raise ValidationError({key: "日期不能晚于今天"})
    r = step.record
    last = max([d for d in (r.assessed_on, r.plan_approved_on, r.started_on, r.main_done_on, r.completed_on,
                            r.accepted_on) if d] or [value])
    if value < last:
        raise ValidationError({key: f"日期不能早于上一环节（{last}）"})
    return value


def _submit(step) -> None:
    h = step.record
    if not h.mode:
        raise ValidationError({"mode": "请先填写重建或维修方案（重建方式、建房地点）"})
    if h.mode in BUILD_MODES and h.site_lat is None:
        raise ValidationError({"latitude": "请先填写建房地点的经纬度"})
    if not Attachment.objects.filter(content_type__app_label="houses", content_type__model="household",
                                     object_id=str(h.pk)).exists():
        raise ValidationError({"evidence": "请先上传房屋倒损评估照片"})


def _approved(step) -> None:
    step.record.plan_approved_on = _day(step, "day")


def _started(step) -> None:
    step.record.started_on = _day(step, "day")


def _main_done(step) -> None:
    h = step.record
    if h.main_done_on:
        raise ValidationError("已记录主体完工")
    if h.mode in NO_MAIN_WORKS:
        raise ValidationError(f"{h.get_mode_display()}没有主体工程，开工后可直接报竣工")
    h.main_done_on = _day(step, "day")
    step.summary = f"主体完工（{h.main_done_on}）"


def _completed(step) -> None:
    h = step.record
    if h.mode not in NO_MAIN_WORKS and not h.main_done_on:
        raise ValidationError("请先记录主体完工")
    h.completed_on = _day(step, "day")


def _accepted(step) -> None:
    h = step.record
    h.accepted_on = _day(step, "day")
    h.standard, subsidy = standards.for_household(h)
    h.subsidy = subsidy.amount
    step.summary = f"验收合格，核定补助 {subsidy.amount:,.2f} 元（{subsidy.text}）"


def _paid(step) -> None:
    h = step.record
    account = _text(step.data, "account", 30).replace(" ", "")
    errors = {}
    if not ACCOUNT.match(account):
        errors["account"] = "请填写受助人本人的一卡通（社保卡或银行）账号，8到30位数字"
    bank = _text(step.data, "bank", 60)
    if not bank:
        errors["bank"] = "请填写开户银行"
    if errors:
        raise ValidationError(errors)
    if h.subsidy <= 0:
        raise ValidationError("该户按标准核定的补助为0，无需发放（如有疑问请先核对补助标准）")
    h.account, h.bank = account, bank
    h.paid_on = _day(step, "day")
    h.paid_amount = h.subsidy
    step.summary = f"补助 {h.paid_amount:,.2f} 元已发放至 {h.bank} 账户 {mask_account(account)}"


def _approvers(h):
    return recipients.over(h.village_id, "houses.approve")


def _payers(h):
    return recipients.over(h.village_id, "houses.pay")


def _recorders(h):
    return recipients.over(h.village_id, "houses.record")


HOUSES = workflow.register(Lifecycle(
    model=Household, label="倒损住房户", transitions=[
        Transition("submit_plan", "提交方案", (S.ASSESSED,), S.PLANNED, frozenset({RECORD}), stamp=("plan_submitted_by",),
                   notify=("approvers",), apply=_submit),
        Transition("approve_plan", "批准方案", (S.PLANNED,), S.APPROVED, frozenset({APPROVE}), stamp=("plan_approved_by",),
                   notify=("recorders",), apply=_approved),
        Transition("return_plan", "退回方案", (S.PLANNED,), S.ASSESSED, frozenset({APPROVE}),
                   needs_comment="请说明退回原因", notify=("recorders",)),
        Transition("start", "开工", (S.APPROVED,), S.BUILDING, frozenset({RECORD}), needs_evidence="请上传开工照片",
                   apply=_started),
        Transition("main_done", "主体完工", (S.BUILDING,), None, frozenset({RECORD}), needs_evidence="请上传主体完工照片",
                   apply=_main_done),
        Transition("complete", "竣工", (S.BUILDING,), S.COMPLETED, frozenset({RECORD}), needs_evidence="请上传竣工照片",
                   notify=("approvers",), apply=_completed),
        Transition("accept", "验收合格", (S.COMPLETED,), S.ACCEPTED, frozenset({APPROVE}), needs_evidence="请上传验收照片",
                   stamp=("accepted_by",), notify=("payers",), apply=_accepted),
        Transition("reject", "验收不合格", (S.COMPLETED,), S.BUILDING, frozenset({APPROVE}),
                   needs_comment="请说明不合格的问题和整改要求", notify=("recorders",)),
        Transition("pay", "发放补助", (S.ACCEPTED,), S.PAID, frozenset({PAY}), stamp=("paid_by",),
                   notify=("recorders",), apply=_paid),
    ], recipients={"approvers": _approvers, "payers": _payers, "recorders": _recorders},
    audited=AUDITED, events={"created": "登记倒损住房"},
    describe=lambda h: f"{h.head}户（{h.village.name}）",
    summary=lambda h: f"{h.degree}，{h.get_mode_display() or '未定方案'}",
    url=lambda h: reverse("house_detail", args=[h.pk])))


def run(actor, pk: int, name: str, **kwargs) -> Household:
    return workflow.run(HOUSES, actor, pk, name, **kwargs)


# ----- the standard -----

STANDARD_FIELDS = ["effective_from", *standards.FIGURES, "note"]


@transaction.atomic
def save_standard(actor, region: Region, data: dict) -> Standard:
    """A new version of a district's standard, in force from its date. Households not yet
    accepted take the version in force on their assessment date at 验收; accepted and paid ones
    keep their amount."""
    require(actor, "houses.configure")
    errors: dict = {}
    if not isinstance(region, Region) or region.level != Region.Level.DISTRICT or not covers(actor, region):
        raise ValidationError({"region": "只能设置本区县的补助标准"})
    day = data.get("effective_from")
    if not isinstance(day, dt.date):
        errors["effective_from"] = "请填写施行日期"
    elif Standard.objects.filter(region=region, effective_from=day).exists():
        errors["effective_from"] = "该日期已有一个版本；标准不在原版本上修改，请另定施行日期"
    values = {}
    for f in standards.FIGURES:
        field = Standard._meta.get_field(f)
        raw = data.get(f)
        if raw in (None, ""):
            if not field.null and f != "hardship_extra":
                errors[f] = f"请填写{field.verbose_name}"
            values[f] = Decimal(0) if f == "hardship_extra" else None
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            errors[f] = f"{field.verbose_name}须为数字"
            continue
        if value < 0 or value > 1_000_000:
            errors[f] = f"{field.verbose_name}须在0到1000000之间"
        values[f] = int(value) if f in ("rebuild_flat_from", "site_distance_m") else value
    if (values.get("rebuild_flat_from") is None) != (values.get("rebuild_flat_amount") is None):
        errors["rebuild_flat_amount"] = "按户定额的间数和金额须同时填写或同时留空"
    if values.get("site_distance_m") is not None and not 10 <= values["site_distance_m"] <= 5000:
        errors["site_distance_m"] = "最小距离须在10到5000米之间"
    source = _text(data, "source", 300)
    if not source:
        errors["source"] = "请填写依据（文件名称和文号），以便核对"
    if errors:
        raise ValidationError(errors)
    row = Standard.objects.create(region=region, effective_from=day, **values,
                                  sources={f: source for f in ["effective_from", *standards.FIGURES]},
                                  note=_text(data, "note", 500), created_by=None if actor is SYSTEM else actor)
    previous = standards.in_force(region, day - dt.timedelta(days=1))
    audit.record(actor, A.CREATE, row, before=audit.snapshot(previous, STANDARD_FIELDS) if previous else None,
                 after=audit.snapshot(row, STANDARD_FIELDS), summary=f"{region.name}倒损住房补助标准（{day} 起施行）")
    return row


# ----- the ledger's counts -----

def counts(event, town=None) -> dict:
    """Rooms per degree in the ledger for an event (and a town): what a town's 核报 is checked
    against (the statistics system files the house ledger with the 核报). Unscoped: the caller
    (the disasters app, through its hook) has already decided the reader may see the report."""
    qs = Household.objects.filter(event_id=getattr(event, "pk", event))
    if town is not None:
        qs = qs.filter(town_id=getattr(town, "pk", town))
    sums = qs.aggregate(c=Sum("rooms_collapsed"), s=Sum("rooms_severe"), g=Sum("rooms_general"))
    return {"houses_collapsed": sums["c"] or 0, "houses_severe": sums["s"] or 0, "houses_general": sums["g"] or 0}
