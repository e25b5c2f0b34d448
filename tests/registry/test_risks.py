"""Risk grading (安全风险分级管控): bands at every achievable product, residual ≤ inherent, scope,
permissions, audit, the 四色图, the government list, the settings page and the API."""

import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.services import create_token
from anying.registry import risks
from anying.registry.models import RiskPoint
from anying.standards import riskbands
from anying.standards.models import RiskBand, RiskFactor

L_VALUES = ["10", "6", "3", "1", "0.5", "0.2", "0.1"]
E_VALUES = ["10", "6", "3", "2", "1", "0.5"]
C_VALUES = ["100", "40", "15", "7", "3", "1"]


def expected_lec(d: Decimal) -> str:
    """The default bands written out by hand (lec_d_bands.csv variant B, D = 20 in 一般)."""
    if d > 160:
        return "major"
    if d > 70:
        return "larger"
    if d >= 20:
        return "general"
    return "low"


# --- the tables and bands as loaded -----------------------------------------------------------

def test_lec_tables_are_loaded_from_the_file(db):
    values = risks.factor_values()
    assert sorted(map(str, values["L"])) == sorted(str(Decimal(v).quantize(Decimal("0.01"))) for v in L_VALUES)
    assert len(values["E"]) == 6 and len(values["C"]) == 6
    assert RiskFactor.objects.get(factor="C", value=100).description == "大灾难，许多人死亡"


def test_default_bands_cite_their_source(db):
    lec = {b.level: b for b in RiskBand.objects.filter(method="lec")}
    assert (lec["general"].lower, lec["general"].lower_inclusive) == (20, True)  # the D = 20 decision
    assert (lec["larger"].lower, lec["larger"].lower_inclusive) == (70, False)
    assert (lec["major"].lower, lec["major"].lower_inclusive) == (160, False)
    assert "variant_B_4color" in lec["major"].source
    assert "variant_B_qieqiesitan_default" in RiskBand.objects.get(method="ls", level="major").source


def test_every_achievable_lec_product_lands_in_its_band(db):
    bands = risks.configured_bands("lec")
    products = set()
    for like, exposure, consequence in itertools.product(L_VALUES, E_VALUES, C_VALUES):
        factors = (Decimal(like), Decimal(exposure), Decimal(consequence))
        score, level = risks.assess("lec", *factors, bands=bands)
        assert score == factors[0] * factors[1] * factors[2]
        assert level == expected_lec(score), (factors, score)
        products.add(score)
    assert len(list(itertools.product(L_VALUES, E_VALUES, C_VALUES))) == 252
    # 20 and 70 are products of the tables (tested above); 160 and 320 are not, so no assessment
    # can land on them — test_lec_exact_boundaries grades them directly.
    assert {b for b in (20, 70, 160, 320) if Decimal(b) in products} == {20, 70}
    assert len(products) == 103


@pytest.mark.parametrize("factors, level", [
    (("0.5", "1", "40"), "general"),    # D = 20: the CSV leaves it out; 20～70 in the classic table
    (("1", "1", "15"), "low"),          # D = 15
    (("1", "2", "15"), "general"),      # D = 30
    (("1", "10", "7"), "general"),      # D = 70: top of 一般
    (("0.5", "6", "40"), "larger"),     # D = 120
    (("1", "2", "40"), "larger"),       # D = 80
    (("1", "10", "15"), "larger"),      # D = 150
    (("1", "1", "100"), "larger"),      # D = 100
    (("0.5", "2", "100"), "larger"),    # D = 100
    (("1", "6", "40"), "major"),        # D = 240
    (("1", "10", "40"), "major"),       # D = 400
])
def test_lec_boundaries(db, factors, level):
    assert risks.assess("lec", *map(Decimal, factors))[1] == level


