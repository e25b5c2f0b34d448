"""生产安全事故: recording (grade computed from the thresholds of 《生产安全事故报告和调查处理条例》
第三条, held as data), the investigation (一案双查), closing, 回头看 a year after closure, and 约谈
of enterprises with two or more fatal accidents in a year. Every write checks permission and
scope, validates, saves and audits in one transaction; every read goes through `visible_to`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, clock, recipients, scope, workflow
from anying.core.clock import Clock
from anying.core.errors import PermissionDenied
from anying.core.exports import Book
from anying.core.models import AuditEvent, Industry, Organisation, Region
from anying.core.permissions import SYSTEM, require
from anying.core.workflow import Lifecycle, Transition
from anying.registry.models import Enterprise
from anying.standards.models import AccidentType

from .models import Accident, AccidentGradeRule, Grade, Interview, Investigation, LookBack

PERM = "accidents.record"
FIELDS = ["occurred_at", "place", "region", "industry", "enterprise", "party", "unit", "accident_type", "deaths",
          "serious_injuries", "minor_injuries", "direct_loss", "summary", "cause", "reported_by"]
AUDITED = [*FIELDS, "grade", "status", "closed_on", "lookback_due"]
MAX_COUNT = 100_000
MAX_LOSS = Decimal("99999999999999.99")


# --- grade ------------------------------------------------------------------------------------

# Records of accidents before this are history, not casework (and keep dates clear of year 1).
EARLIEST_YEAR = 2000


def grade_of(deaths: int, serious_injuries: int, direct_loss: Decimal) -> str:
    """The highest grade any one measure reaches under the configured bounds (inclusive)."""
    for rule in AccidentGradeRule.objects.order_by("-rank"):
        if deaths >= rule.min_deaths or serious_injuries >= rule.min_serious_injuries \
                or direct_loss >= rule.min_direct_loss:
            return rule.grade
    return Grade.GENERAL


# --- reads ------------------------------------------------------------------------------------

def year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    """A calendar year in Asia/Shanghai as aware datetimes [start, end)."""
    return (timezone.make_aware(dt.datetime(year, 1, 1)), timezone.make_aware(dt.datetime(year + 1, 1, 1)))


def day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local days start..end (inclusive) as aware datetimes [from, to)."""
    return (timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
            timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)))


def visible(user):
    return Accident.objects.visible_to(user)


def summary(user, start: dt.date, end: dt.date) -> dict:
    """The dashboard's figures for accidents that occurred on local days start..end: count,
    deaths, serious injuries, direct loss and counts by grade, of the user's scope (one query)."""
    since, until = day_range(start, end)
    return totals(visible(user).filter(occurred_at__gte=since, occurred_at__lt=until))


def totals(qs) -> dict:
    by_grade = {f"n_{g}": Count("id", filter=Q(grade=g)) for g in Grade.values}
    row = qs.order_by().aggregate(count=Count("id"), deaths=Sum("deaths"), serious_injuries=Sum("serious_injuries"),
                                  minor_injuries=Sum("minor_injuries"), direct_loss=Sum("direct_loss"), **by_grade)
    return {"count": row["count"], "deaths": row["deaths"] or 0, "serious_injuries": row["serious_injuries"] or 0,
            "minor_injuries": row["minor_injuries"] or 0, "direct_loss": row["direct_loss"] or Decimal("0"),
            "by_grade": {g: row[f"n_{g}"] for g in Grade.values}}


def interview_candidates(user, year: int) -> list[dict]:
    """Enterprises with two or more fatal accidents (deaths ≥ 1) that occurred in `year`, among
    the accidents the user sees, with the 约谈 held (if any)."""
    start, end = year_range(year)
    rows = list(visible(user).filter(enterprise__isnull=False, deaths__gte=1, occurred_at__gte=start,
                                     occurred_at__lt=end)
                .values("enterprise").annotate(fatal=Count("id"), deaths=Sum("deaths")).filter(fatal__gte=2)
                .order_by("-fatal", "enterprise"))
    ids = [r["enterprise"] for r in rows]
    enterprises = Enterprise.objects.select_related("region").in_bulk(ids)
    held = {i.enterprise_id: i for i in Interview.objects.filter(year=year, enterprise_id__in=ids)}
    return [{"enterprise": enterprises[r["enterprise"]], "fatal": r["fatal"], "deaths": r["deaths"],
             "interview": held.get(r["enterprise"])} for r in rows]


