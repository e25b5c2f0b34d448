"""晾晒 rankings and 考核 scores: scoring, ties, 不适用, scope, permissions, snapshots, tick."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Notification, Organisation
from anying.oversight import rankings
from anying.oversight.indicators import HIGH, LOW, scores
from anying.oversight.models import Ranking, RankingScheme

from .test_dashboard import make_hazard

TODAY = timezone.localdate()


def test_scores_run_from_worst_0_to_best_100():
    assert scores({1: Decimal(10), 2: Decimal(5), 3: Decimal(0)}, HIGH) == {1: 100, 2: 50, 3: 0}
    assert scores({1: Decimal(10), 2: Decimal(5), 3: Decimal(0)}, LOW) == {1: 0, 2: 50, 3: 100}
    assert scores({1: Decimal(3), 2: Decimal(3)}, LOW) == {1: 100, 2: 100}
    assert scores({1: None, 2: Decimal(4), 3: Decimal(2)}, HIGH) == {1: None, 2: 100, 3: 0}
    assert str(scores({1: Decimal(7), 2: Decimal(0)}, LOW)[1]) == "0.00"  # never "-0.00"


def test_no_activity_earns_no_points_on_a_higher_is_better_indicator():
    assert scores({1: Decimal(0), 2: Decimal(0)}, HIGH) == {1: 0, 2: 0}  # nobody inspected: nobody scores
    assert scores({1: Decimal(0)}, HIGH) == {1: 0}
    assert scores({1: Decimal("0.01"), 2: Decimal("0.01")}, HIGH) == {1: 100, 2: 100}  # the least activity counts
    assert scores({1: Decimal(2), 2: Decimal(2), 3: Decimal(0)}, HIGH) == {1: 100, 2: 100, 3: 0}
    assert scores({1: Decimal(0), 2: Decimal(0)}, LOW) == {1: 100, 2: 100}  # no overdue hazard is the best
    assert str(scores({1: Decimal(0), 2: Decimal(0)}, HIGH)[1]) == "0.00"


def test_period_of_each_kind():
    assert rankings.period_of("month", dt.date(2026, 2, 14))[0].end == dt.date(2026, 2, 28)
    period, label = rankings.period_of("quarter", dt.date(2026, 11, 3))
    assert (period.start, period.end, label) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026年第四季度")
    assert rankings.period_of("week", dt.date(2026, 11, 26))[0].start == dt.date(2026, 11, 23)  # a Monday
    assert rankings.last_complete("year", dt.date(2026, 1, 1))[1] == "2025年"


@pytest.fixture
def scheme(db):
    return RankingScheme.objects.create(code="t", name="测试晾晒", subject=Organisation.Kind.TOWN_OFFICE,
                                        period="month", indicators=[{"code": "overdue_major", "weight": "60"},
                                                                    {"code": "overdue", "weight": "40"}])


@pytest.fixture
def ranked(users, make_enterprise, scheme):
    jx = make_enterprise("旧县机械厂", "旧县街道", "机械")
    make_hazard(jx, level="major", to=("start",), actor=users["admin"], deadline=TODAY - dt.timedelta(days=2))
    make_hazard(jx, to=("start",), actor=users["admin"], deadline=TODAY - dt.timedelta(days=2))
    hf = make_enterprise("虎峰机械厂", "虎峰镇", "机械")
    make_hazard(hf, to=("start",), actor=users["admin"], deadline=TODAY - dt.timedelta(days=2))
    return rankings.compute(users["admin"], scheme.pk, TODAY)


def test_a_ranking_scores_weights_and_ranks_every_town(ranked, make_enterprise, users, scheme):
    rows = {r["unit"]: r for r in ranked.rows}
    assert len(rows) == 2  # the towns with enterprises; the 27 others have nothing to supervise
    jiuxian, hufeng = rows["旧县街道应急办"], rows["虎峰镇应急办"]
    assert jiuxian["values"] == {"overdue_major": "1", "overdue": "2"}
    assert (jiuxian["total"], jiuxian["rank"]) == ("0.00", 2)  # worst on both
    assert hufeng["scores"] == {"overdue_major": "100.00", "overdue": "100.00"} and hufeng["rank"] == 1
    make_enterprise("二坪五金厂", "二坪镇", "机械")
    make_enterprise("华兴五金厂", "华兴镇", "机械")
    again = rankings.compute(users["admin"], scheme.pk, TODAY)
    clean = [r for r in again.rows if r["values"] == {"overdue_major": "0", "overdue": "0"}]
    assert sorted(r["unit"] for r in clean) == sorted(["华兴镇应急办", "二坪镇应急办"])
    assert {r["rank"] for r in clean} == {1} and {r["total"] for r in clean} == {"100.00"}  # ties share the rank
    assert [r["rank"] for r in again.rows] == [1, 1, 3, 4]  # the next rank after a tie skips
    hufeng = next(r for r in again.rows if r["unit"] == "虎峰镇应急办")
    assert hufeng["scores"] == {"overdue_major": "100.00", "overdue": "50.00"}
    assert hufeng["total"] == "80.00" and hufeng["rank"] == 3  # 0.6 × 100 + 0.4 × 50
    assert ranked.status == Ranking.Status.DRAFT
    assert AuditEvent.objects.filter(summary__startswith="计算排名").exists()


def test_towns_with_nothing_to_supervise_are_listed_apart_not_ranked(ranked, make_enterprise, users, scheme, login):
    assert len(ranked.unranked) == 27
    assert "二坪镇应急办" in {u["unit"] for u in ranked.unranked}
    assert not {u["unit_id"] for u in ranked.unranked} & {r["unit_id"] for r in ranked.rows}
    page = login(users["admin"]).get(f"/oversight/rankings/{ranked.pk}/").content.decode()
    assert "无监管对象，不参与排名" in page and "二坪镇应急办" in page
    # a closed enterprise is nothing to supervise; an operating one, even without any activity, is
    make_enterprise("二坪关停厂", "二坪镇", "机械", status="closed")
    assert "二坪镇应急办" in {u["unit"] for u in rankings.compute(users["admin"], scheme.pk, TODAY).unranked}
    make_enterprise("二坪五金厂", "二坪镇", "机械")
    again = rankings.compute(users["admin"], scheme.pk, TODAY)
    assert "二坪镇应急办" not in {u["unit"] for u in again.unranked}
    assert "二坪镇应急办" in {r["unit"] for r in again.rows}


def test_one_enterprise_and_no_inspection_scores_nothing_for_inspections(users, make_enterprise):
    scheme = RankingScheme.objects.create(code="t2", name="执法晾晒", subject=Organisation.Kind.TOWN_OFFICE,
                                          period="month", indicators=[{"code": "inspections", "weight": "50"},
                                                                      {"code": "overdue", "weight": "50"}])
    make_enterprise("二坪五金厂", "二坪镇", "机械")
    ranking = rankings.compute(users["admin"], scheme.pk, TODAY)
    [row] = ranking.rows
    assert row["unit"] == "二坪镇应急办" and row["values"] == {"inspections": "0", "overdue": "0"}
    assert row["scores"] == {"inspections": "0.00", "overdue": "100.00"}
    assert (row["total"], row["rank"]) == ("50.00", 1)  # not 100: zero inspections earn nothing


def test_publishing_freezes_the_snapshot_and_tells_the_ranked(ranked, users, scheme):
    rankings.publish(users["admin"], ranked.pk)
    assert Notification.objects.filter(user=users["jiuxian"], title__contains="测试晾晒").exists()
    with pytest.raises(ValidationError, match="已发布"):
        rankings.compute(users["admin"], scheme.pk, TODAY)
    rankings.save_scheme(users["admin"], scheme.pk, {"overdue": "100"})
    ranked.refresh_from_db()
    assert [i["code"] for i in ranked.indicators] == ["overdue_major", "overdue"]  # the snapshot kept


def test_towns_see_published_rankings_only_and_cannot_compute(ranked, users, scheme, login):
    assert not Ranking.objects.visible_to(users["jiuxian"]).exists()  # a draft
    assert login(users["jiuxian"]).get(f"/oversight/rankings/{ranked.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        rankings.compute(users["jiuxian"], scheme.pk, TODAY)
    with pytest.raises(PermissionDenied):
        rankings.publish(users["jiuxian"], ranked.pk)
    rankings.publish(users["admin"], ranked.pk)
    page = login(users["jiuxian"]).get(f"/oversight/rankings/{ranked.pk}/")
    assert page.status_code == 200 and "旧县街道应急办" in page.content.decode()


def test_a_town_office_ranks_only_itself(users, scheme, make_enterprise):
    from anying.core.models import Region
    from anying.oversight.indicators import Period

    town_office = Organisation.objects.get(name="旧县街道应急办")
    make_enterprise("旧县机械厂", "旧县街道", "机械")
    _, rows, _ = rankings.measure(scheme, town_office, Period(TODAY.replace(day=1), TODAY), TODAY)
    assert [r["unit"] for r in rows] == ["旧县街道应急办"]
    assert Region.objects.filter(name="旧县街道").exists()


def test_scheme_weights_are_validated_and_audited(users, scheme):
    with pytest.raises(ValidationError) as exc:
        rankings.save_scheme(users["admin"], scheme.pk, {"overdue": "-1", "closure_rate": "abc"})
    assert set(exc.value.message_dict) == {"overdue", "closure_rate"}
    with pytest.raises(ValidationError, match="至少"):
        rankings.save_scheme(users["admin"], scheme.pk, {"overdue": "0"})
    scheme.refresh_from_db()
    assert len(scheme.indicators) == 2  # nothing changed
    rankings.save_scheme(users["admin"], scheme.pk, {"overdue": "70", "closure_rate": "30"})
    scheme.refresh_from_db()
    assert scheme.indicators == [{"code": "overdue", "weight": "70"}, {"code": "closure_rate", "weight": "30"}]
    assert AuditEvent.objects.filter(summary="调整排名方案指标和权重").exists()


def test_the_tick_drafts_each_schemes_last_period_once(users, scheme):
    made = rankings.run()
    assert made == RankingScheme.objects.filter(is_active=True).count()
    assert rankings.run() == 0
    period, _ = rankings.last_complete("month", TODAY)
    assert Ranking.objects.get(scheme=scheme).period_start == period.start


def test_ranking_pages(ranked, users, login):
    client = login(users["admin"])
    assert "测试晾晒" in client.get("/oversight/rankings/").content.decode()
    response = client.post(f"/oversight/rankings/{ranked.pk}/publish/")
    assert response.status_code == 302
    ranked.refresh_from_db()
    assert ranked.status == Ranking.Status.PUBLISHED
    export = client.get(f"/oversight/rankings/{ranked.pk}/?export=xlsx")
    from io import BytesIO

    from openpyxl import load_workbook
    ws = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    assert ws["A1"].value.startswith("测试晾晒") and ws["A2"].value == "名次"
    assert ws.cell(row=3 + 1, column=2).value == "旧县街道应急办"  # last place
    assert any(str(c.value or "").startswith("无监管对象，不参与排名：") for c in ws["A"])


def test_periods_across_year_ends_and_leap_days():
    assert rankings.period_of("week", dt.date(2026, 1, 1))[0] == \
        rankings.Period(dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    assert rankings.period_of("month", dt.date(2028, 2, 29))[0].end == dt.date(2028, 2, 29)
    assert rankings.last_complete("quarter", dt.date(2027, 1, 1))[1] == "2026年第四季度"
    assert rankings.period_of("year", dt.date(2026, 7, 1))[0] == rankings.Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_a_town_cannot_post_a_ranking_or_a_report_it_may_not_make(users, scheme, login):
    client = login(users["duty"])  # 值班员: reads rankings and reports, makes neither
    assert client.post("/oversight/rankings/", {"scheme": scheme.pk, "day": TODAY.isoformat()}).status_code == 404
    assert client.post("/oversight/reports/", {"kind": "monthly", "day": TODAY.isoformat()}).status_code == 404
    assert not Ranking.objects.exists()


def test_a_ranking_works_out_each_units_territory_once(users, scheme, django_assert_max_num_queries):
    from anying.oversight.indicators import Period

    office = Organisation.objects.get(name="区安委办")
    # per town: its territory once (region path, industries, subtree: 3), whether it has any
    # enterprise and two indicators; 232 without the cache
    with django_assert_max_num_queries(29 * (3 + 1 + 2) + 5):
        rankings.measure(scheme, office, Period(TODAY.replace(day=1), TODAY), TODAY)
