"""Writes of 冬春救助: rounds, needs surveys, applications and their lifecycle (户报 → 村评 → 乡审 →
张榜公示 → 县定 → 发放), the village's review minutes, the town's notices and the objections to
them. Every function checks the permission and the actor's territory, validates with Chinese
messages keyed by field, and records the audit event, in one transaction. Donations and funds
are in donations.py and funds.py."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from anying.core import attachments, audit, numbering, recipients, textinput, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.permissions import SYSTEM, require
from anying.core.scope import covers
from anying.core.workflow import Lifecycle, Transition
from anying.forestfire.entry import valid_id

from . import reference
from .models import NEED_LABELS, Application, Minutes, Need, Notice, Objection, Round, Survey

A = AuditEvent.Action
S = Application.Status
ROUND_FIELDS = ["name", "region", "starts_on", "ends_on", "notice_days", "status"]
SURVEY_FIELDS = ["village", "households", "persons", *[f"{n}_{k}" for n in Need.values for k in ("households",
                                                                                                   "persons")], "note"]
# The audit keeps the ID number and account masked: the audit log is read more widely than the register.
APP_FIELDS = ["number", "village", "head", "phone", "members", "situation", "needs", "requested", "approved", "status"]
OBJECTION_FIELDS = ["status", "upheld", "answer"]
PHONE = re.compile(r"^[0-9-]{7,20}$")
ACCOUNT = re.compile(r"^\d{12,30}$")
MAX_AMOUNT = Decimal("100000")  # a household's winter-spring relief is hundreds or thousands of 元, never more


def today() -> dt.date:
    return timezone.localdate()


def _text(data: dict, key: str, limit: int, *, multiline: bool = False) -> str:
    value = data.get(key) or ""
    return textinput.clean(str(value), multiline=multiline).strip()[:limit]


def _money(value, field: str, errors: dict, *, required: bool = True, limit: Decimal = MAX_AMOUNT) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors[field] = "请填写金额（元）"
        return None
    try:
        found = Decimal(str(value)).quantize(Decimal("0.01"))
        if not found.is_finite() or not Decimal(0) < found <= limit:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[field] = f"金额须大于0且不超过{limit:,.0f}元"
        return None
    return found


def _level(user) -> str:
    return "" if user is SYSTEM or not user.unit_id else user.unit.region.level


# ----- rounds -----

@transaction.atomic
def save_round(actor, data: dict, *, pk: int | None = None, version: int | None = None) -> Round:
    """Open (or change) a district's winter-spring relief. The 公示 days default to data/rules.csv."""
    require(actor, "relief.manage")
    if pk is not None:
        rnd = Round.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=pk) if actor is not SYSTEM \
            else Round.objects.select_for_update().get(pk=pk)
        if version is not None and rnd.version != version:
            raise workflow.StaleVersion()
        before = audit.snapshot(rnd, ROUND_FIELDS)
    else:
        rnd, before = Round(created_by=None if actor is SYSTEM else actor), None
    errors: dict = {}
    name = _text(data, "name", 80)
    if not name:
        errors["name"] = "请填写名称，如：2026—2027年度冬春救助"
    region = data.get("region") or (None if actor is SYSTEM else actor.unit.region)
    if not isinstance(region, Region) or region.level != Region.Level.DISTRICT:
        errors["region"] = "冬春救助以区县为单位组织"
    elif not covers(actor, region):
        errors["region"] = "不在您管理的区划范围内"
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts, dt.date) or not isinstance(ends, dt.date):
        errors["starts_on"] = "请填写救助时段"
    elif ends < starts:
        errors["ends_on"] = "结束日期不能早于开始日期"
    days = data.get("notice_days") or reference.notice_days()
    if not isinstance(days, int) or not 1 <= days <= 60:
        errors["notice_days"] = "公示天数须为1到60天"
    status = data.get("status") or Round.Status.OPEN
    if status not in Round.Status.values:
        errors["status"] = "请选择状态"
    if errors:
        raise ValidationError(errors)
    rnd.name, rnd.region, rnd.starts_on, rnd.ends_on, rnd.status = name, region, starts, ends, status
    if not rnd.pk:  # the actor's unit organises it; the loaders name the bureau
        rnd.unit = actor.unit if actor is not SYSTEM else (
            data.get("unit") or Organisation.objects.filter(region=region).order_by("pk").first())
    if rnd.notice_days != days:
        rnd.notice_days = days
        rule = reference.rules()["notice_days"]
        rnd.notice_source = rule.source[:300] if days == reference.notice_days() else "本区县冬春救助工作方案"
    if rnd.pk:
        rnd.version += 1
    rnd.save()
    audit.record(actor, A.CREATE if before is None else A.UPDATE, rnd, before=before,
                 after=audit.snapshot(rnd, ROUND_FIELDS), summary=f"冬春救助：{rnd.name}（公示 {rnd.notice_days} 天）")
    return rnd


