"""The writers of disaster reporting. Every change is audited; reports move through the workflow
engine (timeline, audit with before/after, 409 on a stale page, notifications)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from anying.core import attachments, audit, numbering, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Region
from anying.core.permissions import require
from anying.core.scope import covers as region_in_scope
from anying.core.workflow import SYSTEM, Lifecycle, Transition

from . import hooks, rules
from .models import (
    COUNT_FIELDS,
    DECIMAL_FIELDS,
    FIGURE_FIELDS,
    LABELS,
    Due,
    Event,
    Report,
    VillageReturn,
    ZeroReport,
)

S = Report.Status
EVENT_FIELDS = ["name", "kind", "sub_kind", "started_at", "description", "response_triggered", "status"]
REPORT_AUDIT = ["status", "as_of", "situation", "relief_work", "change_explanation", *FIGURE_FIELDS]
MAX_COUNT = 10_000_000
MAX_DAYS_BACK = 60
MAX_DECIMAL = Decimal("999999999.99")


# --- figures ---------------------------------------------------------------------------------------

def clean_figures(raw: dict) -> dict:
    """Numbers from a form or the API: whole non-negative counts; areas and money with at most
    two decimals. Missing ones are 0. Raises one ValidationError naming every bad field."""
    out, errors = {}, {}
    for f in COUNT_FIELDS:
        value = raw.get(f, 0)
        value = 0 if value in (None, "") else value
        try:
            number = int(str(value).strip())
        except ValueError:
            errors[f] = f"{LABELS[f]}须为整数"
            continue
        if number < 0 or number > MAX_COUNT:
            errors[f] = f"{LABELS[f]}须在 0 至 {MAX_COUNT} 之间"
        out[f] = number
    for f in DECIMAL_FIELDS:
        value = raw.get(f, 0)
        value = 0 if value in (None, "") else value
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            errors[f] = f"{LABELS[f]}须为数字"
            continue
        if not number.is_finite() or number < 0 or number > MAX_DECIMAL or number != number.quantize(Decimal("0.01")):
            errors[f] = f"{LABELS[f]}须为不小于 0 的数，最多两位小数"
            continue
        out[f] = number.quantize(Decimal("0.01"))
    if not errors:
        if out["resettled"] > out["evacuated"]:
            errors["resettled"] = "集中安置人口不能多于紧急转移安置人口"
        if out["crops_damaged"] > out["crops_affected"]:
            errors["crops_damaged"] = "成灾面积不能大于受灾面积"
        if out["crops_lost"] > out["crops_damaged"]:
            errors["crops_lost"] = "绝收面积不能大于成灾面积"
    if errors:
        raise ValidationError(errors)
    return out


def large_changes(before: dict, after: dict) -> list[str]:
    """The indicators that changed enough between two reports to need an explanation: any fall
    (the figures are cumulative), or a rise over the configured share and minimum."""
    percent, minimum = rules.checks()["change_percent"], rules.checks()["change_minimum"]
    found = []
    for f in FIGURE_FIELDS:
        old, new = Decimal(before.get(f) or 0), Decimal(after.get(f) or 0)
        if new < old:
            found.append(f"{LABELS[f]}由 {old.normalize():f} 减为 {new.normalize():f}")
        elif new - old >= minimum and (old == 0 or (new - old) * 100 > old * percent):
            found.append(f"{LABELS[f]}由 {old.normalize():f} 增为 {new.normalize():f}")
    return found


# --- events ----------------------------------------------------------------------------------------

def _district_of(region: Region) -> Region:
    node = region
    while node.level not in (Region.Level.DISTRICT, Region.Level.CITY, Region.Level.PROVINCE) and node.parent_id:
        node = node.parent
    return node


@transaction.atomic
def open_event(actor, *, name: str, kind: str, started_at: dt.datetime, towns: list[Region], sub_kind: str = "",
               description: str = "", response_triggered: bool = False, warnings=(), incidents=()) -> Event:
    """Register a disaster process over the towns hit; each town owes its 初报 from the start."""
    require(actor, "disasters.manage")
    errors = {}
    if not name.strip():
        errors["name"] = "请填写灾害过程名称"
    from .models import Kind

    if kind not in Kind.values:
        errors["kind"] = "请选择灾种"
    now = timezone.now()
    if started_at is None:
        errors["started_at"] = "请填写灾害发生时间"
    elif started_at > now + dt.timedelta(minutes=5):
        errors["started_at"] = "灾害发生时间不能晚于现在"
    elif started_at < now - dt.timedelta(days=MAX_DAYS_BACK):
        errors["started_at"] = f"只能登记{MAX_DAYS_BACK}天内发生的灾害"
    towns = list(towns)
    if not towns:
        errors["towns"] = "请选择受灾镇街"
    elif any(t.level != Region.Level.TOWN or not region_in_scope(actor, t) for t in towns):
        errors["towns"] = "只能选择本辖区的镇街"
    elif len({_district_of(t).pk for t in towns}) > 1:
        errors["towns"] = "一个灾害过程只能在同一区县内登记，跨区县请分别登记"
    from anying.incidents.models import Incident
    from anying.warning.models import Warning

    warnings, incidents = list(warnings), list(incidents)
    if warnings and Warning.objects.visible_to(actor).filter(pk__in=[w.pk for w in warnings]).count() != len(warnings):
        errors["warnings"] = "只能关联本辖区可见的预警"
    if incidents and Incident.objects.visible_to(actor).filter(pk__in=[i.pk for i in incidents]).count() != \
            len(incidents):
        errors["incidents"] = "只能关联本辖区可见的突发事件"
    if errors:
        raise ValidationError(errors)
    district = _district_of(towns[0])
    year = timezone.localtime(started_at).year
    number = numbering.next_number(f"{district.name}灾情", year)  # 铜梁区灾情〔2026〕3号
    event = Event.objects.create(number=number, name=name.strip()[:120], kind=kind, sub_kind=sub_kind.strip()[:40],
                                 started_at=started_at, region=district, unit=actor.unit,
                                 description=description.strip(), response_triggered=response_triggered,
                                 created_by=actor)
    event.towns.set(towns)
    event.warnings.set(warnings)
    event.incidents.set(incidents)
    # towns can report only once the event exists: their 初报 is counted from the later of the start
    # and the registration; the district's own delay shows on the timeline
    due_at, rule = rules.due("initial", kind, start=max(started_at, now))
    Due.objects.bulk_create([Due(event=event, town=t, stage="initial", due_at=due_at, rule=rule.code) for t in towns])
    audit.record(actor, AuditEvent.Action.CREATE, event, summary=f"登记灾害过程：{event.name}",
                 after=audit.snapshot(event, EVENT_FIELDS) | {"towns": "、".join(t.name for t in towns)})
    delay = int((now - started_at).total_seconds() // 60)
    workflow.record_event(event, "open", actor=actor, state=event.status,
                          comment=f"受灾镇街：{'、'.join(t.name for t in towns)}；初报应于 "
                                  f"{timezone.localtime(due_at):%m-%d %H:%M} 前报送"
                                  + (f"；灾害发生 {delay} 分钟后登记" if delay > 5 else ""))
    _tell(towns, f"灾害过程：{event.name}，请于 {timezone.localtime(due_at):%H:%M} 前报送初报",
          event_url(event))
    _tell_villages(towns, f"灾害过程：{event.name}，请尽快报送本村（社区）灾情", event_url(event))
    return event


def event_url(event: Event) -> str:
    return reverse("disasters:event", args=[event.pk])


def _tell(towns, title: str, url: str, body: str = "") -> None:
    """Tell the reporters of these towns' offices."""
    from anying.core.notifications import notify_many

    reporters = _town_reporters(t.pk for t in towns)
    notify_many([(u, title, body, url) for t in towns for u in reporters.get(t.pk, [])])


