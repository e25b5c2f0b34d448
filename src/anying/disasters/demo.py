"""Demo data: a rainstorm over three towns reported since yesterday's small hours — villages'
returns, the towns' 初报 (虎峰镇's late), 续报 with an explanation, one town's 续报 still owed,
a missing person, people in two shelters with their "five haves" checks, relief goods out of the
warehouses (one delivery within 8 hours, one after) and today's 零报告 of other towns."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from anying.core.models import Region, TimelineEvent, User
from anying.core.permissions import SYSTEM

from . import registers, rules, services
from .models import Due, Event, VillageReturn
from .villages import committees

TOWNS = ["旧县街道", "虎峰镇", "巴川街道"]


def _start() -> dt.datetime:
    """Yesterday 03:10 (the day before, when the demo loads before 10:00, so the 续报 exist)."""
    now = timezone.localtime()
    back = 1 if now.hour >= 10 else 2
    return timezone.make_aware(dt.datetime.combine(now.date() - dt.timedelta(days=back), dt.time(3, 10)))


def _at(record, at: dt.datetime, **fields) -> None:
    """Put a step made now back at its hour in the story (the record and its timeline)."""
    type(record).objects.filter(pk=record.pk).update(**fields)
    TimelineEvent.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
                                 at__gte=timezone.now() - dt.timedelta(minutes=10)).update(at=at)


def _report(user, event, town, at, figures, *, situation="", relief="", explanation="", accept_by=None):
    report = services.draft_report(user, event, town)
    services.save_report(user, report.pk, figures=figures, situation=situation, relief_work=relief,
                         change_explanation=explanation, as_of=at - dt.timedelta(minutes=20))
    report = services.submit(user, report.pk)
    due = Due.objects.filter(met_by=report).first()
    late = 0
    if due is not None:
        late = max(0, -(-int((at - due.due_at).total_seconds()) // 60))
        Due.objects.filter(pk=due.pk).update(met_at=at)
    _at(report, at, submitted_at=at, late_minutes=late, created_at=at - dt.timedelta(minutes=30))
    nxt = Due.objects.filter(event=event, town=town, stage="update", met_at__isnull=True, cancelled=False).first()
    if nxt is not None and event.status == Event.Status.ONGOING:
        Due.objects.filter(pk=nxt.pk).update(due_at=rules.due("update", event.kind, start=at)[0])
    if accept_by is not None:
        services.review(accept_by, report.pk, accept=True, comment="数据已核实")
        _at(report, at + dt.timedelta(minutes=40), reviewed_at=at + dt.timedelta(minutes=40))
    return report


FIGURES = {  # the towns' 初报
    "旧县街道": {"affected": 860, "evacuated": 96, "resettled": 52, "needing_help": 140, "houses_severe": 2,
             "houses_general": 9, "crops_affected": "46.5", "crops_damaged": "12", "loss_agriculture": "58.3",
             "loss_infrastructure": "36.0", "loss_housing": "12.5"},
    "虎峰镇": {"affected": 420, "missing": 1, "evacuated": 64, "resettled": 40, "needing_help": 70, "houses_collapsed": 1,
            "houses_severe": 1, "houses_general": 4, "crops_affected": "30.2", "crops_damaged": "8.5", "crops_lost": "2",
            "loss_agriculture": "31.0", "loss_infrastructure": "22.4", "loss_housing": "9.8"},
    "巴川街道": {"affected": 310, "evacuated": 18, "needing_help": 20, "houses_general": 3, "crops_affected": "4.1",
             "loss_infrastructure": "15.0", "loss_public": "6.2"},
}


@transaction.atomic
def load(rng) -> None:
    if Event.objects.exists() or not Region.objects.filter(name="旧县街道").exists():
        return
    people = committees()
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "jiuxian", "hufeng", "duty"])}
    if len(users) < 4:
        return
    towns = {t.name: t for t in Region.objects.filter(level=Region.Level.TOWN, name__in=TOWNS)}
    start = _start()
    local = timezone.localtime(start)
    event = services.open_event(
        users["duty"], name=f"{local.month}·{local.day} 暴雨洪涝灾害", kind="flood", sub_kind="山洪", started_at=start,
        towns=[towns[n] for n in TOWNS],
        description="受强降雨影响，涪江支流水位上涨，旧县街道、虎峰镇局地发生山洪，巴川街道城区部分路段内涝。")
    _at(event, start + dt.timedelta(minutes=25), created_at=start + dt.timedelta(minutes=25))
    # the villages report from the field first
    for name, officer_figures in (("玉泉村", {"affected": 520, "evacuated": 60, "resettled": 40, "houses_severe": 2,
                                            "houses_general": 5, "crops_affected": "30"}),
                                  ("龙洞湾村", {"affected": 340, "evacuated": 36, "resettled": 12, "houses_general": 4,
                                              "crops_affected": "16.5"}),
                                  ("太平村", {"affected": 260, "missing": 1, "evacuated": 44, "resettled": 40,
                                            "houses_collapsed": 1, "houses_severe": 1, "crops_affected": "18"})):
        if name in people:
            _village, _unit, officer = people[name]
            entry = services.file_village_return(officer, event, figures=officer_figures,
                                                 note="山洪冲毁机耕道一段，已组织群众转移到安置点")
            VillageReturn.objects.filter(pk=entry.pk).update(submitted_at=start + dt.timedelta(minutes=55))
    reviewer = users["admin"]
    _report(users["jiuxian"], event, towns["旧县街道"], start + dt.timedelta(minutes=90), FIGURES["旧县街道"],
            situation="3时许强降雨引发山洪，玉泉村、龙洞湾村低洼处进水，部分农房受损。",
            relief="已转移群众96人，集中安置于旧县街道中学操场应急避难场所。", accept_by=reviewer)
    _report(users["hufeng"], event, towns["虎峰镇"], start + dt.timedelta(minutes=165), FIGURES["虎峰镇"],
            situation="太平村山洪冲走1人，正在搜寻；1户房屋倒塌。", relief="镇村干部和民兵40人参与搜救和转移。")
    _report(reviewer, event, towns["巴川街道"], start + dt.timedelta(minutes=100), FIGURES["巴川街道"],
            situation="城区下穿通道和老旧小区内涝，已排水。", relief="电话报告，区应急局代为录入。", accept_by=users["duty"])
    # this morning's 续报: 旧县 raised its figures (an explanation), 巴川 in time, 虎峰 still owes its own
    morning = timezone.make_aware(dt.datetime.combine(timezone.localtime(start).date() + dt.timedelta(days=1),
                                                      dt.time(8, 30)))
    _report(users["jiuxian"], event, towns["旧县街道"], morning,
            {**FIGURES["旧县街道"], "affected": 1460, "evacuated": 152, "resettled": 88, "needing_help": 230,
             "houses_general": 14, "crops_affected": "61.5", "crops_damaged": "20", "loss_agriculture": "92.0",
             "loss_infrastructure": "58.0", "loss_housing": "18.0"},
            situation="夜间降雨持续，幸福社区沿河低洼处进水。", relief="新增转移56人，安置点增设床位。",
            explanation="幸福社区夜间进水，新增受灾人口600人、转移56人；农作物受灾面积按村逐块核实后增加。")
    _report(reviewer, event, towns["巴川街道"], morning + dt.timedelta(minutes=15), FIGURES["巴川街道"],
            situation="内涝已退，无新增灾情。", relief="道路已恢复通行。")
    registers.add_casualty(users["hufeng"], event, {
        "town": towns["虎峰镇"].pk, "village": people["太平村"][0].pk if "太平村" in people else None,
        "name": "宋某某", "gender": "男", "age": 63, "status": "missing", "occurred_on": timezone.localtime(start).date(),
        "place": "太平村4组河沟", "cause": "山洪冲走"})
    _shelters(event, users, towns, start, rng)
    services.flag_late(timezone.now())  # 虎峰镇's 续报 is owed since 09:00
    _zero(reviewer, towns)


def _shelters(event, users, towns, start, rng) -> None:
    from anying.places.models import Place
    from anying.supplies import services as supplies
    from anying.supplies.models import Item, Warehouse

    shelter = Place.objects.filter(kind=Place.Kind.SHELTER, region=towns["旧县街道"]).first()
    other = Place.objects.filter(kind=Place.Kind.SHELTER, region=towns["虎峰镇"]).first()
    if shelter is None or other is None:
        return
    heads = ["何", "罗", "梁", "宋", "郑", "谢", "唐", "冯", "于", "董"]
    for i, head in enumerate(heads):
        place, town = (shelter, towns["旧县街道"]) if i < 7 else (other, towns["虎峰镇"])
        stay = registers.add_stay(users["admin"], event, {
            "town": town.pk, "mode": "shelter", "shelter": place.pk, "head": f"{head}{'国华建平志强德明永刚文军明亮海涛春燕丽华'[i]}",
            "persons": 2 + (i % 4), "arrived_at": start + dt.timedelta(minutes=50 + 10 * i)})
        type(stay).objects.filter(pk=stay.pk).update(arrived_at=start + dt.timedelta(minutes=50 + 10 * i))
    registers.check_shelter(users["jiuxian"], event, {"shelter": shelter.pk, "town": towns["旧县街道"].pk, "food": True,
                                                      "clothing": True, "water": True, "lodging": True, "medical": True})
    registers.check_shelter(users["hufeng"], event, {"shelter": other.pk, "town": towns["虎峰镇"].pk, "food": True,
                                                     "clothing": True, "water": True, "lodging": True, "medical": False,
                                                     "note": "镇卫生院医生下午到点，已联系"})
    quilts = Item.objects.filter(code="SH-003").first()
    water = Item.objects.filter(code="SH-005").first()
    town_store = Warehouse.objects.filter(owner__region=towns["旧县街道"]).first()
    district_store = Warehouse.objects.filter(level=Warehouse.Level.DISTRICT, mode=Warehouse.Mode.AGREEMENT).first()
    for store, item, qty, place, town, persons, hours in ((town_store, quilts, 20, shelter, towns["旧县街道"], 26, 5),
                                                           (district_store, water, 30, other, towns["虎峰镇"], 12, 10)):
        if store is None or item is None:
            continue
        aid = registers.give_aid(users["admin"], event, {"town": town.pk, "shelter": place.pk, "persons": persons,
                                                         "warehouse": store.pk, "item": item.pk, "quantity": qty})
        supplies.post(SYSTEM, aid.document_id)
        registers.deliver(users["admin"], aid.pk)
        type(aid).objects.filter(pk=aid.pk).update(delivered_at=start + dt.timedelta(hours=hours),
                                                   created_at=start + dt.timedelta(hours=hours - 2))


def _zero(user, towns) -> None:
    from .models import ZeroReport

    for town in Region.objects.filter(level=Region.Level.TOWN, organisations__kind="town_office") \
            .exclude(pk__in=[t.pk for t in towns.values()]).order_by("sort")[:6]:
        row = services.file_zero(user, town)
        ZeroReport.objects.filter(pk=row.pk).update(filed_at=timezone.make_aware(
            dt.datetime.combine(timezone.localdate(), dt.time(8, 5 + row.pk % 40))), late_minutes=0)