def open_rounds(user):
    return Round.objects.visible_to(user).filter(status=Round.Status.OPEN)


def _round(actor, round_id) -> Round:
    scope = Round.objects.all() if actor is SYSTEM else Round.objects.visible_to(actor)
    rnd = scope.filter(pk=getattr(round_id, "pk", round_id)).first()
    if rnd is None:
        raise ValidationError({"round": "找不到该冬春救助工作"})
    if rnd.status != Round.Status.OPEN:
        raise ValidationError({"round": f"{rnd.name}已结束"})
    return rnd


def _village(actor, village, rnd: Round) -> Region:
    if not isinstance(village, Region) or village.level != Region.Level.VILLAGE:
        raise ValidationError({"village": "请选择村（社区）"})
    if not covers(actor, village):
        raise ValidationError({"village": "不在您管理的区划范围内"})
    if not village.path.startswith(rnd.region.path):
        raise ValidationError({"village": f"该村（社区）不在{rnd.name}的区县内"})
    return village


# ----- needs survey -----

@transaction.atomic
def save_survey(actor, data: dict) -> Survey:
    """需求摸底 of a village (one per round and village; saving again updates it)."""
    if actor is not SYSTEM and not (actor.has_perm_code("relief.village_review")
                                    or actor.has_perm_code("relief.town_review") or actor.has_perm_code("relief.manage")):
        raise PermissionDenied("您无权填报冬春救助需求摸底")
    rnd = _round(actor, data.get("round"))
    village = _village(actor, data.get("village"), rnd)
    survey = Survey.objects.select_for_update().filter(round=rnd, village=village).first()
    before = audit.snapshot(survey, SURVEY_FIELDS) if survey else None
    survey = survey or Survey(round=rnd, village=village, town=village.parent)
    errors: dict = {}
    for f in SURVEY_FIELDS[1:-1]:
        value = data.get(f) or 0
        if not isinstance(value, int) or not 0 <= value <= 100_000:
            errors[f] = "须为0到100000之间的整数"
        else:
            setattr(survey, f, value)
    if not errors:
        for need in Need.values:
            if getattr(survey, f"{need}_households") > survey.households:
                errors[f"{need}_households"] = f"{NEED_LABELS[need]}困难户数不能多于需救助户数"
            if getattr(survey, f"{need}_persons") > survey.persons:
                errors[f"{need}_persons"] = f"{NEED_LABELS[need]}困难人数不能多于需救助人数"
        if survey.households > survey.persons:
            errors["households"] = "需救助户数不能多于人数"
    if errors:
        raise ValidationError(errors)
    survey.note = _text(data, "note", 300)
    survey.surveyed_on = data.get("surveyed_on") or today()
    survey.updated_by = None if actor is SYSTEM else actor
    if survey.pk:
        survey.version += 1
    survey.save()
    audit.record(actor, A.CREATE if before is None else A.UPDATE, survey, before=before,
                 after=audit.snapshot(survey, SURVEY_FIELDS),
                 summary=f"{village.name} 需求摸底：{survey.households} 户 {survey.persons} 人")
    return survey


