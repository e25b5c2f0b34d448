"""ANYING_PUBLIC_URL: every QR code and printed link carries the configured public address, not
the host the clerk typed (127.0.0.1 on the server); unset, the request's host."""

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
import segno
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from anying.core import notifications
from anying.core.models import Organisation
from anying.inspections import draws
from anying.inspections.models import Inspector
from tests.core.test_notifications import webhook  # noqa: F401, F811 - a fixture

PUBLIC = "https://anying.example.gov.cn"


def svg(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2)
    return buffer.getvalue()


def png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()


@pytest.fixture
def public(settings):
    settings.ANYING_PUBLIC_URL = PUBLIC


def test_tip_qr_poster_and_landing_use_the_public_address(db, users, login, client, public):
    form = reverse("tip_new")
    assert client.get(reverse("tip_qr"), HTTP_HOST="127.0.0.1").content == svg(PUBLIC + form)
    assert f"{PUBLIC}{form}" in client.get("/", HTTP_HOST="127.0.0.1").content.decode()
    poster = login(users["admin"]).get(reverse("tip_poster"), HTTP_HOST="127.0.0.1").content.decode()
    assert f"{PUBLIC}{form}" in poster and "127.0.0.1" not in poster


def test_without_a_public_address_the_request_host_is_used(db, client):
    assert client.get(reverse("tip_qr"), HTTP_HOST="127.0.0.1").content == svg("http://127.0.0.1" + reverse("tip_new"))


def test_enterprise_sign_and_qr_use_the_public_address(users, login, make_enterprise, public):
    ent = make_enterprise("公示企业")
    page = reverse("enterprise_public", args=[ent.public_token])
    admin = login(users["admin"])
    assert f"{PUBLIC}{page}" in admin.get(reverse("enterprise_public_sign", args=[ent.pk])).content.decode()
    assert admin.get(reverse("enterprise_qr", args=[ent.pk])).content == png(PUBLIC + page)


def test_draw_public_address_uses_the_public_address(users, login, make_enterprise, public, settings):
    bureau = Organisation.objects.get(name="区应急局")
    expiry = timezone.localdate() + dt.timedelta(days=300)
    for i in range(2):
        Inspector.objects.create(unit=bureau, name=f"执法{i}", certificate_no=f"T{i}", certificate_expiry=expiry)
    make_enterprise("企业一", "旧县街道", "机械")
    record = draws.draw(users["yingji"], bureau, title="抽查", targets=1, ratios={"general": 100})
    body = login(users["yingji"]).get(reverse("draw_detail", args=[record.pk]), HTTP_HOST="127.0.0.1").content.decode()
    assert f"{PUBLIC}{reverse('draw_public', args=[record.public_token])}" in body
    assert "用手机或其他电脑打不开" not in body
    settings.ANYING_PUBLIC_URL = ""
    body = login(users["yingji"]).get(reverse("draw_detail", args=[record.pk]), HTTP_HOST="127.0.0.1").content.decode()
    assert "本页的二维码和公开地址指向本机（127.0.0.1）" in body


def test_email_links_are_full_addresses_when_the_public_address_is_known(users, settings):
    settings.ANYING_NOTIFY_CHANNELS = ["email"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = users["jiuxian"]
    user.email = "jx@example.org"
    user.save()
    notifications.notify([user], "隐患逾期", "正文", "/hazards/1/")
    notifications.deliver_due()
    settings.ANYING_PUBLIC_URL = PUBLIC
    notifications.notify([user], "隐患逾期", "正文", "/hazards/2/")
    notifications.deliver_due()
    assert [m.body for m in mail.outbox] == ["正文\n\n/hazards/1/", f"正文\n\n{PUBLIC}/hazards/2/"]


@pytest.mark.parametrize("value, ok", [("https://anying.example.gov.cn/", True), ("http://10.0.0.5:8000", True),
                                       ("anying.example.gov.cn", False), ("https://x.cn/anying", False)])
def test_a_malformed_public_address_stops_the_start(tmp_path, value, ok):
    env = {**os.environ, "ANYING_PUBLIC_URL": value, "ANYING_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import anying.settings as s; print(s.ANYING_PUBLIC_URL)"],
                            env=env, capture_output=True, text=True)
    assert (result.returncode == 0) is ok
    if ok:
        assert result.stdout.strip() == value.rstrip("/")
    else:
        assert "ANYING_PUBLIC_URL" in result.stderr


def test_robot_messages_carry_the_link_only_when_it_is_a_full_address(users, webhook, settings):  # noqa: F811
    notifications.notify([users["jiuxian"]], "隐患逾期", "正文", "/hazards/1/")
    notifications.deliver_due()
    settings.ANYING_PUBLIC_URL = PUBLIC
    notifications.notify([users["jiuxian"]], "隐患逾期", "正文", "/hazards/2/")
    notifications.deliver_due()
    assert [m["text"]["content"] for m in webhook.received] == ["隐患逾期\n正文", f"隐患逾期\n正文\n{PUBLIC}/hazards/2/"]


@pytest.mark.parametrize("host, warned", [("127.0.0.1", True), ("localhost", True), ("[::1]", True),
                                          ("anying.example.gov.cn", False), ("192.168.1.20", False)])
def test_a_printable_qr_code_of_the_servers_own_address_is_flagged(users, login, make_enterprise, settings,
                                                                    host, warned):
    settings.ALLOWED_HOSTS = ["*"]
    ent = make_enterprise("公示企业")
    admin = login(users["admin"])
    for url in (reverse("tip_poster"), reverse("enterprise_public_sign", args=[ent.pk])):
        body = admin.get(url, HTTP_HOST=host).content.decode()
        assert ("用手机或其他电脑打不开" in body) is warned, (url, host)


def test_the_public_address_silences_the_local_warning(users, login, public):
    body = login(users["admin"]).get(reverse("tip_poster"), HTTP_HOST="127.0.0.1").content.decode()
    assert "用手机或其他电脑打不开" not in body


def test_local_address():
    from anying.core.links import local_address

    assert local_address("http://127.0.0.1:8000/x") == "127.0.0.1"
    assert local_address("http://127.8.0.1/") == "127.8.0.1"
    assert local_address("http://[::1]:8000/") == "::1"
    assert local_address("https://anying.example.gov.cn/") == ""
    assert local_address("http://10.0.0.5/") == ""
