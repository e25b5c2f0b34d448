"""Every write of warnings. Each checks permission and scope, leaves an audit event, and refuses
in Chinese with nothing changed.

Who does what (permissions.py, docs/warning.md):
- a warning is written by its unit's staff holding warning.edit (or read in from a CAP file as a
  draft), and submitted for sign-off;
- it is signed off (签发) by a warning.issue holder whose territory covers the issuing unit and who
  neither drafted nor submitted it (编辑与签发分离, DB45/T 2427-2021's 审核—签发), or sent back;
- issuing builds the 叫应 ledger and queues the messages (delivery.py), opens the towns' measure
  tasks and tells the upper apps (hooks.ON_ISSUE), all in one transaction;
- an issued warning never changes: `follow_up` drafts an 更新 or 解除 message referencing it; when
  that one is issued the earlier becomes 已更新 or 已解除 and its 叫应 clock stops."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import error_text
from anying.core.models import AuditEvent, DocumentCounter, Organisation, Region
from anying.core.permissions import SYSTEM, require
from anying.core.scope import covers
from anying.core.workflow import Lifecycle, Transition

from . import cap, delivery
from .hooks import ON_ISSUE
from .models import MeasureReport, MeasureTask, Warning
from .reference import kinds, measures_for

A = AuditEvent.Action
S = Warning.Status
FIELDS = ["kind", "level", "msg_type", "agency", "headline", "description", "instruction", "area_desc", "polygon",
          "onset", "expires", "status"]
MAX_POLYGON_POINTS = 100  # CAP composers' advice (ANCHORS §1.8): more vertices break intersection tests


# --- who -------------------------------------------------------------------------------------------

def drafts(user, warning: Warning) -> bool:
    return user is SYSTEM or (user.unit_id == warning.unit_id and user.has_perm_code("warning.edit"))


def signs(user, warning: Warning) -> bool:
    """签发: warning.issue over the issuing unit's territory (the unit's own leaders or those above),
    never by anyone who wrote or changed it (编辑与签发分离: the audit trail says who did)."""
    if user is SYSTEM:
        return True
    if not user.has_perm_code("warning.issue") or user.unit_id is None:
        return False
    if not (user.unit_id == warning.unit_id or covers(user, warning.unit.region, None)):
        return False
    return user.pk not in writers(warning)


def writers(warning: Warning) -> set[int]:
    """Everyone who wrote, imported or changed the warning's text."""
    from django.contrib.contenttypes.models import ContentType

    found = set(AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Warning), object_id=str(warning.pk),
        action__in=[A.CREATE, A.UPDATE, A.IMPORT]).exclude(actor=None).values_list("actor_id", flat=True))
    return found | {u for u in (warning.drafted_by_id, warning.submitted_by_id) if u}


def _parties(user, warning: Warning) -> set[str]:
    found = set()
    if drafts(user, warning):
        found.add("editor")
    if signs(user, warning):
        found.add("approver")
    return found


def approvers(warning: Warning):
    return [u for u in recipients.over(warning.unit.region, "warning.issue")
            if u.pk not in (warning.drafted_by_id, warning.submitted_by_id)]


# --- the lifecycle ---------------------------------------------------------------------------------

def _check_complete(warning: Warning) -> None:
    if not warning.regions.exists() and not warning.polygon:
        raise ValidationError("请选择预警区域（镇街、村社区）或在地图上画出范围")
    if warning.expires <= timezone.now():
        raise ValidationError({"expires": "失效时间已过，请修改后再提交"})


def _submit(step) -> None:
    _check_complete(step.record)


def _issue(step) -> None:
    """签发: the message goes out now. An 更新 or 解除 closes the message it references."""
    warning = step.record
    _check_complete(warning)
    now = timezone.now()
    warning.issued_at, warning.approved_by = now, None if step.actor is SYSTEM else step.actor
    previous = warning.references
    if previous is not None:
        earlier = Warning.objects.select_for_update().get(pk=previous.pk)
        if earlier.unit_id != warning.unit_id:
            raise PermissionDenied("只能更新或解除本单位发布的预警")
        if earlier.status != S.ISSUED:
            raise ValidationError(f"所引用的预警{earlier.get_status_display()}，不能再更新或解除")
        earlier.status = S.CANCELLED if warning.msg_type == Warning.MsgType.CANCEL else S.UPDATED
        earlier.ended_at = now
        earlier.save(update_fields=["status", "ended_at", "updated_at"])
        workflow.record_event(earlier, "superseded", state=earlier.status, actor=step.actor,
                              comment=f"{warning.get_msg_type_display()}：{warning.number}")
    step.scratch["previous"] = previous


