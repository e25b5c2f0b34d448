"""Responding to an incident: activation at a response level, tasks and orders with receipt and
completion, dispatch of teams and supplies with their times, the field command post, the review,
and the accident record. Same rules as services.py: permission, scope, validation, timeline, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anying.core import audit, recipients
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation
from anying.core.notifications import notify
from anying.core.permissions import SYSTEM, require

from .models import Category, Incident, Kind
from .models_response import CommandPost, Dispatch, Response, ResponseLevel, Review, Task
from .services import _event, _open, _own_desk, _url, _visible, is_desk

A = AuditEvent.Action
ARRIVAL_MINUTES = 60  # seed 000「接到……处置指令后1小时内到达现场」; the target rate is rescue's arrival_1h_rate


def _when(at, incident: Incident, label: str = "时间") -> dt.datetime:
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5) or at < incident.occurred_at:
        raise ValidationError({"at": f"{label}须在事件发生之后、现在之前"})
    return at


def _text(value, field: str, message: str, limit: int = 2000) -> str:
    value = (value or "").strip()[:limit]
    if not value:
        raise ValidationError({field: message})
    return value


def _working(user, pk: int) -> Incident:
    require(user, "incidents.take")
    incident = _visible(user, pk, lock=True)
    _open(incident)
    if incident.status != Incident.Status.OPEN:
        raise ValidationError("事件已终报，不能再调度")
    return incident


# --- activation ------------------------------------------------------------------------------------

ACTIVE_PLANS = ("issued", "filed")  # 已印发 or 已备案: a plan in force (plans.EmergencyPlan.Status)


def plan_actions(plan, level: int, unit: Organisation) -> list[tuple]:
    """The plan's checklist at `level` (plans.services.actions_for: that level's and the less severe
    levels' actions) as (unit, role, text, within_minutes): each to its working group's lead unit, or to
    the activating unit when the group names none."""
    from anying.plans.services import actions_for

    return [(a.role.unit if a.role_id and a.role.unit_id else unit, a.role.name if a.role_id else "", a.text,
             a.within_minutes) for a in actions_for(plan, level)]


def plans_to_activate(user):
    """The plans in force the user may read (a town: its own and the district's)."""
    from anying.plans.models import EmergencyPlan

    return EmergencyPlan.objects.visible_to(user).filter(status__in=ACTIVE_PLANS).select_related("owner") \
        .order_by("level", "name")


@transaction.atomic
def activate(user, pk: int, *, plan_name: str = "", level: int, commander: str, at=None, actions=(),
             plan=None) -> Response:
    """Start a response at a level. With a plan of the register (in force, readable by the user) its
    checklist for that level becomes the tasks; a plan outside the system is named and its tasks are
    ordered by hand. `actions` (unit, role, text, within_minutes) are extra tasks."""
    incident = _working(user, pk)
    if plan is not None:
        if user is not SYSTEM and not plans_to_activate(user).filter(pk=plan.pk).exists():
            raise ValidationError({"plan": "只能启动已印发或已备案、本单位可查看的预案"})
        if not plan.levels.filter(number=level).exists():
            raise ValidationError({"level": "该预案没有这一响应级别"})
        plan_name = plan.name
    if level not in ResponseLevel.values:
        raise ValidationError({"level": "请选择响应级别"})
    unit = user.unit if user is not SYSTEM else incident.unit
    if not is_desk(unit):
        raise PermissionDenied("只有政府单位可以启动应急响应")
    if incident.responses.filter(ended_at__isnull=True, unit=unit).exists():
        raise ValidationError("本单位已启动响应：请调整级别或先终止")
    at = _when(at, incident, "启动时间")
    if plan is not None:
        actions = plan_actions(plan, level, unit) + list(actions)
    response = Response.objects.create(
        incident=incident, plan=plan, plan_name=_text(plan_name, "plan_name", "请选择或填写启动的预案", 200), level=level,
        commander=_text(commander, "commander", "请填写指挥长", 60), unit=unit, activated_at=at,
        created_by=None if user is SYSTEM else user)
    tasks = [Task(incident=incident, response=response, source=Task.Source.PLAN, text=text[:2000], role=role[:60],
                  unit=task_unit, issued_at=at, issued_by=None if user is SYSTEM else user, order=n,
                  due_at=at + dt.timedelta(minutes=within) if within else None)
             for n, (task_unit, role, text, within) in enumerate(actions)]
    Task.objects.bulk_create(tasks)
    _tell_units({t.unit_id for t in tasks}, f"应急响应任务：{incident.title}",
                f"{response}，请签收并落实本单位任务", incident)
    _event(incident, "step:respond", user, f"启动{response}，指挥长{response.commander}；下达任务{len(tasks)}项", at=at)
    audit.record(user, A.CREATE, response, summary=f"启动{response}（任务{len(tasks)}项）")
    return response


@transaction.atomic
def change_level(user, response_id: int, level: int, reason: str, at=None) -> Response:
    require(user, "incidents.take")
    response = Response.objects.visible_to(user).select_for_update().select_related("incident").filter(
        pk=response_id).first()
    if response is None or (user is not SYSTEM and response.unit_id != user.unit_id):
        raise PermissionDenied("只有启动响应的单位可以调整级别")
    if response.ended_at:
        raise ValidationError("响应已终止")
    if level not in ResponseLevel.values or level == response.level:
        raise ValidationError({"level": "请选择新的响应级别"})
    reason = _text(reason, "reason", "请填写调整理由", 300)
    at = _when(at, response.incident)
    if at < response.activated_at:
        raise ValidationError({"at": "调整时间不能早于启动时间"})
    old = response.get_level_display()
    response.level = level
    response.save(update_fields=["level"])
    _event(response.incident, "step:respond", user, f"响应级别 {old} → {response.get_level_display()}：{reason}", at=at)
    audit.record(user, A.UPDATE, response, summary=f"响应级别 {old} → {response.get_level_display()}：{reason}")
    return response


@transaction.atomic
def end_response(user, response_id: int, reason: str, at=None) -> Response:
    require(user, "incidents.take")
    response = Response.objects.visible_to(user).select_for_update().select_related("incident").filter(
        pk=response_id).first()
    if response is None or (user is not SYSTEM and response.unit_id != user.unit_id):
        raise PermissionDenied("只有启动响应的单位可以终止响应")
    if response.ended_at:
        raise ValidationError("响应已终止")
    response.end_reason = _text(reason, "reason", "请填写终止理由", 300)
    response.ended_at = _when(at, response.incident, "终止时间")
    if response.ended_at < response.activated_at:
        raise ValidationError({"at": "终止时间不能早于启动时间"})
    response.save(update_fields=["ended_at", "end_reason"])
    _event(response.incident, "step:respond", user, f"终止{response}：{response.end_reason}", at=response.ended_at)
    audit.record(user, A.UPDATE, response, summary=f"终止响应：{response.end_reason}")
    return response


# --- tasks and orders ------------------------------------------------------------------------------

def _tell_units(unit_ids, title: str, body: str, incident: Incident) -> None:
    if unit_ids:
        notify(recipients.desk(list(unit_ids)), title, body, _url(incident))


def task_units(user):
    """The units an order may go to: the government units of the user's territory."""
    return Organisation.objects.filter(is_active=True).exclude(kind=Organisation.Kind.ENTERPRISE).filter(
        Q(pk=user.unit_id) | Q(region__path__startswith=user.unit.region.path) if user.unit_id else Q(pk__in=[]))


@transaction.atomic
def issue(user, pk: int, *, unit: Organisation, text: str, role: str = "", due_at=None,
          source: str = Task.Source.ORDER, post: CommandPost | None = None) -> Task:
    incident = _working(user, pk) if source != Task.Source.REVIEW else _visible(user, pk, lock=True)
    if user is not SYSTEM and not task_units(user).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": "只能向本辖区的单位下达任务"})
    text = _text(text, "text", "请填写任务内容")
    if due_at is not None and due_at <= timezone.now():
        raise ValidationError({"due_at": "完成时限须晚于现在"})
    task = Task.objects.create(incident=incident, source=source, text=text, role=(role or "")[:60], unit=unit,
                               due_at=due_at, post=post, issued_by=None if user is SYSTEM else user)
    _tell_units([unit.pk], f"{task.get_source_display()}：{incident.title}", text[:200], incident)
    _event(incident, "step:dispatch", user, f"向{unit.name}下达{task.get_source_display()}：{text[:200]}")
    audit.record(user, A.CREATE, task, summary=f"{task.get_source_display()} → {unit.name}")
    return task


def _own_task(user, task_id: int) -> Task:
    task = Task.objects.select_for_update().select_related("incident", "unit").filter(pk=task_id).first()
    if task is None or (user is not SYSTEM and task.unit_id != user.unit_id):
        raise PermissionDenied("只有承办单位可以签收和反馈任务")
    if task.status in (Task.Status.DONE, Task.Status.CANCELLED):
        raise ValidationError(f"任务{task.get_status_display()}")
    return task


@transaction.atomic
def receive_task(user, task_id: int) -> Task:
    require(user, "incidents.view")
    task = _own_task(user, task_id)
    if task.received_at:
        raise ValidationError("任务已签收")
    task.status, task.received_at, task.received_by = Task.Status.RECEIVED, timezone.now(), user
    task.save(update_fields=["status", "received_at", "received_by"])
    _event(task.incident, "step:track", user, f"{task.unit.name}签收任务：{task.text[:100]}")
    audit.record(user, A.UPDATE, task, summary="签收任务")
    return task


@transaction.atomic
def report_task(user, task_id: int, feedback: str, done: bool) -> Task:
    """Feedback on a task, and its completion (which signs for it too, if it was not yet)."""
    require(user, "incidents.view")
    task = _own_task(user, task_id)
    now = timezone.now()
    task.feedback = _text(feedback, "feedback", "请填写落实情况", 2000)
    task.feedback_at = now
    if not task.received_at:
        task.received_at, task.received_by = now, user
    task.status = Task.Status.DONE if done else Task.Status.RECEIVED
    task.done_at = now if done else None
    task.save()
    _event(task.incident, "step:track", user,
           f"{task.unit.name}{'完成' if done else '反馈'}任务：{task.text[:80]}。{task.feedback[:200]}")
    audit.record(user, A.UPDATE, task, summary=("完成任务：" if done else "反馈：") + task.feedback[:100])
    return task


# --- dispatch ----------------------------------------------------------------------------------------

def nearest_teams(user, incident: Incident, limit: int = 8):
    return _nearest("rescue_teams", user, incident, limit)


def nearest_warehouses(user, incident: Incident, limit: int = 8):
    return _nearest("warehouses", user, incident, limit)


def _nearest(code: str, user, incident: Incident, limit: int):
    """The nearest rows of a map layer the user may see (its permission), from the incident's point."""
    from anying.places.layers import visible
    from anying.places.nearest import nearest

    layer = next((la for la in visible(user) if la.code == code), None)
    if layer is None or incident.latitude is None:
        return []
    return nearest(layer, user, float(incident.latitude), float(incident.longitude), limit=limit)


def _km(incident: Incident, lat, lon) -> Decimal | None:
    from anying.places.nearest import haversine_km

    if incident.latitude is None or lat is None:
        return None
    return Decimal(str(round(haversine_km(float(incident.latitude), float(incident.longitude), float(lat),
                                          float(lon)), 1)))


@transaction.atomic
def dispatch_team(user, pk: int, team_id: int, *, people: int = 0, vehicles: int = 0, note: str = "",
                  at=None) -> Dispatch:
    from anying.rescue.models import Team

    incident = _working(user, pk)
    team = Team.objects.visible_to(user).filter(pk=team_id, is_active=True).select_related("base").first() \
        if user is not SYSTEM else Team.objects.filter(pk=team_id).select_related("base").first()
    if team is None:
        raise ValidationError({"team": "请选择可调派的救援队伍"})
    if incident.dispatches.filter(team=team, returned_at__isnull=True).exists():
        raise ValidationError({"team": "该队伍已在调派中"})
    if not (0 <= people <= 10000 and 0 <= vehicles <= 1000):
        raise ValidationError({"people": "人数或车辆数不合理"})
    at = _when(at, incident, "调派时间")
    base = team.base
    d = Dispatch.objects.create(incident=incident, kind=Dispatch.Kind.TEAM, team=team, people=people, vehicles=vehicles,
                                note=(note or "")[:300], ordered_at=at, ordered_by=None if user is SYSTEM else user,
                                km=_km(incident, base.latitude if base else None, base.longitude if base else None))
    notify(recipients.desk([team.owner_id]), f"调派：{team.name}赶赴{incident.title}",
           f"{incident.region}{incident.place}；请立即出发并报告出发、到达时间", _url(incident))
    _event(incident, "step:dispatch", user, f"调派{team.name}" + (f"（{d.km} 公里）" if d.km is not None else ""), at=at)
    audit.record(user, A.CREATE, d, summary=f"调派救援队伍：{team.name}")
    return d


@transaction.atomic
def dispatch_supplies(user, pk: int, warehouse_id: int, item_id: int, quantity, note: str = "") -> Dispatch:
    """Supplies leave the ledger only through an 出库单 the warehouse posts (supplies' rule): the desk
    makes the draft, named for the incident; its keepers are told to post it and send the goods."""
    from anying.supplies import services as supplies
    from anying.supplies.models import Item, StockBalance, Warehouse

    incident = _working(user, pk)
    warehouse = Warehouse.objects.visible_to(user).filter(pk=warehouse_id, is_active=True).select_related("place").first()
    item = Item.objects.filter(pk=item_id).first()
    if warehouse is None:
        raise ValidationError({"warehouse": "请选择可调用的仓库"})
    if item is None:
        raise ValidationError({"item": "请选择物资"})
    try:
        quantity = Decimal(str(quantity))
        if not quantity.is_finite() or quantity <= 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"quantity": "数量须大于0"}) from None
    available = StockBalance.objects.filter(warehouse=warehouse, item=item).values_list("quantity", flat=True).first() \
        or Decimal(0)
    if available < quantity:
        raise ValidationError({"quantity": f"{warehouse.name}的{item.name}库存只有{supplies.fmt(available)}"})
    doc = supplies.create_document(SYSTEM, kind="issue", warehouse=warehouse, lines=[{"item": item, "quantity": quantity}],
                                   counterparty=f"{incident.title}（{incident.region}{incident.place}）"[:200],
                                   note=f"接报事件 {incident.number} 调用；{(note or '')[:200]}")
    if user is not SYSTEM:  # made for the desk (it does not keep the warehouse), in its name
        type(doc).objects.filter(pk=doc.pk).update(created_by=user)
    d = Dispatch.objects.create(incident=incident, kind=Dispatch.Kind.SUPPLIES, warehouse=warehouse, document=doc,
                                note=f"{item.name} {supplies.fmt(quantity)}{item.uom}"[:300], ordered_at=timezone.now(),
                                ordered_by=None if user is SYSTEM else user,
                                km=_km(incident, warehouse.place.latitude, warehouse.place.longitude))
    notify(recipients.members([warehouse.owner_id], "supplies.keep"), f"应急调用：{item.name}",
           f"{incident.title}调用{d.note}，请过账出库单并发运", _url(incident))
    _event(incident, "step:dispatch", user, f"调用{warehouse.name}：{d.note}（出库单待过账）")
    audit.record(user, A.CREATE, d, summary=f"调用物资：{warehouse.name} {d.note}")
    return d


