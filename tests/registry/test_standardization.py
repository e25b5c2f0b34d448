"""安全生产标准化: 达标率 and target completion on a small dataset, scope, targets editing, the
certificate-expiry clock (90/30 days, once per expiry date, a town's own ladder), the tick's expiry, and the 未达标及需复评 exports."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, ClockStep, Notification
from anying.registry import standardization as std
from anying.registry.models import Enterprise, StandardizationTarget

TODAY = timezone.localdate()
YEAR = TODAY.year
RENEWAL = TODAY + dt.timedelta(days=20)  # 旧县乙厂's certificate runs out in 20 days


@pytest.fixture
def dataset(make_enterprise, town):
    """旧县街道: 4 in operation (2 certified, one of them this year) + 1 closed certified;
    虎峰镇: 2 in operation, 1 certified this year, expiring later."""
    make = make_enterprise
    ents = {
        "a": make("旧县甲厂", "旧县街道", "机械", scale="above", std_status="certified", std_grade="3",
                  std_certificate_date=dt.date(YEAR, 1, 3)),
        "b": make("旧县乙厂", "旧县街道", "轻工", scale="above", std_status="certified", std_grade="2",
                  std_certificate_date=RENEWAL.replace(year=RENEWAL.year - 3), std_expiry_date=RENEWAL),
        "c": make("旧县丙厂", "旧县街道", "机械", scale="above", std_status="none"),
        "d": make("旧县丁厂", "旧县街道", "建材", scale="below", std_status="applying"),
        "e": make("旧县关闭厂", "旧县街道", "机械", status="closed", std_status="certified", std_grade="3",
                  std_certificate_date=dt.date(YEAR, 1, 1)),
        "f": make("虎峰甲厂", "虎峰镇", "机械", scale="above", std_status="certified", std_grade="3",
                  std_certificate_date=dt.date(YEAR, 1, 2)),
        "g": make("虎峰乙厂", "虎峰镇", "机械", scale="above", std_status="expired", std_grade="3",
                  std_certificate_date=dt.date(2022, 5, 1), std_expiry_date=dt.date(2025, 5, 1)),
    }
    std.save_targets(None, YEAR, {town("旧县街道").pk: (4, 2), town("虎峰镇").pk: (None, None)}, record_empty=True)
    return ents


def test_rates_and_completion_by_town(dataset, users):
    rows = {r["label"]: r for r in std.by_town(users["admin"], YEAR, TODAY)}
    jiuxian, hufeng = rows["旧县街道"], rows["虎峰镇"]
    assert (jiuxian["enterprises"], jiuxian["certified"], jiuxian["achieved"]) == (4, 2, 1)  # closed one left out
    assert jiuxian["rate"] == 50 and jiuxian["target"] == 4 and jiuxian["completion"] == 25
    assert (jiuxian["expiring_90"], jiuxian["expiring_30"]) == (1, 1)
    assert (hufeng["enterprises"], hufeng["certified"], hufeng["achieved"]) == (2, 1, 1)
    assert hufeng["target"] is None and hufeng["completion"] is None and hufeng["has_target"]
    total = std.totals(list(rows.values()))
    assert (total["enterprises"], total["certified"], total["target"]) == (6, 3, 4)
    assert str(total["rate"]) == "50.0"


def test_rates_by_industry(dataset, users):
    rows = {r["label"]: r for r in std.by_industry(users["admin"], YEAR, TODAY)}
    assert (rows["机械"]["enterprises"], rows["机械"]["certified"], rows["机械"]["achieved"]) == (4, 2, 2)
    assert str(rows["机械"]["rate"]) == "50.0" and rows["轻工"]["rate"] == 100


def test_a_town_user_never_counts_another_town(dataset, users):
    assert {r["label"] for r in std.by_town(users["jiuxian"], YEAR, TODAY)} == {"旧县街道"}
    mine = std.summary(users["jiuxian"], YEAR, TODAY)
    assert (mine["enterprises"], mine["certified"], mine["achieved"], mine["target"]) == (4, 2, 1, 4)
    assert std.summary(users["hufeng"], YEAR, TODAY)["enterprises"] == 2
    assert [e.name for e in std.below_standard(users["hufeng"], YEAR)] == ["虎峰乙厂"]


def test_summary_for_the_dashboard(dataset, users, django_assert_max_num_queries):
    admin = users["admin"]
    std.summary(admin, YEAR, TODAY)  # the user's scope facts are cached on the user after this
    with django_assert_max_num_queries(2):
        figures = std.summary(admin, YEAR, TODAY)
    assert figures == {"enterprises": 6, "certified": 3, "rate": 50, "target": 4, "achieved": 2,
                       "completion": 50, "expiring_90": 1, "expiring_30": 1}
    dept = std.summary(users["jingxin"], YEAR, TODAY)  # 机械 and 轻工 only
    assert (dept["enterprises"], dept["certified"]) == (5, 3)


def test_the_report_page_links_each_figure(dataset, login, users, django_assert_max_num_queries):
    client = login(users["jiuxian"])
    with django_assert_max_num_queries(16):
        page = client.get(f"/enterprises/standardization/?year={YEAR}").content.decode()
    assert "旧县街道" in page and "虎峰镇" not in page
    town_id = dataset["a"].region_id
    assert f"region={town_id}&amp;status=operating&amp;std_status=certified&amp;cert_year={YEAR}" in page
    listed = client.get(f"/enterprises/?region={town_id}&status=operating&std_status=certified&cert_year={YEAR}")
    assert [e.name for e in listed.context["page"]] == ["旧县甲厂"]
    assert login(users["qiye"] if "qiye" in users else users["jiuxian"]).get("/enterprises/standardization/").status_code == 200


def test_enterprise_list_filters_expiring(dataset, login, users):
    page = login(users["admin"]).get("/enterprises/?expires_within=3000")
    names = {e.name for e in page.context["page"]}
    assert "旧县乙厂" in names and "虎峰乙厂" not in names
    assert login(users["admin"]).get("/enterprises/?cert_year=1&expires_within=999999").status_code == 200


def test_enterprise_users_do_not_see_the_report(dataset, enterprise_user, login):
    assert login(enterprise_user(dataset["a"])).get("/enterprises/standardization/").status_code == 404


# --- targets ---------------------------------------------------------------------------------

def test_targets_are_edited_by_the_district_admin_with_audit(district, town, users, login):
    jiuxian = town("旧县街道")
    client = login(users["admin"])
    assert client.get(f"/enterprises/standardization/targets/?year={YEAR}").status_code == 200
    data = {"year": YEAR, f"total-{jiuxian.pk}": "5", f"above-{jiuxian.pk}": "2", "source": "区安委办文件"}
    assert client.post("/enterprises/standardization/targets/", data).status_code == 302
    target = StandardizationTarget.objects.get(region=jiuxian, year=YEAR)
    assert (target.target_total, target.target_above_scale, target.source) == (5, 2, "区安委办文件")
    assert AuditEvent.objects.filter(content_type__model="standardizationtarget", actor=users["admin"]).count() == 1
    response = client.post("/enterprises/standardization/targets/", {**data, f"total-{jiuxian.pk}": "1"})
    assert "规上企业达标数不能多于" in response.content.decode()
    assert StandardizationTarget.objects.get(region=jiuxian, year=YEAR).target_total == 5  # nothing changed
    response = client.post("/enterprises/standardization/targets/", {**data, f"total-{jiuxian.pk}": "abc"})
    assert "非负整数" in response.content.decode()
    assert login(users["jiuxian"]).get("/enterprises/standardization/targets/").status_code == 404
    with pytest.raises(PermissionDenied):
        std.save_targets(users["jiuxian"], YEAR, {jiuxian.pk: (1, 1)})


def test_a_town_outside_the_territory_is_refused(district, town, users):
    from anying.core.models import Organisation, Region

    elsewhere = Region.objects.create(name="外区某镇", level=Region.Level.TOWN,
                                      parent=Region.objects.create(name="外区", level=Region.Level.DISTRICT,
                                                                   parent=district.parent))
    assert Organisation.objects.exists()
    with pytest.raises(ValidationError, match="不在您的辖区"):
        std.save_targets(users["admin"], YEAR, {elsewhere.pk: (1, 1)})


def test_seed_targets_load_for_a_year(district):
    assert std.load_file_targets(YEAR) == 29
    gaoxin = StandardizationTarget.objects.get(region__name="高新区", year=YEAR)
    assert (gaoxin.target_total, gaoxin.target_above_scale) == (240, 180) and "附件3" in gaoxin.source
    dongcheng = StandardizationTarget.objects.get(region__name="东城街道", year=YEAR)
    assert (dongcheng.target_total, dongcheng.target_above_scale) == (1, 0)
    assert std.load_file_targets(YEAR) == 0  # idempotent
    assert StandardizationTarget.objects.filter(target_total__isnull=True).exists()  # "/" kept as no target


# --- certificate expiry: the clock and the tick ------------------------------------------------

def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


@pytest.fixture
def expiring(make_enterprise, enterprise_user):
    ent = make_enterprise("将到期厂", "旧县街道", "机械", std_status="certified", std_grade="3",
                          std_certificate_date=(TODAY + dt.timedelta(days=100)).replace(year=YEAR - 3),
                          std_expiry_date=TODAY + dt.timedelta(days=100))
    enterprise_user(ent)
    return ent


def steps(ent) -> list[tuple[str, dt.date]]:
    return sorted(ClockStep.objects.filter(clock="certificate_expiry", object_id=ent.pk).values_list("code", "cycle"))


def test_reminders_at_90_and_30_days_are_sent_once(expiring, users):
    expiry = expiring.std_expiry_date
    assert std.remind(at(expiry - dt.timedelta(days=91))) == 0
    assert std.remind(at(expiry - dt.timedelta(days=90))) == 1
    recipients = set(Notification.objects.values_list("user__username", flat=True))
    assert recipients == {"qiye", "jiuxian"}  # the enterprise and its town's inspector, not hufeng
    note = Notification.objects.get(user__username="qiye")
    assert note.title == f"标准化证书到期提醒：将到期厂的安全生产标准化三级证书有效期至 {expiry:%Y年%m月%d日}"
    assert note.body == "距期限还有 90 天，请及时申请复评"
    assert note.url == f"/enterprises/{expiring.pk}/?tab=standardization"
    assert std.remind(at(expiry - dt.timedelta(days=90))) == 0  # a second tick sends nothing
    assert std.remind(at(expiry - dt.timedelta(days=31))) == 0  # the 90-day one was sent
    assert std.remind(at(expiry - dt.timedelta(days=30))) == 1
    assert std.remind(at(expiry - dt.timedelta(days=30))) == 0
    assert std.remind(at(expiry - dt.timedelta(days=1))) == 0
    assert Notification.objects.count() == 4
    assert Notification.objects.latest("id").body == "距期限还有 30 天，请及时申请复评"
    assert steps(expiring) == [("d30", expiry), ("d90", expiry)]
    # on the enterprise's history, by the system
    assert AuditEvent.objects.filter(object_id=str(expiring.pk), actor=None,
                                     summary="标准化证书到期提醒：请及时申请复评").count() == 2


def test_a_renewed_certificate_is_reminded_again(expiring):
    from anying.registry import services

    expiry = expiring.std_expiry_date
    assert std.remind(at(expiry - dt.timedelta(days=10))) == 2  # late entry: both rungs at once …
    note = Notification.objects.get(user__username="qiye")
    assert note.body == "距期限还有 10 天，请及时申请复评"  # … said once
    assert std.remind(at(expiry - dt.timedelta(days=9))) == 0
    renewed = TODAY + dt.timedelta(days=3 * 365)
    services.update_enterprise(None, expiring, {"std_certificate_date": TODAY, "std_expiry_date": renewed})
    assert std.remind(at(renewed - dt.timedelta(days=91))) == 0
    assert std.remind(at(renewed - dt.timedelta(days=90))) == 1  # the new expiry date climbs the ladder again
    assert std.remind(at(renewed - dt.timedelta(days=90))) == 0
    assert std.remind(at(renewed - dt.timedelta(days=30))) == 1
    assert steps(expiring) == [("d30", expiry), ("d30", renewed), ("d90", expiry), ("d90", renewed)]
    assert Notification.objects.filter(user__username="qiye").count() == 3


def test_a_towns_own_ladder_is_used(expiring, make_enterprise, users, town, login):
    hufeng = make_enterprise("虎峰将到期厂", "虎峰镇", "机械", std_status="certified", std_grade="2",
                             std_certificate_date=expiring.std_certificate_date,
                             std_expiry_date=expiring.std_expiry_date)
    client = login(users["admin"])
    page = client.get("/clocks/").content.decode()
    assert "标准化证书到期提醒" in page and "本系统默认提前量" in page
    jiuxian = town("旧县街道")
    assert client.get(f"/clocks/certificate_expiry/?region={jiuxian.pk}").status_code == 200
    data = {"effective_from": TODAY.isoformat(), "code_0": "d60", "label_0": "请尽快申请复评", "days_0": "-60",
            "action_0": "notify", "source_0": "本镇规定"}
    assert client.post(f"/clocks/certificate_expiry/?region={jiuxian.pk}", data).status_code == 302
    expiry = expiring.std_expiry_date
    assert std.remind(at(expiry - dt.timedelta(days=90))) == 1  # 虎峰镇 keeps the default
    assert steps(hufeng) == [("d90", expiry)] and steps(expiring) == []
    assert std.remind(at(expiry - dt.timedelta(days=60))) == 1
    assert steps(expiring) == [("d60", expiry)]
    assert Notification.objects.get(user__username="qiye").body == "距期限还有 60 天，请尽快申请复评"
    assert std.remind(at(expiry - dt.timedelta(days=30))) == 1  # 虎峰镇's 30-day one; 旧县街道 has none
    assert steps(expiring) == [("d60", expiry)]


def test_an_expired_certificate_is_marked_and_no_longer_reminded(expiring):
    Enterprise.objects.filter(pk=expiring.pk).update(std_expiry_date=TODAY - dt.timedelta(days=1))
    assert std.tick(at(TODAY)) == 1
    expiring.refresh_from_db()
    assert expiring.std_status == "expired"
    assert AuditEvent.objects.filter(summary__contains="标准化证书到期").count() == 1
    assert std.tick(at(TODAY)) == 0
    assert std.remind(at(TODAY)) == 0 and not Notification.objects.exists()


def test_tick_command_runs_the_expiry_and_the_clocks(expiring, capsys):
    call_command("tick")
    out = capsys.readouterr().out
    assert "standardization_expiry" in out and "clocks" in out


def test_reminders_sent_before_the_upgrade_are_kept(expiring, make_enterprise):
    """Migration 0006 copies the old reminder rows into clock steps: nobody hears twice."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("anying.registry.migrations.0006_certificate_expiry_clock")
    late = make_enterprise("晚登记厂", "旧县街道", "机械", std_status="certified", std_grade="3",
                           std_certificate_date=expiring.std_certificate_date,
                           std_expiry_date=TODAY + dt.timedelta(days=20))
    old = TODAY - dt.timedelta(days=400)
    sent = connection.ops.adapt_datetimefield_value(timezone.now() - dt.timedelta(days=3))
    date = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {migration.TABLE} (id integer PRIMARY KEY, enterprise_id bigint, "
                       "expiry_date date, days smallint, sent_at timestamp with time zone)"
                       if connection.vendor == "postgresql" else
                       f"CREATE TABLE {migration.TABLE} (id integer PRIMARY KEY, enterprise_id bigint, "
                       "expiry_date date, days smallint, sent_at datetime)")
        cursor.executemany(f"INSERT INTO {migration.TABLE} VALUES (%s, %s, %s, %s, %s)", [  # noqa: S608
            (1, expiring.pk, date(expiring.std_expiry_date), 90, sent),  # the 90-day one sent
            (2, late.pk, date(late.std_expiry_date), 30, sent),  # first seen within 30 days: only the 30-day one
            (3, late.pk, date(old), 90, sent), (4, late.pk, date(old), 30, sent)])  # an earlier certificate
    ClockStep.objects.filter(clock="certificate_expiry").delete()
    migration.forward(apps, SimpleNamespace(connection=connection))
    assert steps(expiring) == [("d90", expiring.std_expiry_date)]
    assert steps(late) == [("d30", old), ("d30", late.std_expiry_date), ("d90", old), ("d90", late.std_expiry_date)]
    assert std.remind(at(TODAY)) == 0  # 90 days or less before both: all sent already
    assert std.remind(at(expiring.std_expiry_date - dt.timedelta(days=30))) == 1  # the one still to come
    assert not Notification.objects.filter(body__contains="20 天").exists()


