"""The list kit's filters (core/filters.py): lenient on pages, strict in the API, one definition
for both — and each list's page and API list give the same rows for the same parameters."""

from __future__ import annotations

import random

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from ninja.errors import ValidationError as RequestValidationError

from anying.api import api
from anying.core.filters import (
    ChoiceFilter,
    DateFilter,
    FlagFilter,
    IdFilter,
    IntFilter,
    ListFilter,
    TextFilter,
    YearFilter,
)
from anying.core.hooks import DEMO_LOADERS
from anying.core.models import Region, User
from anying.core.services import create_token
from anying.hazards.queries import HazardFilter


class RegionListFilter(ListFilter):
    """A list of regions, with one filter of each kind."""

    q = TextFilter(label="名称", field_name="name", lookup_expr="contains", max_length=10)
    level = ChoiceFilter(label="层级", choices=Region.Level.choices)
    parent = IdFilter(label="上级", record=Region, field_name="parent_id")
    towns = FlagFilter(label="仅镇街", method="only_towns")
    depth = IntFilter(label="排序号", field_name="sort", min_value=1, max_value=5)
    year = YearFilter(label="年度", page_default=2026, method="ignore")
    since = DateFilter(label="自", method="ignore")

    sort_columns = {"name": "name", "path": "path"}
    default_sort = "path"

    def only_towns(self, qs, name, value):
        return qs.filter(level=Region.Level.TOWN)

    def ignore(self, qs, name, value):
        return qs


# --- the base ------------------------------------------------------------------------------------

def test_a_page_ignores_what_does_not_validate(district):
    everything = set(Region.objects.all())
    bad = {"q": "", "level": "nope", "parent": "²", "towns": "maybe", "depth": "99", "year": "1900",
           "since": "2026-13-01"}
    flt = RegionListFilter.from_params(bad)
    assert set(flt.apply(Region.objects.all())) == everything  # unfiltered, never an error
    assert sorted(flt.ignored) == ["depth", "level", "parent", "since", "towns", "year"]
    assert flt.values == {"q": "", "level": "", "parent": None, "towns": False, "depth": None, "year": 2026,
                          "since": None}
    assert not RegionListFilter.from_params({}).active and RegionListFilter.from_params({"towns": "1"}).active


def test_a_page_filters_with_what_does(district):
    jiuxian = Region.objects.get(name="旧县街道")
    flt = RegionListFilter.from_params({"q": "旧县", "level": "town", "parent": str(jiuxian.parent_id),
                                        "towns": "1", "since": "2026-01-31T08:00"})
    assert list(flt.apply(Region.objects.all())) == [jiuxian]
    assert flt["since"].isoformat() == "2026-01-31" and flt["towns"] is True and flt.ignored == []
    assert flt.describe(["q", "level", "parent"]) == [("名称", "旧县"), ("层级", "镇街"),
                                                     ("上级", str(jiuxian.parent))]


def test_page_text_is_cleaned_and_cut(district):
    assert RegionListFilter.from_params({"q": " 旧县\u2028街道 "})["q"] == "旧县 街道"  # a line break look-alike
    assert RegionListFilter.from_params({"q": "旧县\x00"})["q"] == ""  # a refused character: ignored
    assert RegionListFilter.from_params({"q": "旧" * 500})["q"] == "旧" * 10  # cut at the filter's length
    # every other value too: a NUL makes it empty, so an id with one is simply not given
    assert RegionListFilter.from_params({"parent": "1\x00"})["parent"] is None


def test_the_api_refuses_what_does_not_validate(district):
    params = RegionListFilter.Params(level="nope", depth=3, q="旧县")
    with pytest.raises(RequestValidationError) as caught:
        RegionListFilter.from_api(params)
    [error] = caught.value.errors
    assert error["loc"] == ["query", "level"] and "nope" in error["msg"] and "选择" in error["msg"]
    with pytest.raises(RequestValidationError):  # the FilterSet checks again what the schema let through
        RegionListFilter.from_api(RegionListFilter.Params.model_construct(depth=9))
    flt = RegionListFilter.from_api(RegionListFilter.Params(level="town", towns=True))
    assert flt["year"] is None and flt["towns"] is True  # no page default in the API
    assert set(flt.apply(Region.objects.all())) == set(Region.objects.filter(level="town"))


