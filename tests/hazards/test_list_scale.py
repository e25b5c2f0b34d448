"""What keeps the hazard list fast at a million rows (docs/decisions.md §16): capped counts,
reading through the sort index when rows are plentiful, and a search on the hazard table."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anying.core import listing
from anying.hazards.models import Hazard
from anying.hazards.queries import HazardFilter, list_queryset


@pytest.fixture
def twelve(factory):
    return [factory(place=f"{i}号车间") for i in range(12)]


def test_the_count_stops_at_the_cap_and_says_so(twelve, users, login, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 5)
    body = login(users["jiuxian"]).get(reverse("hazard_list")).content.decode()
    assert "5+</strong> 条" in body and "请用筛选条件缩小范围" in body
    narrow = login(users["jiuxian"]).get(reverse("hazard_list") + "?q=11号").content.decode()
    assert "1</strong> 条" in narrow and "缩小范围" not in narrow


def test_plentiful_rows_switch_the_page_query(twelve):
    seen = []

    def plentiful(qs):
        seen.append(True)
        return qs

    request = RequestFactory().get("/")
    page = listing.paginate(request, Hazard.objects.order_by("-found_on", "-id"), capped=5, when_plentiful=plentiful)
    assert seen and page.paginator.capped and page.paginator.count == 5 and len(page.object_list) == 5
    seen.clear()
    page = listing.paginate(request, Hazard.objects.all(), capped=50, when_plentiful=plentiful)
    assert not seen and not page.paginator.capped and page.paginator.count == 12


def test_prefer_index_only_changes_sqlite(twelve):
    qs = listing.prefer_index(Hazard.objects.order_by("-found_on", "-id"), "hazard_found_desc")
    sql = str(qs.query)
    if connection.vendor == "sqlite":
        assert 'INDEXED BY "hazard_found_desc"' in sql
    else:
        assert "INDEXED BY" not in sql
    assert list(qs) == list(Hazard.objects.order_by("-found_on", "-id"))  # same rows, same order


def test_search_finds_enterprise_place_and_description(factory, users):
    hazards = [factory(place="喷涂车间"), factory(description="配电箱门未关")]
    found = lambda q: set(list_queryset(users["jiuxian"], HazardFilter.from_params({"q": q})))  # noqa: E731
    assert found("喷涂") == {hazards[0]}
    assert found("配电箱") == {hazards[1]}
    assert found(factory.enterprise.name[:4]) == set(hazards)
    assert found("没有这个词") == set()


def test_scope_by_region_subquery_still_isolates_towns(factory, users):
    factory()
    assert list_queryset(users["jiuxian"], HazardFilter()).count() == 1
    assert list_queryset(users["hufeng"], HazardFilter()).count() == 0


def test_the_search_index_follows_every_change(factory, users):
    hazard = factory(place="除尘器旁", description="泄爆片缺失")
    found = lambda q: set(list_queryset(users["jiuxian"], HazardFilter.from_params({"q": q})))  # noqa: E731
    with CaptureQueriesContext(connection) as ctx:
        assert found("泄爆片") == {hazard}
    assert any("MATCH" in q["sql"] for q in ctx.captured_queries) == (connection.vendor == "sqlite")
    Hazard.objects.filter(pk=hazard.pk).update(description="积尘超标")
    assert found("泄爆片") == set() and found("积尘超") == {hazard}
    assert found('"积尘') == set()  # FTS syntax in a term is searched for literally, not parsed
    Hazard.objects.filter(pk=hazard.pk).delete()
    assert found("积尘超") == set()


def test_one_and_two_character_terms_use_the_pair_index(factory, users):
    """氨气, 车间: below a trigram, answered by the character-pair index on both databases,
    exactly (no row that only has the characters apart), and kept in step with every change."""
    ammonia = factory(place="液氨储罐区", description="氨气检测报警仪未校验")
    apart = factory(place="气瓶间", description="氨水桶未标识")  # 氨 and 气, never 氨气
    other = factory(place="配电房", description="门未关")
    found = lambda q: set(list_queryset(users["jiuxian"], HazardFilter.from_params({"q": q})))  # noqa: E731
    with CaptureQueriesContext(connection) as ctx:
        assert found("氨气") == {ammonia}
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert ("_pairs" in sql) if connection.vendor == "sqlite" else ("anying_bigrams" in sql)
    assert found("氨") == {ammonia, apart}  # one character: every hazard holding it
    assert found("未") == {ammonia, apart, other}
    assert found("房") == {other}  # the last character of a column counts too
    assert found("门未") == {other} and found("区氨") == set()  # pairs never span two columns
    Hazard.objects.filter(pk=other.pk).update(description="氨气管道泄漏")
    assert found("氨气") == {ammonia, other} and found("门未") == set()
    Hazard.objects.filter(pk=ammonia.pk).delete()
    assert found("氨气") == {other}
    assert found("氨,") == set()  # punctuation: the plain scan, same answer


def test_a_one_character_search_of_enterprise_names(factory, users):
    hazard = factory()
    name = factory.enterprise.name  # 旧县机械厂
    found = lambda q: set(list_queryset(users["jiuxian"], HazardFilter.from_params({"q": q})))  # noqa: E731
    assert found(name[-1]) == {hazard} and found(name[1:3]) == {hazard} and found("鑫") == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_the_pair_expression_is_the_indexed_one(factory, users):
    """The query's expression must be the index's, or PostgreSQL scans: with sequential scans
    off, the plan reads hazards_hazard_bigrams."""
    from anying.core.textsearch import contains_any
    from anying.hazards.queries import TEXT_COLUMNS

    factory(description="氨气")
    qs = Hazard.objects.filter(contains_any(Hazard, TEXT_COLUMNS, "氨气"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "hazards_hazard_bigrams" in plan


def test_a_description_longer_than_the_bound_is_refused_with_nothing_saved(factory):
    from django.core.exceptions import ValidationError

    from anying.hazards.services import DESCRIPTION_MAX

    before = Hazard.objects.count()
    with pytest.raises(ValidationError) as exc:
        factory(description="氨" * (DESCRIPTION_MAX + 1))
    assert "隐患描述不能超过" in str(exc.value) and Hazard.objects.count() == before
    assert factory(description="氨气" * (DESCRIPTION_MAX // 2)).pk  # at the bound: saved and indexed


@pytest.mark.parametrize("regime", ["by key", "middling", "dense"])
def test_rare_middling_and_dense_terms_give_the_same_rows(factory, users, monkeypatch, regime):
    """The search lists a rare term's few ids by key, lets PostgreSQL choose for a middling one,
    and walks for a dense one (text_search): the same rows every way, scope kept."""
    from anying.core import textsearch
    from anying.hazards import queries

    hits = [factory(place="配电房"), factory(description="配电箱门未关"), factory(place="喷涂车间", description="配电柜")]
    factory(place="仓库")
    if regime != "by key":
        monkeypatch.setattr(queries, "MATCHES_INLINE", 1)  # more matches than can be listed by key
    if regime == "dense":
        monkeypatch.setattr(textsearch, "DENSE_MATCHES", 0)
    found = lambda user, q: set(list_queryset(users[user], HazardFilter.from_params({"q": q})))  # noqa: E731
    assert found("jiuxian", "配电") == set(hits)
    assert found("jiuxian", "配电箱") == {hits[1]}
    assert found("hufeng", "配电") == set()  # another town's inspector


def test_a_dense_term_counts_to_a_lower_cap(factory, users, login, monkeypatch):
    from anying.core import textsearch
    from anying.hazards import queries

    for i in range(4):
        factory(place=f"{i}号配电房")
    monkeypatch.setattr(queries, "MATCHES_INLINE", 1)
    monkeypatch.setattr(textsearch, "DENSE_MATCHES", 0)  # every term dense
    monkeypatch.setattr(queries, "DENSE_SEARCH_COUNT_CAP", 2)
    body = login(users["jiuxian"]).get(reverse("hazard_list") + "?q=配电").content.decode()
    assert "2+</strong> 条" in body