def _tell_villages(towns, title: str, url: str) -> None:
    from anying.core.models import Organisation
    from anying.core.notifications import notify_many

    units = Organisation.objects.filter(region__parent__in=list(towns), kind=Organisation.Kind.VILLAGE_COMMITTEE,
                                        is_active=True)
    notify_many([(u, title, "", url) for u in recipients.members(units.values_list("pk", flat=True),
                                                                  "disasters.village")])


def _tell_district(event: Event, title: str, body: str = "") -> None:
    from anying.core.notifications import notify_many

    users = recipients.over(event.region, "disasters.review")
    notify_many([(u, title, body, event_url(event)) for u in users])


def _locked_event(actor, pk: int, version: int | None = None) -> Event:
    event = Event.objects.visible_to(actor).select_for_update().get(pk=pk)
    if version is not None and event.version != version:
        raise workflow.StaleVersion("该灾害过程已被他人修改，请刷新后重试")
    return event


@transaction.atomic
def declare_stable(actor, pk: int, *, version: int | None = None) -> Event:
    """灾情稳定: no more 续报 are due; each town owes its 核报 within the configured days."""
    require(actor, "disasters.manage")
    event = _locked_event(actor, pk, version)
    if event.status != Event.Status.ONGOING:
        raise ValidationError("灾害过程不在发展中，不能宣布灾情稳定")
    missing = [t.name for t in event.towns.all()
               if not Report.objects.filter(event=event, town=t, status__in=(S.SUBMITTED, S.ACCEPTED)).exists()]
    if missing:
        raise ValidationError(f"以下镇街尚未报送初报：{'、'.join(missing)}")
    now = timezone.now()
    before = audit.snapshot(event, EVENT_FIELDS)
    event.status, event.stable_at, event.version = Event.Status.STABLE, now, event.version + 1
    event.save(update_fields=["status", "stable_at", "version"])
    Due.objects.filter(event=event, stage="update", met_at__isnull=True, cancelled=False).update(cancelled=True)
    due_at, rule = rules.due("final", event.kind, start=now)
    towns = list(event.towns.all())
    Due.objects.bulk_create([Due(event=event, town=t, stage="final", due_at=due_at, rule=rule.code) for t in towns])
    audit.record(actor, AuditEvent.Action.STATE, event, summary="宣布灾情稳定，开始核报", before=before,
                 after=audit.snapshot(event, EVENT_FIELDS))
    workflow.record_event(event, "stable", actor=actor, previous=Event.Status.ONGOING, state=event.status,
                          comment=f"核报应于 {timezone.localtime(due_at):%m-%d %H:%M} 前报送")
    _tell(towns, f"{event.name}：灾情稳定，请于 {timezone.localtime(due_at):%m-%d} 前报送核报",
          event_url(event))
    return event