def test_params_are_generated_from_the_filters():
    fields = RegionListFilter.Params.model_fields
    assert list(fields) == ["q", "level", "parent", "towns", "depth", "year", "since"]
    assert fields["q"].metadata[0].max_length == 10
    schema = api.get_openapi_schema()["paths"]["/api/v1/hazards/"]["get"]["parameters"]
    by_name = {p["name"]: p for p in schema}
    assert set(HazardFilter.base_filters) <= set(by_name)
    assert by_name["status"]["schema"]["enum"][0] == "open" and "未销号" in by_name["status"]["description"]
    assert by_name["region"]["schema"]["anyOf"][0]["minimum"] == 1


def test_every_filter_has_a_label():
    with pytest.raises(TypeError, match="label"):
        type("Unlabelled", (ListFilter,), {"q": TextFilter(field_name="name")})


def test_sorting_is_whitelisted(district):
    regions = Region.objects.all()
    names = lambda params: [r.name for r in RegionListFilter.from_params(params).sort(regions)[0]]  # noqa: E731
    assert names({"sort": "-name"}) == sorted((r.name for r in regions), reverse=True)
    by_path = [r.name for r in regions.order_by("path", "id")]
    for unknown in ({}, {"sort": "password"}, {"sort": "-parent__path"}, {"sort": "name;drop"}):
        assert names(unknown) == by_path
    assert RegionListFilter.from_params({"sort": "-name"}).sort(regions)[1] == "-name"
    assert RegionListFilter.from_params({"sort": "nope"}).sort(regions)[1] == "path"


# --- every list: a bad value is never a 500 --------------------------------------------------------

PAGES = {  # list page → its filter's parameters
    "hazard_list": "anying.hazards.queries.HazardFilter", "hazard_export": "anying.hazards.queries.HazardFilter",
    "enterprise_list": "anying.registry.queries.EnterpriseFilter",
    "enterprise_export": "anying.registry.queries.EnterpriseFilter",
    "risk_list": "anying.registry.risks.RiskPointFilter",
    "inspection_list": "anying.inspections.filters.InspectionFilter",
    "penalty_list": "anying.inspections.filters.PenaltyFilter",
    "inspector_list": "anying.inspections.filters.InspectorFilter",
    "tip_list": "anying.tips.filters.TipFilter",
    "accident_list": "anying.oversight.filters.AccidentFilter",
    "shelter_list": "anying.places.filters.ShelterFilter",
    "rescue_team_list": "anying.rescue.filters.TeamFilter", "rescue_expert_list": "anying.rescue.filters.ExpertFilter",
    "rescue_visit_list": "anying.rescue.filters.VisitFilter",
    "rescue_grassroots_list": "anying.rescue.filters.GrassrootsFilter",
    "accident_interviews": "anying.oversight.filters.InterviewFilter",
    "keytask_list": "anying.oversight.filters.KeyTaskFilter",
    "ranking_list": "anying.oversight.filters.RankingFilter", "report_list": "anying.oversight.filters.ReportFilter",
    "checklist_list": "anying.hazards.filters.ChecklistFilter",
    "self_inspection_overview": "anying.hazards.filters.SelfInspectionFilter",
    "standardization_report": "anying.registry.queries.StandardizationFilter",
    "standardization_below": "anying.registry.queries.StandardizationFilter",
    "standardization_targets": "anying.registry.queries.StandardizationFilter",
    "unit_list": "anying.core.list_filters.UnitFilter", "user_list": "anying.core.list_filters.UserFilter",
    "audit_log": "anying.core.list_filters.AuditFilter",
    "todo": "anying.core.work_views.WorkFilter",
    "supplies:warehouse_list": "anying.supplies.filters.WarehouseFilter",
    "supplies:balance_list": "anying.supplies.filters.BalanceFilter",
    "supplies:document_list": "anying.supplies.filters.DocumentFilter",
    "supplies:transfer_list": "anying.supplies.filters.TransferFilter",
    "supplies:check_list": "anying.supplies.filters.CheckFilter",
    "guarantor_list": "anying.monitoring.filters.GuarantorFilter",
    "plans:list": "anying.plans.filters.PlanFilter", "plans:drills": "anying.plans.filters.DrillFilter",
    "plans:follow_ups": "anying.plans.filters.FollowUpFilter",
    "forestfire:levels": "anying.forestfire.filters.LevelFilter",
    "forestfire:entries": "anying.forestfire.filters.EntryFilter",
    "forestfire:fire_uses": "anying.forestfire.filters.FireUseFilter",
    "forestfire:reports": "anying.forestfire.filters.ReportFilter",
    "riskpoint_list": "anying.riskpoints.filters.DisasterPointFilter",
    "disasters:list": "anying.disasters.filters.EventFilter",
    "evacuation_list": "anying.riskpoints.filters.EvacuationFilter",
    "patrol_board": "anying.riskpoints.filters.PatrolFilter",
    "relief:application_list": "anying.relief.filters.ApplicationFilter",
    "relief:donation_list": "anying.relief.filters.DonationFilter",
    "relief:fund_list": "anying.relief.filters.FundFilter",
    "relief:finding_list": "anying.relief.filters.FindingFilter",
    "house_list": "anying.houses.filters.HouseFilter",
    "permit_list": "anying.permits.filters.PermitFilter",
    "permit_open": "anying.permits.filters.PermitFilter",
    "training_list": "anying.training.filters.SessionFilter",
    "trainee_list": "anying.training.filters.TraineeFilter",
}
GARBAGE = ["²", "0", "99999999999999999999", "2026-13-01", "x" * 300, "all"]


