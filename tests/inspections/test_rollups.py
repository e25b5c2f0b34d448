"""The dashboard's inspection tallies follow every recorded inspection and equal a recount."""

from anying.inspections import records, rollups
from anying.inspections.models import InspectionMonthTally
from anying.inspections.records import Finding

from .test_records import answer, kwargs


def test_each_recorded_inspection_is_tallied_with_its_findings(setup, users):
    s = setup
    items = list(s["template"].items.all())
    records.record(users["yingji"], s["ent"], **kwargs(s))
    results = answer(s["template"], {items[-1].pk: Finding("fail", "安全出口堵塞", "一车间")})
    inspection = records.record(users["yingji"], s["ent"], **kwargs(s, results=results))
    tally = InspectionMonthTally.objects.get(region=s["ent"].region, industry=s["ent"].industry,
                                             month=inspection.inspected_on.replace(day=1))
    assert (tally.n, tally.findings) == (2, 1)
    assert rollups.check() == []
    InspectionMonthTally.objects.update(n=9)
    assert rollups.check()
    rollups.rebuild()
    assert rollups.check() == []
