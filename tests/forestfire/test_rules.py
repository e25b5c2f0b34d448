"""Danger levels (entered, imported, inherited), seasons, bans and fire-use approval, illegal fire
use, fire reports with their check, class and burnt-area rate, rangers' patrol standings, and the
recipients a forest warning reaches."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anying.core import workflow
from anying.core.errors import PermissionDenied
from anying.core.models import Notification, Organisation
from anying.core.permissions import SYSTEM
from anying.forestfire import lifecycles, reference, services
from anying.forestfire.models import FireDanger, FireReport, FireUse, Patrol
from anying.places.models import Place
from anying.warning.hooks import Area
from anying.warning.models import Contact


def at(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


TODAY = dt.date.today


# --- reference data --------------------------------------------------------------------------

def test_levels_and_classes_come_from_the_data_files_with_sources():
    assert [lv.colour for lv in reference.levels().values()] == ["绿色", "蓝色", "黄色", "橙色", "红色"]
    assert all(lv.source for lv in reference.levels().values())
    assert reference.checkpoint_level() == 3 and reference.burnt_rate_target() == Decimal("0.3")
    c = reference.classify
    assert c(Decimal("0")) == c(Decimal("0.99")) == "general"
    assert c(Decimal("1")) == c(Decimal("99.9")) == "larger"  # “以上”包括本数
    assert c(Decimal("100")) == "major" and c(Decimal("1000")) == "especially"
    assert c(Decimal("0.2"), deaths=3) == "larger" and c(Decimal("0.2"), injuries=50) == "major"
    assert "第四十条" in reference.grade_basis()


# --- levels ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_town_inherits_the_district_forecast_unless_it_has_its_own(district, town):
    j, h = town("旧县街道"), town("虎峰镇")
    services.set_level(SYSTEM, district.pk, TODAY(), 2)
    services.set_level(SYSTEM, j.pk, TODAY(), 4)
    assert services.level_of(j) == 4 and services.level_of(h) == 2
    assert services.levels_on({j.pk: j.path, h.pk: h.path}, TODAY() - dt.timedelta(days=1)) == {}
    services.set_level(SYSTEM, j.pk, TODAY(), 3)  # updated in place, not duplicated
    assert FireDanger.objects.filter(region=j).count() == 1 and services.level_of(j) == 3


@pytest.mark.django_db
def test_levels_need_the_right_and_the_territory(users, town):
    with pytest.raises(PermissionDenied):
        services.set_level(users["jiuxian"], town("旧县街道").pk, TODAY(), 3)  # a town does not set levels
    with pytest.raises(ValidationError):
        services.set_level(users["admin"], town("旧县街道").pk, TODAY(), 6)
    with pytest.raises(ValidationError):
        services.set_level(users["admin"], town("旧县街道").pk, TODAY() + dt.timedelta(days=30), 3)


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("forecast.xlsx", buffer.getvalue())


@pytest.mark.django_db
def test_the_forecast_imports_all_rows_or_none(users, district, town):
    day = TODAY().isoformat()
    good = _xlsx([["日期", "区域", "火险等级"], [day, "铜梁区", 2], [day, "旧县街道", "4级"]])
    report = services.import_levels(users["admin"], good)
    assert report.saved == 2 and services.level_of(town("旧县街道")) == 4
    bad = SimpleUploadedFile("f.csv", f"日期,区域,火险等级\n{day},虎峰镇,3\n{day},火星镇,3\n{day},虎峰镇,9\n".encode())
    with pytest.raises(ValidationError) as exc:
        services.import_levels(users["admin"], bad)
    text = "；".join(exc.value.message_dict["file"])
    assert "第3行" in text and "第4行" in text
    assert not FireDanger.objects.filter(region=town("虎峰镇")).exists()
    with pytest.raises(ValidationError):
        services.import_levels(users["admin"], SimpleUploadedFile("f.txt", b"x"))


# --- bans and outdoor fire use -----------------------------------------------------------------

def application(region, day, **extra):
    data = {"region_id": region.pk, "place": "三组田坎", "applicant": "周德福", "phone": "13912340001",
            "kind": "烧荒", "reason": "清理杂草", "starts_at": at(day, 9), "ends_at": at(day, 11),
            "precautions": "隔离带", "watcher": "周志强", "watcher_phone": "13912340002"}
    data.update(extra)
    return data


@pytest.mark.django_db
def test_an_application_under_a_ban_is_refused_at_once_citing_it(users, district, town):
    j = town("旧县街道")
    tomorrow = TODAY() + dt.timedelta(days=1)
    ban = services.issue_ban(users["admin"], {"region_id": district.pk, "issuer": "铜梁区人民政府", "number": "禁1号",
                                              "starts_at": at(TODAY(), 0), "ends_at": at(TODAY() + dt.timedelta(days=5), 0),
                                              "text": "禁止一切野外用火"})
    app = lifecycles.submit_fire_use(users["jiuxian"], application(j, tomorrow))
    assert app.status == FireUse.Status.REFUSED and app.ban == ban and "禁火令" in app.decision
    assert [e.action for e in workflow.timeline(app)] == ["submitted", "refuse"]
    # after the ban it may be approved, by someone other than who registered it
    later = lifecycles.submit_fire_use(users["jiuxian"], application(j, TODAY() + dt.timedelta(days=7)))
    assert later.status == FireUse.Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        lifecycles.run_fire_use(users["jiuxian"], later.pk, "approve")  # no right, and separated anyway
    own = lifecycles.submit_fire_use(users["admin"], application(j, TODAY() + dt.timedelta(days=8)))
    with pytest.raises(PermissionDenied):
        lifecycles.run_fire_use(users["admin"], own.pk, "approve")  # 职责分离
    assert lifecycles.run_fire_use(users["admin"], later.pk, "approve").status == FireUse.Status.APPROVED


@pytest.mark.django_db
def test_a_new_ban_refuses_pending_and_revokes_approved_applications(users, town):
    j, h = town("旧县街道"), town("虎峰镇")
    day = TODAY() + dt.timedelta(days=2)
    pending = lifecycles.submit_fire_use(users["jiuxian"], application(j, day))
    approved = lifecycles.submit_fire_use(users["jiuxian"], application(j, day, place="四组"))
    lifecycles.run_fire_use(users["admin"], approved.pk, "approve")
    elsewhere = lifecycles.submit_fire_use(users["hufeng"], application(h, day))
    ban = services.issue_ban(users["admin"], {"region_id": j.pk, "issuer": "铜梁区人民政府", "starts_at": at(day, 0),
                                              "ends_at": at(day, 23), "text": "禁火"})
    pending.refresh_from_db(), approved.refresh_from_db(), elsewhere.refresh_from_db()
    assert (pending.status, pending.ban) == (FireUse.Status.REFUSED, ban)
    assert (approved.status, approved.ban) == (FireUse.Status.REVOKED, ban)
    assert elsewhere.status == FireUse.Status.SUBMITTED  # another town
    with pytest.raises(ValidationError):
        lifecycles.run_fire_use(users["admin"], elsewhere.pk, "refuse")  # a refusal needs its reason


@pytest.mark.django_db
def test_approval_rechecks_the_bans(users, town):
    from anying.forestfire.models import FireBan

    j = town("旧县街道")
    day = TODAY() + dt.timedelta(days=3)
    app = lifecycles.submit_fire_use(users["jiuxian"], application(j, day))
    FireBan.objects.create(region=j, issuer="x", starts_at=at(day, 0), ends_at=at(day, 23), text="x")  # bypassed
    with pytest.raises(ValidationError, match="不能批准"):
        lifecycles.run_fire_use(users["admin"], app.pk, "approve")


@pytest.mark.django_db
def test_illegal_fire_use_during_a_ban_is_filed_under_it(users, town):
    j = town("旧县街道")
    ban = services.issue_ban(SYSTEM, {"region_id": j.pk, "issuer": "区政府", "starts_at": at(TODAY(), 0),
                                      "ends_at": at(TODAY() + dt.timedelta(days=1), 0), "text": "禁火"})
    row = services.record_illegal(users["jiuxian"], {"region_id": j.pk, "place": "林边", "occurred_at": timezone.now(),
                                                     "description": "烧秸秆", "penalty": "other", "fine": Decimal("200")})
    assert row.ban == ban and row.penalty == "ban"
    with pytest.raises(ValidationError):
        services.record_illegal(users["jiuxian"], {"region_id": j.pk, "place": "x", "occurred_at": timezone.now(),
                                                   "description": "x", "penalty": "nope"})


# --- fire reports ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_report_goes_to_the_town_of_the_place_which_checks_it(users, town):
    j = town("旧县街道")
    report = lifecycles.report_fire(users["duty"], {"source": "public", "region_id": j.pk, "place": "西山",
                                                    "description": "冒烟"})
    assert report.town == j and report.unit.region == j
    assert Notification.objects.filter(user=users["jiuxian"], title__contains="火情核查").exists()
    with pytest.raises(FireReport.DoesNotExist):  # another town's inspector: outside their scope (a 404 on the page)
        lifecycles.run_report(users["hufeng"], report.pk, "check", comment="x", data={"outcome": "fire"})
    with pytest.raises(ValidationError):
        lifecycles.run_report(users["jiuxian"], report.pk, "check", comment="有火", data={"outcome": "fire"})
    done = lifecycles.run_report(users["jiuxian"], report.pk, "check", comment="林下火",
                                 data={"outcome": "fire", "burnt_ha": "150"})
    assert done.status == FireReport.Status.FIRE and done.grade == "major" and done.grade_label == "重大森林火灾"


@pytest.mark.django_db
def test_a_report_with_only_coordinates_goes_to_the_nearest_town(users, town):
    h = town("虎峰镇")
    owner = Organisation.objects.filter(region=h).first()
    Place.objects.create(name="虎峰某点", kind=Place.Kind.OFFICE, owner=owner, region=h, latitude=Decimal("29.9"),
                         longitude=Decimal("106.1"))
    report = lifecycles.report_fire(users["duty"], {"source": "camera", "latitude": Decimal("29.91"),
                                                    "longitude": Decimal("106.11"), "place": "视频点",
                                                    "description": "疑似烟雾"})
    assert report.town == h


@pytest.mark.django_db
def test_the_burnt_area_rate_against_the_target(users, district, town):
    year = TODAY().year
    services.save_forest_area(users["admin"], district.pk, year, Decimal("60000"))
    report = lifecycles.report_fire(SYSTEM, {"source": "ranger", "region_id": town("旧县街道").pk, "place": "x",
                                             "description": "x"})
    lifecycles.run_report(SYSTEM, report.pk, "check", comment="x", data={"outcome": "fire", "burnt_ha": "12"})
    rate = services.burnt_rate(district, year)
    assert rate.rate == Decimal("0.2000") and not rate.over and rate.fires == 1
    report = lifecycles.report_fire(SYSTEM, {"source": "ranger", "region_id": town("虎峰镇").pk, "place": "y",
                                             "description": "y"})
    lifecycles.run_report(SYSTEM, report.pk, "check", comment="y", data={"outcome": "fire", "burnt_ha": "12"})
    assert services.burnt_rate(district, year).over  # 24 ha / 60,000 ha = 0.4‰ > 0.3‰


# --- rangers -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_patrol_requirements_rise_in_season_and_under_an_orange_warning(users, district, town):
    j = town("旧县街道")
    person = Contact.objects.create(name="陈护林", phone="13600000001", region=j, role=Contact.Role.RANGER,
                                    families="forest")
    clerk = Contact.objects.create(name="文员", phone="13600000002", region=j, role=Contact.Role.OTHER)
    with pytest.raises(ValidationError):
        services.save_ranger(users["jiuxian"], {"region_id": j.pk, "contact_id": clerk.pk,
                                                "contract_from": TODAY(), "contract_to": TODAY()})
    ranger = services.save_ranger(users["jiuxian"], {"region_id": j.pk, "contact_id": person.pk,
                                                     "contract_from": TODAY(), "contract_to": TODAY()})
    week = TODAY() - dt.timedelta(days=TODAY().weekday())
    assert services.standings([ranger], week)[0].required == 2
    services.save_season(SYSTEM, {"region_id": district.pk, "name": "春防", "starts_on": week,
                                  "ends_on": week + dt.timedelta(days=90)})
    s = services.standings([ranger], week)[0]
    assert (s.required, s.done, s.behind, s.in_season) == (5, 0, True, True)
    start = timezone.make_aware(dt.datetime.combine(week, dt.time(8)))
    for n in range(5):
        services.record_patrol(users["jiuxian"], ranger.pk, {"started_at": start + dt.timedelta(hours=n * 3),
                                                             "ended_at": start + dt.timedelta(hours=n * 3 + 2),
                                                             "route": "后山", "track": [[106.05, 29.84], [106.06, 29.85]]})
    assert not services.standings([ranger], week)[0].behind
    from anying.warning.models import Warning

    w = Warning.objects.create(number="W1", kind="forest_fire", level="orange", agency="区气象局",
                               unit=Organisation.objects.filter(region=district).first(), headline="森林火险橙色预警",
                               description="x", onset=start, expires=start + dt.timedelta(days=3), status="issued")
    w.regions.add(district)
    assert services.standings([ranger], week)[0].required == 7
    with pytest.raises(ValidationError):
        services.record_patrol(users["jiuxian"], ranger.pk, {"started_at": start, "ended_at": start, "route": "x"})
    with pytest.raises(ValidationError):
        services.record_patrol(users["jiuxian"], ranger.pk, {"started_at": start, "ended_at": start + dt.timedelta(hours=1),
                                                             "route": "x", "track": [[0, 0]]})
    assert Patrol.objects.count() == 5


@pytest.mark.django_db
def test_a_forest_warning_reaches_responsible_persons_rangers_and_guards(district, town):
    from anying.forestfire.recipients import provider

    j = town("旧县街道")
    head = Contact.objects.create(name="镇长", phone="13500000001", region=j, role="town_head")
    ranger_c = Contact.objects.create(name="护林", phone="13500000002", region=j, role="ranger", superior=head)
    guard = Contact.objects.create(name="值守", phone="13500000003", region=j, role="other")
    services.save_responsibility(SYSTEM, {"region_id": j.pk, "kind": "admin", "contact_id": head.pk})
    services.save_ranger(SYSTEM, {"region_id": j.pk, "contact_id": ranger_c.pk, "contract_from": TODAY(),
                                  "contract_to": TODAY()})
    cp = services.save_checkpoint(SYSTEM, {"region_id": j.pk, "name": "卡口"})
    services.set_duty(SYSTEM, cp.pk, TODAY(), [guard.pk])
    specs = provider(None, Area(frozenset({district.pk, j.pk}), families=frozenset({"forest"})))
    assert {s.name for s in specs} == {"镇长", "护林", "值守"}
    assert next(s for s in specs if s.name == "护林").superior_phone == "13500000001"
    assert provider(None, Area(frozenset({j.pk}), families=frozenset({"flood"}))) == []
