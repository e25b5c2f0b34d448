"""Two people closing the same hazard at once: exactly one wins (PostgreSQL row lock)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from anying.hazards import services
from anying.hazards.models import Hazard, HazardEvent


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
    assert HazardEvent.objects.filter(hazard=hazard, transition="close").count() == 1
    assert Hazard.objects.get(pk=hazard.pk).version == 1
