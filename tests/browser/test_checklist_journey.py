"""Issue #13 in a browser: an inspector opens a new inspection of a machinery enterprise, sees
only the items that apply to it, none answered; saving with one item unanswered is refused and
the answers and the photo stay; answering it saves. At 1366 px and on a 390 px phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from anying.core.attachments import attachments_of
from anying.core.models import Organisation
from anying.hazards import checklists
from anying.hazards.models import ChecklistTemplate, Hazard
from anying.inspections.models import Inspection, Inspector
from anying.standards.models import CriteriaSet
from tests.conftest import png_bytes

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


def answer_all(page: Page, result: str = "符合", skip: tuple[int, ...] = ()) -> None:
    """Answers every item of the inspection checklist on the page but those at `skip` (0-based)."""
    items = page.locator("li.ay-item")
    for n in range(items.count()):
        if n not in skip:
            items.nth(n).get_by_label(result, exact=True).check()


@pytest.fixture
def ready(make_enterprise, users):
    bureau = Organisation.objects.get(name="区应急局")
    template = checklists.build_from_criteria(None, CriteriaSet.objects.get(code="gongmao_2023"),
                                              use=ChecklistTemplate.Use.INSPECTION, owner=bureau)
    checklists.update_draft(None, template.pk, name="工贸执法检查清单", industry=template.industry,
                            items_text="安全出口、疏散通道畅通")
    checklists.publish(None, template.pk)
    for n, name in enumerate(["陈执法", "李执法"]):
        Inspector.objects.create(unit=bureau, name=name, certificate_no=f"渝执{n}", user=users["yingji"] if n == 0 else None,
                                 certificate_expiry=timezone.localdate() + dt.timedelta(days=365))
    return make_enterprise("重庆铜梁精工机械有限公司", "旧县街道", "机械")


def test_only_applicable_items_all_unanswered_and_a_refusal_keeps_answers_and_photo(new_page, ready, tmp_path):
    photo = tmp_path / "exit.png"
    photo.write_bytes(png_bytes((40, 30)))
    page = log_in(new_page(**DESK), "yingji")
    page.goto(f"/enterprises/{ready.pk}/")
    page.locator("a.btn", has_text="执法检查").click()
    items = page.locator("li.ay-item")
    expect(items).to_have_count(3 + 7 + 1)  # 通用, 机械, the custom item — no 冶金 (高炉), no 粉尘 (no tag)
    expect(page.get_by_text("高炉")).to_have_count(0)
    expect(page.get_by_text("清单中另有 54 项不适用于本企业的行业和风险标签")).to_be_visible()
    expect(page.locator("li.ay-item input[type=radio]:checked")).to_have_count(0)
    shoot(page, "checklist-new-1366")

    page.get_by_label("陈执法（渝执0）").check()
    page.get_by_label("李执法（渝执1）").check()
    page.get_by_label("检查场所及内容").fill("生产车间")
    answer_all(page, skip=(4,))
    exit_item = items.filter(has_text="安全出口、疏散通道畅通")
    exit_item.get_by_label("不符合", exact=True).check()
    exit_item.get_by_label("发现的问题").fill("二车间安全出口堵塞")
    exit_item.get_by_label("照片").set_input_files(str(photo))
    page.get_by_label("执法人员签名").fill("陈执法、李执法")
    page.get_by_label("被检查单位现场负责人签名").fill("张厂长")
    page.get_by_label("责令整改期限").fill((timezone.localdate() + dt.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="保存检查记录").click()

    expect(page.get_by_role("alert").first).to_contain_text("第 5 项未作答：请逐项选择符合、不符合或不涉及")
    expect(items.nth(4)).to_contain_text("第 5 项：请选择符合、不符合或不涉及")
    assert Inspection.objects.count() == 0
    expect(exit_item.get_by_label("不符合", exact=True)).to_be_checked()
    expect(exit_item.get_by_label("发现的问题")).to_have_value("二车间安全出口堵塞")
    expect(exit_item).to_contain_text("已保留上次选择的照片")
    expect(exit_item.get_by_text("exit.png")).to_be_visible()
    expect(exit_item.get_by_label("移除")).not_to_be_checked()
    expect(items.nth(0).get_by_label("符合", exact=True)).to_be_checked()
    items.nth(4).scroll_into_view_if_needed()
    shoot(page, "checklist-refused-1366")

    items.nth(4).get_by_label("不涉及", exact=True).check()
    page.get_by_role("button", name="保存检查记录").click()
    expect(page.get_by_role("alert").first).to_contain_text("发现问题 1 项")
    inspection = Inspection.objects.get()
    assert inspection.results.count() == 11 and inspection.results.filter(result="na").count() == 1
    assert [a.original_name for a in attachments_of(Hazard.objects.get())] == ["exit.png"]


def test_the_checklist_on_a_phone(new_page, ready):
    page = log_in(new_page(**PHONE), "yingji")
    page.goto(f"/enterprises/{ready.pk}/")
    page.locator("a.btn", has_text="执法检查").click()
    items = page.locator("li.ay-item")
    expect(items).to_have_count(11)
    answer_all(page, skip=(1, 2))
    items.nth(3).get_by_label("不符合", exact=True).check()
    page.get_by_role("button", name="保存检查记录").click()
    expect(items.nth(1)).to_contain_text("第 2 项：请选择符合、不符合或不涉及")
    # three answers side by side, each a real radio with a label at least 44 px high
    box = items.nth(0).locator(".ay-answer").first.bounding_box()
    assert box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    items.nth(0).scroll_into_view_if_needed()
    shoot(page, "checklist-refused-390")
