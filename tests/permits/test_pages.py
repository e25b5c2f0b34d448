"""Pages, scope and API of the permits: the enterprise writes its own, the town and the
supervising department read, another town, another department and another enterprise see
nothing; the town's 正在作业 list; the export; the forms' Chinese errors; the demo."""

import datetime as dt
import io
import random

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anying.core.services import create_token
from anying.permits import services
from anying.permits.models import Permit

from .conftest import gas


def api(user):
    from django.test import Client
    _, secret = create_token(None, user, "测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

S = Permit.Status


@pytest.fixture
def live(make_permit, applicant, approver):
    """A 一级动火 in progress now (real clock) and a draft 高处 job."""
    now = timezone.now()
    p = make_permit(valid_from=now - dt.timedelta(hours=1), valid_until=now + dt.timedelta(hours=4))
    gas(applicant, p, now - dt.timedelta(minutes=5))
    services.run(approver, p.pk, "approve")
    services.run(applicant, p.pk, "start")
    d = make_permit(kind="height", level="2", valid_from=now, valid_until=now + dt.timedelta(hours=4))
    return Permit.objects.get(pk=p.pk), d


def test_scope_of_lists_and_open_now(live, login, users, applicant, make_enterprise, enterprise_user):
    p, d = live
    other = enterprise_user(make_enterprise("别家企业", industry_name="危险化学品"), "bie")
    for user, sees in ((applicant, True), (users["jiuxian"], True), (users["yingji"], True), (users["admin"], True),
                       (users["hufeng"], False), (users["jingxin"], False), (other, False)):
        client = login(user)
        page = client.get(reverse("permit_open"))
        assert page.status_code == 200
        assert (p.number in page.content.decode()) is sees, user.username
        assert (d.number in page.content.decode()) is False  # a draft is not open
        assert (d.number in client.get(reverse("permit_list")).content.decode()) is sees
        assert client.get(reverse("permit_detail", args=[p.pk])).status_code == (200 if sees else 404)
        token = api(user)
        assert [r["number"] for r in token.get("/api/v1/permits/open").json()["items"]] == ([p.number] if sees else [])
        assert token.get(f"/api/v1/permits/{p.pk}").status_code == (200 if sees else 404)


def test_government_reads_only(live, login, users):
    p, d = live
    client = login(users["jiuxian"])
    assert client.get(reverse("permit_new")).status_code == 404  # perm_required: no such page for them
    assert client.get(reverse("permit_analysis", args=[p.pk])).status_code == 404
    assert client.post(reverse("permit_act", args=[p.pk]), {"step": "close", "comment": "x"}).status_code == 403
    page = client.get(reverse("permit_detail", args=[p.pk])).content.decode()
    assert "完工验收</button>" not in page and "记录气体分析" not in page


def test_export_lists_permits_with_counts(live, login, users):
    p, d = live
    response = login(users["jiuxian"]).get(reverse("permit_list") + "?kind=hot_work&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else
                                      response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    found = [r for r in rows if r[0] == p.number]
    assert found and found[0][2] == "动火作业" and found[0][3] == "一级动火" and found[0][9] == 2 and found[0][10] == 1
    assert not [r for r in rows if r[0] == d.number]


def test_new_permit_form_errors_then_saved(login, applicant):
    client = login(applicant)
    assert "选择作业类别" in client.get(reverse("permit_new")).content.decode()
    url = reverse("permit_new") + "?kind=hot_work"
    page = client.post(url, {"place": "", "level": "1"})
    body = page.content.decode()
    assert page.status_code == 200 and "这个字段是必填项" in body or "请填写" in body
    now = timezone.localtime()
    form = {"level": "1", "place": "管廊", "content": "电焊", "hazards": "火灾", "fire_method": "电焊",
            "valid_from": now.strftime("%Y-%m-%dT%H:%M"), "valid_until": (now + dt.timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M"),
            "applicant_name": "刘明", "leader_name": "周", "guardian_name": "陈", "w0_name": "张", "w0_company": "本企业",
            "w1_name": "王", "w1_company": "承包商", "w1_contractor": "on", "measures": ["jsa"], "measures_confirmed": "on"}
    page = client.post(url, form)
    assert "项安全措施未落实" in page.content.decode()
    form.pop("measures_confirmed")
    page = client.post(url, form)
    assert page.status_code == 302
    p = Permit.objects.get()
    assert p.valid_until - p.valid_from == dt.timedelta(hours=8) and p.workers.filter(contractor=True).count() == 1


def test_analysis_page_and_steps(live, login, applicant, approver):
    p, d = live
    client = login(applicant)
    taken = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    page = client.post(reverse("permit_analysis", args=[p.pk]),
                       {"taken_at": taken, "point": "下风向", "analyst": "赵", "reading_lel": "abc", "version": p.version})
    assert "须为数字" in page.content.decode()
    page = client.post(reverse("permit_analysis", args=[p.pk]),
                       {"taken_at": taken, "point": "下风向", "analyst": "赵", "reading_lel": "1", "version": p.version})
    assert page.status_code == 302 and p.analyses.count() == 2
    p.refresh_from_db()
    response = client.post(reverse("permit_act", args=[p.pk]), {"step": "close", "comment": "清理完毕", "version": p.version})
    assert response.status_code == 302
    assert Permit.objects.get(pk=p.pk).status == S.CLOSED
    # the draft may not be approved by its applicant: the button is not offered
    assert 'value="approve"' not in client.get(reverse("permit_detail", args=[d.pk])).content.decode()
    assert 'value="approve"' in login(approver).get(reverse("permit_detail", args=[d.pk])).content.decode()


def test_print_rules_and_enterprise_tab(live, login, users, chem):
    p, d = live
    client = login(users["jiuxian"])
    body = client.get(reverse("permit_print", args=[p.pk])).content.decode()
    assert "一级动火安全作业票" in body and p.number in body
    assert "未核对" in client.get(reverse("permit_rules")).content.decode()
    tab = client.get(reverse("enterprise_detail", args=[chem.pk]) + "?tab=permits").content.decode()
    assert p.number in tab


def test_api_list_filters(live, login, applicant):
    p, d = live
    client = api(applicant)
    assert {r["number"] for r in client.get("/api/v1/permits/").json()["items"]} == {p.number, d.number}
    assert [r["number"] for r in client.get("/api/v1/permits/?kind=height").json()["items"]] == [d.number]
    assert client.get("/api/v1/permits/?kind=nope").status_code == 422
    detail = client.get(f"/api/v1/permits/{p.pk}").json()
    assert len(detail["workers"]) == 2 and detail["analyses"][0]["passed"] and detail["approvals"][0]["title"]


def test_demo_loads_idempotently(district):
    from anying.core import hooks
    for loader in sorted(hooks.DEMO_LOADERS.values(), key=lambda x: x.order):
        if loader.order <= 112 and loader.name in ("registry", "monitoring", "permits"):
            loader.load(random.Random(1))
    if not Permit.objects.exists():
        pytest.skip("the demo has no 危化 enterprise in this configuration")
    statuses = set(Permit.objects.values_list("status", flat=True))
    assert {S.CLOSED, S.IN_PROGRESS, S.DRAFT, S.APPROVED, S.SUSPENDED, S.CANCELLED} <= statuses
    closed = Permit.objects.get(status=S.CLOSED, kind="hot_work", level="1")
    assert closed.analyses.count() == 2
    count = Permit.objects.count()
    hooks.DEMO_LOADERS["permits"].load(random.Random(1))
    assert Permit.objects.count() == count
