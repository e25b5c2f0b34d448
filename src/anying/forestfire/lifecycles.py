"""Two lifecycles on core.workflow:

野外用火申请: submitted → approved / refused (by a holder of forestfire.approve other than the
person who registered it: separation of duties); approved → revoked when a 禁火令 later covers it.
An application whose place and time a ban covers is refused at once by the system, citing the
ban (seed 003「禁火期内,森林防火区区内禁止一切野外用火」), and approval re-checks the bans.

火情报告: reported → 虚警 or 火情 (with the burnt forest area, deaths and serious injuries, the
class computed from 森林防火条例 第四十条), checked by the town of the place (the check task)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.notifications import notify_many
from anying.core.permissions import SYSTEM, require
from anying.core.scope import covers
from anying.core.workflow import Lifecycle, Transition

from . import reference, services
from .models import FireReport, FireUse

U = FireUse.Status
R = FireReport.Status
APPROVER, CHECKER = "perm:forestfire.approve", "perm:forestfire.check"


# --- 野外用火 --------------------------------------------------------------------------------------

def _approve(step) -> None:
    app = step.record
    ban = services.bans_covering(app.region, app.starts_at, app.ends_at).first()
    if ban is not None:
        raise ValidationError(f"不能批准：{services.ban_reason(ban)}。请“不予批准”。")
    app.decided_at, app.decision = timezone.now(), step.comment[:500]


def _refuse(step) -> None:
    app = step.record
    ban = step.data.get("ban")
    app.ban = ban
    app.decided_at, app.decision = timezone.now(), step.comment[:500]


def approvers(app):
    return recipients.over(app.region, "forestfire.approve")


def applicant(app):
    return [app.submitted_by] if app.submitted_by_id else []


FIRE_USE = workflow.register(Lifecycle(
    model=FireUse, label="野外用火申请", transitions=[
        Transition("approve", "批准", (U.SUBMITTED,), U.APPROVED, frozenset({APPROVER}), separated=("submitted_by",),
                   stamp=("decided_by",), apply=_approve, notify=("applicant",)),
        Transition("refuse", "不予批准", (U.SUBMITTED,), U.REFUSED, frozenset({APPROVER}), separated=("submitted_by",),
                   needs_comment="请说明不予批准的理由", stamp=("decided_by",), apply=_refuse, notify=("applicant",)),
        Transition("revoke", "撤销批准（禁火令）", (U.APPROVED,), U.REVOKED, frozenset({APPROVER}),
                   needs_comment="请说明撤销理由", apply=_refuse, notify=("applicant",)),
    ],
    recipients={"applicant": applicant, "approvers": approvers},
    audited=["status", "decision", "ban"],
    events={"submitted": "登记申请", "auto_refused": "禁火令期间自动不予批准"},
    describe=lambda a: f"野外用火申请 {a.number}",
    summary=lambda a: f"{a.region.name}{a.place} {a.kind}",
    url=lambda a: reverse("forestfire:fire_use_detail", args=[a.pk])))


def run_fire_use(actor, pk: int, name: str, **kwargs) -> FireUse:
    return workflow.run(FIRE_USE, actor, pk, name, **kwargs)


@transaction.atomic
def submit_fire_use(user, data: dict) -> FireUse:
    """Register an application (from the applicant's paper form or phone call). Under a ban it is
    refused at once, with the ban cited, and the applicant is told."""
    require(user, "forestfire.apply")
    region = services._region(user, data.get("region_id"))
    errors: dict = {}
    t = services._text
    place = t(data, "place", "具体位置", errors, 200)
    applicant_name = t(data, "applicant", "申请人", errors, 60)
    phone = t(data, "phone", "联系电话", errors, 20)
    kind = data.get("kind") or ""
    if kind not in reference.FIRE_USE_KINDS:
        errors["kind"] = "请选择用火事由"
    reason = t(data, "reason", "用火说明", errors, 2000)
    precautions = t(data, "precautions", "防火措施", errors, 2000)
    watcher = t(data, "watcher", "看守人", errors, 60)
    watcher_phone = t(data, "watcher_phone", "看守人电话", errors, 20)
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not starts or not ends or ends <= starts:
        errors["ends_at"] = "用火结束须晚于开始"
    elif ends - starts > dt.timedelta(days=7):
        errors["ends_at"] = "一次申请的用火时间不超过7天"
    elif ends < timezone.now():
        errors["ends_at"] = "用火时间已过"
    if errors:
        raise ValidationError(errors)
    app = FireUse.objects.create(
        number=services.number("野外用火"), region=region, place=place, applicant=applicant_name, phone=phone,
        kind=kind, reason=reason, starts_at=starts, ends_at=ends, precautions=precautions, watcher=watcher,
        watcher_phone=watcher_phone, submitted_by=None if user is SYSTEM else user)
    workflow.record_event(app, "submitted", actor=None if user is SYSTEM else user, comment=f"{kind}：{reason}"[:300])
    audit.record(user, AuditEvent.Action.CREATE, app, summary=f"登记野外用火申请 {app.number}")
    ban = services.bans_covering(region, starts, ends).first()
    if ban is not None:
        app = run_fire_use(SYSTEM, app.pk, "refuse", comment=services.ban_reason(ban), data={"ban": ban})
    else:
        workflow.tell(FIRE_USE, app, ["approvers"], "待审批")
    return app


# --- 火情报告 --------------------------------------------------------------------------------------

def _check(step) -> None:
    report, data = step.record, step.data
    outcome = data.get("outcome")
    if outcome not in (R.FALSE_ALARM, R.FIRE):
        raise ValidationError({"outcome": "请选择核查结果：虚警或火情"})
    report.status = outcome
    report.checked_at = timezone.now()
    report.check_note = step.comment[:2000]
    if outcome == R.FALSE_ALARM:
        report.burnt_ha, report.grade = None, ""
        return
    errors = {}
    try:
        area = Decimal(str(data.get("burnt_ha", "")).strip())
        if not (Decimal(0) <= area <= Decimal(1_000_000)):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["burnt_ha"] = "请填写受害森林面积（公顷，0 及以上；其他林地起火填 0）"
        area = None
    deaths, injuries = int(data.get("deaths") or 0), int(data.get("injuries") or 0)
    if not (0 <= deaths <= 10000 and 0 <= injuries <= 10000):
        errors["deaths"] = "伤亡人数须为0及以上"
    out = data.get("extinguished_at")
    if out is not None and (out < report.reported_at - dt.timedelta(hours=48) or out > timezone.now() + dt.timedelta(minutes=10)):
        errors["extinguished_at"] = "扑灭时间须在报告前后且不晚于现在"
    if errors:
        raise ValidationError(errors)
    report.burnt_ha, report.deaths, report.injuries = area.quantize(Decimal("0.0001")), deaths, injuries
    report.extinguished_at = out
    report.grade = reference.classify(area, deaths, injuries)
    step.summary = f"核查：火情，受害森林面积 {area} 公顷，{reference.grade_label(report.grade)}"


def town_people(report):
    return recipients.members([report.unit_id], "forestfire.check") if report.unit_id else \
        recipients.over(report.town, "forestfire.check")


def reporter(report):
    return [report.created_by] if report.created_by_id else []


FIRE_REPORT = workflow.register(Lifecycle(
    model=FireReport, label="火情报告", transitions=[
        Transition("check", "核查结果", (R.REPORTED,), (R.FALSE_ALARM, R.FIRE), frozenset({CHECKER}),
                   needs_comment="请填写核查情况", stamp=("checked_by",), apply=_check, notify=("reporter",)),
    ],
    recipients={"town": town_people, "reporter": reporter},
    audited=["status", "burnt_ha", "deaths", "injuries", "grade", "check_note"],
    events={"reported": "报告火情"},
    describe=lambda r: f"火情报告 {r.number}",
    summary=lambda r: f"{r.town.name} {r.place}",
    url=lambda r: reverse("forestfire:report_detail", args=[r.pk])))


def town_of(region: Region) -> Region | None:
    if region.level == Region.Level.TOWN:
        return region
    return Region.objects.filter(pk__in=recipients.ancestors(region), level=Region.Level.TOWN).first()


def nearest_town(latitude: Decimal, longitude: Decimal) -> Region | None:
    """The town of a coordinate: the town whose outline holds it, else the town of the nearest
    place with coordinates (offices, checkpoints, shelters: they are spread over every town)."""
    from anying.places.models import Place, RegionOutline
    from anying.warning.hooks import Area

    for outline in RegionOutline.objects.filter(region__level=Region.Level.TOWN).select_related("region"):
        geometry = outline.geometry or {}
        rings = geometry.get("coordinates") or []
        if geometry.get("type") == "MultiPolygon":
            rings = [p[0] for p in rings]
        elif geometry.get("type") == "Polygon":
            rings = rings[:1]
        if any(Area(frozenset(), polygon=[list(pt) for pt in ring]).covers_point(longitude, latitude) for ring in rings):
            return outline.region
    lat, lon = float(latitude), float(longitude)
    best, best_d = None, None
    for step in (0.05, 0.2, 1.0):
        near = Place.objects.filter(latitude__range=(lat - step, lat + step), longitude__range=(lon - step, lon + step),
                                    is_active=True).select_related("region")[:500]
        for p in near:
            d = (float(p.latitude) - lat) ** 2 + (float(p.longitude) - lon) ** 2
            if best_d is None or d < best_d:
                best, best_d = p, d
        if best:
            return town_of(best.region)
    return None


@transaction.atomic
def report_fire(user, data: dict) -> FireReport:
    """A fire reported: the check task goes to the town of the place (the nearest town when only
    coordinates are known), whose people are told at once."""
    require(user, "forestfire.patrol")
    errors: dict = {}
    t = services._text
    source = data.get("source") or ""
    if source not in FireReport.Source.values:
        errors["source"] = "请选择报告来源"
    place = t(data, "place", "位置描述", errors, 200)
    description = t(data, "description", "报告内容", errors, 2000)
    reporter_name = t(data, "reporter", "报告人", errors, 60, required=False)
    reporter_phone = t(data, "reporter_phone", "报告人电话", errors, 20, required=False)
    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        errors["latitude"] = "经纬度须同时填写"
    region = Region.objects.filter(pk=data.get("region_id")).first() if data.get("region_id") else None
    if region is None and lat is not None and lon is not None:
        region = nearest_town(lat, lon)
    if region is None:
        errors["region"] = "请选择地点所在镇街或村，或填写经纬度"
    elif not covers(user, region):
        errors["region"] = "不在您管理的区划范围内"
    if errors:
        raise ValidationError(errors)
    town = town_of(region)
    if town is None:
        raise ValidationError({"region": "请选择镇街或村（社区）"})
    unit = Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region=town, is_active=True).first()
    report = FireReport.objects.create(
        number=services.number("火情"), source=source, reported_at=data.get("reported_at") or timezone.now(),
        reporter=reporter_name, reporter_phone=reporter_phone, region=region, town=town, unit=unit, place=place,
        latitude=lat, longitude=lon, description=description, created_by=None if user is SYSTEM else user)
    workflow.record_event(report, "reported", actor=None if user is SYSTEM else user, comment=description[:300])
    audit.record(user, AuditEvent.Action.CREATE, report, summary=f"报告火情 {report.number}：{town.name}{place}")
    title = f"【火情核查】{town.name}{place}"
    notify_many((u, title, f"{report.get_source_display()}报告：{description[:200]}；请立即核查并登记结果",
                 reverse("forestfire:report_detail", args=[report.pk])) for u in town_people(report))
    return report


def run_report(actor, pk: int, name: str, **kwargs) -> FireReport:
    return workflow.run(FIRE_REPORT, actor, pk, name, **kwargs)
