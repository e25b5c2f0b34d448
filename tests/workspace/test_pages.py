"""The pages of the workspace: 待办 (filters, export, the old address), the home page per role,
the menu's badges, the enterprise page's record tabs (一企一档) and the global search — each
scoped to the viewer."""

import io

import openpyxl
import pytest
from django.urls import reverse

from anying.core.models import AuditEvent
from anying.inspections.models import Inspection
from anying.tips import services as tip_services
from anying.tips.models import Tip

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- 待办 -------------------------------------------------------------------------------------

def test_todo_lists_each_kind_with_its_rows_and_the_overdue_first(users, login, ents, hazard):
    late = hazard(ents["jiuxian"], "submitted", review_due=days(-1))
    soon = hazard(ents["jiuxian"], "submitted", review_due=days(5))
    html = page(login(users["jiuxian"]), reverse("todo"))
    assert "待复查的隐患（2）" in html and "已逾期" in html
    assert html.index(f"/hazards/{late.pk}/") < html.index(f"/hazards/{soon.pk}/")


def test_todo_filters(users, login, ents, hazard):
    late = hazard(ents["jiuxian"], "submitted", review_due=days(-1))
    soon = hazard(ents["jiuxian"], "submitted", review_due=days(5))
    far = hazard(ents["jiuxian"], "submitted", review_due=days(20))
    client = login(users["jiuxian"])
    only_late = page(client, reverse("todo") + "?overdue=1&source=hazards.review")
    assert f"/hazards/{late.pk}/" in only_late and f"/hazards/{soon.pk}/" not in only_late
    before = page(client, reverse("todo") + f"?due_before={days(5).isoformat()}&module=hazards")
    assert f"/hazards/{soon.pk}/" in before and f"/hazards/{far.pk}/" not in before
    tips_only = page(client, reverse("todo") + "?module=tips")
    assert "待复查的隐患（" not in tips_only and "交办本单位的举报（0）" in tips_only
    garbage = page(client, reverse("todo") + "?module=²&source=x&due_before=2026-13-01&overdue=maybe")
    assert f"/hazards/{far.pk}/" in garbage  # a bad value filters nothing, never a 500


def test_todo_is_scoped(users, login, ents, hazard):
    theirs = hazard(ents["hufeng"], "submitted")
    assert f"/hazards/{theirs.pk}/" not in page(login(users["jiuxian"]), reverse("todo"))
    assert f"/hazards/{theirs.pk}/" in page(login(users["hufeng"]), reverse("todo"))


def test_one_kind_alone_is_paginated(users, login, ents, hazard):
    for _ in range(23):
        hazard(ents["jiuxian"], "submitted")
    client = login(users["jiuxian"])
    assert "查看全部 23 条" in page(client, reverse("todo"))
    html = page(client, reverse("todo") + "?source=hazards.review")
    assert "共 <strong>23</strong> 条" in html and "第 1 / 2 页" in html


def test_todo_export(users, login, ents, hazard):
    hazard(ents["jiuxian"], "submitted", review_due=days(-1))
    hazard(ents["hufeng"], "submitted")
    response = login(users["jiuxian"]).get(reverse("todo") + "?module=hazards&format=xlsx")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert "模块：隐患" in rows[0][0]
    assert rows[1] == ("模块", "事项", "内容", "说明", "期限", "是否逾期")
    assert [r[1:3] for r in rows[2:]] == [("待复查的隐患", "旧县精工机械厂 · 一车间")] and rows[2][5] == "逾期"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, summary="导出待办 1 条").exists()


def test_the_old_address_leads_to_the_hazards_part(users, login):
    response = login(users["jiuxian"]).get("/hazards/todo/?overdue=1")
    assert response.status_code == 302 and response["Location"] == "/todo/?overdue=1&module=hazards"


def test_an_account_without_work_is_told_so(users, login):
    html = page(login(users["leader"]), reverse("todo"))
    assert "暂无：待审批的举报奖励、待审批的物资调拨、待审核的物资储备需求计划、待审批的换班申请、我的值班（48小时内）、待接班、待审核、待备案的预案、公示期满待县定。" in html
    assert "待复查的隐患" not in html


# --- home and menu -----------------------------------------------------------------------------

def test_home_shows_the_roles_work_with_counts(users, login, ents, hazard):
    hazard(ents["jiuxian"], "submitted", review_due=days(-2))
    html = page(login(users["jiuxian"]), reverse("home"))
    assert "我的待办" in html and "待复查的隐患" in html and "已逾期 1" in html
    assert f"{reverse('todo')}?source=hazards.review" in html
    assert "待审批的举报奖励" not in html  # not a town inspector's work
    leader = page(login(users["leader"]), reverse("home"))
    assert "待审批的举报奖励" in leader and "待复查的隐患" not in leader