# ----- 户报 -----

def _application_errors(data: dict) -> tuple[dict, dict]:
    errors: dict = {}
    clean = {"head": _text(data, "head", 40), "id_number": _text(data, "id_number", 18).upper(),
             "phone": _text(data, "phone", 20), "situation": _text(data, "situation", 2000, multiline=True)}
    if not clean["head"]:
        errors["head"] = "请填写户主姓名"
    if not valid_id(clean["id_number"]):
        errors["id_number"] = "身份证号不正确（18位，含出生日期和校验位）"
    if clean["phone"] and not PHONE.match(clean["phone"]):
        errors["phone"] = "联系电话只能包含数字和连字符"
    members = data.get("members")
    if not isinstance(members, int) or not 1 <= members <= 30:
        errors["members"] = "家庭人口须为1到30人"
    clean["members"] = members
    if not clean["situation"]:
        errors["situation"] = "请说明受灾和困难情况"
    needs = [n for n in (data.get("needs") or []) if n]
    if not needs:
        errors["needs"] = "请至少选择一项救助需求"
    elif any(n not in Need.values for n in needs):
        errors["needs"] = "未知的救助需求"
    clean["needs"] = ",".join(n for n in Need.values if n in needs)
    clean["requested"] = _money(data.get("requested"), "requested", errors)
    return errors, clean


@transaction.atomic
def file_application(actor, data: dict, *, photos=()) -> Application:
    """户报: the village officer enters a household's application (with photos of the situation)."""
    require(actor, "relief.village_review")
    rnd = _round(actor, data.get("round"))
    village = _village(actor, data.get("village"), rnd)
    errors, clean = _application_errors(data)
    if not errors and Application.objects.filter(round=rnd, id_number=clean["id_number"]).exclude(
            status=S.REJECTED).exists():
        errors["id_number"] = "该户主在本年度已有冬春救助申请"
    if len(photos) > 9:
        errors["photos"] = "照片最多9张"
    if errors:
        raise ValidationError(errors)
    town = village.parent
    prefix = f"{town.name}冬春"
    application = Application.objects.create(
        round=rnd, village=village, town=town, number=numbering.next_number(prefix, today().year),
        filed_by=None if actor is SYSTEM else actor, **clean)
    for photo in photos:
        attachments.attach(actor, application, photo)
    workflow.record_event(application, "filed", actor=None if actor is SYSTEM else actor, state=S.FILED)
    audit.record(actor, A.CREATE, application, after=_snapshot(application),
                 summary=f"户报：{village.name} {application.head}户 {application.members}人（{application.needs_label}）")
    return application


def _snapshot(application: Application) -> dict:
    from anying.core import masking

    out = audit.snapshot(application, APP_FIELDS)
    out["户主身份证号"] = masking.id_number(application.id_number)
    if application.account:
        out["一卡通账号"] = masking.account(application.account)
    return out


@transaction.atomic
def update_application(actor, pk: int, data: dict, *, version: int | None = None) -> Application:
    """The village corrects a filed application before its review (or after the town sent it back)."""
    require(actor, "relief.village_review")
    application = APPLICATIONS.queryset(actor).select_for_update(of=("self",)).get(pk=pk)
    workflow.check_version(APPLICATIONS, application, version)
    if application.status != S.FILED:
        raise ValidationError("只有尚未村评（或被退回）的申请可以修改")
    if "village" not in APPLICATIONS.party_set(actor, application) and actor is not SYSTEM:
        raise PermissionDenied("只有本村（社区）可以修改户报")
    errors, clean = _application_errors(data)
    if not errors and Application.objects.filter(round=application.round, id_number=clean["id_number"]).exclude(
            status=S.REJECTED).exclude(pk=pk).exists():
        errors["id_number"] = "该户主在本年度已有冬春救助申请"
    if errors:
        raise ValidationError(errors)
    before = _snapshot(application)
    for k, v in clean.items():
        setattr(application, k, v)
    application.version += 1
    application.save()
    audit.record(actor, A.UPDATE, application, before=before, after=_snapshot(application),
                 summary=f"修改户报：{application.head}户")
    return application


