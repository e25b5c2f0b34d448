"""The incident pages: intake, the incident with its chains, reports, flags, the quality 通报, the
deadlines page; scope and permissions."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from anying.core.models import AuditEvent, Region
from anying.incidents.models import DeskSetting, Due, Flag, Incident, ReportRule


def form_data(**extra):
    now = timezone.localtime()
    return {"title": "某厂液氨泄漏", "kind": "work_safety", "occurred_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "received_at": (now - dt.timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"), "source": "linkage",
            "source_detail": "119转警", "region": Region.objects.get(name="旧县街道").pk, "place": "工业园区",
            "deaths": 1, "missing": 0, "trapped": 2, "injured": 3, "serious_injuries": 1, "direct_loss": "50000",
            "description": "储罐阀门泄漏", **extra}


def test_a_town_officer_takes_a_call_and_reports_up(login, users, desks):
    client = login(users["jiuxian"])
    assert client.get(reverse("incident_new")).status_code == 200
    response = client.post(reverse("incident_new"), form_data())
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.grade == "general" and incident.trapped == 2
    page = client.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert "应报首报" in page and "逐级上报每级不超过2小时" in page and "还剩" in page
    response = client.post(reverse("incident_report", args=[incident.pk]),
                           {"stage": "first", "medium": "written", "content": "首报：储罐泄漏"})
    assert response.status_code == 302
    report = incident.reports.get()
    assert report.to_unit.name == "区应急局" and report.snapshot["trapped"] == 2
    assert login(users["jiuxian"]).get(reverse("incident_report_detail", args=[report.pk])).status_code == 200
    duty = login(users["duty"])
    assert "签收" in duty.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    duty.post(reverse("incident_report_receive", args=[report.pk]))
    report.refresh_from_db()
    assert report.received_by == users["duty"]


def test_bad_input_is_refused_in_chinese_with_nothing_saved(login, users, desks):
    client = login(users["jiuxian"])
    later = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page = client.post(reverse("incident_new"), form_data(occurred_at=later, serious_injuries=5)).content.decode()
    assert "发生时间不能晚于现在" in page or "重伤人数不能多于受伤人数" in page
    assert not Incident.objects.exists()


def test_another_town_cannot_see_the_incident_and_an_enterprise_user_sees_nothing(login, users, take, make_enterprise,
                                                                                  enterprise_user):
    incident = take()
    assert login(users["hufeng"]).get(reverse("incident_detail", args=[incident.pk])).status_code == 404
    assert login(users["admin"]).get(reverse("incident_detail", args=[incident.pk])).status_code == 200
    qiye = enterprise_user(make_enterprise())
    assert login(qiye).get(reverse("incident_list")).status_code in (403, 404)
    # the other town cannot report on it either
    response = login(users["hufeng"]).post(reverse("incident_report", args=[incident.pk]),
                                           {"stage": "first", "medium": "written", "content": "x"})
    assert response.status_code == 404 and not incident.reports.exists()


def test_the_leader_reads_and_flags_but_cannot_take_reports(login, users, take):
    incident = take()
    leader = login(users["leader"])
    assert leader.get(reverse("incident_new")).status_code in (403, 404)
    leader.post(reverse("incident_flag", args=[incident.pk]), {
        "kind": "concealed", "unit": users["jiuxian"].unit_id, "reason": "镇街未如实报告被困人数"})
    flag = Flag.objects.get(incident=incident)
    assert flag.kind == "concealed" and flag.created_by == users["leader"]
    # the town cannot withdraw a flag against itself, nor flag anything
    town = login(users["jiuxian"])
    assert town.post(reverse("incident_flag_withdraw", args=[flag.pk]), {"reason": "不服"}).status_code in (403, 404)
    flag.refresh_from_db()
    assert flag.withdrawn_at is None


def test_the_list_filters_and_exports_and_the_export_is_audited(login, users, take):
    take(title="甲事故", hours=5)
    take(title="乙事故", hours=1)
    client = login(users["admin"])
    page = client.get(reverse("incident_list") + "?overdue=1").content.decode()
    assert "甲事故" in page and "乙事故" not in page
    response = client.get(reverse("incident_list") + "?export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEvent.objects.filter(action="export", summary__contains="接报事件").exists()


def test_the_quality_report_counts_late_reports_and_is_a_word_document(login, users, take):
    from docx import Document

    from anying.incidents import services

    incident = take(hours=5)
    services.submit(users["jiuxian"], incident.pk, "first", "written", "首报")  # late
    client = login(users["admin"])
    page = client.get(reverse("incident_quality")).content.decode()
    assert "旧县街道应急办" in page
    content = b"".join(client.get(reverse("incident_quality_docx")).streaming_content)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "迟报1份" in text
    table = Document(io.BytesIO(content)).tables[0]
    assert any(row.cells[0].text == "旧县街道应急办" and row.cells[2].text == "1" for row in table.rows)


def test_the_district_sets_its_own_rule_and_desk_and_a_town_cannot(login, users, district, desks):
    admin = login(users["admin"])
    page = admin.get(reverse("incident_rules")).content.decode()
    assert "第十一条" in page and "未核对原文" in page
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    admin.post(reverse("incident_rules"), {"code": "tl_phone", "label": "较大以上30分钟电话报告", "stage": "first",
                                           "medium": "phone", "grades": "larger,major", "kinds": "", "minutes": "30",
                                           "counts_from": "event", "effective_from": tomorrow,
                                           "source": "区规定", "article": "第三条", "quote": "……"})
    assert ReportRule.objects.filter(code="TL_PHONE", region=district).exists()
    admin.post(reverse("incident_desk_setting"), {"unit": users["duty"].unit_id, "upstream_name": "重庆市应急管理局"})
    assert DeskSetting.objects.get(region=district).upstream_name == "重庆市应急管理局"
    town = login(users["jiuxian"])
    assert town.post(reverse("incident_rules"), {"code": "X1"}).status_code in (403, 404)
    assert town.post(reverse("incident_desk_setting"), {"unit": users["jiuxian"].unit_id}).status_code in (403, 404)


def test_merging_two_calls_about_one_event_keeps_both_sources_and_stops_the_second_clock(login, users, take):
    first = take(title="爆炸", source="linkage")
    second = take(title="听到爆炸声", source="phone")
    client = login(users["jiuxian"])
    page = client.get(reverse("incident_detail", args=[first.pk])).content.decode()
    assert "听到爆炸声" in page
    client.post(reverse("incident_merge", args=[first.pk]), {"other": second.pk, "reason": "同一事件"})
    second.refresh_from_db()
    assert second.status == "merged" and second.merged_into == first
    assert not Due.objects.filter(incident=second, met_at=None, cancelled=False).exists()
    assert "并入" in client.get(reverse("incident_detail", args=[first.pk])).content.decode()


@pytest.mark.parametrize("name", ["incident_list", "incident_quality", "incident_rules"])
def test_the_menu_pages_open_for_the_duty_officer(login, users, desks, name):
    assert login(users["duty"]).get(reverse(name)).status_code == 200


def test_the_duty_desk_shows_open_incidents_most_urgent_first_and_the_map(login, users, take):
    calm = take(title="乙：刚接报", hours=0.2, received_at=timezone.now())
    urgent = take(title="甲：首报已逾期", hours=5)
    page = login(users["jiuxian"]).get(reverse("incident_desk")).content.decode()
    assert page.index("甲：首报已逾期") < page.index("乙：刚接报")
    assert "1 件报告逾期" in page and 'id="ay-map"' in page and "处置中的事件" in page
    assert calm.pk and urgent.pk


def test_a_duty_handover_carries_the_incidents_and_the_reports_due(users, take):
    from anying.duty.services import carried_items

    take(title="交接测试事故")
    items = carried_items(users["jiuxian"].unit)
    kinds = {i["kind"] for i in items}
    assert {"应报事项", "处置中事件"} <= kinds
    assert any("交接测试事故" in i["text"] for i in items)


def test_the_district_desk_sees_what_is_due_from_the_towns(login, users, take):
    take(title="镇街待报事件")
    page = login(users["admin"]).get(reverse("incident_desk")).content.decode()
    assert "下级待报" in page and "旧县街道应急办" in page and "镇街待报事件" in page
    assert "下级待报" not in login(users["jiuxian"]).get(reverse("incident_desk")).content.decode()


def test_a_concealment_flag_on_the_enterprise_links_its_interview(users, take, make_enterprise):
    from anying.incidents import services
    from anying.oversight.models import Interview

    ent = make_enterprise()
    incident = take(enterprise=ent)
    interview = Interview.objects.create(enterprise=ent, year=timezone.localtime(incident.occurred_at).year,
                                         held_on=timezone.localdate(), notes="约谈")
    flag = services.flag(users["admin"], incident.pk, "concealed", "企业隐瞒死亡人数", enterprise=ent)
    assert flag.interview == interview
