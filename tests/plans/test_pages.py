"""The pages and the API of plans and drills, for the district, a town and an enterprise."""

import datetime as dt
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from anying.core.models import User
from anying.core.permissions import SYSTEM
from anying.plans import demo, drills, services
from anying.plans.models import Drill, EmergencyPlan, FollowUp

from ..conftest import photo


@pytest.fixture
def world(users, make_enterprise, enterprise_user, ref):
    firm = make_enterprise("旧县机械厂")
    enterprise_user(firm, "qiye")
    demo.load(random.Random(1))
    return {p.name: p for p in EmergencyPlan.objects.all()}


def test_pages_answer_for_each_side(world, login, users):
    safety = world["铜梁区生产安全事故应急预案"]
    drill = Drill.objects.filter(evaluation__isnull=False).first()
    pages = [reverse("plans:list"), reverse("plans:list") + "?flag=filing_overdue", reverse("plans:coverage"),
             reverse("plans:rules"), reverse("plans:follow_ups"), reverse("plans:drills"), reverse("plans:quotas"),
             reverse("plans:detail", args=[safety.pk]), reverse("plans:card", args=[safety.pk, 2]),
             reverse("plans:drill", args=[drill.pk]), reverse("plans:new"), reverse("plans:drill_new")]
    for name in ("admin", "jiuxian", "qiye"):
        client = login(User.objects.get(username=name))
        for url in pages:
            response = client.get(url)
            if name == "qiye" and url in (reverse("plans:detail", args=[safety.pk]), reverse("plans:card", args=[safety.pk, 2]),
                                          reverse("plans:drill", args=[drill.pk])):
                assert response.status_code == 404, url  # the district's plan and drill: not an enterprise's
            else:
                assert response.status_code == 200, (name, url)
    admin = login(users["admin"])
    card = admin.get(reverse("plans:card", args=[safety.pk, 2])).content.decode()
    assert "启动区级指挥部全部工作组" in card and "开设现场指挥部" in card and "Ⅰ级响应" in card and "报请市政府启动市级响应" not in card
    coverage = admin.get(reverse("plans:coverage")).content.decode()
    assert "未核对原文" in coverage and 'data-town="虎峰镇"' in coverage
    assert "已备案" in admin.get(reverse("plans:list") + "?q=森林").content.decode()
    for url in (reverse("plans:list"), reverse("plans:drills"), reverse("plans:follow_ups"), reverse("plans:coverage"),
                reverse("plans:quotas")):
        response = admin.get(url + ("&" if "?" in url else "?") + "format=xlsx")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), url


def test_quotas_show_the_town_behind(world, login, users):
    page = login(users["admin"]).get(reverse("plans:quotas")).content.decode()
    assert 'data-town="虎峰镇"' in page and "未完成" in page
    town = login(users["jiuxian"]).get(reverse("plans:quotas")).content.decode()
    assert 'data-town="虎峰镇"' not in town