def flagged_for_interview(enterprise: Enterprise, year: int) -> bool:
    start, end = year_range(year)
    return Accident.objects.filter(enterprise=enterprise, deaths__gte=1, occurred_at__gte=start,
                                   occurred_at__lt=end).count() >= 2


def default_unit(region: Region) -> Organisation | None:
    """The town's 应急办 follows an accident in its town; otherwise the recorder's unit."""
    return Organisation.objects.filter(region=region, kind=Organisation.Kind.TOWN_OFFICE, is_active=True) \
        .order_by("pk").first()


# --- writes -----------------------------------------------------------------------------------

def _count(data: dict, key: str, errors: dict) -> int:
    value = data.get(key)
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[key] = "应为整数"
        return 0
    if not 0 <= number <= MAX_COUNT:
        errors[key] = "人数应为 0 或正整数"
    return number


def _clean(user, data: dict) -> dict:
    errors: dict[str, str] = {}
    out = {k: data.get(k) for k in FIELDS}
    for key in ("place", "party", "summary", "cause", "reported_by"):
        out[key] = str(out.get(key) or "").strip()
    occurred = out["occurred_at"]
    if not isinstance(occurred, dt.datetime):
        errors["occurred_at"] = "请填写发生时间"
    elif occurred.year < EARLIEST_YEAR:
        errors["occurred_at"] = f"发生时间不能早于 {EARLIEST_YEAR} 年"
    else:
        if timezone.is_naive(occurred):
            occurred = out["occurred_at"] = timezone.make_aware(occurred)  # a time without zone is local
        if occurred > timezone.now() + dt.timedelta(minutes=5):
            errors["occurred_at"] = "发生时间不能晚于现在"
    if not out["place"]:
        errors["place"] = "请填写发生地点"
    elif len(out["place"]) > 200:
        errors["place"] = "发生地点最多 200 字"
    if len(out["party"]) > 200:
        errors["party"] = "最多 200 字"
    if len(out["reported_by"]) > 100:
        errors["reported_by"] = "最多 100 字"
    if not out["summary"]:
        errors["summary"] = "请填写事故经过"
    for key in ("deaths", "serious_injuries", "minor_injuries"):
        out[key] = _count(data, key, errors)
    try:
        loss = Decimal(str(out["direct_loss"] if out["direct_loss"] not in (None, "") else "0"))
        if not loss.is_finite() or loss < 0 or loss > MAX_LOSS:
            raise InvalidOperation
        out["direct_loss"] = loss.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["direct_loss"] = "直接经济损失应为不小于 0 的金额（元）"
    if not isinstance(out["accident_type"], AccidentType) or out["accident_type"].group != "基本事故类型":
        errors["accident_type"] = "请选择事故类型（GB 6441-2025 基本事故类型）"
    enterprise = out["enterprise"]
    if enterprise is not None and not isinstance(enterprise, Enterprise):
        # the form and the API pass the id picked from the name search; scope is checked below
        candidates = Enterprise.objects.all() if user is SYSTEM else Enterprise.objects.visible_to(user)
        enterprise = out["enterprise"] = candidates.filter(pk=enterprise).select_related(
            "region", "industry").first() if isinstance(enterprise, int) else None
        if enterprise is None:
            errors["enterprise"] = "事故单位不存在"
    if enterprise is not None:
        out["region"], out["industry"] = enterprise.region, enterprise.industry
        out["party"] = ""
    elif "enterprise" not in errors:
        if not isinstance(out["region"], Region) or out["region"].level != Region.Level.TOWN:
            errors["region"] = "请选择事故所在镇街"
        if not isinstance(out["industry"], Industry):
            errors["industry"] = "请选择行业"
        if not out["party"]:
            errors["party"] = "请选择登记的企业，或填写事故单位名称"
    if errors:
        raise ValidationError(errors)
    if not scope.covers(user, out["region"], out["industry"]):
        raise PermissionDenied("事故不在您的监管范围内")
    unit = out["unit"]
    if unit is None:
        unit = out["unit"] = default_unit(out["region"]) or (user.unit if user is not SYSTEM else None)
    if not isinstance(unit, Organisation) or not unit.is_government \
            or not out["region"].path.startswith(Region.objects.get(pk=unit.region_id).path):
        raise ValidationError({"unit": "负责单位应为事故所在地或其上级的政府单位"})
    return out