# --- 未达标及需复评 ----------------------------------------------------------------------------

def test_below_standard_list_and_notes(dataset, users):
    listed = {e.name: std.note(e) for e in std.below_standard(users["admin"], RENEWAL.year)}
    # 旧县乙厂 expires in the year asked about (需复评); 旧县丁厂 is below scale; 旧县甲厂 and 虎峰甲厂 run on
    assert listed == {"旧县丙厂": "当前未创建", "旧县乙厂": f"{RENEWAL.year}年{RENEWAL.month}月过期",
                      "虎峰乙厂": "2025年5月过期"}
    assert "旧县乙厂" not in {e.name for e in std.below_standard(users["admin"], RENEWAL.year - 1)}


def test_exports_have_the_seed_layout(dataset, login, users):
    from docx import Document
    from openpyxl import load_workbook

    client = login(users["admin"])
    response = client.get(f"/enterprises/standardization/below/?year={RENEWAL.year}&format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0].startswith(f"{RENEWAL.year}年全区规模以上工业企业安全生产标准化未达标及需复评名单　")
    assert list(rows[1]) == ["序号", "企业名称", "所属行业", "备注"]
    assert [r[0] for r in rows[2:]] == [1, 2, 3] and {r[1] for r in rows[2:]} == {"旧县丙厂", "旧县乙厂", "虎峰乙厂"}
    response = client.get(f"/enterprises/standardization/below/?year={RENEWAL.year}&format=docx")
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert doc.paragraphs[0].text == f"{RENEWAL.year}年全区规模以上工业企业安全生产标准化未达标及需复评名单"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "企业名称", "所属行业", "备注"]
    assert len(table.rows) == 4 and table.rows[1].cells[0].text == "1"
    assert AuditEvent.objects.filter(action="export", summary__contains="未达标").count() == 2
    page = login(users["hufeng"]).get(f"/enterprises/standardization/below/?year={YEAR}").content.decode()
    assert "虎峰乙厂" in page and "旧县丙厂" not in page


