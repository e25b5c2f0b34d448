"""Key tasks API: scope, overdue flags, progress reports by the responsible unit only."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from anying.core.models import Organisation
from anying.core.permissions import SYSTEM
from anying.core.services import create_token
from anying.oversight import keytasks

pytestmark = pytest.mark.django_db


def api(user):
    _, secret = create_token(None, user, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def tasks(district):
    today = timezone.localdate()
    units = {o.name: o for o in Organisation.objects.all()}
    table = keytasks.save_table(SYSTEM, {"year": today.year, "title": "重点任务", "unit": units["区应急局"]})

    def make(number, unit, due, milestones=()):
        return keytasks.save_task(SYSTEM, {"table": table, "number": number, "task": f"任务{number}",
                                           "requirements": "要求", "unit": units[unit], "person": "科长",
                                           "leader": "副局长", "due": due}, milestones=list(milestones))

    return (make(1, "区应急局", today + dt.timedelta(days=9), [(today - dt.timedelta(days=1), "节点")]),
            make(2, "旧县街道应急办", today))


def test_list_and_detail(tasks, users):
    admin = api(users["admin"])
    items = admin.get("/api/v1/key-tasks/").json()["items"]
    assert [(t["number"], t["overdue"]) for t in items] == [(1, True), (2, False)]
    assert items[0]["milestones"][0]["overdue"] is True
    assert [t["number"] for t in admin.get("/api/v1/key-tasks/?overdue=true").json()["items"]] == [1]
    unit = tasks[1].unit_id
    assert [t["number"] for t in admin.get(f"/api/v1/key-tasks/?unit={unit}").json()["items"]] == [2]
    assert admin.get("/api/v1/key-tasks/?year=2001").json()["items"] == []
    town = api(users["jiuxian"])
    assert [t["number"] for t in town.get("/api/v1/key-tasks/").json()["items"]] == [2]
    assert town.get(f"/api/v1/key-tasks/{tasks[0].pk}").status_code == 404
    detail = admin.get(f"/api/v1/key-tasks/{tasks[0].pk}").json()
    assert detail["reports"] == [] and detail["unit"] == "区应急局"


def test_progress(tasks, users, make_enterprise, enterprise_user):
    task = tasks[0]
    milestone = task.milestones.get()
    body = {"text": "召开会议", "percent": 30, "milestone_id": milestone.pk}
    assert api(users["admin"]).post(f"/api/v1/key-tasks/{task.pk}/progress", body,
                                    content_type="application/json").status_code == 403
    assert api(users["jiuxian"]).post(f"/api/v1/key-tasks/{task.pk}/progress", body,
                                      content_type="application/json").status_code == 404
    assert api(enterprise_user(make_enterprise())).get("/api/v1/key-tasks/").status_code == 403
    yingji = api(users["yingji"])
    bad = yingji.post(f"/api/v1/key-tasks/{task.pk}/progress", {"text": "", "percent": 30},
                      content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "text"]
    other = tasks[1].milestones.create(title="别的", due=timezone.localdate())
    assert yingji.post(f"/api/v1/key-tasks/{task.pk}/progress", {**body, "milestone_id": other.pk},
                       content_type="application/json").status_code == 422
    response = yingji.post(f"/api/v1/key-tasks/{task.pk}/progress", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["milestone_id"] == milestone.pk
    detail = yingji.get(f"/api/v1/key-tasks/{task.pk}").json()
    assert detail["overdue"] is False and detail["percent"] == 30 and detail["status"] == "in_progress"
    assert detail["reports"][0]["text"] == "召开会议"


def test_a_progress_report_with_a_stale_version_answers_409(tasks, users):
    task = tasks[0]
    yingji = api(users["yingji"])
    seen = yingji.get(f"/api/v1/key-tasks/{task.pk}").json()["version"]
    body = {"text": "召开会议", "percent": 30, "version": seen}
    assert yingji.post(f"/api/v1/key-tasks/{task.pk}/progress", body, content_type="application/json").status_code == 201
    stale = yingji.post(f"/api/v1/key-tasks/{task.pk}/progress", {**body, "percent": 50},
                        content_type="application/json")
    assert stale.status_code == 409 and stale.json()["detail"] == "该记录已被他人修改，请刷新后重试"
    detail = yingji.get(f"/api/v1/key-tasks/{task.pk}").json()
    assert detail["percent"] == 30 and len(detail["reports"]) == 1 and detail["version"] == seen + 1
    assert yingji.post(f"/api/v1/key-tasks/{task.pk}/progress", {**body, "percent": 50, "version": seen + 1},
                       content_type="application/json").status_code == 201