@transaction.atomic
def close_event(actor, pk: int, *, version: int | None = None) -> Event:
    require(actor, "disasters.manage")
    event = _locked_event(actor, pk, version)
    if event.status != Event.Status.STABLE:
        raise ValidationError("灾情稳定、各镇街核报审核后才能结束")
    towns = list(event.towns.all())
    done = set(Report.objects.filter(event=event, stage="final", status=S.ACCEPTED).values_list("town_id", flat=True))
    missing = [t.name for t in towns if t.pk not in done]
    if missing:
        raise ValidationError(f"以下镇街的核报尚未审核通过：{'、'.join(missing)}")
    before = audit.snapshot(event, EVENT_FIELDS)
    event.status, event.closed_at, event.version = Event.Status.CLOSED, timezone.now(), event.version + 1
    event.save(update_fields=["status", "closed_at", "version"])
    audit.record(actor, AuditEvent.Action.STATE, event, summary="核报完成，灾害过程结束", before=before,
                 after=audit.snapshot(event, EVENT_FIELDS))
    workflow.record_event(event, "close", actor=actor, previous=Event.Status.STABLE, state=event.status)
    return event


# --- village returns -------------------------------------------------------------------------------

@transaction.atomic
def file_village_return(actor, event: Event, *, figures: dict, note: str = "", photos=()) -> VillageReturn:
    """A village 灾害信息员 reports their village's figures (cumulative) from the field."""
    require(actor, "disasters.village")
    village = actor.unit.region if actor.unit else None
    if village is None or village.level != Region.Level.VILLAGE:
        raise PermissionDenied("只有村（社区）灾害信息员可以报送村灾情")
    if event.status == Event.Status.CLOSED:
        raise ValidationError("该灾害过程已结束")
    if not event.towns.filter(pk=village.parent_id).exists():
        raise ValidationError("本村（社区）所在镇街不在该灾害过程的受灾范围内，请联系镇街")
    values = clean_figures(figures)
    for upload in photos:
        attachments.check_upload(upload)
    entry = VillageReturn.objects.create(event=event, village=village, town_id=village.parent_id, note=note.strip(),
                                         submitted_by=actor, **values)
    for upload in photos:
        attachments.attach(actor, entry, upload)
    audit.record(actor, AuditEvent.Action.CREATE, entry, summary=f"{village.name}报送灾情（{event.name}）",
                 after=audit.snapshot(entry, ["note", *FIGURE_FIELDS]))
    _tell([village.parent], f"{village.name}报送了{event.name}的灾情", event_url(event),
          body=f"受灾 {values['affected']} 人，转移 {values['evacuated']} 人，死亡 {values['dead']} 人，失踪 {values['missing']} 人")
    return entry