def test_a_department_has_no_town_target_to_complete(dataset, users):
    assert std.summary(users["admin"], YEAR, TODAY)["target"] == 4
    summary = std.summary(users["jingxin"], YEAR, TODAY)  # 区经信委: 机械, 轻工 only
    assert summary["target"] is None and summary["completion"] is None
    assert all(row["target"] is None for row in std.by_town(users["jingxin"], YEAR, TODAY))


def test_a_three_year_certificate_runs_through_the_day_before_its_anniversary(make_enterprise):
    from anying.registry.services import apply_standardization_rules, default_expiry

    assert default_expiry(dt.date(2023, 5, 10)) == dt.date(2026, 5, 9)
    assert default_expiry(dt.date(2024, 2, 29)) == dt.date(2027, 2, 27)  # no 29 February in 2027
    ent = make_enterprise("期满企业", std_status=Enterprise.StdStatus.CERTIFIED, std_grade=Enterprise.Grade.THIRD,
                          std_certificate_date=dt.date(2023, 5, 10))
    assert ent.std_expiry_date == dt.date(2026, 5, 9)
    ent.std_status = Enterprise.StdStatus.CERTIFIED  # as it stood before today's date passed it
    apply_standardization_rules(ent, today=dt.date(2026, 5, 9))
    assert ent.std_status == Enterprise.StdStatus.CERTIFIED  # its last day
    apply_standardization_rules(ent, today=dt.date(2026, 5, 10))
    assert ent.std_status == Enterprise.StdStatus.EXPIRED


def test_renewing_by_a_new_certificate_date_recomputes_the_expiry(make_enterprise):
    from anying.registry import services

    ent = make_enterprise("复评企业", std_status=Enterprise.StdStatus.CERTIFIED, std_grade=Enterprise.Grade.THIRD,
                          std_certificate_date=dt.date(2021, 3, 1))
    old = ent.std_expiry_date
    # the form posts every field: the new certificate date with the old expiry as it was shown
    services.update_enterprise(None, ent, {"std_certificate_date": dt.date(2024, 3, 1), "std_expiry_date": old})
    ent.refresh_from_db()
    assert ent.std_expiry_date == dt.date(2027, 2, 28)
    # an expiry typed by the clerk together with the new date is kept
    services.update_enterprise(None, ent, {"std_certificate_date": dt.date(2024, 4, 1),
                                           "std_expiry_date": dt.date(2027, 1, 31)})
    ent.refresh_from_db()
    assert ent.std_expiry_date == dt.date(2027, 1, 31)
