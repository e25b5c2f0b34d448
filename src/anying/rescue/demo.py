"""Demo rescue forces of 铜梁区: the "2+7+14+N" teams, village rescue stations, members with
certificates (some about to expire), equipment against a DEMO catalogue, a week of standby with
two teams not yet reported today, training and assessments, and three dozen experts.

What comes from the seeds: the structure "2+7+14+N" (seed 000, 荣昌区's, used as the default),
区应急救援中队 with its 虎峰分队 (seed 001: 组建虎峰分队; SEED-REQUIREMENTS A6.1 names 旧县 and 永嘉
branches too), 铜龙应急救援大队 (seed 001: 推进铜龙应急救援大队合法注册事宜, so not yet registered),
the 民兵应急连 (seed 001). Everything else is invented for the demo and marked `is_demo`: which 7
towns have full-time teams, the village names (the demo has no real village list), people's names,
phone numbers, strengths, coordinates and the equipment catalogue lines (labelled 演示, not the
official catalogue, which could not be verified: data/equipment_catalogue.csv)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anying.core.models import Organisation, Region

from . import services
from .models import (
    Avoidance,
    Certificate,
    EquipmentStandard,
    Expert,
    GrassrootsPerson,
    GuidanceVisit,
    InspectionExpert,
    LinkageMeeting,
    Member,
    SocialGuidance,
    StandbyReport,
    Team,
    TrainingPlan,
    TrainingRecord,
)

CENTRAL_TOWNS = ["旧县街道", "虎峰镇", "安居镇", "平滩镇", "少云镇", "永嘉镇", "蒲吕街道"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何罗高林"
GIVEN = ["伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "波", "斌", "宇", "浩", "凯"]
VILLAGE_SUFFIX = ["一村", "二村", "社区"]
CENTRE = (29.84, 106.05)  # 铜梁城区, roughly

DEMO_SOURCE = "演示条目（非官方目录，仅供演示；正式使用前须按装备配备指导目录原文录入）"
DEMO_CATALOGUE = [
    ("district", "破拆救援", "液压破拆工具组", "套", 2), ("district", "水域救援", "冲锋舟", "艘", 2),
    ("district", "水域救援", "救生衣", "件", 40), ("district", "森林灭火", "风力灭火机", "台", 10),
    ("district", "通信", "卫星电话", "部", 2), ("district", "照明", "移动照明灯组", "套", 2),
    ("town", "破拆救援", "手动破拆工具组", "套", 1), ("town", "水域救援", "救生衣", "件", 20),
    ("town", "森林灭火", "风力灭火机", "台", 6), ("town", "森林灭火", "二号工具", "把", 20),
    ("town", "通信", "对讲机", "部", 6), ("town", "照明", "强光手电", "支", 10),
]


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _phone(rng) -> str:
    return "1" + rng.choice("3589") + "".join(str(rng.randint(0, 9)) for _ in range(9))


def _point(rng, spread=0.15) -> dict:
    q = Decimal("0.000001")
    return {"latitude": Decimal(CENTRE[0] + rng.uniform(-spread, spread)).quantize(q),
            "longitude": Decimal(CENTRE[1] + rng.uniform(-spread, spread)).quantize(q)}


@transaction.atomic
def load(rng) -> None:
    district = Region.objects.filter(name="铜梁区", level=Region.Level.DISTRICT).first()
    if district is None or Team.objects.filter(is_demo=True).exists():
        return
    units = {o.name: o for o in Organisation.objects.filter(region__path__startswith=district.path)}
    bureau = units["区应急局"]
    towns = list(Region.objects.filter(parent=district, level=Region.Level.TOWN).order_by("sort", "path"))
    today = timezone.localdate()

    for tier, category, name, unit, quantity in DEMO_CATALOGUE:
        EquipmentStandard.objects.get_or_create(tier=tier, name=name, defaults={
            "category": category, "unit": unit, "quantity": quantity, "source": DEMO_SOURCE, "is_demo": True})
    catalogue = {tier: list(EquipmentStandard.objects.filter(tier=tier)) for tier in ("district", "town")}

    def team(name, category, owner, region, strength, specialities, *, members=None, **extra):
        t = services.save_team(None, Team(name=name, category=category, owner=owner, region=region,
                                          authorised_strength=strength, leader=_name(rng), leader_phone=_phone(rng),
                                          duty_phone=f"023-4567{rng.randint(1000, 9999)}", **extra),
                               speciality_codes=specialities, base={"address": f"{region.name}", **_point(rng)})
        Team.objects.filter(pk=t.pk).update(is_demo=True)
        n = strength if members is None else members
        people = [Member(team=t, name=_name(rng), phone=_phone(rng),
                         role=Member.Role.LEADER if i == 0 else Member.Role.DEPUTY if i == 1 else
                         rng.choice([Member.Role.MEMBER] * 6 + [Member.Role.DRIVER, Member.Role.MEDIC]),
                         skills=rng.choice(["水域救援", "破拆", "驾驶", "急救", "森林灭火", ""]),
                         joined_on=today - dt.timedelta(days=rng.randint(60, 2000))) for i in range(n)]
        Member.objects.bulk_create(people)
        certs = []
        for m in Member.objects.filter(team=t):
            if rng.random() < 0.5:
                certs.append(Certificate(member=m, name=rng.choice(["应急救援员证", "红十字救护员证", "机动车驾驶证"]),
                                         number=f"DEMO-{rng.randint(10000, 99999)}", issuer="演示发证机关",
                                         expires_on=today + dt.timedelta(days=rng.randint(-20, 900))))
        Certificate.objects.bulk_create(certs)
        tier = {Team.Category.DISTRICT: "district", Team.Category.CENTRAL_TOWN: "town",
                Team.Category.TOWN: "town"}.get(category)
        if tier:
            full = rng.random() < 0.7
            services.set_equipment(None, t.pk, {s.pk: s.quantity if full or rng.random() < 0.6 else s.quantity // 2
                                                for s in catalogue[tier]})
        return t

    team("区消防救援支队", Team.Category.FIRE, units.get("区消防救援支队", bureau), district, 60,
         ["fire", "water", "quake", "hazchem"], members=56, dispatchable=True, vehicles=12)
    centre = team("区应急救援中队", Team.Category.DISTRICT, bureau, district, 40, ["general", "water", "forest", "flood"],
                  members=38, dispatchable=True, vehicles=6, annual_funding=Decimal("4610000"))
    by_name = {t.name: t for t in towns}
    for branch in ("虎峰", "旧县", "永嘉"):
        town = by_name[f"{branch}镇"] if f"{branch}镇" in by_name else by_name[f"{branch}街道"]
        team(f"区应急救援中队{branch}分队", Team.Category.DISTRICT, bureau, town, 10, ["general", "water"],
             members=rng.randint(8, 10), parent=centre, dispatchable=True, vehicles=1)
    central = [t for t in towns if t.name in CENTRAL_TOWNS]
    part_time = [t for t in towns if t.name not in CENTRAL_TOWNS and not t.is_park][:14]
    # funding: seed 003's standard (80万 / 40万 a year) for most, one below it and one not yet recorded
    for i, t in enumerate(central):
        team(f"{t.name}专职应急救援队", Team.Category.CENTRAL_TOWN, units[f"{t.name}应急办"], t, 20,
             ["general", "forest", "water"], members=rng.choice([20, 20, 19, 18, 20]), vehicles=2,
             annual_funding=Decimal("600000") if i == 2 else Decimal("800000"))
    for i, t in enumerate(part_time):
        team(f"{t.name}兼职应急救援队", Team.Category.TOWN, units[f"{t.name}应急办"], t, 12, ["general", "forest"],
             members=rng.choice([12, 12, 11, 10, 12]), vehicles=1,
             annual_funding=None if i == 5 else Decimal("400000"))
    team("铜龙应急救援大队", Team.Category.SOCIAL, bureau, district, 30, ["water", "general"], members=26, registered=False)
    team("铜梁区蓝盾应急救援队", Team.Category.SOCIAL, bureau, district, 20, ["water", "medical"], members=18,
         registered=True)
    team("区民兵应急连", Team.Category.MILITIA, bureau, district, 40, ["general", "flood", "forest"], members=36)
    if "区住建委" in units:
        team("区住建委建设工程抢险队", Team.Category.DEPARTMENT, units["区住建委"], district, 15, ["quake"], members=15)
    _enterprise_team(rng, team)
    _villages(rng, towns, units, team)
    _left_members(rng, today)
    _social_guidance(bureau, today)
    _grassroots(rng, towns, units, today)
    _meetings(district, today)
    _standby(rng, today)
    _training(rng, bureau, today)
    _experts(rng, bureau, district, today)


def _enterprise_team(rng, team) -> None:
    from anying.core.models import User

    qiye = User.objects.filter(username="qiye").select_related("unit__region").first()
    if qiye is not None and qiye.unit is not None:
        team(f"{qiye.unit.name}应急救援队", Team.Category.ENTERPRISE, qiye.unit, qiye.unit.region, 8, ["fire", "hazchem"],
             members=8)


def _villages(rng, towns, units, team) -> None:
    """Two or three invented villages per town; about nine in ten have a rescue station."""
    for town in towns:
        if town.is_park:
            continue
        short = town.name[:2]
        for suffix in VILLAGE_SUFFIX[: rng.choice([2, 3])]:
            village = Region.objects.create(name=f"{short}{suffix}", level=Region.Level.VILLAGE, parent=town)
            if rng.random() < 0.9:
                team(f"{village.name}应急救援站", Team.Category.VILLAGE, units[f"{town.name}应急办"], village, 6,
                     ["general"], members=rng.choice([6, 6, 5]))


def _left_members(rng, today) -> None:
    """A few members of the town teams have left (离队): kept in the register, out of the counts."""
    for t in Team.objects.filter(is_demo=True, category=Team.Category.CENTRAL_TOWN).order_by("pk")[:3]:
        m = Member.objects.filter(team=t, is_active=True, role=Member.Role.MEMBER).order_by("pk").first()
        if m is not None:
            services.leave_member(None, t.pk, m.pk, today - dt.timedelta(days=rng.randint(3, 50)),
                                  rng.choice(["工作调动（演示）", "外出务工（演示）", "身体原因（演示）"]))


def _social_guidance(bureau, today) -> None:
    """The district's guidance of the social forces (seed 001: 推进铜龙应急救援大队合法注册事宜)."""
    for t in Team.objects.filter(is_demo=True, category=Team.Category.SOCIAL).order_by("pk"):
        for back, content in ((40, "指导队伍制定年度训练计划，明确参与抢险救援的报告和调度程序（演示）"),
                              (8, "协助办理合法登记注册事宜，核对队员信息和装备清单（演示）"
                               if not t.registered else "汛前检查水域救援装备，开展联合拉动演练（演示）")):
            services.add_guidance(None, SocialGuidance(team=t, unit=bureau, day=today - dt.timedelta(days=back),
                                                       given_by="区应急局应急救援科（演示）", content=content))


