"""The `anying` command."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anying.cli import main
from anying.core.models import User
from anying.core.roles import Role
from anying.core.services import authenticate_token, create_user
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


def test_demo_loads_the_seed_once(db, capsys, settings):
    settings.ANYING_PUBLIC_URL = ""
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    # every phase says what it does, each module what it loaded
    assert out.index("[2/4] 数据库已是最新") < out.index("[3/4] 演示数据") < out.index("[4/4] 准备完成")
    assert "企业档案：" in out and "生产经营单位 243" in out and "事故隐患 3000" in out
    # the staff sign in at /login/; / is the public page (issue #13)
    assert "工作人员登录：http://127.0.0.1:8000/login/" in out and "公众页面（12350 举报、查询办理进度）：http://127.0.0.1:8000/\n" in out
    assert "二维码指向本机地址 http://127.0.0.1:8000" in out and "ANYING_PUBLIC_URL" in out
    for username in ("admin", "jingxin", "jiuxian", "leader", "duty", "qiye"):
        assert username in out
    assert Enterprise.objects.filter(is_demo=True).count() == 244  # the seed's 243 + the on-site duty demo's mine
    from anying.core.models import ClockStep
    from anying.hazards.models import Hazard

    assert Hazard.objects.filter(is_demo=True).count() == 3002 and ClockStep.objects.filter(clock="hazard_overdue").exists()  # + 1 finding, + J5's tip
    counts = (Enterprise.objects.count(), Hazard.objects.count())
    call_command("demo", "--no-serve")
    assert (Enterprise.objects.count(), Hazard.objects.count()) == counts == (244, 3002)
    again = capsys.readouterr().out
    assert "企业档案：已有，跳过" in again and "未重复加载" in again
    assert User.objects.get(username="qiye").unit.enterprise.region.name == "旧县街道"
    # the enterprise's 主要负责人 account, who closes what qiye submits (自查自改), printed beside it
    assert ["企业主要负责人", "fuzeren"] in [line.split()[:2] for line in out.splitlines()]
    assert User.objects.get(username="fuzeren").unit == User.objects.get(username="qiye").unit


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


# ----- the demo's printed addresses and logins ------------------------------------------------

def demo_addresses(**kwargs) -> str:
    from anying.core.management.commands.demo import Command

    out = StringIO()
    Command(stdout=out).print_addresses("http://127.0.0.1:8000", **kwargs)
    return out.getvalue()


def test_demo_names_the_public_address_when_one_is_configured(district, settings):
    settings.ANYING_PUBLIC_URL = "https://anying.example.gov.cn"
    out = demo_addresses()
    assert "二维码和打印的公开地址使用 ANYING_PUBLIC_URL：https://anying.example.gov.cn" in out
    assert "只能在这台电脑上打开" not in out


def test_demo_prints_its_logins_from_one_list(district, monkeypatch):
    from anying.core import demo

    assert demo_addresses().count("区安委办") == 2  # admin and leader; qiye is not there yet
    create_user(None, username="boss", password="Boss#20261", role=Role.LEADER,
                unit=User.objects.get(username="leader").unit)
    monkeypatch.setattr(demo, "DEMO_LOGINS", [*demo.DEMO_LOGINS, "boss"])  # one line is all it takes
    lines = demo_addresses().splitlines()
    assert lines[-1].split() == ["分管领导", "boss", "区安委办"]
    assert [line.split()[1] for line in lines if line.startswith("    ")] == [
        "admin", "leader", "yingji", "jingxin", "jiuxian", "hufeng", "duty", "boss"]


def test_local_address_of_a_server_listening_everywhere():
    from anying.core.management.commands.demo import local_address

    assert local_address("0.0.0.0", 8080) == "http://127.0.0.1:8080"
    assert local_address("192.168.1.5", 8000) == "http://192.168.1.5:8000"


# ----- commands run in the demo's folder (issue #13) ------------------------------------------

def clean_env(**extra) -> dict:
    """What a newcomer's shell has: no ANYING_* variables (the test run's own are dropped)."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR")}
    return {**keep, **extra}


def anying(folder, *args, **env):
    return subprocess.run([sys.executable, "-m", "anying", *args], cwd=folder, env=clean_env(**env),
                          capture_output=True, text=True, timeout=600)


def test_every_command_works_in_the_demo_folder_without_variables(tmp_path):
    demo = anying(tmp_path, "demo", "--no-serve")
    assert demo.returncode == 0, demo.stderr
    env_file = tmp_path / "data" / "anying.env"
    assert "ANYING_SECRET_KEY=" in env_file.read_text(encoding="utf-8")
    assert env_file.stat().st_mode & 0o077 == 0  # a key: readable by its owner only
    assert f"在 {tmp_path.resolve()} 中运行的 anying 命令" in demo.stdout
    assert "[2/4] 创建数据库（" in demo.stdout and "  完成（" in demo.stdout

    check = anying(tmp_path, "check")
    assert check.returncode == 0, check.stderr
    made = anying(tmp_path, "createuser", "newbie", "--role", "town_inspector", "--unit", "虎峰镇应急办",
                  "--password", "Hufeng#2026")
    assert made.returncode == 0, made.stderr
    exported = anying(tmp_path, "export", "enterprises", str(tmp_path / "e.xlsx"))
    assert "已导出 244 条" in exported.stdout, exported.stderr  # the seed's 243 + the demo mine
    draw = anying(tmp_path, "draw", "verify", "999")
    assert "没有编号为 999 的抽取" in draw.stderr  # it reached the demo's database
    # from inside the data folder too, and the demo's key stays the same across runs
    inside = anying(tmp_path / "data", "shell", "-c",
                    "from anying.core.models import User; print(User.objects.filter(username='newbie').count())")
    assert inside.stdout.strip().endswith("1"), inside.stderr
    key = env_file.read_text(encoding="utf-8")
    again = anying(tmp_path, "demo", "--no-serve")
    assert "[2/4] 数据库已是最新" in again.stdout and env_file.read_text(encoding="utf-8") == key

    # a variable set in the environment wins over the file
    shown = anying(tmp_path, "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)",
                   ANYING_SECRET_KEY="from-the-environment")
    assert shown.stdout.strip().endswith("from-the-environment")
    # without the file a command refuses to start, as before: the file is what made it work
    env_file.unlink()
    refused = anying(tmp_path, "check")
    assert refused.returncode != 0 and "ANYING_SECRET_KEY must be set" in refused.stderr
