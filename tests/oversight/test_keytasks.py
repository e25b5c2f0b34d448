"""重点任务“挂图作战”: overdue at the due-date boundary, scope, who reports, audit, the tick,
the export in the layout of 附件1, the demo table and the pages."""

import datetime as dt
import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from anying.core import audit
from anying.core.errors import PermissionDenied
from anying.core.models import ClockStep, Notification, Organisation
from anying.core.permissions import SYSTEM
from anying.oversight import demo_keytasks, keytasks
from anying.oversight.filters import KeyTaskFilter
from anying.oversight.models import KeyTask, KeyTaskTable

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(district):
    return {o.name: o for o in Organisation.objects.all()}


@pytest.fixture
def table(units):
    year = timezone.localdate().year
    return keytasks.save_table(SYSTEM, {"year": year, "title": f"{year}年工贸行业重点任务“挂图作战”责任表",
                                        "unit": units["区应急局"]})


@pytest.fixture
def make_task(table, units):
    def make(unit="区应急局", due=None, milestones=(), number=1, name="事故指标控制"):
        return keytasks.save_task(SYSTEM, {
            "table": table, "number": number, "task": name, "requirements": "按季度撰写事故分析报告。",
            "unit": units[unit], "person": "区应急局工贸科科长", "leader": "区应急局分管副局长",
            "due": due or timezone.localdate() + dt.timedelta(days=30)}, milestones=list(milestones))

    return make


TODAY = timezone.localdate


def late_tasks(user):
    return KeyTaskFilter({"overdue": "1"}).apply(keytasks.visible(user))


# --- overdue ---------------------------------------------------------------------------------------

def test_task_overdue_boundary(make_task, users):
    today = TODAY()
    due_today, due_yesterday = make_task(due=today), make_task(due=today - dt.timedelta(days=1), number=2)
    assert not due_today.is_overdue and due_yesterday.is_overdue
    late = late_tasks(users["admin"])
    assert list(late) == [due_yesterday]
    assert keytasks.summary(users["admin"], today.year) == {"total": 2, "done": 0, "overdue": 1, "in_progress": 1}


def test_milestone_overdue_boundary(make_task, users):
    today = TODAY()
    task = make_task(milestones=[(today, "今天到期")])
    assert not late_tasks(users["admin"]).exists()
    other = make_task(milestones=[(today - dt.timedelta(days=1), "昨天到期")], number=2)
    assert list(late_tasks(users["admin"])) == [other]
    assert [m.is_overdue for m in task.milestones.all()] == [False]
    assert [m.is_overdue for m in other.milestones.all()] == [True]


def test_done_task_never_overdue(make_task, users):
    today = TODAY()
    task = make_task(due=today - dt.timedelta(days=5), milestones=[(today - dt.timedelta(days=10), "节点")])
    assert task.is_overdue
    keytasks.report(users["yingji"], task.pk, {"text": "全部完成", "final": True, "date": today})
    task.refresh_from_db()
    assert task.is_done and not task.is_overdue and task.percent == 100
    assert not any(m.is_overdue for m in task.milestones.all())
    assert not late_tasks(users["admin"]).exists()
    assert keytasks.summary(users["admin"], today.year) == {"total": 1, "done": 1, "overdue": 0, "in_progress": 0}


def test_completing_a_milestone_clears_its_flag(make_task, users):
    today = TODAY()
    task = make_task(milestones=[(today - dt.timedelta(days=2), "召开现场会")])
    milestone = task.milestones.get()
    keytasks.report(users["yingji"], task.pk, {"text": "已召开", "percent": 30, "milestone": milestone})
    milestone.refresh_from_db()
    assert milestone.done_on == today and not milestone.is_overdue
    assert not late_tasks(users["admin"]).exists()
    with pytest.raises(ValidationError):  # a milestone is completed once
        keytasks.report(users["yingji"], task.pk, {"text": "再报", "percent": 40, "milestone": milestone})


# --- scope and permission --------------------------------------------------------------------------

def test_scope_by_the_responsible_units_region(make_task, users):
    district_task = make_task()
    town_task = make_task(unit="旧县街道应急办", number=2)
    hufeng_task = make_task(unit="虎峰镇应急办", number=3)
    assert set(keytasks.visible(users["admin"])) == {district_task, town_task, hufeng_task}
    assert set(keytasks.visible(users["jingxin"])) == {district_task, town_task, hufeng_task}
    assert list(keytasks.visible(users["jiuxian"])) == [town_task]
    summary = keytasks.summary(users["jiuxian"], TODAY().year)
    assert summary["total"] == 1


