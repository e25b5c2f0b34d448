"""双随机一公开: quotas, fairness (every eligible target can be drawn), exclusions, expired
certificates, reproducibility and verification, pages and the public page."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from anying.core.errors import PermissionDenied
from anying.core.models import Organisation
from anying.inspections import draws
from anying.inspections.models import Draw, Exclusion, Inspector

RATIOS = {"key": 50, "standardized": 20, "general": 30}


# ----- the pure algorithm -----

@given(total=st.integers(0, 300), ratios=st.dictionaries(st.sampled_from(list(draws.CATEGORIES)),
                                                         st.floats(0, 100), min_size=1),
       available=st.dictionaries(st.sampled_from(list(draws.CATEGORIES)), st.integers(0, 200)))
def test_quotas_fill_what_they_can_and_never_overdraw(total, ratios, available):
    counts = draws.quotas(total, ratios, available)
    possible = sum(available.get(c, 0) for c, r in ratios.items() if r > 0)
    assert sum(counts.values()) == min(total, possible)
    assert all(counts[c] <= available.get(c, 0) for c in counts)
    assert all(counts[c] == 0 for c, r in ratios.items() if r == 0)


def candidates(n_targets=40, n_inspectors=6, exclusions=()):
    return {"targets": [[i, "general" if i % 3 else "key"] for i in range(1, n_targets + 1)],
            "inspectors": list(range(101, 101 + n_inspectors)), "exclusions": [list(e) for e in exclusions]}


PARAMS = {"targets": 10, "ratios": {"key": 1.0, "standardized": 0.0, "general": 1.0}, "inspectors_per_target": 2}


@settings(max_examples=60, deadline=None)
@given(seed=st.text("0123456789abcdef", min_size=32, max_size=32),
       excluded=st.sets(st.tuples(st.integers(101, 106), st.integers(1, 40)), max_size=40))
def test_a_draw_respects_quotas_exclusions_and_team_size(seed, excluded):
    pool = candidates(exclusions=sorted(excluded))
    result = draws.select(seed, PARAMS, pool)
    assert len(result) == 10 and len({d.enterprise_id for d in result}) == 10
    assert sum(d.category == "key" for d in result) == 5
    for d in result:
        assert len(set(d.inspectors)) == 2 and not any((i, d.enterprise_id) in excluded for i in d.inspectors)
    assert result == draws.select(seed, PARAMS, pool)  # same inputs, same draw


def test_every_eligible_target_and_inspector_can_be_drawn():
    pool = candidates()
    seen_targets, seen_inspectors = set(), set()
    for n in range(400):
        for d in draws.select(f"{n:032x}", PARAMS, pool):
            seen_targets.add(d.enterprise_id)
            seen_inspectors.update(d.inspectors)
    assert seen_targets == {t for t, _ in pool["targets"]}
    assert seen_inspectors == set(pool["inspectors"])


def test_too_few_unconflicted_inspectors_is_refused():
    pool = candidates(n_inspectors=2, exclusions=[(101, t) for t in range(1, 41)])
    with pytest.raises(ValidationError, match="执法人员不足"):
        draws.select("0" * 32, PARAMS, pool)


# ----- with the database -----

@pytest.fixture
def bureau(district):
    return Organisation.objects.get(name="区应急局")


@pytest.fixture
def staffed(bureau, make_enterprise):
    today = timezone.localdate()
    people = [Inspector.objects.create(unit=bureau, name=f"执法{i}", certificate_no=f"T{i:03d}",
                                       certificate_expiry=today + dt.timedelta(days=300)) for i in range(4)]
    lapsed = Inspector.objects.create(unit=bureau, name="过期", certificate_no="T999",
                                      certificate_expiry=today - dt.timedelta(days=1))
    ents = [make_enterprise(f"企业{i}", "旧县街道", "机械", tags=["dust"] if i < 3 else ()) for i in range(8)]
    Exclusion.objects.create(inspector=people[0], enterprise=ents[0], reason="亲属")
    return people, lapsed, ents


def test_draw_records_everything_needed_to_verify(staffed, users, bureau):
    people, lapsed, ents = staffed
    record = draws.draw(users["yingji"], bureau, title="2026 年第一批", targets=4, ratios=RATIOS)
    assert record.algorithm == draws.ALGORITHM and len(record.seed) == 32
    assert lapsed.pk not in record.candidates["inspectors"]  # expired certificate: not a candidate
    assert [people[0].pk, ents[0].pk] in record.candidates["exclusions"]
    targets = list(record.targets.prefetch_related("inspectors"))
    assert len(targets) == 4 and sum(t.category == "key" for t in targets) == 2
    for t in targets:
        team = {i.pk for i in t.inspectors.all()}
        assert len(team) == 2 and lapsed.pk not in team
        assert not (t.enterprise_id == ents[0].pk and people[0].pk in team)
    assert draws.verify(record) == (True, draws.verify(record)[1])


def test_verify_command_detects_tampering(staffed, users, bureau):
    record = draws.draw(users["yingji"], bureau, title="抽查", targets=3, ratios=RATIOS)
    out = StringIO()
    call_command("draw", "verify", str(record.pk), stdout=out)
    assert "一致" in out.getvalue()
    target = record.targets.first()
    other = Inspector.objects.exclude(pk__in=target.inspectors.values("pk")).exclude(name="过期").first()
    target.inspectors.set([other, *list(target.inspectors.all())[:1]])
    with pytest.raises(CommandError, match="不一致"):
        call_command("draw", "verify", str(record.pk), stdout=StringIO())
    Draw.objects.filter(pk=record.pk).update(candidates={**record.candidates, "inspectors": []})
    ok, message = draws.verify(Draw.objects.get(pk=record.pk))
    assert not ok and "摘要" in message


def test_who_may_draw(staffed, users, bureau):
    with pytest.raises(PermissionDenied):
        draws.draw(users["jiuxian"], bureau, title="x", targets=1, ratios=RATIOS)  # another unit
    with pytest.raises(PermissionDenied):
        draws.draw(users["leader"], bureau, title="x", targets=1, ratios=RATIOS)
    with pytest.raises(ValidationError) as exc:
        draws.draw(users["yingji"], bureau, title="x", targets=0, ratios={"key": -1}, inspectors_per_target=1)
    assert set(exc.value.message_dict) == {"targets", "ratios", "inspectors_per_target"}
    assert not Draw.objects.exists()


def test_pages_and_publication(staffed, users, login, client):
    page = login(users["yingji"])
    response = page.post(reverse("draw_create"), {"title": "第一批", "targets": 3, "key": 50, "standardized": 20,
                                                  "general": 30, "inspectors_per_target": 2, "plan_month": ""})
    record = Draw.objects.get()
    assert response["Location"] == reverse("draw_detail", args=[record.pk])
    assert "一致" in page.get(reverse("draw_detail", args=[record.pk]) + "?verify=1").content.decode()
    public = client.get(reverse("draw_public", args=[record.public_token])).content.decode()  # no login
    assert record.seed in public and record.targets.first().enterprise.name in public
    assert login(users["hufeng"]).get(reverse("draw_detail", args=[record.pk])).status_code == 404
    assert client.get(reverse("draw_public", args=["guess"])).status_code == 404


def test_a_department_sees_only_its_industries_targets_of_another_units_draw(staffed, users, login, make_enterprise,
                                                                             bureau):
    from anying.core.services import create_token

    make_enterprise("危化甲", "旧县街道", "危险化学品")
    record = draws.draw(users["yingji"], bureau, title="全部", targets=9, ratios=RATIOS)
    assert record.targets.filter(enterprise__name="危化甲").exists()
    body = login(users["jingxin"]).get(reverse("draw_detail", args=[record.pk])).content.decode()
    assert "企业1" in body and "危化甲" not in body
    _, secret = create_token(None, users["jingxin"], "t")
    from django.test import Client

    out = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(f"/api/v1/inspections/draws/{record.pk}").json()
    assert len(out["targets"]) == 8


def test_too_few_inspectors_names_the_enterprise_not_its_id(staffed, users, bureau):
    """issue #13: the refusal named “企业 152”; a clerk needs the enterprise's name."""
    people, lapsed, ents = staffed
    for person in people[1:]:
        Exclusion.objects.create(inspector=person, enterprise=ents[1], reason="亲属")
    with pytest.raises(ValidationError) as refused:
        draws.draw(users["yingji"], bureau, title="抽查", targets=8, ratios={"general": 1, "key": 1})
    message = "；".join(refused.value.messages)
    assert "企业1只有 1 名无需回避的执法人员" in message and "每家企业需要 2 名" in message
    assert f"企业 {ents[1].pk}" not in message and not Draw.objects.exists()


