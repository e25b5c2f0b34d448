"""The `anying` command."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anying.cli import main
from anying.core.models import User
from anying.core.services import authenticate_token
from anying.registry.models import Enterprise


def test_createuser_and_token(district, capsys):
    call_command("createuser", "newbie", "--role", "town_inspector", "--unit", "虎峰镇应急办", "--password", "Hufeng#2026")
    user = User.objects.get(username="newbie")
    assert user.role == "town_inspector" and user.unit.name == "虎峰镇应急办"
    capsys.readouterr()
    call_command("token", "newbie")
    secret = capsys.readouterr().out.strip()
    assert authenticate_token(secret) == user
    with pytest.raises(CommandError, match="单位不存在"):
        call_command("createuser", "x", "--role", "leader", "--unit", "不存在", "--password", "Hufeng#2026")
    with pytest.raises(CommandError):
        call_command("createuser", "y", "--role", "leader", "--unit", "区安委办", "--password", "weak")


def test_createadmin(district):
    call_command("createadmin", "boss", "--unit", "区安委办", "--password", "Boss#20261")
    assert User.objects.get(username="boss").role == "district_admin"


def test_demo_loads_the_seed_once(db, capsys):
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    for username in ("admin", "jingxin", "jiuxian", "leader", "duty", "qiye"):
        assert username in out
    assert Enterprise.objects.filter(is_demo=True).count() == 243
    from anying.core.models import ClockStep
    from anying.hazards.models import Hazard

    assert Hazard.objects.filter(is_demo=True).count() == 3002 and ClockStep.objects.filter(clock="hazard_overdue").exists()  # + 1 finding, + J5's tip
    counts = (Enterprise.objects.count(), Hazard.objects.count())
    call_command("demo", "--no-serve")
    assert (Enterprise.objects.count(), Hazard.objects.count()) == counts == (243, 3002)
    assert User.objects.get(username="qiye").unit.enterprise.region.name == "旧县街道"
    # the enterprise's 主要负责人 account, who closes what qiye submits (自查自改), printed beside it
    assert "fuzeren" in out and User.objects.get(username="fuzeren").unit == User.objects.get(username="qiye").unit


def test_tick_expires_standardization(make_enterprise, capsys):
    ent = make_enterprise("过期厂", std_status="certified", std_grade="3", std_certificate_date="2020-01-01")
    assert Enterprise.objects.get(pk=ent.pk).std_status == "expired"  # already past expiry at save
    Enterprise.objects.filter(pk=ent.pk).update(std_status="certified")
    call_command("tick")
    assert "standardization_expiry: 1" in capsys.readouterr().out
    assert Enterprise.objects.get(pk=ent.pk).std_status == "expired"
    call_command("tick")
    assert "standardization_expiry: 0" in capsys.readouterr().out


def test_cli_wrapper_runs_help(capsys):
    main(["anying"])
    assert "demo" in capsys.readouterr().out


def test_createadmin_bootstraps_a_new_installation(db):
    with pytest.raises(CommandError, match="--region"):
        call_command("createadmin", "boss", "--unit", "区安委办", "--password", "Boss#20261")
    call_command("createadmin", "boss", "--unit", "区安委办", "--region", "璧山区", "--region-code", "500120000000",
                 "--password", "Boss#20261")
    boss = User.objects.get(username="boss")
    assert boss.unit.region.name == "璧山区" and boss.unit.region.code == "500120000000"
    assert boss.has_perm_code("core.manage_units")