def _filter_class(path: str):
    from django.utils.module_loading import import_string

    return import_string(path)


@pytest.mark.django_db
def test_no_value_of_any_parameter_breaks_a_page_or_an_api_list(users, login):
    client = login(users["admin"])
    for name, path in PAGES.items():
        for param in [*_filter_class(path).base_filters, "sort"]:
            for value in GARBAGE:
                response = client.get(reverse(name), {param: value})
                assert response.status_code == 200, (name, param, value, response.status_code)
    _, secret = create_token(None, users["admin"], "t")
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    schema = api.get_openapi_schema()["paths"]
    for url, ops in schema.items():
        if "{" in url or "get" not in ops:
            continue
        for param in (p["name"] for p in ops["get"].get("parameters", []) if p["in"] == "query"):
            for value in GARBAGE:
                response = api_client.get(url, {param: value})
                assert response.status_code in (200, 422), (url, param, value, response.status_code)
                if response.status_code == 422:
                    message = response.json()["detail"][0]["msg"]
                    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), (url, param, value, message)


# --- each list: the page and the API give the same rows -----------------------------------------------

def _page_ids(client, name: str, params: dict, rows: str = "page") -> set[int]:
    response = client.get(reverse(name), {**params, "per_page": 100})
    assert response.status_code == 200
    found = {r.pk for r in response.context[rows]}
    assert len(found) < 100, "the parity cases are chosen to fit one page"
    return found


def _api_ids(client, url: str, params: dict) -> set[int]:
    response = client.get(url, {**params, "limit": 1000})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == len(body["items"]), "the parity cases are chosen to fit one API page"
    return {i["id"] for i in body["items"]}


