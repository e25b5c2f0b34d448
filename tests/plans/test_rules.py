"""The plans' figures at their boundaries: the filing deadline in working days across a holiday,
the evaluation cycle, the revision rate, coverage, and actions_for (the activation contract)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.permissions import SYSTEM
from anying.plans import reference, rules, services
from anying.plans.models import EmergencyPlan, FollowUp, PlanAction, PlanEvaluation, PlanRole, ResponseLevel

from .conftest import through

L = EmergencyPlan.Level


def test_working_days_skip_the_holidays_and_count_a_make_up_saturday():
    # 2026: 中秋 25–27 Sep off, 国庆 1–7 Oct off, Saturday 10 Oct a working day (core/data/cn_holidays.csv)
    assert rules.add_working_days(dt.date(2026, 9, 24), 1) == dt.date(2026, 9, 28)
    assert rules.add_working_days(dt.date(2026, 9, 24), 20) == dt.date(2026, 10, 29)
    assert rules.add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)  # the 调休 Saturday counts
    assert rules.add_working_days(dt.date(2026, 9, 30), 20) == dt.date(2026, 11, 3)
    assert rules.add_working_days(dt.date(2026, 11, 2), 5) == dt.date(2026, 11, 9)  # an ordinary week


def test_the_filing_deadline_is_twenty_working_days_after_issue(make_plan, monkeypatch):
    assert reference.requirement("GB2024_A26_FILING").value == 20
    plan = through(make_plan(), dt.date(2026, 9, 24), filed=False)
    assert plan.status == EmergencyPlan.Status.ISSUED and plan.filing_due == dt.date(2026, 10, 29)
    assert not plan.filing_overdue(dt.date(2026, 10, 29))  # the last day is still in time
    assert plan.filing_overdue(dt.date(2026, 10, 30))
    services.act(SYSTEM, plan.pk, "file", data={"filing_number": "备1", "filed_on": dt.date(2026, 10, 30)})
    plan.refresh_from_db()
    assert plan.filing_overdue(dt.date(2027, 1, 1))  # filed one day late stays flagged
    on_time = through(make_plan(name="另一预案"), dt.date(2026, 9, 24), filed_on=dt.date(2026, 10, 29))
    assert not on_time.filing_overdue(dt.date(2027, 1, 1))


def test_evaluation_cycle_by_kind_of_unit(make_plan, make_enterprise, ref, units):
    gov = through(make_plan(), dt.date(2025, 3, 1))
    assert gov.evaluation_due == dt.date(2028, 3, 1)  # the district's default (not verified)
    assert not rules.evaluation_requirement(gov).verified
    chem = make_enterprise("化工企业", industry_name="危险化学品")
    risky = through(make_plan(chem.organisation, "化工企业综合预案", L.ENTERPRISE, "hazchem"), dt.date(2025, 3, 1))
    assert risky.evaluation_due == dt.date(2028, 3, 1)
    assert rules.evaluation_requirement(risky).code == "AQ2_A35_EVAL"
    machine = make_enterprise("机械企业")
    plain = through(make_plan(machine.organisation, "机械企业综合预案", L.ENTERPRISE, "work_safety"), dt.date(2025, 3, 1))
    assert plain.evaluation_due is None  # 定期评估, no period for the others
    tagged = make_enterprise("重大危险源企业", tags=["mhi"])
    assert rules.is_high_risk(tagged)
    # an evaluation moves the next one; 需要修订 makes a revision task for the owner
    services.evaluate(SYSTEM, gov.pk, PlanEvaluation(evaluated_on=dt.date(2026, 1, 5), evaluator="区应急局",
                                                     conclusion=PlanEvaluation.Conclusion.REVISE, findings="职责已调整"))
    gov.refresh_from_db()
    assert gov.evaluation_due == dt.date(2029, 1, 5)
    task = FollowUp.objects.get(plan=gov)
    assert task.kind == FollowUp.Kind.REVISION and task.unit == units["旧县街道应急办"]
    assert task.due_on == dt.date(2026, 1, 5) + dt.timedelta(days=services.REVISION_DAYS)
    with pytest.raises(ValidationError, match="不能早于预案印发日期"):
        services.evaluate(SYSTEM, gov.pk, PlanEvaluation(evaluated_on=dt.date(2025, 1, 1), evaluator="x",
                                                         conclusion="keep"))
    # the district changes its default cycle
    services.set_requirement(SYSTEM, "DEFAULT_GOV_EVAL", 2)
    services.recompute_dates()
    gov.refresh_from_db()
    assert gov.evaluation_due == dt.date(2028, 1, 5)
    with pytest.raises(ValidationError, match="法规规定的数值不能修改"):
        services.set_requirement(SYSTEM, "GB2024_A26_FILING", 30)


def test_refiling_closes_the_revision_tasks(make_plan):
    plan = through(make_plan(), dt.date(2025, 3, 1))
    services.evaluate(SYSTEM, plan.pk, PlanEvaluation(evaluated_on=dt.date(2026, 1, 5), evaluator="x",
                                                      conclusion=PlanEvaluation.Conclusion.REVISE))
    services.act(SYSTEM, plan.pk, "revise", comment="评估结论需要修订")
    assert FollowUp.objects.get(plan=plan).done_at is None
    through(EmergencyPlan.objects.get(pk=plan.pk), timezone.localdate())
    assert FollowUp.objects.get(plan=plan).done_at is not None


def test_revision_rate(make_plan, make_enterprise, ref):
    today = timezone.localdate()
    cycle = reference.requirement("DEFAULT_REVISION_CYCLE").value
    on_the_day = rules.add_years(today, -cycle)  # revision due today: still within its cycle
    through(make_plan(name="到期当天"), on_the_day)
    through(make_plan(name="过期一天"), on_the_day - dt.timedelta(days=1))
    through(make_plan(name="新近印发"), today - dt.timedelta(days=10))
    make_plan(name="草稿不计")
    repealed = make_plan(name="已废止不计", effective_to=today - dt.timedelta(days=1))
    through(repealed, on_the_day - dt.timedelta(days=30))
    firm = make_enterprise("企业")
    through(make_plan(firm.organisation, "企业预案不计", L.ENTERPRISE, "work_safety"), on_the_day - dt.timedelta(days=5))
    rate = rules.revision_rate(EmergencyPlan.objects.all(), today)
    assert (rate.revised, rate.total, rate.target) == (2, 3, 98)
    assert rate.percent == 66.7 and not rate.met
    assert [p.name for p in rate.overdue] == ["过期一天"]
    assert rules.Rate(49, 50, 98).met and not rules.Rate(48, 50, 98).met and not rules.Rate(0, 0, 98).met


def test_coverage_per_town(make_plan, make_enterprise, users, town):
    for name, hazard in [("旧县森林", "forest_fire"), ("旧县防汛", "flood"), ("旧县救助", "relief")]:
        make_plan(name=name, hazard=hazard)
    make_plan("虎峰镇应急办", "虎峰森林", hazard="forest_fire")
    make_plan("虎峰镇应急办", "虎峰防汛", hazard="flood")
    make_plan("虎峰镇应急办", "虎峰救助（已废止）", hazard="relief", effective_to=dt.date(2020, 1, 1))
    firm = make_enterprise("虎峰企业", town_name="虎峰镇")
    make_plan(firm.organisation, "企业的救助预案不算镇街的", L.ENTERPRISE, "relief")
    _rules, rows = rules.coverage(EmergencyPlan.objects.all(), [town("旧县街道"), town("虎峰镇")])
    found = {r.town.name: r.missing for r in rows}
    assert found == {"旧县街道": [], "虎峰镇": ["TOWN_RELIEF"]}


@pytest.fixture
def safety_plan(make_plan, units):
    plan = make_plan("区应急局", "区生产安全事故应急预案", L.DISTRICT_SPECIAL, "work_safety")
    levels = {n: services.save_level(SYSTEM, plan.pk, ResponseLevel(number=n, criteria=f"{n}级条件")) for n in (1, 2, 3, 4)}
    office = services.save_role(SYSTEM, plan.pk, PlanRole(name="指挥部办公室", order=10))
    rescue = services.save_role(SYSTEM, plan.pk, PlanRole(name="抢险救援组", order=20))
    for level, role, text in [(4, rescue, "IV 救援"), (1, office, "I 报市政府"), (4, office, "IV 报告"), (2, office, "II 开设指挥部"),
                              (3, rescue, "III 调派专职队"), (3, None, "III 无工作组")]:
        services.save_action(SYSTEM, plan.pk, PlanAction(level=levels[level], role=role, text=text))
    return plan


def test_actions_for_a_level_include_the_less_severe_levels(safety_plan):
    texts = lambda n: [a.text for a in services.actions_for(safety_plan, n)]  # noqa: E731
    assert texts(4) == ["IV 报告", "IV 救援"]
    assert texts(2) == ["IV 报告", "II 开设指挥部", "IV 救援", "III 调派专职队", "III 无工作组"]
    assert texts(1) == ["IV 报告", "II 开设指挥部", "I 报市政府", "IV 救援", "III 调派专职队", "III 无工作组"]
    for bad in (0, 5):
        with pytest.raises(ValidationError):
            services.actions_for(safety_plan, bad)
    assert [lv.number for lv in services.response_levels(safety_plan)] == [1, 2, 3, 4]
    with pytest.raises(ValidationError, match="已有二级响应"):
        services.save_level(SYSTEM, safety_plan.pk, ResponseLevel(number=2, criteria="重复"))
