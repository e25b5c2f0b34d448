"""Readings that look like a plant's (demo and `anying simulate-readings`): each sensor wanders
around the middle of its normal band; now and then one climbs past its high and high-high
thresholds for a few reports and comes back, so a newcomer sees alarms raised and recovered.
Deterministic for a given seed."""

from __future__ import annotations

import json
import random
import urllib.request
from collections.abc import Iterable

from .models_sensors import Device, Sensor

SIMULATOR = "演示模拟网关"


class Plant:
    def __init__(self, sensors: Iterable[Sensor], seed: int = 7):
        self.rng = random.Random(seed)
        self.sensors = list(sensors)
        self.level = {s.pk: self._normal(s) for s in self.sensors}
        self.excursion: dict[int, int] = {}  # sensor → reports left above its thresholds

    @staticmethod
    def _band(s: Sensor) -> tuple[float, float]:
        low = s.low if s.low is not None else (s.low_low if s.low_low is not None else s.range_low)
        high = s.high if s.high is not None else (s.high_high if s.high_high is not None else s.range_high)
        return low, high

    def _normal(self, s: Sensor) -> float:
        low, high = self._band(s)
        return low + (high - low) * (0.35 if s.kind in ("flammable_gas", "toxic_gas") else 0.5)

    def start_excursion(self, sensor: Sensor | None = None, reports: int = 4) -> Sensor:
        sensor = sensor or self.rng.choice(self.sensors)
        self.excursion[sensor.pk] = reports
        return sensor

    def value(self, s: Sensor) -> float:
        low, high = self._band(s)
        width = high - low
        if self.excursion.get(s.pk, 0) > 0:
            self.excursion[s.pk] -= 1
            top = s.high_high if s.high_high is not None else high + width * 0.1
            value = top + abs(top - high) * 0.2 + self.rng.random() * width * 0.02
            return round(min(value, s.range_high), 3)
        if s.kind in ("flammable_gas", "toxic_gas"):  # mostly near zero, small blips
            value = s.range_low + self.rng.random() * width * 0.08
        else:
            current = self.level[s.pk] + self.rng.gauss(0, width * 0.02)
            current = min(max(current, low + width * 0.1), high - width * 0.1)  # stays inside the band
            self.level[s.pk] = current
            value = current
        return round(value, 3)

    def readings(self, t_ms: int) -> dict[int, list[tuple[str, int, float]]]:
        """One report of every sensor at t, grouped by enterprise."""
        out: dict[int, list] = {}
        for s in self.sensors:
            out.setdefault(s.enterprise_id, []).append((s.code, t_ms, self.value(s)))
        return out


def simulator_devices(enterprise_ids: Iterable[int]) -> dict[int, tuple[Device, str]]:
    """A simulator device per enterprise, with a fresh token (only its hash is stored, so the
    token is made anew each run and the previous one stops working)."""
    from anying.core import audit
    from anying.core.models import AuditEvent
    from anying.core.permissions import SYSTEM

    from . import ingest, sensors

    found = {}
    for ent_id in enterprise_ids:
        device = Device.objects.select_related("enterprise").filter(enterprise_id=ent_id, name=SIMULATOR).first()
        if device is None:
            device, token = sensors.create_device(SYSTEM, ent_id, SIMULATOR, is_demo=True)
        else:
            token = f"ayd_sim_{random.SystemRandom().getrandbits(128):032x}"
            Device.objects.filter(pk=device.pk).update(token_hash=ingest.token_hash(token), token_hint=token[-4:],
                                                       is_active=True)
            audit.record(SYSTEM, AuditEvent.Action.UPDATE, device, place=device.enterprise,
                         summary=f"模拟读数：更换{'并启用' if not device.is_active else ''}采集设备令牌 {device.name}")
            ingest.changed()
        found[ent_id] = (device, token)
    return found


def post_http(url: str, token: str, rows: list[tuple[str, int, float]]) -> dict:
    body = json.dumps([{"sensor": c, "ts": t, "value": v} for c, t, v in rows]).encode()
    request = urllib.request.Request(url.rstrip("/") + "/api/v1/monitoring/readings", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — the operator's own server
        return json.loads(response.read())


def publish_mqtt(client, token: str, rows: list[tuple[str, int, float]], topic: str) -> None:
    payload = json.dumps({"token": token, "readings": [{"sensor": c, "ts": t, "value": v} for c, t, v in rows]})
    client.publish(topic, payload, qos=1)