def _after_issue(step) -> None:
    if step.transition.name != "issue":
        return
    warning = step.record
    previous = step.scratch.get("previous")
    if warning.msg_type == Warning.MsgType.CANCEL:
        count = delivery.tell_cancelled(warning, previous) if previous else 0
        warning.ended_at = warning.issued_at
        warning.status = S.CANCELLED  # a 解除 message is itself over once sent
        warning.save(update_fields=["ended_at", "status"])
        step.summary = f"签发解除：通知 {count} 人"
        return
    count = delivery.deliver(warning, warning.issued_at)
    tasks = open_measures(warning)
    for hook in ON_ISSUE:
        hook(warning)
    step.summary = f"签发：通知 {count} 人，措施任务 {tasks} 项"


LIFECYCLE = workflow.register(Lifecycle(
    model=Warning, label="预警",
    transitions=[
        Transition("submit", "提交签发", (S.DRAFT, S.RETURNED), S.SUBMITTED, frozenset({"editor"}),
                   stamp=("submitted_by",), notify=("approvers",), apply=_submit),
        Transition("return", "退回修改", (S.SUBMITTED,), S.RETURNED, frozenset({"approver"}),
                   separated=("drafted_by", "submitted_by"), needs_comment="请填写退回意见", notify=("editors",)),
        Transition("issue", "签发发布", (S.SUBMITTED,), S.ISSUED, frozenset({"approver"}),
                   separated=("drafted_by", "submitted_by"), notify=("editors",), apply=_issue),
    ],
    parties=_parties,
    recipients={"approvers": approvers,
                "editors": lambda w: recipients.members([w.unit_id], "warning.edit")},
    audited=("status", "issued_at"),
    events={"create": "编辑", "import": "CAP 导入", "superseded": "被更新或解除", "expire": "到期",
            "ack": "代为确认叫应", "measure": "报告措施落实"},
    after=[_after_issue],
    describe=lambda w: f"{w.headline}",
    summary=lambda w: f"{w.kind_label()}{w.get_level_display()}预警，{timezone.localtime(w.onset):%m-%d %H:%M} 至 "
                      f"{timezone.localtime(w.expires):%m-%d %H:%M}",
    url=lambda w: reverse("warning:detail", args=[w.pk]),
))


def act(actor, pk: int, name: str, *, comment: str = "", version: int | None = None) -> Warning:
    return workflow.run(LIFECYCLE, actor, pk, name, comment=comment, version=version)


# --- writing a draft -------------------------------------------------------------------------------

def _number(unit: Organisation, when: dt.datetime) -> str:
    """Our identifier: the issuing region's 6-digit code (GB/T 2260), the year and a serial —
    unique per deployment, safe in CAP (no spaces, commas or markup)."""
    code = (Region.objects.only("code").get(pk=unit.region_id).code or "000000")[:6].ljust(6, "0")
    year = timezone.localtime(when).year
    prefix = f"warning:{code}"
    try:
        with transaction.atomic():
            DocumentCounter.objects.get_or_create(prefix=prefix, year=year)
    except IntegrityError:
        pass
    counter = DocumentCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{code}-{year}-{counter.last:05d}"


def _check(warning: Warning, regions) -> None:
    if warning.kind not in kinds():
        raise ValidationError({"kind": "请选择预警类型"})
    if warning.onset and warning.expires and warning.expires <= warning.onset:
        raise ValidationError({"expires": "失效时间须晚于生效时间"})
    if warning.polygon:
        _check_polygon(warning.polygon)
    unit_path = Region.objects.only("path").get(pk=warning.unit.region_id).path
    outside = [r.name for r in regions if not r.path.startswith(unit_path)]
    if outside:
        raise ValidationError({"regions": f"预警区域超出发布单位的辖区：{'、'.join(outside)}"})


