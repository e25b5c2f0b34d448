"""Changing one's own password asks for the current one (issue #13), in Chinese, audited, and
a wrong current password counts towards the login lockout."""

from django.test import Client
from django.urls import reverse

from anying.core.demo import DEMO_PASSWORD as PASSWORD
from anying.core.models import AuditEvent, User

NEW = "Fresh#20261"


def change(client, current, password=NEW, confirm=NEW):
    return client.post(reverse("account"), {"change_password": "1", "current": current, "password": password,
                                            "confirm": confirm})


def test_the_form_asks_for_the_current_password(users, login):
    body = login(users["jiuxian"]).get(reverse("account")).content.decode()
    assert "当前密码" in body and 'autocomplete="current-password"' in body


def test_right_current_password_changes_it_and_audits(users, login):
    client = login(users["jiuxian"])
    response = change(client, PASSWORD)
    assert response.status_code == 302
    user = User.objects.get(username="jiuxian")
    assert user.check_password(NEW)
    event = AuditEvent.objects.filter(object_id=str(user.pk), summary="修改密码").get()
    assert event.actor_id == user.pk
    assert client.get(reverse("account")).status_code == 200  # the session survives the change


def test_wrong_current_password_changes_nothing_and_says_so(users, login):
    client = login(users["jiuxian"])
    body = change(client, "Wrong#20261").content.decode()
    assert "当前密码不正确" in body
    assert User.objects.get(username="jiuxian").check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="login_failed", summary__contains="修改密码时当前密码错误").count() == 1


def test_missing_current_password_is_refused(users, login):
    client = login(users["jiuxian"])
    response = client.post(reverse("account"), {"change_password": "1", "password": NEW, "confirm": NEW})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert User.objects.get(username="jiuxian").check_password(PASSWORD)


def test_new_password_still_follows_the_rules(users, login):
    client = login(users["jiuxian"])
    body = change(client, PASSWORD, "abcdefgh", "abcdefgh").content.decode()
    assert "至少三类" in body
    assert User.objects.get(username="jiuxian").check_password(PASSWORD)
    body = change(client, PASSWORD, NEW, NEW + "x").content.decode()
    assert "两次输入的密码不一致" in body


def test_guessing_the_current_password_locks_the_account(users, login, settings):
    client = login(users["jiuxian"])
    for _ in range(settings.ANYING_LOGIN_MAX_FAILURES):
        change(client, "Wrong#20261")
    assert User.objects.get(username="jiuxian").locked_until is not None
    body = change(client, PASSWORD).content.decode()  # even the right one, until the lock ends
    assert "账号已锁定" in body
    assert User.objects.get(username="jiuxian").check_password(PASSWORD)
    assert Client().post(reverse("login"), {"username": "jiuxian", "password": PASSWORD}).status_code == 200


def test_admin_reset_still_needs_no_current_password(users, login):
    target = users["hufeng"]
    login(users["admin"]).post(reverse("user_password", args=[target.pk]), {"pw-password": NEW, "pw-confirm": NEW})
    assert User.objects.get(pk=target.pk).check_password(NEW)
    assert AuditEvent.objects.filter(object_id=str(target.pk), summary="重置密码").exists()