def _grassroots(rng, towns, units, today) -> None:
    """Each village: one or two 应急协管员, one 灾害信息员, a few volunteers; some villages none."""
    rows = []
    for town in towns:
        owner = units.get(f"{town.name}应急办")
        if owner is None:
            continue
        for village in Region.objects.filter(parent=town, level=Region.Level.VILLAGE).order_by("pk"):
            if rng.random() < 0.1:
                continue  # a village with no one registered yet
            people = [GrassrootsPerson.Role.ASSISTANT] * rng.choice([1, 2]) + [GrassrootsPerson.Role.INFORMANT] \
                + [GrassrootsPerson.Role.VOLUNTEER] * rng.randint(2, 5)
            for role in people:
                rows.append(GrassrootsPerson(
                    owner=owner, role=role, name=_name(rng), region=village, phone=_phone(rng),
                    since=today - dt.timedelta(days=rng.randint(30, 1500)),
                    duties={"assistant": "隐患巡查、预警信息传递", "informant": "灾情信息报送",
                            "volunteer": rng.choice(["急救", "群众转移", "物资搬运", "巡河护林"])}[role],
                    is_demo=True))
    GrassrootsPerson.objects.bulk_create(rows)
    gone = GrassrootsPerson.objects.filter(is_demo=True, role=GrassrootsPerson.Role.VOLUNTEER).order_by("pk")[:3]
    GrassrootsPerson.objects.filter(pk__in=[p.pk for p in gone]).update(
        is_active=False, left_on=today - dt.timedelta(days=20), note="外出务工（演示）")


