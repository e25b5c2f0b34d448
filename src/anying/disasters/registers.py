"""The registers behind the figures (因灾死亡失踪人口台账, 转移安置) and the relief given during
the event: goods out of the warehouse ledger to shelters and households, the "five haves" of each
shelter, and the share of people needing help reached within 8 hours."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, masking, recipients
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Region
from anying.core.notifications import notify
from anying.core.permissions import require
from anying.core.scope import covers

from . import rules
from .models import Aid, Casualty, Event, Report, ShelterCheck, Stay

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
CASUALTY_FIELDS = ["name", "gender", "age", "status", "occurred_on", "place", "cause", "residence", "note"]
STAY_FIELDS = ["mode", "shelter", "head", "persons", "arrived_at", "left_at", "note"]


def _place(actor, event: Event, town_id, village_id=None) -> tuple[Region, Region | None]:
    town = Region.objects.filter(pk=town_id, level=Region.Level.TOWN).first()
    if town is None or not event.towns.filter(pk=town.pk).exists():
        raise ValidationError({"town": "请选择该灾害过程的受灾镇街"})
    if not covers(actor, town):
        raise PermissionDenied("只能登记本辖区的镇街")
    village = None
    if village_id:
        village = Region.objects.filter(pk=village_id, parent=town, level=Region.Level.VILLAGE).first()
        if village is None:
            raise ValidationError({"village": "村（社区）须属于所选镇街"})
    return town, village


def _open(event: Event) -> None:
    if event.status == Event.Status.CLOSED:
        raise ValidationError("该灾害过程已结束，台账不能再修改")


mask_id = masking.id_number  # the product's one rule (core/masking.py)


@transaction.atomic
def add_casualty(actor, event: Event, data: dict) -> Casualty:
    require(actor, "disasters.report")
    _open(event)
    town, village = _place(actor, event, data.get("town"), data.get("village"))
    errors = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写姓名"
    id_number = (data.get("id_number") or "").strip().upper()
    if id_number and not ID_NUMBER.match(id_number):
        errors["id_number"] = "身份证号应为18位"
    if data.get("status") not in Casualty.Status.values:
        errors["status"] = "请选择死亡或失踪"
    if data.get("gender") not in ("男", "女"):
        errors["gender"] = "请选择性别"
    occurred = data.get("occurred_on")
    if not isinstance(occurred, dt.date) or occurred < timezone.localtime(event.started_at).date() \
            or occurred > timezone.localdate():
        errors["occurred_on"] = "日期须在灾害发生之后、不晚于今天"
    for f in ("place", "cause"):
        if not (data.get(f) or "").strip():
            errors[f] = "请填写" + Casualty._meta.get_field(f).verbose_name
    age = data.get("age")
    if age not in (None, "") and not (0 <= int(age) <= 130):
        errors["age"] = "年龄须在 0 至 130 之间"
    if errors:
        raise ValidationError(errors)
    row = Casualty.objects.create(
        event=event, town=town, village=village, name=name[:40], gender=data["gender"], age=age or None,
        id_number=id_number, status=data["status"], occurred_on=occurred, place=data["place"].strip()[:200],
        cause=data["cause"].strip()[:200], residence=(data.get("residence") or "").strip()[:200],
        note=(data.get("note") or "").strip()[:300], created_by=actor)
    audit.record(actor, AuditEvent.Action.CREATE, row, summary=f"登记因灾{row.get_status_display()}人员：{name}",
                 place=event, after=audit.snapshot(row, CASUALTY_FIELDS) | {"id_number": mask_id(id_number)})
    return row


@transaction.atomic
def change_casualty(actor, pk: int, *, status: str, note: str = "", version: int | None = None) -> Casualty:
    """A missing person found dead (or alive: the row is removed with its reason kept in audit)."""
    require(actor, "disasters.report")
    row = Casualty.objects.visible_to(actor).select_for_update().get(pk=pk)
    _open(row.event)
    if version is not None and row.version != version:
        raise ValidationError("该记录已被他人修改，请刷新")
    before = audit.snapshot(row, CASUALTY_FIELDS)
    if status == "found":
        if row.status != Casualty.Status.MISSING:
            raise ValidationError({"status": "只有失踪人员可以登记“已找到”"})
        if not note.strip():
            raise ValidationError({"note": "请说明找到的情况"})
        audit.record(actor, AuditEvent.Action.DELETE, row, summary=f"失踪人员已找到：{row.name}（{note.strip()[:100]}）",
                     before=before, place=row.event)
        row.delete()
        return row
    if status not in Casualty.Status.values:
        raise ValidationError({"status": "请选择死亡或失踪"})
    row.status, row.note, row.version = status, (note or row.note).strip()[:300], row.version + 1
    row.save(update_fields=["status", "note", "version"])
    audit.record(actor, AuditEvent.Action.UPDATE, row, summary=f"修改因灾死亡失踪人员：{row.name}", before=before,
                 after=audit.snapshot(row, CASUALTY_FIELDS), place=row.event)
    return row


def _shelter(actor, shelter_id):
    from anying.places.models import Place

    shelter = Place.objects.visible_to(actor).filter(pk=shelter_id, kind=Place.Kind.SHELTER).first()
    if shelter is None:
        raise ValidationError({"shelter": "请选择本辖区的应急避难场所"})
    return shelter


@transaction.atomic
def add_stay(actor, event: Event, data: dict) -> Stay:
    require(actor, "disasters.report")
    _open(event)
    town, village = _place(actor, event, data.get("town"), data.get("village"))
    errors = {}
    mode = data.get("mode") or Stay.Mode.SHELTER
    if mode not in Stay.Mode.values:
        errors["mode"] = "请选择安置方式"
    shelter = None
    if mode == Stay.Mode.SHELTER:
        try:
            shelter = _shelter(actor, data.get("shelter"))
        except ValidationError as e:
            errors.update(e.message_dict)
    head = (data.get("head") or "").strip()
    if not head:
        errors["head"] = "请填写户主姓名"
    persons = data.get("persons")
    if not isinstance(persons, int) or not 1 <= persons <= 100:
        errors["persons"] = "人数须在 1 至 100 之间"
    arrived = data.get("arrived_at") or timezone.now()
    if arrived < event.started_at - dt.timedelta(days=2) or arrived > timezone.now() + dt.timedelta(minutes=5):
        errors["arrived_at"] = "安置时间须在灾害发生前后、不晚于现在（提前转移可早于灾害发生，最多2天）"
    if errors:
        raise ValidationError(errors)
    row = Stay.objects.create(event=event, town=town, village=village, mode=mode, shelter=shelter, head=head[:40],
                              phone=(data.get("phone") or "").strip()[:20], persons=persons, arrived_at=arrived,
                              note=(data.get("note") or "").strip()[:200], created_by=actor)
    audit.record(actor, AuditEvent.Action.CREATE, row, summary=f"登记转移安置：{head}户 {persons} 人", place=event,
                 after=audit.snapshot(row, STAY_FIELDS))
    return row


@transaction.atomic
def end_stay(actor, pk: int, *, left_at: dt.datetime | None = None, version: int | None = None) -> Stay:
    require(actor, "disasters.report")
    row = Stay.objects.visible_to(actor).select_for_update().get(pk=pk)
    if version is not None and row.version != version:
        raise ValidationError("该记录已被他人修改，请刷新")
    if row.left_at:
        raise ValidationError("该户已登记返家")
    left_at = left_at or timezone.now()
    if left_at < row.arrived_at:
        raise ValidationError({"left_at": "返家时间不能早于安置时间"})
    before = audit.snapshot(row, STAY_FIELDS)
    row.left_at, row.version = left_at, row.version + 1
    row.save(update_fields=["left_at", "version"])
    audit.record(actor, AuditEvent.Action.UPDATE, row, summary=f"{row.head}户返家", before=before,
                 after=audit.snapshot(row, STAY_FIELDS), place=row.event)
    return row


@transaction.atomic
def check_shelter(actor, event: Event, data: dict) -> ShelterCheck:
    """A "five haves" check of a shelter in use; a missing one is told to the town at once."""
    require(actor, "disasters.relief")
    _open(event)
    shelter = _shelter(actor, data.get("shelter"))
    town = Region.objects.filter(pk=data.get("town"), level=Region.Level.TOWN).first()
    if town is None or not event.towns.filter(pk=town.pk).exists() or not covers(actor, town):
        raise ValidationError({"town": "请选择本辖区的受灾镇街"})
    five = {f: bool(data.get(f)) for f in ShelterCheck.FIVE}
    if not all(five.values()) and not (data.get("note") or "").strip():
        raise ValidationError({"note": "有未保障的项目，请写明问题和措施"})
    row = ShelterCheck.objects.create(event=event, shelter=shelter, town=town, checked_at=timezone.now(),
                                      note=(data.get("note") or "").strip()[:300], checked_by=actor, **five)
    lacking = [ShelterCheck._meta.get_field(f).verbose_name for f, ok in five.items() if not ok]
    audit.record(actor, AuditEvent.Action.CREATE, row, place=event,
                 summary=f"“五有”检查：{shelter.name}" + (f"，缺：{'、'.join(lacking)}" if lacking else "，五有齐全"))
    if lacking:
        from anying.core.models import Organisation

        units = Organisation.objects.filter(region=town, kind=Organisation.Kind.TOWN_OFFICE).values_list("pk", flat=True)
        users = [u for u in recipients.members(units, "disasters.relief") if u.pk != actor.pk]
        if users:
            notify(users, f"安置点“五有”未保障：{shelter.name}", f"缺：{'、'.join(lacking)}。{row.note}",
                       reverse("disasters:relief", args=[event.pk]))
    return row


@transaction.atomic
def give_aid(actor, event: Event, data: dict) -> Aid:
    """Goods leave a warehouse for a shelter or a household: an 出库单 draft the keepers post
    (supplies' rule: stock moves only by a posted document)."""
    from anying.supplies import services as supplies
    from anying.supplies.models import Item, StockBalance, Warehouse

    require(actor, "disasters.relief")
    _open(event)
    errors = {}
    town = Region.objects.filter(pk=data.get("town"), level=Region.Level.TOWN).first()
    if town is None or not event.towns.filter(pk=town.pk).exists() or not covers(actor, town):
        errors["town"] = "请选择本辖区的受灾镇街"
    shelter = None
    household = (data.get("household") or "").strip()
    if data.get("shelter"):
        try:
            shelter = _shelter(actor, data["shelter"])
        except ValidationError as e:
            errors.update(e.message_dict)
    elif not household:
        errors["household"] = "请选择安置点或填写受助户"
    persons = data.get("persons")
    if not isinstance(persons, int) or not 1 <= persons <= 100_000:
        errors["persons"] = "救助人数须在 1 至 100000 之间"
    warehouse = Warehouse.objects.visible_to(actor).filter(pk=data.get("warehouse"), is_active=True).first()
    item = Item.objects.filter(pk=data.get("item"), is_active=True).first()
    if warehouse is None:
        errors["warehouse"] = "请选择可调用的仓库"
    if item is None:
        errors["item"] = "请选择物资"
    try:
        quantity = Decimal(str(data.get("quantity")))
        if not quantity.is_finite() or quantity <= 0 or quantity > Decimal("10000000"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["quantity"] = "数量须大于0"
        quantity = None
    if not errors:
        available = StockBalance.objects.filter(warehouse=warehouse, item=item).values_list("quantity", flat=True) \
            .first() or Decimal(0)
        if available < quantity:
            errors["quantity"] = f"{warehouse.name}的{item.name}库存只有{supplies.fmt(available)}{item.uom}"
    if errors:
        raise ValidationError(errors)
    to = shelter.name if shelter else f"{household}户"
    from anying.core.workflow import SYSTEM

    doc = supplies.create_document(SYSTEM, kind="issue", warehouse=warehouse, lines=[{"item": item, "quantity": quantity}],
                                   counterparty=f"{event.name}：{town.name}{to}"[:200],
                                   note=f"灾害过程 {event.number} 应急救助，{persons} 人")
    type(doc).objects.filter(pk=doc.pk).update(created_by=actor)
    aid = Aid.objects.create(event=event, town=town, shelter=shelter, household=household[:60], persons=persons,
                             document=doc, note=(data.get("note") or "").strip()[:200], created_by=actor)
    audit.record(actor, AuditEvent.Action.CREATE, aid, place=event,
                 summary=f"应急救助：{warehouse.name} {item.name} {supplies.fmt(quantity)}{item.uom} → {to}（出库单待过账）")
    keepers = [u for u in recipients.members([warehouse.owner_id], "supplies.keep") if u.pk != actor.pk]
    if keepers:
        notify(keepers, f"救灾物资出库：{item.name}", f"{event.name}：{to}，请过账出库单并发运",
                   reverse("supplies:document_detail", args=[doc.pk]))
    return aid


@transaction.atomic
def deliver(actor, pk: int, *, at: dt.datetime | None = None, version: int | None = None) -> Aid:
    """The goods reached the people: only after the warehouse posted the 出库单."""
    require(actor, "disasters.relief")
    aid = Aid.objects.visible_to(actor).select_for_update().get(pk=pk)
    if version is not None and aid.version != version:
        raise ValidationError("该记录已被他人修改，请刷新")
    if aid.delivered_at:
        raise ValidationError("已登记送达")
    if aid.document and aid.document.status != "posted":
        raise ValidationError("出库单尚未过账，物资还没有出库")
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5) or at < aid.created_at - dt.timedelta(minutes=1):
        raise ValidationError({"delivered_at": "送达时间须在登记之后、不晚于现在"})
    aid.delivered_at, aid.version = at, aid.version + 1
    aid.save(update_fields=["delivered_at", "version"])
    audit.record(actor, AuditEvent.Action.UPDATE, aid, summary=f"救助物资送达：{aid}", place=aid.event,
                 after={"delivered_at": timezone.localtime(at).isoformat()})
    return aid


def needing_help(event: Event, town: Region | None = None) -> int:
    """People needing emergency help: the latest sent report of each town (cumulative figures)."""
    latest = {}
    qs = Report.objects.filter(event=event, status__in=("submitted", "accepted"))
    if town is not None:
        qs = qs.filter(town=town)
    for r in qs.order_by("town_id", "submitted_at", "id").only("town_id", "needing_help"):
        latest[r.town_id] = r.needing_help
    return sum(latest.values())


def basic_needs(event: Event, towns=None) -> dict:
    """The 8-hour share: people reached by delivered aid within the hours after the disaster
    began, over the people needing help (capped at 100%)."""
    hours = int(rules.checks()["basic_needs_hours"])
    by = event.started_at + dt.timedelta(hours=hours)
    aids = Aid.objects.filter(event=event, delivered_at__isnull=False, delivered_at__lte=by)
    if towns is not None:
        aids = aids.filter(town__in=towns)
    # several deliveries to one shelter or household reach the same people: count each once (its largest)
    reached = sum(row["n"] for row in aids.values("town", "shelter", "household").annotate(n=Max("persons")))
    needing = sum(needing_help(event, t) for t in towns) if towns is not None else needing_help(event)
    rate = None if not needing else min(Decimal(100), Decimal(reached) * 100 / needing).quantize(Decimal("0.1"))
    return {"hours": hours, "reached": reached, "needing": needing, "rate": rate,
            "target": rules.checks()["basic_needs_target"], "by": by}


def shelters_in_use(event: Event, user=None) -> list[dict]:
    """Each shelter with people now, its persons, its last "five haves" check."""
    stays = Stay.objects.filter(event=event, mode=Stay.Mode.SHELTER, left_at__isnull=True)
    if user is not None:
        stays = stays.visible_to(user)
    totals = {row["shelter"]: row["n"] for row in stays.values("shelter").annotate(n=Sum("persons"))}
    from anying.places.models import Place

    checks = {}
    for check in ShelterCheck.objects.filter(event=event, shelter_id__in=list(totals)).order_by("checked_at", "id"):
        checks[check.shelter_id] = check
    places = Place.objects.in_bulk(list(totals))
    return [{"shelter": places[pk], "persons": n, "check": checks.get(pk)} for pk, n in totals.items() if pk in places]


def five_haves_rate(rows: list[dict]) -> Decimal | None:
    if not rows:
        return None
    good = sum(1 for r in rows if r["check"] and r["check"].all_five)
    return (Decimal(good) * 100 / len(rows)).quantize(Decimal("0.1"))
