"""Issue #13 point 5 in a browser: a town inspector cannot close a hazard the district put under
督办 (no button; a forced POST is refused in Chinese), the page says who acts next, and an
enterprise never sees that a hazard came from a public tip."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.core.permissions import SYSTEM
from anying.hazards import services, supervision
from anying.hazards.models import Hazard
from anying.standards.models import Criterion
from tests.conftest import photo
from tests.hazards.conftest import PLAN, RECTIFY

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _register(ent, **extra):
    data = {"enterprise": ent, "place": "除尘系统", "description": "除尘器未设置泄爆装置", "channel": "inspection",
            "found_by": "执法检查组", "found_on": timezone.localdate(), **extra}
    return services.register(SYSTEM, data)


def test_a_town_inspector_cannot_close_a_district_supervised_hazard(new_page, make_enterprise, enterprise_user, users):
    ent = make_enterprise("重庆铜梁精工机械有限公司", "旧县街道", "机械", tags=["dust"])
    owner = enterprise_user(ent, "anquanyuan")
    criterion = Criterion.objects.get(criteria_set__code="gongmao_2023", article="第十一条", item="（三）")
    hazard = _register(ent, level="major", criterion=criterion)
    supervision.supervise(users["admin"], hazard.pk, level="district", requirements="停产整改，每周报告进展",
                          due=timezone.localdate() + dt.timedelta(days=30))
    services.transition(owner, hazard.pk, "start", changes=RECTIFY, plan=PLAN)
    services.transition(owner, hazard.pk, "submit", files=[photo()], comment="已加装泄爆片")

    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        page = log_in(new_page(viewport=viewport), "jiuxian")
        page.goto(f"/hazards/{hazard.pk}/")
        expect(page.get_by_test_id("next-step")).to_contain_text("等待 区安委办 复核")
        expect(page.get_by_role("button", name="审核销号")).to_have_count(0)
        expect(page.get_by_role("button", name="退回整改")).to_have_count(0)
        shoot(page, f"rules-town-next-step-{size}")

    # a forced POST, as a crafted form would send it: refused, in Chinese, and nothing changes
    page.evaluate("""(url) => {
        const form = document.createElement('form');
        form.method = 'post'; form.action = url;
        const token = document.querySelector('input[name=csrfmiddlewaretoken]');
        form.appendChild(token.cloneNode());
        document.body.appendChild(form); form.submit();
    }""", f"/hazards/{hazard.pk}/do/close/")
    expect(page.get_by_role("alert")).to_contain_text("须由督办单位或其上级审核")
    shoot(page, "rules-town-refused-390")
    assert Hazard.objects.get(pk=hazard.pk).status == "submitted"

    admin = log_in(new_page(viewport=DESKTOP), "admin")
    admin.goto(f"/hazards/{hazard.pk}/")
    admin.get_by_role("button", name="审核销号").click()
    expect(admin.get_by_role("alert")).to_contain_text("已审核销号")


def test_an_enterprise_never_sees_a_tip(new_page, make_enterprise, enterprise_user):
    ent = make_enterprise("重庆铜梁精工机械有限公司", "旧县街道", "机械")
    enterprise_user(ent, "anquanyuan")
    hazard = _register(ent, channel="tip", place="喷涂车间", description="喷涂车间安全出口被货物堵塞")
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        page = log_in(new_page(viewport=viewport), "anquanyuan")
        page.goto("/hazards/")
        expect(page.get_by_role("link", name="喷涂车间")).to_be_visible()
        assert "群众举报" not in page.content()
        shoot(page, f"rules-enterprise-list-{size}")
        page.goto(f"/hazards/{hazard.pk}/")
        expect(page.get_by_text("监督检查")).to_be_visible()
        assert "群众举报" not in page.content()
        shoot(page, f"rules-enterprise-tip-{size}")