# ----- 村评 minutes -----

@transaction.atomic
def record_minutes(actor, data: dict, *, sheet=None, decisions: dict[int, str] | None = None) -> Minutes:
    """村评: the village committee records its democratic review (minutes, attendees, the signed
    sheet) and what it decided on each filed application of the village ({id: "pass"|"reject"})."""
    require(actor, "relief.village_review")
    rnd = _round(actor, data.get("round"))
    village = _village(actor, data.get("village"), rnd)
    if actor is not SYSTEM and actor.unit.region_id != village.pk:
        raise PermissionDenied("民主评议由本村（社区）委员会登记")
    errors: dict = {}
    held = data.get("held_on")
    if not isinstance(held, dt.date) or held > today():
        errors["held_on"] = "请填写评议日期（不能晚于今天）"
    attendees = data.get("attendees")
    if not isinstance(attendees, int) or not 3 <= attendees <= 500:
        errors["attendees"] = "参会人数须为3到500人"
    text = _text(data, "text", 5000, multiline=True)
    if len(text) < 10:
        errors["text"] = "请填写评议记录（参会人员、评议过程、表决结果）"
    if sheet is None and actor is not SYSTEM:
        errors["sheet"] = "请上传评议记录（签字页）的照片或扫描件"
    decisions = decisions or {}
    if not decisions:
        errors["decisions"] = "请至少对一户申请作出评议结论"
    elif any(v not in ("pass", "reject") for v in decisions.values()):
        errors["decisions"] = "评议结论只能是通过或不通过"
    if errors:
        raise ValidationError(errors)
    minutes = Minutes.objects.create(round=rnd, village=village, town=village.parent, held_on=held,
                                     attendees=attendees, text=text, created_by=None if actor is SYSTEM else actor)
    if sheet is not None:
        attachments.attach(actor, minutes, sheet)
    audit.record(actor, A.CREATE, minutes, after={"评议日期": held.isoformat(), "参会人数": attendees, "评议记录": text},
                 summary=f"{village.name} 民主评议（{len(decisions)} 户）")
    for pk, decision in decisions.items():
        found = Application.objects.filter(pk=pk, round=rnd, village=village).first()
        if found is None:
            raise ValidationError({"decisions": "评议的申请不属于本村（社区）本年度"})
        run(actor, pk, "village_pass" if decision == "pass" else "village_reject",
            comment="" if decision == "pass" else "村民主评议未通过", data={"minutes": minutes})
    return minutes


# ----- 张榜公示 -----

def notice_end(starts: dt.date, days: int) -> dt.date:
    """The last day of a notice of `days` whole days that starts on `starts` (that day counts)."""
    return starts + dt.timedelta(days=days - 1)


