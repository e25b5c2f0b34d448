"""Readings over MQTT (issue #16 point 4): a subscriber that hands each message to ingest().

A gateway publishes a batch per message to `anying/readings/<anything>` (QoS 0 or 1):
`{"token": "ayd_…", "readings": [{"sensor": "LT-101", "ts": 1765101600000, "value": 3.21}, …]}` —
the same readings as the HTTP batch, with the device's token in the payload — so only this consumer
may subscribe (broker ACLs: each gateway publishes to its own topic and reads nothing; docs/operations.md).
Any MQTT 3.1.1/5 broker
works: Mosquitto on the machine by default, an EMQX cluster at scale with a shared subscription
(`--group`, `$share/<group>/…`) so several `anying mqtt` processes split the load.

paho's network thread only queues messages; one worker (the caller's thread) parses, stores and
evaluates them, so the database connection stays in one thread. The queue is bounded: when the
database falls behind, paho stops reading and the broker holds the backlog (QoS 1, persistent
session) instead of this process growing without limit.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
import zlib
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from django.db import close_old_connections

from . import ingest, watch

log = logging.getLogger("anying.mqtt")
TOPIC = "anying/readings/#"


@dataclass
class Broker:
    host: str = "127.0.0.1"
    port: int = 1883
    username: str = ""
    password: str = ""
    tls: bool = False

    @classmethod
    def from_url(cls, url: str) -> Broker:
        """mqtt://user:pass@host:1883 or mqtts://… (TLS, default port 8883)."""
        parts = urlparse(url)
        if parts.scheme not in ("mqtt", "mqtts"):
            raise ValueError("MQTT 地址须为 mqtt://主机:端口 或 mqtts://主机:端口")
        tls = parts.scheme == "mqtts"
        return cls(parts.hostname or "127.0.0.1", parts.port or (8883 if tls else 1883),
                   unquote(parts.username or ""), unquote(parts.password or ""), tls)


@dataclass
class Stats:
    messages: int = 0
    readings: int = 0
    stored: int = 0
    refused_messages: int = 0
    alarms: int = 0


class Consumer:
    def __init__(self, broker: Broker, topic: str = TOPIC, *, group: str = "", qos: int = 1,
                 client_id: str = "", backlog: int = 1000, workers: int = 1):
        import paho.mqtt.client as mqtt

        self.topic = f"$share/{group}/{topic}" if group else topic
        self.qos = qos
        # one queue per worker; a topic (a gateway) always goes to the same one, so each gateway's
        # batches are stored and evaluated in the order it sent them
        self.queues: list[queue.Queue] = [queue.Queue(maxsize=backlog) for _ in range(max(1, workers))]
        self.queue = self.queues[0]
        self.stats = Stats()
        self._stats_lock = threading.Lock()
        self.connected = False
        # a fixed client id and a persistent session keep QoS 1 messages while the consumer restarts
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id or f"anying-{uuid.uuid4().hex[:8]}",
                                  clean_session=not client_id, protocol=mqtt.MQTTv311)
        if broker.username:
            self.client.username_pw_set(broker.username, broker.password)
        if broker.tls:
            self.client.tls_set()
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.broker = broker

    def _on_connect(self, client, userdata, flags, reason_code, properties=None):
        if reason_code.is_failure:
            log.error("MQTT connection refused: %s", reason_code)
            return
        client.subscribe(self.topic, qos=self.qos)  # again after every reconnect
        self.connected = True
        log.info("MQTT connected to %s:%s, subscribed to %s", self.broker.host, self.broker.port, self.topic)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties=None):
        self.connected = False
        log.warning("MQTT disconnected (%s); paho reconnects", reason_code)

    def _on_message(self, client, userdata, message):
        # blocks paho's thread when full: backpressure to the broker
        self.queues[zlib.crc32(message.topic.encode()) % len(self.queues)].put(message.payload)

    def start(self, wait: float = 5.0) -> None:
        self.client.reconnect_delay_set(1, 30)
        self.client.connect(self.broker.host, self.broker.port, keepalive=30)
        self.client.loop_start()
        deadline = time.monotonic() + wait
        while not self.connected and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self.connected:
            raise ConnectionError(f"无法连接 MQTT 代理 {self.broker.host}:{self.broker.port}")

    def stop(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()

    def _count(self, **amounts) -> None:
        with self._stats_lock:
            for name, amount in amounts.items():
                setattr(self.stats, name, getattr(self.stats, name) + amount)

    def handle(self, payload: bytes) -> ingest.Result | None:
        self._count(messages=1)
        try:
            token, items = ingest.parse(payload, "application/json")
        except ingest.BatchError as exc:
            self._count(refused_messages=1)
            log.warning("MQTT message refused: %s", exc)
            return None
        device = ingest.device_for(token)
        if device is None:
            self._count(refused_messages=1)
            log.warning("MQTT message refused: unknown or disabled device token")
            return None
        result = ingest.ingest(device, items)
        self._count(readings=result.received, stored=result.stored, alarms=len(result.alarms_raised))
        if result.rejected:
            log.info("MQTT batch: %d readings refused, first: %s", len(result.rejected), result.rejected[0]["reason"])
        return result

    def drain(self, seconds: float, worker: int = 0) -> int:
        """Process one worker's messages for `seconds` (in the caller's thread); the number handled."""
        handled, deadline = 0, time.monotonic() + seconds
        source = self.queues[worker]
        while (left := deadline - time.monotonic()) > 0:
            try:
                payload = source.get(timeout=min(left, 0.2))
            except queue.Empty:
                continue
            try:
                self.handle(payload)
            except Exception:  # one bad batch (a database hiccup) must not stop the consumer
                log.exception("MQTT batch failed")
                close_old_connections()
            handled += 1
        return handled

    def run_forever(self, watch_every: float = 10.0) -> None:
        """Workers 1… in threads of their own (each with its own database connection), worker 0 in
        this thread; the watch on its own thread, so a long catch-up (a rollup after a stop, an
        outage's 离线 alarms) never holds up the readings."""
        for index in range(1, len(self.queues)):
            threading.Thread(target=self._work, args=(index,), daemon=True, name=f"anying-mqtt-{index}").start()
        if watch_every:
            threading.Thread(target=self._watch, args=(watch_every,), daemon=True, name="anying-watch").start()
        self._work(0)

    def _work(self, index: int) -> None:
        while True:
            self.drain(1.0, index)

    @staticmethod
    def _watch(every: float) -> None:
        while True:
            started = time.monotonic()
            try:
                watch.run()
            except Exception:
                log.exception("monitoring watch failed")
                close_old_connections()
            time.sleep(max(0.0, every - (time.monotonic() - started)))
