"""Demo incidents (`anying demo`): 铜梁区's reports go to 区应急局, which reports on to 重庆市应急管理局.
Two incidents in progress — a 较大 dust explosion in 旧县街道 reported on time up the chain, with a
Ⅲ级 response, tasks and the nearest team dispatched and arrived; a landslide in 虎峰镇 whose 首报 is
overdue — and a closed accident last month whose 续报 was late (so the quality 通报 has a row)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anying.core.models import Organisation, Region, User
from anying.core.permissions import SYSTEM

from . import response, services
from .models import DeskSetting, Incident

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


@transaction.atomic
def load(rng) -> None:
    if Incident.objects.filter(is_demo=True).exists():
        return
    district = Region.objects.filter(level=Region.Level.DISTRICT, name="铜梁区").first()
    bureau = Organisation.objects.filter(name="区应急局").first()
    users = {u.username: u for u in User.objects.filter(username__in=["jiuxian", "hufeng", "duty"]).select_related("unit")}
    if district is None or bureau is None or len(users) < 3:
        return
    from .models import ReportRule

    if not ReportRule.objects.exists():  # a transactional test flushed the migration's rows
        from . import rules

        rules.load_defaults()
    DeskSetting.objects.get_or_create(region=district, defaults={"unit": bureau, "upstream_name": "重庆市应急管理局"})
    now = timezone.now()
    _explosion(users, now)
    _landslide(users, now)
    _last_month(users, now)


def _near_team(town: str):
    from anying.rescue.models import Team

    return (Team.objects.filter(region__name=town, is_active=True, base__latitude__isnull=False)
            .select_related("base").first())


def _explosion(users, now) -> None:
    from anying.registry.models import Enterprise
    from anying.standards.models import AccidentType

    town = Region.objects.get(name="旧县街道", level=Region.Level.TOWN)
    ent = Enterprise.objects.filter(region=town, is_demo=True).select_related("industry").first() \
        if hasattr(Enterprise, "is_demo") else Enterprise.objects.filter(region=town).first()
    team = _near_team("旧县街道")
    lat, lon = ((team.base.latitude + Decimal("0.0180"), team.base.longitude + Decimal("0.0150")) if team
                else (Decimal("29.8000"), Decimal("106.0500")))
    occurred = now - 5 * H
    incident = services.record(SYSTEM, {
        "unit": users["jiuxian"].unit, "title": f"{ent.name if ent else '某机械厂'}粉尘爆炸事故", "kind": "work_safety",
        "accident_type": AccidentType.objects.filter(group="基本事故类型", name__contains="爆炸").first(),
        "industry": ent.industry if ent else None, "enterprise": ent, "party": "" if ent else "某机械厂",
        "region": town, "place": "抛光车间", "latitude": lat, "longitude": lon, "occurred_at": occurred,
        "received_at": occurred + 12 * M, "source": "linkage", "source_detail": "119转警，接警员张某",
        "reporter": "张某", "reporter_phone": "119", "deaths": 3, "injured": 5, "serious_injuries": 2, "trapped": 0,
        "direct_loss": Decimal("3200000"), "description": "抛光车间除尘系统发生粉尘爆炸，引发局部火灾，3人死亡、5人受伤。",
        "measures": "已疏散周边企业人员，消防救援力量已到场扑灭明火，伤员送区人民医院救治。"}, is_demo=True)
    services.verify(SYSTEM, incident.pk, "街道值班员电话联系企业负责人和到场消防指挥员确认")
    services.add_step(users["jiuxian"], incident.pk, "assess", occurred + 20 * M,
                      "研判为较大生产安全事故（死亡3人），须逐级上报至市应急管理局；启动街道应急处置方案")
    first = services.submit(users["jiuxian"], incident.pk, "first", "phone", "旧县街道电话首报：" + incident.description,
                            signed_by="街道分管领导", at=occurred + 40 * M, history=True)
    services.receive(users["duty"], first.pk)
    services.submit(users["duty"], incident.pk, "first", "written", "区应急局书面首报重庆市应急管理局。",
                    signed_by="区应急局局长", at=occurred + 1.5 * H, history=True)
    services.submit(users["jiuxian"], incident.pk, "followup", "written", "续报一：伤员情况稳定，现场明火已扑灭。",
                    at=occurred + 4 * H, history=True)
    from anying.plans.models import EmergencyPlan

    plan = EmergencyPlan.objects.filter(name="铜梁区生产安全事故应急预案", status__in=response.ACTIVE_PLANS).first()
    r = response.activate(users["duty"], incident.pk, plan=plan, plan_name="铜梁区生产安全事故专项应急预案", level=3,
                          commander="区政府分管副区长", at=occurred + 1 * H, actions=[
                              (users["jiuxian"].unit, "现场处置组", "组织疏散周边企业人员，设置警戒区", 30),
                              (Organisation.objects.get(name="区应急局"), "综合协调组", "调度救援力量和专家赶赴现场", 60),
                              (Organisation.objects.get(name="区经信委"), "行业监管组", "排查同类涉爆粉尘企业", None)])
    for task in r.tasks.filter(unit=users["jiuxian"].unit):
        response.report_task(users["jiuxian"], task.pk, "已疏散周边企业人员120人，警戒区已设置", done=True)
    response.open_post(SYSTEM, incident.pk, place=f"{town.name}工业园区管委会", commander="区政府分管副区长",
                       groups="综合协调组\n抢险救援组\n医疗救治组\n治安警戒组\n后勤保障组\n新闻宣传组",
                       at=occurred + 1.2 * H)
    if team:
        d = response.dispatch_team(SYSTEM, incident.pk, team.pk, people=12, vehicles=3, at=occurred + 1 * H)
        response.mark(SYSTEM, d.pk, "departed", occurred + 1 * H + 6 * M)
        response.mark(SYSTEM, d.pk, "arrived", occurred + 1 * H + 38 * M)


def _landslide(users, now) -> None:
    town = Region.objects.get(name="虎峰镇", level=Region.Level.TOWN)
    village = Region.objects.filter(parent=town).first() or town
    occurred = now - 3 * H
    services.record(SYSTEM, {
        "unit": users["hufeng"].unit, "title": "虎峰镇山体滑坡", "kind": "geological", "grade": "general",
        "region": village, "place": "村道K3+200处", "occurred_at": occurred, "received_at": occurred + 25 * M,
        "source": "below", "source_detail": "村灾害信息员报告", "reporter": "村灾害信息员", "trapped": 0,
        "description": "连续降雨后村道边坡滑塌约300立方米，阻断村道，暂无人员伤亡。",
        "measures": "已设置警示标志，转移坡下2户6人。"}, is_demo=True)
    # its 首报 was due two hours after the event (未核对原文的初报时限 counts from the event): overdue now
    services.run_overdue(now)


def _last_month(users, now) -> None:
    town = Region.objects.get(name="旧县街道", level=Region.Level.TOWN)
    occurred = now - dt.timedelta(days=20)
    incident = services.record(SYSTEM, {
        "unit": users["jiuxian"].unit, "title": "旧县街道建筑工地高处坠落事故", "kind": "work_safety", "party": "某建筑公司",
        "region": town, "place": "安居小区二期工地", "occurred_at": occurred, "received_at": occurred + 30 * M,
        "source": "unit", "source_detail": "施工单位项目经理报告", "deaths": 1,
        "description": "一名作业人员从脚手架坠落，经抢救无效死亡。", "measures": "工地已停工整改。"}, is_demo=True)
    services.submit(users["jiuxian"], incident.pk, "first", "written", "首报", at=occurred + 1.5 * H, history=True)
    services.submit(users["jiuxian"], incident.pk, "followup", "written", "续报一", at=occurred + 1.5 * H + 27 * H, history=True)
    services.submit(users["jiuxian"], incident.pk, "final", "written", "终报：善后工作已完成。", at=occurred + 3 * dt.timedelta(days=1), history=True)
    services.submit(users["duty"], incident.pk, "first", "written", "首报", at=occurred + 2.5 * H, history=True)
    services.submit(users["duty"], incident.pk, "final", "written", "终报", at=occurred + 3 * dt.timedelta(days=1) + H, history=True)