def village_totals(event: Event, town: Region) -> dict | None:
    """The sum of the latest return of each village of the town, or None when none reported."""
    latest = (VillageReturn.objects.filter(event=event, town=town).values("village")
              .annotate(last=Max("id")).values_list("last", flat=True))
    rows = list(VillageReturn.objects.filter(pk__in=list(latest)))
    if not rows:
        return None
    return {f: sum((getattr(r, f) for r in rows), Decimal(0) if f in DECIMAL_FIELDS else 0) for f in FIGURE_FIELDS}


# --- town reports ----------------------------------------------------------------------------------

def previous_report(event: Event, town: Region, exclude: int | None = None) -> Report | None:
    qs = Report.objects.filter(event=event, town=town, status__in=(S.SUBMITTED, S.ACCEPTED))
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("-submitted_at", "-id").first()


def next_stage(event: Event, town: Region) -> str | None:
    """What the town reports next: 初报 first, 续报 while the disaster lasts, 核报 once stable."""
    sent = set(Report.objects.filter(event=event, town=town, status__in=(S.SUBMITTED, S.ACCEPTED))
               .values_list("stage", flat=True))
    if event.status == Event.Status.CLOSED or "final" in sent:
        return None
    if "initial" not in sent:
        return "initial"
    return "final" if event.status == Event.Status.STABLE else "update"


@transaction.atomic
def draft_report(actor, event: Event, town: Region) -> Report:
    """The town's next report, filled from its villages' latest returns (or the last report)."""
    require(actor, "disasters.report")
    if not region_in_scope(actor, town) or not event.towns.filter(pk=town.pk).exists():
        raise PermissionDenied("只能编制本镇街在该灾害过程中的报告")
    event = Event.objects.select_for_update().get(pk=event.pk)  # one draft at a time; its status now
    open_one = Report.objects.filter(event=event, town=town, status__in=(S.DRAFT, S.RETURNED)).first()
    if open_one:
        return open_one
    stage = next_stage(event, town)
    if stage is None:
        raise ValidationError("该镇街已完成核报，不需要再报送")
    previous = previous_report(event, town)
    # figures are cumulative: start from the last report, raised where the villages now report more
    values = previous.figures() if previous else {}
    for f, v in (village_totals(event, town) or {}).items():
        values[f] = max(values.get(f, v), v)
    sequence = 1
    if stage == "update":
        sequence = (Report.objects.filter(event=event, town=town, stage="update").aggregate(n=Max("sequence"))["n"]
                    or 0) + 1
    report = Report.objects.create(event=event, town=town, stage=stage, sequence=sequence, as_of=timezone.now(),
                                   created_by=actor, **values)
    audit.record(actor, AuditEvent.Action.CREATE, report, summary=f"编制{report}", place=event,
                 after=audit.snapshot(report, REPORT_AUDIT))
    return report


