"""Issue #17's journey, last step, in a browser: a rainstorm warning issued over 旧县街道 opens the
evacuation of its geological point (warning.hooks ON_ISSUE); 旧县街道's inspector, on a 390 px
phone, finds it on the evacuations list, opens the confirmation page and reports each household
转移到位 with one tap; the district's duty officer, at a 1366 px desk, sees it complete on the list
with its counts by town. Screenshots at both widths."""

import pytest
from playwright.sync_api import expect

from anying.riskpoints import evacuations
from anying.riskpoints.models import Evacuation

from ..riskpoints.conftest import contact, make_point, make_warning, shelter  # noqa: F401 — fixtures
from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


def test_the_town_reports_households_of_a_geological_point_moved(new_page, users, town, make_point,  # noqa: F811
                                                                 make_warning):  # noqa: F811
    point = make_point(name="龙井村4组滑坡", households=3)
    evacuations.on_issue(make_warning("rainstorm", "red", regions=[town("旧县街道")]))
    evac = Evacuation.objects.get(point=point)
    assert evac.status == Evacuation.Status.PENDING

    phone = log_in(new_page(**PHONE), "jiuxian")
    phone.goto("/riskpoints/evacuations/?status=open")
    phone.get_by_role("link", name="龙井村4组滑坡").click()
    phone.get_by_role("link", name="确认转移到位").click()
    expect(phone.locator("[data-moved-households]")).to_have_text("0/3")
    shoot(phone, "evacuation-1-confirm-390")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the confirmation page scrolls sideways on a phone ({width} px)"
    for n in range(3):
        card = phone.locator(".ay-household").first
        card.get_by_role("button", name="转移到位").click()
        expect(phone.locator("[data-moved-households]")).to_have_text(f"{n + 1}/3")
    expect(phone.locator("#evac-left")).to_contain_text("全部住户已转移到位")
    shoot(phone, "evacuation-2-all-moved-390")
    evac.refresh_from_db()
    assert (evac.status, evac.households_moved, evac.people_moved) == (Evacuation.Status.DONE, 3, 9)
    assert set(evac.moves.values_list("confirmed_by__username", flat=True)) == {"jiuxian"}

    desk = log_in(new_page(**DESK), "duty")
    desk.goto("/riskpoints/evacuations/")
    expect(desk.locator("#by-town")).to_contain_text("旧县街道")
    expect(desk.locator("#by-town")).to_contain_text("3 / 3")
    shoot(desk, "evacuation-3-list-1366")
    desk.goto(f"/riskpoints/evacuations/{evac.pk}/confirm/")
    expect(desk.locator("[data-moved-households]")).to_have_text("3/3")
    shoot(desk, "evacuation-4-confirm-1366")


def test_the_placard_prints_and_its_qr_page_opens_on_a_phone_without_an_account(new_page, users, make_point):  # noqa: F811
    point = make_point(name="龙井村4组滑坡", households=3)
    desk = log_in(new_page(**DESK), "jiuxian")
    desk.goto(f"/riskpoints/points/{point.pk}/")
    shoot(desk, "riskpoint-1-detail-1366")
    desk.get_by_role("link", name="公示牌").click()
    expect(desk.locator(".ay-placard svg")).to_be_visible()
    shoot(desk, "riskpoint-2-placard-1366")
    desk.emulate_media(media="print")
    expect(desk.locator(".ay-noprint")).to_be_hidden()
    public = new_page(**PHONE)  # no login
    public.goto(f"/riskpoints/p/{point.public_token}/")
    expect(public.get_by_role("heading", name="龙井村4组滑坡")).to_be_visible()
    expect(public.locator("body")).to_contain_text(point.admin_responsible.phone)
    expect(public.locator("body")).not_to_contain_text("13800000000")  # residents' phones stay private
    expect(public.locator("body")).to_contain_text("住*0")
    assert public.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(public, "riskpoint-3-public-390")


def test_a_village_patrol_with_a_problem_on_a_phone(new_page, users, make_point):  # noqa: F811
    from anying.core.permissions import SYSTEM
    from anying.riskpoints import patrols

    point = make_point(name="龙井村4组滑坡", households=1)
    patrols.ensure_schedules(SYSTEM, point.pk)
    phone = log_in(new_page(**PHONE), "jiuxian")
    phone.goto("/riskpoints/patrols/?behind=1")
    shoot(phone, "patrol-1-board-390")
    phone.goto(f"/riskpoints/patrols/{point.patrol_schedules.get(tier='village').pk}/round/")
    phone.get_by_label("发现问题").check()
    phone.get_by_label("巡查情况").fill("后缘新增裂缝约2米")
    phone.get_by_role("button", name="保存巡查记录").click()
    expect(phone.locator("body")).to_contain_text("发现的问题已列入整改")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "patrol-2-recorded-390")
    assert point.findings.get().description == "后缘新增裂缝约2米"
