"""Login, lockout, password rules, sessions (等保 2.0 basics)."""

from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse

from anying.core.demo import DEMO_PASSWORD as PASSWORD
from anying.core.models import AuditEvent, User


def attempt(username, password):
    return Client().post(reverse("login"), {"username": username, "password": password})


def test_login_success_is_audited_and_redirects_home(users):
    response = attempt("admin", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(action="login", actor=users["admin"]).exists()


def test_passwords_are_hashed_with_argon2(district, settings):
    from anying import settings as project_settings
    from anying.core.services import create_user

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = create_user(None, username="argon", password=PASSWORD, role="leader",
                       unit=User.objects.get(username="admin").unit)
    assert identify_hasher(User.objects.get(pk=user.pk).password).algorithm == "argon2"


def test_wrong_password_message_is_chinese(users):
    body = attempt("admin", "wrong").content.decode()
    assert "用户名或密码错误" in body


def test_five_failures_lock_the_account_even_with_the_right_password(users, settings):
    for _ in range(settings.ANYING_LOGIN_MAX_FAILURES):
        attempt("admin", "wrong")
    body = attempt("admin", PASSWORD).content.decode()
    assert "账号已锁定" in body
    assert User.objects.get(username="admin").locked_until is not None
    assert AuditEvent.objects.filter(action="login_failed").count() == settings.ANYING_LOGIN_MAX_FAILURES


def test_admin_reset_unlocks(users, login, settings):
    for _ in range(settings.ANYING_LOGIN_MAX_FAILURES):
        attempt("jiuxian", "wrong")
    client = login(users["admin"])
    target = users["jiuxian"]
    response = client.post(reverse("user_password", args=[target.pk]),
                           {"pw-password": "Newpass#2026", "pw-confirm": "Newpass#2026"})
    assert response.status_code == 302
    assert attempt("jiuxian", "Newpass#2026").status_code == 302


def test_open_redirect_is_refused(users):
    response = Client().post(reverse("login") + "?next=https://evil.example/", {"username": "admin", "password": PASSWORD})
    assert response["Location"] == "/"


def test_logout_needs_post(users, login):
    client = login(users["admin"])
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    home = client.get(reverse("home")).content.decode()  # signed out: the public landing only
    assert "工作人员登录" in home and "退出" not in home and "王安委" not in home


def test_session_cookie_is_httponly_and_expires(users, settings):
    response = attempt("admin", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_an_idle_request_extends_the_session_without_overwriting_a_concurrent_write(users, login, settings):
    """A request that loaded the session before a concurrent POST stored a flash message must not
    write its stale copy back (the lost 「已发布」 message in CI), yet it still slides the expiry."""
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils import timezone

    from anying.core.middleware import SlidingSessionMiddleware

    client = login(users["admin"])
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    request = RequestFactory().get("/favicon.ico")
    request.session = SessionStore(key)
    request.session.load()  # the stale request has read the session...

    def meanwhile(_request):  # ...when another request stores a message in it
        other = SessionStore(key)
        other["concurrent"] = "已发布"
        other.save()
        return HttpResponse(status=404)

    SlidingSessionMiddleware(meanwhile)(request)
    from django.contrib.sessions.middleware import SessionMiddleware

    SessionMiddleware(lambda r: HttpResponse(status=404)).process_response(request, HttpResponse(status=404))
    row = Session.objects.get(session_key=key)
    assert row.get_decoded().get("concurrent") == "已发布"
    assert row.expire_date > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_reset_clears_the_failure_count(users, settings):
    from anying.core.services import set_password

    for _ in range(settings.ANYING_LOGIN_MAX_FAILURES):
        attempt("jiuxian", "wrong")
    set_password(users["admin"], users["jiuxian"], "Newpass#2026")
    attempt("jiuxian", "wrong-once-more")
    assert attempt("jiuxian", "Newpass#2026").status_code == 302


def test_login_page_states_the_configured_lockout(db, settings):
    settings.ANYING_LOGIN_MAX_FAILURES = 3
    assert "连续登录失败 3 次" in Client().get(reverse("login")).content.decode()


def test_one_address_guessing_many_usernames_is_refused(users, settings):
    settings.ANYING_LOGIN_MAX_FAILURES_PER_IP = 3
    for name in ("a1", "a2", "a3"):
        Client(REMOTE_ADDR="192.0.2.7").post(reverse("login"), {"username": name, "password": "x"})
    body = Client(REMOTE_ADDR="192.0.2.7").post(reverse("login"), {"username": "admin", "password": PASSWORD}).content.decode()
    assert "该网络地址登录失败次数过多" in body
    assert Client(REMOTE_ADDR="192.0.2.8").post(reverse("login"), {"username": "admin", "password": PASSWORD}).status_code == 302


def test_expired_password_must_be_changed_first(users, login, settings):
    from datetime import timedelta

    from django.utils import timezone

    User.objects.filter(username="jiuxian").update(password_changed_at=timezone.now() - timedelta(days=91))
    client = login(User.objects.get(username="jiuxian"))
    response = client.get(reverse("enterprise_list"))
    assert response.status_code == 302 and response["Location"] == reverse("account")
    assert "请先修改密码" in client.get(reverse("account")).content.decode()
    client.post(reverse("account"), {"create_token": "1", "name": "绕过"})
    assert not User.objects.get(username="jiuxian").api_tokens.exists()  # no way around the rule
    htmx = client.get(reverse("enterprise_list"), HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == reverse("account")
    client.post(reverse("account"), {"change_password": "1", "current": PASSWORD, "password": "Fresh#20261",
                                      "confirm": "Fresh#20261"})
    assert client.get(reverse("enterprise_list")).status_code == 200
    settings.ANYING_PASSWORD_MAX_AGE_DAYS = 0
    User.objects.filter(username="hufeng").update(password_changed_at=timezone.now() - timedelta(days=900))
    assert login(User.objects.get(username="hufeng")).get(reverse("enterprise_list")).status_code == 200


def test_an_expired_session_is_not_brought_back(users, login, settings):
    """A request that ends before anything loads the session (a NUL in the query is refused early)
    must not slide an expired session's date: the idle timeout holds (security review)."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = login(users["admin"])
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    past = timezone.now() - timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=past)
    assert client.get("/account/?x=%00").status_code == 400
    assert Session.objects.get(session_key=key).expire_date == past
    assert client.get("/account/").status_code == 302  # signed out