def test_enterprise_users_see_nothing(make_task, make_enterprise, enterprise_user, login):
    task = make_task(unit="旧县街道应急办")
    user = enterprise_user(make_enterprise())
    assert not keytasks.visible(user).exists()
    assert login(user).get(f"/oversight/key-tasks/{task.pk}/").status_code == 404


def test_only_the_responsible_unit_reports(make_task, users):
    task = make_task()
    for name in ("jiuxian", "admin", "jingxin"):  # another unit (admin manages tables but is 区安委办)
        with pytest.raises(PermissionDenied):
            keytasks.report(users[name], task.pk, {"text": "进展", "percent": 10})
    with pytest.raises(PermissionDenied):  # duty is at 区应急局 but has no keytasks.report
        keytasks.report(users["duty"], task.pk, {"text": "进展", "percent": 10})
    keytasks.report(users["yingji"], task.pk, {"text": "进展", "percent": 10})
    task.refresh_from_db()
    assert task.status == KeyTask.Status.IN_PROGRESS and task.percent == 10


def test_report_validation(make_task, users):
    task = make_task()
    for data in ({"text": "", "percent": 10}, {"text": "x", "percent": 101}, {"text": "x", "percent": 100},
                 {"text": "x", "percent": 10, "date": TODAY() + dt.timedelta(days=1)}):
        with pytest.raises(ValidationError):
            keytasks.report(users["yingji"], task.pk, data)
    assert not task.reports.exists()


def test_manage_needs_permission(table, units, users):
    data = {"table": table, "number": 1, "task": "x", "requirements": "y", "unit": units["区应急局"], "person": "科长",
            "leader": "副局长", "due": TODAY()}
    with pytest.raises(PermissionDenied):
        keytasks.save_task(users["yingji"], data)
    task = keytasks.save_task(users["admin"], data, milestones=[(TODAY(), "节点")])
    with pytest.raises(ValidationError):  # a milestone after the final deadline
        keytasks.save_task(users["admin"], data, task.pk, milestones=[(TODAY() + dt.timedelta(days=1), "晚")])


def test_editing_keeps_unchanged_milestones(make_task, users):
    today = TODAY()
    task = make_task(milestones=[(today - dt.timedelta(days=3), "旧节点"), (today, "保留")])
    assert keytasks.overdue_run() == 1
    kept = task.milestones.get(title="保留")
    data = {"table": task.table, "number": 1, "task": task.task, "requirements": "x", "unit": task.unit,
            "person": "p", "leader": "l", "due": task.due}
    keytasks.save_task(users["admin"], data, task.pk, milestones=[(today, "保留"), (today + dt.timedelta(days=1), "新")])
    assert [m.title for m in task.milestones.all()] == ["保留", "新"] and task.milestones.get(title="保留") == kept
    assert "旧节点" in audit.history(task).first().before["milestones"]


def test_summary_is_one_query(make_task, users, django_assert_max_num_queries):
    make_task()
    user = users["jiuxian"]
    keytasks.visible(user).exists()  # scope facts are cached on the user
    with django_assert_max_num_queries(1):
        keytasks.summary(user, TODAY().year)


def test_parse_milestones():
    assert keytasks.parse_milestones("03-30 召开现场会\n\n2026-06-30 半年", 2026) == [
        (dt.date(2026, 3, 30), "召开现场会"), (dt.date(2026, 6, 30), "半年")]
    with pytest.raises(ValidationError):
        keytasks.parse_milestones("三月底 现场会", 2026)


def test_audited(make_task, users):
    task = make_task()
    keytasks.report(users["yingji"], task.pk, {"text": "召开会议", "percent": 20})
    keytasks.report(users["yingji"], task.pk, {"text": "完成", "final": True})
    summaries = list(audit.history(task).values_list("summary", "actor__username"))
    assert ("任务完成", "yingji") in summaries and ("报送进展 20%", "yingji") in summaries
    assert audit.history(task).filter(summary="保存重点任务").exists()


def test_attachment_on_a_report(make_task, users, login):
    task = make_task()
    upload = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    entry = keytasks.report(users["yingji"], task.pk, {"text": "会议纪要", "percent": 10}, upload)
    page = login(users["yingji"]).get(f"/oversight/key-tasks/{task.pk}/")
    attachment = page.context["reports"][0].files[0]
    assert attachment.original_name == "纪要.pdf" and page.context["reports"][0] == entry
    assert login(users["jiuxian"]).get(f"/oversight/key-tasks/{task.pk}/files/{attachment.pk}/").status_code == 404
    assert login(users["admin"]).get(f"/oversight/key-tasks/{task.pk}/files/{attachment.pk}/").status_code == 200


# --- tick ---------------------------------------------------------------------------------------------

