"""The alarm lifecycle across the enterprise and the town, escalation, the pages and boards,
and what an alarm becomes (an incident, a hazard)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anying.core.models import Notification
from anying.core.permissions import SYSTEM
from anying.monitoring import alarms, ingest, timeseries
from anying.monitoring.models import Alarm

from ..conftest import photo
from .test_ingest import plant  # noqa: F401 — the fixture


def breach(plant, value=160, code="AT-201"):  # noqa: F811
    t = timeseries.ms(timezone.now()) - 5_000
    ingest.ingest(plant["device"], [(code, t, value)])
    return Alarm.objects.get(is_active=True, sensor__code=code, level=1 if value > 150 else 2)


def test_triggered_acknowledged_handled_cleared(plant, login, users, enterprise_user):  # noqa: F811
    own = enterprise_user(plant["ent"], username="qiye1")
    alarm = breach(plant)
    assert Notification.objects.filter(user=own, title__contains="一级报警").exists()
    company = login(own)
    page = company.get(reverse("alarm_detail", args=[alarm.pk])).content.decode()
    assert "确认报警" in page and "确认消警" not in page
    assert company.post(reverse("alarm_act", args=[alarm.pk]), {"step": "acknowledge", "version": alarm.version}
                        ).status_code == 302
    alarm.refresh_from_db()
    assert alarm.status == "acknowledged" and alarm.acknowledged_by == own
    # handling needs cause, reason and measures; a false alarm its kind — nothing changes otherwise
    company.post(reverse("alarm_act", args=[alarm.pk]), {"step": "handle", "cause": "false", "reason": "探头受潮",
                                                         "measures": "更换探头", "version": alarm.version})
    alarm.refresh_from_db()
    assert alarm.status == "acknowledged" and alarm.cause == ""
    company.post(reverse("alarm_act", args=[alarm.pk]), {
        "step": "handle", "cause": "false", "false_kind": "device", "reason": "探头受潮", "measures": "更换探头并标定",
        "version": alarm.version, "photos": photo()})
    alarm.refresh_from_db()
    assert alarm.status == "handled" and alarm.false_kind == "device"
    # the enterprise cannot clear its own alarm; another town cannot see it; its town can
    assert company.post(reverse("alarm_act", args=[alarm.pk]), {"step": "clear", "version": alarm.version}
                        ).status_code == 302
    assert Alarm.objects.get(pk=alarm.pk).status == "handled"
    assert login(users["hufeng"]).get(reverse("alarm_detail", args=[alarm.pk])).status_code == 404
    town = login(users["jiuxian"])
    board = town.get(reverse("monitoring_board")).content.decode()
    assert "罐区氨气浓度" in board and "待确认消警" in board
    town.post(reverse("alarm_act", args=[alarm.pk]), {"step": "send_back", "version": alarm.version})
    assert Alarm.objects.get(pk=alarm.pk).status == "handled"  # 退回 needs a reason
    town.post(reverse("alarm_act", args=[alarm.pk]), {"step": "clear", "comment": "已核实", "version": alarm.version})
    alarm.refresh_from_db()
    assert alarm.status == "cleared" and not alarm.is_active and alarm.cleared_by == users["jiuxian"]
    # cleared: the next breach is a new alarm
    assert breach(plant).pk != alarm.pk


def test_an_unacknowledged_alarm_escalates_to_the_town_then_the_district(plant, users):  # noqa: F811
    alarm = breach(plant)
    level = alarms.level_of(alarm)
    Alarm.objects.exclude(pk=alarm.pk).delete()  # the 高报 alarm raised with it escalates on its own clock
    assert alarms.escalate(alarm.raised_at + dt.timedelta(minutes=level.escalate_town_minutes - 1)) == 0
    assert alarms.escalate(alarm.raised_at + dt.timedelta(minutes=level.escalate_town_minutes)) == 1
    assert alarms.escalate(alarm.raised_at + dt.timedelta(minutes=level.escalate_town_minutes + 1)) == 0
    assert Alarm.objects.get(pk=alarm.pk).escalation == 1
    assert Notification.objects.filter(user=users["jiuxian"], title__contains="未确认").exists()
    assert alarms.escalate(alarm.raised_at + dt.timedelta(minutes=level.escalate_district_minutes)) == 1
    assert Alarm.objects.get(pk=alarm.pk).escalation == 2
    # an acknowledged alarm does not escalate
    other = breach(plant, value=8.5, code="LT-101")
    alarms.run(SYSTEM, other.pk, "acknowledge")
    assert alarms.escalate(other.raised_at + dt.timedelta(days=1)) == 0


def test_an_alarm_becomes_an_incident_and_a_hazard(plant, login, users):  # noqa: F811
    alarm = breach(plant)
    town = login(users["jiuxian"])
    response = town.post(reverse("alarm_to_incident", args=[alarm.pk]))
    alarm.refresh_from_db()
    assert response.status_code == 302 and alarm.incident is not None and alarm.incident.source == "alarm"
    assert town.get(reverse("alarm_to_hazard", args=[alarm.pk])).status_code == 200
    town.post(reverse("alarm_to_hazard", args=[alarm.pk]), {
        "place": "罐区", "description": "氨气浓度超高高报", "category": "equipment", "level": "general",
        "channel": "inspection", "found_by": "张三", "found_on": timezone.localdate().isoformat()})
    alarm.refresh_from_db()
    assert alarm.hazard is not None or "请" in town.get(reverse("alarm_to_hazard", args=[alarm.pk])).content.decode()


def test_the_pages_open_and_the_export_downloads(plant, login, users, enterprise_user):  # noqa: F811
    alarm = breach(plant)
    town = login(users["jiuxian"])
    for url in [reverse("alarm_list"), reverse("alarm_list") + "?active=1&level=1", reverse("monitoring_coverage"),
                reverse("monitoring_enterprise_board", args=[plant["ent"].pk]), reverse("sensor_detail", args=[plant["gas"].pk]),
                reverse("sensor_edit", args=[plant["gas"].pk]), reverse("sensor_new", args=[plant["inst"].pk]),
                reverse("monitoring_devices", args=[plant["ent"].pk]), reverse("alarm_detail", args=[alarm.pk]),
                reverse("installation_detail", args=[plant["inst"].pk])]:
        assert town.get(url).status_code == 200, url
    assert town.get(reverse("alarm_list") + "?export=xlsx")["Content-Type"].startswith("application/vnd")
    series = town.get(reverse("sensor_series", args=[plant["gas"].pk]) + "?period=1h").json()
    assert series["bucket"] == "minute" and series["points"]
    own = login(enterprise_user(plant["ent"], username="qiye2"))
    assert own.get(reverse("monitoring_board")).status_code == 302  # an enterprise lands on its own live board
    assert login(users["hufeng"]).get(reverse("monitoring_enterprise_board", args=[plant["ent"].pk])).status_code == 404


def test_a_sensor_is_added_from_the_page_with_its_rules_and_bad_thresholds_are_refused(plant, login, users):  # noqa: F811
    town = login(users["jiuxian"])
    data = {"code": "PT-301", "name": "压力", "kind": "pressure", "unit": "MPa", "range_low": "0", "range_high": "2.5",
            "high": "1.6", "high_high": "1.2", "interval_seconds": "10", "offline_after": "3", "is_active": "on"}
    page = town.post(reverse("sensor_new", args=[plant["inst"].pk]), data).content.decode()
    assert "低低报 &lt; 低报 &lt; 高报 &lt; 高高报" in page or "低低报 < 低报" in page
    data["high_high"] = "2.0"
    assert town.post(reverse("sensor_new", args=[plant["inst"].pk]), data).status_code == 302
    from anying.monitoring.models import Sensor

    sensor = Sensor.objects.get(code="PT-301")
    assert sorted(r.bound for r in sensor.rules.filter(kind="threshold")) == ["H", "HH"]
    town.post(reverse("sensor_rule_add", args=[sensor.pk]), {"kind": "sustained", "bound": "H", "seconds": "60",
                                                             "level": "1"})
    assert sensor.rules.filter(kind="sustained", seconds=60).exists()
    # a device token is shown once; the stored hash is not the token
    page = town.post(reverse("monitoring_devices", args=[plant["ent"].pk]), {"name": "二号网关"}).content.decode()
    assert "只显示这一次" in page and "ayd_" in page


@pytest.mark.parametrize("step", ["acknowledge", "handle", "clear"])
def test_nobody_outside_acts(plant, login, users, make_enterprise, enterprise_user, step):  # noqa: F811
    alarm = breach(plant)
    other = login(enterprise_user(make_enterprise("另一企业"), username="qiye9"))
    other.post(reverse("alarm_act", args=[alarm.pk]), {"step": step, "version": alarm.version})
    assert Alarm.objects.get(pk=alarm.pk).status == "triggered"
    with pytest.raises(Alarm.DoesNotExist):
        alarms.run(users["hufeng"], alarm.pk, "acknowledge")
    assert alarms.run(SYSTEM, alarm.pk, "acknowledge").status == "acknowledged"


def test_the_duty_desk_shows_unhandled_alarms(plant, login, users):  # noqa: F811
    breach(plant)
    page = login(users["jiuxian"]).get(reverse("incident_desk")).content.decode()
    assert "监测报警（未处置）" in page and "罐区氨气浓度（AT-201）超高高报" in page
    assert "罐区氨气浓度" not in login(users["hufeng"]).get(reverse("incident_desk")).content.decode()


def test_the_api_lists_sensors_and_alarms_and_takes_steps(plant, enterprise_user):  # noqa: F811
    from django.test import Client

    from anying.core.services import create_token

    alarm = breach(plant)
    own = enterprise_user(plant["ent"], username="qiye3")
    _, token = create_token(own, own, "走查")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    sensors = api.get("/api/v1/monitoring/sensors?offline=false").json()
    assert {s["code"] for s in sensors["items"]} == {"LT-101", "AT-201"}
    listed = api.get("/api/v1/monitoring/alarms?active=true&level=1").json()
    assert [a["id"] for a in listed["items"]] == [alarm.pk]
    answer = api.post(f"/api/v1/monitoring/alarms/{alarm.pk}/steps/handle", {
        "cause": "false", "false_kind": "maintenance", "reason": "检修吹扫", "measures": "已恢复", "version": alarm.version},
        content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "handled"
    stale = api.post(f"/api/v1/monitoring/alarms/{alarm.pk}/steps/clear", {"version": 0}, content_type="application/json")
    assert stale.status_code in (403, 409)
    start = timezone.now() - dt.timedelta(hours=1)
    series = api.get(f"/api/v1/monitoring/sensors/{plant['gas'].pk}/series",
                     {"start": start.isoformat(), "end": timezone.now().isoformat()}).json()
    assert series["bucket"] == "minute" and series["points"][0][1] >= 1


def test_an_enterprise_cannot_switch_off_its_mandatory_rules_and_the_town_hears_of_weakening(
        plant, login, enterprise_user, users):  # noqa: F811
    from anying.monitoring.models import AlarmRule

    own = login(enterprise_user(plant["ent"], username="qiye4"))
    hh = AlarmRule.objects.get(sensor=plant["gas"], kind="threshold", bound="HH")
    offline = AlarmRule.objects.get(sensor=plant["gas"], kind="offline")
    for rule in (hh, offline):
        own.post(reverse("sensor_rule_toggle", args=[rule.pk]))
        assert AlarmRule.objects.get(pk=rule.pk).is_active
    data = {"code": "AT-201", "name": "罐区氨气浓度", "kind": "toxic_gas", "unit": "ppm", "range_low": "0",
            "range_high": "1000", "high": "30", "high_high": "900", "interval_seconds": "10", "offline_after": "3",
            "is_active": "on", "version": plant["gas"].version}
    assert own.post(reverse("sensor_edit", args=[plant["gas"].pk]), data).status_code == 302
    told = Notification.objects.filter(user=users["jiuxian"], title__contains="监测设置变更").first()
    assert told is not None and "高高报 150 → 900" in told.title


def test_history_ranges_outside_reason_are_refused_in_chinese(plant, login, users):  # noqa: F811
    town = login(users["jiuxian"])
    url = reverse("sensor_series", args=[plant["gas"].pk])
    for query in ("?from=²&to=2026-01-01", "?from=10000000000000000000&to=1", "?from=1999-01-01&to=1999-02-01",
                  "?from=2026-02-01&to=2026-01-01"):
        answer = town.get(url + query)
        assert answer.status_code == 422 and "日期" in answer.json()["detail"], query
    assert town.get(url + "?from=2026-01-01&to=2026-01-31").status_code == 200


def test_the_installation_page_title_is_its_name(plant, login, users):  # noqa: F811
    page = login(users["jiuxian"]).get(reverse("installation_detail", args=[plant["inst"].pk])).content.decode()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("液氨储罐区") and "<" not in title and page.count('id="ay-sensors"') == 1


def test_the_public_sign_page_is_not_for_search_engines(plant, client):  # noqa: F811
    page = client.get(reverse("enterprise_public", args=[plant["ent"].public_token])).content.decode()
    assert '<meta name="robots" content="noindex">' in page


def test_a_reader_cannot_register_a_device_and_gets_403_not_a_server_error(plant, login, users):  # noqa: F811
    from anying.monitoring.models import Device

    leader = login(users["leader"])
    assert leader.get(reverse("monitoring_devices", args=[plant["ent"].pk])).status_code == 200
    assert leader.post(reverse("monitoring_devices", args=[plant["ent"].pk]), {"name": "越权网关"}).status_code == 403
    assert not Device.objects.filter(name="越权网关").exists()
