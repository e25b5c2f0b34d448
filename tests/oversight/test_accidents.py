"""生产安全事故: grade at every threshold of 条例第三条, scope, permission, audit, investigation
and closing, 回头看 reminders, the 约谈 flag, pages and export."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from anying.core import audit
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Notification
from anying.oversight import accidents
from anying.oversight.filters import AccidentFilter
from anying.oversight.models import Accident, AccidentGradeRule, Interview
from anying.standards.models import AccidentType

pytestmark = pytest.mark.django_db

E = Decimal


@pytest.fixture
def ent(make_enterprise):
    return make_enterprise("旧县机械厂", "旧县街道", "机械")


@pytest.fixture
def other(make_enterprise):
    return make_enterprise("虎峰建材厂", "虎峰镇", "建材")


@pytest.fixture
def kind():
    return AccidentType.objects.get(code="WSA10004")  # 机械致害


@pytest.fixture
def record(users, kind):
    def make(enterprise, actor=None, when=None, **data):
        base = {"occurred_at": when or timezone.now() - dt.timedelta(days=1), "place": "车间",
                "enterprise": enterprise, "accident_type": kind, "summary": "冲床伤人"}
        return accidents.record(actor or users["admin"], {**base, **data})

    return make


# --- grade --------------------------------------------------------------------------------------

@pytest.mark.parametrize("deaths, serious, loss, grade", [
    (0, 0, E("0"), "general"),
    (2, 0, E("0"), "general"), (3, 0, E("0"), "larger"),
    (9, 0, E("0"), "larger"), (10, 0, E("0"), "major"),
    (29, 0, E("0"), "major"), (30, 0, E("0"), "especially"),
    (0, 9, E("0"), "general"), (0, 10, E("0"), "larger"),
    (0, 49, E("0"), "larger"), (0, 50, E("0"), "major"),
    (0, 99, E("0"), "major"), (0, 100, E("0"), "especially"),
    (0, 0, E("9999999.99"), "general"), (0, 0, E("10000000"), "larger"),
    (0, 0, E("49999999.99"), "larger"), (0, 0, E("50000000"), "major"),
    (0, 0, E("99999999.99"), "major"), (0, 0, E("100000000"), "especially"),
    # the highest grade any measure reaches wins
    (1, 10, E("0"), "larger"), (3, 50, E("0"), "major"), (0, 9, E("100000000.00"), "especially"),
    (10, 0, E("10000000"), "major"), (2, 9, E("9999999.99"), "general"),
])
def test_grade_at_every_threshold(deaths, serious, loss, grade):
    assert accidents.grade_of(deaths, serious, loss) == grade


def test_grade_thresholds_are_data_with_their_source():
    rules = {r.grade: r for r in AccidentGradeRule.objects.all()}
    assert set(rules) == {"general", "larger", "major", "especially"}
    assert rules["especially"].min_direct_loss == E("100000000")
    assert "第三条" in rules["larger"].source
    AccidentGradeRule.objects.filter(grade="larger").update(min_deaths=2)  # a changed rule changes the result
    assert accidents.grade_of(2, 0, E("0")) == "larger"


def test_recorded_grade_is_computed_and_follows_edits(record, ent, users):
    accident = record(ent, deaths=2, direct_loss="9999999.99")
    assert accident.grade == "general"
    data = {"occurred_at": accident.occurred_at, "place": "车间", "enterprise": ent,
            "accident_type": accident.accident_type, "summary": "冲床伤人", "deaths": 2, "direct_loss": "10000000"}
    assert accidents.update(users["admin"], accident.pk, data).grade == "larger"


# --- recording: validation, scope, permission, audit ---------------------------------------------

def test_enterprise_fields_are_copied(record, ent):
    accident = record(ent)
    assert (accident.region, accident.industry, accident.organisation_id) == (ent.region, ent.industry,
                                                                              ent.organisation_id)
    assert accident.unit.name == "旧县街道应急办"  # the town's office follows it by default


def test_without_enterprise_needs_town_industry_and_party(users, kind, town, industry):
    base = {"occurred_at": timezone.now(), "place": "村道旁", "accident_type": kind, "summary": "坠落"}
    with pytest.raises(ValidationError) as exc:
        accidents.record(users["admin"], base)
    assert {"region", "industry", "party"} <= set(exc.value.message_dict)
    accident = accidents.record(users["admin"], {**base, "region": town("虎峰镇"), "industry": industry("建设施工"),
                                                 "party": "个体户 王某"})
    assert accident.organisation_id is None and accident.party_name == "个体户 王某"


@pytest.mark.parametrize("field, value", [("deaths", -1), ("direct_loss", "-5"), ("direct_loss", "NaN"),
                                          ("place", ""), ("summary", " ")])
def test_bad_input_changes_nothing(record, ent, field, value):
    with pytest.raises(ValidationError) as exc:
        record(ent, **{field: value})
    assert field in exc.value.message_dict
    assert not Accident.objects.exists()


def test_future_time_refused(record, ent):
    with pytest.raises(ValidationError):
        record(ent, when=timezone.now() + dt.timedelta(hours=2))


def test_town_user_records_only_in_its_town(record, ent, other, users):
    record(ent, actor=users["jiuxian"])
    with pytest.raises(ValidationError) as exc:  # another town's enterprise is not found at all by its id
        record(other.pk, actor=users["jiuxian"])
    assert "enterprise" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        record(other, actor=users["jiuxian"])
    assert Accident.objects.count() == 1


def test_permission(record, ent, users, enterprise_user):
    with pytest.raises(PermissionDenied):
        record(ent, actor=users["leader"])  # leaders read, inspectors record
    with pytest.raises(PermissionDenied):
        record(ent, actor=enterprise_user(ent))


def test_scope_town_user_never_sees_or_counts_another_town(record, ent, other, users):
    mine, theirs = record(ent, deaths=1), record(other, deaths=4)
    assert list(accidents.visible(users["jiuxian"])) == [mine]
    today = timezone.localdate()
    figures = accidents.summary(users["jiuxian"], today - dt.timedelta(days=30), today)
    assert figures["count"] == 1 and figures["deaths"] == 1 and figures["by_grade"]["larger"] == 0
    district = accidents.summary(users["admin"], today - dt.timedelta(days=30), today)
    assert district["count"] == 2 and district["deaths"] == 5 and district["by_grade"]["larger"] == 1
    assert theirs not in AccidentFilter({"year": today.year, "grade": "general"}).apply(accidents.visible(users["hufeng"]))


def test_summary_counts_local_days(record, ent, users):
    today = timezone.localdate()
    midnight = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=3), dt.time(0, 0)))
    record(ent, when=midnight, direct_loss="1000.50")
    day = today - dt.timedelta(days=3)
    assert accidents.summary(users["admin"], day, day)["direct_loss"] == E("1000.50")
    assert accidents.summary(users["admin"], day - dt.timedelta(days=1), day - dt.timedelta(days=1))["count"] == 0


def test_summary_is_one_query(record, ent, users, django_assert_max_num_queries):
    record(ent)
    user = users["jiuxian"]
    accidents.visible(user).exists()  # scope facts are cached on the user
    with django_assert_max_num_queries(1):
        accidents.summary(user, dt.date(2000, 1, 1), timezone.localdate())


def test_every_change_is_audited(record, ent, users):
    accident = record(ent, deaths=3)
    event = audit.history(accident).get(action=AuditEvent.Action.CREATE)
    assert event.actor == users["admin"] and event.after["grade"] == "较大事故"
    _investigate(users["admin"], accident)
    accidents.close(users["admin"], accident.pk)
    summaries = set(audit.history(accident).values_list("summary", flat=True))
    assert {"保存事故调查（一案双查）", "结案"} <= summaries


# --- investigation, closing, 回头看 ----------------------------------------------------------------

def _investigate(user, accident, report_date=None):
    return accidents.save_investigation(user, accident.pk, {
        "team": "区政府牵头", "findings": "违章作业", "enterprise_responsibility": "未落实培训",
        "supervision_responsibility": "镇街检查流于形式，约谈提醒", "measures": "全面排查",
        "report_date": report_date or timezone.localdate()})


def test_closing_needs_the_investigation(record, ent, users):
    accident = record(ent)
    with pytest.raises(ValidationError):
        accidents.close(users["admin"], accident.pk)
    _investigate(users["admin"], accident)
    accident.refresh_from_db()
    assert accident.status == Accident.Status.INVESTIGATING
    closed = accidents.close(users["admin"], accident.pk)
    assert closed.status == Accident.Status.CLOSED
    assert closed.lookback_due == accidents.one_year_after(timezone.localdate())
    with pytest.raises(ValidationError):
        accidents.update(users["admin"], accident.pk, {})


def test_investigation_requires_both_responsibilities(record, ent, users):
    accident = record(ent)
    with pytest.raises(ValidationError) as exc:
        accidents.save_investigation(users["admin"], accident.pk, {"team": "x", "findings": "y",
                                                                   "report_date": timezone.localdate()})
    assert {"enterprise_responsibility", "supervision_responsibility", "measures"} <= set(exc.value.message_dict)


def test_one_year_after():
    assert accidents.one_year_after(dt.date(2025, 3, 1)) == dt.date(2026, 3, 1)
    assert accidents.one_year_after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


@pytest.fixture
def closed(record, ent, users):
    accident = record(ent, when=timezone.now() - dt.timedelta(days=400))
    _investigate(users["admin"], accident, timezone.localdate() - dt.timedelta(days=380))
    return accidents.close(users["admin"], accident.pk, timezone.localdate() - dt.timedelta(days=370))


def test_lookback_reminder_due_exactly_one_year_after_closure(closed, users):
    due = closed.lookback_due
    now = lambda day: timezone.make_aware(dt.datetime.combine(day, dt.time(9)))  # noqa: E731
    assert accidents.lookback_run(now(due - dt.timedelta(days=1))) == 0
    assert accidents.lookback_run(now(due)) == 1
    assert accidents.lookback_run(now(due)) == 0  # sent once
    assert accidents.lookback_run(now(due + dt.timedelta(days=30))) == 0
    told = set(Notification.objects.filter(title__startswith="事故回头看：").values_list("user__username", flat=True))
    assert "回头看到期" in Notification.objects.filter(title__startswith="事故回头看：").first().body
    assert told == {"jiuxian"}  # the responsible unit (旧县街道应急办), not another town


def test_lookback_record(closed, users):
    with pytest.raises(ValidationError):
        accidents.record_lookback(users["admin"], closed.pk, {"date": timezone.localdate(), "findings": ""})
    lookback = accidents.record_lookback(users["jiuxian"], closed.pk, {
        "date": timezone.localdate(), "findings": "整改措施已全部落实", "implemented": True})
    assert lookback.implemented and closed.lookbacks.count() == 1
    with pytest.raises(PermissionDenied):
        accidents.record_lookback(users["hufeng"], closed.pk, {
            "date": timezone.localdate(), "findings": "x", "implemented": False})


# --- 约谈 ----------------------------------------------------------------------------------------

def _at(year, month, day=15):
    return timezone.make_aware(dt.datetime(year, month, day, 10))


def test_interview_flag_at_two_fatal_accidents_in_a_year(record, ent, users):
    year = timezone.localdate().year - 1
    record(ent, when=_at(year, 3), deaths=1)
    record(ent, when=_at(year, 5), deaths=0, serious_injuries=2)  # not fatal
    assert accidents.interview_candidates(users["admin"], year) == []
    record(ent, when=_at(year, 9), deaths=2)
    rows = accidents.interview_candidates(users["admin"], year)
    assert [(r["enterprise"], r["fatal"], r["deaths"]) for r in rows] == [(ent, 2, 3)]
    assert accidents.interview_candidates(users["hufeng"], year) == []  # another town's list


def test_no_interview_flag_for_two_years(record, ent, users):
    year = timezone.localdate().year - 1
    record(ent, when=_at(year - 1, 12, 31), deaths=1)
    record(ent, when=_at(year, 1, 1), deaths=1)
    assert accidents.interview_candidates(users["admin"], year) == []
    assert accidents.interview_candidates(users["admin"], year - 1) == []


def test_interview_recorded(record, ent, users):
    year = timezone.localdate().year - 1
    with pytest.raises(ValidationError):  # not flagged
        accidents.record_interview(users["admin"], ent.pk, year, {"held_on": timezone.localdate(), "notes": "x"})
    record(ent, when=_at(year, 3), deaths=1)
    record(ent, when=_at(year, 4), deaths=1)
    accidents.record_interview(users["admin"], ent.pk, year, {"held_on": timezone.localdate(), "notes": "约谈主要负责人",
                                                             "joint_punishment": True})
    interview = Interview.objects.get()
    assert interview.joint_punishment
    assert accidents.interview_candidates(users["admin"], year)[0]["interview"] == interview
    with pytest.raises(PermissionDenied):
        accidents.record_interview(users["hufeng"], ent.pk, year, {"held_on": timezone.localdate(), "notes": "x"})


# --- pages -----------------------------------------------------------------------------------------

def test_pages_scope_and_permission(record, ent, other, users, login, enterprise_user):
    mine, theirs = record(ent), record(other)
    town = login(users["jiuxian"])
    page = town.get("/oversight/accidents/")
    assert page.status_code == 200 and list(page.context["page"]) == [mine]
    assert town.get(f"/oversight/accidents/{mine.pk}/").status_code == 200
    assert town.get(f"/oversight/accidents/{theirs.pk}/").status_code == 404
    assert town.get(f"/oversight/accidents/{theirs.pk}/edit/").status_code == 404
    assert login(enterprise_user(ent)).get("/oversight/accidents/").status_code == 404
    assert login(users["leader"]).get("/oversight/accidents/new/").status_code == 404
    assert login(users["leader"]).get(f"/oversight/accidents/{mine.pk}/").status_code == 200


def test_record_through_the_form(users, login, ent, kind):
    client = login(users["jiuxian"])
    response = client.post("/oversight/accidents/new/", {
        "occurred_at": (timezone.localtime() - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"), "place": "冲压车间",
        "party": ent.name, "enterprise": ent.pk, "accident_type": kind.pk, "deaths": "3", "serious_injuries": "0",
        "minor_injuries": "1", "direct_loss": "2000000", "summary": "冲床伤人"})
    assert response.status_code == 302
    accident = Accident.objects.get()
    assert accident.grade == "larger" and accident.created_by == users["jiuxian"]
    page = client.get(response["Location"]).content.decode()
    assert "较大事故" in page
    bad = client.post("/oversight/accidents/new/", {"occurred_at": "", "place": "", "accident_type": kind.pk,
                                                    "deaths": "0", "serious_injuries": "0", "minor_injuries": "0",
                                                    "direct_loss": "0", "summary": "x", "party": "未登记"})
    assert bad.status_code == 200 and Accident.objects.count() == 1


def test_investigate_and_close_through_the_page(record, ent, users, login):
    accident = record(ent)
    client = login(users["jiuxian"])
    client.post(f"/oversight/accidents/{accident.pk}/act/close/", {"closed_on": timezone.localdate().isoformat()})
    accident.refresh_from_db()
    assert accident.status == Accident.Status.RECORDED  # refused: no investigation yet
    client.post(f"/oversight/accidents/{accident.pk}/act/investigation/", {
        "team": "调查组", "findings": "原因", "enterprise_responsibility": "企业", "supervision_responsibility": "监管",
        "measures": "措施", "report_date": timezone.localdate().isoformat()})
    client.post(f"/oversight/accidents/{accident.pk}/act/close/", {"closed_on": timezone.localdate().isoformat()})
    accident.refresh_from_db()
    assert accident.status == Accident.Status.CLOSED
    assert login(users["hufeng"]).post(f"/oversight/accidents/{accident.pk}/act/lookback/", {}).status_code == 404


def test_list_filters_and_export(record, ent, other, users, login):
    year = timezone.localdate().year - 1
    record(ent, when=_at(year, 3), deaths=3)
    record(ent, when=_at(year, 4))
    record(other, when=_at(year, 5))
    client = login(users["admin"])
    page = client.get(f"/oversight/accidents/?year={year}&grade=larger")
    assert [a.deaths for a in page.context["page"]] == [3]
    assert page.context["totals"]["count"] == 1
    town = client.get(f"/oversight/accidents/?year={year}&region={ent.region_id}")
    assert len(town.context["page"]) == 2
    response = client.get(f"/oversight/accidents/?year={year}&region={ent.region_id}&export=xlsx")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.values)
    assert rows[0][0].startswith(f"{year}年生产安全事故台账　筛选条件：镇街：旧县街道") and rows[1][0] == "发生时间"
    assert len(rows) == 4 and {r[3] for r in rows[2:]} == {"旧县机械厂"}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_list_query_count(record, ent, users, login, django_assert_max_num_queries):
    for _ in range(15):
        record(ent)
    client = login(users["jiuxian"])
    with django_assert_max_num_queries(16):  # session, user, scope facts, counts, menus: none per row
        assert client.get("/oversight/accidents/").status_code == 200


def test_interview_page(record, ent, users, login):
    year = timezone.localdate().year - 1
    record(ent, when=_at(year, 3), deaths=1)
    record(ent, when=_at(year, 6), deaths=1)
    client = login(users["jiuxian"])
    page = client.get(f"/oversight/accidents/interviews/?year={year}")
    assert [r["enterprise"] for r in page.context["rows"]] == [ent]
    client.post(f"/oversight/accidents/interviews/{year}/{ent.pk}/", {"held_on": timezone.localdate().isoformat(),
                                                                     "notes": "约谈企业主要负责人"})
    assert Interview.objects.filter(enterprise=ent, year=year).exists()
    assert login(users["hufeng"]).get(f"/oversight/accidents/interviews/?year={year}").context["rows"] == []


def test_enterprise_search_is_scoped(ent, other, users, login):
    search = "/oversight/accidents/enterprises/"
    assert login(users["jiuxian"]).get(search, {"party": "虎峰建材"}).context["found"] == []
    assert login(users["jiuxian"]).get(search, {"party": "旧县机械"}).context["found"] == [ent]
    assert login(users["admin"]).get(search, {"party": "虎峰建材"}).context["found"] == [other]


def test_the_enterprise_page_links_to_its_accidents(users, make_enterprise, login):
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械")
    page = login(users["jiuxian"]).get(f"/enterprises/{ent.pk}/").content.decode()
    assert f"/oversight/accidents/of/{ent.pk}/" in page
    response = login(users["jiuxian"]).get(f"/oversight/accidents/of/{ent.pk}/")
    assert response.status_code == 302 and response["Location"].endswith(f"?year=all&enterprise={ent.pk}")
    assert login(users["hufeng"]).get(f"/oversight/accidents/of/{ent.pk}/").status_code == 404


@pytest.mark.parametrize("year", [0, 1999, 99999])
def test_an_interview_for_an_absurd_year_is_refused_not_a_server_error(users, make_enterprise, login, year):
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械")
    client = login(users["admin"])
    response = client.post(f"/oversight/accidents/interviews/{year}/{ent.pk}/",
                           {"held_on": "2026-01-05", "notes": "约谈"}, follow=True)
    assert response.status_code == 200
    assert "年度应在" in response.content.decode()


# --- a second clerk acting on a stale page ------------------------------------------------------------

STALE = "该记录已被他人修改，请刷新后重试"
INVESTIGATION = {"team": "调查组", "findings": "原因", "enterprise_responsibility": "企业",
                 "supervision_responsibility": "监管", "measures": "措施"}


def test_the_detail_page_sends_the_version_it_showed(record, ent, users, login):
    accident = record(ent)
    _investigate(users["admin"], accident)
    accident.refresh_from_db()
    page = login(users["jiuxian"]).get(f"/oversight/accidents/{accident.pk}/").content.decode()
    # 调查记录 and 结案 both carry it (开始调查 is gone once under investigation)
    assert page.count(f'name="version" value="{accident.version}"') == 2


def test_closing_from_a_stale_page_is_refused_and_changes_nothing(record, ent, users, login):
    accident = record(ent)
    _investigate(users["admin"], accident)
    seen = Accident.objects.get(pk=accident.pk).version  # both clerks' pages show this investigation
    today = timezone.localdate().isoformat()
    first = login(users["admin"])
    first.post(f"/oversight/accidents/{accident.pk}/act/investigation/",
               {**INVESTIGATION, "findings": "重新认定的原因", "report_date": today, "version": seen})
    audited = AuditEvent.objects.count()
    response = login(users["jiuxian"]).post(f"/oversight/accidents/{accident.pk}/act/close/",
                                            {"closed_on": today, "version": seen}, follow=True)
    assert STALE in response.content.decode()
    accident.refresh_from_db()
    assert accident.status == Accident.Status.INVESTIGATING and accident.closed_on is None
    assert AuditEvent.objects.count() == audited
    login(users["jiuxian"]).post(f"/oversight/accidents/{accident.pk}/act/close/",
                                 {"closed_on": today, "version": accident.version})
    assert Accident.objects.get(pk=accident.pk).status == Accident.Status.CLOSED


def test_saving_the_investigation_or_starting_it_from_a_stale_page_is_refused(record, ent, users, login):
    accident = record(ent)
    seen = accident.version
    login(users["admin"]).post(f"/oversight/accidents/{accident.pk}/act/start/", {"version": seen})
    assert Accident.objects.get(pk=accident.pk).status == Accident.Status.INVESTIGATING
    town = login(users["jiuxian"])
    response = town.post(f"/oversight/accidents/{accident.pk}/act/start/", {"version": seen}, follow=True)
    assert STALE in response.content.decode()
    response = town.post(f"/oversight/accidents/{accident.pk}/act/investigation/", {
        **INVESTIGATION, "report_date": timezone.localdate().isoformat(), "version": seen}, follow=True)
    assert STALE in response.content.decode()
    assert not hasattr(Accident.objects.get(pk=accident.pk), "investigation")


def test_two_clerks_recording_the_same_lookback_record_it_once(closed, users, login):
    seen = Accident.objects.get(pk=closed.pk).version
    data = {"date": timezone.localdate().isoformat(), "findings": "整改措施已全部落实", "implemented": "1", "version": seen}
    login(users["admin"]).post(f"/oversight/accidents/{closed.pk}/act/lookback/", data)
    response = login(users["jiuxian"]).post(f"/oversight/accidents/{closed.pk}/act/lookback/", data, follow=True)
    assert STALE in response.content.decode() and closed.lookbacks.count() == 1


def test_an_edit_from_a_stale_form_is_refused_and_keeps_what_it_showed(record, ent, users, login, kind):
    accident = record(ent)
    client = login(users["jiuxian"])
    form = client.get(f"/oversight/accidents/{accident.pk}/edit/")
    assert f'name="version" value="{accident.version}"' in form.content.decode()
    accidents.update(users["admin"], accident.pk, {  # meanwhile another clerk corrects the deaths
        "occurred_at": accident.occurred_at, "place": "车间", "enterprise": ent, "accident_type": kind,
        "summary": "冲床伤人", "deaths": 3})
    response = client.post(f"/oversight/accidents/{accident.pk}/edit/", {
        "occurred_at": timezone.localtime(accident.occurred_at).strftime("%Y-%m-%dT%H:%M"), "place": "冲压车间",
        "enterprise": ent.pk, "party": ent.name, "accident_type": kind.pk, "deaths": "0", "serious_injuries": "0",
        "minor_injuries": "0", "direct_loss": "0", "summary": "冲床伤人", "version": accident.version})
    assert response.status_code == 200 and STALE in response.content.decode()
    # the re-rendered form still says what it first showed: saving again is refused until refreshed
    assert f'name="version" value="{accident.version}"' in response.content.decode()
    fresh = Accident.objects.get(pk=accident.pk)
    assert fresh.deaths == 3 and fresh.place == "车间" and fresh.grade == "larger"


def test_the_services_compare_the_version_when_given(record, ent, users):
    accident = record(ent)
    with pytest.raises(ValidationError, match="已被他人修改"):
        accidents.start_investigation(users["admin"], accident.pk, version=accident.version + 1)
    assert accidents.start_investigation(users["admin"], accident.pk, version=accident.version).status == \
        Accident.Status.INVESTIGATING