MOVES = {"departed": "出发", "arrived": "到达", "returned": "返回"}


@transaction.atomic
def mark(user, dispatch_id: int, move: str, at=None) -> Dispatch:
    """Departure, arrival, return of a dispatched force, each once and in order."""
    require(user, "incidents.take")
    d = Dispatch.objects.visible_to(user).select_for_update(of=("self",)).select_related("incident", "team", "document", "warehouse", "ordered_by").filter(
        pk=dispatch_id).first()
    if d is None:
        raise PermissionDenied("找不到该调派记录")
    if user is not SYSTEM and user.unit_id not in {getattr(d.ordered_by, "unit_id", None), d.team.owner_id if d.team_id else None,
                                                   d.warehouse.owner_id if d.warehouse_id else None}:
        raise PermissionDenied("只有下达调派的单位或队伍、仓库的主管单位可以记录出发和到达")
    _open(d.incident)
    if move not in MOVES:
        raise ValidationError("未知的操作")
    if getattr(d, f"{move}_at"):
        raise ValidationError(f"已记录{MOVES[move]}时间")
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5) or at < d.ordered_at:
        raise ValidationError({"at": f"{MOVES[move]}时间须在调派指令之后、现在之前"})
    order = list(MOVES)
    for later in order[order.index(move) + 1:]:
        value = getattr(d, f"{later}_at")
        if value is not None and at > value:
            raise ValidationError({"at": f"{MOVES[move]}时间不能晚于{MOVES[later]}时间"})
    for earlier in order[:order.index(move)]:
        value = getattr(d, f"{earlier}_at")
        if value is None and not (earlier == "departed" and move == "arrived"):
            raise ValidationError(f"请先记录{MOVES[earlier]}时间")
        if value is not None and at < value:
            raise ValidationError({"at": f"{MOVES[move]}时间不能早于{MOVES[earlier]}时间"})
    if d.kind == Dispatch.Kind.SUPPLIES and move == "departed" and d.document and d.document.status != "posted":
        raise ValidationError("出库单尚未过账：物资出库后才能发运")
    setattr(d, f"{move}_at", at)
    d.save(update_fields=[f"{move}_at"])
    what = d.team.name if d.team_id else d.note
    extra = ""
    if move == "arrived":
        extra = f"，调派后 {d.minutes_to_arrive} 分钟到达"
    _event(d.incident, "step:dispatch", user, f"{what}{MOVES[move]}{extra}", at=at)
    audit.record(user, A.UPDATE, d, summary=f"{what}{MOVES[move]}{extra}")
    return d


