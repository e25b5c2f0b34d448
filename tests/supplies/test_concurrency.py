"""Two issues of the last units at once: exactly one succeeds and the balance never goes negative
(the warehouse row lock, with CHECK quantity >= 0 as the last guard). PostgreSQL only."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from anying.supplies import checks, services
from anying.supplies.models import Lot, StockBalance, StockDocument


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers; the race needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_of_the_last_units(reference_data, stores, catalogue, users, receive):
    wh, pumps = stores["jiuxian"], catalogue["FH-007"]
    receive(users["jiuxian"], wh, pumps, 3, batch="A")
    receive(users["jiuxian"], wh, pumps, 2, batch="B")
    n = 6
    barrier, done, refused, errors = threading.Barrier(n), [], [], []

    def issue():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.create_and_post(users["jiuxian"], kind=StockDocument.Kind.ISSUE, warehouse=wh,
                                     lines=[{"item": pumps, "quantity": 4}])
            done.append(1)
        except ValidationError as exc:
            refused.append(exc)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=issue) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(done) == 1 and len(refused) == n - 1
    assert "库存不足" in refused[0].messages[0]
    assert StockBalance.objects.get(warehouse=wh, item=pumps).quantity == Decimal(1)
    assert sum(Lot.objects.filter(warehouse=wh).values_list("quantity", flat=True)) == 1
    assert not Lot.objects.filter(quantity__lt=0).exists()
    assert checks.problems() == []
