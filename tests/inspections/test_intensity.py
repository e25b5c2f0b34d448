"""三个强度: inspections, findings per inspection and fines per unit for a month, ranked, scoped,
exported."""

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from anying.core.models import Organisation
from anying.inspections import intensity
from anying.inspections.models import Inspection, Penalty

from .test_records import docx_text


def inspect(enterprise, unit, day, findings=0):
    return Inspection.objects.create(enterprise=enterprise, region_id=enterprise.region_id,
                                     industry_id=enterprise.industry_id, organisation_id=enterprise.organisation_id,
                                     unit=unit, inspected_on=day, findings=findings)


def fine(enterprise, unit, day, amount):
    return Penalty.objects.create(enterprise=enterprise, region_id=enterprise.region_id,
                                  industry_id=enterprise.industry_id, organisation_id=enterprise.organisation_id,
                                  unit=unit, party_name=enterprise.name, facts="x", evidence="x", violated="x",
                                  legal_basis="x", amount=Decimal(amount), status="decided", filed_on=day,
                                  decide_by=day, decided_on=day)


def test_monthly_figures_and_ranking(make_enterprise, users, login):
    units = {n: Organisation.objects.get(name=n) for n in ("区应急局", "区经信委", "旧县街道应急办", "虎峰镇应急办")}
    ent = make_enterprise("甲", "旧县街道", "机械")
    day = dt.date(2026, 10, 10)
    for findings in (2, 1):
        inspect(ent, units["区应急局"], day, findings)
    inspect(ent, units["区经信委"], day, 4)
    inspect(ent, units["区经信委"], day, 2)
    inspect(ent, units["旧县街道应急办"], day, 1)
    inspect(ent, units["区应急局"], dt.date(2026, 11, 1), 9)  # next month: not counted
    fine(ent, units["区应急局"], day, "5000.00")
    fine(ent, units["区应急局"], dt.date(2026, 9, 30), "7000.00")  # previous month
    data = intensity.report(users["admin"], 2026, 10)
    depts = {r.unit: r for r in data["department"]}
    assert (depts["区应急局"].inspections, depts["区应急局"].findings, depts["区应急局"].fines) == (2, 3, Decimal("5000.00"))
    assert depts["区经信委"].per_inspection == Decimal("3.00") and depts["区经信委"].rank == 1  # 2 each, more per inspection
    assert depts["区应急局"].rank == 2
    towns = {r.unit: r for r in data["town_office"]}
    assert towns["旧县街道应急办"].rank == 1 and towns["虎峰镇应急办"].inspections == 0
    tied = [r.rank for r in data["town_office"] if r.inspections == 0]
    assert len(set(tied)) == 1  # equal figures share a rank
    # a town user's report holds their own office only
    mine = intensity.report(users["jiuxian"], 2026, 10)
    assert [r.unit for r in mine["town_office"]] == ["旧县街道应急办"] and mine["department"] == []
    client = login(users["admin"])
    assert "区经信委" in client.get(reverse("intensity_report") + "?month=2026-10").content.decode()
    book = load_workbook(io.BytesIO(client.get(reverse("intensity_report") + "?month=2026-10&format=xlsx").getvalue()))
    assert book["监管部门"]["B3"].value == "区经信委" and book["监管部门"]["C3"].value == 2
    text = docx_text(client.get(reverse("intensity_report") + "?month=2026-10&format=docx").getvalue())
    assert "2026年10月" in text and "区经信委" in text
    assert client.get(reverse("intensity_report") + "?month=bad").status_code == 200  # falls back to this month
