"""Document numbers under concurrency: inspections recorded at the same moment get distinct,
consecutive 执法文书 numbers, with no gaps (PostgreSQL row lock on the counter)."""

import threading

import pytest
from django.db import connection

from anying.inspections import records
from anying.inspections.models import EnforcementDocument

from .test_records import kwargs


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers with IMMEDIATE transactions; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_inspections_get_consecutive_numbers(reference_data, setup, users):
    barrier, errors = threading.Barrier(4), []

    def inspect():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            records.record(users["yingji"], setup["ent"], **kwargs(setup))
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=inspect) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(int(n.split("〕")[1].rstrip("号"))
                     for n in EnforcementDocument.objects.filter(kind="site_record").values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]
