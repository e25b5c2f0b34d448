"""Two people closing the same hazard at once: exactly one wins (PostgreSQL row lock)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from anying.core.workflow import timeline
from anying.hazards import services
from anying.hazards.models import Hazard


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers with IMMEDIATE transactions; the row-lock race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_close_exactly_one_wins(reference_data, factory, users):
    hazard = factory(status="submitted")
    results, barrier = [], threading.Barrier(2)

    def close(actor):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.transition(actor, hazard.pk, "close")
            results.append("ok")
        except ValidationError as exc:
            results.append(str(exc))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=close, args=(users[name],)) for name in ("jiuxian", "yingji")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r == "ok" for r in results) == [False, True]
    assert any("已销号" in r for r in results)
    assert timeline(hazard).filter(action="close").count() == 1
    assert Hazard.objects.get(pk=hazard.pk).version == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (SQLite serialises)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_all_reach_the_tallies(reference_data, factory):
    """Eight hazards of the same town, industry, level, channel and status registered at once:
    the shared counter row takes every increment (upsert), and the tallies equal a recount."""

    from anying.hazards import rollups
    from anying.hazards.models import HazardTally

    factory()  # the counter row exists; the racers all update it
    barrier, errors = threading.Barrier(8), []

    def register():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.register(None, {"enterprise": factory.enterprise, "place": "车间", "description": "通道堵塞",
                                     "channel": "inspection", "found_by": "检查组", "found_on": timezone.localdate(),
                                     "level": "general"})
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(repr(exc))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=register) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert HazardTally.objects.get(status="registered", channel="inspection").n == 9
    assert rollups.check() == []
