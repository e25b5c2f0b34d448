"""Notifications: an in-app inbox for every user plus pluggable outbound channels.

`notify()` writes the in-app copy first and queues one Delivery per configured channel in the
same transaction; `deliver_due()` (run by `anying tick`) sends them and retries failures with
back-off, logging each result. A failed channel never touches the in-app copy."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from .links import absolute_or_relative
from .models import Delivery, Notification, NotificationPreference

MAX_ATTEMPTS = 6


class Channel(ABC):
    """An outbound channel. `send` raises on failure; its message is logged on the delivery."""

    name = ""

    @abstractmethod
    def send(self, notification: Notification) -> str:
        """Deliver one notification; return a short result for the delivery log."""


class EmailChannel(Channel):
    name = "email"

    def send(self, notification: Notification) -> str:
        address = notification.user.email
        if not address:
            return "用户未填写邮箱，跳过"
        link = absolute_or_relative(notification.url)  # a bare path means nothing in a mail client
        send_mail(notification.title, f"{notification.body}\n\n{link}".strip(),
                  settings.DEFAULT_FROM_EMAIL, [address])
        return f"已发送至 {address}"


class WebhookChannel(Channel):
    """A generic JSON webhook (企业微信 / 钉钉 robot style: {"msgtype": "text", "text": {...}})."""

    name = "webhook"

    def send(self, notification: Notification) -> str:
        preference = NotificationPreference.objects.filter(user_id=notification.user_id).first()
        own = preference.webhook_url if preference else ""
        if own and not robot_address_allowed(own):  # saved before the allow-list narrowed, or written around the form
            raise PermissionError("机器人地址不在允许的范围内，未发送")
        url = own or settings.ANYING_WEBHOOK_URL
        link = absolute_or_relative(notification.url)
        content = f"{notification.title}\n{notification.body}".strip()
        if link.startswith("http"):  # only a full address helps in a chat; a bare path is left out
            content += f"\n{link}"
        payload = {"msgtype": "text", "text": {"content": content},
                   "user": notification.user.username}
        request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with _NO_REDIRECTS.open(request, timeout=10) as response:  # noqa: S310 - checked address
            return f"HTTP {response.status}"


class _Refuse(urllib.request.HTTPRedirectHandler):
    """A robot never redirects: following one could turn the post into a request to any host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"不跟随重定向：{newurl}", headers, fp)


_NO_REDIRECTS = urllib.request.build_opener(_Refuse)


def robot_address_allowed(url: str) -> bool:
    """https, on a host of ANYING_WEBHOOK_HOSTS, on the default port, without credentials."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (parts.scheme == "https" and parts.hostname in settings.ANYING_WEBHOOK_HOSTS and port in (None, 443)
            and not parts.username and not parts.password)


CHANNELS: dict[str, Channel] = {c.name: c for c in (EmailChannel(), WebhookChannel())}


def enabled_channels() -> list[str]:
    return [name for name in settings.ANYING_NOTIFY_CHANNELS if name in CHANNELS]


def notify(users: Iterable, title: str, body: str = "", url: str = "") -> list[Notification]:
    return notify_many((u, title, body, url) for u in users)


@transaction.atomic
def notify_many(messages: Iterable[tuple]) -> list[Notification]:
    """Many (user, title, body, url) messages in a constant number of queries (the tick's case).
    The inbox copy always; outbound deliveries on the channels both the deployment and the user
    chose, unless the user takes a daily digest."""
    notes = Notification.objects.bulk_create(
        [Notification(user=u, title=title[:200], body=body, url=url[:300]) for u, title, body, url in messages
         if u is not None and u.is_active], batch_size=1000)
    channels = enabled_channels()
    if not channels or not notes:
        return notes
    chosen = channels_of({n.user_id for n in notes}, channels)
    Delivery.objects.bulk_create([Delivery(notification=n, channel=c) for n in notes for c in chosen[n.user_id]],
                                 batch_size=1000)
    return notes


def channels_of(user_ids, channels: list[str], *, digest: bool = False) -> dict[int, list[str]]:
    """The outbound channels each user takes now (or, `digest`, in their daily digest)."""
    preferences = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}
    out = {}
    for user_id in user_ids:
        p = preferences.get(user_id)
        if p is None:  # no choice made: every channel of the deployment, at once
            out[user_id] = [] if digest else list(channels)
        elif p.digest != digest:
            out[user_id] = []
        else:
            out[user_id] = [c for c in channels if getattr(p, c, False)]
    return out


def send_digests(now: dt.datetime | None = None) -> int:
    """The daily digest (a tick job): from ANYING_DIGEST_HOUR on, once a day, each user who chose
    it gets one message on their channels listing what arrived since the last one."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.ANYING_DIGEST_HOUR:
        return 0
    today, sent = local.date(), 0
    due = NotificationPreference.objects.filter(digest=True).exclude(last_digest_on=today).select_related("user")
    for preference in due:
        with transaction.atomic():
            locked = NotificationPreference.objects.select_for_update().get(pk=preference.pk)
            if locked.last_digest_on == today:
                continue  # another worker sent it
            since = timezone.make_aware(dt.datetime.combine(locked.last_digest_on, dt.time(settings.ANYING_DIGEST_HOUR))) \
                if locked.last_digest_on else now - dt.timedelta(days=1)  # the first: the day before
            notes = list(Notification.objects.filter(user_id=locked.user_id, created_at__gte=since,
                                                     created_at__lt=now).order_by("created_at")[:201])
            locked.last_digest_on = today
            locked.save(update_fields=["last_digest_on"])
            if not notes:
                continue
            lines = [f"· {n.title}" for n in notes[:200]] + (["……"] if len(notes) > 200 else [])
            digest = Notification.objects.create(
                user=preference.user, title=f"每日消息汇总（{len(notes[:200])} 条）", body="\n".join(lines),
                url="/inbox/", read_at=now)  # the inbox already holds each message itself
            chosen = channels_of([locked.user_id], enabled_channels(), digest=True)[locked.user_id]
            Delivery.objects.bulk_create([Delivery(notification=digest, channel=c) for c in chosen])
            sent += 1
    return sent


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=5 * 2 ** (attempts - 1))  # 5, 10, 20, 40 … minutes


def deliver_due(now: dt.datetime | None = None, batch: int = 200) -> int:
    """Send pending deliveries whose time has come. Two workers take different rows."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        lock = {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
        due = list(Delivery.objects.select_for_update(**lock).filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
                   .select_related("notification", "notification__user").order_by("next_attempt_at")[:batch])
        for delivery in due:
            delivery.attempts += 1
            try:
                delivery.last_result = CHANNELS[delivery.channel].send(delivery.notification)[:500]
            except Exception as exc:  # any failure of a channel is logged and retried, never raised
                delivery.last_result = f"{type(exc).__name__}: {exc}"[:500]
                if delivery.attempts >= MAX_ATTEMPTS:
                    delivery.status = Delivery.Status.FAILED
                else:
                    delivery.next_attempt_at = now + _backoff(delivery.attempts)
            else:
                delivery.status, delivery.delivered_at = Delivery.Status.SENT, now
                sent += 1
            delivery.save(update_fields=["attempts", "last_result", "status", "next_attempt_at", "delivered_at"])
    return sent
