"""Readings over MQTT through the real broker (Mosquitto on 127.0.0.1:1883; CI starts it). In CI
a missing broker fails the test rather than skipping it."""

import json
import os
import socket
import time

import pytest
from django.utils import timezone

from anying.monitoring import timeseries
from anying.monitoring.models import Alarm
from anying.monitoring.mqtt import Broker, Consumer

from .test_ingest import plant  # noqa: F401 — the fixture

HOST, PORT = "127.0.0.1", 1883


def broker_up() -> bool:
    try:
        socket.create_connection((HOST, PORT), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture
def consumer():
    if not broker_up():
        if os.environ.get("CI") == "true":
            pytest.fail("Mosquitto is not running on 127.0.0.1:1883 (CI must start it)")
        pytest.skip("no MQTT broker on 127.0.0.1:1883")
    topic = f"anying-test-{os.getpid()}-{time.monotonic_ns()}/readings/#"
    c = Consumer(Broker(HOST, PORT), topic, qos=1)
    c.start()
    yield c
    c.stop()


def publish(topic: str, payload: bytes) -> None:
    import paho.mqtt.client as mqtt

    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    pub.connect(HOST, PORT)
    pub.loop_start()
    pub.publish(topic, payload, qos=1).wait_for_publish(5)
    pub.loop_stop()
    pub.disconnect()


def drain_until(consumer, condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        consumer.drain(0.3)
        if condition():
            return True
    return False


def test_a_gateway_publishes_readings_and_the_alarm_is_raised(consumer, plant):  # noqa: F811
    t = timeseries.ms(timezone.now()) - 20_000
    base = consumer.topic.removesuffix("#")
    publish(base + "gw1", json.dumps({"token": plant["token"], "readings": [
        {"sensor": "AT-201", "ts": t, "value": 12}, {"sensor": "AT-201", "ts": t + 10_000, "value": 160}]}).encode())
    assert drain_until(consumer, lambda: Alarm.objects.filter(level=1).exists())
    alarm = Alarm.objects.get(level=1)
    assert alarm.sensor_id == plant["gas"].pk and alarm.first_value == 160
    assert consumer.stats.stored == 2
    # a message with a wrong token or not JSON is refused, nothing stored, the consumer goes on
    publish(base + "gw1", json.dumps({"token": "ayd_nope", "readings": [{"sensor": "AT-201", "ts": t, "value": 999}]}).encode())
    publish(base + "gw1", b"\xff not json")
    assert drain_until(consumer, lambda: consumer.stats.refused_messages == 2)
    assert consumer.stats.stored == 2 and Alarm.objects.get(level=1).count == 1


def test_a_gateways_messages_always_go_to_the_same_worker():
    from types import SimpleNamespace

    c = Consumer(Broker(HOST, PORT), workers=3)
    for n in range(30):
        for _ in range(2):
            c._on_message(None, None, SimpleNamespace(topic=f"anying/readings/gw{n}", payload=b"{}"))
    sizes = [q.qsize() for q in c.queues]
    assert sum(sizes) == 60 and all(size % 2 == 0 for size in sizes) and min(sizes) > 0
