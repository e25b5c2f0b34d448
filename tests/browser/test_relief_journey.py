"""Issue #18's winter-spring journey in a browser: 玉泉村's 灾害信息员 files a household's application
on a 390 px phone (户报, with a photo) and records the village's democratic review (村评, with the
signed sheet); 旧县街道's office reviews it (乡审) and posts the list (张榜公示); a villager objects
from the public page on a phone; the town answers the objection; once the notice has run its
days the 分管领导 decides (县定) and the district admin records the 一卡通 payment. Screenshots at
390 and 1366 px."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.relief import services
from anying.relief.models import Application, Notice

from ..conftest import png_bytes
from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}
PNG = {"name": "photo.png", "mimeType": "image/png", "buffer": png_bytes((60, 60))}


def _narrow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways on a phone ({width} px)"


def test_winter_spring_application_from_village_to_payment(new_page, users):
    from anying.disasters.villages import committees

    committees()
    today = timezone.localdate()
    services.save_round(users["admin"], {"name": "2026—2027年度冬春救助", "starts_on": today,
                                         "ends_on": today + dt.timedelta(days=150)})

    # 户报 on the village officer's phone
    phone = log_in(new_page(**PHONE), "cunyuan")
    phone.goto("/relief/applications/new/")
    phone.fill("#id_head", "张小华")
    phone.fill("#id_id_number", "11010519491231002X")
    phone.fill("#id_phone", "13812345678")
    phone.fill("#id_members", "3")
    phone.check("#id_needs_0")
    phone.check("#id_needs_2")
    phone.fill("#id_situation", "7月暴雨致房屋严重损坏，秋粮减产，冬季缺少棉被和取暖物品")
    phone.fill("#id_requested", "1200")
    phone.set_input_files("#id_photos", [PNG])
    _narrow(phone)
    shoot(phone, "relief-1-file-390")
    phone.get_by_role("button", name="提交户报", exact=True).click()
    expect(phone.locator("#status")).to_have_text("已户报")
    application = Application.objects.get(head="张小华")
    assert application.village.name == "玉泉村" and application.filed_by.username == "cunyuan"
    shoot(phone, "relief-2-filed-390")

    # 村评 on the same phone
    phone.goto("/relief/minutes/new/")
    phone.fill("#id_held_on", today.isoformat())
    phone.fill("#id_attendees", "23")
    phone.fill("#id_text", "村“两委”和村民代表23人参加，逐户介绍情况，举手表决一致通过")
    phone.set_input_files("#id_sheet", [PNG])
    phone.check(f"#d{application.pk}p")
    _narrow(phone)
    shoot(phone, "relief-3-review-390")
    phone.get_by_role("button", name="登记评议结果").click()
    expect(phone.locator(".alert-success")).to_contain_text("已登记民主评议")
    application.refresh_from_db()
    assert application.status == Application.Status.VILLAGE_PASSED and application.minutes.attendees == 23

    # 乡审 and 张榜公示 at the town's desk
    desk = log_in(new_page(**DESK), "jiuxian")
    desk.goto(f"/relief/applications/{application.pk}/")
    desk.fill("#id_approved", "1000")
    desk.get_by_role("button", name="乡审通过").click()
    expect(desk.locator("#status")).to_have_text("乡审通过")
    desk.goto("/relief/notices/new/")
    desk.select_option("#id_town", label="旧县街道")
    desk.fill("#id_contact", "023-45600000")
    desk.get_by_role("button", name="发布公示").click()
    expect(desk.locator(".alert-success")).to_contain_text("已张榜公示")
    shoot(desk, "relief-4-notices-1366")
    notice = Notice.objects.get()

    # a villager objects from the public page on a phone
    public = new_page(**PHONE)
    public.goto(f"/relief/p/{notice.public_token}/")
    body = public.locator("body")
    expect(body).to_contain_text("张*华")
    expect(body).not_to_contain_text("张小华")
    expect(body).not_to_contain_text("11010519491231002X")
    expect(body).not_to_contain_text("13812345678")
    public.select_option("#o-app", label="玉泉村 张*华")
    public.fill("#id_content", "听说该户在城里有房，请核实")
    _narrow(public)
    public.get_by_role("button", name="提交异议").click()
    expect(public.locator(".alert-success")).to_contain_text("异议已收到")
    shoot(public, "relief-5-public-390")

    # the town answers it
    desk.goto(f"/relief/applications/{application.pk}/")
    desk.check("#id_upheld_0")
    desk.fill("#id_answer", "经入户核实：该户无城镇住房，异议不成立，已电话告知反映人")
    desk.get_by_role("button", name="答复").click()
    expect(desk.locator("#objections + ul")).to_contain_text("异议不成立")

    # the notice runs its days (moved back: the days have passed)
    Notice.objects.filter(pk=notice.pk).update(starts_on=today - dt.timedelta(days=notice.days),
                                               ends_on=today - dt.timedelta(days=1))
    leader = log_in(new_page(**DESK), "leader")
    leader.goto(f"/relief/applications/{application.pk}/")
    leader.get_by_role("button", name="县定（核定救助）").click()
    expect(leader.locator("#status")).to_have_text("县定（已核定）")

    admin = log_in(new_page(**DESK), "admin")
    admin.goto(f"/relief/applications/{application.pk}/")
    admin.fill("#id_account", "6217000012341234")
    admin.get_by_role("button", name="登记发放到户").click()
    expect(admin.locator("#status")).to_have_text("已发放")
    expect(admin.locator("body")).to_contain_text("6217 **** **** 1234")
    expect(admin.locator("body")).not_to_contain_text("6217000012341234")
    shoot(admin, "relief-6-paid-1366")
    application.refresh_from_db()
    assert (application.paid_amount, application.decided_by.username, application.paid_by.username) == (
        1000, "leader", "admin")

    # the village officer sees it paid on the phone; the coverage page at the desk
    phone.goto(f"/relief/applications/{application.pk}/")
    expect(phone.locator("#status")).to_have_text("已发放")
    _narrow(phone)
    shoot(phone, "relief-7-paid-390")
    admin.goto("/relief/coverage/")
    expect(admin.locator("table")).to_contain_text("旧县街道")
    shoot(admin, "relief-8-coverage-1366")