def arrival_rate(dispatches) -> dict:
    """Seed 000's KPI: of the team dispatches (an order each), the share that reached the scene within
    1 hour of the order. Dispatches not arrived and past the hour count as missed; those still inside
    the hour are not counted yet."""
    now = timezone.now()
    limit = dt.timedelta(minutes=ARRIVAL_MINUTES)
    counted = reached = 0
    for ordered, arrived in dispatches.filter(kind=Dispatch.Kind.TEAM).values_list("ordered_at", "arrived_at"):
        if arrived is None and now - ordered <= limit:
            continue
        counted += 1
        reached += arrived is not None and arrived - ordered <= limit
    return {"counted": counted, "reached": reached, "rate": round(100 * reached / counted, 1) if counted else None}


# --- the field command post ---------------------------------------------------------------------------

@transaction.atomic
def open_post(user, pk: int, *, place: str, commander: str, groups: str, at=None, latitude=None,
              longitude=None) -> CommandPost:
    incident = _working(user, pk)
    if incident.posts.filter(closed_at__isnull=True).exists():
        raise ValidationError("现场指挥部已开设")
    post = CommandPost.objects.create(
        incident=incident, place=_text(place, "place", "请填写开设地点", 200),
        commander=_text(commander, "commander", "请填写现场指挥长", 60),
        groups=_text(groups, "groups", "请填写工作组（每行一个）", 2000), opened_at=_when(at, incident, "开设时间"),
        latitude=latitude, longitude=longitude, created_by=None if user is SYSTEM else user)
    _event(incident, "step:respond", user, f"开设现场指挥部：{post.place}，现场指挥长{post.commander}", at=post.opened_at)
    audit.record(user, A.CREATE, post, summary=f"开设现场指挥部：{post.place}")
    return post