def test_lec_exact_boundaries(db):
    bands = risks.configured_bands("lec")
    assert riskbands.grade(Decimal(20), bands) == "general"
    assert riskbands.grade(Decimal("19.99"), bands) == "low"
    assert riskbands.grade(Decimal(70), bands) == "general"
    assert riskbands.grade(Decimal("70.01"), bands) == "larger"
    assert riskbands.grade(Decimal(160), bands) == "larger"
    assert riskbands.grade(Decimal("160.01"), bands) == "major"
    assert riskbands.grade(Decimal(320), bands) == "major"


LS_B = {1: "low", 2: "low", 3: "low", 4: "low", 5: "low", 6: "low", 8: "low", 9: "low", 10: "general", 12: "general",
        15: "larger", 16: "larger", 20: "major", 25: "major"}
LS_A = {1: "low", 2: "low", 3: "low", 4: "general", 5: "general", 6: "general", 8: "general", 9: "larger",
        10: "larger", 12: "larger", 15: "larger", 16: "larger", 20: "major", 25: "major"}


@pytest.mark.parametrize("column, table", [(riskbands.LS_DEFAULT, LS_B), (riskbands.LS_VARIANT_A, LS_A)])
def test_all_25_ls_cells_for_both_variants(db, column, table):
    bands = riskbands.ls_bands(column)
    cells = 0
    for like, severity in itertools.product(range(1, 6), repeat=2):
        score, level = risks.assess("ls", Decimal(like), None, Decimal(severity), bands=bands)
        assert level == table[like * severity], (column, like, severity)
        cells += 1
    assert cells == 25


def test_default_ls_bands_are_stored(db):
    stored = risks.configured_bands("ls")
    for r, level in LS_B.items():
        assert riskbands.grade(Decimal(r), stored) == level


def test_a_band_made_exclusive_changes_the_result_at_exactly_that_product(db, users):
    bands = risks.configured_bands("lec")
    assert riskbands.grade(Decimal(20), bands) == "general"
    changed = [riskbands.Band(b.level, b.lower, False if b.level == "general" else b.inclusive) for b in bands]
    risks.configure_bands(users["admin"], "lec", changed)
    assert risks.assess("lec", Decimal("0.5"), Decimal(1), Decimal(40))[1] == "low"  # D = 20
    assert risks.assess("lec", Decimal("1"), Decimal(3), Decimal(7))[1] == "general"  # D = 21
    assert risks.assess("lec", Decimal("1"), Decimal(1), Decimal(15))[1] == "low"  # D = 15, unchanged
    event = AuditEvent.objects.filter(summary__contains="风险分级阈值").get()
    assert event.before["一般风险"] == "≥20" and event.after["一般风险"] == ">20" and event.actor == users["admin"]


def test_bands_that_do_not_make_sense_are_refused(db, users):
    bands = risks.configured_bands("lec")
    upside_down = [riskbands.Band(b.level, Decimal(10) if b.level == "major" else b.lower, b.inclusive) for b in bands]
    with pytest.raises(ValidationError, match="重大风险的下限须高于较大风险的下限"):
        risks.configure_bands(users["admin"], "lec", upside_down)
    with pytest.raises(ValidationError, match="四个等级"):
        risks.configure_bands(users["admin"], "lec", bands[:3])
    assert riskbands.grade(Decimal(200), risks.configured_bands("lec")) == "major"  # nothing changed


def test_only_the_district_admin_configures(db, users):
    bands = risks.configured_bands("ls")
    for username in ("jiuxian", "leader", "yingji"):
        with pytest.raises(PermissionDenied):
            risks.configure_bands(users[username], "ls", bands)


def test_loading_variant_a_regrades_stored_points(db, users, point):
    p = point(method="ls", inherent=(3, None, 3), residual=(3, None, 3))  # R = 9
    assert p.level == "low"
    risks.configure_bands(users["admin"], "ls", riskbands.ls_bands(riskbands.LS_VARIANT_A))
    p.refresh_from_db()
    assert (p.level, p.inherent_level) == ("larger", "larger")


# --- risk points -----------------------------------------------------------------------------

@pytest.fixture
def ent(make_enterprise):
    return make_enterprise("旧县机械厂", "旧县街道", "机械")


