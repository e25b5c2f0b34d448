"""Evacuations (转移避险, B4.5): opened by a warning that meets a point's trigger (warning.hooks
ON_ISSUE) or by hand from an observation or an order; each household confirmed 转移到位 by the
town or village on a phone; closed when people go home (返回). One open evacuation per point.

Also what the warning app asks of the points: the people a warning must reach (the three
responsible persons, the monitors and the evacuation organiser of each point in its area,
`recipient_source`) and, on issue, the evacuations and the rain checks (`on_issue`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.models import AuditEvent, Region, TimelineEvent
from anying.core.permissions import SYSTEM, require
from anying.core.workflow import PERM, Lifecycle, Transition
from anying.warning.hooks import Area, RecipientSpec
from anying.warning.models import LEVEL_RANK, Contact
from anying.warning.reference import kinds as warning_kinds

from . import reference
from .models import DisasterRiskPoint, Evacuation, EvacuationMove, EvacuationPlan, Household

A = AuditEvent.Action
E = Evacuation.Status
AUDITED = ["status", "households_moved", "people_moved", "returned_at"]


def _returned(step) -> None:
    step.record.returned_at = timezone.now()


EVACUATIONS = workflow.register(Lifecycle(
    model=Evacuation, label="转移避险", transitions=[
        Transition("return", "组织返回", (E.PENDING, E.MOVING, E.DONE), E.RETURNED,
                   frozenset({PERM + "riskpoints.evacuate"}), needs_comment="请说明险情解除、人员返回的情况",
                   stamp=("returned_by",), apply=_returned),
    ], audited=AUDITED,
    events={"started": "启动转移", "confirm": "确认转移到位", "unconfirm": "撤销到位确认"},
    describe=lambda e: f"{e.point.name} 转移",
    url=lambda e: reverse("evacuation_detail", args=[e.pk])))


def town_of(region_id: int) -> int:
    ids = recipients.ancestors(region_id)
    town = Region.objects.filter(pk__in=ids, level=Region.Level.TOWN).values_list("pk", flat=True).first()
    return town or region_id


def _new(point: DisasterRiskPoint, trigger: str, *, warning=None, reason: str = "", actor=SYSTEM,
         town_id: int | None = None, now=None) -> Evacuation:
    people = list(point.household_rows.values_list("people", flat=True))
    return Evacuation(point=point, region_id=point.region_id, town_id=town_id or town_of(point.region_id),
                      trigger=trigger, warning=warning, reason=reason[:300], households_total=len(people),
                      people_total=sum(people), started_at=now or timezone.now(),
                      started_by=None if actor is SYSTEM else actor)


@transaction.atomic
def start(actor, point_id: int, *, trigger: str, reason: str = "", is_demo: bool = False) -> Evacuation:
    """Open an evacuation by hand (an observation at the point, an order of the command)."""
    require(actor, "riskpoints.evacuate")
    point = DisasterRiskPoint.objects.all() if actor is SYSTEM else DisasterRiskPoint.objects.visible_to(actor)
    point = point.select_for_update(of=("self",)).get(pk=point_id)
    errors = {}
    if trigger not in (Evacuation.Trigger.OBSERVATION, Evacuation.Trigger.ORDER):
        errors["trigger"] = "请选择启动原因（监测巡查发现或指挥部指令）"
    reason = " ".join((reason or "").split())
    if not reason:
        errors["reason"] = "请说明启动转移的情况（发现了什么征兆，或哪一级指令）"
    if point.status == DisasterRiskPoint.Status.CLOSED:
        errors["trigger"] = "该风险点已销号"
    elif not point.household_rows.exists():
        errors["trigger"] = "该风险点还没有受威胁住户名单，请先在转移避险清单中登记住户"
    if Evacuation.objects.filter(point=point).exclude(status=E.RETURNED).exists():
        errors["trigger"] = "该风险点已有正在进行的转移，请在该记录中确认到位"
    if errors:
        raise ValidationError(errors)
    evac = _new(point, trigger, reason=reason, actor=actor)
    evac.is_demo = is_demo
    evac.save()
    workflow.record_event(evac, "started", actor=None if actor is SYSTEM else actor, state=E.PENDING, comment=reason)
    audit.record(actor, A.CREATE, evac, after=audit.snapshot(evac, ["trigger", "reason", "households_total",
                                                                   "people_total"]),
                 summary=f"启动转移：{point.name}（{evac.households_total} 户 {evac.people_total} 人）")
    return evac



def _locked(actor, evacuation_id: int, version: int | None) -> Evacuation:
    require(actor, "riskpoints.evacuate")
    evac = workflow.lock(EVACUATIONS, actor, evacuation_id, version)
    if evac.status == E.RETURNED:
        raise ValidationError("该次转移已结束（人员已返回），不能再确认")
    return evac


def _recount(evac: Evacuation) -> None:
    moved = list(evac.moves.values_list("people", flat=True))
    evac.households_total = max(evac.point.household_rows.count(), len(moved))
    evac.households_moved, evac.people_moved = len(moved), sum(moved)
    evac.status = E.PENDING if not moved else (E.DONE if len(moved) >= evac.households_total else E.MOVING)
    evac.version += 1
    evac.save()


@transaction.atomic
def confirm(actor, evacuation_id: int, household_id: int, *, people: int | None = None, note: str = "",
            version: int | None = None, now=None) -> EvacuationMove:
    """One household 转移到位: who confirmed, when, how many people (by default the household's)."""
    evac = _locked(actor, evacuation_id, version)
    household = evac.point.household_rows.filter(pk=household_id).first()
    if household is None:
        raise ValidationError({"household": "该住户不在这个风险点的转移名单中"})
    count = household.people if people is None else people
    if not isinstance(count, int) or not 0 <= count <= 99:
        raise ValidationError({"people": "转移人数须为0到99"})
    if evac.moves.filter(household=household).exists():
        raise ValidationError({"household": f"{household.head}户已确认转移到位"})
    try:
        with transaction.atomic():
            move = EvacuationMove.objects.create(
                evacuation=evac, household=household, people=count, note=" ".join((note or "").split())[:200],
                confirmed_by=None if actor is SYSTEM else actor, confirmed_at=now or timezone.now())
    except IntegrityError as exc:
        raise ValidationError({"household": f"{household.head}户已确认转移到位"}) from exc
    before = audit.snapshot(evac, AUDITED)
    previous = evac.status
    _recount(evac)
    workflow.record_event(evac, "confirm", actor=None if actor is SYSTEM else actor, previous=previous,
                          state=evac.status, comment=f"{household.head}户 {count} 人转移到位")
    audit.record(actor, A.STATE, evac, before=before, after=audit.snapshot(evac, AUDITED),
                 summary=f"转移到位：{evac.point.name} {household.head}户 {count} 人")
    return move


@transaction.atomic
def unconfirm(actor, evacuation_id: int, household_id: int, *, version: int | None = None) -> None:
    """Take back a confirmation given by mistake (a wrong tap on the phone)."""
    evac = _locked(actor, evacuation_id, version)
    move = evac.moves.select_related("household").filter(household_id=household_id).first()
    if move is None:
        raise ValidationError({"household": "该住户尚未确认转移到位"})
    before = audit.snapshot(evac, AUDITED)
    previous = evac.status
    move.delete()
    _recount(evac)
    workflow.record_event(evac, "unconfirm", actor=None if actor is SYSTEM else actor, previous=previous,
                          state=evac.status, comment=f"{move.household.head}户")
    audit.record(actor, A.STATE, evac, before=before, after=audit.snapshot(evac, AUDITED),
                 summary=f"撤销转移到位：{evac.point.name} {move.household.head}户")


def run(actor, pk: int, name: str, **kwargs) -> Evacuation:
    return workflow.run(EVACUATIONS, actor, pk, name, **kwargs)


def by_town(qs) -> list[dict]:
    """Counts by town of the evacuations given (households and people to move and moved)."""
    rows = (qs.order_by().values("town_id", "town__name", "town__path")
            .annotate(n=Count("id"), households=Sum("households_total"), moved=Sum("households_moved"),
                      people=Sum("people_total"), people_moved=Sum("people_moved")).order_by("town__path"))
    return list(rows)


# ----- the warning app's hooks -----

def area_of(warning) -> Area:
    """The warning's area as the recipient hook sees it (regions named and all below them)."""
    paths = list(warning.regions.values_list("path", flat=True))
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(path__startswith=p)
    ids = frozenset(Region.objects.filter(q).values_list("pk", flat=True)) if paths else frozenset()
    kind = warning_kinds().get(warning.kind)
    return Area(region_ids=ids, polygon=warning.polygon, families=kind.families if kind else frozenset())


def points_in(area: Area):
    """Open points of the kinds the area's families reach, in its regions (the polygon is
    tested in Python by the callers, on the coordinates they already read)."""
    kinds = reference.kinds_of_family(area.families)
    if not kinds or not area.region_ids:
        return DisasterRiskPoint.objects.none()
    return (DisasterRiskPoint.objects.filter(kind__in=kinds, region_id__in=area.region_ids)
            .exclude(status=DisasterRiskPoint.Status.CLOSED))


def _chunks(ids: list, size: int = 5000):
    """Id lists cut to a size every database binds (SQLite's variable limit)."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


PEOPLE = (("admin_responsible_id", "行政责任人"), ("dept_responsible_id", "主管部门责任人"),
          ("keeper_responsible_id", "管护单位责任人"), ("plan__organiser_id", "转移组织人"))


def recipient_source(warning, area: Area) -> Iterable[RecipientSpec]:
    """The three responsible persons, the monitors and the evacuation organiser of every open
    point of the warning's families in its area (and inside its polygon, when drawn). Read as
    plain values in three queries (points, monitors, the people and their superiors), so a red
    warning over 5,000 points builds its 25,000 specs without model instances
    (bench/run_riskpoints.py)."""
    from .models import DisasterRiskPoint as P

    rows = [r for r in points_in(area).order_by("pk").values(
        "pk", "name", "region_id", "place__longitude", "place__latitude", *(f for f, _ in PEOPLE))
        if area.covers_point(r["place__longitude"], r["place__latitude"])]
    if not rows:
        return
    monitors: dict[int, list[int]] = {}
    for ids in _chunks([r["pk"] for r in rows]):
        for pid, cid in P.monitors.through.objects.filter(disasterriskpoint_id__in=ids).values_list(
                "disasterriskpoint_id", "contact_id").order_by("disasterriskpoint_id", "contact_id"):
            monitors.setdefault(pid, []).append(cid)
    wanted = {r[f] for r in rows for f, _ in PEOPLE if r[f]} | {c for cs in monitors.values() for c in cs}
    people = {c["pk"]: c for ids in _chunks(sorted(wanted))
              for c in Contact.objects.filter(pk__in=ids, is_active=True).exclude(phone="").values(
                  "pk", "name", "phone", "user_id", "superior__name", "superior__phone", "superior__user_id")}
    for r in rows:
        pairs = [(r[f], label) for f, label in PEOPLE[:3]] + [(m, "群测群防员") for m in monitors.get(r["pk"], [])]
        pairs.append((r["plan__organiser_id"], "转移组织人"))
        for cid, label in pairs:
            c = people.get(cid)
            if c is None:
                continue
            yield RecipientSpec(name=c["name"], phone=c["phone"], region_id=r["region_id"], role=f"{r['name']} {label}",
                                contact_id=cid, user_id=c["user_id"], superior_name=c["superior__name"] or "",
                                superior_phone=c["superior__phone"] or "", superior_user_id=c["superior__user_id"])


def meets(plan: EvacuationPlan, point: DisasterRiskPoint, warning) -> bool:
    """Whether a warning meets the point's trigger: its type is one the plan names (or, none
    named, one whose families reach the point's kind) and its level is at least the plan's."""
    kinds = plan.kinds
    if kinds:
        if warning.kind not in kinds:
            return False
    else:
        kind = warning_kinds().get(warning.kind)
        pk = reference.point_kinds().get(point.kind)
        if not kind or not pk or not (kind.families & pk.families):
            return False
    return LEVEL_RANK.get(warning.level, 0) >= LEVEL_RANK.get(plan.trigger_level, 99)


def open_for_warning(warning, area: Area | None = None, now=None) -> list[Evacuation]:
    """The evacuations a just-issued warning opens (state 待转移), in bulk: points whose trigger it
    meets, with households listed, inside its area, without an evacuation already open."""
    area = area or area_of(warning)
    now = now or timezone.now()
    busy = Evacuation.objects.exclude(status=E.RETURNED).values("point_id")
    listed = Household.objects.filter(point=OuterRef("pk"))
    points = [p for p in points_in(area).exclude(pk__in=busy).filter(Exists(listed)).select_related("place", "plan")
              if hasattr(p, "plan") and meets(p.plan, p, warning)
              and area.covers_point(p.place.longitude, p.place.latitude)]
    if not points:
        return []
    totals: dict[int, list[int]] = {}
    for row in Household.objects.filter(point__in=points).values("point_id").annotate(n=Count("id"), p=Sum("people")):
        totals[row["point_id"]] = [row["n"], row["p"]]
    towns = _towns([p.region_id for p in points])
    reason = f"{warning.kind_label()}{warning.get_level_display()}预警：{warning.headline}"
    rows = [Evacuation(point=p, region_id=p.region_id, town_id=towns.get(p.region_id, p.region_id),
                       trigger=Evacuation.Trigger.WARNING, warning=warning, reason=reason[:300],
                       households_total=totals.get(p.pk, [0, 0])[0], people_total=totals.get(p.pk, [0, 0])[1] or 0,
                       started_at=now) for p in points]
    Evacuation.objects.bulk_create(rows)
    created = list(Evacuation.objects.filter(warning=warning, point__in=points, status=E.PENDING)
                   .select_related("point", "region"))
    TimelineEvent.objects.bulk_create([workflow.event(e, "started", state=E.PENDING, comment=reason) for e in created])
    AuditEvent.objects.bulk_create([audit.build(SYSTEM, A.CREATE, e, summary=f"预警触发转移：{e.point.name}（{e.households_total} 户）")
                                    for e in created])
    return created


def _towns(region_ids) -> dict[int, int]:
    """region id → its town's id, with one query for the regions and one for the towns."""
    regions = {r.pk: r for r in Region.objects.filter(pk__in=set(region_ids))}
    ancestor_ids = {int(x) for r in regions.values() for x in r.path.strip("/").split("/") if x}
    towns = set(Region.objects.filter(pk__in=ancestor_ids, level=Region.Level.TOWN).values_list("pk", flat=True))
    out = {}
    for pk, r in regions.items():
        out[pk] = next((int(x) for x in r.path.strip("/").split("/") if x and int(x) in towns), pk)
    return out


def on_issue(warning) -> None:
    """warning.hooks ON_ISSUE: open the evacuations the warning triggers and the rain checks."""
    from . import patrols

    area = area_of(warning)
    open_for_warning(warning, area)
    patrols.rain_checks_for(warning, area)


def overdue_since(evac: Evacuation, now: dt.datetime | None = None) -> bool:
    return evac.status in (E.PENDING, E.MOVING) and evac.started_at < (now or timezone.now()) - dt.timedelta(hours=2)
