"""Issue #13: a refused import leaves a trace the district admin can read in 审计日志; the 12350
poster's QR code and address carry the configured public address, not the server's own."""

import pytest
from playwright.sync_api import expect

from tests.registry.xlsx import rows, workbook

from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_refused_import_is_in_the_audit_log(new_page, district):
    data = rows(3)
    data[1]["所属镇街"] = "火星镇"
    data[2]["统一社会信用代码"] = "12345"
    page = log_in(new_page(**DESK), "admin")
    page.goto("/enterprises/import/")
    page.set_input_files("#id_file", files=[{"name": "镇街上报名录.xlsx", "mimeType": XLSX,
                                             "buffer": workbook(data).getvalue()}])
    page.get_by_role("button", name="检查并导入").click()
    expect(page.locator("#import-result")).to_contain_text("未导入")

    for name, options in (("desk", DESK), ("phone", PHONE)):
        viewer = log_in(new_page(**options), "admin")
        viewer.goto("/audit/?q=导入被拒绝")
        row = viewer.locator("tbody tr").first
        expect(row).to_contain_text("镇街上报名录.xlsx")
        expect(row).to_contain_text("Excel 导入被拒绝（共 3 行，2 行有错误），未导入任何数据")
        row.locator("summary").click()
        expect(row).to_contain_text("镇街不存在或不在您的辖区内：火星镇")
        shoot(viewer, f"import_refusal_audit_{name}")


def test_the_poster_carries_the_public_address(new_page, district, settings):
    settings.ANYING_PUBLIC_URL = "https://anying.example.gov.cn"
    page = log_in(new_page(**DESK), "admin")
    page.goto("/tips/poster/")
    expect(page.locator("body")).to_contain_text("https://anying.example.gov.cn/tips/report/")
    shoot(page, "tip_poster_public_url")


def test_a_poster_of_the_servers_own_address_warns_before_printing(new_page, district, settings, make_enterprise):
    settings.ANYING_PUBLIC_URL = ""
    ent = make_enterprise("公示企业")
    for name, options in (("desk", DESK), ("phone", PHONE)):
        page = log_in(new_page(**options), "admin")  # the live server answers at localhost
        page.goto("/tips/poster/")
        expect(page.get_by_role("alert")).to_contain_text("用手机或其他电脑打不开")
        shoot(page, f"tip_poster_local_{name}")
        page.goto(f"/enterprises/{ent.pk}/sign/")
        expect(page.get_by_role("alert")).to_contain_text("用手机或其他电脑打不开")
        shoot(page, f"public_sign_local_{name}")