@transaction.atomic
def record(user, data: dict, *, is_demo: bool = False) -> Accident:
    require(user, PERM, "无权登记事故")
    data = _clean(user, data)
    enterprise = data["enterprise"]
    accident = Accident(**data, organisation_id=enterprise.organisation_id if enterprise else None,
                        grade=grade_of(data["deaths"], data["serious_injuries"], data["direct_loss"]),
                        created_by=user, is_demo=is_demo)
    accident.save()
    audit.record(user, AuditEvent.Action.CREATE, accident, summary=f"登记事故（{accident.get_grade_display()}）",
                 after=audit.snapshot(accident, AUDITED))
    workflow.record_event(accident, "record", actor=user, state=accident.status)
    return accident


def _locked(user, pk: int, version: int | None = None) -> Accident:
    """The accident row-locked through the scope, as every step; `version` is what the page
    showed: a stale one is refused (someone changed the record since)."""
    require(user, PERM, "无权修改事故记录")
    try:
        return workflow.lock(LIFECYCLE, user, pk, version)
    except Accident.DoesNotExist:
        raise PermissionDenied("事故不存在或不在您的范围内") from None


@transaction.atomic
def update(user, pk: int, data: dict, version: int | None = None) -> Accident:
    accident = _locked(user, pk, version)
    if accident.status == Accident.Status.CLOSED:
        raise ValidationError("已结案的事故不能修改")
    before = audit.snapshot(accident, AUDITED)
    data = _clean(user, data)
    for key, value in data.items():
        setattr(accident, key, value)
    enterprise = data["enterprise"]
    accident.organisation_id = enterprise.organisation_id if enterprise else None
    accident.grade = grade_of(accident.deaths, accident.serious_injuries, accident.direct_loss)
    accident.version += 1  # a page showing the old facts may no longer close it
    accident.save()
    audit.record(user, AuditEvent.Action.UPDATE, accident, summary="修改事故记录", before=before,
                 after=audit.snapshot(accident, AUDITED))
    return accident


INVESTIGATION_FIELDS = ["team", "findings", "enterprise_responsibility", "supervision_responsibility", "measures",
                        "report_date"]