def test_forms_write_through_the_services(world, login, users, ref):
    client = login(users["jiuxian"])
    response = client.post(reverse("plans:new"), {"name": "旧县街道地质灾害应急预案", "level": "town",
                                                  "hazard_type": ref["geological"].pk, "owner": users["jiuxian"].unit_id})
    plan = EmergencyPlan.objects.get(name="旧县街道地质灾害应急预案")
    assert response.status_code == 302 and plan.status == "draft"
    client.post(reverse("plans:part_add", args=[plan.pk, "level"]), {"level-number": 3, "level-name": "", "level-criteria": "发生险情"})
    client.post(reverse("plans:part_add", args=[plan.pk, "role"]), {"role-name": "转移组", "role-order": 10})
    level, role = plan.levels.get(), plan.roles.get()
    client.post(reverse("plans:part_add", args=[plan.pk, "action"]),
                {"action-level": level.pk, "action-role": role.pk, "action-text": "组织受威胁群众转移",
                 "action-within_minutes": 30, "action-order": 10})
    assert [a.text for a in services.actions_for(plan, 3)] == ["组织受威胁群众转移"]
    client.post(reverse("plans:upload", args=[plan.pk]), {"file": photo("预案.png")})
    client.post(reverse("plans:act", args=[plan.pk]), {"step": "submit", "version": EmergencyPlan.objects.get(pk=plan.pk).version})
    assert EmergencyPlan.objects.get(pk=plan.pk).status == "submitted"
    login(users["hufeng"]).post(reverse("plans:act", args=[plan.pk]), {"step": "approve"})
    assert EmergencyPlan.objects.get(pk=plan.pk).status == "submitted"
    login(users["yingji"]).post(reverse("plans:act", args=[plan.pk]), {"step": "approve"})
    assert EmergencyPlan.objects.get(pk=plan.pk).status == "approved"
    # a drill: planned, held with a photo, evaluated with a weakness for the plan
    client.post(reverse("plans:drill_new"), {"name": "地灾避险演练", "kind": "live", "hazard_type": ref["geological"].pk,
                                             "plan": plan.pk, "year": timezone.localdate().year,
                                             "month": timezone.localdate().month})
    drill = Drill.objects.get(name="地灾避险演练")
    client.post(reverse("plans:drill_record", args=[drill.pk]), {"held_on": timezone.localdate().isoformat(),
                                                                  "place": "滑坡点", "people": 40, "photos": [photo()]})
    drill.refresh_from_db()
    assert drill.status == "done"
    yingji = login(users["yingji"])
    assert yingji.get(reverse("plans:drill_evaluate", args=[drill.pk])).status_code == 200
    yingji.post(reverse("plans:drill_evaluate", args=[drill.pk]), {
        "score": 72, "evaluated_on": timezone.localdate().isoformat(), "evaluator": "区应急局", "summary": "",
        "w-TOTAL_FORMS": 1, "w-INITIAL_FORMS": 0, "w-MIN_NUM_FORMS": 0, "w-MAX_NUM_FORMS": 30,
        "w-0-text": "预警信号未覆盖全部农户", "w-0-unit": users["jiuxian"].unit_id,
        "w-0-due": (timezone.localdate() + dt.timedelta(days=20)).isoformat(), "w-0-revise": "on"})
    assert FollowUp.objects.filter(plan=plan, kind="revision").count() == 1
    page = client.get(reverse("plans:drill", args=[drill.pk])).content.decode()
    assert "72 分" in page and "预警信号未覆盖全部农户" in page
    photo_id = drill_photo_id(drill)
    assert client.get(reverse("plans:drill_photo", args=[drill.pk, photo_id])).status_code == 200
    assert login(users["hufeng"]).get(reverse("plans:drill_photo", args=[drill.pk, photo_id])).status_code == 404


def drill_photo_id(drill):
    from anying.core.models import Attachment

    return Attachment.objects.get(object_id=str(drill.pk), content_type__model="drill").pk


def test_api(world, users):
    from django.test import Client

    from anying.core.services import create_token

    _, secret = create_token(None, users["jiuxian"], "t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    listed = api.get("/api/v1/plans/").json()
    names = {p["name"] for p in listed["items"]}
    assert "旧县街道森林火灾应急预案" in names and "虎峰镇森林火灾应急预案" not in names
    safety = world["铜梁区生产安全事故应急预案"]
    detail = api.get(f"/api/v1/plans/{safety.pk}").json()
    assert [lv["number"] for lv in detail["levels"]] == [1, 2, 3, 4]
    actions = api.get(f"/api/v1/plans/{safety.pk}/levels/3/actions").json()
    assert {a["level"] for a in actions} == {3, 4}
    assert api.get(f"/api/v1/plans/{safety.pk}/levels/5/actions").status_code == 422
    hufeng_plan = world["虎峰镇森林火灾应急预案"]
    assert api.get(f"/api/v1/plans/{hufeng_plan.pk}").status_code == 404
    draft = world["虎峰镇防汛抗旱应急预案（修订稿）"]
    assert api.post(f"/api/v1/plans/{draft.pk}/steps/submit", data={}, content_type="application/json").status_code == 404
    own = services.save_plan(SYSTEM, EmergencyPlan(owner=users["jiuxian"].unit, name="接口预案", level="village",
                                                   hazard_type=safety.hazard_type))
    answer = api.post(f"/api/v1/plans/{own.pk}/steps/submit", data={"version": 1}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "submitted"
    assert api.post(f"/api/v1/plans/{own.pk}/steps/approve", data={}, content_type="application/json").status_code == 403
    assert api.get("/api/v1/plans/drills").json()["count"] >= 2
    assert api.get("/api/v1/plans/follow-ups?state=open").status_code == 200
    assert drills.town_quotas(users["jiuxian"])  # the API user's town
