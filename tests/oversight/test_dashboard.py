"""The 综合看板: every figure equals the records its link lists, and a town user's dashboard
never counts another town's records."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import resolve
from django.utils import timezone

from anying.hazards import services as hazard_services
from anying.hazards.models import Hazard
from anying.hazards.queries import HazardFilter, list_queryset
from anying.oversight import dashboard
from anying.standards.models import Criterion
from anying.tips import services as tip_services
from tests.conftest import photo

TODAY = timezone.localdate()
PLAN = {"objectives": "a", "methods": "b", "funds_and_materials": "c", "organisation_and_staff": "d",
        "time_limit": "e", "safety_and_emergency": "f"}


def make_hazard(ent, *, level="general", channel="inspection", found=0, deadline=None, to=(), actor=None,
                closer=None):
    criterion = Criterion.objects.filter(criteria_set__code="gongmao_2023", is_item=True).first()
    h = hazard_services.register(None, {
        "enterprise": ent, "place": "车间", "description": "通道堵塞", "channel": channel, "found_by": "检查组",
        "found_on": TODAY - dt.timedelta(days=found), "level": level,
        "criterion": criterion if level == "major" else None})
    if "start" in to:
        hazard_services.transition(actor, h.pk, "start", plan=PLAN, changes={
            "responsible_person": "王", "measures": "清理", "deadline": TODAY + dt.timedelta(days=30)})
        if deadline is not None:  # a deadline in the past cannot be set through the form
            Hazard.objects.filter(pk=h.pk).update(deadline=deadline)
            from anying.hazards import rollups
            rollups.rebuild()
    if "submit" in to:
        hazard_services.transition(actor, h.pk, "submit", comment="已整改", files=[photo()])
    if "close" in to:
        hazard_services.transition(closer, h.pk, "close")
    return h


def make_tip(town, category="hazard"):
    tip, _ = tip_services.submit(None, {"category": category, "description": "厂房内堆放大量易燃物品无人管理",
                                        "place": "工业园", "region": town, "anonymous": True})
    return tip


@pytest.fixture
def world(users, town, make_enterprise):
    from anying.core.models import Organisation
    from anying.core.roles import Role
    from anying.core.services import create_user

    closer = create_user(None, username="admin2", password="Anying@2026", role=Role.DISTRICT_ADMIN,
                         unit=Organisation.objects.get(name="区安委办"))
    jx = make_enterprise("旧县机械厂", "旧县街道", "机械")
    jx2 = make_enterprise("旧县建材厂", "旧县街道", "建材")
    hf = make_enterprise("虎峰机械厂", "虎峰镇", "机械")
    admin = users["admin"]
    make_hazard(jx, to=("start",), actor=admin, deadline=TODAY - dt.timedelta(days=1))  # overdue
    make_hazard(jx, to=("start",), actor=admin, deadline=TODAY)  # due today: not overdue
    make_hazard(jx, level="major", channel="covert", to=("start", "submit", "close"), actor=admin, closer=closer)
    make_hazard(jx2, channel="self", found=40)  # no deadline given: its default (30 days from finding) passed
    make_hazard(jx2, level="major", to=("start", "submit"), actor=admin, deadline=TODAY - dt.timedelta(days=3))
    make_tip(town("旧县街道"))
    return {"jx": jx, "jx2": jx2, "hf": hf, "admin": admin, "closer": closer}


def listed(user, url: str) -> int:
    """How many hazards the hazard list shows at `url` for `user`."""
    parsed = urlparse(url)
    assert resolve(parsed.path).url_name == "hazard_list"
    params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    return list_queryset(user, HazardFilter.from_params(params)).count()


def hazard_links(data) -> list[tuple[int, str]]:
    h, t = data["hazards"], data["table"]
    pairs = [(h.open_total, dashboard.hazard_url(status="open")), (h.overdue_total, dashboard.hazard_url(overdue=1)),
             (h.closed_total, dashboard.hazard_url(status="closed"))]
    pairs += [(n, url) for _, _, n, url in h.channels]
    pairs += list(zip(data["trend"]["found"], data["trend"]["found_urls"], strict=True))
    pairs += list(zip(data["trend"]["closed"], data["trend"]["closed_urls"], strict=True))
    for row in t["rows"]:
        pairs += [(row["open"], row["url"]), (row["major"], row["major_url"]), (row["overdue"], row["overdue_url"]),
                  (row["closed"], row["closed_url"]), *row["cells"]]
    return pairs


@pytest.mark.parametrize("username", ["admin", "jiuxian", "jingxin", "hufeng", "leader"])
def test_every_hazard_figure_equals_the_list_it_links_to(world, users, username):
    user = users[username]
    data = dashboard.build(user, TODAY)
    for n, url in hazard_links(data):
        if url is not None:  # a 本级 row has no list of its own
            assert n == listed(user, url), url


def test_figures_of_the_constructed_district(world, users):
    h = dashboard.build(users["jiuxian"], TODAY)["hazards"]
    assert (h.open_total, h.closed_total, h.total) == (4, 1, 5)
    assert h.open == {"major": 1, "general": 3}
    # due yesterday is overdue, due today is not; 待复查 is with the regulator, never overdue; the
    # self-found one registered 40 days ago is past its default deadline
    assert h.overdue_total == 2
    assert h.closure_rate == 20.0
    assert dict((code, n) for code, _, n, _ in h.channels) == {
        "self": 1, "inspection": 3, "covert": 1, "tip": 0, "expert": 0, "assigned": 0}


def test_a_town_users_dashboard_never_counts_another_towns_records(world, users, town):
    jiuxian, admin = users["jiuxian"], users["admin"]
    before, district_before = dashboard.build(jiuxian, TODAY), dashboard.build(admin, TODAY)
    hf = world["hf"]
    make_hazard(hf, to=("start",), actor=admin, deadline=TODAY - dt.timedelta(days=5))
    make_hazard(hf, level="major", to=("start", "submit", "close"), actor=admin, closer=world["closer"])
    make_tip(town("虎峰镇"))
    after, district_after = dashboard.build(jiuxian, TODAY), dashboard.build(admin, TODAY)
    assert comparable(after) == comparable(before)
    assert comparable(district_after) != comparable(district_before)
    assert district_after["hazards"].total == district_before["hazards"].total + 2
    assert district_after["tips"]["year"] == district_before["tips"]["year"] + 1


def comparable(data) -> dict:
    """The dashboard's figures as plain values (the table's region objects by name)."""
    h = data["hazards"]
    table = [(r["region"].name, r["open"], r["major"], r["overdue"], r["closed"], [n for n, _ in r["cells"]])
             for r in data["table"]["rows"]]
    out = {"hazards": (h.open, h.overdue, h.closed, h.total, h.channels), "trend": data["trend"], "table": table}
    for key in ("supervised", "inspections", "tips", "standardization", "risks", "key_tasks", "accidents"):
        out[key] = data[key]
    return out


def test_the_page_shows_the_figures_in_few_queries(world, users, login, django_assert_max_num_queries):
    client = login(users["jiuxian"])
    with django_assert_max_num_queries(40):
        response = client.get("/oversight/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="open">4<' in html and 'data-figure="overdue">2<' in html
    assert "一张表" in html and "旧县街道" in html and "虎峰镇" not in html


def test_enterprise_users_have_no_dashboard(world, enterprise_user, login):
    client = login(enterprise_user(world["jx"]))
    assert client.get("/oversight/").status_code == 404


@pytest.fixture
def api(users):
    from django.test import Client

    from anying.core.services import create_token

    def make(user):
        _, secret = create_token(None, user, "t")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


def test_the_api_serves_the_same_scoped_figures(world, users, api, enterprise_user):
    data = api(users["jiuxian"]).get("/api/v1/dashboard/").json()
    page = dashboard.build(users["jiuxian"], TODAY)
    assert data["hazards"]["open"] == page["hazards"].open
    assert data["hazards"]["overdue"] == {"major": 0, "general": 2}
    assert [r["region"]["name"] for r in data["table"]["rows"]] == ["旧县街道"]
    assert data["tips"]["year"] == 1 and data["trend"]["found"] == page["trend"]["found"]
    district = api(users["admin"]).get("/api/v1/dashboard/").json()
    assert len(district["table"]["rows"]) == 29
    assert api(enterprise_user(world["jx"])).get("/api/v1/dashboard/").status_code == 403
    assert api(users["jiuxian"]).get("/api/v1/dashboard/", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_on_the_whole_demo_a_towns_figures_are_its_towns_records(district, users):
    """Every module's demo data spread over the district; 旧县街道's board counts exactly the
    records of 旧县街道, section by section, and the district's board counts more."""
    import random

    from django.db.models import Count, Q

    from anying.core.hooks import DEMO_LOADERS
    from anying.inspections.models import Inspection
    from anying.oversight.models import Accident, KeyTask
    from anying.registry.models import Enterprise, RiskPoint
    from anying.tips.models import Tip

    for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
        if loader.name != "core":
            loader.load(random.Random(5))
    town = Hazard.objects.filter(region__name="旧县街道").values_list("region", flat=True).first()
    mine, district_board = dashboard.build(users["jiuxian"], TODAY), dashboard.build(users["admin"], TODAY)
    year = dt.date(TODAY.year, 1, 1)

    hazards = Hazard.objects.filter(region=town)
    assert mine["hazards"].total == hazards.count() < district_board["hazards"].total
    assert mine["hazards"].open_total == hazards.exclude(status="closed").count()
    assert mine["hazards"].overdue_total == hazards.filter(status__in=["registered", "rectifying"],
                                                           deadline__lt=TODAY).count()
    assert mine["inspections"]["count"] == Inspection.objects.filter(
        region=town, inspected_on__gte=year, inspected_on__lte=TODAY).count()
    assert mine["tips"]["year"] == Tip.objects.filter(region=town, received_at__date__gte=year).count()
    assert mine["standardization"]["enterprises"] == Enterprise.objects.filter(
        region=town, status="operating").count() < district_board["standardization"]["enterprises"]
    levels = dict(RiskPoint.objects.filter(region=town).values_list("level").annotate(n=Count("id")))
    assert mine["risks"] == {level: levels.get(level, 0) for level in mine["risks"]}
    assert sum(district_board["risks"].values()) > sum(mine["risks"].values())
    assert mine["accidents"]["count"] == Accident.objects.filter(
        region=town, occurred_at__date__gte=year).count() < district_board["accidents"]["count"]
    assert mine["key_tasks"]["total"] == KeyTask.objects.filter(
        Q(unit__region=town), table__year=TODAY.year).count() < district_board["key_tasks"]["total"]


def test_villages_of_a_town_and_records_on_the_district_itself_are_counted(world, users, town, district,
                                                                           make_enterprise):
    """A town with villages still has one row (villages count in it); a district's enterprise
    registered on the district itself shows as a 本级 row, without a link of its own."""
    from anying.core.models import Region

    Region.objects.create(name="巴岳村", parent=town("旧县街道"), level=Region.Level.VILLAGE)
    data = dashboard.build(users["jiuxian"], TODAY)
    assert [(r["label"], r["open"]) for r in data["table"]["rows"]] == [("旧县街道", 4)]
    direct = make_enterprise("区直属企业", "旧县街道", "机械")
    make_hazard(direct)  # registered while in the town …
    from anying.hazards import rollups

    Hazard.objects.filter(enterprise=direct).update(region=district)  # … then placed on the district itself
    rollups.rebuild()
    rows = {r["label"]: r for r in dashboard.build(users["admin"], TODAY)["table"]["rows"]}
    assert rows["铜梁区（本级）"]["open"] == 1 and rows["铜梁区（本级）"]["url"] is None
    assert rows["旧县街道"]["open"] == 4
    assert sum(r["open"] for r in rows.values()) == dashboard.build(users["admin"], TODAY)["hazards"].open_total