@pytest.mark.parametrize("argv, expected", [
    ([], "用法：anying draw verify 编号"),
    (["check", "1"], "用法：anying draw verify 编号"),
    (["verify"], "请给出抽取编号（正整数）"),
    (["verify", "abc"], "请给出抽取编号（正整数）"),
    (["verify", "99"], "没有编号为 99 的抽取；系统中还没有任何抽取记录"),
])
def test_verify_command_answers_in_chinese(db, argv, expected):
    with pytest.raises(CommandError, match=expected):
        call_command("draw", *argv, stdout=StringIO())


def test_verify_works_on_the_demo_draw(db):
    """The draw pages tell anyone to run `anying draw verify 编号`: right after the demo it works."""
    call_command("demo", "--no-serve", stdout=StringIO())
    record = Draw.objects.get()
    out = StringIO()
    call_command("draw", "verify", str(record.pk), stdout=out)
    assert "一致" in out.getvalue() and f"第 {record.pk} 号" in out.getvalue()
    with pytest.raises(CommandError, match=f"现有的抽取编号：{record.pk}"):
        call_command("draw", "verify", str(record.pk + 1), stdout=StringIO())
    page = Client().get(reverse("draw_public", args=[record.public_token])).content.decode()
    assert f"anying draw verify {record.pk}" in page
