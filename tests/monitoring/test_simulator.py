"""`anying simulate-readings`: readings for the demo sensors through the real ingest, an excursion
that raises an alarm, a fresh token each run."""

from django.core.management import call_command

from anying.core.permissions import SYSTEM
from anying.monitoring import sensors, services
from anying.monitoring.models import Alarm, Device, Sensor
from anying.monitoring.simulator import SIMULATOR


def test_simulated_readings_move_the_board_and_raise_an_alarm(make_enterprise):
    ent = make_enterprise("旧县化工厂", industry_name="危险化学品")
    inst = services.save_installation(SYSTEM, ent.pk, {"name": "罐区", "kind": "storage", "people_within_500m": 0},
                                      [("液氨", "20", "")])
    sensors.save_sensor(SYSTEM, inst.pk, {"code": "LT-1", "name": "液位", "kind": "level", "unit": "m", "range_low": 0,
                                          "range_high": 10, "low": 1, "high": 8, "high_high": 9, "interval_seconds": 10,
                                          "offline_after": 3})
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):  # a real enterprise: its alarms would be real
        call_command("simulate-readings", "--enterprise", str(ent.pk), "--cycles", "1", "--interval", "0")
    call_command("simulate-readings", "--enterprise", str(ent.pk), "--cycles", "3", "--interval", "0",
                 "--alarm-every", "2", "--force")
    sensor = Sensor.objects.get(code="LT-1")
    assert sensor.last_value is not None
    assert Alarm.objects.filter(sensor=sensor, level=1).exists()
    first = Device.objects.get(name=SIMULATOR).token_hash
    call_command("simulate-readings", "--enterprise", str(ent.pk), "--cycles", "1", "--interval", "0", "--force")
    assert Device.objects.get(name=SIMULATOR).token_hash != first
