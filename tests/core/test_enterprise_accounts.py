"""An enterprise opens and keeps its own further accounts (its 主要负责人's), so a general hazard
it found itself can be closed by someone other than whoever rectified and submitted it
(自查自改, issue #13). Strictly its own unit, only enterprise roles, audited, the product's
password rules."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anying.core import services
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, User
from anying.core.roles import ENTERPRISE_ROLES, Role
from tests.conftest import photo

NEW = "Boss#20261"


def open_account(client, username="laoban", password=NEW, confirm=None, name="张厂长"):
    return client.post(reverse("enterprise_accounts"), {
        "display_name": name, "username": username, "phone": "13800000000", "password": password,
        "confirm": confirm or password})


@pytest.fixture
def ent(make_enterprise):
    return make_enterprise("旧县机械厂", "旧县街道", "机械")


@pytest.fixture
def manager(ent, enterprise_user):
    return enterprise_user(ent, "qiye")


def test_safety_manager_opens_the_principal_account_in_its_own_enterprise(manager, login):
    client = login(manager)
    assert "本企业账号" in client.get(reverse("account")).content.decode()
    response = open_account(client)
    assert response.status_code == 302
    boss = User.objects.get(username="laoban")
    assert boss.unit_id == manager.unit_id and boss.role in ENTERPRISE_ROLES and boss.display_name == "张厂长"
    assert boss.check_password(NEW)
    event = AuditEvent.objects.get(action="create", object_id=str(boss.pk))
    assert event.actor_id == manager.pk
    assert Client().post(reverse("login"), {"username": "laoban", "password": NEW}).status_code == 302
    body = client.get(reverse("enterprise_accounts")).content.decode()
    assert "张厂长" in body and "laoban" in body


def test_bad_input_opens_nothing_and_says_why(manager, login, users):
    client = login(manager)
    assert "至少三类" in open_account(client, password="abcdefgh").content.decode()
    assert "两次输入的密码不一致" in open_account(client, confirm=NEW + "x").content.decode()
    assert "用户名已存在" in open_account(client, username="ADMIN").content.decode()
    assert not User.objects.filter(username="laoban").exists()


def test_only_enterprise_roles_and_only_its_own_unit(manager, users):
    with pytest.raises(ValidationError, match="企业只能开通企业账号"):
        services.create_enterprise_account(manager, username="x1", password=NEW, role=Role.DISTRICT_ADMIN)
    # a regulator has no such right: its enterprise accounts are opened from the enterprise's page
    with pytest.raises(PermissionDenied):
        services.create_enterprise_account(users["jiuxian"], username="x2", password=NEW)
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_the_page_is_not_there_for_government_users(users, login):
    for name in ("jiuxian", "admin"):
        assert login(users[name]).get(reverse("enterprise_accounts")).status_code == 404


def test_another_enterprise_cannot_touch_the_accounts(manager, make_enterprise, enterprise_user, login):
    other = enterprise_user(make_enterprise("别家公司", "虎峰镇", "机械"), "bie")
    boss = services.create_enterprise_account(manager, username="laoban", password=NEW)
    client = login(other)
    assert "laoban" not in client.get(reverse("enterprise_accounts")).content.decode()
    assert client.post(reverse("enterprise_account_active", args=[boss.pk]), {"active": "0"}).status_code == 404
    assert client.post(reverse("enterprise_account_password", args=[boss.pk]),
                       {"pw-password": "Take#20261", "pw-confirm": "Take#20261"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.set_enterprise_account_active(other, boss, False)
    with pytest.raises(PermissionDenied):  # nor a government account through this door
        services.reset_enterprise_account_password(manager, User.objects.get(username="admin"), "Take#20261")
    boss.refresh_from_db()
    assert boss.is_active and boss.check_password(NEW)


def test_deactivate_and_reactivate_audited_but_never_oneself(manager, login):
    boss = services.create_enterprise_account(manager, username="laoban", password=NEW)
    client = login(manager)
    client.post(reverse("enterprise_account_active", args=[boss.pk]), {"active": "0"})
    assert not User.objects.get(pk=boss.pk).is_active
    assert Client().post(reverse("login"), {"username": "laoban", "password": NEW}).status_code == 200
    client.post(reverse("enterprise_account_active", args=[boss.pk]), {"active": "1"})
    assert User.objects.get(pk=boss.pk).is_active
    assert list(AuditEvent.objects.filter(object_id=str(boss.pk), action="update").values_list("summary", flat=True)
                .order_by("id")) == ["停用账号", "启用账号"]
    client.post(reverse("enterprise_account_active", args=[manager.pk]), {"active": "0"})
    assert User.objects.get(pk=manager.pk).is_active


def test_reset_password_unlocks_and_is_audited(manager, login):
    boss = services.create_enterprise_account(manager, username="laoban", password=NEW)
    User.objects.filter(pk=boss.pk).update(locked_until=timezone.now() + timezone.timedelta(minutes=30))
    client = login(manager)
    body = client.post(reverse("enterprise_account_password", args=[boss.pk]),
                       {"pw-password": "abc", "pw-confirm": "abc"}, follow=True).content.decode()
    assert "密码" in body and User.objects.get(pk=boss.pk).check_password(NEW)
    client.post(reverse("enterprise_account_password", args=[boss.pk]), {"pw-password": "Anew#20261", "pw-confirm": "Anew#20261"})
    boss.refresh_from_db()
    assert boss.check_password("Anew#20261") and boss.locked_until is None
    assert AuditEvent.objects.filter(object_id=str(boss.pk), summary="重置密码", actor=manager).exists()
    # one's own password only with the current one, on 我的账号
    with pytest.raises(ValidationError):
        services.reset_enterprise_account_password(manager, manager, "Anew#20261")


# --- what the second account is for: 自查自改 -------------------------------------------------

def _self_found(ent, level="general"):
    from anying.hazards import services as hazards
    from anying.standards.models import Criterion

    data = {"enterprise": ent, "place": "一车间", "description": "安全出口堵塞", "channel": "self",
            "found_by": "班组", "found_on": timezone.localdate(), "level": level}
    if level == "major":
        data["criterion"] = Criterion.objects.get(criteria_set__code="gongmao_2023", article="第十一条", item="（三）")
    return hazards.register(None, data)


def _rectify_and_submit(client, hazard):
    client.post(reverse("hazard_transition", args=[hazard.pk, "start"]), {
        "responsible_person": "王主任", "measures": "清理通道",
        "deadline": (timezone.localdate() + timezone.timedelta(days=5)).isoformat()})
    client.post(reverse("hazard_transition", args=[hazard.pk, "submit"]), {"comment": "已清理", "evidence": photo()})
    hazard.refresh_from_db()
    assert hazard.status == "submitted"


def test_the_principal_closes_what_the_safety_manager_submitted(ent, manager, login):
    boss = services.create_enterprise_account(manager, username="laoban", password=NEW, display_name="张厂长")
    hazard = _self_found(ent)
    _rectify_and_submit(login(manager), hazard)
    login(manager).post(reverse("hazard_transition", args=[hazard.pk, "close"]), {})
    hazard.refresh_from_db()
    assert hazard.status == "submitted"  # never by whoever submitted it
    detail = login(boss).get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    assert "审核销号" in detail
    login(boss).post(reverse("hazard_transition", args=[hazard.pk, "close"]), {})
    hazard.refresh_from_db()
    assert hazard.status == "closed" and hazard.closed_by == boss


def test_a_major_hazard_still_needs_the_government(ent, manager, login, users):
    from anying.hazards import services as hazards
    from tests.hazards.conftest import PLAN, RECTIFY

    boss = services.create_enterprise_account(manager, username="laoban", password=NEW)
    hazard = _self_found(ent, "major")
    hazards.transition(manager, hazard.pk, "start", changes=RECTIFY, plan=PLAN)
    hazards.transition(manager, hazard.pk, "submit", files=[photo()], comment="已整改")
    with pytest.raises(PermissionDenied):
        hazards.transition(boss, hazard.pk, "close")
    assert hazards.transition(users["jiuxian"], hazard.pk, "close").status == "closed"


def test_the_page_makes_a_fixed_number_of_queries(manager, login, django_assert_max_num_queries):
    for n in range(5):
        services.create_enterprise_account(manager, username=f"zhanghu{n}", password=NEW)
    client = login(manager)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("enterprise_accounts")).status_code == 200


def test_a_stopped_enterprise_opens_no_accounts(manager, login):
    from anying.core.models import Organisation

    Organisation.objects.filter(pk=manager.unit_id).update(is_active=False)
    manager = User.objects.get(pk=manager.pk)
    with pytest.raises(PermissionDenied):
        services.create_enterprise_account(manager, username="laoban", password=NEW)
    assert not services.enterprise_accounts(manager).exists()