def _check_polygon(ring) -> None:
    if not isinstance(ring, list) or not 3 <= len(ring) <= MAX_POLYGON_POINTS:
        raise ValidationError({"polygon": f"多边形须有 3 至 {MAX_POLYGON_POINTS} 个顶点"})
    for point in ring:
        if (not isinstance(point, list | tuple) or len(point) != 2
                or not all(isinstance(v, int | float) for v in point)
                or not (73 <= point[0] <= 136 and 3.5 <= point[1] <= 54)):
            raise ValidationError({"polygon": "多边形坐标须为中国境内的 [经度, 纬度]"})


@transaction.atomic
def save_draft(actor, warning: Warning, regions) -> Warning:
    """Write a new draft (the actor's unit issues it) or edit a draft or returned one."""
    require(actor, "warning.edit", "您无权编辑预警")
    created = warning.pk is None
    regions = list(regions)
    before = None
    if created:
        if actor is not SYSTEM:
            warning.unit = actor.unit
            warning.drafted_by = actor
        warning.status = S.DRAFT
    else:
        current = Warning.objects.select_for_update().get(pk=warning.pk)
        if not drafts(actor, current):
            raise PermissionDenied("只有发布单位可以修改预警")
        workflow.check_version(LIFECYCLE, current, warning.version)
        if not current.editable:
            raise ValidationError(f"预警{current.get_status_display()}，不能修改；已发布的预警只能通过“更新”或“解除”另发消息")
        before = audit.snapshot(current, FIELDS)
        warning.version = current.version + 1
        for keep in ("unit_id", "status", "number", "msg_type", "references_id", "source", "external_sender",
                     "external_identifier", "external_sent", "drafted_by_id", "submitted_by_id"):
            setattr(warning, keep, getattr(current, keep))
    _check(warning, regions)
    warning.headline, warning.agency = warning.headline.strip(), warning.agency.strip()
    if created:
        warning.number = _number(warning.unit, timezone.now())
    warning.save()
    warning.regions.set(regions)
    if created:
        workflow.record_event(warning, "create", state=warning.status, actor=actor)
        audit.record(actor, A.CREATE, warning, summary=f"编辑预警：{warning.headline}")
    else:
        audit.record(actor, A.UPDATE, warning, summary="修改预警草稿", before=before,
                     after=audit.snapshot(warning, FIELDS))
    return warning


@transaction.atomic
def follow_up(actor, pk: int, msg_type: str) -> Warning:
    """An 更新 or 解除 of an issued warning: a new draft that references it, its text copied."""
    require(actor, "warning.edit", "您无权编辑预警")
    if msg_type not in (Warning.MsgType.UPDATE, Warning.MsgType.CANCEL):
        raise ValidationError("只能更新或解除预警")
    previous = Warning.objects.visible_to(actor).filter(pk=pk).first()
    if previous is None or not drafts(actor, previous):
        raise PermissionDenied("只有发布单位可以更新或解除预警")
    if previous.status != S.ISSUED:
        raise ValidationError(f"该预警{previous.get_status_display()}，不能再更新或解除")
    if previous.followers.filter(status__in=(S.DRAFT, S.SUBMITTED, S.RETURNED)).exists():
        raise ValidationError("该预警已有一条待签发的更新或解除消息，请先完成它")
    now = timezone.now()
    cancel = msg_type == Warning.MsgType.CANCEL
    draft = Warning(kind=previous.kind, level=previous.level, msg_type=msg_type, references=previous,
                    agency=previous.agency, unit=previous.unit,
                    headline=f"{previous.headline}（{'解除' if cancel else '更新'}）"[:200],
                    description=f"解除{previous.headline}。" if cancel else previous.description,
                    instruction="" if cancel else previous.instruction, area_desc=previous.area_desc,
                    polygon=previous.polygon, onset=now if cancel else previous.onset,
                    expires=now + dt.timedelta(hours=1) if cancel else previous.expires)
    return save_draft(actor, draft, previous.regions.all())


# --- CAP in ----------------------------------------------------------------------------------------

