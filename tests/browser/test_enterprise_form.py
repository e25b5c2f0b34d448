"""A town inspector registers an enterprise, corrects a mistyped credit code, edits it and sees the
change in its 变更记录."""

import random
import re

import pytest
from playwright.sync_api import expect

from anying.registry import creditcode

from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INDENT = "\u3000"  # sub-industries are indented with an ideographic space in the select
NAME = "重庆市铜梁区旧县精密机械有限公司"


def mistype(code: str) -> str:
    return code[:-1] + ("1" if code[-1] != "1" else "2")


def field(page, field_id: str):
    """The block of one form field: label, input, help and error."""
    return page.locator("div.mb-3", has=page.locator(f"#{field_id}"))


def register_enterprise(page, code: str) -> None:
    log_in(page, "jiuxian")
    page.get_by_role("link", name="生产经营单位").click()
    page.get_by_role("link", name="登记企业").click()
    expect(page.get_by_role("heading", name="登记生产经营单位")).to_be_visible()
    page.fill("#id_name", NAME)
    page.fill("#id_credit_code", mistype(code))
    page.select_option("#id_region", label="旧县街道")
    page.select_option("#id_industry", label=INDENT + "机械")
    page.select_option("#id_scale", label="规上")
    page.fill("#id_employees", "35")
    page.fill("#id_address", "旧县街道工业园区 12 号")
    page.fill("#id_contact_name", "王联系")
    page.get_by_label("粉尘涉爆").check()
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert")).to_have_text("请修改下面标红的项目后再保存。")
    error = field(page, "id_credit_code").locator(".invalid-feedback")
    expect(error).to_have_text("统一社会信用代码校验位错误，请核对营业执照")
    expect(page.locator("#id_credit_code")).to_have_class(re.compile(r"\bis-invalid\b"))  # outlined in red
    # Everything else the inspector typed is still there.
    expect(page.locator("#id_name")).to_have_value(NAME)
    expect(page.locator("#id_credit_code")).to_have_value(mistype(code))
    expect(page.locator("#id_region option:checked")).to_have_text("旧县街道")
    expect(page.locator("#id_industry option:checked")).to_have_text(INDENT + "机械")
    expect(page.locator("#id_scale option:checked")).to_have_text("规上")
    expect(page.locator("#id_employees")).to_have_value("35")
    expect(page.locator("#id_address")).to_have_value("旧县街道工业园区 12 号")
    expect(page.locator("#id_contact_name")).to_have_value("王联系")
    expect(page.get_by_label("粉尘涉爆")).to_be_checked()
    expect(page.get_by_label("有限空间作业")).not_to_be_checked()
    shoot(page, "enterprise-form-credit-code-error")

    page.fill("#id_credit_code", code)
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/enterprises/\d+/$"))
    expect(page.get_by_role("alert")).to_contain_text(f"已登记：{NAME}")
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()


def test_register_fix_credit_code_edit_and_see_history(page, district):
    code = creditcode.synthetic(random.Random(5))
    register_enterprise(page, code)
    expect(page.get_by_text(code).first).to_be_visible()
    expect(page.locator("dd", has_text="从业人数")).to_have_text("规上，从业人数 35")
    expect(page.locator("dd", has_text="粉尘涉爆")).to_be_visible()

    page.get_by_role("link", name="编辑").click()
    expect(page.get_by_role("heading", name=f"编辑：{NAME}")).to_be_visible()
    expect(page.locator("#id_employees")).to_have_value("35")
    page.fill("#id_employees", "50")
    page.fill("#id_address", "旧县街道工业园区 16 号")
    expect(page.get_by_label("粉尘涉爆")).to_be_checked()
    page.get_by_label("有限空间作业").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已保存：{NAME}")
    expect(page.locator("dd", has_text="从业人数")).to_have_text("规上，从业人数 50")
    expect(page.locator("dd", has_text="工业园区")).to_have_text("旧县街道工业园区 16 号")
    expect(page.locator("dd", has_text="粉尘涉爆")).to_contain_text("有限空间作业")

    page.get_by_role("link", name="变更记录").click()
    events = page.locator(".list-group-item")
    expect(events).to_have_count(2)
    update = events.filter(has_text="修改")
    expect(update).to_contain_text("刘旧县")
    expect(update.locator("summary")).to_have_text("3 项变更")
    update.locator("summary").click()
    changes = update.locator("tr")
    employees = changes.filter(has=page.get_by_role("cell", name="35", exact=True))
    expect(employees.locator("td")).to_have_text([re.compile(".*"), "35", "→ 50"])
    address = changes.filter(has_text="16 号")
    expect(address.locator("td")).to_have_text([re.compile(".*"), "旧县街道工业园区 12 号", "→ 旧县街道工业园区 16 号"])
    tags = changes.filter(has_text="有限空间作业")
    expect(tags.locator("td").nth(1)).to_contain_text("粉尘涉爆")
    expect(tags.locator("td").nth(2)).to_contain_text("有限空间作业")
    expect(events.filter(has_text="新建")).to_contain_text("刘旧县")
    shoot(page, "enterprise-history")


def test_history_names_the_changed_fields_in_chinese(page, make_enterprise):
    ent = make_enterprise("旧县街道五金厂", "旧县街道", "机械", employees=35)
    log_in(page, "jiuxian")
    page.goto(f"/enterprises/{ent.pk}/edit/")
    page.fill("#id_employees", "50")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("已保存")
    page.get_by_role("link", name="变更记录").click()
    page.locator("summary").first.click()
    expect(page.locator("details tr").first.locator("td").first).to_have_text("从业人数", timeout=2000)