@transaction.atomic
def publish_notice(actor, round_id, town: Region, application_ids, *, contact: str = "",
                   starts_on: dt.date | None = None) -> Notice:
    """The town posts its list of applications passed by 乡审 for the round's days."""
    require(actor, "relief.town_review")
    rnd = _round(actor, round_id)
    if not isinstance(town, Region) or town.level != Region.Level.TOWN or not covers(actor, town):
        raise ValidationError({"town": "请选择本镇街"})
    ids = sorted({int(i) for i in application_ids})
    found = list(APPLICATIONS.queryset(actor).filter(pk__in=ids, round=rnd, town=town, status=S.TOWN_PASSED))
    if not ids:
        raise ValidationError({"applications": "请选择要公示的申请（乡审通过的）"})
    if len(found) != len(ids):
        raise ValidationError({"applications": "只能公示本镇街乡审通过、尚未公示的申请"})
    starts = starts_on or today()
    notice = Notice.objects.create(
        round=rnd, town=town, title=f"{town.name}{rnd.name}救助对象名单公示", starts_on=starts,
        ends_on=notice_end(starts, rnd.notice_days), days=rnd.notice_days, contact=_text({"c": contact}, "c", 40),
        posted_by=None if actor is SYSTEM else actor)
    audit.record(actor, A.CREATE, notice, summary=f"张榜公示：{notice.title}（{len(found)} 户，{starts} 至 {notice.ends_on}）",
                 after={"公示开始": starts.isoformat(), "公示截止": notice.ends_on.isoformat(), "户数": len(found)})
    for application in found:
        run(actor, application.pk, "publish", data={"notice": notice})
    return notice


# ----- objections -----

@transaction.atomic
def record_objection(actor, application_id: int, data: dict, *, public: bool = False) -> Objection:
    """An objection to a name on a notice: staff record it for a person (relief.town_review or
    relief.village_review in scope), or the public page sends it (actor SYSTEM, public=True: only
    while the notice runs)."""
    if not public:
        if actor is SYSTEM:
            pass
        elif not (actor.has_perm_code("relief.town_review") or actor.has_perm_code("relief.village_review")):
            raise PermissionDenied("您无权登记公示异议")
    scope = Application.objects.all() if actor is SYSTEM else APPLICATIONS.queryset(actor)
    application = scope.select_for_update(of=("self",)).select_related("notice").get(pk=application_id)
    if application.status != S.NOTICE or application.notice is None:
        raise ValidationError("该申请不在公示中，不能提出异议")
    if public and not application.notice.running(today()):
        raise ValidationError("公示期已结束，如有异议请向镇街或区应急管理局反映")
    errors: dict = {}
    content = _text(data, "content", 1000, multiline=True)
    if len(content) < 5:
        errors["content"] = "请写明异议的事实和理由"
    objector, contact = _text(data, "objector", 40), _text(data, "contact", 40)
    if contact and not PHONE.match(contact):
        errors["contact"] = "联系方式请填写电话号码"
    if errors:
        raise ValidationError(errors)
    objection = Objection.objects.create(
        notice=application.notice, application=application, town=application.town,
        source=Objection.Source.PUBLIC if public else Objection.Source.STAFF, content=content, objector=objector,
        contact=contact, recorded_by=None if actor is SYSTEM else actor)
    workflow.record_event(application, "objection", actor=None if actor is SYSTEM else actor, comment=content[:300])
    audit.record(actor, A.CREATE, objection, place=application, after={"异议内容": content, "来源": objection.get_source_display()},
                 summary=f"公示异议：{application.number}")
    workflow.tell(APPLICATIONS, application, ("town",), "收到公示异议", comment=content[:200])
    return objection


@transaction.atomic
def answer_objection(actor, pk: int, data: dict, *, version: int | None = None) -> Objection:
    """The town checks the objection and answers it: upheld (the district then cannot grant the
    aid) or not."""
    require(actor, "relief.town_review")
    objection = Objection.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=pk) \
        if actor is not SYSTEM else Objection.objects.select_for_update().get(pk=pk)
    if version is not None and objection.version != version:
        raise workflow.StaleVersion()
    if objection.status != Objection.Status.OPEN:
        raise ValidationError("该异议已答复")
    errors: dict = {}
    answer = _text(data, "answer", 2000, multiline=True)
    if len(answer) < 5:
        errors["answer"] = "请写明核实情况和答复"
    upheld = data.get("upheld")
    if upheld not in (True, False):
        errors["upheld"] = "请选择异议是否成立"
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(objection, OBJECTION_FIELDS)
    objection.answer, objection.upheld = answer, upheld
    objection.status, objection.answered_at = Objection.Status.ANSWERED, timezone.now()
    objection.answered_by = None if actor is SYSTEM else actor
    objection.version += 1
    objection.save()
    workflow.record_event(objection.application, "objection_answered", actor=objection.answered_by,
                          comment=f"{'异议成立' if upheld else '异议不成立'}：{answer[:300]}")
    audit.record(actor, A.UPDATE, objection, before=before, after=audit.snapshot(objection, OBJECTION_FIELDS),
                 place=objection.application, summary=f"答复公示异议：{'成立' if upheld else '不成立'}")
    return objection