@pytest.fixture
def point(ent, users):
    from anying.standards.models import AccidentType

    def make(*, actor=None, enterprise=None, method="lec", inherent=(3, 6, 15), residual=(1, 6, 15), area=None):
        target = enterprise or ent
        area = area or target.risk_areas.first() or risks.save_area(None, target, {"name": "机加工车间"})
        data = {"area": area, "activity": "数控车床", "hazard": "卷入", "method": method, "responsible": "张三",
                "accident_type": AccidentType.objects.get(code="WSA10004"), "control_engineering": "防护罩"}
        for prefix, values in (("inherent_", inherent), ("residual_", residual)):
            data.update({f"{prefix}{k}": (None if v is None else Decimal(str(v))) for k, v in zip("lec", values, strict=True)})
        return risks.save_point(users[actor] if actor else None, target, data)

    return make


def test_levels_are_computed_and_residual_is_current(point):
    p = point()  # inherent 3×6×15 = 270, residual 1×6×15 = 90
    assert (p.inherent_score, p.inherent_level, p.residual_score, p.level) == (270, "major", 90, "larger")
    assert (p.region.name, p.industry.name) == ("旧县街道", "机械")


def test_residual_above_inherent_is_refused(point):
    with pytest.raises(ValidationError) as caught:
        point(inherent=(1, 6, 15), residual=(3, 6, 15))
    assert "剩余风险不能高于固有风险" in str(caught.value.message_dict["residual_l"])
    assert not RiskPoint.objects.exists()


def test_residual_equal_to_inherent_is_accepted(point):
    assert point(inherent=(1, 6, 15), residual=(1, 6, 15)).level == "larger"


def test_factors_outside_the_tables_are_refused(point):
    with pytest.raises(ValidationError) as caught:
        point(inherent=(4, 6, 15))
    assert "inherent_l" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        point(method="ls", inherent=(6, None, 5), residual=(1, None, 5))
    assert "inherent_l" in caught.value.message_dict
    assert not RiskPoint.objects.exists()


def test_controls_are_required(point, ent):
    from anying.standards.models import AccidentType

    area = risks.save_area(None, ent, {"name": "库房"})
    data = {"area": area, "activity": "叉车", "hazard": "撞人", "method": "ls", "responsible": "李四",
            "accident_type": AccidentType.objects.get(code="WSA10002"), "inherent_l": Decimal(2), "inherent_c": Decimal(3),
            "residual_l": Decimal(2), "residual_c": Decimal(3)}
    with pytest.raises(ValidationError, match="至少填写一项管控措施"):
        risks.save_point(None, ent, data)


def test_an_area_of_another_enterprise_is_refused(point, make_enterprise):
    other = make_enterprise("虎峰机械厂", "虎峰镇", "机械")
    foreign = risks.save_area(None, other, {"name": "外厂车间"})
    with pytest.raises(ValidationError) as caught:
        point(area=foreign)
    assert "area" in caught.value.message_dict


def test_who_may_record(point, ent, users, enterprise_user, make_enterprise):
    own = enterprise_user(ent)
    assert point(actor=None, enterprise=ent) and risks.save_point  # system
    users["qiye"] = own
    assert point(actor="qiye").level == "larger"  # the enterprise itself
    assert point(actor="jiuxian").level == "larger"  # the town's inspector
    with pytest.raises(PermissionDenied):
        point(actor="hufeng")  # another town
    with pytest.raises(PermissionDenied):
        point(actor="leader")  # reads, does not record
    other = make_enterprise("虎峰机械厂", "虎峰镇", "机械")
    with pytest.raises(PermissionDenied):
        point(actor="qiye", enterprise=other)


def test_recording_is_audited(point, users):
    p = point(actor="jiuxian")
    event = AuditEvent.objects.get(object_id=str(p.pk), content_type__model="riskpoint")
    assert event.actor == users["jiuxian"] and "较大风险" in event.summary and event.region_path == p.region.path


def test_moving_the_enterprise_moves_its_risk_points(point, ent, town):
    from anying.registry import services

    point()
    services.update_enterprise(None, ent, {"region": town("虎峰镇")})
    assert RiskPoint.objects.get().region.name == "虎峰镇"


