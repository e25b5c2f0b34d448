"""The desk and the town answering the same tip at once: exactly one conclusion (row lock)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from anying.core.workflow import timeline
from anying.tips import services
from anying.tips.models import Tip


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers with IMMEDIATE transactions; the row-lock race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_exactly_one_wins(reference_data, verified, users):
    results, barrier = [], threading.Barrier(2)

    def reply(actor, text):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.step(actor, verified.pk, "reply", text=text)
            results.append("ok")
        except ValidationError as exc:
            results.append(str(exc))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=reply, args=(users[name], f"{name} 的答复")) for name in ("jiuxian", "duty")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r == "ok" for r in results) == [False, True]
    assert timeline(verified).filter(action="reply").count() == 1
    assert Tip.objects.get(pk=verified.pk).status == Tip.Status.REPLIED