def test_tick_notifies_once_per_overdue_task_and_milestone(make_task, users):
    today = TODAY()
    task = make_task(due=today + dt.timedelta(days=10), milestones=[(today - dt.timedelta(days=1), "Q3"),
                                                                   (today, "今天")])
    make_task(due=today - dt.timedelta(days=1), number=2, name="逾期任务")
    make_task(unit="旧县街道应急办", due=today, number=3)  # due today: not yet
    assert keytasks.overdue_run() == 2
    assert keytasks.overdue_run() == 0
    told = list(Notification.objects.values_list("user__username", "title"))
    assert sorted(told) == [("yingji", "重点任务节点逾期：事故指标控制：Q3"), ("yingji", "重点任务逾期：逾期任务")]
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert keytasks.overdue_run(tomorrow) == 2  # the milestone and task due today, once late
    assert keytasks.overdue_run(tomorrow) == 0
    assert ClockStep.objects.filter(clock="milestone_due", object_id__in=task.milestones.values("pk")).count() == 2


# --- export and demo -----------------------------------------------------------------------------------

def test_export_in_the_layout_of_the_seed(make_task, users, login, table):
    today = TODAY()
    make_task(milestones=[(today - dt.timedelta(days=1), "召开现场会")])
    make_task(number=2, name="部门联席会议")
    response = login(users["jiuxian"]).get(f"/oversight/key-tasks/?year={today.year}&table={table.pk}&export=xlsx")
    assert response.context["table"] is None  # none of its tasks is the town's: no table, no export
    response = login(users["admin"]).get(f"/oversight/key-tasks/?year={today.year}&table={table.pk}&export=xlsx")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.values)
    assert rows[0][0].startswith(f"{today.year}年工贸行业重点任务“挂图作战”责任表　")
    assert rows[1] == ("序号", "重点任务", "工作要求", "责任人", "责任领导", "完成时限", "进度", "状态")
    assert rows[2][:5] == (1, "事故指标控制", "按季度撰写事故分析报告。", "区应急局工贸科科长", "区应急局分管副局长")
    assert "召开现场会" in rows[2][5] and rows[2][7] == "未开始（逾期）" and rows[3][7] == "未开始"
    assert "A1:H1" in [str(r) for r in ws.merged_cells.ranges]


def test_demo_table(district, users):
    from anying.core import demo as core_demo  # noqa: F401 — the district fixture loaded it

    demo_keytasks.load(random.Random(1))
    demo_keytasks.load(random.Random(1))  # idempotent
    table = KeyTaskTable.objects.get()
    assert table.year == TODAY().year and table.tasks.count() == 15
    tasks = {t.number: t for t in table.tasks.prefetch_related("milestones")}
    assert [m.due.strftime("%m-%d") for m in tasks[1].milestones.all()] == ["03-31", "06-30", "09-30", "12-31"]
    assert [m.due.strftime("%m-%d") for m in tasks[4].milestones.all()] == ["03-30"]
    assert len(tasks[2].milestones.all()) == 2 and tasks[14].is_done
    assert all(t.person.startswith("区应急局") and t.leader == "区应急局分管副局长" for t in tasks.values())
    names = ("杞金祥", "李凭", "李继川", "廖炜伊", "冯一丹", "段义勇")
    assert not any(n in t.person + t.leader for t in tasks.values() for n in names)


# --- pages ---------------------------------------------------------------------------------------------

def test_table_page_filters_and_query_count(make_task, users, login, django_assert_max_num_queries):
    today = TODAY()
    for number in range(1, 13):
        make_task(number=number, milestones=[(today - dt.timedelta(days=1), "节点"), (today, "今天")])
    make_task(number=13, unit="旧县街道应急办", due=today + dt.timedelta(days=5))
    client = login(users["admin"])
    with django_assert_max_num_queries(16):
        page = client.get("/oversight/key-tasks/")
    assert len(page.context["tasks"]) == 13 and page.context["tasks"][0].late
    overdue = client.get("/oversight/key-tasks/?overdue=1")
    assert len(overdue.context["tasks"]) == 12
    unit = Organisation.objects.get(name="旧县街道应急办")
    assert [t.number for t in client.get(f"/oversight/key-tasks/?unit={unit.pk}").context["tasks"]] == [13]
    assert [t.number for t in login(users["jiuxian"]).get("/oversight/key-tasks/").context["tasks"]] == [13]