@transaction.atomic
def save_investigation(user, pk: int, data: dict, version: int | None = None) -> Investigation:
    """The investigation record; saving it puts a recorded accident under investigation."""
    accident = _locked(user, pk, version)
    if accident.status == Accident.Status.CLOSED:
        raise ValidationError("已结案的事故不能修改调查记录")
    errors = {}
    values = {k: (data.get(k).strip() if isinstance(data.get(k), str) else data.get(k)) for k in INVESTIGATION_FIELDS}
    for key in INVESTIGATION_FIELDS[:-1]:
        if not values[key]:
            errors[key] = "必填"
    report_date = values["report_date"]
    if not isinstance(report_date, dt.date):
        errors["report_date"] = "请填写调查报告日期"
    elif report_date > timezone.localdate():
        errors["report_date"] = "调查报告日期不能晚于今天"
    elif report_date < timezone.localdate(accident.occurred_at):
        errors["report_date"] = "调查报告日期不能早于事故发生日期"
    if errors:
        raise ValidationError(errors)
    investigation = Investigation.objects.filter(accident=accident).first()
    before = audit.snapshot(investigation) if investigation else None
    investigation = investigation or Investigation(accident=accident)
    for key, value in values.items():
        setattr(investigation, key, value)
    investigation.recorded_by, investigation.recorded_at = user, timezone.now()
    investigation.save()
    audit.record(user, AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE, accident,
                 summary="保存事故调查（一案双查）", before=before, after=audit.snapshot(investigation))
    if accident.status == Accident.Status.RECORDED:
        start_investigation(user, accident.pk)  # saving the investigation puts the accident under it
    else:
        # the 结案 on a page that showed the investigation before this change is stale now
        accident.version += 1
        accident.save(update_fields=["version"])
        workflow.record_event(accident, "investigation", actor=user, previous=accident.status, state=accident.status)
    return investigation


def start_investigation(user, pk: int, version: int | None = None) -> Accident:
    return workflow.run(LIFECYCLE, user, pk, "investigate", version=version)