@transaction.atomic
def import_cap(actor, document: bytes, *, origin: str = "文件", unit: Organisation | None = None) -> Warning:
    """A CAP message from outside becomes a draft of the actor's unit (the editor completes it and
    another person signs it off). The same message twice is refused; an 更新/解除 from outside
    references our copy of its original when we have it."""
    require(actor, "warning.edit", "您无权导入预警")
    parsed = cap.parse(document)
    if parsed.status != "Actual":
        raise ValidationError(f"CAP 消息状态为 {parsed.status}（不是实际预警），未导入")
    if Warning.objects.filter(external_sender=parsed.sender, external_identifier=parsed.identifier).exists():
        raise ValidationError(f"该 CAP 消息（{parsed.identifier}）已导入过")
    unit = actor.unit if actor is not SYSTEM else unit
    if unit is None:
        raise ValidationError("导入人须属于一个单位")
    territory = Region.objects.only("path").get(pk=unit.region_id).path
    regions = _regions_of(parsed, territory)
    msg_type = parsed.msg_type if parsed.msg_type in (Warning.MsgType.UPDATE, Warning.MsgType.CANCEL) else "Alert"
    original = None
    own = Warning.objects.filter(unit=unit, status=S.ISSUED)  # only the importing unit's own warnings
    for sender, identifier in parsed.references:
        match = Q(external_sender=sender, external_identifier=identifier)
        if sender == cap.sender():
            match |= Q(number=identifier)  # a message about one of ours, sent back to us
        original = own.filter(match).first()
        if original:
            break
    if msg_type != "Alert" and original is None:
        msg_type = "Alert"  # we never issued what it updates: it stands as a warning of its own
    now = timezone.now()
    expires = parsed.expires if parsed.expires > now else now + dt.timedelta(hours=24)
    warning = Warning(kind=parsed.kind, level=parsed.level, msg_type=msg_type, references=original,
                      agency=parsed.agency[:100], unit=unit, headline=parsed.headline[:200],
                      description=parsed.description, instruction=parsed.instruction,
                      area_desc=parsed.area_desc[:300], polygon=parsed.polygon if parsed.polygon and
                      len(parsed.polygon) <= MAX_POLYGON_POINTS else None,
                      onset=parsed.onset, expires=expires, source=Warning.Source.CAP,
                      external_sender=parsed.sender[:200], external_identifier=parsed.identifier[:200],
                      external_sent=parsed.sent, status=S.DRAFT, drafted_by=None if actor is SYSTEM else actor)
    if warning.onset >= warning.expires:
        warning.onset = now
    if warning.polygon:
        try:
            _check_polygon(warning.polygon)
        except ValidationError:
            warning.polygon = None  # outside China or malformed: the towns named stand as the area
    warning.number = _number(unit, now)
    try:
        with transaction.atomic():
            warning.save()
    except IntegrityError:  # the same message imported a moment ago by someone else
        raise ValidationError(f"该 CAP 消息（{parsed.identifier}）已导入过") from None
    warning.regions.set(regions)
    workflow.record_event(warning, "import", state=warning.status, actor=actor,
                          comment=f"来自{origin}：{parsed.sender} {parsed.identifier}")
    audit.record(actor, A.IMPORT, warning, summary=f"导入 CAP 预警：{warning.headline}")
    return warning


def _regions_of(parsed, territory: str) -> list[Region]:
    """The regions a CAP area names, within the importer's territory: by 区划代码 (the geocodes;
    a 6-digit county code means the whole county) or by name in areaDesc."""
    found = {}
    inside = Region.objects.filter(path__startswith=territory)
    for code in parsed.geocodes:
        code = code.strip()
        if len(code) >= 6 and code.isdigit():
            exact = code.ljust(12, "0")
            for r in inside.filter(code=exact):
                found[r.pk] = r
    if not found and parsed.area_desc:
        for r in inside.filter(level__in=(Region.Level.TOWN, Region.Level.VILLAGE, Region.Level.DISTRICT)):
            if r.name and r.name in parsed.area_desc:
                found[r.pk] = r
    # "铜梁区旧县街道、虎峰镇" names the district too: the towns are the area, not the whole district
    chosen = list(found.values())
    return [r for r in chosen if not any(o.pk != r.pk and o.path.startswith(r.path) for o in chosen)]


def import_url(actor, url: str, *, unit: Organisation | None = None) -> list[Warning]:
    """Every message at a feed address that we have not read yet. One message that cannot be read
    (a test message, a bad date) is logged and skipped; the rest are imported. A single message
    at the address that cannot be read is refused with its reason."""
    import logging

    created, refused = [], []
    messages = cap.messages_at(url)
    for link, body in messages:
        try:
            created.append(import_cap(actor, body, origin=link, unit=unit))
        except (ValidationError, cap.CapError) as exc:
            text = error_text(exc) if isinstance(exc, ValidationError) else str(exc)
            if "已导入过" not in text:
                refused.append(text)
                logging.getLogger("anying.warning").warning("CAP %s: %s", link, text)
    if refused and not created and len(messages) == 1:
        raise ValidationError(refused[0])
    return created