# ----- the lifecycle -----

def _parties(user, application: Application) -> set[str]:
    """By the level of the user's unit: the village committee of the household's village, the
    town office of its town, the district above."""
    if not user.unit_id:
        return set()
    region = user.unit.region
    out = set()
    if region.pk == application.village_id and user.has_perm_code("relief.village_review"):
        out.add("village")
    if region.pk == application.town_id and user.has_perm_code("relief.town_review"):
        out.add("town")
    if region.level == Region.Level.DISTRICT:
        if user.has_perm_code("relief.decide"):
            out.add("district")
        if user.has_perm_code("relief.pay"):
            out.add("payer")
    return out


def _minutes(step) -> None:
    minutes = step.data.get("minutes")
    app = step.record
    if not isinstance(minutes, Minutes) or minutes.village_id != app.village_id or minutes.round_id != app.round_id:
        raise ValidationError({"minutes": "请先登记本村（社区）的民主评议记录"})
    app.minutes = minutes
    app.village_by = step.actor if step.actor is not SYSTEM else None


def _town_pass(step) -> None:
    approved = step.data.get("approved")
    if approved not in (None, ""):
        errors: dict = {}
        step.record.approved = _money(approved, "approved", errors)
        if errors:
            raise ValidationError(errors)
    elif step.record.approved is None:
        step.record.approved = step.record.requested
    step.summary = f"乡审通过，核定 {step.record.approved} 元"


def _publish(step) -> None:
    notice = step.data.get("notice")
    if not isinstance(notice, Notice) or notice.town_id != step.record.town_id:
        raise ValidationError({"notice": "请从“张榜公示”发布本镇街的公示名单"})
    step.record.notice = notice


def _notice_over(step) -> None:
    """县定 only after the notice has run all its days, and with every objection answered."""
    app = step.record
    notice = app.notice
    if notice is None or not notice.over(today()):
        raise ValidationError(f"公示期至 {notice.ends_on:%Y-%m-%d} 止（共 {notice.days} 天），期满后方可县定"
                              if notice else "该申请尚未公示")
    open_ones = app.objections.filter(status=Objection.Status.OPEN).count()
    if open_ones:
        raise ValidationError(f"该申请有 {open_ones} 条公示异议尚未答复，答复后方可县定")


def _decide(step) -> None:
    app = step.record
    if app.objections.filter(upheld=True).exists():
        raise ValidationError("该申请的公示异议经核实成立，不能核定救助，请作“不予救助”")
    app.decided_on = today()
    step.summary = f"县定：核定救助 {app.amount} 元"


def _refuse(step) -> None:
    step.record.decided_on = today()


def _pay(step) -> None:
    app, data = step.record, step.data
    errors: dict = {}
    account = "".join(str(data.get("account") or app.account or "").split())
    if not ACCOUNT.match(account):
        errors["account"] = "请填写一卡通（社保卡或惠民惠农财政补贴）账号，12到30位数字"
    amount = _money(data.get("amount") if data.get("amount") not in (None, "") else app.amount, "amount", errors)
    if amount is not None and amount > app.amount:
        errors["amount"] = f"发放金额不能超过核定金额 {app.amount} 元"
    paid_on = data.get("paid_on") or today()
    if not isinstance(paid_on, dt.date) or paid_on > today() or (app.decided_on and paid_on < app.decided_on):
        errors["paid_on"] = "发放日期须在县定之后、不晚于今天"
    if errors:
        raise ValidationError(errors)
    app.account, app.paid_amount, app.paid_on = account, amount, paid_on
    step.summary = f"发放到户：{amount} 元（{paid_on}）"


