"""停复产 (issue #19 point 5): the order and the enterprise's status, a mine's accident rule
(3 months after a 一般 accident; 6 months and closure after a 较大 one — 001), the restart
application, the check and the restart — refused before the earliest date, allowed on it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.permissions import SYSTEM
from anying.oversight import accidents
from anying.registry.models import Enterprise
from anying.standards.models import AccidentType
from anying.stoppages import rules, services
from anying.stoppages.models import Stoppage

TODAY = timezone.localdate()


def accident(enterprise, deaths=1):
    return accidents.record(SYSTEM, {
        "occurred_at": timezone.now() - dt.timedelta(days=2), "place": "采场", "enterprise": enterprise, "deaths": deaths,
        "accident_type": AccidentType.objects.filter(group="基本事故类型").first(), "summary": "车辆伤害"})


def pdf():
    return SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf")


@pytest.fixture
def mine(make_enterprise):
    return make_enterprise(name="青龙采石场", industry_name="非煤矿山")


def test_month_arithmetic_of_the_rule():
    assert rules.add_months(dt.date(2026, 5, 15), 3) == dt.date(2026, 8, 15)
    assert rules.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert rules.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_a_mines_general_accident_stops_it_three_months(users, mine):
    ordered_on = TODAY - dt.timedelta(days=1)
    s = services.order(users["yingji"], mine, {"source": "accident", "accident": accident(mine), "ordered_on": ordered_on,
                                               "reason": "一般事故", "legal_basis": "001"})
    assert s.earliest_restart == rules.add_months(ordered_on, 3) and not s.closure_required
    assert Enterprise.objects.get(pk=mine.pk).status == Enterprise.Status.SUSPENDED
    assert s.number.startswith("停产整顿指令")
    with pytest.raises(ValidationError, match="未复产的停产整顿指令"):
        services.order(users["yingji"], mine, {"source": "other", "reason": "x", "legal_basis": "y"})


def test_a_shorter_stop_than_the_rule_is_refused(users, mine):
    with pytest.raises(ValidationError, match="须停产3个月"):
        services.order(users["yingji"], mine, {"source": "accident", "accident": accident(mine), "reason": "x",
                                               "legal_basis": "y", "earliest_restart": TODAY + dt.timedelta(days=30)})
    assert not Stoppage.objects.exists() and Enterprise.objects.get(pk=mine.pk).status == Enterprise.Status.OPERATING


def test_a_larger_accident_means_six_months_and_closure(users, mine):
    s = services.order(users["yingji"], mine, {"source": "accident", "accident": accident(mine, deaths=3),
                                               "reason": "较大事故", "legal_basis": "001"})
    assert s.earliest_restart == rules.add_months(TODAY, 6) and s.closure_required
    boss = _boss(mine)
    services.step(boss, s.pk, "apply", data={"report": "已整改"}, files=[pdf()])
    with pytest.raises(ValidationError, match="关闭程序"):
        services.step(users["yingji"], s.pk, "accept", comment="合格", data={"check_team": "张三、李四"})
    services.step(users["yingji"], s.pk, "close", comment="提请区政府依法关闭")
    assert Enterprise.objects.get(pk=mine.pk).status == Enterprise.Status.CLOSED


def _boss(enterprise):
    from anying.core.models import Organisation, User
    from anying.core.roles import Role
    from anying.core.services import create_user

    existing = User.objects.filter(unit_id=enterprise.organisation_id).first()
    return existing or create_user(None, username=f"boss{enterprise.pk}", password="Anying-2026!", role=Role.ENTERPRISE_USER,
                                   unit=Organisation.objects.get(pk=enterprise.organisation_id))


def test_restart_not_before_the_earliest_date_and_on_it(users, mine, monkeypatch):
    s = services.order(users["yingji"], mine, {"source": "accident", "accident": accident(mine), "reason": "一般事故",
                                               "legal_basis": "001"})
    boss = _boss(mine)
    with pytest.raises(ValidationError, match="整改材料"):  # no evidence
        services.step(boss, s.pk, "apply", data={"report": "已整改"})
    services.step(boss, s.pk, "apply", data={"report": "已整改"}, files=[pdf()])
    with pytest.raises(PermissionDenied):  # the enterprise does not check itself
        services.step(boss, s.pk, "accept", comment="合格", data={"check_team": "x"})
    with pytest.raises(ValidationError, match="验收组成员"):
        services.step(users["yingji"], s.pk, "accept", comment="合格")
    services.step(users["yingji"], s.pk, "accept", comment="合格", data={"check_team": "张三、李四"})
    day_before = s.earliest_restart - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="停产期限未满"):
        services.step(users["yingji"], s.pk, "restart", data={"today": day_before})
    assert Enterprise.objects.get(pk=mine.pk).status == Enterprise.Status.SUSPENDED
    services.step(users["yingji"], s.pk, "restart", data={"today": s.earliest_restart})
    s.refresh_from_db()
    assert s.status == Stoppage.Status.RESTARTED and s.restarted_on == s.earliest_restart
    assert Enterprise.objects.get(pk=mine.pk).status == Enterprise.Status.OPERATING


def test_rejected_check_returns_to_rectification(users, make_enterprise):
    ent = make_enterprise()
    s = services.order(users["jiuxian"], ent, {"source": "other", "reason": "未经审批动火作业", "legal_basis": "x"})
    boss = _boss(ent)
    services.step(boss, s.pk, "apply", data={"report": "已整改"}, files=[pdf()])
    with pytest.raises(ValidationError):
        services.step(users["jiuxian"], s.pk, "reject")  # needs its reasons
    services.step(users["jiuxian"], s.pk, "reject", comment="动火作业票制度未建立")
    assert Stoppage.objects.get(pk=s.pk).status == Stoppage.Status.ORDERED
    # no earliest date: the restart follows the check
    services.step(boss, s.pk, "apply", data={"report": "已建立作业票制度"}, files=[pdf()])
    services.step(users["jiuxian"], s.pk, "accept", comment="合格", data={"check_team": "刘旧县"})
    services.step(users["jiuxian"], s.pk, "restart")
    assert Enterprise.objects.get(pk=ent.pk).status == Enterprise.Status.OPERATING


def test_scope_and_permissions(users, make_enterprise, login):
    ent = make_enterprise(town_name="旧县街道")
    with pytest.raises(PermissionDenied):
        services.order(users["hufeng"], ent, {"source": "other", "reason": "x", "legal_basis": "y"})
    with pytest.raises(PermissionDenied):
        services.order(users["leader"], ent, {"source": "other", "reason": "x", "legal_basis": "y"})
    s = services.order(users["jiuxian"], ent, {"source": "other", "reason": "x", "legal_basis": "y"})
    assert login(users["hufeng"]).get(f"/stoppages/{s.pk}/").status_code == 404
    boss = login(_boss(ent))
    assert boss.get(f"/stoppages/{s.pk}/").status_code == 200
    assert boss.get(f"/stoppages/new/{ent.pk}/").status_code == 404
    page = login(users["admin"]).get("/stoppages/?open=1").content.decode()
    assert ent.name in page and "旧县街道" in page
    assert login(users["admin"]).get("/stoppages/?export=xlsx").status_code == 200
    # the hazard given must be the enterprise's own and major
    other = make_enterprise(name="别家")
    from anying.hazards import services as hazard_services
    h = hazard_services.register(users["jiuxian"], {"enterprise": other, "place": "x", "description": "y", "level": "general",
                                                    "channel": "inspection", "found_by": "z", "found_on": TODAY})
    with pytest.raises(ValidationError, match="不属于该企业"):
        services.order(users["jiuxian"], ent, {"source": "hazard", "hazard": h, "reason": "x", "legal_basis": "y"})


def test_order_page_posts(users, make_enterprise, login):
    ent = make_enterprise()
    client = login(users["jiuxian"])
    assert client.get(f"/stoppages/new/{ent.pk}/").status_code == 200
    r = client.post(f"/stoppages/new/{ent.pk}/", {"source": "other", "reason": "无证动火", "legal_basis": "安全生产法",
                                                  "ordered_on": TODAY.isoformat()})
    assert r.status_code == 302
    s = Stoppage.objects.get()
    assert client.get(f"/stoppages/{s.pk}/").status_code == 200
    r = client.post(f"/stoppages/new/{ent.pk}/", {"source": "other", "reason": "", "legal_basis": "",
                                                  "ordered_on": TODAY.isoformat()})
    assert r.status_code == 200 and Stoppage.objects.count() == 1


def test_an_order_cannot_be_backdated_round_the_rule(users, mine):
    """Security review of issue #19: the 3 months run from the order, which cannot precede the accident."""
    acc = accident(mine)  # 2 days ago
    with pytest.raises(ValidationError, match="不能早于"):
        services.order(users["yingji"], mine, {"source": "accident", "accident": acc, "reason": "x", "legal_basis": "y",
                                               "ordered_on": dt.date(2001, 1, 1)})
    with pytest.raises(ValidationError, match="停产原因发生的日期"):
        services.order(users["yingji"], mine, {"source": "accident", "accident": acc, "reason": "x", "legal_basis": "y",
                                               "ordered_on": TODAY - dt.timedelta(days=5)})
    assert not Stoppage.objects.exists()
    Enterprise.objects.filter(pk=mine.pk).update(status=Enterprise.Status.CLOSED)
    with pytest.raises(ValidationError, match="已关闭"):
        services.order(users["yingji"], Enterprise.objects.get(pk=mine.pk), {"source": "other", "reason": "x",
                                                                            "legal_basis": "y"})
