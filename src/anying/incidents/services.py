"""接报 and 信息报送: every write checks permission and scope, validates, saves, puts the step on
the incident's timeline and audits it, in one transaction. The reporting clocks live in `Due` rows
made from the cited `ReportRule`s (rules.py); the tick (`run_overdue`) only marks and tells."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, numbering, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.notifications import notify, notify_many
from anying.core.permissions import SYSTEM, require
from anying.core.scope import covers
from anying.oversight.accidents import grade_of
from anying.oversight.models import Grade

from . import rules as R
from .models import (
    KIND_CATEGORY,
    Category,
    Desk,
    DeskSetting,
    Due,
    Flag,
    Incident,
    Kind,
    Medium,
    Report,
    ReportRule,
    Source,
)

A = AuditEvent.Action
FACTS = ["title", "kind", "accident_type", "industry", "enterprise", "party", "region", "place", "latitude",
         "longitude", "occurred_at", "received_at", "source", "source_detail", "reporter", "reporter_phone",
         "deaths", "missing", "trapped", "injured", "serious_injuries", "direct_loss", "description", "measures",
         "is_exercise", "drill"]
AUDITED = [*FACTS, "grade", "status", "verified", "verification"]
COUNTS = ["deaths", "missing", "trapped", "injured", "serious_injuries"]
CASUALTIES = ["deaths", "missing", "serious_injuries", "injured"]
DESK_KINDS = {Organisation.Kind.TOWN_OFFICE, Organisation.Kind.DEPARTMENT, Organisation.Kind.COMMITTEE_OFFICE}
MAX_COUNT = 100_000
MAX_LOSS = Decimal("99999999999999.99")
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
STEP_KINDS = {"assess": "研判", "report": "报告", "dispatch": "调度", "notify": "通报告知", "respond": "响应联动",
              "track": "全程跟踪"}


# --- the timeline ----------------------------------------------------------------------------------

LIFECYCLE = workflow.register(workflow.Lifecycle(
    model=Incident, label="接报事件", transitions=[], audited=AUDITED,
    events={"intake": "接报", "update": "更新情况", "grade": "等级变化", "verify": "核实", "merge": "合并接报",
            "merged": "并入其他接报", "dismiss": "核销（误报）", "report": "信息报送", "receive": "签收报告",
            "overdue": "报送逾期", "flag": "认定报送问题", "unflag": "撤销认定", "closed": "终报",
            "due": "应报事项", **{f"step:{k}": v for k, v in STEP_KINDS.items()}},
))


def _event(incident, action, actor, comment="", at=None):
    workflow.record_event(incident, action, actor=None if actor is SYSTEM else actor, comment=comment, at=at)


# --- who holds what -------------------------------------------------------------------------------

def is_desk(unit: Organisation | None) -> bool:
    return unit is not None and unit.kind in DESK_KINDS


def upstream_of(unit: Organisation) -> tuple[Organisation | None, str]:
    """Whom a desk reports to: a town's 应急办 to its district's receiving unit (DeskSetting, else the
    district's 安委办); a district department to the district's receiving unit; the receiving unit
    itself to the level above — in the system if that level has a receiving unit, else by name."""
    region = unit.region
    own = DeskSetting.objects.filter(region=region).select_related("unit").first()
    if own and own.unit_id != unit.pk and region.level != Region.Level.TOWN:
        return own.unit, ""
    parent = Region.objects.filter(pk=region.parent_id).first()
    if parent is None:
        return None, own.upstream_name if own else ""
    above = DeskSetting.objects.filter(region=parent).select_related("unit").first()
    if above:
        return above.unit, ""
    if own and own.unit_id == unit.pk:
        return None, own.upstream_name or f"{parent.name}应急管理部门"
    office = Organisation.objects.filter(region=parent, kind=Organisation.Kind.COMMITTEE_OFFICE, is_active=True).first()
    return (office, "") if office else (None, f"{parent.name}应急管理部门")


def desk_of(user, incident: Incident) -> Desk | None:
    if user is SYSTEM or not user.unit_id:
        return None
    return incident.desks.filter(unit_id=user.unit_id).select_related("unit__region", "upstream").first()


def _visible(user, pk: int, *, lock: bool = False, version: int | None = None) -> Incident:
    qs = Incident.objects.all() if user is SYSTEM else Incident.objects.visible_to(user)
    if lock:
        qs = qs.select_for_update()
    incident = qs.filter(pk=pk).first()
    if incident is None:
        raise PermissionDenied("找不到该接报事件，或不在您的管辖范围内")
    if version is not None and incident.version != version:
        raise workflow.StaleVersion("该事件已被他人更新，请刷新页面后重试")
    return incident


def _own_desk(user, incident: Incident) -> Desk | None:
    """The facts and the handling steps are kept by the units holding a desk on the incident (the
    system may act for anyone): a unit it only told, or gave a task, does not rewrite them."""
    if user is SYSTEM:
        return None
    mine = desk_of(user, incident)
    if mine is None:
        raise PermissionDenied("本单位没有接报该事件，不能修改事件情况")
    return mine


def _top_desk(user, incident: Incident) -> None:
    """核销 and 合并 stop every desk's clocks: only a desk whose report has not gone up to a desk above
    in the system may do it (a town cannot erase what the district already owes)."""
    mine = _own_desk(user, incident)
    if mine is not None and mine.upstream_id and incident.desks.filter(unit_id=mine.upstream_id).exists():
        raise PermissionDenied("已报送上级的事件，只能由上级单位核销或合并")


def _open(incident: Incident) -> None:
    if incident.status in (Incident.Status.MERGED, Incident.Status.DISMISSED):
        raise ValidationError(f"该事件{incident.get_status_display()}，不能再操作")


# --- facts and grade -------------------------------------------------------------------------------

def grade_for(kind: str, deaths: int, missing: int, serious: int, loss: Decimal, given: str = "") -> tuple[str, bool]:
    """事故灾难 take the grade of 条例493号第三条 (thresholds in oversight's AccidentGradeRule) from the
    figures reported so far; the missing count as possible deaths (第十二条(四): 可能造成的伤亡人数，
    包括下落不明的人数), so a reporting chain never runs on a lower grade than the event may reach.
    Other events have no such table: the desk judges the grade (`given`)."""
    if KIND_CATEGORY.get(kind) == Category.ACCIDENT:
        return grade_of(deaths + missing, serious, loss), False
    if given not in Grade.values:
        raise ValidationError({"grade": "自然灾害和其他事件请研判确定事件等级"})
    return given, True


def _count(data: dict, key: str, errors: dict) -> int:
    value = data.get(key) or 0
    try:
        value = int(value)
    except (TypeError, ValueError):
        errors[key] = "请填写整数"
        return 0
    if not 0 <= value <= MAX_COUNT:
        errors[key] = f"人数须在 0 到 {MAX_COUNT} 之间"
    return value


def _clean(user, data: dict, existing: Incident | None = None) -> dict:
    errors: dict[str, str] = {}
    clean = {k: data[k] for k in FACTS if k in data}
    clean["title"] = (data.get("title") or "").strip()[:200]
    if not clean["title"]:
        errors["title"] = "请填写事件名称"
    kind = data.get("kind") or ""
    if kind not in Kind.values:
        errors["kind"] = "请选择事件类型"
    for key in COUNTS:
        clean[key] = _count(data, key, errors)
    if not errors.get("serious_injuries") and clean["serious_injuries"] > clean["injured"]:
        errors["serious_injuries"] = "重伤人数不能多于受伤人数"
    try:
        loss = Decimal(str(data.get("direct_loss") or 0))
        if not loss.is_finite() or not Decimal(0) <= loss <= MAX_LOSS:
            raise InvalidOperation
        clean["direct_loss"] = loss.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["direct_loss"] = "直接经济损失须为不小于0的金额（元）"
        clean["direct_loss"] = Decimal(0)
    now = timezone.now()
    occurred, received = _aware(data.get("occurred_at")), _aware(data.get("received_at")) or now
    if not isinstance(occurred, dt.datetime):
        errors["occurred_at"] = "请填写发生时间"
    elif not EARLIEST <= occurred <= now + dt.timedelta(minutes=5):
        errors["occurred_at"] = "发生时间不能晚于现在，也不能早于2000年"
    if not isinstance(received, dt.datetime) or received > now + dt.timedelta(minutes=5):
        errors["received_at"] = "接报时间不能晚于现在"
    elif isinstance(occurred, dt.datetime) and received < occurred:
        errors["received_at"] = "接报时间不能早于发生时间"
    clean["occurred_at"], clean["received_at"] = occurred, received
    region = data.get("region")
    if not isinstance(region, Region) or region.level not in (Region.Level.TOWN, Region.Level.VILLAGE):
        errors["region"] = "请选择发生地所在的镇街或村社区"
    elif user is not SYSTEM and not covers(user, region):
        errors["region"] = "发生地不在您的管辖范围内"
    ent = data.get("enterprise")
    if ent is not None and isinstance(region, Region) and not region.path.startswith(ent.region.path) \
            and not ent.region.path.startswith(region.path):
        errors["enterprise"] = "事发单位不在所选镇街"
    if ent is not None:
        clean["party"] = ""
        clean["industry"] = clean.get("industry") or ent.industry
    drill = data.get("drill")
    if drill is not None:
        from anying.plans.models import Drill

        if user is not SYSTEM and not Drill.objects.visible_to(user).filter(pk=drill.pk).exists():
            errors["drill"] = "找不到该演练"
        clean["is_exercise"] = True
    if (data.get("source") or "") not in Source.values:
        errors["source"] = "请选择信息来源"
    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        errors["latitude"] = "经纬度须同时填写"
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors["latitude"] = "经纬度超出范围"
    if not (data.get("place") or "").strip():
        errors["place"] = "请填写详细地点"
    if not (data.get("description") or "").strip():
        errors["description"] = "请填写事件经过和现场情况"
    if kind and KIND_CATEGORY.get(kind) != Category.ACCIDENT:
        clean["accident_type"] = None
    if errors:
        raise ValidationError(errors)
    try:
        clean["grade"], clean["grade_set_by_hand"] = grade_for(
            kind, clean["deaths"], clean["missing"], clean["serious_injuries"], clean["direct_loss"],
            data.get("grade") or (existing.grade if existing and existing.grade_set_by_hand else ""))
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    clean["category"] = KIND_CATEGORY[kind]
    for key in ("place", "description", "measures", "source_detail", "reporter", "reporter_phone", "party",
                "verification"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    return clean


def _aware(value):
    """A time without a zone (an API client's) is local time, as the pages' are."""
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _number(unit: Organisation, year: int) -> str:
    return numbering.next_number(numbering.prefix_for(unit, "incident", "接报", "接报"), year)


@transaction.atomic
def record(user, data: dict, *, is_demo: bool = False) -> Incident:
    """Take a report (接报): the user's unit becomes the first desk and its clocks start."""
    require(user, "incidents.take")
    unit = data.get("unit") if user is SYSTEM else user.unit
    if not is_desk(unit):
        raise PermissionDenied("只有政府值班单位（镇街应急办、区级部门）可以接报")
    clean = _clean(user, data)
    incident = Incident.objects.create(**clean, unit=unit, created_by=None if user is SYSTEM else user,
                                       number=_number(unit, timezone.localtime(clean["received_at"]).year),
                                       is_demo=is_demo)
    _event(incident, "intake", user, f"{incident.get_source_display()}：{incident.casualties_text}",
           at=clean["received_at"])
    desk = _open_desk(incident, unit, clean["received_at"], None)
    rules = R.Rules()
    _unit_hour(incident, rules)
    _plan_first(desk, rules)
    audit.record(user, A.CREATE, incident, after=audit.snapshot(incident, AUDITED),
                 summary=f"接报：{incident.title}（{incident.get_grade_display()}）")
    return incident


def _open_desk(incident: Incident, unit: Organisation, received_at, via: Report | None) -> Desk:
    upstream, name = upstream_of(unit)
    return Desk.objects.create(incident=incident, unit=unit, received_at=received_at, via=via,
                               upstream=upstream, upstream_name=name)


def _unit_hour(incident: Incident, rules: R.Rules) -> None:
    """When the 事发单位 itself reported, its hour (第九条) is checked at intake. 第九条 counts the hour
    from when the unit's head heard of it, which the desk does not know: a report later than an hour
    after the event is put on the timeline as 疑似迟报 for the desk to check, and flagged only by a
    person (认定迟报) once the head's time is known."""
    if incident.source != Source.UNIT or incident.is_exercise:
        return
    for rule in rules.for_incident(incident, ReportRule.Stage.UNIT):
        due = R.deadline(rule, incident, incident.received_at)
        if incident.received_at > due:
            minutes = _minutes(incident.received_at - due)
            _event(incident, "flag", SYSTEM,
                   f"疑似迟报：事发单位{incident.party_name or ''}于事件发生后超过1小时报告（超{minutes}分钟，按发生时间计，"
                   f"{rule.article}从单位负责人接到报告时起算），请核实后认定")


def _minutes(delta: dt.timedelta) -> int:
    return max(0, -(-int(delta.total_seconds()) // 60))


def _t(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%m月%d日%H:%M}"


def _plan_first(desk: Desk, rules: R.Rules) -> list[Due]:
    """The desk's 首报 deadlines for the incident's current grade and type, one per rule not yet planned."""
    incident = desk.incident
    have = set(desk.dues.filter(stage=Report.Stage.FIRST, cancelled=False).values_list("rule__code", flat=True))
    made = [Due(incident=incident, desk=desk, stage=Report.Stage.FIRST, medium=rule.medium, rule=rule,
                due_at=R.deadline(rule, incident, desk.received_at))
            for rule in rules.for_incident(incident, ReportRule.Stage.FIRST) if rule.code not in have]
    return Due.objects.bulk_create(made)


def _plan_followup(desk: Desk, previous: dt.datetime, rules: R.Rules) -> Due | None:
    incident = desk.incident
    found = sorted(rules.for_incident(incident, ReportRule.Stage.FOLLOWUP), key=lambda r: r.minutes)
    if not found:
        return None
    rule = found[0]  # the most frequent cadence that applies
    return Due.objects.create(incident=incident, desk=desk, stage=Report.Stage.FOLLOWUP, medium=rule.medium,
                              rule=rule, due_at=R.deadline(rule, incident, desk.received_at, previous=previous))


def _replan(incident: Incident, rules: R.Rules) -> None:
    """The grade or type changed: each desk's unmet deadlines are made again for the new figures (a
    stricter one may already have passed: the clocks run from the event, not from the change)."""
    for desk in incident.desks.select_related("unit"):
        if desk.finished_at:
            continue
        # a deadline already passed stays owed (and flagged when met late): a lower grade later does not
        # undo a lateness; only deadlines still ahead are made again for the new figures
        open_first = desk.dues.filter(stage=Report.Stage.FIRST, met_at__isnull=True, cancelled=False,
                                      due_at__gt=timezone.now(), overdue_at__isnull=True)
        if not desk.reports.filter(stage=Report.Stage.FIRST, medium=Medium.WRITTEN).exists():
            applicable = {r.code for r in rules.for_incident(incident, ReportRule.Stage.FIRST)}
            open_first.exclude(rule__code__in=applicable).update(cancelled=True)
            _plan_first(desk, rules)
        pending = desk.dues.filter(stage=Report.Stage.FOLLOWUP, met_at__isnull=True, cancelled=False).first()
        if pending is not None:
            pending.cancelled = True
            pending.save(update_fields=["cancelled"])
            last = desk.reports.order_by("-submitted_at").first()
            _plan_followup(desk, last.submitted_at if last else desk.received_at, rules)


@transaction.atomic
def update(user, pk: int, data: dict, version: int | None = None) -> Incident:
    """New facts (续报 material): the grade is computed again; a casualty change after a desk's 终报,
    inside the 补报期, makes that desk owe a 补报."""
    require(user, "incidents.take")
    incident = _visible(user, pk, lock=True, version=version)
    _open(incident)
    _own_desk(user, incident)
    data = {k: v for k, v in data.items() if k not in ("is_exercise", "drill")}  # set at intake only (quality leaves exercises out)
    if "occurred_at" in data and _aware(data["occurred_at"]) != incident.occurred_at and incident.reports.exists():
        raise ValidationError({"occurred_at": "已报送报告后不能修改发生时间（报送时限从发生时间起算）；如有出入请在续报中说明"})
    before = audit.snapshot(incident, AUDITED)
    clean = _clean(user, {**{k: getattr(incident, k) for k in FACTS}, **data}, existing=incident)
    old_grade, old_kind, old_region = incident.grade, incident.kind, incident.region_id
    old_counts = {k: getattr(incident, k) for k in CASUALTIES}
    for key, value in clean.items():
        setattr(incident, key, value)
    incident.version += 1
    incident.save()
    now = timezone.now()
    rules = R.Rules()
    changes = [f"{Incident._meta.get_field(k).verbose_name} {old_counts[k]}→{getattr(incident, k)}"
               for k in CASUALTIES if old_counts[k] != getattr(incident, k)]
    _event(incident, "update", user, "；".join(changes) or "更新事件情况")
    if incident.grade != old_grade or incident.kind != old_kind or incident.region_id != old_region:
        _event(incident, "grade", user, f"{Grade(old_grade).label} → {incident.get_grade_display()}")
        _replan(incident, rules)
    if changes:
        _casualty_change(incident, now, rules)
    audit.record(user, A.UPDATE, incident, before=before, after=audit.snapshot(incident, AUDITED),
                 summary="更新事件情况" + (f"：{'；'.join(changes)}" if changes else ""))
    return incident


def _casualty_change(incident: Incident, at: dt.datetime, rules: R.Rules) -> None:
    ends = R.supplement_window_ends(rules, incident)
    if ends is None or at >= ends:
        return
    for desk in incident.desks.filter(finished_at__isnull=False):
        if desk.dues.filter(stage=Report.Stage.SUPPLEMENT, met_at__isnull=True, cancelled=False).exists():
            continue
        for rule in rules.for_incident(incident, ReportRule.Stage.SUPPLEMENT)[:1]:
            due = Due.objects.create(incident=incident, desk=desk, stage=Report.Stage.SUPPLEMENT, medium=rule.medium,
                                     rule=rule, due_at=R.deadline(rule, incident, desk.received_at, changed=at))
            _event(incident, "due", SYSTEM, f"{desk.unit.name}应于{_t(due.due_at)}前补报伤亡人数变化（{rule.label}）")
            notify(recipients.desk([desk.unit_id], "incidents.take"), f"须补报：{incident.title}",
                   f"伤亡人数发生变化，请于{_t(due.due_at)}前补报", _url(incident))


@transaction.atomic
def verify(user, pk: int, note: str, version: int | None = None) -> Incident:
    require(user, "incidents.take")
    incident = _visible(user, pk, lock=True, version=version)
    _open(incident)
    _own_desk(user, incident)
    note = (note or "").strip()[:300]
    if not note:
        raise ValidationError({"verification": "请填写如何核实（如：现场人员确认）"})
    incident.verified, incident.verified_at, incident.verification = True, timezone.now(), note
    incident.version += 1
    incident.save(update_fields=["verified", "verified_at", "verification", "version"])
    _event(incident, "verify", user, note)
    audit.record(user, A.UPDATE, incident, summary=f"核实：{note}")
    return incident


@transaction.atomic
def add_step(user, pk: int, kind: str, at: dt.datetime | None, text: str) -> Incident:
    """One handling step (研判、报告、调度、通报告知、响应联动、全程跟踪) with the time it happened."""
    require(user, "incidents.take")
    incident = _visible(user, pk)
    _open(incident)
    _own_desk(user, incident)
    if kind not in STEP_KINDS:
        raise ValidationError({"kind": "请选择处置环节"})
    text = (text or "").strip()[:2000]
    if not text:
        raise ValidationError({"text": "请填写内容"})
    at = _aware(at) or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5) or at < incident.occurred_at:
        raise ValidationError({"at": "时间须在事件发生之后、现在之前"})
    _event(incident, f"step:{kind}", user, text, at=at)
    audit.record(user, A.UPDATE, incident, summary=f"{STEP_KINDS[kind]}：{text[:100]}")
    return incident


# --- reports ---------------------------------------------------------------------------------------

def snapshot(incident: Incident) -> dict:
    """What a report froze (条例第十二条's contents): the facts as they stood when it was sent."""
    return {"title": incident.title, "kind": incident.get_kind_display(), "grade": incident.get_grade_display(),
            "party": incident.party_name, "region": str(incident.region), "place": incident.place,
            "occurred_at": timezone.localtime(incident.occurred_at).isoformat(timespec="minutes"),
            **{k: getattr(incident, k) for k in COUNTS}, "direct_loss": str(incident.direct_loss),
            "description": incident.description, "measures": incident.measures, "verified": incident.verified}


def next_stage(desk: Desk) -> list[str]:
    """The reports a desk may send now, in the order of the chain. After a phone 首报 the written one
    is still a 首报 while a written 首报 deadline is owed (a province's 「电话30分钟、书面1小时」)."""
    sent = set(desk.reports.values_list("stage", "medium"))
    stages = {stage for stage, _ in sent}
    if Report.Stage.FIRST not in stages:
        return [Report.Stage.FIRST]
    if Report.Stage.FINAL not in stages:
        written_owed = (Report.Stage.FIRST, Medium.WRITTEN) not in sent and desk.dues.filter(
            stage=Report.Stage.FIRST, medium=Medium.WRITTEN, met_at__isnull=True, cancelled=False).exists()
        return ([Report.Stage.FIRST] if written_owed else []) + [Report.Stage.FOLLOWUP, Report.Stage.FINAL]
    return [Report.Stage.SUPPLEMENT]


def _meets(due: Due, medium: str) -> bool:
    # a written report also answers a phone deadline; a phone call does not answer a written one
    return not due.medium or due.medium == medium or medium == Medium.WRITTEN


BACKFILL = dt.timedelta(hours=24)  # how long after a phone call its report may still be entered


@transaction.atomic
def submit(user, pk: int, stage: str, medium: str, content: str, *, signed_by: str = "",
           at: dt.datetime | None = None, history: bool = False) -> Report:
    """The desk sends a report up the chain. Deadlines it answers are met (a late one is flagged 迟报
    with its minutes); the next 续报 is due by the cadence of the grade; in-system recipients get a
    desk of their own, whose clock starts when the report reached them."""
    require(user, "incidents.take")
    incident = _visible(user, pk, lock=True)
    _open(incident)
    desk = desk_of(user, incident)
    if desk is None:
        raise PermissionDenied("本单位没有接报该事件，不能报送")
    if stage not in next_stage(desk):
        raise ValidationError({"stage": "须先报送首报；终报后只能补报"}
                              if stage != Report.Stage.FIRST else {"stage": "本单位已报送首报"})
    if stage == Report.Stage.FIRST and desk.reports.filter(stage=stage).exists() and medium != Medium.WRITTEN:
        raise ValidationError({"medium": "电话首报已报送，请报送书面首报"})
    if medium not in Medium.values:
        raise ValidationError({"medium": "请选择报送方式"})
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": "请填写报告正文"})
    now = timezone.now()
    at = _aware(at) or now
    last = desk.reports.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    # the desk being timed does not choose its own time: a written report is dated when it is sent;
    # only a phone report made during the call may be entered afterwards, within a day, and both
    # times are kept (`recorded_at`). `history` is for loading records of the past (the demo).
    if not history and abs(at - now) > dt.timedelta(minutes=1):
        if medium != Medium.PHONE:
            raise ValidationError({"at": "书面报告以实际报送（提交）时间为准，不能补填时间"})
        if at < now - BACKFILL:
            raise ValidationError({"at": "电话报告只能在24小时内补录"})
    if at > now + dt.timedelta(minutes=1) or at < desk.received_at:
        raise ValidationError({"at": "报送时间须在本级接报之后、现在之前"})
    if last is not None and at < last:
        raise ValidationError({"at": "报送时间不能早于本单位上一份报告"})
    if desk.reports.filter(stage=stage, content=content.strip()[:20000], recorded_at__gte=now - dt.timedelta(seconds=60)).exists():
        raise ValidationError("同样的报告刚刚已报送（请勿重复提交）")
    if not desk.upstream_id and not desk.upstream_name:
        raise ValidationError("未设置本单位的上报对象，请先在“报送时限与上报设置”中设置")
    sequence = desk.reports.filter(stage=stage).count() + 1
    report = Report.objects.create(
        incident=incident, desk=desk, stage=stage, sequence=sequence, medium=medium, to_unit=desk.upstream,
        to_name=desk.to_name, submitted_at=at, submitted_by=user, signed_by=(signed_by or "").strip()[:60],
        content=content[:20000], snapshot=snapshot(incident), grade=incident.grade, recorded_at=now)
    rules = R.Rules()
    answered = {Report.Stage.FIRST: [Report.Stage.FIRST],
                Report.Stage.FOLLOWUP: [Report.Stage.FOLLOWUP],
                Report.Stage.FINAL: [Report.Stage.FOLLOWUP],
                Report.Stage.SUPPLEMENT: [Report.Stage.SUPPLEMENT]}[stage]
    late = 0
    for due in desk.dues.filter(stage__in=answered, met_at__isnull=True, cancelled=False).select_related("rule"):
        if not _meets(due, medium):
            continue
        due.met_by, due.met_at = report, at
        due.save(update_fields=["met_by", "met_at"])
        if at > due.due_at and not incident.is_exercise:
            minutes = due.late_minutes
            late = max(late, minutes)
            Flag.objects.create(incident=incident, kind=Flag.Kind.LATE, unit=desk.unit, report=report, due=due,
                                minutes=minutes, automatic=True,
                                reason=f"{report.label}应于{_t(due.due_at)}前报送（{due.rule.label}，{due.rule.article}"
                                       f"{'；该时限未核对原文' if not due.rule.verified else ''}），"
                                       f"实际{_t(at)}报送，迟报{minutes}分钟")
    if late:
        report.late_minutes = late
        report.save(update_fields=["late_minutes"])
    if stage == Report.Stage.FINAL:
        left = desk.dues.filter(met_at__isnull=True, cancelled=False).exclude(stage=Report.Stage.SUPPLEMENT) \
            .select_related("rule")
        for due in left:
            if due.due_at < at and not incident.is_exercise:  # never sent in time: on record, not forgotten
                Flag.objects.create(incident=incident, kind=Flag.Kind.LATE, unit=desk.unit, report=report, due=due,
                                    minutes=_minutes(at - due.due_at), automatic=True,
                                    reason=f"{due.get_stage_display()}{'（' + due.get_medium_display() + '）' if due.medium else ''}"
                                           f"应于{_t(due.due_at)}前报送（{due.rule.label}，{due.rule.article}），至终报仍未报送")
        left.update(cancelled=True)
        desk.finished_at = at
        desk.save(update_fields=["finished_at"])
    elif stage in (Report.Stage.FIRST, Report.Stage.FOLLOWUP):
        _plan_followup(desk, at, rules)
    if desk.upstream_id:
        above = incident.desks.filter(unit_id=desk.upstream_id).first()
        if above is None:
            above = _open_desk(incident, desk.upstream, at, report)
            _plan_first(above, rules)
        notify(recipients.desk([desk.upstream_id], "incidents.take"),
               f"{desk.unit.name}{report.label}：{incident.title}",
               f"{incident.get_grade_display()}，{incident.casualties_text}", _url(incident))
    if not incident.desks.filter(finished_at__isnull=True).exists() and incident.status == Incident.Status.OPEN:
        incident.status, incident.closed_at = Incident.Status.CLOSED, at
    incident.version += 1
    incident.save(update_fields=["status", "closed_at", "version"])
    _event(incident, f"report:{stage}", user,
           f"{desk.unit.name}向{report.to_name}{report.get_medium_display()}{report.label}"
           + (f"（迟报{late}分钟）" if late else ""), at=at)
    if incident.status == Incident.Status.CLOSED:
        _event(incident, "closed", user, "各级终报已报送", at=at)
    audit.record(user, A.CREATE, report, summary=f"{incident.number} {report.label}（{report.get_medium_display()}）"
                 + (f"，迟报{late}分钟" if late else ""))
    return report


@transaction.atomic
def receive(user, report_id: int) -> Report:
    """The unit a report went to signs for it (签收)."""
    require(user, "incidents.take")
    report = Report.objects.visible_to(user).select_for_update().filter(pk=report_id).first()
    if report is None or user.unit_id != report.to_unit_id:
        raise PermissionDenied("只有报送对象单位可以签收")
    if report.received_at:
        raise ValidationError("该报告已签收")
    report.received_at, report.received_by = timezone.now(), user
    report.save(update_fields=["received_at", "received_by"])
    _event(report.incident, "receive", user, f"{user.unit.name}签收{report.desk.unit.name}{report.label}")
    audit.record(user, A.UPDATE, report, summary=f"签收{report.label}")
    return report


# --- flags, merging, dismissal ---------------------------------------------------------------------

@transaction.atomic
def flag(user, pk: int, kind: str, reason: str, *, unit: Organisation | None = None, enterprise=None) -> Flag:
    """漏报/瞒报/谎报 (or a 迟报 the clocks could not see) found by a supervising unit, with its reason."""
    require(user, "incidents.flag")
    incident = _visible(user, pk)
    if kind not in Flag.Kind.values:
        raise ValidationError({"kind": "请选择认定类别"})
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise ValidationError({"reason": "请填写认定理由和依据"})
    if (unit is None) == (enterprise is None):
        raise ValidationError({"unit": "请选择被认定的单位或企业（二选一）"})
    if unit is not None and user is not SYSTEM and not _below(user, unit):
        raise ValidationError({"unit": "只能认定本单位管辖范围内的下级单位"})
    if unit is not None and not incident.desks.filter(unit=unit).exists():
        raise ValidationError({"unit": "该单位没有接报这一事件"})
    if enterprise is not None and user is not SYSTEM and not covers(user, enterprise.region):
        raise ValidationError({"enterprise": "该企业不在您的管辖范围内"})
    interview = None
    if enterprise is not None:  # the year's 约谈 of the enterprise, when there is one (oversight)
        from anying.oversight.models import Interview

        interview = Interview.objects.filter(enterprise=enterprise,
                                             year=timezone.localtime(incident.occurred_at).year).first()
    found = Flag.objects.create(incident=incident, kind=kind, unit=unit, enterprise=enterprise, reason=reason,
                                interview=interview, created_by=None if user is SYSTEM else user)
    _event(incident, "flag", user, f"{found.get_kind_display()}：{found.party}。{reason[:200]}")
    audit.record(user, A.CREATE, found, summary=f"{incident.number} 认定{found.get_kind_display()}：{found.party}")
    return found


def _below(user, unit: Organisation) -> bool:
    """A unit strictly below the user's: in their territory and on a region under theirs (peers on
    the same region, and the user's own unit, are not)."""
    return (unit.pk != user.unit_id and covers(user, unit.region) and user.unit_id is not None
            and unit.region.path != user.unit.region.path)


@transaction.atomic
def withdraw_flag(user, flag_id: int, reason: str) -> Flag:
    require(user, "incidents.flag")
    found = Flag.objects.visible_to(user).select_for_update(of=("self",)).filter(pk=flag_id) \
        .select_related("incident", "unit__region", "enterprise__region").first()
    if found is None:
        raise PermissionDenied("找不到该认定")
    if found.withdrawn_at:
        raise ValidationError("该认定已撤销")
    if user is not SYSTEM and ((found.unit_id and not _below(user, found.unit))
                               or (found.enterprise_id and not covers(user, found.enterprise.region))):
        raise PermissionDenied("只有被认定单位的上级可以撤销认定")
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ValidationError({"reason": "请填写撤销理由"})
    found.withdrawn_at, found.withdrawn_reason = timezone.now(), reason
    found.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    _event(found.incident, "unflag", user, f"撤销{found.get_kind_display()}（{found.party}）：{reason}")
    audit.record(user, A.UPDATE, found, summary=f"撤销认定：{reason}")
    return found


def _town_of(region: Region) -> Region:
    return region if region.level != Region.Level.VILLAGE else Region.objects.get(pk=region.parent_id)


@transaction.atomic
def merge(user, keep_pk: int, other_pk: int, reason: str) -> Incident:
    """Two intakes of one event: the other one's source stays on record, its clocks stop, and it
    points at the one kept (A2.4: several reports of one event are linked)."""
    require(user, "incidents.take")
    if keep_pk == other_pk:
        raise ValidationError("不能与自身合并")
    locked = {i.pk: i for i in Incident.objects.visible_to(user).select_for_update().filter(pk__in=[keep_pk, other_pk])
              .order_by("pk")}  # always in id order: two merges in opposite directions do not deadlock
    keep, other = locked.get(keep_pk), locked.get(other_pk)
    if keep is None or other is None:
        raise PermissionDenied("找不到要合并的事件，或不在您的管辖范围内")
    _open(keep)
    _open(other)
    for incident in (keep, other):
        _top_desk(user, incident)
    if _town_of(keep.region).pk != _town_of(other.region).pk:
        raise ValidationError("只能合并同一镇街的接报")
    reason = (reason or "").strip()[:300] or "同一事件的多次接报"
    other.status, other.merged_into = Incident.Status.MERGED, keep
    other.version += 1
    other.save(update_fields=["status", "merged_into", "version"])
    other.dues.filter(met_at__isnull=True, cancelled=False).update(cancelled=True)
    _event(keep, "merge", user, f"并入{other.number}（{other.get_source_display()}，{_t(other.received_at)}接报）：{reason}")
    _event(other, "merged", user, f"并入{keep.number}：{reason}")
    audit.record(user, A.STATE, other, summary=f"并入{keep.number}：{reason}")
    return keep


@transaction.atomic
def dismiss(user, pk: int, reason: str, version: int | None = None) -> Incident:
    """A report that turned out false (误报): its clocks stop; it stays on record."""
    require(user, "incidents.take")
    incident = _visible(user, pk, lock=True, version=version)
    _open(incident)
    _top_desk(user, incident)
    if incident.status != Incident.Status.OPEN:
        raise ValidationError("已终报的事件不能核销")
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ValidationError({"reason": "请填写核销理由（核实情况）"})
    incident.status = Incident.Status.DISMISSED
    incident.version += 1
    incident.save(update_fields=["status", "version"])
    incident.dues.filter(met_at__isnull=True, cancelled=False).update(cancelled=True)
    _event(incident, "dismiss", user, reason)
    audit.record(user, A.STATE, incident, summary=f"核销：{reason}")
    return incident


# --- the tick ---------------------------------------------------------------------------------------

def run_overdue(now: dt.datetime | None = None, batch: int = 5000) -> int:
    """Every deadline passed unmet is marked once: on the incident's timeline, and told to the desk
    that owes it and the desk it reports to. A few queries per batch, whatever the count."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            pending = (Due.objects.filter(met_at__isnull=True, cancelled=False, overdue_at__isnull=True, due_at__lt=now)
                       .select_related("desk__unit", "incident", "rule").order_by("due_at", "id"))
            if transaction.get_connection().features.has_select_for_update_skip_locked:
                pending = pending.select_for_update(skip_locked=True, of=("self",))
            dues = list(pending[:batch])
            if not dues:
                return total
            Due.objects.filter(pk__in=[d.pk for d in dues]).update(overdue_at=now)
            events, messages = [], []
            people = _desk_people({d.desk.unit_id for d in dues} | {d.desk.upstream_id for d in dues if d.desk.upstream_id})
            for d in dues:
                text = f"{d.desk.unit.name}{d.get_stage_display()}已逾期（应于{_t(d.due_at)}前，{d.rule.label}）"
                events.append(workflow.event(d.incident, "overdue", comment=text, at=d.due_at))
                for uid in {d.desk.unit_id, d.desk.upstream_id} - {None}:
                    messages.extend((u, f"报送逾期：{d.incident.title}", text, _url(d.incident)) for u in people.get(uid, []))
            from anying.core.models import TimelineEvent

            TimelineEvent.objects.bulk_create(events, batch_size=1000)
            notify_many(messages)
            total += len(dues)


def _desk_people(unit_ids) -> dict[int, list]:
    """Who hears of a desk's overdue reports: whoever is on duty there now, else its members."""
    found = defaultdict(list)
    for unit_id in unit_ids:
        found[unit_id] = recipients.desk([unit_id], "incidents.take")
    return found


def _url(incident: Incident) -> str:
    return reverse("incident_detail", args=[incident.pk])


# --- what a desk owes -------------------------------------------------------------------------------

def countdown(due: Due, now: dt.datetime) -> Due:
    """`left`: whole minutes to the deadline (negative: overdue); `left_text` for people."""
    seconds = (due.due_at - now).total_seconds()
    due.left = int(seconds // 60)
    minutes = abs(due.left)
    hours, days = minutes // 60, minutes // 1440
    due.left_text = (f"{days} 天 {hours % 24} 小时" if days else f"{hours} 小时 {minutes % 60} 分" if hours
                     else f"{minutes} 分")
    return due


def open_dues(unit_ids=None):
    qs = Due.objects.filter(met_at__isnull=True, cancelled=False, incident__status__in=[Incident.Status.OPEN,
                                                                                          Incident.Status.CLOSED])
    if unit_ids is not None:
        qs = qs.filter(desk__unit_id__in=unit_ids)
    return qs


def handover_items(unit: Organisation, at) -> list[dict]:
    """What a duty handover carries for the incident desk: the unit's open incidents and the reports
    it owes, with their deadlines (duty.services.HANDOVER_ITEMS)."""
    items = []
    for due in open_dues([unit.pk]).select_related("incident").order_by("due_at")[:50]:
        state = "已逾期" if due.due_at < at else "待报"
        items.append({"kind": "应报事项", "text": f"{due.incident.title} {due.get_stage_display()} {state}，"
                                              f"应于{_t(due.due_at)}前", "url": _url(due.incident)})
    for incident in Incident.objects.filter(desks__unit=unit, desks__finished_at__isnull=True,
                                            status=Incident.Status.OPEN).order_by("-occurred_at")[:50]:
        items.append({"kind": "处置中事件", "text": f"{incident.number} {incident.title}（{incident.get_grade_display()}）",
                      "url": _url(incident)})
    return items


def quality(units: list[Organisation], start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Reporting quality per unit over a period (A2.8): reports sent, how many late and by how long on
    average, deadlines still unmet, and the flags found against it. Exercises do not count."""
    ids = [u.pk for u in units]
    reports = Report.objects.filter(desk__unit_id__in=ids, submitted_at__gte=start, submitted_at__lt=end,
                                    incident__is_exercise=False)
    rows = {u.pk: {"unit": u, "reports": 0, "late": 0, "late_minutes": 0, "unmet": 0, "flags": defaultdict(int)}
            for u in units}
    for unit_id, late in reports.values_list("desk__unit_id", "late_minutes"):
        rows[unit_id]["reports"] += 1
        if late:
            rows[unit_id]["late"] += 1
            rows[unit_id]["late_minutes"] += late
    for unit_id in (Due.objects.filter(desk__unit_id__in=ids, met_at__isnull=True, cancelled=False, due_at__gte=start,
                                       due_at__lt=min(end, timezone.now()), incident__is_exercise=False)
                    .values_list("desk__unit_id", flat=True)):
        rows[unit_id]["unmet"] += 1
    for unit_id, kind in (Flag.objects.filter(unit_id__in=ids, created_at__gte=start, created_at__lt=end,
                                              withdrawn_at__isnull=True, incident__is_exercise=False)
                          .values_list("unit_id", "kind")):
        rows[unit_id]["flags"][kind] += 1
    out = []
    for row in rows.values():
        row["flags"] = dict(row["flags"])  # a template reads .items of a plain dict, not a defaultdict key
        row["average"] = round(row["late_minutes"] / row["late"]) if row["late"] else 0
        row["on_time_rate"] = (round(100 * (row["reports"] - row["late"]) / row["reports"], 1)
                               if row["reports"] else None)
        out.append(row)
    return sorted(out, key=lambda r: (-r["late"] - r["unmet"], -r["average"], r["unit"].name))


def touched_units_q() -> Q:
    return Q(kind__in=DESK_KINDS, is_active=True)


# --- local deadlines and the desk setting -------------------------------------------------------------

@transaction.atomic
def save_rule(user, region: Region, form) -> ReportRule:
    """A region's own deadline (or its replacement of a default from a date). Rules are versions, never
    edited in place: an incident keeps the deadlines in force on the day it happened."""
    require(user, "incidents.configure")
    if user is not SYSTEM and (not user.unit_id or user.unit.region_id != region.pk):
        raise PermissionDenied("只能设置本单位所在地区的报送时限")
    rule = form.save(commit=False)
    rule.region, rule.created_by = region, None if user is SYSTEM else user
    if rule.stage == ReportRule.Stage.WINDOW and rule.minutes is not None:
        raise ValidationError({"minutes": "补报期只填“补报期（日）”"})
    if rule.minutes is not None and not 0 <= rule.minutes <= 525600:
        raise ValidationError({"minutes": "时限须在 0 到 525600 分钟（一年）之间"})
    if rule.window_days is not None and not 1 <= rule.window_days <= 366:
        raise ValidationError({"window_days": "补报期须在 1 到 366 日之间"})
    national = ReportRule.objects.filter(code=rule.code, region=None, verified=True).order_by("-effective_from").first()
    if national is not None:  # a law's deadline: a region may make it stricter, never looser or off
        if national.stage != rule.stage:
            raise ValidationError({"stage": f"{rule.code} 是{national.get_stage_display()}规则"})
        if national.minutes is not None and (rule.minutes is None or rule.minutes > national.minutes):
            raise ValidationError({"minutes": f"{national.article}规定{national.minutes}分钟，本地区只能缩短，不能延长或停用"})
        if national.window_days is not None and (rule.window_days or 0) < national.window_days:
            raise ValidationError({"window_days": f"{national.article}规定{national.window_days}日，本地区不能缩短"})
    if ReportRule.objects.filter(code=rule.code, region=region, effective_from=rule.effective_from).exists():
        raise ValidationError({"effective_from": "本地区该代码在这一天已有一版规则，请换一个施行日期"})
    if rule.effective_from <= timezone.localdate():
        raise ValidationError({"effective_from": "施行日期须晚于今天：已发生的事件按当时的规则计时"})
    rule.save()
    audit.record(user, A.CREATE, rule, summary=f"本地区报送时限：{rule.code} {rule.label}"
                 f"（{rule.minutes if rule.minutes is not None else '停用'}分钟，{rule.effective_from}起）")
    return rule


@transaction.atomic
def save_desk_setting(user, region: Region, unit: Organisation, upstream_name: str) -> DeskSetting:
    require(user, "incidents.configure")
    if user is not SYSTEM and (not user.unit_id or user.unit.region_id != region.pk):
        raise PermissionDenied("只能设置本单位所在地区")
    setting, created = DeskSetting.objects.update_or_create(
        region=region, defaults={"unit": unit, "upstream_name": (upstream_name or "").strip()[:100]})
    audit.record(user, A.CREATE if created else A.UPDATE, setting,
                 summary=f"{region.name}接收下级报告：{unit.name}；上报：{setting.upstream_name or '系统内上级'}")
    return setting