@pytest.mark.django_db
def test_a_list_page_and_its_api_list_agree():
    rng = random.Random(2022)
    for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
        loader.load(rng)
    admin = User.objects.get(username="admin")
    page = Client()
    page.force_login(admin)
    _, secret = create_token(None, admin, "parity")
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    from anying.hazards.models import Hazard
    from anying.inspections.models import Penalty
    from anying.oversight.models import Accident, KeyTask
    from anying.registry.models import Enterprise, RiskPoint
    from anying.tips.models import Tip

    hazard = Hazard.objects.select_related("enterprise").order_by("id").first()
    town, ent = hazard.region, hazard.enterprise
    risky = RiskPoint.objects.filter(level="larger").first()
    tip = Tip.objects.first()
    tagged = Enterprise.objects.filter(tags__isnull=False).first()
    penalty = Penalty.objects.first()
    accident = Accident.objects.first()
    year = timezone.localtime(accident.occurred_at).year
    task = KeyTask.objects.select_related("table").first()
    cases = [
        ("hazard_list", "/api/v1/hazards/", {"enterprise": ent.pk}),
        ("hazard_list", "/api/v1/hazards/", {"enterprise": ent.pk, "status": "open"}),
        ("hazard_list", "/api/v1/hazards/", {"region": town.pk, "level": "major"}),
        ("hazard_list", "/api/v1/hazards/", {"q": hazard.place, "overdue": "1"}),
        ("enterprise_list", "/api/v1/enterprises/", {"region": town.pk, "status": "operating"}),
        ("enterprise_list", "/api/v1/enterprises/", {"q": ent.name[:4]}),
        ("enterprise_list", "/api/v1/enterprises/", {"tag": tagged.tags.first().code, "region": tagged.region_id}),
        ("enterprise_list", "/api/v1/enterprises/", {"std_grade": "none", "region": town.pk}),
        ("risk_list", "/api/v1/risk-points/", {"level": "major"}),
        ("risk_list", "/api/v1/risk-points/", {"level": "larger", "enterprise": risky.enterprise_id}),
        ("tip_list", "/api/v1/tips/", {"status": "open"}),
        ("tip_list", "/api/v1/tips/", {"category": tip.category, "q": tip.place[:3]}),
        ("tip_list", "/api/v1/tips/", {"region": tip.region_id}),
        ("accident_list", "/api/v1/accidents/", {"year": year}),
        ("accident_list", "/api/v1/accidents/", {"year": year, "fatal": "1",
                                                 "region": accident.region_id}),
        ("inspection_list", "/api/v1/inspections/", {"status": "open"}),
        ("penalty_list", "/api/v1/inspections/penalties", {"status": penalty.status}),
        ("riskpoint_list", "/api/v1/riskpoints/points", {"kind": "geological"}),
        ("riskpoint_list", "/api/v1/riskpoints/points", {"status": "open", "region": town.pk}),
        ("evacuation_list", "/api/v1/riskpoints/evacuations", {"status": "open"}),
        ("disasters:list", "/api/v1/disasters/events", {"kind": "flood", "status": "ongoing"}),
        ("relief:application_list", "/api/v1/relief/applications", {"status": "notice"}),
        ("relief:application_list", "/api/v1/relief/applications", {"status": "open", "region": town.pk}),
        ("relief:donation_list", "/api/v1/relief/donations", {"form": "money"}),
        ("relief:fund_list", "/api/v1/relief/funds", {"source": "central"}),
        ("house_list", "/api/v1/houses/households", {"status": "open", "region": town.pk}),
        ("house_list", "/api/v1/houses/households", {"degree": "collapsed"}),
        ("permit_list", "/api/v1/permits/", {"kind": "hot_work"}),
        ("permit_list", "/api/v1/permits/", {"status": "open", "level": "1"}),
        ("permit_open", "/api/v1/permits/open", {}),
        ("training_list", "/api/v1/training/sessions", {"kind": "three_level"}),
        ("training_list", "/api/v1/training/sessions", {"region": town.pk}),
        ("trainee_list", "/api/v1/training/people", {"who": "staff"}),
    ]
    for name, url, params in cases:
        on_page, in_api = _page_ids(page, name, params), _api_ids(api_client, url, params)
        assert on_page == in_api, (name, params)
    # the key-task page shows one table of a year: the API with that table gives the same tasks
    params = {"year": task.table.year, "table": task.table_id, "status": "in_progress"}
    assert _page_ids(page, "keytask_list", params, rows="tasks") == _api_ids(api_client, "/api/v1/key-tasks/", params)
    # and some cases are not empty, so the comparison means something
    assert _api_ids(api_client, "/api/v1/hazards/", {"enterprise": ent.pk})
    assert _api_ids(api_client, "/api/v1/risk-points/", {"level": "major"})


@pytest.mark.django_db
def test_what_a_page_ignores_the_api_refuses(users, login, make_enterprise):
    make_enterprise("旧县机械厂")
    page = login(users["admin"]).get("/enterprises/?status=nope&region=²")
    assert page.status_code == 200 and [e.name for e in page.context["page"]] == ["旧县机械厂"]
    assert sorted(page.context["flt"].ignored) == ["region", "status"]
    _, secret = create_token(None, users["admin"], "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    detail = client.get("/api/v1/enterprises/?status=nope").json()["detail"]
    assert detail[0]["loc"] == ["query", "status"] and "nope" in detail[0]["msg"]
    detail = client.get("/api/v1/enterprises/?region=²").json()["detail"]
    assert detail[0]["loc"] == ["query", "region"] and detail[0]["msg"] == "应为整数"
    assert client.get("/api/v1/enterprises/?status=operating").json()["count"] == 1
