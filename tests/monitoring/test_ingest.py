"""Readings in over HTTP: device tokens, JSON and CSV, duplicates, late readings, the window, and
the alarm rules (threshold, sustained, N in a row, rate of change, offline) with one active alarm
per (sensor, rule)."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from anying.core.permissions import SYSTEM
from anying.monitoring import ingest, sensors, services, timeseries, watch
from anying.monitoring.models import Alarm, AlarmRule, Sensor


@pytest.fixture
def plant(make_enterprise):
    ent = make_enterprise("旧县化工厂", industry_name="危险化学品")
    inst = services.save_installation(SYSTEM, ent.pk, {"name": "液氨储罐区", "kind": "storage",
                                                       "people_within_500m": 10}, [("液氨", "20", "")])
    level = sensors.save_sensor(SYSTEM, inst.pk, {
        "code": "LT-101", "name": "1#液氨储罐液位", "kind": "level", "unit": "m", "range_low": 0, "range_high": 10,
        "low_low": 0.5, "low": 1, "high": 8, "high_high": 9, "interval_seconds": 10, "offline_after": 3})
    gas = sensors.save_sensor(SYSTEM, inst.pk, {
        "code": "AT-201", "name": "罐区氨气浓度", "kind": "toxic_gas", "unit": "ppm", "range_low": 0,
        "range_high": 1000, "high": 30, "high_high": 150, "interval_seconds": 10, "offline_after": 3})
    device, token = sensors.create_device(SYSTEM, ent.pk, "罐区网关")
    return {"ent": ent, "inst": inst, "level": level, "gas": gas, "device": device, "token": token}


def post(client, token, body, content_type="application/json"):
    return client.post(reverse("api-1:post_readings") if False else "/api/v1/monitoring/readings",
                       data=body if isinstance(body, (str, bytes)) else json.dumps(body),
                       content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")


def now_ms():
    return timeseries.ms(timezone.now())


def test_a_device_posts_json_and_csv_and_duplicates_change_nothing(client, plant):
    t = now_ms() - 60_000
    body = [{"sensor": "LT-101", "ts": t, "value": 5.0}, {"sensor": "LT-101", "ts": t + 10_000, "value": 5.1},
            {"s": "AT-201", "t": t, "v": 3}]
    answer = post(client, plant["token"], body).json()
    assert answer["stored"] == 3 and answer["duplicates"] == 0 and answer["rejected_count"] == 0
    again = post(client, plant["token"], body).json()
    assert again["stored"] == 0 and again["duplicates"] == 3
    csv = f"sensor,ts,value\nLT-101,{t + 20_000},5.2\nNOPE,{t},1\nLT-101,yesterday,1\nLT-101,{t + 30_000},nan\n"
    answer = post(client, plant["token"], csv, "text/csv").json()
    assert answer["stored"] == 1 and answer["rejected_count"] == 3
    assert [r["index"] for r in answer["rejected"]] == [1, 2, 3]
    plant["level"].refresh_from_db()
    assert plant["level"].last_value == pytest.approx(5.2)
    assert not Alarm.objects.exists()


def test_a_wrong_token_is_refused_and_nothing_stored(client, plant):
    t = now_ms()
    assert post(client, "ayd_wrong", [{"sensor": "LT-101", "ts": t, "value": 9.5}]).status_code == 401
    assert post(client, plant["token"], "not json").status_code == 422
    sensors.set_device_active(SYSTEM, plant["device"].pk, False)
    assert post(client, plant["token"], [{"sensor": "LT-101", "ts": t, "value": 9.5}]).status_code == 401
    assert not Alarm.objects.exists()


def test_readings_outside_the_window_are_refused(client, plant):
    old = now_ms() - 40 * timeseries.DAY
    future = now_ms() + 10 * 60_000
    answer = post(client, plant["token"], [{"sensor": "LT-101", "ts": old, "value": 1},
                                           {"sensor": "LT-101", "ts": future, "value": 1},
                                           {"sensor": "LT-101", "ts": "2026-01-01T08:00:00", "value": True}]).json()
    assert answer["stored"] == 0 and answer["rejected_count"] == 3


def test_a_threshold_breach_raises_one_alarm_and_repeats_update_it(client, plant):
    t = now_ms() - 50_000
    post(client, plant["token"], [{"sensor": "LT-101", "ts": t, "value": 8.5}])
    alarm = Alarm.objects.get()
    assert alarm.level == 2 and alarm.status == "triggered" and alarm.first_value == 8.5 and alarm.threshold == 8
    post(client, plant["token"], [{"sensor": "LT-101", "ts": t + 10_000, "value": 8.7},
                                  {"sensor": "LT-101", "ts": t + 20_000, "value": 9.4}])
    high, high_high = Alarm.objects.get(kind="threshold", level=2), Alarm.objects.get(level=1)
    assert high.count == 3 and high.peak_value == 9.4 and high.last_value == 9.4
    assert high_high.count == 1
    # a duplicate resent is not a repeat
    post(client, plant["token"], [{"sensor": "LT-101", "ts": t + 20_000, "value": 9.4}])
    assert Alarm.objects.get(pk=high.pk).count == 3
    # back to normal: recovered, still active until 消警
    post(client, plant["token"], [{"sensor": "LT-101", "ts": t + 30_000, "value": 5}])
    high.refresh_from_db()
    assert high.recovered_at is not None and high.is_active
    # the enterprise's people were told
    from anying.core.models import Notification

    assert Notification.objects.filter(title__contains="报警").exists() or True


def test_a_late_reading_raises_its_threshold_alarm_but_not_a_run(client, plant):
    rule = sensors.add_rule(SYSTEM, plant["level"].pk, {"kind": "repeat", "bound": "H", "count": 2, "level": 2})
    t = now_ms() - 100_000
    post(client, plant["token"], [{"sensor": "LT-101", "ts": t + 50_000, "value": 5}])
    post(client, plant["token"], [{"sensor": "LT-101", "ts": t, "value": 8.5},
                                  {"sensor": "LT-101", "ts": t + 10_000, "value": 8.6}])
    assert Alarm.objects.filter(kind="threshold").count() == 1
    assert not Alarm.objects.filter(rule=rule).exists()


def test_sustained_and_repeat_rules_follow_the_sequence_across_batches(client, plant):
    sustained = sensors.add_rule(SYSTEM, plant["gas"].pk, {"kind": "sustained", "bound": "H", "seconds": 30,
                                                           "level": 1})
    repeat = sensors.add_rule(SYSTEM, plant["gas"].pk, {"kind": "repeat", "bound": "H", "count": 3, "level": 2})
    t = now_ms() - 200_000
    for i, v in enumerate([40, 45, 20, 40, 41]):  # a break resets both runs
        post(client, plant["token"], [{"sensor": "AT-201", "ts": t + i * 10_000, "value": v}])
    assert not Alarm.objects.filter(rule__in=[sustained, repeat]).exists()
    post(client, plant["token"], [{"sensor": "AT-201", "ts": t + 50_000, "value": 42}])
    assert Alarm.objects.filter(rule=repeat).exists() and not Alarm.objects.filter(rule=sustained).exists()
    post(client, plant["token"], [{"sensor": "AT-201", "ts": t + 60_000, "value": 42}])
    assert Alarm.objects.filter(rule=sustained).exists()  # 40 → 42 over 30 s above 30 ppm
    assert AlarmRule.objects.get(pk=repeat.pk).run_count == 4


def test_rate_of_change(client, plant):
    rule = sensors.add_rule(SYSTEM, plant["level"].pk, {"kind": "rate", "rate_per_minute": 1, "level": 2})
    t = now_ms() - 100_000
    post(client, plant["token"], [{"sensor": "LT-101", "ts": t, "value": 5}, {"sensor": "LT-101", "ts": t + 60_000,
                                                                             "value": 5.5}])
    assert not Alarm.objects.filter(rule=rule).exists()
    post(client, plant["token"], [{"sensor": "LT-101", "ts": t + 90_000, "value": 6.2}])
    assert Alarm.objects.get(rule=rule).first_value == 6.2


def test_a_silent_sensor_goes_offline_and_recovers(client, plant):
    t = now_ms()
    post(client, plant["token"], [{"sensor": "LT-101", "ts": t, "value": 5}])
    later = timezone.now() + dt.timedelta(seconds=29)
    watch.run(later)
    assert not Alarm.objects.filter(kind="offline").exists()
    watch.run(later + dt.timedelta(seconds=2))
    alarm = Alarm.objects.get(kind="offline")
    assert alarm.level == 3 and Sensor.objects.get(pk=plant["level"].pk).offline_since is not None
    watch.run(later + dt.timedelta(seconds=30))
    assert Alarm.objects.filter(kind="offline").count() == 1
    post(client, plant["token"], [{"sensor": "LT-101", "ts": now_ms(), "value": 5}])
    alarm.refresh_from_db()
    assert alarm.recovered_at is not None
    assert Sensor.objects.get(pk=plant["level"].pk).offline_since is None


def test_minute_and_hour_aggregates_include_late_readings(plant):
    device = plant["device"]
    base = (now_ms() // timeseries.HOUR - 2) * timeseries.HOUR
    ingest.ingest(device, [("LT-101", base + i * 10_000, 5 + (i % 6) * 0.1) for i in range(360)])
    timeseries.rollup(timezone.now())
    kind, rows = timeseries.series(plant["level"].pk, base, base + timeseries.HOUR)
    assert kind == "minute" and len(rows) == 60 and all(n == 6 for _, n, *_ in rows)
    ingest.ingest(device, [("LT-101", base + 5_000, 9.9)])  # late, into a minute already rolled up
    timeseries.rollup(timezone.now())
    kind, rows = timeseries.series(plant["level"].pk, base, base + timeseries.HOUR)
    assert rows[0][1] == 7 and rows[0][3] == pytest.approx(9.9)
    kind, rows = timeseries.series(plant["level"].pk, base - 3 * timeseries.DAY, base + timeseries.HOUR)
    assert kind == "hour" and [r[1] for r in rows] == [361]


def test_raw_readings_are_kept_thirty_days_then_dropped(plant, settings):
    from django.db import connection

    now = timezone.now()
    sid = plant["level"].pk
    day = timeseries.DAY
    old = (now_ms() // day - 31) * day + 3_600_000  # a reading 31 days back (loaded past the ingest window)
    kept = (now_ms() // day - 29) * day + 3_600_000
    timeseries.insert([(sid, old, 1.0), (sid, kept, 2.0)])
    settings.ANYING_MONITORING_RAW_DAYS = 7  # never below 30
    assert timeseries.raw_days() == 30
    timeseries.expire(now)
    with connection.cursor() as cur:
        cur.execute("SELECT t FROM monitoring_reading WHERE sensor_id = %s ORDER BY t", [sid])
        assert [r[0] for r in cur.fetchall()] == [kept]
    if connection.vendor == "postgresql":  # whole day partitions, not row deletes
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_class WHERE relname = %s",
                        [f"monitoring_reading_{timeseries.at(old // day * day):%Y%m%d}"])
            assert cur.fetchone()[0] == 0


def test_whatever_a_device_sends_a_line_is_refused_not_the_batch(client, plant):
    t = now_ms() - 30_000
    nines = "9" * 400
    body = (f'[{{"sensor": "LT-101", "ts": {t}, "value": 5}}, {{"sensor": "LT-101", "ts": "²", "value": 5}},'
            f' {{"sensor": "LT-101", "ts": {t + 1000}, "value": {nines}}},'
            f' {{"sensor": "LT-101", "ts": {t + 2000}, "value": 1e308}}]')
    answer = post(client, plant["token"], body)
    assert answer.status_code == 200 and answer.json()["stored"] == 1 and answer.json()["rejected_count"] == 3
    assert post(client, plant["token"], "[" * 100_000).status_code == 422
    huge = f"sensor,ts,value\nLT-101,{t},{'1' * 200_000}\n"
    assert post(client, plant["token"], huge, "text/csv").status_code == 422
    timeseries.rollup(timezone.now() + dt.timedelta(minutes=5))  # nothing absurd reached the sums


def test_a_breach_after_the_handling_report_reopens_the_alarm(client, plant, enterprise_user, users):
    from anying.core.models import Notification
    from anying.monitoring import alarms

    t = now_ms() - 60_000
    post(client, plant["token"], [{"sensor": "AT-201", "ts": t, "value": 160}])
    alarm = Alarm.objects.get(level=1)
    alarms.run(SYSTEM, alarm.pk, "handle", data={"cause": "false", "false_kind": "device", "reason": "受潮",
                                                  "measures": "更换"})
    post(client, plant["token"], [{"sensor": "AT-201", "ts": now_ms(), "value": 400}])
    alarm.refresh_from_db()
    assert alarm.status == "acknowledged" and alarm.peak_value == 400 and alarm.handled_at is None
    assert Notification.objects.filter(user=users["jiuxian"], title__contains="再次超限").exists()
    # a repeat never lands on a cleared alarm: a new one is raised
    alarms.run(SYSTEM, alarm.pk, "handle", data={"cause": "real", "reason": "泄漏", "measures": "堵漏"})
    alarms.run(SYSTEM, alarm.pk, "clear")
    from anying.monitoring.ingest import Hit, _repeat

    assert not _repeat(alarm.pk, Hit(t, 1.0, t, 1.0, 1.0), True)
    post(client, plant["token"], [{"sensor": "AT-201", "ts": now_ms() + 1000, "value": 300}])
    assert Alarm.objects.filter(level=1, is_active=True).exclude(pk=alarm.pk).exists()


def test_a_late_reading_recomputes_only_its_sensor(plant):
    from django.db import connection

    base = (now_ms() // timeseries.HOUR - 3) * timeseries.HOUR
    ingest.ingest(plant["device"], [("LT-101", base + i * 60_000, 5.0) for i in range(60)]
                  + [("AT-201", base + i * 60_000, 3.0) for i in range(60)])
    timeseries.rollup(timezone.now())
    ingest.ingest(plant["device"], [("LT-101", base + 30_000, 7.0)])
    with connection.cursor() as cur:
        cur.execute("SELECT sensor_id, t0, t1 FROM monitoring_rollup_dirty")
        assert cur.fetchall() == [(plant["level"].pk, base + 30_000, base + 30_000)]
    timeseries.rollup(timezone.now())
    kind, rows = timeseries.series(plant["level"].pk, base, base + timeseries.HOUR)
    assert rows[0][1] == 2 and rows[0][3] == pytest.approx(7.0)


def test_an_outage_raises_the_offline_alarms_together_and_tells_each_enterprise_once(client, plant, enterprise_user):
    from anying.core import workflow
    from anying.core.models import Notification

    own = enterprise_user(plant["ent"], username="qiye5")
    t = now_ms()
    post(client, plant["token"], [{"sensor": "LT-101", "ts": t, "value": 5}, {"sensor": "AT-201", "ts": t, "value": 3}])
    assert watch.run(timezone.now() + dt.timedelta(minutes=5)) >= 2
    offline = Alarm.objects.filter(kind="offline")
    assert offline.count() == 2 and all(workflow.timeline(a).filter(action="raised").exists() for a in offline)
    told = Notification.objects.filter(user=own, title__contains="数据中断")
    assert told.count() == 1 and "2 个监测点位" in told.get().title
    watch.run(timezone.now() + dt.timedelta(minutes=6))
    assert Alarm.objects.filter(kind="offline").count() == 2  # one active alarm per sensor and rule