def test_four_colour_takes_the_highest_level_of_each_area(point, ent):
    workshop = risks.save_area(None, ent, {"name": "车间"})
    store = risks.save_area(None, ent, {"name": "库房"})
    empty = risks.save_area(None, ent, {"name": "办公楼"})
    point(area=workshop, inherent=(3, 6, 15), residual=(1, 6, 15))  # 较大
    point(area=workshop, inherent=(1, 1, 15), residual=(1, 1, 15))  # 低
    point(area=store, method="ls", inherent=(2, None, 5), residual=(2, None, 5))  # 一般
    levels = {a.name: a.level for a in risks.four_colour(ent)}
    assert levels == {"车间": "larger", "库房": "general", "办公楼": None}
    assert (empty.x, empty.y) == (51, 1) and (workshop.x, workshop.y, workshop.w) == (1, 1, 23)  # grid layout


def test_area_checks(ent):
    risks.save_area(None, ent, {"name": "车间"})
    with pytest.raises(ValidationError, match="同名"):
        risks.save_area(None, ent, {"name": "车间"})
    with pytest.raises(ValidationError, match="右边界"):
        risks.save_area(None, ent, {"name": "大车间", "x": 90, "y": 0, "w": 20, "h": 10})


# --- pages -----------------------------------------------------------------------------------

def test_four_colour_page(point, ent, login, users, django_assert_max_num_queries):
    point()
    store = risks.save_area(None, ent, {"name": "库房"})
    for _ in range(3):
        point(area=store, method="ls", inherent=(2, None, 5), residual=(2, None, 4))
    client = login(users["jiuxian"])
    with django_assert_max_num_queries(14):  # constant: areas and their points in two queries
        page = client.get(f"/enterprises/{ent.pk}/risks/").content.decode()
    assert "安全风险四色分布图" in page and "<svg" in page and "#f57c00" in page and "较大风险" in page
    assert login(users["hufeng"]).get(f"/enterprises/{ent.pk}/risks/").status_code == 404
    assert "风险分级管控" in client.get(f"/enterprises/{ent.pk}/").content.decode()


def test_point_form_records_and_shows_errors(ent, login, users):
    from anying.standards.models import AccidentType

    area = risks.save_area(None, ent, {"name": "车间"})
    client = login(users["jiuxian"])
    assert client.get(f"/enterprises/{ent.pk}/risks/new/").status_code == 200
    data = {"area": area.pk, "activity": "打磨", "hazard": "粉尘", "accident_type": AccidentType.objects.get(code="WSA10018").pk,
            "control_engineering": "除尘", "responsible": "王五", "method": "lec",
            "inherent_lec_l": "1", "inherent_lec_e": "6", "inherent_lec_c": "15",
            "residual_lec_l": "3", "residual_lec_e": "6", "residual_lec_c": "15"}
    response = client.post(f"/enterprises/{ent.pk}/risks/new/", data)
    assert response.status_code == 200 and "剩余风险不能高于固有风险" in response.content.decode()
    assert not RiskPoint.objects.exists()
    data.update(residual_lec_l="0.5")
    response = client.post(f"/enterprises/{ent.pk}/risks/new/", data)
    assert response.status_code == 302
    assert RiskPoint.objects.get().level == "general"  # 0.5 × 6 × 15 = 45
    assert login(users["leader"]).post(f"/enterprises/{ent.pk}/risks/new/", data).status_code == 404