# --- 叫应 by hand, measures ------------------------------------------------------------------------

@transaction.atomic
def acknowledge_for(actor, recipient_id: int, *, via: str, note: str = "") -> None:
    """The duty desk records a 叫应 it made by phone (or the person confirms in the system)."""
    from .models import CallTask, Recipient

    recipient = Recipient.objects.select_related("warning").filter(pk=recipient_id).first()
    if recipient is None or not Warning.objects.visible_to(actor).filter(pk=recipient.warning_id).exists():
        raise PermissionDenied("找不到该叫应记录")
    own = actor is not SYSTEM and recipient.user_id == actor.pk
    if via == Recipient.Via.APP and not own:
        raise PermissionDenied("只有本人可以在系统内确认收到；代为登记请选择电话叫应")
    if not own:
        require(actor, "warning.call", "您无权代为登记叫应")
        _check_desk(actor, recipient)
    if recipient.warning.status != S.ISSUED:
        raise ValidationError("预警已结束，无需叫应")
    if not delivery.acknowledge(recipient, via):
        raise ValidationError("此人已确认收到")
    if via == Recipient.Via.CALL:
        CallTask.objects.filter(recipient=recipient).update(outcome=CallTask.Outcome.REACHED, note=note[:300],
                                                            done_at=timezone.now(), done_by=actor)
    workflow.record_event(recipient.warning, "ack", actor=actor, comment=f"{recipient.name}：{Recipient.Via(via).label}")
    audit.record(actor, A.STATE, recipient.warning, summary=f"叫应确认：{recipient.name}（{Recipient.Via(via).label}）")


def _check_desk(actor, recipient) -> None:
    town = recipient.town or recipient.region
    if not covers(actor, town, None):
        raise PermissionDenied("该叫应对象不在您的辖区")


def call_failed(actor, task_id: int, note: str) -> None:
    from .models import CallTask

    require(actor, "warning.call", "您无权处理叫应任务")
    task = CallTask.objects.select_related("recipient", "recipient__warning").filter(pk=task_id).first()
    if task is None or not Warning.objects.visible_to(actor).filter(pk=task.recipient.warning_id).exists():
        raise PermissionDenied("找不到该叫应任务")
    _check_desk(actor, task.recipient)
    if task.outcome:
        raise ValidationError("该任务已处理")
    if not note.strip():
        raise ValidationError({"note": "请填写未接通的情况（拨打次数、下一步安排）"})
    task.outcome, task.note, task.done_at, task.done_by = CallTask.Outcome.UNREACHED, note.strip()[:300], timezone.now(), actor
    task.save(update_fields=["outcome", "note", "done_at", "done_by"])
    audit.record(actor, A.STATE, task.recipient.warning, summary=f"电话叫应未接通：{task.recipient.name}")


def open_measures(warning: Warning) -> int:
    """The measure tasks of each town in the area (data/measures.csv for its type and level)."""
    found = measures_for(warning.kind, warning.level)
    if not found:
        return 0
    area = delivery.area_of(warning)
    towns = Region.objects.filter(pk__in=area.region_ids, level=Region.Level.TOWN)
    rows = [MeasureTask(warning=warning, town=t, text=m.text[:300], daily=m.daily, basis=m.basis[:200])
            for t in towns for m in found]
    MeasureTask.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def report_measure(actor, task_id: int, report: str, day: dt.date | None = None) -> MeasureTask:
    """A town reports a measure done (a daily one: today's report)."""
    require(actor, "warning.measure", "您无权报告措施落实")
    task = MeasureTask.objects.select_for_update().select_related("warning", "town").filter(pk=task_id).first()
    if task is None or not Warning.objects.visible_to(actor).filter(pk=task.warning_id).exists():
        raise PermissionDenied("找不到该措施任务")
    if not covers(actor, task.town, None):
        raise PermissionDenied("只能报告本镇街的措施落实情况")
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": "请填写落实情况"})
    if len(report) > 2000:
        raise ValidationError({"report": "落实情况不能超过 2000 字"})
    if task.warning.status not in (S.ISSUED, S.UPDATED, S.CANCELLED, S.EXPIRED):
        raise ValidationError("预警尚未发布")
    now = timezone.now()
    day = day or timezone.localdate()
    if task.daily:
        if MeasureReport.objects.filter(task=task, day=day).exists():
            raise ValidationError("今天已报告过该措施")
        MeasureReport.objects.create(task=task, day=day, report=report, reported_by=actor)
    task.done_at, task.report, task.reported_by = task.done_at or now, report, actor
    task.save(update_fields=["done_at", "report", "reported_by"])
    workflow.record_event(task.warning, "measure", actor=actor, comment=f"{task.town.name}：{task.text}")
    audit.record(actor, A.UPDATE, task.warning, summary=f"措施落实：{task.town.name} {task.text[:40]}")
    return task