def _meetings(district, today) -> None:
    """Last year's meeting held on time; this year's not recorded, so the page shows it due (before
    31 May) or overdue (after)."""
    last = today.year - 1
    services.record_meeting(None, last, district=district, data={
        "held_on": dt.date(last, 5, 26), "place": "区应急指挥中心（演示）", "chaired_by": "分管副区长（演示）",
        "participants": "区应急局、区消防救援支队、区应急救援中队、区人武部、区公安局、区卫生健康委、各镇街（演示）",
        "decisions": "一、明确汛期救援力量预置方案；二、建立跨部门联合训练机制；三、完善社会救援力量调度规则（演示）"})
    services.ensure_meetings()
    LinkageMeeting.objects.filter(region=district).update(is_demo=True)


def _standby(rng, today) -> None:
    teams = list(Team.objects.filter(is_demo=True, category__in=Team.DAILY_STANDBY, parent__isnull=True))
    late = {t.pk for t in rng.sample(teams, 2)}  # two teams have not reported today yet
    reports = []
    for t in teams:
        for back in range(7, -1, -1):
            if back == 0 and t.pk in late:
                continue
            reports.append(StandbyReport(team=t, day=today - dt.timedelta(days=back),
                                         people=max(1, t.authorised_strength // 2 + rng.randint(-2, 2)),
                                         vehicles=max(1, t.vehicles // 2), equipment="冲锋舟1艘、破拆工具组1套",
                                         on_duty=_name(rng)))
    StandbyReport.objects.bulk_create(reports)
    for t in teams:
        Team.objects.filter(pk=t.pk).update(standby_due=today if t.pk in late else today + dt.timedelta(days=1))


def _training(rng, bureau, today) -> None:
    year = today.year
    services.save_plan(None, TrainingPlan(owner=bureau, period="annual", starts_on=dt.date(year, 1, 1),
                                          title=f"{year}年全区综合应急救援队伍训练计划", hours=120,
                                          content="体能、水域救援、森林灭火、破拆救援、危化事故处置；与消防救援支队、民兵应急连共训共练"))
    month = today.replace(day=1)
    for t in Team.objects.filter(is_demo=True, category__in=Team.DAILY_STANDBY, parent__isnull=True):
        plan = services.save_plan(None, TrainingPlan(owner=t.owner, team=t, period="monthly", starts_on=month,
                                                     title=f"{t.name}{month.month}月训练计划", hours=16))
        for back in (3, 10):
            day = today - dt.timedelta(days=back)
            TrainingRecord.objects.create(team=t, plan=plan if day >= month else None, day=day,
                                          subject=rng.choice(["水域救援", "风力灭火机操作", "破拆救援", "体能训练"]),
                                          hours=Decimal(rng.choice([2, 3, 4])), participants=max(1, t.authorised_strength - 3),
                                          joint_with="区消防救援支队" if rng.random() < 0.3 else "")
        services.save_assessment(None, t.pk, year - 1, Decimal(rng.randint(760, 980)) / 10, "年度考核（演示）")


FIELDS = ["hazchem", "industry", "mining", "flood", "geology", "forest", "confined", "fire", "construction",
          "special_equipment", "fireworks"]
EMPLOYERS = ["某化工设计研究院", "某安全评价机构", "某高校安全工程学院", "某地质勘查院", "某水利水电设计院",
             "某林业科学研究所", "某特种设备检测所", "某建设工程质量站", "区应急局（退休）"]
TITLES = ["高级工程师", "正高级工程师", "工程师", "教授", "副教授", "注册安全工程师"]


def _experts(rng, bureau, district, today) -> None:
    from anying.registry.models import Enterprise

    experts = []
    for i in range(36):
        fields = rng.sample(FIELDS, rng.choice([1, 1, 2]))
        e = services.save_expert(None, Expert(owner=bureau, name=_name(rng), title=rng.choice(TITLES),
                                              employer=rng.choice(EMPLOYERS), phone=_phone(rng),
                                              certificates="注册安全工程师" if rng.random() < 0.5 else "",
                                              availability=rng.choice(["available"] * 5 + ["busy", "away"])),
                                 field_codes=fields, office={"address": "铜梁区", **_point(rng, 0.1)} if i % 2 else None)
        experts.append(e)
    Expert.objects.filter(pk__in=[e.pk for e in experts]).update(is_demo=True)
    from anying.core.models import User

    qiye = User.objects.filter(username="qiye").first()
    ent = Enterprise.objects.filter(organisation_id=qiye.unit_id).first() if qiye else None
    if ent is None:
        return
    Avoidance.objects.create(expert=experts[0], enterprise=ent, reason="曾为该企业提供安全评价服务（演示）")
    helpers = [e for e in experts[1:] if e.availability != "away"][:2]
    visit = services.save_visit(None, GuidanceVisit(unit=bureau, enterprise=ent, visited_on=today - dt.timedelta(days=12),
                                                    topic="有限空间作业专家指导服务", contract="铜应急购〔演示〕1号",
                                                    findings="有限空间作业审批记录不全；气体检测仪未定期校准。"),
                                [e.pk for e in helpers])
    GuidanceVisit.objects.filter(pk=visit.pk).update(is_demo=True)
    from anying.inspections.models import Inspection

    inspection = Inspection.objects.filter(enterprise=ent).first()
    if inspection is not None:
        InspectionExpert.objects.create(inspection=inspection, expert=helpers[0],
                                        findings="专家意见（演示）：建议完善危险作业审批。")