def test_government_list_is_scoped_and_exports(point, ent, make_enterprise, login, users,
                                               django_assert_max_num_queries):
    import io

    from openpyxl import load_workbook

    point()  # 较大 in 旧县街道
    point(inherent=(1, 1, 15), residual=(1, 1, 15))  # 低: not listed
    other = make_enterprise("虎峰机械厂", "虎峰镇", "机械")
    point(enterprise=other, inherent=(3, 6, 40), residual=(3, 6, 40))  # 重大 in 虎峰镇
    page = login(users["jiuxian"]).get("/enterprises/risks/").content.decode()
    assert "旧县机械厂" in page and "虎峰机械厂" not in page
    admin = login(users["admin"])
    with django_assert_max_num_queries(14):
        page = admin.get("/enterprises/risks/").content.decode()
    assert "旧县机械厂" in page and "虎峰机械厂" in page
    assert "旧县机械厂" not in admin.get("/enterprises/risks/?level=major").content.decode()
    response = admin.get("/enterprises/risks/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[1][0] == "风险等级" and [r[0] for r in rows[2:]] == ["重大风险", "较大风险"]
    assert login(users["qiye"] if "qiye" in users else users["jiuxian"]).get("/enterprises/risks/").status_code == 200


def test_enterprise_users_see_only_their_own(point, ent, make_enterprise, enterprise_user, login):
    point()
    other = make_enterprise("虎峰机械厂", "虎峰镇", "机械")
    theirs = point(enterprise=other)
    own = enterprise_user(ent)
    assert risks.summary(own) == {"major": 0, "larger": 1, "general": 0, "low": 0}
    client = login(own)
    assert client.get(f"/enterprises/{other.pk}/risks/").status_code == 404
    assert client.get(f"/enterprises/{other.pk}/risks/{theirs.pk}/").status_code == 404
    assert client.get("/enterprises/risks/").status_code == 404  # the government list


def test_summary_counts_the_scope_only(point, ent, make_enterprise, users, django_assert_max_num_queries):
    point()
    point(enterprise=make_enterprise("虎峰机械厂", "虎峰镇", "机械"), inherent=(3, 6, 40), residual=(3, 6, 40))
    assert risks.summary(users["admin"]) == {"major": 1, "larger": 1, "general": 0, "low": 0}
    hufeng = users["hufeng"]
    risks.summary(hufeng)
    with django_assert_max_num_queries(1):
        assert risks.summary(hufeng) == {"major": 1, "larger": 0, "general": 0, "low": 0}


def test_settings_page(db, login, users):
    admin = login(users["admin"])
    assert "LEC 取值表" in admin.get("/enterprises/risks/settings/").content.decode()
    assert login(users["jiuxian"]).get("/enterprises/risks/settings/").status_code == 404
    data = {"action": "lec", **{f"lec-{lvl}_lower": v for lvl, v in
                                (("major", "160"), ("larger", "70"), ("general", "20"), ("low", "0"))},
            "lec-major_inclusive": "", "lec-general_inclusive": "on", "lec-low_inclusive": "on"}
    assert admin.post("/enterprises/risks/settings/", data).status_code == 302
    assert RiskBand.objects.get(method="lec", level="larger").lower_inclusive is False
    data["lec-larger_inclusive"] = "on"  # ≥70: D = 70 becomes 较大
    admin.post("/enterprises/risks/settings/", data)
    assert riskbands.grade(Decimal(70), risks.configured_bands("lec")) == "larger"
    factor = RiskFactor.objects.get(factor="L", value=10)
    admin.post("/enterprises/risks/settings/", {"action": "factor", "factor": factor.pk,
                                                f"f{factor.pk}-value": "10", f"f{factor.pk}-description": "必然发生"})
    factor.refresh_from_db()
    assert factor.description == "必然发生"
    admin.post("/enterprises/risks/settings/", {"action": "factor", "factor": factor.pk,
                                                f"f{factor.pk}-value": "6", f"f{factor.pk}-description": "重复"})
    factor.refresh_from_db()
    assert factor.value == 10  # 6 is already an L value: refused
    admin.post("/enterprises/risks/settings/", {"action": "variant", "variant": f"ls:{riskbands.LS_VARIANT_A}"})
    assert riskbands.grade(Decimal(4), risks.configured_bands("ls")) == "general"


# --- API -------------------------------------------------------------------------------------

@pytest.fixture
def api(users):
    def make(user):
        _, secret = create_token(None, users[user] if isinstance(user, str) else user, "test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


def test_api_list_detail_create(point, ent, make_enterprise, api):
    p = point()
    other = make_enterprise("虎峰机械厂", "虎峰镇", "机械")
    theirs = point(enterprise=other, inherent=(3, 6, 40), residual=(3, 6, 40))
    town = api("jiuxian")
    data = town.get("/api/v1/risk-points/").json()
    assert data["count"] == 1 and data["items"][0]["level"] == "larger" and data["items"][0]["accident_type"] == "WSA10004"
    assert api("admin").get("/api/v1/risk-points/?level=major").json()["count"] == 1
    assert api("admin").get(f"/api/v1/risk-points/?enterprise={ent.pk}").json()["count"] == 1
    assert town.get(f"/api/v1/risk-points/{p.pk}").json()["inherent_level"] == "major"
    assert town.get(f"/api/v1/risk-points/{theirs.pk}").status_code == 404
    body = {"enterprise_id": ent.pk, "area_id": p.area_id, "activity": "焊接", "hazard": "弧光灼伤",
            "accident_type": "WSA10008", "control_ppe": "焊接面罩", "responsible": "赵六", "method": "ls",
            "inherent_l": 3, "inherent_c": 3, "residual_l": 2, "residual_c": 3}
    created = town.post("/api/v1/risk-points/", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["level"] == "low" and created.json()["residual_score"] == "6.000"
    assert api("hufeng").post("/api/v1/risk-points/", body, content_type="application/json").status_code == 404
    bad = town.post("/api/v1/risk-points/", {**body, "residual_l": 5, "accident_type": "XX"},
                    content_type="application/json")
    assert bad.status_code == 422 and {d["loc"][-1] for d in bad.json()["detail"]} == {"accident_type"}
    bad = town.post("/api/v1/risk-points/", {**body, "residual_l": 5}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "residual_l"
    assert api("leader").post("/api/v1/risk-points/", body, content_type="application/json").status_code == 403
    assert RiskPoint.objects.count() == 3


def test_a_retired_point_leaves_the_map_and_the_figures_but_stays_on_record(point, ent, users, enterprise_user, login,
                                                                           make_enterprise):
    major = point(inherent=(10, 10, 40), residual=(6, 10, 40))  # D 2400 → 重大
    kept = point()
    assert risks.summary(users["jiuxian"])["major"] == 1
    owner = enterprise_user(ent)
    with pytest.raises(ValidationError):
        risks.retire_point(owner, ent, major.pk, "  ")
    with pytest.raises(PermissionDenied):
        risks.retire_point(users["hufeng"], ent, major.pk, "设备已拆除")  # another town
    with pytest.raises(PermissionDenied):
        risks.retire_point(owner, make_enterprise("另一企业", "旧县街道", "机械"), major.pk, "设备已拆除")
    response = login(owner).post(f"/enterprises/{ent.pk}/risks/{major.pk}/retire/", {"reason": "设备已拆除"})
    assert response.status_code == 302
    major.refresh_from_db()
    assert major.retired_reason == "设备已拆除" and major.retired_on is not None
    assert risks.summary(users["jiuxian"])["major"] == 0
    assert [p.pk for a in risks.four_colour(ent) for p in a.points.all()] == [kept.pk]
    assert not risks.government_list(users["admin"]).filter(pk=major.pk).exists()
    assert AuditEvent.objects.filter(summary__startswith="撤销风险点").exists()
    page = login(owner).get(f"/enterprises/{ent.pk}/risks/").content.decode()
    assert "已撤销的风险点（1）" in page and "设备已拆除" in page
    with pytest.raises(ValidationError, match="已撤销"):
        risks.retire_point(owner, ent, major.pk, "再次")


def test_points_are_listed_most_severe_first(point, ent):
    low = point(inherent=(1, 1, 1), residual=(1, 1, 1))
    major = point(inherent=(10, 10, 40), residual=(6, 10, 40))
    larger = point(inherent=(6, 6, 7), residual=(6, 6, 3))  # D 108 → 较大
    ordered = [p.pk for a in risks.four_colour(ent) for p in a.points.all()]
    assert ordered == [major.pk, larger.pk, low.pk]
