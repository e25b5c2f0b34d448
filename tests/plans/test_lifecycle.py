"""Who may take each step of a plan (no self-review: the level above reviews and files), and who
sees which plans (a town: its own and the district's; never another town's; an enterprise: its own)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from anying.core.errors import PermissionDenied
from anying.core.roles import Role
from anying.core.services import create_user
from anying.plans import services
from anying.plans.models import EmergencyPlan, PlanRole

from ..conftest import PASSWORD

L, S = EmergencyPlan.Level, EmergencyPlan.Status


def test_town_plan_goes_up_to_the_district_and_is_filed(make_plan, users):
    plan = make_plan()
    jiuxian, yingji, leader, hufeng = users["jiuxian"], users["yingji"], users["leader"], users["hufeng"]
    with pytest.raises(EmergencyPlan.DoesNotExist):  # another town: out of scope
        services.act(hufeng, plan.pk, "submit")
    services.act(jiuxian, plan.pk, "submit")
    with pytest.raises(PermissionDenied):  # a town has no plans.review, and never reviews its own
        services.act(jiuxian, plan.pk, "approve")
    with pytest.raises(ValidationError, match="审核意见"):
        services.act(yingji, plan.pk, "return")
    services.act(yingji, plan.pk, "return", comment="补充村级联络人")
    with pytest.raises(PermissionDenied):
        services.act(yingji, plan.pk, "submit")  # only the owner resubmits
    services.act(jiuxian, plan.pk, "submit")
    services.act(leader, plan.pk, "approve", comment="同意")
    with pytest.raises(ValidationError, match="印发日期"):
        services.act(jiuxian, plan.pk, "issue", data={"document_number": "旧县街办发〔2026〕1号"})
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.act(jiuxian, plan.pk, "issue", data={"issued_on": dt.date.today() + dt.timedelta(days=1),
                                                      "document_number": "x"})
    services.act(jiuxian, plan.pk, "issue", data={"issued_on": dt.date.today(), "document_number": "旧县街办发〔2026〕1号"})
    with pytest.raises(PermissionDenied):
        services.act(jiuxian, plan.pk, "file", data={"filing_number": "备1"})
    with pytest.raises(ValidationError, match="备案编号"):
        services.act(yingji, plan.pk, "file")
    services.act(yingji, plan.pk, "file", data={"filing_number": "铜应急备〔2026〕7号", "filed_on": dt.date.today()})
    plan.refresh_from_db()
    assert plan.status == S.FILED and plan.filed_by == yingji and plan.review_opinion == "同意"


def test_no_self_review_even_with_the_right(make_plan, users, units):
    """区应急局's own plan: its staff may not review it; the person who submitted never does."""
    plan = make_plan("区应急局", "区生产安全事故应急预案", L.DISTRICT_SPECIAL, "work_safety")
    yingji, admin = users["yingji"], users["admin"]
    services.act(yingji, plan.pk, "submit")
    colleague = create_user(None, username="yingji2", password=PASSWORD, role=Role.DEPT_INSPECTOR,
                            unit=units["区应急局"])
    assert "approve" not in [t.name for t in services.PLANS.available(colleague, plan)]
    with pytest.raises(PermissionDenied):
        services.act(colleague, plan.pk, "approve")
    # 区安委办's admin reviews it; a plan the admin submitted is reviewed by someone else
    services.act(admin, plan.pk, "approve")
    office_plan = make_plan("区安委办", "区安委办预案", L.DEPARTMENT, "general")
    services.act(admin, office_plan.pk, "submit")
    with pytest.raises(PermissionDenied):
        services.act(admin, office_plan.pk, "approve")
    with pytest.raises(PermissionDenied):  # same unit as the owner
        services.act(users["leader"], office_plan.pk, "approve")
    services.act(yingji, office_plan.pk, "approve")


def test_enterprise_plan_is_reviewed_by_the_departments_of_its_industry(make_plan, make_enterprise, enterprise_user,
                                                                        users, units):
    firm = make_enterprise("机械企业")
    account = enterprise_user(firm, "jixie")
    with pytest.raises(ValidationError, match="企业的预案只能是"):
        make_plan(firm.organisation, "企业总体", L.TOWN, "work_safety")
    plan = make_plan(firm.organisation, "机械企业综合预案", L.ENTERPRISE, "work_safety")
    services.act(account, plan.pk, "submit")
    zhujian = create_user(None, username="zhujian", password=PASSWORD, role=Role.DEPT_INSPECTOR,
                          unit=units["区住建委"])
    with pytest.raises(EmergencyPlan.DoesNotExist):  # 建设施工/燃气: not its industry, not in its scope
        services.act(zhujian, plan.pk, "approve")
    services.act(users["jingxin"], plan.pk, "approve")  # 区经信委 supervises 机械
    assert plan.region == firm.region and plan.industry == firm.industry


def test_owner_edits_only_drafts_and_returned(make_plan, users):
    plan = make_plan()
    plan.name = "旧县街道森林火灾应急预案（修订）"
    services.save_plan(users["jiuxian"], plan)
    services.save_role(users["jiuxian"], plan.pk, PlanRole(name="扑火组"))
    with pytest.raises(PermissionDenied):
        services.save_role(users["hufeng"], plan.pk, PlanRole(name="外镇"))
    services.act(users["jiuxian"], plan.pk, "submit")
    with pytest.raises(ValidationError, match="内容不能修改"):
        services.save_role(users["jiuxian"], plan.pk, PlanRole(name="报审后"))
    stale = EmergencyPlan.objects.get(pk=plan.pk)
    with pytest.raises(ValidationError):
        services.save_plan(users["jiuxian"], stale)
    with pytest.raises(PermissionDenied):  # a town registers plans of its own unit only
        services.save_plan(users["jiuxian"], EmergencyPlan(owner=users["hufeng"].unit, name="x", level=L.TOWN,
                                                           hazard_type=plan.hazard_type))


def test_scope_town_sees_its_own_and_the_districts(make_plan, make_enterprise, enterprise_user, users):
    district = make_plan("区应急局", "区森林火灾应急预案", L.DISTRICT_SPECIAL)
    own = make_plan(parent=district)
    other = make_plan("虎峰镇应急办", "虎峰镇森林火灾应急预案", parent=district)
    firm = make_enterprise("旧县企业")
    firm_plan = make_plan(firm.organisation, "旧县企业预案", L.ENTERPRISE, "work_safety")
    chem = make_enterprise("旧县化工", industry_name="危险化学品")
    chem_plan = make_plan(chem.organisation, "旧县化工预案", L.ENTERPRISE, "hazchem")

    def seen(user):
        return set(EmergencyPlan.objects.visible_to(user).values_list("pk", flat=True))

    assert seen(users["jiuxian"]) == {district.pk, own.pk, firm_plan.pk, chem_plan.pk}
    assert seen(users["hufeng"]) == {district.pk, other.pk}
    assert seen(users["jingxin"]) == {district.pk, own.pk, other.pk, firm_plan.pk}  # not 危险化学品
    assert seen(users["admin"]) == {district.pk, own.pk, other.pk, firm_plan.pk, chem_plan.pk}
    assert seen(enterprise_user(firm, "qiye2")) == {firm_plan.pk}
    with pytest.raises(ValidationError, match="上级预案不存在"):  # a parent the user cannot see
        services.save_plan(users["hufeng"], EmergencyPlan(owner=users["hufeng"].unit, name="x", level=L.VILLAGE,
                                                          hazard_type=own.hazard_type, parent=own))