def expire_due(now: dt.datetime | None = None) -> int:
    """Issued warnings past their expiry end (a tick job); their 叫应 clock stops with them."""
    now = now or timezone.now()
    ended = 0
    for warning in Warning.objects.filter(status=S.ISSUED, expires__lte=now):
        with transaction.atomic():
            if Warning.objects.filter(pk=warning.pk, status=S.ISSUED).update(status=S.EXPIRED, ended_at=now):
                workflow.record_event(warning, "expire", state=S.EXPIRED, actor=SYSTEM)
                ended += 1
    return ended


# --- the roster ------------------------------------------------------------------------------------

CONTACT_FIELDS = ["name", "phone", "region", "role", "title", "families", "superior", "is_active", "note"]


@transaction.atomic
def save_contact(actor, contact) -> object:
    """Add or change a person of the 责任人名册, within the actor's territory."""
    from .models import Contact

    require(actor, "warning.contacts", "您无权维护预警责任人名册")
    if not covers(actor, contact.region, None):
        raise PermissionDenied("只能登记本辖区的责任人")
    if contact.superior_id and not Contact.objects.visible_to(actor).filter(pk=contact.superior_id).exists():
        raise ValidationError({"superior": "上级须是本辖区名册中的人"})
    if contact.superior_id and contact.superior_id == contact.pk:
        raise ValidationError({"superior": "上级不能是本人"})
    created = contact.pk is None
    before = None
    if not created:
        current = Contact.objects.visible_to(actor).select_for_update().filter(pk=contact.pk).first()
        if current is None:
            raise PermissionDenied("找不到该责任人")
        before = audit.snapshot(current, CONTACT_FIELDS)
        contact.version = current.version + 1
    if actor is not SYSTEM and contact.unit_id is None:
        contact.unit = actor.unit
    contact.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, contact, summary=f"{'登记' if created else '修改'}预警责任人：{contact}",
                 before=before, after=audit.snapshot(contact, CONTACT_FIELDS))
    return contact


_LAST_POLL: dict[str, dt.datetime] = {}


def poll_feeds(now: dt.datetime | None = None) -> int:
    """A tick job: read the configured feeds (ANYING_CAP_FEEDS, e.g. the weather bureau's) at most
    every ANYING_CAP_FEED_MINUTES; new messages become drafts of ANYING_CAP_FEED_UNIT, whose editors
    are told. A feed that fails is logged and tried again next time; it never stops the tick."""
    import logging

    from django.conf import settings

    now = now or timezone.now()
    if not settings.ANYING_CAP_FEEDS or not settings.ANYING_CAP_FEED_UNIT:
        return 0
    unit = Organisation.objects.filter(name=settings.ANYING_CAP_FEED_UNIT, is_active=True).first()
    if unit is None:
        logging.getLogger("anying.warning").warning("ANYING_CAP_FEED_UNIT %s: no such unit", settings.ANYING_CAP_FEED_UNIT)
        return 0
    created = []
    for url in settings.ANYING_CAP_FEEDS:
        last = _LAST_POLL.get(url)
        if last is not None and now - last < dt.timedelta(minutes=settings.ANYING_CAP_FEED_MINUTES):
            continue
        _LAST_POLL[url] = now
        try:
            created += import_url(SYSTEM, url, unit=unit)
        except Exception as exc:  # noqa: BLE001 - one feed's failure must not stop the tick's other jobs
            logging.getLogger("anying.warning").warning("CAP feed %s: %s", url, exc)
    if created:
        from anying.core import notifications

        notifications.notify(recipients.members([unit.pk], "warning.edit"), f"收到 {len(created)} 条外部预警，待编辑签发",
                             "、".join(w.headline for w in created)[:500], reverse("warning:list") + "?status=draft")
    return len(created)