@transaction.atomic
def close_post(user, post_id: int, at=None) -> CommandPost:
    require(user, "incidents.take")
    post = CommandPost.objects.visible_to(user).select_for_update().select_related("incident").filter(pk=post_id).first()
    if post is None:
        raise PermissionDenied("找不到现场指挥部")
    _open(post.incident)
    _own_desk(user, post.incident)
    if post.closed_at:
        raise ValidationError("现场指挥部已撤收")
    post.closed_at = _when(at, post.incident, "撤收时间")
    post.save(update_fields=["closed_at"])
    _event(post.incident, "step:respond", user, f"撤收现场指挥部：{post.place}", at=post.closed_at)
    audit.record(user, A.UPDATE, post, summary="撤收现场指挥部")
    return post


# --- after the response ------------------------------------------------------------------------------

@transaction.atomic
def save_review(user, pk: int, data: dict, problems: list[tuple[str, Organisation, dt.date]]) -> Review:
    """The after-action review; each problem becomes a follow-up task of its owner unit with a due date."""
    require(user, "incidents.take")
    incident = _visible(user, pk, lock=True)
    _open(incident)
    _own_desk(user, incident)
    if hasattr(incident, "review"):
        raise ValidationError("该事件已有复盘评估")
    held_on = data.get("held_on")
    if not isinstance(held_on, dt.date) or held_on > timezone.localdate() or \
            held_on < timezone.localtime(incident.occurred_at).date():
        raise ValidationError({"held_on": "评估日期须在事件发生之后、今天之前"})
    review = Review.objects.create(
        incident=incident, held_on=held_on, participants=_text(data.get("participants"), "participants", "请填写参加单位和人员", 300),
        summary=_text(data.get("summary"), "summary", "请填写处置经过评估", 5000), lessons=(data.get("lessons") or "")[:5000],
        problems=_text(data.get("problems"), "problems", "请填写存在问题", 5000), created_by=None if user is SYSTEM else user)
    tz = timezone.get_current_timezone()
    for text, unit, due in problems:
        if user is not SYSTEM and not task_units(user).filter(pk=unit.pk).exists():
            raise ValidationError({"problems": f"{unit.name}不在您的辖区"})
        if due <= timezone.localdate():
            raise ValidationError({"problems": "整改期限须晚于今天"})
        Task.objects.create(incident=incident, source=Task.Source.REVIEW, text=text[:2000], unit=unit,
                            due_at=dt.datetime.combine(due, dt.time(23, 59), tzinfo=tz),
                            issued_by=None if user is SYSTEM else user)
        _tell_units([unit.pk], f"复盘整改：{incident.title}", text[:200], incident)
    _event(incident, "step:track", user, f"复盘评估：整改任务{len(problems)}项")
    audit.record(user, A.CREATE, review, summary=f"复盘评估（整改任务{len(problems)}项）")
    return review