def _villagers(app: Application):
    return recipients.members(Organisation.objects.filter(region_id=app.village_id).values_list("pk", flat=True),
                              "relief.village_review")


def _deciders(app: Application):
    return recipients.over(app.town_id, "relief.decide")


def _town_reviewers(app: Application):
    return recipients.members(Organisation.objects.filter(region_id=app.town_id).values_list("pk", flat=True),
                              "relief.town_review")


VILLAGE, TOWN, DISTRICT, PAYER = frozenset({"village"}), frozenset({"town"}), frozenset({"district"}), \
    frozenset({"payer"})

APPLICATIONS = workflow.register(Lifecycle(
    model=Application, label="冬春救助申请", transitions=[
        Transition("village_pass", "村评通过", (S.FILED,), S.VILLAGE_PASSED, VILLAGE, apply=_minutes,
                   notify=("town",)),
        Transition("village_reject", "村评不通过", (S.FILED,), S.REJECTED, VILLAGE, needs_comment="请说明评议未通过的原因",
                   apply=_minutes),
        Transition("town_pass", "乡审通过", (S.VILLAGE_PASSED,), S.TOWN_PASSED, TOWN, stamp=("town_by",),
                   apply=_town_pass),
        Transition("town_return", "退回村（社区）重新评议", (S.VILLAGE_PASSED,), S.FILED, TOWN,
                   needs_comment="请说明退回原因", notify=("village",)),
        Transition("town_reject", "乡审不通过", (S.VILLAGE_PASSED,), S.REJECTED, TOWN, needs_comment="请说明原因",
                   stamp=("town_by",), notify=("village",)),
        Transition("publish", "张榜公示", (S.TOWN_PASSED,), S.NOTICE, TOWN, apply=_publish),
        Transition("decide", "县定（核定救助）", (S.NOTICE,), S.DECIDED, DISTRICT, stamp=("decided_by",),
                   separated=("town_by",), notify=("town",), apply=_decide),
        Transition("refuse", "县定不予救助", (S.NOTICE,), S.REJECTED, DISTRICT, needs_comment="请说明不予救助的原因",
                   stamp=("decided_by",), notify=("town", "village"), apply=_refuse),
        Transition("pay", "发放到户（一卡通）", (S.DECIDED,), S.PAID, PAYER, stamp=("paid_by",),
                   separated=("decided_by",), needs_fields=("account", "paid_amount", "paid_on"), apply=_pay),
    ], parties=_parties,
    recipients={"town": _town_reviewers, "village": _villagers, "district": _deciders},
    audited=["status", "approved", "decided_on", "paid_amount", "paid_on"],
    events={"filed": "户报", "objection": "收到公示异议", "objection_answered": "答复公示异议"},
    before=[lambda step: _notice_over(step) if step.transition.name in ("decide", "refuse") else None],
    describe=lambda a: f"{a.number} {a.head}户",
    url=lambda a: reverse("relief:application_detail", args=[a.pk])))


def run(actor, pk: int, name: str, **kwargs) -> Application:
    return workflow.run(APPLICATIONS, actor, pk, name, **kwargs)


def steps_for(user, application: Application) -> list[Transition]:
    """What the page offers: the table's available steps, less the two that only their own
    screens take (村评 needs the minutes form, 公示 the notice form)."""
    return [t for t in APPLICATIONS.available(user, application) if t.name not in ("village_pass", "village_reject",
                                                                                  "publish")]


def open_objections_q() -> Q:
    return Q(objections__status=Objection.Status.OPEN)
