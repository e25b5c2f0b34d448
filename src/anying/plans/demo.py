"""Demo plans and drills (`anying demo`): the district's 总体预案 and three 专项预案 (生产安全事故 with
its four response levels and an action checklist per role, 森林火灾, 防汛抗旱 — issued over three
years ago, so past its revision date), the plans of 旧县街道 (all three the coverage rules ask for;
its 自然灾害救助实施办法 issued but not yet filed, past the 20-working-day deadline) and 虎峰镇 (no
自然灾害救助实施办法: the coverage gap), the demo enterprise's plan and 现场处置方案; this year's
drills — 旧县街道's forest-fire and relief drills held and evaluated (a weakness that needs the plan
revised), 虎峰镇's forest-fire drill still planned (behind its quota), the district's 综合演练 —,
and the enterprise's evacuation drill. Everything goes through the services as SYSTEM."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anying.core.models import Organisation, User
from anying.core.permissions import SYSTEM

from . import drills, reference, services
from .models import (
    Drill,
    DrillEvaluation,
    EmergencyPlan,
    HazardType,
    PlanAction,
    PlanEvaluation,
    PlanResource,
    PlanRole,
    ResponseLevel,
)

L = EmergencyPlan.Level

WORK_SAFETY_LEVELS = [
    (1, "Ⅰ级响应", "发生或可能发生特别重大、重大生产安全事故，或事态超出区级处置能力，需市政府统一指挥的"),
    (2, "Ⅱ级响应", "发生或可能发生较大生产安全事故，或一次造成 3 人以上被困、失联，需区政府统一指挥的"),
    (3, "Ⅲ级响应", "发生一般生产安全事故且有人员被困，或事发镇街请求区级支援的"),
    (4, "Ⅳ级响应", "发生一般生产安全事故，事发镇街能够处置，区应急局派员指导的"),
]
WORK_SAFETY_ROLES = [
    ("指挥部办公室", "区应急局", "汇总信息，起草报告，联络市级部门", 10),
    ("抢险救援组", "区消防救援支队、区应急救援中心", "搜救被困人员，排除险情，防止事故扩大", 20),
    ("医疗救护组", "区卫生健康委", "组织伤员救治和转运", 30),
    ("治安警戒组", "区公安局", "设置警戒区，疏导交通，维护秩序", 40),
    ("新闻宣传组", "区委宣传部", "发布权威信息，回应社会关切", 50),
]
# (level, role, text, within minutes)
WORK_SAFETY_ACTIONS = [
    (4, "指挥部办公室", "接报后核实事故情况，向区政府值班室和市应急局报告", 60),
    (4, "抢险救援组", "派员赶赴现场指导镇街开展先期处置", 60),
    (3, "指挥部办公室", "通知相关成员单位负责人赶赴现场，开设现场指挥部", 30),
    (3, "抢险救援组", "调派区应急救援中心和就近专职救援队参加救援", 30),
    (3, "医疗救护组", "调派 120 急救力量到现场待命", 30),
    (3, "治安警戒组", "设置现场警戒区，实施交通管制", 45),
    (2, "指挥部办公室", "报请区政府主要领导任总指挥，启动区级指挥部全部工作组", 30),
    (2, "抢险救援组", "调集全区专业救援队伍和大型装备，请求市级专业队伍支援", 60),
    (2, "医疗救护组", "指定定点医院，开通伤员救治绿色通道", 60),
    (2, "新闻宣传组", "5 小时内发布权威信息，24 小时内召开新闻发布会", 300),
    (1, "指挥部办公室", "报请市政府启动市级响应，配合市级指挥部开展工作", 30),
    (1, "治安警戒组", "扩大警戒范围，组织周边群众疏散转移", 60),
]


def _people() -> dict:
    return {u.username: u for u in User.objects.filter(username__in=["admin", "yingji", "jingxin", "jiuxian",
                                                                      "hufeng", "qiye"])}


def _through(plan: EmergencyPlan, issued: dt.date, *, number: str, filed: bool = True) -> EmergencyPlan:
    """Take a draft through 报审 → 审核通过 → 印发 (→ 备案) as the system."""
    services.act(SYSTEM, plan.pk, "submit")
    services.act(SYSTEM, plan.pk, "approve", comment="符合编制要求")
    services.act(SYSTEM, plan.pk, "issue", data={"issued_on": issued, "document_number": number})
    if filed:
        plan.refresh_from_db()
        services.act(SYSTEM, plan.pk, "file", data={"filing_number": f"备{number[-8:]}",
                                                    "filed_on": min(plan.filing_due, timezone.localdate())})
    return EmergencyPlan.objects.get(pk=plan.pk)


def _plan(owner, name, level, hazard, **fields) -> EmergencyPlan:
    return services.save_plan(SYSTEM, EmergencyPlan(owner=owner, name=name, level=level, hazard_type=hazard,
                                                    edition=fields.pop("edition", ""), **fields))


def load(rng) -> None:
    if EmergencyPlan.objects.exists():
        return
    reference.ensure()
    units = {o.name: o for o in Organisation.objects.filter(name__in=["区应急局", "旧县街道应急办", "虎峰镇应急办"])}
    if len(units) < 3:
        return
    from anying.registry.models import Enterprise

    qiye = User.objects.filter(username="qiye").select_related("unit").first()
    company = Enterprise.objects.filter(organisation_id=qiye.unit_id).first() if qiye else None
    bureau, jiuxian, hufeng = units["区应急局"], units["旧县街道应急办"], units["虎峰镇应急办"]
    h = {t.code: t for t in HazardType.objects.all()}
    today = timezone.localdate()
    year = today.year

    general = _through(_plan(bureau, "铜梁区突发事件总体应急预案", L.DISTRICT_GENERAL, h["general"], edition=f"{year - 1}年版",
                             summary="本区行政区域内突发事件的应对工作。"), dt.date(year - 1, 3, 16),
                       number=f"铜府发〔{year - 1}〕12号")
    safety = _plan(bureau, "铜梁区生产安全事故应急预案", L.DISTRICT_SPECIAL, h["work_safety"], parent=general,
                   edition=f"{year - 1}年版", summary="本区行政区域内生产安全事故的应对工作。响应分级依据事态和处置能力，不照搬事故分级。")
    levels = {n: services.save_level(SYSTEM, safety.pk, ResponseLevel(number=n, name=name, criteria=text))
              for n, name, text in WORK_SAFETY_LEVELS}
    # the lead unit where the district has it in the system (activation hands the group's tasks to it)
    leads = {o.name: o for o in Organisation.objects.filter(name__in=[u.split("、")[0] for _, u, _, _ in WORK_SAFETY_ROLES])}
    roles = {name: services.save_role(SYSTEM, safety.pk, PlanRole(name=name, unit_text=unit, duties=duties, order=order,
                                                                  unit=leads.get(unit.split("、")[0])))
             for name, unit, duties, order in WORK_SAFETY_ROLES}
    for n, (level, role, text, minutes) in enumerate(WORK_SAFETY_ACTIONS):
        services.save_action(SYSTEM, safety.pk, PlanAction(level=levels[level], role=roles[role], text=text,
                                                           within_minutes=minutes, order=(n + 1) * 10))
    for name, qty, note in [("区应急救援中心", "1 支 45 人", "区级专业队伍"), ("生命探测仪", "4 台", "区应急物资仓库"),
                            ("大型起重设备", "2 台", "协议储备")]:
        services.save_resource(SYSTEM, safety.pk, PlanResource(name=name, quantity=qty, note=note))
    safety = _through(safety, dt.date(year - 1, 6, 3), number=f"铜府办发〔{year - 1}〕45号")
    services.evaluate(SYSTEM, safety.pk, PlanEvaluation(evaluated_on=today - dt.timedelta(days=40), evaluator="区应急局",
                                                       conclusion=PlanEvaluation.Conclusion.KEEP,
                                                       findings="组织机构和响应措施与现行职责一致，继续适用。"))
    forest = _through(_plan(bureau, "铜梁区森林火灾应急预案", L.DISTRICT_SPECIAL, h["forest_fire"], parent=general,
                            edition=f"{year - 2}年版"), dt.date(year - 2, 2, 20), number=f"铜府办发〔{year - 2}〕9号")
    flood = _through(_plan(bureau, "铜梁区防汛抗旱应急预案", L.DISTRICT_SPECIAL, h["flood"], parent=general,
                           edition=f"{year - 4}年版"), dt.date(year - 4, 4, 28), number=f"铜府办发〔{year - 4}〕31号")

    # 旧县街道: every plan the coverage rules ask for; the relief rules issued, filing late
    jx_forest = _through(_plan(jiuxian, "旧县街道森林火灾应急预案", L.TOWN, h["forest_fire"], parent=forest),
                         dt.date(year - 1, 3, 2), number=f"旧县街办发〔{year - 1}〕8号")
    _through(_plan(jiuxian, "旧县街道防汛抗旱应急预案", L.TOWN, h["flood"], parent=flood), dt.date(year, 4, 10),
             number=f"旧县街办发〔{year}〕15号")
    relief_issued = today - dt.timedelta(days=45)
    _through(_plan(jiuxian, "旧县街道自然灾害救助实施办法", L.TOWN, h["relief"]), relief_issued,
             number=f"旧县街办发〔{year}〕40号", filed=False)
    # 虎峰镇: no 自然灾害救助实施办法 yet — the gap the coverage page shows
    hf_forest = _through(_plan(hufeng, "虎峰镇森林火灾应急预案", L.TOWN, h["forest_fire"], parent=forest),
                         dt.date(year - 1, 5, 8), number=f"虎峰府发〔{year - 1}〕21号")
    _plan(hufeng, "虎峰镇防汛抗旱应急预案（修订稿）", L.TOWN, h["flood"], parent=flood, edition=f"{year}年修订稿")

    company_plan = None
    if company is not None:
        company_plan = _through(_plan(company.organisation, f"{company.name}生产安全事故综合应急预案", L.ENTERPRISE,
                                      h["work_safety"]), dt.date(year, 3, 1), number=f"企预〔{year}〕1号")
        _plan(company.organisation, "粉尘爆炸现场处置方案", L.ONSITE, h["work_safety"], parent=company_plan)

    _drills(today, bureau, jiuxian, hufeng, safety, jx_forest, hf_forest, company, company_plan, h)


def _drill(owner, name, kind, hazard, month, year, **fields) -> Drill:
    return drills.save_drill(SYSTEM, Drill(owner=owner, name=name, kind=kind, hazard_type=hazard, month=month, year=year,
                                           **fields))


def _held(drill, day, place, units, people, text) -> Drill:
    return drills.record(SYSTEM, drill.pk, held_on=day, place=place, units=units, people=people, text=text)


def _drills(today, bureau, jiuxian, hufeng, safety, jx_forest, hf_forest, company, company_plan, h) -> None:
    year = today.year
    held_month = max(1, today.month - 2)

    def held_day(month):
        return min(dt.date(year, month, 15), today)

    # the district's 综合演练 of the 生产安全事故 plan, held and evaluated
    combined = _drill(bureau, f"{year}年全区生产安全事故综合应急演练", Drill.Kind.COMBINED, h["work_safety"], 6 if today.month > 6
                      else held_month, year, plan=safety, scenario="某危化品仓库泄漏起火，3 人被困", partners="区消防救援支队、区卫生健康委、驻地武警中队")
    _held(combined, held_day(combined.month), "高新区危化品仓储园", "区应急局、区消防救援支队、区卫生健康委、高新区管委会", 160,
          "按Ⅱ级响应开设现场指挥部，完成人员搜救、泄漏处置和周边疏散。")
    drills.evaluate(SYSTEM, combined.pk, DrillEvaluation(score=86, evaluated_on=held_day(combined.month),
                                                         evaluator="区应急局评估组", summary="响应迅速，协同顺畅。"), [
        drills.Weakness("现场指挥部与医疗救护组通信不畅", bureau, today + dt.timedelta(days=20))])

    # 旧县街道: both quota drills held; the forest-fire one found a weakness in its plan
    fire = _drill(jiuxian, f"{year}年旧县街道森林火灾实战演练", Drill.Kind.LIVE, h["forest_fire"], 3, year, plan=jx_forest,
                  scenario="巴岳山林区烧荒引发山火，向居民点蔓延", partners="区森林消防半专业队")
    _held(fire, held_day(3), "巴岳山林区", "旧县街道、区森林消防半专业队、各村民兵", 85, "完成火情报告、扑火队集结、隔离带开设和群众疏散。")
    drills.evaluate(SYSTEM, fire.pk, DrillEvaluation(score=78, evaluated_on=held_day(3), evaluator="区应急局",
                                                     summary="扑火队伍集结较快，预案中的疏散路线与现状不符。"), [
        drills.Weakness("疏散路线经过已封闭的林道，预案未更新", jiuxian, today + dt.timedelta(days=30), revise=True),
        drills.Weakness("村级扑火队风力灭火机不足", jiuxian, today - dt.timedelta(days=10))])
    relief = _drill(jiuxian, f"{year}年旧县街道自然灾害救助应急演练", Drill.Kind.TABLETOP, h["relief"], 5, year)
    _held(relief, held_day(5), "旧县街道办事处", "旧县街道、各村（社区）", 30, "桌面推演灾情统计报送、救灾物资发放和临时安置。")

    # 虎峰镇: its forest-fire drill planned for this month, not held (behind); a relief drill overdue
    _drill(hufeng, f"{year}年虎峰镇森林火灾实战演练", Drill.Kind.LIVE, h["forest_fire"], today.month, year, plan=hf_forest,
           scenario="虎峰山林区雷击火")
    _drill(hufeng, f"{year}年虎峰镇救助应急演练", Drill.Kind.TABLETOP, h["relief"], max(1, today.month - 1), year)

    if company is not None:
        evac = _drill(company.organisation, f"{year}年上半年疏散逃生演练", Drill.Kind.LIVE, h["fire"], 4, year,
                      evacuation=True, plan=company_plan, scenario="车间粉尘燃爆，全员疏散")
        _held(evac, held_day(4), "厂区", "全体员工", 46, "全员 4 分钟内撤离至集合点。")