@transaction.atomic
def save_report(actor, pk: int, *, figures: dict, situation: str = "", relief_work: str = "",
                change_explanation: str = "", as_of: dt.datetime | None = None, version: int | None = None) -> Report:
    require(actor, "disasters.report")
    report = workflow.lock(LIFECYCLE, actor, pk, version)
    if report.is_frozen:
        raise ValidationError("已报送的报告不能修改；数据有变化请报送续报")
    if not region_in_scope(actor, report.town):
        raise PermissionDenied("只能修改本镇街的报告")
    values = clean_figures(figures)
    now = timezone.now()
    if as_of is not None and (as_of > now + dt.timedelta(minutes=5) or as_of < report.event.started_at):
        raise ValidationError({"as_of": "数据截至时间须在灾害发生之后、不晚于现在"})
    before = audit.snapshot(report, REPORT_AUDIT)
    for f, v in values.items():
        setattr(report, f, v)
    report.situation, report.relief_work = situation.strip(), relief_work.strip()
    report.change_explanation = change_explanation.strip()
    report.as_of = as_of or now  # the figures as they stand when saved
    report.version += 1
    report.save()
    audit.record(actor, AuditEvent.Action.UPDATE, report, summary=f"修改{report}", before=before,
                 after=audit.snapshot(report, REPORT_AUDIT), place=report.event)
    return report


def _parties(user, report: Report) -> set[str]:
    found = set()
    if user.has_perm_code("disasters.report") and region_in_scope(user, report.town):
        found.add("town")
    if user.has_perm_code("disasters.review") and user.unit and user.unit.region.level != Region.Level.TOWN \
            and region_in_scope(user, report.town):
        found.add("district")
    return found


def _photo_count(report: Report) -> int:
    return attachments.attachments_of(report).filter(mime_type__startswith="image/").count()


def _check_submit(step) -> None:
    report: Report = step.record
    event = report.event
    errors = {}
    previous = previous_report(event, report.town, exclude=report.pk)
    if previous is not None:
        changes = large_changes(previous.figures(), report.figures())
        if changes and not report.change_explanation.strip():
            errors["change_explanation"] = "与上一次报告相比数据变化较大，请说明原因：" + "；".join(changes[:5])
    needed = int(rules.checks()["photos_when_response"])
    if event.response_triggered and _photo_count(report) + step.data.get("photo_count", 0) < needed:
        errors["photos"] = f"已启动应急响应的灾害，报告须附照片不少于{needed}张"
    if report.stage == "final":
        from .models import Casualty

        for status, field in (("dead", "dead"), ("missing", "missing")):
            listed = Casualty.objects.filter(event=event, town=report.town, status=status).count()
            if listed != getattr(report, field):
                errors[field] = (f"{LABELS[field]} {getattr(report, field)} 人与死亡失踪人员台账（{listed} 人）"
                                 f"不一致，请核实")
        for name, ledger in hooks.LEDGERS:
            for f, count in ledger(event, report.town).items():
                if getattr(report, f) != count:
                    errors[f] = f"{LABELS[f]} {getattr(report, f)} 间与{name}（{count} 间）不一致，请核实"
    if errors:
        raise ValidationError(errors)


def _submit(step) -> None:
    report: Report = step.record
    now = timezone.now()
    report.submitted_at = now
    if Due.objects.filter(met_by=report).exists():
        # sent again after a return: its deadline and its lateness were settled the first time,
        # and the next 续报 is already owed
        step.summary = f"重新报送{report.label}"
        return
    due = (Due.objects.select_for_update().filter(event=report.event, town=report.town, stage=report.stage,
                                                 met_at__isnull=True, cancelled=False).order_by("due_at").first())
    if due is not None:
        due.met_by, due.met_at = report, now
        due.save(update_fields=["met_by", "met_at"])
        report.due_at = due.due_at
        report.late_minutes = due.late_minutes
    if report.stage in ("initial", "update") and report.event.status == Event.Status.ONGOING \
            and not Due.objects.filter(event=report.event, town=report.town, stage="update", met_at__isnull=True,
                                       cancelled=False).exists():
        due_at, rule = rules.due("update", report.event.kind, start=now)
        Due.objects.create(event=report.event, town=report.town, stage="update", due_at=due_at, rule=rule.code)
    late = f"，迟报 {report.late_minutes} 分钟" if report.late_minutes else ""
    step.summary = f"报送{report.label}{late}"


