"""GB 18218-2018 identification (S = Σq/Q ≥ 1) and grading (R = α·Σβq/Q) in exact arithmetic, at
every boundary of the standard's tables; through the API too."""

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from anying.core.services import create_token
from anying.monitoring import gb18218 as g


def test_the_tables_are_complete():
    assert len(g.table1()) == 85 and g.table1()[1].name == "氨" and g.table1()[1].critical == 10
    assert len(g.table2()) == 24 and g.table2()["W5.4"][2] == 5000
    assert len(g.table3()) == 14 and g.table3()["碳酰氯"] == 20
    assert len(g.table4()) == 24 and g.table4()["W2"] == Decimal("1.5")


@pytest.mark.parametrize(("people", "alpha"), [(0, "0.5"), (1, "1.0"), (29, "1.0"), (30, "1.2"), (49, "1.2"),
                                               (50, "1.5"), (99, "1.5"), (100, "2.0"), (5000, "2.0")])
def test_alpha_follows_table_5_at_its_boundaries(people, alpha):
    assert g.alpha(people) == Decimal(alpha)


@pytest.mark.parametrize(("quantity", "major"), [("10", True), ("9.999", False), ("10.001", True)])
def test_one_chemical_is_major_from_its_critical_quantity_inclusive(quantity, major):
    assert g.evaluate([("氨", quantity, "")], 0).is_major is major


def test_several_chemicals_sum_exactly_to_one():
    assert g.evaluate([("氨", "5", ""), ("液氯", "2.5", "")], 0).s == 1  # 5/10 + 2.5/5
    thirds = g.evaluate([("碳酰氯", "0.1", "")] * 3, 0)  # 3 × 0.1/0.3: exactly 1 (floats give 0.999… or 1.000…2)
    assert thirds.s == Fraction(1) and thirds.is_major


@pytest.mark.parametrize(("quantity", "grade"), [("49.995", 4), ("50", 3), ("249.995", 3), ("250", 2),
                                                 ("499.995", 2), ("500", 1)])
def test_grades_change_exactly_at_r_10_50_100(quantity, grade):
    # α 1.0 (10 people), 氨 β 2 (表3), Q 10: R = 2·q/10 = q/5
    result = g.evaluate([("氨", quantity, "")], 10)
    assert result.r == Fraction(Decimal(quantity)) / 5 and result.grade == grade


def test_beta_comes_from_table_3_for_the_toxic_gases_and_from_table_4_by_category_otherwise():
    chlorine = g.evaluate([("7782-50-5", "5", "")], 0).lines[0]  # by CAS: 氯
    assert chlorine.chemical == "氯" and chlorine.beta == 4 and chlorine.beta_from.startswith("表3")
    methanol = g.evaluate([("甲醇", "500", "W5.3")], 0).lines[0]
    assert methanol.critical == 500 and methanol.beta == 1 and methanol.beta_from == "表4（W5.3）"
    with pytest.raises(ValidationError) as err:  # 表1 but not a 表3 gas: the category decides β
        g.evaluate([("甲醇", "500", "")], 0)
    assert "危险性类别" in str(err.value)
    unnamed = g.evaluate([("某易燃液体", "5000", "W5.4")], 0).lines[0]  # not in 表1: Q by 表2
    assert unnamed.critical == 5000 and unnamed.named is None
    with pytest.raises(ValidationError):
        g.evaluate([("某易燃液体", "10", "")], 0)
    with pytest.raises(ValidationError):  # 硝化纤维素's CAS names six rows: give the 序号
        g.evaluate([("9004-70-0", "1", "")], 0)
    assert g.evaluate([("39", "10", "W1.1")], 0).lines[0].critical == 10  # 序号39: 硝化纤维素(含乙醇≥25%)


def test_a_worked_example():
    # 液氨 50 t (Q 10, β 2) and 甲醇 250 t (Q 500, β 1 as W5.4), 120 people: α 2.0
    result = g.evaluate([("液氨", "50", ""), ("甲醇", "250", "W5.4")], 120)
    assert result.s == Fraction(11, 2) and result.r == 21 and result.grade == 3 and result.grade_label == "三级"


def test_the_api_evaluates_and_registers(users, make_enterprise, enterprise_user):
    ent = make_enterprise("化工企业", industry_name="危险化学品")
    token = create_token(users["admin"], users["admin"], "t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"people_within_500m": 120, "chemicals": [{"chemical": "液氨", "quantity": "50"},
                                                     {"chemical": "甲醇", "quantity": "250", "category": "W5.4"}]}
    out = api.post("/api/v1/monitoring/gb18218", json.dumps(body), content_type="application/json").json()
    assert out["is_major"] and Decimal(out["s"]) == Decimal("5.5") and Decimal(out["r"]) == 21 and out["grade"] == 3
    created = api.post("/api/v1/monitoring/installations", json.dumps({
        **body, "enterprise_id": ent.pk, "name": "液氨储罐区", "kind": "storage"}), content_type="application/json")
    assert created.status_code == 201, created.content
    detail = api.get(f"/api/v1/monitoring/installations/{created.json()['id']}").json()
    assert detail["grade"] == 3 and len(detail["chemicals"]) == 2 and detail["chemicals"][0]["beta_from"].startswith("表3")
    bad = api.post("/api/v1/monitoring/gb18218", json.dumps({"people_within_500m": 0, "chemicals": [
        {"chemical": "甲醇", "quantity": "10"}]}), content_type="application/json")
    assert bad.status_code == 422 and "危险性类别" in bad.content.decode("unicode_escape")
    other = make_enterprise("另一企业")
    qiye = enterprise_user(other, username="qiye2")
    mine = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(qiye, qiye, 't')[1]}")
    assert mine.get(f"/api/v1/monitoring/installations/{created.json()['id']}").status_code == 404


@pytest.mark.parametrize("quantity", ["100000.001", "1e20", "0", "-1", "1.0001"])
def test_quantities_outside_what_is_stored_are_refused_in_chinese(quantity):
    with pytest.raises(ValidationError) as err:
        g.evaluate([("氨", quantity, "")], 0)
    assert "设计最大量" in str(err.value)


def test_the_largest_unit_still_fits_the_stored_figures():
    result = g.evaluate([("碳酰氯", "100000", "")] * g.MAX_LINES, 100)  # Q 0.3 t, β 20, α 2
    assert g.shown(result.r) < Decimal("1e10")