def test_report_through_the_page(make_task, users, login):
    task = make_task()
    response = login(users["jiuxian"]).post(f"/oversight/key-tasks/{task.pk}/report/",
                                            {"date": TODAY().isoformat(), "text": "x", "percent": "10"})
    assert response.status_code == 404  # out of scope
    client = login(users["yingji"])
    assert "form" in client.get(f"/oversight/key-tasks/{task.pk}/").context
    client.post(f"/oversight/key-tasks/{task.pk}/report/", {"date": TODAY().isoformat(), "text": "召开会议", "percent": "40"})
    client.post(f"/oversight/key-tasks/{task.pk}/report/", {"date": TODAY().isoformat(), "text": "完成", "percent": "90",
                                                           "final": "on"})
    task.refresh_from_db()
    assert task.is_done and task.reports.count() == 2
    admin = login(users["admin"]).get(f"/oversight/key-tasks/{task.pk}/")
    assert admin.context["form"] is None


def test_manage_pages(table, units, users, login):
    client = login(users["admin"])
    response = client.post("/oversight/key-tasks/new/", {
        "table": table.pk, "number": "1", "task": "推行“两单两卡”", "requirements": "3月30日前召开现场会。",
        "unit": units["区应急局"].pk, "person": "区应急局工贸科科员", "leader": "区应急局分管副局长",
        "due": f"{table.year}-12-31", "milestones": "03-30 召开工贸企业“两单两卡”现场会"})
    assert response.status_code == 302
    task = KeyTask.objects.get()
    assert [str(m.due) for m in task.milestones.all()] == [f"{table.year}-03-30"]
    assert login(users["yingji"]).get("/oversight/key-tasks/new/").status_code == 404
    bad = client.post("/oversight/key-tasks/new/", {"table": table.pk, "number": "2", "task": "x", "requirements": "y",
                                                    "unit": units["区应急局"].pk, "person": "p", "leader": "l",
                                                    "due": f"{table.year}-12-31", "milestones": "月底 开会"})
    assert bad.status_code == 200 and "milestones" in bad.context["form"].errors
    response = client.post("/oversight/key-tasks/tables/new/", {"year": "2027", "title": "2027年重点任务", "unit": units["区安委办"].pk})
    assert response.status_code == 302 and KeyTaskTable.objects.filter(year=2027).exists()


# --- a second reporter acting on a stale page ---------------------------------------------------------

STALE = "该记录已被他人修改，请刷新后重试"


def test_a_report_from_a_stale_page_is_refused_and_changes_nothing(make_task, users, login):
    task = make_task()
    page = login(users["yingji"]).get(f"/oversight/key-tasks/{task.pk}/").content.decode()
    assert f'name="version" value="{task.version}"' in page
    seen = task.version  # two colleagues of the responsible unit have the page open
    first = login(users["yingji"])
    first.post(f"/oversight/key-tasks/{task.pk}/report/",
               {"date": TODAY().isoformat(), "text": "召开会议", "percent": "40", "version": seen})
    response = login(users["yingji"]).post(f"/oversight/key-tasks/{task.pk}/report/", {
        "date": TODAY().isoformat(), "text": "全部完成", "percent": "90", "final": "on", "version": seen}, follow=True)
    assert STALE in response.content.decode()
    task.refresh_from_db()
    assert task.status == KeyTask.Status.IN_PROGRESS and task.percent == 40 and task.reports.count() == 1
    first.post(f"/oversight/key-tasks/{task.pk}/report/", {
        "date": TODAY().isoformat(), "text": "全部完成", "percent": "90", "final": "on", "version": task.version})
    task.refresh_from_db()
    assert task.is_done and task.reports.count() == 2


def test_an_edit_makes_the_report_page_stale(make_task, users, login, table, units):
    task = make_task()
    seen = task.version
    client = login(users["admin"])
    form = client.get(f"/oversight/key-tasks/{task.pk}/edit/").content.decode()
    assert f'name="version" value="{seen}"' in form
    data = {"table": table.pk, "number": "1", "task": "事故指标控制", "requirements": "按月撰写。", "unit": units["区应急局"].pk,
            "person": "科长", "leader": "副局长", "due": (TODAY() + dt.timedelta(days=10)).isoformat(), "milestones": ""}
    assert client.post(f"/oversight/key-tasks/{task.pk}/edit/", {**data, "version": seen}).status_code == 302
    response = login(users["yingji"]).post(f"/oversight/key-tasks/{task.pk}/report/", {
        "date": TODAY().isoformat(), "text": "x", "percent": "10", "version": seen}, follow=True)
    assert STALE in response.content.decode() and not task.reports.exists()
    # a second edit from the same stale form is refused too, with the form shown again
    again = client.post(f"/oversight/key-tasks/{task.pk}/edit/", {**data, "requirements": "按季度撰写。", "version": seen})
    assert again.status_code == 200 and STALE in again.content.decode()
    assert KeyTask.objects.get(pk=task.pk).requirements == "按月撰写。"