def _review(step) -> None:
    report: Report = step.record
    report.reviewed_at = timezone.now()
    report.reviewed_by = None if step.actor is SYSTEM else step.actor
    report.review_comment = step.comment[:300]


def district_reviewers(report: Report):
    return recipients.over(report.event.region, "disasters.review")


def town_reporters(report: Report):
    return _town_reporters([report.town_id]).get(report.town_id, [])


def _before(step) -> None:
    if step.transition.name == "submit":
        _check_submit(step)


# An event's steps are taken outside a table (its towns' reports carry the lifecycle); the
# registration names them on its timeline.
EVENTS = workflow.register(Lifecycle(
    model=Event, label="灾害过程", transitions=[],
    events={"open": "登记灾害过程", "stable": "宣布灾情稳定", "close": "核报完成", "late": "迟报"},
    url=event_url,
))

LIFECYCLE = workflow.register(Lifecycle(
    model=Report, label="灾情报告",
    transitions=[
        Transition("submit", "报送", (S.DRAFT, S.RETURNED), S.SUBMITTED, frozenset({"town"}),
                   stamp=("submitted_by",), notify=("district",), apply=_submit),
        # who sent a report (the district may enter a town's phone report) does not also accept it
        Transition("accept", "审核通过", (S.SUBMITTED,), S.ACCEPTED, frozenset({"district"}),
                   separated=("submitted_by",), notify=("town",), apply=_review),
        Transition("return", "退回修改", (S.SUBMITTED,), S.RETURNED, frozenset({"district"}),
                   separated=("submitted_by",), needs_comment="请填写退回意见", notify=("town",), apply=_review),
    ],
    parties=_parties,
    recipients={"district": district_reviewers, "town": town_reporters},
    audited=("status", "submitted_at", "late_minutes", "review_comment"),
    before=[_before],
    describe=lambda r: f"{r.event.name} {r}",
    url=lambda r: reverse("disasters:report", args=[r.pk]),
))


def submit(actor, pk: int, *, photos=(), version: int | None = None) -> Report:
    """报送: the figures freeze; the deadline met (or how late); the next 续报 falls due."""
    for upload in photos:
        attachments.check_upload(upload)
    images = sum(1 for p in photos if (getattr(p, "content_type", "") or "").startswith("image/"))
    return workflow.run(LIFECYCLE, actor, pk, "submit", files=list(photos), data={"photo_count": images},
                        version=version)


def review(actor, pk: int, *, accept: bool, comment: str = "", version: int | None = None) -> Report:
    return workflow.run(LIFECYCLE, actor, pk, "accept" if accept else "return", comment=comment, version=version)


# --- zero reports and the tick ---------------------------------------------------------------------

def _ongoing_towns(day: dt.date) -> set[int]:
    return set(Event.objects.filter(status=Event.Status.ONGOING, started_at__date__lte=day)
               .values_list("towns", flat=True))


