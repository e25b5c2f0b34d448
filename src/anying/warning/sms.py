"""The SMS gateway interface. A deployment names its backend in ANYING_SMS_BACKEND (a dotted path to
a class with `send(phone, text) -> str`, raising on failure); the default writes each message to
the log and counts it sent, which is what the demo and the tests use. The outbox
(`SmsMessage`) is filled in the transaction that decides to send and emptied by the tick, so a
gateway outage delays messages but never loses them or rolls back a warning."""

from __future__ import annotations

import datetime as dt
import logging
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import SmsMessage

log = logging.getLogger("anying.sms")
MAX_ATTEMPTS = 5


class LoggingBackend:
    """Writes the message to the log (logger anying.sms) instead of sending it."""

    def send(self, phone: str, text: str) -> str:
        log.info("SMS to %s: %s", phone, text)
        return "已记录（未接短信网关）"


@cache
def backend():
    return import_string(settings.ANYING_SMS_BACKEND)()


def queue(messages) -> int:
    """(phone, text, recipient_id) triples into the outbox, in the caller's transaction."""
    rows = [SmsMessage(phone=p, text=t, recipient_id=r) for p, t, r in messages if p]
    SmsMessage.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def send_due(now: dt.datetime | None = None, batch: int = 500) -> int:
    """Send what is due (a tick job). Two workers take different rows (skip locked)."""
    now = now or timezone.now()
    sent = 0
    gateway = backend()
    with transaction.atomic():
        lock = {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
        due = list(SmsMessage.objects.select_for_update(**lock)
                   .filter(status=SmsMessage.Status.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at")[:batch])
        for message in due:
            message.attempts += 1
            try:
                message.result = str(gateway.send(message.phone, message.text))[:300]
            except Exception as exc:  # a gateway failure is logged on the row and retried, never raised
                message.result = f"{type(exc).__name__}: {exc}"[:300]
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = SmsMessage.Status.FAILED
                else:
                    message.next_attempt_at = now + dt.timedelta(minutes=message.attempts)
            else:
                message.status, message.sent_at = SmsMessage.Status.SENT, now
                sent += 1
        SmsMessage.objects.bulk_update(due, ["attempts", "result", "status", "next_attempt_at", "sent_at"])
    return sent
