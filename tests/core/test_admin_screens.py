"""Units, users, audit log and tokens: the district admin's screens (journey J1 step 1)."""

import pytest
from django.urls import reverse

from anying.core.models import ApiToken, AuditEvent, Industry, Organisation, User
from anying.core.services import create_token


def test_unit_list_shows_towns_and_departments_with_industries(users, login):
    body = login(users["admin"]).get(reverse("unit_list") + "?per_page=100").content.decode()
    assert body.count("应急办") >= 29
    assert "区经信委" in body and "机械" in body and "轻工" in body
    assert Organisation.objects.filter(kind="town_office").count() == 29


def test_admin_creates_a_department_with_industries(users, login, district):
    client = login(users["admin"])
    ids = list(Industry.objects.filter(name__in=["机械", "轻工"]).values_list("pk", flat=True))
    response = client.post(reverse("unit_create"), {"name": "区商务委", "kind": "department", "region": district.pk,
                                                     "supervised_industries": ids, "is_active": "on"})
    assert response.status_code == 302
    org = Organisation.objects.get(name="区商务委")
    assert sorted(i.name for i in org.supervised_industries.all()) == ["机械", "轻工"]
    event = AuditEvent.objects.get(object_repr="区商务委")
    assert event.action == "create" and event.after["supervised_industries"] == ["机械", "轻工"]


def test_admin_creates_users_with_validation(users, login):
    client = login(users["admin"])
    unit = Organisation.objects.get(name="旧县街道应急办")
    form = {"username": "jx2", "display_name": "新同事", "role": "town_inspector", "unit": unit.pk, "password": "short"}
    body = client.post(reverse("user_create"), form).content.decode()
    assert "密码" in body and not User.objects.filter(username="jx2").exists()
    response = client.post(reverse("user_create"), {**form, "password": "Jiuxian#2026"})
    assert response.status_code == 302
    created = User.objects.get(username="jx2")
    assert created.role == "town_inspector" and created.unit == unit
    body = client.post(reverse("user_create"), {**form, "username": "jx3", "role": "enterprise_user",
                                                "password": "Jiuxian#2026"}).content.decode()
    assert "企业安全管理员必须属于一个生产经营单位" in body


def test_admin_deactivates_user_and_cannot_deactivate_self(users, login):
    client = login(users["admin"])
    target = users["hufeng"]
    client.post(reverse("user_edit", args=[target.pk]), {"display_name": "x", "role": target.role, "unit": target.unit_id})
    assert not User.objects.get(pk=target.pk).is_active
    me = users["admin"]
    body = client.post(reverse("user_edit", args=[me.pk]), {"display_name": "x", "role": me.role,
                                                            "unit": me.unit_id}).content.decode()
    assert "不能停用自己的账号" in body and User.objects.get(pk=me.pk).is_active


def test_audit_log_filters(users, login):
    client = login(users["admin"])
    client.post(reverse("account"), {"create_token": "1", "name": "对接"})
    body = client.get(reverse("audit_log") + "?action=token").content.decode()
    assert "创建 API 令牌 对接" in body
    body = client.get(reverse("audit_log") + "?action=login").content.decode()
    assert "创建 API 令牌" not in body
    assert client.get(reverse("audit_log") + "?date_from=notadate").status_code == 200
    assert client.get(reverse("audit_log") + "?ip=1.2.3").status_code == 200


def test_audit_events_cannot_be_deleted(users):
    create_token(None, users["admin"], "x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.first().delete()


def test_account_page_creates_and_revokes_tokens(users, login):
    client = login(users["jiuxian"])
    body = client.post(reverse("account"), {"create_token": "1", "name": "网关"}).content.decode()
    token = ApiToken.objects.get(user=users["jiuxian"])
    assert token.prefix in body and "只显示这一次" in body
    assert len(token.key_hash) == 64
    client.post(reverse("token_revoke", args=[token.pk]))
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    other = login(users["hufeng"])
    assert other.post(reverse("token_revoke", args=[token.pk])).status_code == 404


def test_audit_records_ip(users):
    from django.test import Client

    Client(REMOTE_ADDR="10.1.2.3").post(reverse("login"), {"username": "admin", "password": "bad"})
    assert AuditEvent.objects.get(action="login_failed").ip == "10.1.2.3"


def test_forwarded_for_is_trusted_only_behind_a_configured_proxy(users, settings):
    from django.test import Client

    Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").post(reverse("login"), {"username": "a", "password": "b"})
    assert AuditEvent.objects.latest("id").ip == "10.0.0.1"
    settings.ANYING_TRUST_X_FORWARDED_FOR = True
    # nginx appends the real address; anything before it is what the client chose to send
    Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9").post(reverse("login"), {"username": "a", "password": "b"})
    assert AuditEvent.objects.latest("id").ip == "203.0.113.9"
    Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip").post(reverse("login"), {"username": "a", "password": "b"})
    assert AuditEvent.objects.latest("id").ip == "10.0.0.1"


def test_audit_values_read_as_words():
    from anying.core.templatetags.anying_tags import audit_value

    assert audit_value(["粉尘涉爆", "有限空间作业"]) == "粉尘涉爆、有限空间作业"
    assert (audit_value(None), audit_value(True), audit_value([])) == ("（空）", "是", "（无）")