def test_an_enterprise_home_is_its_page_with_its_work(users, login, ents, hazard):
    h = hazard(ents["jiuxian"], "rectifying", deadline=days(-1))
    hazard(ents["hufeng"], "rectifying")
    client = login(ents["jiuxian"].owner)
    response = client.get(reverse("home"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("enterprise_detail", args=[ents["jiuxian"].pk])
    assert "本企业待办" in html and "待整改的隐患（1）" in html and f"/hazards/{h.pk}/" in html and "已逾期" in html
    assert "本企业待办" not in page(login(users["jiuxian"]), reverse("enterprise_detail", args=[ents["jiuxian"].pk]))


def test_menu_badges(users, login, ents, hazard):
    hazard(ents["jiuxian"], "submitted")
    client = login(users["jiuxian"])
    assert 'hx-get="/todo/badges/"' in page(client, reverse("hazard_list"))
    html = page(client, reverse("work_badges"))
    assert 'id="ay-badge-all" hx-swap-oob="true"' in html and 'title="待办 1 项">1<' in html
    assert 'id="ay-badge-tips" hx-swap-oob="true" class="badge rounded-pill text-bg-danger ms-1" hidden' in html


# --- 一企一档 -----------------------------------------------------------------------------------

def detail(client, ent, tab):
    return client.get(reverse("enterprise_detail", args=[ent.pk]) + f"?tab={tab}")


def test_record_tabs_list_the_enterprises_records_linked(users, login, ents, hazard):
    ent = ents["jiuxian"]
    mine = hazard(ent, channel="tip")
    other = hazard(ents["hufeng"])
    inspection = Inspection.objects.create(enterprise=ent, unit=users["jiuxian"].unit, inspected_on=TODAY,
                                           region_id=ent.region_id, industry_id=ent.industry_id,
                                           organisation_id=ent.organisation_id)
    client = login(users["jiuxian"])
    html = detail(client, ent, "hazards").content.decode()
    assert f"/hazards/{mine.pk}/" in html and f"/hazards/{other.pk}/" not in html
    assert f"/inspections/{inspection.pk}/" in detail(client, ent, "inspections").content.decode()
    for tab in ("penalties", "documents", "self_inspections", "risks", "accidents", "std_history"):
        assert detail(client, ent, tab).status_code == 200, tab
    own = detail(login(ent.owner), ent, "hazards").content.decode()
    assert f"/hazards/{mine.pk}/" in own
    assert "来源" not in own and "群众举报" not in own  # never the channel of a hazard from a tip


def test_record_tabs_are_scoped(users, login, ents, hazard):
    hazard(ents["hufeng"])
    assert detail(login(users["jiuxian"]), ents["hufeng"], "hazards").status_code == 404  # another town
    assert detail(login(ents["jiuxian"].owner), ents["hufeng"], "hazards").status_code == 404  # another enterprise
    own = detail(login(ents["jiuxian"].owner), ents["jiuxian"], "accidents").content.decode()
    assert "?tab=accidents" not in own  # 事故 is behind oversight.view, which enterprises lack
    assert "?tab=accidents" in detail(login(users["jiuxian"]), ents["jiuxian"], "basic").content.decode()


def test_record_tabs_are_paginated(users, login, ents, hazard):
    for _ in range(25):
        hazard(ents["jiuxian"])
    html = detail(login(users["jiuxian"]), ents["jiuxian"], "hazards").content.decode()
    assert "共 <strong>25</strong> 条" in html and "page=2" in html


# --- global search -----------------------------------------------------------------------------

def search(client, q) -> str:
    return page(client, reverse("search") + "?q=" + q)


def test_search_finds_enterprises_by_name_and_credit_code_in_scope(users, login, ents):
    client = login(users["jiuxian"])
    assert ents["jiuxian"].name in search(client, "精工")
    assert ents["jiuxian"].name in search(client, ents["jiuxian"].credit_code)
    assert ents["hufeng"].name not in search(client, "五金")  # another town's
    assert ents["hufeng"].name in search(login(users["hufeng"]), "五金")
    own = login(ents["jiuxian"].owner)
    assert ents["hufeng"].name not in search(own, "厂") and ents["jiuxian"].name in search(own, "厂")


def test_search_finds_hazards_and_inspections(users, login, ents, hazard):
    h = hazard(ents["jiuxian"])
    i = Inspection.objects.create(enterprise=ents["jiuxian"], unit=users["jiuxian"].unit, inspected_on=TODAY,
                                  region_id=ents["jiuxian"].region_id, industry_id=ents["jiuxian"].industry_id,
                                  organisation_id=ents["jiuxian"].organisation_id)
    html = search(login(users["jiuxian"]), "精工")
    assert f"/hazards/{h.pk}/" in html and f"/inspections/{i.pk}/" in html
    assert f"/hazards/{h.pk}/" not in search(login(users["hufeng"]), "精工")


def test_search_finds_a_tip_by_its_code_for_those_who_see_tips(users, login, town, ents):
    tip, _ = tip_services.submit(None, {"category": Tip.Category.HAZARD, "description": "楼梯间堆放几十桶油漆和稀释剂",
                                        "place": "仓库", "region": town("旧县街道"), "anonymous": True}, [],
                                 address="10.0.0.7")
    url = reverse("tip_detail", args=[tip.pk])
    assert url in search(login(users["duty"]), tip.display_code)
    assert url in search(login(users["duty"]), tip.display_code.replace("-", "").lower())
    assert url not in search(login(users["hufeng"]), tip.display_code)  # another town
    assert url not in search(login(ents["jiuxian"].owner), tip.display_code)  # enterprises never see tips


def test_search_takes_any_input(users, login):
    client = login(users["jiuxian"])
    assert "没有找到" in search(client, "不存在的名称")
    assert client.get(reverse("search"), {"q": "x" * 500}).status_code == 200
    assert client.get(reverse("search")).status_code == 200
    assert 'action="/search/"' in page(client, reverse("home"))  # the box in the top bar