def one_year_after(day: dt.date) -> dt.date:
    """The same date a year later; 29 February falls on 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _closing(step) -> None:
    """结案: needs the investigation record; sets the 回头看 date one year later."""
    accident = step.record
    investigation = Investigation.objects.filter(accident=accident).first()
    if investigation is None:
        raise ValidationError("结案前请先填写事故调查（一案双查）记录")
    closed_on = step.data.get("closed_on") or timezone.localdate()
    if closed_on > timezone.localdate() or closed_on < investigation.report_date:
        raise ValidationError({"closed_on": "结案日期应在调查报告日期之后、不晚于今天"})
    accident.closed_on, accident.lookback_due = closed_on, one_year_after(closed_on)


RECORDER = f"{workflow.PERM}{PERM}"  # whoever records accidents in the accident's territory
_S = Accident.Status
LIFECYCLE = workflow.register(Lifecycle(
    model=Accident, label="生产安全事故", transitions=[
        Transition("investigate", "开始调查", (_S.RECORDED,), _S.INVESTIGATING, frozenset({RECORDER})),
        Transition("close", "结案", (_S.RECORDED, _S.INVESTIGATING), _S.CLOSED, frozenset({RECORDER}), apply=_closing),
    ],
    audited=["status", "closed_on", "lookback_due"], scoped=visible,
    events={"record": "登记事故", "lookback": "回头看", "investigation": "保存事故调查（一案双查）"},
    url=lambda a: reverse("accident_detail", args=[a.pk])))


def close(user, pk: int, closed_on: dt.date | None = None, version: int | None = None) -> Accident:
    return workflow.run(LIFECYCLE, user, pk, "close", data={"closed_on": closed_on}, version=version)


@transaction.atomic
def record_lookback(user, pk: int, data: dict, version: int | None = None) -> LookBack:
    accident = _locked(user, pk, version)
    if accident.status != Accident.Status.CLOSED:
        raise ValidationError("结案后才能开展回头看")
    errors = {}
    day, findings = data.get("date"), str(data.get("findings") or "").strip()
    if not isinstance(day, dt.date) or day > timezone.localdate():
        errors["date"] = "请填写回头看日期（不晚于今天）"
    elif day < accident.closed_on:
        errors["date"] = "回头看日期不能早于结案日期"
    if not findings:
        errors["findings"] = "请填写评估情况"
    if data.get("implemented") not in (True, False):
        errors["implemented"] = "请选择整改措施是否落实"
    if errors:
        raise ValidationError(errors)
    lookback = LookBack.objects.create(accident=accident, date=day, findings=findings,
                                       implemented=data["implemented"], recorded_by=user)
    accident.version += 1  # two clerks on the same page record it once, not twice
    accident.save(update_fields=["version"])
    audit.record(user, AuditEvent.Action.CREATE, accident, summary="回头看", after=audit.snapshot(lookback))
    workflow.record_event(accident, "lookback", actor=user, previous=accident.status, state=accident.status,
                          comment=findings)
    return lookback


@transaction.atomic
def record_interview(user, enterprise_id: int, year: int, data: dict) -> Interview:
    """约谈 held with a flagged enterprise (one per enterprise and year; saving again edits it)."""
    require(user, PERM, "无权登记约谈")
    if not EARLIEST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError(f"年度应在 {EARLIEST_YEAR} 年至今年之间")
    enterprise = Enterprise.objects.visible_to(user).filter(pk=enterprise_id).first() if user is not SYSTEM \
        else Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        raise PermissionDenied("企业不存在或不在您的范围内")
    if not flagged_for_interview(enterprise, year):
        raise ValidationError(f"该企业 {year} 年未发生两起及以上死亡事故，不在约谈名单中")
    errors = {}
    held_on, notes = data.get("held_on"), str(data.get("notes") or "").strip()
    if not isinstance(held_on, dt.date) or held_on > timezone.localdate():
        errors["held_on"] = "请填写约谈日期（不晚于今天）"
    if not notes:
        errors["notes"] = "请填写约谈情况"
    if errors:
        raise ValidationError(errors)
    interview = Interview.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    before = audit.snapshot(interview) if interview else None
    interview = interview or Interview(enterprise=enterprise, year=year)
    interview.held_on, interview.notes = held_on, notes
    interview.joint_punishment = bool(data.get("joint_punishment"))
    interview.recorded_by, interview.recorded_at = user, timezone.now()
    interview.save()
    audit.record(user, AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE, enterprise,
                 summary=f"{year}年事故约谈", before=before, after=audit.snapshot(interview))
    return interview


# --- 回头看 reminders (anying tick) ----------------------------------------------------------------

def _responsible(accidents_: list) -> dict:
    by_unit = {unit: recipients.members([unit], PERM) for unit in {a.unit_id for a in accidents_}}
    return {a.pk: by_unit[a.unit_id] for a in accidents_}


LOOKBACK = clock.register(Clock(
    name="accident_lookback", label="事故回头看", model=Accident, due="lookback_due",
    open=Q(status=Accident.Status.CLOSED), defaults=Path(__file__).resolve().parent / "data" / "lookback_clock.csv",
    fields=("place", "occurred_at", "unit_id", "closed_on"), recipients=_responsible,
    describe=lambda a: f"{timezone.localtime(a.occurred_at):%Y-%m-%d} {a.place}（结案 {a.closed_on:%Y-%m-%d}）",
    object_repr=lambda a: f"{timezone.localtime(a.occurred_at):%Y-%m-%d} {a.place}",
    url=lambda a: reverse("accident_detail", args=[a.pk])))


def lookback_run(now: dt.datetime | None = None) -> int:
    """The 回头看 clock alone (tests); `anying tick` runs every clock."""
    return clock.run(now, [LOOKBACK])


def export_rows(qs) -> tuple[list[str], list[list]]:
    header = ["发生时间", "镇街", "行业", "事故单位", "发生地点", "事故类型", "死亡", "重伤", "轻伤", "直接经济损失（元）",
              "事故等级", "状态", "结案日期", "回头看日期"]
    rows = [[timezone.localtime(a.occurred_at).strftime("%Y-%m-%d %H:%M"), a.region.name, a.industry.name,
             a.party_name, a.place, a.accident_type.name, a.deaths, a.serious_injuries, a.minor_injuries,
             float(a.direct_loss), a.get_grade_display(), a.get_status_display(), a.closed_on, a.lookback_due]
            for a in qs]
    return header, rows


def xlsx(book: Book, qs, title: str, filters: list[tuple[str, str]]) -> int:
    header, rows = export_rows(qs.select_related("region", "industry", "enterprise", "accident_type"))
    return book.sheet("事故台账", header, title=title, filters=filters).extend(rows)

