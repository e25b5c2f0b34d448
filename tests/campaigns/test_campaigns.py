"""专项行动 (issue #19 point 7): phases in order, the table of items, tagging hazards, inspections
and penalties only within the campaign's period, territory and industries, and the statistics per
phase and town counting the tagged records within the reader's scope."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.campaigns import services, stats
from anying.campaigns.models import Campaign, Phase
from anying.core.errors import PermissionDenied
from anying.hazards import services as hazard_services
from anying.hazards.models import Hazard

TODAY = timezone.localdate()


def phases(start=TODAY - dt.timedelta(days=20), split=TODAY - dt.timedelta(days=1), end=TODAY + dt.timedelta(days=20)):
    return [{"kind": Phase.Kind.SELF_CHECK, "starts_on": start, "ends_on": split},
            {"kind": Phase.Kind.ENFORCEMENT, "starts_on": split + dt.timedelta(days=1), "ends_on": end}]


@pytest.fixture
def make_campaign(users):
    def make(by="admin", industries=(), start=True, **kw):
        data = {"name": "危险作业专项整治", "starts_on": TODAY - dt.timedelta(days=20), "ends_on": TODAY + dt.timedelta(days=20),
                **kw}
        campaign = services.create(users[by], data, industries=list(industries), phases=kw.pop("phases", None) or phases())
        services.add_item(users[by], campaign.pk, {"category": "动火作业", "content": "动火作业是否办理作业票"})
        if start:
            services.step(users[by], campaign.pk, "start")
        return Campaign.objects.get(pk=campaign.pk)
    return make


def hazard(user, enterprise, *, campaign=None, level="general", found_on=TODAY, channel="self"):
    made = hazard_services.register(user, {"enterprise": enterprise, "place": "车间", "description": "动火未办票",
                                           "level": "general", "channel": channel, "found_by": "张三", "found_on": found_on,
                                           "campaign": campaign})
    if level == "major":  # (a major one needs a criterion of the industry; the level is what counts here)
        Hazard.objects.filter(pk=made.pk).update(level=level)
    return made


def test_phases_must_be_self_check_then_enforcement_inside_the_period(users):
    admin = users["admin"]
    data = {"name": "x", "starts_on": TODAY, "ends_on": TODAY + dt.timedelta(days=10)}
    with pytest.raises(ValidationError) as exc:
        services.create(admin, data, industries=[], phases=phases()[:1])
    assert "先自查自改，再精准执法" in str(exc.value)
    with pytest.raises(ValidationError) as exc:  # the self-check starts before the campaign
        services.create(admin, data, industries=[], phases=phases())
    assert "须在行动起止日期之内" in str(exc.value)
    overlapping = [{"kind": "self_check", "starts_on": TODAY, "ends_on": TODAY + dt.timedelta(days=5)},
                   {"kind": "enforcement", "starts_on": TODAY + dt.timedelta(days=5), "ends_on": TODAY + dt.timedelta(days=10)}]
    with pytest.raises(ValidationError) as exc:
        services.create(admin, data, industries=[], phases=overlapping)
    assert "前一阶段结束之后" in str(exc.value)
    assert not Campaign.objects.exists()


def test_cannot_start_without_items_and_only_the_owner_manages(users, make_campaign):
    campaign = services.create(users["admin"], {"name": "x", "starts_on": TODAY - dt.timedelta(days=20),
                                                "ends_on": TODAY + dt.timedelta(days=20)}, industries=[], phases=phases())
    with pytest.raises(ValidationError, match="排查整治表"):
        services.step(users["admin"], campaign.pk, "start")
    with pytest.raises(PermissionDenied):
        services.add_item(users["jiuxian"], campaign.pk, {"content": "x"})
    with pytest.raises(PermissionDenied):
        services.create(users["leader"], {"name": "y"}, industries=[], phases=phases())


def test_a_department_runs_campaigns_only_over_its_industries(users, industry):
    jingxin = users["jingxin"]  # 区经信委: its own industries only
    data = {"name": "x", "starts_on": TODAY - dt.timedelta(days=20), "ends_on": TODAY + dt.timedelta(days=20)}
    with pytest.raises(ValidationError, match="本部门监管的行业"):
        services.create(jingxin, data, industries=[industry("危险化学品")], phases=phases())


def test_tagging_only_inside_the_campaign(users, make_campaign, make_enterprise, enterprise_user, industry, town):
    campaign = make_campaign(industries=[industry("机械")])
    ent = make_enterprise()
    boss = enterprise_user(ent)
    tagged = hazard(boss, ent, campaign=campaign, found_on=TODAY - dt.timedelta(days=3))
    assert tagged.campaign_id == campaign.pk
    # outside the period: the day after it ends
    with pytest.raises(ValidationError, match="不适用于该企业或该日期"):
        hazard(boss, ent, campaign=campaign, found_on=TODAY + dt.timedelta(days=21))
    # another industry
    other = make_enterprise(name="化工企业", industry_name="危险化学品")
    with pytest.raises(ValidationError, match="不适用"):
        hazard(enterprise_user(other, "qiye2"), other, campaign=campaign)
    # a town's campaign does not reach another town's enterprise
    own = make_campaign(by="hufeng", name="虎峰镇专项")
    with pytest.raises(ValidationError, match="不适用"):
        hazard(boss, ent, campaign=own)
    # a closed campaign takes no new records
    services.step(users["admin"], campaign.pk, "close", "已完成")
    with pytest.raises(ValidationError, match="不适用"):
        hazard(boss, ent, campaign=campaign)
    assert Hazard.objects.filter(campaign=campaign).count() == 1


def test_statistics_per_phase_and_town_count_tagged_records(users, make_campaign, make_enterprise, enterprise_user):
    campaign = make_campaign()
    a = make_enterprise(name="甲企业", town_name="旧县街道")
    b = make_enterprise(name="乙企业", town_name="虎峰镇")
    boss_a, boss_b = enterprise_user(a, "qa"), enterprise_user(b, "qb")
    self_check, enforcement = campaign.phases.all()
    hazard(boss_a, a, campaign=campaign, level="major", found_on=self_check.starts_on)  # the boundary day counts
    closed = hazard(boss_a, a, campaign=campaign, level="major", found_on=self_check.ends_on)
    Hazard.objects.filter(pk=closed.pk).update(status=Hazard.Status.CLOSED)
    hazard(boss_b, b, campaign=campaign, level="general", found_on=self_check.ends_on)
    hazard(boss_b, b, level="major", found_on=self_check.ends_on)  # not tagged: not counted
    hazard(users["jiuxian"], a, campaign=campaign, channel="inspection", found_on=enforcement.starts_on)
    periods = {p.key: p for p in stats.periods(campaign)}
    table = stats.table(users["admin"], campaign, periods[str(self_check.pk)])
    keys = [key for key, *_ in table["columns"]]
    rows = {label: dict(zip(keys, values, strict=True)) for label, values in table["rows"]}
    assert rows["旧县街道"]["self_major"] == 2 and rows["旧县街道"]["self_major_closed"] == 1
    assert rows["旧县街道"]["self_major_rate"] == "50.0%"
    assert rows["虎峰镇"]["self_all"] == 1 and rows["虎峰镇"]["self_major"] == 0
    assert rows["虎峰镇"]["self_major_rate"] == "—"
    assert rows["旧县街道"]["gov_found"] == 0  # found in the next phase
    total = dict(zip(keys, table["total"], strict=True))
    assert total["self_all"] == 3
    enforcement_table = stats.table(users["admin"], campaign, periods[str(enforcement.pk)])
    assert dict(zip(keys, enforcement_table["total"], strict=True))["gov_found"] == 1
    # a town's officer sees only its own row and records
    town_table = stats.table(users["hufeng"], campaign, periods["all"])
    assert [label for label, _ in town_table["rows"]] == ["虎峰镇"]
    assert dict(zip(keys, town_table["total"], strict=True))["self_all"] == 1


def test_pages_exports_and_api(users, make_campaign, login, make_enterprise, enterprise_user):
    campaign = make_campaign()
    admin = login(users["admin"])
    assert "危险作业专项整治" in admin.get("/campaigns/").content.decode()
    page = admin.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "隐患摸排查整治表" in page and "动火作业是否办理作业票" in page and "自查重大隐患" in page
    assert admin.get(f"/campaigns/{campaign.pk}/stats.xlsx").status_code == 200
    assert admin.get(f"/campaigns/{campaign.pk}/items.xlsx").status_code == 200
    from django.test import Client

    from anying.core.services import create_token

    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(None, users['admin'], '测试')[1]}")
    assert [c["name"] for c in api.get("/api/v1/campaigns/").json()["items"]] == ["危险作业专项整治"]
    data = api.get(f"/api/v1/campaigns/{campaign.pk}").json()
    assert data["name"] == "危险作业专项整治" and [p["kind"] for p in data["phases"]] == ["self_check", "enforcement"]
    assert data["statistics"][-1]["period"] == "全程"
    # the enterprise reads the campaign handed down to it, and may not edit it
    ent = make_enterprise()
    boss = login(enterprise_user(ent))
    assert boss.get(f"/campaigns/{campaign.pk}/").status_code == 200
    assert boss.get(f"/campaigns/{campaign.pk}/edit/").status_code == 404
    # a town's officer cannot edit the district's campaign
    assert login(users["jiuxian"]).get(f"/campaigns/{campaign.pk}/edit/").status_code == 403
    # the hazard form offers the running campaign
    form = boss.get(f"/hazards/new/{ent.pk}/")
    assert form.status_code == 200 and "危险作业专项整治" in form.content.decode()


def test_inspection_and_penalty_carry_the_campaign(users, make_campaign, make_enterprise):
    from anying.inspections import penalties

    campaign = make_campaign()
    ent = make_enterprise()
    case = penalties.file_case(users["yingji"], ent, {"party_name": ent.name, "amount": Decimal("5000"), "facts": "动火未办票",
                                                      "evidence": "照片", "violated": "x", "legal_basis": "y",
                                                      "campaign": campaign})
    assert case.campaign_id == campaign.pk
    table = stats.table(users["admin"], campaign, stats.periods(campaign)[-1])
    keys = [key for key, *_ in table["columns"]]
    total = dict(zip(keys, table["total"], strict=True))
    assert total["penalties"] == 1 and total["fines"] == Decimal("5000")


def test_a_draft_is_not_announced_and_an_enterprise_sees_only_its_industry(users, make_campaign, make_enterprise,
                                                                           enterprise_user, industry, login):
    """Security review of issue #19: a planned sweep is not shown to those it sweeps, nor to other towns."""
    draft = make_campaign(by="yingji", start=False, name="烟花爆竹暗访（未公布）", industries=[industry("烟花爆竹")])
    running = make_campaign(by="yingji", name="烟花爆竹专项", industries=[industry("烟花爆竹")])
    everyone = make_campaign(name="全行业专项")
    boss = enterprise_user(make_enterprise(name="机械厂"))  # 机械
    seen = set(Campaign.objects.visible_to(boss).values_list("name", flat=True))
    assert seen == {"全行业专项"}
    assert login(boss).get(f"/campaigns/{running.pk}/").status_code == 404
    assert set(Campaign.objects.visible_to(users["hufeng"]).values_list("pk", flat=True)) == {running.pk, everyone.pk}
    assert draft.pk in set(Campaign.objects.visible_to(users["yingji"]).values_list("pk", flat=True))
    assert draft.pk in set(Campaign.objects.visible_to(users["admin"]).values_list("pk", flat=True))  # above it