@transaction.atomic
def file_zero(actor, town: Region, *, nothing_happened: bool = True, note: str = "") -> ZeroReport:
    """今日零报告 of a town (or that it reports an event through its 续报)."""
    require(actor, "disasters.report")
    if town.level != Region.Level.TOWN or not region_in_scope(actor, town):
        raise PermissionDenied("只能报送本镇街的零报告")
    now = timezone.now()
    today = timezone.localdate(now)
    if not nothing_happened and not note.strip():
        raise ValidationError({"note": "有灾情时请说明，并登记灾害过程、报送初报"})
    row, created = ZeroReport.objects.select_for_update().get_or_create(
        town=town, day=today, defaults={"due_at": rules.zero_due(today)})
    if row.filed_at:
        raise ValidationError("今天的零报告已经报送")
    before = audit.snapshot(row, ["filed_at", "nothing_happened", "note"])
    row.filed_at, row.filed_by, row.nothing_happened, row.note = now, actor, nothing_happened, note.strip()[:300]
    row.late_minutes = max(0, -(-int((now - row.due_at).total_seconds()) // 60))
    row.save()
    late = f"（迟报 {row.late_minutes} 分钟）" if row.late_minutes else ""
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, row,
                 summary=f"{town.name}零报告{late}",
                 before=before, after=audit.snapshot(row, ["filed_at", "nothing_happened", "note"]))
    return row


def _town_reporters(town_ids) -> dict[int, list]:
    """{town id: the users of its town office who report} in two queries."""
    from anying.core.models import Organisation

    offices = dict(Organisation.objects.filter(region_id__in=set(town_ids), kind=Organisation.Kind.TOWN_OFFICE,
                                               is_active=True).values_list("pk", "region_id"))
    found: dict[int, list] = {}
    for user in recipients.members(list(offices), "disasters.report"):
        found.setdefault(offices[user.unit_id], []).append(user)
    return found


def flag_late(now: dt.datetime) -> int:
    """The tick: a report still owed after its time is 迟报 — told to the town and the district's
    reviewers once, with a line on the event's timeline; in the season a town that filed no 零报告
    by its time (and has no event running, whose 续报 stand for it) is recorded as missed and told
    likewise. A constant number of queries per batch of 2,000 dues."""
    from anying.core.models import TimelineEvent
    from anying.core.notifications import notify_many

    count = 0
    with transaction.atomic():
        overdue = list(Due.objects.select_for_update(skip_locked=True)
                       .filter(due_at__lt=now, met_at__isnull=True, cancelled=False, flagged_at__isnull=True)
                       .select_related("event", "event__region", "town")[:2000])
        if overdue:
            towns = _town_reporters(d.town_id for d in overdue)
            reviewers: dict[int, list] = {}
            messages, lines = [], []
            for due in overdue:
                due.flagged_at = now
                event, town = due.event, due.town
                if event.region_id not in reviewers:
                    reviewers[event.region_id] = recipients.over(event.region, "disasters.review")
                when = f"{timezone.localtime(due.due_at):%m-%d %H:%M}"
                url = event_url(event)
                messages += [(u, f"迟报：{event.name}{town.name}{due.get_stage_display()}应于 {when} 前报送", "", url)
                             for u in towns.get(town.pk, [])]
                messages += [(u, f"迟报：{town.name}{event.name}{due.get_stage_display()}未按时报送", "", url)
                             for u in reviewers[event.region_id]]
                lines.append(workflow.event(event, "late", state=event.status,
                                            comment=f"{town.name}{due.get_stage_display()}迟报（应报 {when}）", at=now))
            Due.objects.bulk_update(overdue, ["flagged_at"])
            TimelineEvent.objects.bulk_create(lines)
            notify_many(messages)
            count += len(overdue)
    count += _flag_missing_zero(now)
    return count


def _flag_missing_zero(now: dt.datetime) -> int:
    today = timezone.localdate(now)
    if not rules.in_season(today) or now <= rules.zero_due(today):
        return 0
    towns = Region.objects.filter(level=Region.Level.TOWN, organisations__kind="town_office").distinct()
    busy = _ongoing_towns(today)
    filed = set(ZeroReport.objects.filter(day=today).values_list("town_id", flat=True))
    missing = [t for t in towns if t.pk not in filed and t.pk not in busy]
    if not missing:
        return 0
    due_at = rules.zero_due(today)
    ZeroReport.objects.bulk_create([ZeroReport(town=t, day=today, due_at=due_at, flagged_at=now) for t in missing],
                                   ignore_conflicts=True)
    from anying.core.notifications import notify_many

    reporters = _town_reporters(t.pk for t in missing)
    notify_many([(u, f"零报告迟报：{town.name}今日 {rules.zero_time()} 前未报送零报告", "", reverse("disasters:zero"))
                 for town in missing for u in reporters.get(town.pk, [])])
    return len(missing)