@transaction.atomic
def make_accident(user, pk: int):
    """A work-safety incident becomes a 生产安全事故 record (A2.7), linked both ways. The accident takes
    the figures as they stand: deaths without the missing (the 条例 counts deaths), injured split."""
    from anying.oversight import accidents

    require(user, "accidents.record", "无权登记事故")
    incident = _visible(user, pk, lock=True)
    _open(incident)  # not a false report (核销) nor a merged duplicate
    if incident.kind != Kind.WORK_SAFETY or incident.category != Category.ACCIDENT:
        raise ValidationError("只有生产安全事故可以生成事故记录")
    if incident.accident_id:
        raise ValidationError("已生成事故记录")
    if incident.is_exercise:
        raise ValidationError("演练不生成事故记录")
    missing = [label for field, label in (("industry", "行业"), ("accident_type", "事故类型（GB 6441-2025）"))
               if getattr(incident, f"{field}_id") is None] + ([] if incident.party_name else ["事发单位"])
    if missing:
        raise ValidationError(f"请先在“更新情况”中填写：{'、'.join(missing)}")
    town = incident.region if incident.region.level == "town" else incident.region.parent
    accident = accidents.record(user, {
        "occurred_at": incident.occurred_at, "place": incident.place, "region": town, "industry": incident.industry,
        "enterprise": incident.enterprise, "party": incident.party, "unit": accidents.default_unit(town),
        "accident_type": incident.accident_type, "deaths": incident.deaths, "serious_injuries": incident.serious_injuries,
        "minor_injuries": max(0, incident.injured - incident.serious_injuries), "direct_loss": incident.direct_loss,
        "summary": incident.description, "cause": "", "reported_by": incident.reporter,
    })
    incident.accident = accident
    incident.save(update_fields=["accident"])
    _event(incident, "step:track", user, f"生成事故记录：{accident}")
    audit.record(user, A.UPDATE, incident, summary=f"生成事故记录 {accident.pk}")
    return accident

