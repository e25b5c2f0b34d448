"""In-app inbox and outbound channels with logged, retried deliveries."""

import datetime as dt
import http.server
import json
import threading

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from anying.core import notifications
from anying.core.models import Delivery, Notification
from anying.core.notifications import notify


def test_inbox_shows_own_messages_with_unread_count(users, login):
    notifications.notify([users["jiuxian"]], "隐患逾期", "旧县机械厂：一车间", "/enterprises/")
    notifications.notify([users["hufeng"]], "别人的消息")
    client = login(users["jiuxian"])
    home = client.get("/").content.decode()
    assert 'text-bg-danger">1<' in home
    body = client.get(reverse("inbox")).content.decode()
    assert "隐患逾期" in body and "别人的消息" not in body
    client.post(reverse("inbox"))
    assert notifications.unread_count(users["jiuxian"]) == 0 and notifications.unread_count(users["hufeng"]) == 1


def test_mark_one_read_only_touches_own(users, login):
    mine = notifications.notify([users["jiuxian"]], "一")[0]
    other = notifications.notify([users["hufeng"]], "二")[0]
    login(users["jiuxian"]).post(reverse("inbox"), {"id": [mine.pk, other.pk]})
    assert Notification.objects.get(pk=mine.pk).read_at and not Notification.objects.get(pk=other.pk).read_at


def test_email_delivery_is_logged(users, settings):
    settings.ANYING_NOTIFY_CHANNELS = ["email"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = users["jiuxian"]
    user.email = "jx@example.org"
    user.save()
    notifications.notify([user, users["hufeng"]], "测试邮件", "正文")
    assert notifications.deliver_due() == 2
    assert [m.to for m in mail.outbox] == [["jx@example.org"]]
    results = dict(Delivery.objects.values_list("notification__user__username", "last_result"))
    assert results == {"jiuxian": "已发送至 jx@example.org", "hufeng": "用户未填写邮箱，跳过"}


class Hook(http.server.BaseHTTPRequestHandler):
    received: list = []
    fail = False

    def do_POST(self):  # noqa: N802 - the http.server API
        Hook.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(500 if Hook.fail else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook(settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.ANYING_NOTIFY_CHANNELS = ["webhook"]
    settings.ANYING_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/robot"
    Hook.received, Hook.fail = [], False
    yield Hook
    server.shutdown()


def test_failed_webhook_is_retried_and_never_loses_the_inbox_copy(users, webhook):
    webhook.fail = True
    note = notifications.notify([users["jiuxian"]], "约谈通知", "请于周五到镇应急办")[0]
    now = timezone.now()
    assert notifications.deliver_due(now) == 0
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and "HTTPError" in delivery.last_result
    assert notifications.deliver_due(now) == 0  # not yet due again: back-off
    assert Delivery.objects.get().attempts == 1
    webhook.fail = False
    assert notifications.deliver_due(now + dt.timedelta(minutes=6)) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "sent" and delivery.last_result == "HTTP 200" and delivery.attempts == 2
    assert webhook.received[-1]["text"]["content"].startswith("约谈通知")
    assert Notification.objects.filter(pk=note.pk).exists()


def test_a_channel_gives_up_after_max_attempts(users, webhook):
    webhook.fail = True
    notifications.notify([users["jiuxian"]], "x")
    now = timezone.now()
    for i in range(notifications.MAX_ATTEMPTS):
        notifications.deliver_due(now + dt.timedelta(days=i))
    assert Delivery.objects.get().status == "failed"
    assert Notification.objects.filter(user=users["jiuxian"]).count() == 1


# --- choices, digest, the inbox by record (issue #12) ---------------------------------------

def test_a_user_chooses_channels_and_a_digest(users, login, settings):
    from anying.core.models import Delivery, NotificationPreference

    settings.ANYING_NOTIFY_CHANNELS = ["email", "webhook"]
    client = login(users["jiuxian"])
    response = client.post(reverse("account"), {"save_notifications": "1", "email": "on", "webhook_url": ""})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=users["jiuxian"]).webhook is False
    notify([users["jiuxian"], users["hufeng"]], "隐患提交复查")
    assert set(Delivery.objects.filter(notification__user=users["jiuxian"]).values_list("channel", flat=True)) == {"email"}
    assert Delivery.objects.filter(notification__user=users["hufeng"]).count() == 2  # no choice: every channel
    client.post(reverse("account"), {"save_notifications": "1", "email": "on", "digest": "on"})
    Delivery.objects.all().delete()
    notify([users["jiuxian"]], "又一条")
    assert not Delivery.objects.exists()  # the digest takes it


def test_a_robot_address_must_be_a_known_robot(users, login):
    from anying.core.models import NotificationPreference

    client = login(users["jiuxian"])
    for url in ("http://qyapi.weixin.qq.com/x", "https://10.0.0.1/hook", "https://evil.example/hook"):
        response = client.post(reverse("account"), {"save_notifications": "1", "webhook": "on", "webhook_url": url})
        assert response.status_code == 200 and "只能填写企业微信或钉钉群机器人" in response.content.decode()
    assert not NotificationPreference.objects.exists()
    client.post(reverse("account"), {"save_notifications": "1", "webhook": "on",
                                     "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"})
    assert NotificationPreference.objects.get().webhook_url.startswith("https://qyapi.weixin.qq.com/")


def test_the_daily_digest_once_a_day_from_its_hour(users, settings):
    import datetime as dt

    from django.utils import timezone

    from anying.core.models import Delivery, Notification, NotificationPreference
    from anying.core.notifications import send_digests

    settings.ANYING_NOTIFY_CHANNELS, settings.ANYING_DIGEST_HOUR = ["email"], 8
    NotificationPreference.objects.create(user=users["jiuxian"], digest=True, email=True)
    day = timezone.localdate()
    notify([users["jiuxian"]], "一")
    notify([users["jiuxian"]], "二")
    early = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 0))) + dt.timedelta(days=1)
    assert send_digests(early) == 0  # before the hour
    later = early + dt.timedelta(hours=2)
    Notification.objects.update(created_at=later - dt.timedelta(hours=3))  # arrived overnight
    assert send_digests(later) == 1
    digest = Notification.objects.get(title__startswith="每日消息汇总")
    assert "· 一" in digest.body and "· 二" in digest.body and digest.read_at is not None
    assert list(Delivery.objects.values_list("notification__title", "channel")) == [(digest.title, "email")]
    assert send_digests(later + dt.timedelta(hours=1)) == 0  # once a day


def test_the_inbox_groups_by_record(users, login):
    from anying.core.models import Notification

    for text in ("逾期 1 天", "逾期 7 天", "逾期 15 天"):
        notify([users["jiuxian"]], f"隐患整改逾期：{text}", url="/hazards/1/")
    notify([users["jiuxian"]], "举报交办", url="/tips/2/")
    notify([users["jiuxian"]], "系统通知")
    client = login(users["jiuxian"])
    body = client.get(reverse("inbox")).content.decode()
    assert body.count('class="list-group-item') == 3 and "共 3 条" in body and "3 条未读" in body
    assert "逾期 15 天" in body and "逾期 1 天<" not in body  # the newest of the record
    detail = client.get(reverse("inbox") + "?record=/hazards/1/").content.decode()
    assert detail.count('class="list-group-item') == 3
    client.post(reverse("inbox"), {"record": "/hazards/1/", "id": "0"})
    assert Notification.objects.filter(url="/hazards/1/", read_at__isnull=True).count() == 0
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
