"""The workspace in a browser: a town inspector's home (工作台) → 待办 → filtered → a record; the
menu's badges; the global search → an enterprise → its record tabs (一企一档); an enterprise's
own home with its work — at 1366 px and on a 390 px phone."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.hazards import services as hazard_services
from anying.hazards.models import Hazard
from anying.inspections.models import Inspection
from tests.conftest import PASSWORD

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

TODAY = timezone.localdate()
PHONE = {"width": 390, "height": 844}


def _hazard(ent, place, status, **fields):
    h = hazard_services.register(None, {"enterprise": ent, "place": place, "description": "安全出口被货物堵塞",
                                        "channel": "inspection", "found_by": "检查组", "found_on": TODAY})
    Hazard.objects.filter(pk=h.pk).update(status=status, **fields)
    return h


@pytest.fixture
def world(make_enterprise, enterprise_user, users):
    ent = make_enterprise("重庆铜梁精工机械有限公司", "旧县街道", "机械", tags=["dust"])
    enterprise_user(ent, "anquanyuan")
    _hazard(ent, "一车间安全出口", "submitted", review_due=TODAY - dt.timedelta(days=2))
    _hazard(ent, "二车间配电柜", "submitted", review_due=TODAY + dt.timedelta(days=6))
    _hazard(ent, "仓库消防通道", "rectifying", deadline=TODAY - dt.timedelta(days=1), responsible_person="王班长")
    _hazard(ent, "喷涂间通风", "rectifying", deadline=TODAY + dt.timedelta(days=9), responsible_person="李主任")
    Inspection.objects.create(enterprise=ent, unit=users["jiuxian"].unit, inspected_on=TODAY - dt.timedelta(days=3),
                              region_id=ent.region_id, industry_id=ent.industry_id, organisation_id=ent.organisation_id,
                              findings=2)
    return ent


def test_inspector_home_todo_filter_record_and_search(new_page, world):
    page = log_in(new_page(viewport={"width": 1366, "height": 900}), "jiuxian")
    page.goto("/")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page.locator("#ay-badge-all")).to_have_text("2")  # loaded after the page
    shoot(page, "workspace-home-1366")
    page.get_by_role("link", name="待复查的隐患").click()
    expect(page.get_by_text("待复查的隐患（2）")).to_be_visible()
    shoot(page, "workspace-todo-1366")
    page.get_by_label("仅逾期").check()
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("待复查的隐患（1）")).to_be_visible()
    expect(page.get_by_role("link", name="二车间配电柜")).to_have_count(0)
    shoot(page, "workspace-todo-overdue-1366")
    page.get_by_role("link", name="一车间安全出口").click()
    expect(page.get_by_role("heading", name="一车间安全出口")).to_be_visible()

    page.get_by_role("searchbox", name="全局搜索").fill("精工")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="搜索")).to_be_visible()
    shoot(page, "workspace-search-1366")
    page.get_by_role("link", name="重庆铜梁精工机械有限公司", exact=True).click()
    page.get_by_role("link", name="隐患", exact=True).click()
    expect(page.get_by_role("link", name="查看")).to_have_count(4)
    shoot(page, "workspace-enterprise-hazards-1366")
    page.get_by_role("link", name="执法检查", exact=True).click()
    expect(page.get_by_role("cell", name="旧县街道应急办")).to_be_visible()
    page.get_by_role("link", name="查看").click()
    expect(page).to_have_url(re.compile(r"/inspections/\d+/$"))


def test_inspector_on_a_phone(new_page, world):
    page = log_in(new_page(viewport=PHONE), "jiuxian")
    page.goto("/")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page.locator("#ay-search-q")).to_be_hidden()  # the box folds into an icon
    shoot(page, "workspace-home-390")
    page.goto("/todo/")
    shoot(page, "workspace-todo-390")
    page.get_by_role("link", name="全局搜索").click()
    page.get_by_role("searchbox", name="搜索").fill("精工")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_role("link", name="重庆铜梁精工机械有限公司", exact=True)).to_be_visible()
    shoot(page, "workspace-search-390")
    page.get_by_role("link", name="重庆铜梁精工机械有限公司", exact=True).click()
    page.goto(page.url + "?tab=hazards")
    shoot(page, "workspace-enterprise-hazards-390")


@pytest.mark.parametrize("viewport, name", [({"width": 1366, "height": 900}, "1366"), (PHONE, "390")])
def test_enterprise_home(new_page, world, viewport, name):
    page = log_in(new_page(viewport=viewport), "anquanyuan", PASSWORD)
    page.goto("/")
    expect(page.get_by_role("heading", name="本企业待办")).to_be_visible()
    expect(page.get_by_text("待整改的隐患（2）")).to_be_visible()
    expect(page.get_by_text("已逾期").first).to_be_visible()
    shoot(page, f"workspace-enterprise-home-{name}")
    page.get_by_role("link", name="仓库消防通道").click()
    expect(page.get_by_role("heading", name="仓库消防通道")).to_be_visible()
