"""J3 in a browser, the inspector's journey: plan → draw → inspect with a checklist (one item
不符合) → 现场检查记录 and 责令限期整改指令书 → the enterprise rectifies → the inspector closes the
hazard → 整改复查意见书 → the inspection shows 执法清零."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.core.models import Organisation
from anying.hazards import checklists
from anying.hazards import services as hazard_services
from anying.hazards.models import ChecklistTemplate, Hazard
from anying.inspections.models import Inspector
from anying.standards.models import CriteriaSet
from tests.conftest import photo

from .helpers import log_in, shoot
from .test_checklist_journey import answer_all

pytestmark = pytest.mark.browser


def test_plan_draw_inspect_order_review_close(new_page, make_enterprise, enterprise_user, users):
    bureau = Organisation.objects.get(name="区应急局")
    template = checklists.build_from_criteria(None, CriteriaSet.objects.get(code="gongmao_2023"),
                                              use=ChecklistTemplate.Use.INSPECTION, owner=bureau)
    checklists.update_draft(None, template.pk, name="工贸执法检查清单", industry=template.industry,
                            items_text="安全出口、疏散通道畅通")
    checklists.publish(None, template.pk)
    for n, name in enumerate(["陈执法", "李执法"]):
        Inspector.objects.create(unit=bureau, name=name, certificate_no=f"渝执{n}", user=users["yingji"] if n == 0 else None,
                                 certificate_expiry=timezone.localdate() + dt.timedelta(days=365))
    ent = make_enterprise("重庆铜梁精工机械有限公司", "旧县街道", "机械", tags=["dust"])
    owner = enterprise_user(ent, "anquanyuan")

    page = log_in(new_page(), "yingji")
    menu = page.get_by_role("complementary", name="主菜单")
    menu.get_by_role("link", name="年度执法计划").click()
    page.get_by_role("button", name="按检查频次生成本单位计划").click()
    expect(page.get_by_role("row", name=ent.name)).to_be_visible()

    menu.get_by_role("link", name="双随机抽查").click()
    page.get_by_role("link", name="新的抽取").click()
    page.get_by_label("抽取企业数").fill("1")
    page.get_by_role("button", name="抽取并公开").click()
    expect(page.get_by_role("row", name=ent.name)).to_contain_text("陈执法")
    page.get_by_role("link", name="重新计算核对").click()
    expect(page.get_by_role("status")).to_contain_text("一致")

    page.goto(f"/enterprises/{ent.pk}/")
    page.locator("a.btn", has_text="执法检查").click()
    page.get_by_label("陈执法（渝执0）").check()
    page.get_by_label("李执法（渝执1）").check()
    page.get_by_label("检查场所及内容").fill("生产车间")
    answer_all(page)  # nothing is answered in advance (issue #13)
    exit_item = page.locator("li.ay-item", has_text="安全出口、疏散通道畅通")
    exit_item.get_by_label("不符合", exact=True).check()
    exit_item.get_by_label("发现的问题").fill("二车间安全出口堵塞")
    page.get_by_label("执法人员签名").fill("陈执法、李执法")
    page.get_by_label("被检查单位现场负责人签名").fill("张厂长")
    page.get_by_label("责令整改期限").fill((timezone.localdate() + dt.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="保存检查记录").click()
    expect(page.get_by_role("alert").first).to_contain_text("发现问题 1 项")
    expect(page.get_by_role("link", name="现场检查记录")).to_be_visible()
    expect(page.get_by_role("link", name="责令限期整改指令书")).to_be_visible()
    inspection_url = page.url

    hazard = Hazard.objects.get(enterprise=ent)
    hazard_services.transition(owner, hazard.pk, "start", changes={"responsible_person": "王主任", "measures": "清理",
                                                                   "deadline": hazard.deadline})
    hazard_services.transition(owner, hazard.pk, "submit", comment="已清理", files=[photo()])
    page.goto(f"/hazards/{hazard.pk}/")
    page.get_by_role("button", name="审核销号").click()
    page.goto(inspection_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("执法清零")
    page.get_by_role("button", name="出具整改复查意见书").click()
    expect(page.get_by_role("link", name="整改复查意见书")).to_be_visible()
    shoot(page, "inspection-cleared")
