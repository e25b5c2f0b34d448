"""Warehouse 日周月 checks (supplies/rounds.py on core/routine.py): the calendar rules are the
enterprise self-inspection's, the keepers record, scope is the books' rule, every change is
audited and bad input changes nothing."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.hazards import self_inspection
from anying.hazards.models import SelfInspectionSchedule
from anying.supplies import round_views, rounds
from anying.supplies.models import CheckResult, CheckRound, CheckSchedule, Warehouse

D = dt.date
OK, FAIL = CheckResult.Result.OK, CheckResult.Result.FAIL


def schedule_of(wh, frequency) -> CheckSchedule:
    return CheckSchedule.objects.get(warehouse=wh, frequency=frequency, active=True)


def answers(schedule, fail_note=None, fail_index=0):
    items = list(schedule.items.filter(active=True))
    return {i.pk: rounds.Answer(FAIL, fail_note) if fail_note is not None and n == fail_index else rounds.Answer(OK)
            for n, i in enumerate(items)}


def record(user, schedule, day, today=None, **kw):
    return rounds.record_round(user, schedule.pk, inspectors="张保管", results=answers(schedule, **kw),
                               day=day, today=today or day)


def start(schedule, day):
    CheckSchedule.objects.filter(pk=schedule.pk).update(starts_on=day, last_done_period=None)
    schedule.refresh_from_db()
    return schedule


def behind(schedule, today) -> bool:
    schedule.refresh_from_db()
    [state] = rounds.states([schedule], today)
    in_q = CheckSchedule.objects.filter(rounds.behind_q(today), pk=schedule.pk).exists()
    assert state.behind == in_q  # the page's flag and the list's filter agree
    return state.behind


# ----- defaults -----

def test_a_new_warehouse_gets_daily_weekly_monthly_checks_with_default_items(stores):
    wh = stores["jiuxian"]
    got = {s.frequency: s for s in CheckSchedule.objects.filter(warehouse=wh)}
    assert set(got) == {"daily", "weekly", "monthly"}
    assert got["daily"].name == "日检" and got["daily"].workdays == "12345"
    daily = list(got["daily"].items.values_list("text", flat=True))
    monthly = list(got["monthly"].items.values_list("text", flat=True))
    assert daily[0].startswith("消防设施") and any(t.startswith("温湿度") for t in daily)
    assert any(t.startswith("账实相符") for t in monthly) and any(t.startswith("过期/临期物资") for t in monthly)
    assert len(monthly) > len(daily)
    assert rounds.ensure_defaults(None, wh) == []  # idempotent
    assert AuditEvent.objects.filter(content_type__model="checkschedule", action="create").count() >= 9


# ----- the calendar: the enterprise engine's rules -----

WED = D(2025, 3, 12)  # a Wednesday without holidays around it


def test_daily_missed_day_is_behind_until_backfilled(stores, users):
    daily = start(schedule_of(stores["jiuxian"], "daily"), D(2025, 3, 3))
    keeper = users["jiuxian"]
    record(keeper, daily, D(2025, 3, 10))
    assert behind(daily, D(2025, 3, 11)) is False  # Monday done, Tuesday still open
    assert behind(daily, WED) is True  # Tuesday ended without a round
    record(keeper, daily, D(2025, 3, 11), today=WED)  # 补录 within the week
    assert behind(daily, WED) is False
    record(keeper, daily, WED)
    assert behind(daily, D(2025, 3, 17)) is True  # Thursday and Friday missed; the weekend is no workday
    assert behind(daily, D(2025, 3, 15)) is True and behind(daily, D(2025, 3, 14)) is True
    # a backfill of an older day never moves the last done period back
    record(keeper, daily, D(2025, 3, 14), today=D(2025, 3, 17))
    record(keeper, daily, D(2025, 3, 13), today=D(2025, 3, 17))
    daily.refresh_from_db()
    assert daily.last_done_period == D(2025, 3, 14)
    assert behind(daily, D(2025, 3, 17)) is False


def test_weekly_boundary(stores, users):
    weekly = start(schedule_of(stores["jiuxian"], "weekly"), D(2025, 3, 3))
    assert behind(weekly, D(2025, 3, 9)) is False  # Sunday: the first week is not over
    assert behind(weekly, D(2025, 3, 10)) is True  # Monday: last week ended unchecked
    record(users["jiuxian"], weekly, D(2025, 3, 9), today=D(2025, 3, 10))  # done on its Sunday, entered Monday
    assert behind(weekly, D(2025, 3, 10)) is False and behind(weekly, D(2025, 3, 16)) is False
    record(users["jiuxian"], weekly, D(2025, 3, 14), today=D(2025, 3, 16))
    with pytest.raises(ValidationError, match="2025年第11周的周检已经记录过了"):
        record(users["jiuxian"], weekly, D(2025, 3, 15), today=D(2025, 3, 16))
    assert behind(weekly, D(2025, 3, 17)) is False
    assert behind(weekly, D(2025, 3, 24)) is True


def test_monthly_boundary(stores, users):
    monthly = start(schedule_of(stores["jiuxian"], "monthly"), D(2025, 2, 10))
    assert behind(monthly, D(2025, 2, 28)) is False
    assert behind(monthly, D(2025, 3, 1)) is True  # February ended unchecked
    assert behind(monthly, D(2025, 3, 31)) is True
    record(users["jiuxian"], monthly, D(2025, 3, 31))
    assert behind(monthly, D(2025, 3, 31)) is False  # March's round is newer than February's due
    assert behind(monthly, D(2025, 4, 30)) is False and behind(monthly, D(2025, 5, 1)) is True
    [state] = rounds.states([monthly], D(2025, 4, 2))
    assert (state.expected, state.done, state.current_label) == (1, 1, "2025年4月")


@pytest.mark.parametrize("frequency,workdays", [("daily", "12345"), ("daily", "1234567"), ("weekly", "12345"),
                                                ("monthly", "12345"), ("quarterly", "12345")])
def test_same_flags_as_the_enterprise_engine(frequency, workdays):
    """Both engines are one core/routine.py: a warehouse check and an enterprise's 排查 with the
    same calendar stand the same on every day of a quarter (including the 清明 and 劳动节 holidays)."""
    begin = D(2026, 3, 20)
    for offset in range(0, 75):
        today = begin + dt.timedelta(days=offset)
        for last in (None, D(2026, 3, 31), D(2026, 4, 3), D(2026, 4, 27), D(2026, 5, 6)):
            if last is not None and last > today:
                continue
            fields = dict(frequency=frequency, workdays=workdays, starts_on=D(2026, 3, 16), last_done_period=last,
                          active=True)
            [ours] = rounds.ROUTINE.states([CheckSchedule(name="日检", **fields)], today)
            [theirs] = self_inspection.states([SelfInspectionSchedule(name="日排查", **fields)], today)
            assert (ours.behind, ours.expected, ours.last_due, ours.recordable, ours.rest_day) == \
                (theirs.behind, theirs.expected, theirs.last_due, theirs.recordable, theirs.rest_day), (today, last)


# ----- refusals: in Chinese, nothing changed -----

def _nothing_changed(schedule, rounds_before, audit_before):
    assert CheckRound.objects.count() == rounds_before
    assert AuditEvent.objects.count() == audit_before
    assert CheckSchedule.objects.get(pk=schedule.pk).last_done_period == schedule.last_done_period


@pytest.mark.parametrize("case,message", [
    ("future", "检查日期不能晚于今天"),
    ("old", "只能补录 7 天内的检查"),
    ("weekend", "不是该日检查计划的工作日（周一至周五）"),
    ("holiday", "劳动节假期"),
    ("before_start", "该检查计划自 2025-03-03 起执行"),
    ("no_inspector", "请填写检查人员"),
    ("fail_without_note", "不符合的检查项须说明发现的问题"),
    ("missing_item", "还有 1 个检查项未填写结果"),
    ("stopped", "该检查计划已停用"),
])
def test_bad_rounds_refused(stores, users, case, message):
    daily = start(schedule_of(stores["jiuxian"], "daily"), D(2025, 3, 3))
    keeper = users["jiuxian"]
    rounds_before, audit_before = CheckRound.objects.count(), AuditEvent.objects.count()
    kw = {"inspectors": "张保管", "results": answers(daily), "today": WED, "day": WED}
    if case == "future":
        kw["day"] = WED + dt.timedelta(days=1)
    elif case == "old":
        kw["day"] = WED - dt.timedelta(days=8)
    elif case == "weekend":
        kw["day"], kw["today"] = D(2025, 3, 15), D(2025, 3, 16)
    elif case == "holiday":
        kw["day"] = kw["today"] = D(2026, 5, 4)  # a Monday off (data/cn_holidays.csv)
    elif case == "before_start":
        kw["day"], kw["today"] = D(2025, 2, 28), D(2025, 3, 3)
    elif case == "no_inspector":
        kw["inspectors"] = "  "
    elif case == "fail_without_note":
        kw["results"] = answers(daily, fail_note=" ")
    elif case == "missing_item":
        kw["results"].popitem()
    elif case == "stopped":
        CheckSchedule.objects.filter(pk=daily.pk).update(active=False)
    with pytest.raises(ValidationError) as err:
        rounds.record_round(keeper, daily.pk, **kw)
    assert message in "；".join(err.value.messages)
    _nothing_changed(daily, rounds_before, audit_before)


def test_bad_schedule_settings_refused_and_nothing_changed(stores, users):
    daily = schedule_of(stores["jiuxian"], "daily")
    before = (daily.name, daily.workdays, rounds.items_text(daily))
    audit_before = AuditEvent.objects.count()
    for data, field, message in [({"workdays": ""}, "workdays", "请填写需要检查的星期几"),
                                 ({"workdays": "89"}, "workdays", "请填写需要检查的星期几"),
                                 ({"items_text": "\n  \n"}, "items_text", "请至少填写一个检查项"),
                                 ({"items_text": "x" * 201}, "items_text", "每个检查项最多 200 字"),
                                 ({"name": " "}, "name", "请填写检查名称")]:
        with pytest.raises(ValidationError) as err:
            rounds.update_schedule(users["jiuxian"], daily.pk, {"name": "日检", **data})
        assert message in err.value.message_dict[field][0]
    daily.refresh_from_db()
    assert (daily.name, daily.workdays, rounds.items_text(daily)) == before
    assert AuditEvent.objects.count() == audit_before


def test_items_edited_keep_old_answers(stores, users):
    daily = start(schedule_of(stores["jiuxian"], "daily"), D(2025, 3, 3))
    first = record(users["jiuxian"], daily, WED, fail_note="灭火器压力不足", fail_index=0)
    old_text = first.results.get(result=FAIL).text
    rounds.update_schedule(users["jiuxian"], daily.pk, {"items_text": "温湿度正常\n门窗锁具完好\n温湿度正常", "workdays": "123456"})
    daily.refresh_from_db()
    assert rounds.items_text(daily) == "温湿度正常\n门窗锁具完好" and daily.workdays == "123456"
    assert first.results.get(result=FAIL).text == old_text  # the round still reads what was checked
    event = AuditEvent.objects.filter(content_type__model="checkschedule", object_id=str(daily.pk), action="update").last()
    assert "门窗锁具完好" in str(event.after) and old_text in str(event.before)


# ----- who records, who sees -----

def test_keeper_records_and_audit_written(stores, users):
    daily = start(schedule_of(stores["jiuxian"], "daily"), D(2025, 3, 3))
    r = record(users["jiuxian"], daily, WED, fail_note="温湿度计损坏", fail_index=1)
    assert r.fails == 1 and r.period_start == WED and r.recorded_by == users["jiuxian"]
    assert r.results.count() == daily.items.count()
    assert r.results.get(result=FAIL).note == "温湿度计损坏"
    event = AuditEvent.objects.get(content_type__model="checkround", object_id=str(r.pk))
    assert event.actor == users["jiuxian"] and "不符合 1 项" in event.summary and "旧县街道应急物资仓库" in event.summary


def test_town_keeper_cannot_record_for_the_district_warehouse(stores, users, login):
    district_daily = schedule_of(stores["district"], "daily")
    with pytest.raises(CheckSchedule.DoesNotExist):  # its checks are not the town's to see
        record(users["jiuxian"], district_daily, WED)
    client = login(users["jiuxian"])
    assert client.get(reverse("supplies:check_round_new", args=[district_daily.pk])).status_code == 404
    assert client.post(reverse("supplies:check_defaults", args=[stores["district"].pk])).status_code == 404
    # the town sees the shared warehouse's stock, not its checks
    page = client.get(reverse("supplies:warehouse_detail", args=[stores["district"].pk]))
    assert page.status_code == 200 and 'id="checks"' not in page.content.decode()
    assert not CheckRound.objects.exists()


def test_another_town_neither_sees_nor_records(stores, users, login):
    daily = schedule_of(stores["jiuxian"], "daily")
    r = record(users["jiuxian"], start(daily, D(2025, 3, 3)), WED)
    hufeng = users["hufeng"]
    assert not CheckSchedule.objects.visible_to(hufeng).filter(warehouse=stores["jiuxian"]).exists()
    assert not CheckRound.objects.visible_to(hufeng).exists()
    client = login(hufeng)
    assert client.get(reverse("supplies:check_round", args=[r.pk])).status_code == 404
    assert client.get(reverse("supplies:check_schedule_edit", args=[daily.pk])).status_code == 404
    listed = client.get(reverse("supplies:check_list")).content.decode()
    assert "虎峰镇应急物资仓库" in listed and "旧县街道应急物资仓库" not in listed


def test_superior_reads_but_only_keepers_record(stores, users, login):
    """区经信委 (a district department) reads a town's checks by the books' rule but does not keep
    the warehouse; the district admin (supplies.approve over the territory) keeps every one."""
    daily = start(schedule_of(stores["jiuxian"], "daily"), D(2025, 3, 3))
    assert CheckSchedule.objects.visible_to(users["jingxin"]).filter(pk=daily.pk).exists()
    with pytest.raises(PermissionDenied, match="无权管理“旧县街道应急物资仓库”的日周月检查"):
        record(users["jingxin"], daily, WED)
    assert login(users["jingxin"]).get(reverse("supplies:check_round_new", args=[daily.pk])).status_code == 403
    assert record(users["admin"], daily, WED).recorded_by == users["admin"]
    with pytest.raises(PermissionDenied):
        rounds.update_schedule(users["jingxin"], daily.pk, {"name": "改名"})


# ----- pages -----

def test_record_through_the_page_with_one_failed_item(stores, users, login):
    daily = schedule_of(stores["jiuxian"], "daily")
    client = login(users["jiuxian"])
    url = reverse("supplies:check_round_new", args=[daily.pk])
    page = client.get(url)
    assert page.status_code == 200
    days = rounds.ROUTINE.recordable_days(daily)
    if not days:
        pytest.skip("today is no working day and nothing is open for 补录")
    items = list(daily.items.filter(active=True))
    data = {"day": days[0].isoformat(), "inspectors": "刘旧县", "note": ""}
    data.update({f"result_{i.pk}": "ok" for i in items})
    data[f"result_{items[1].pk}"] = "fail"
    refused = client.post(url, data)  # 不符合 without a note
    assert refused.status_code == 200 and "不符合的检查项须说明发现的问题" in refused.content.decode()
    assert not CheckRound.objects.exists()
    data[f"note_{items[1].pk}"] = "湿度 85%，除湿机故障"
    done = client.post(url, data)
    r = CheckRound.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("supplies:check_round", args=[r.pk])
    assert r.fails == 1 and r.results.get(result=FAIL).note == "湿度 85%，除湿机故障"
    shown = client.get(done["Location"]).content.decode()
    assert "不符合 1 项" in shown and "除湿机故障" in shown
    card = client.get(reverse("supplies:warehouse_detail", args=[stores["jiuxian"].pk])).content.decode()
    assert 'id="checks"' in card and "不符合 1 项" in card


def test_list_filters_behind_and_exports(stores, users, login):
    today = dt.date.today()
    for wh in stores.values():
        CheckSchedule.objects.filter(warehouse=wh).update(starts_on=today - dt.timedelta(days=60))
    # every weekly and monthly check of the district store done for the last period: only its 日检 can lag
    client = login(users["admin"])
    listed = client.get(reverse("supplies:check_list") + "?behind=1")
    body = listed.content.decode()
    assert listed.status_code == 200 and "旧县街道应急物资仓库" in body and "落后" in body
    for wh in stores.values():  # nothing recorded for two months: all are behind
        assert wh.name in body
    for s in CheckSchedule.objects.filter(warehouse=stores["hufeng"]):
        last = rounds.states([s], today)[0].last_due
        CheckSchedule.objects.filter(pk=s.pk).update(last_done_period=last)
    body = client.get(reverse("supplies:check_list") + "?behind=1").content.decode()
    assert "虎峰镇应急物资仓库" not in body and "旧县街道应急物资仓库" in body
    export = client.get(reverse("supplies:check_list") + "?behind=1&format=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="export", summary__contains="仓库日周月检查").exists()


def test_card_and_work_queue_for_the_keeper(stores, users, login):
    today = dt.date.today()
    weekly = schedule_of(stores["jiuxian"], "weekly")
    CheckSchedule.objects.filter(warehouse=stores["jiuxian"]).update(starts_on=today - dt.timedelta(days=30))
    due = rounds.checks_due(users["jiuxian"], today)
    assert weekly in due and all(s.warehouse_id == stores["jiuxian"].pk for s in due)
    row = round_views.rounds._check_row(next(s for s in due if s.pk == weekly.pk))
    assert "落后" in row.detail and row.url == reverse("supplies:check_round_new", args=[weekly.pk])
    assert not rounds.checks_due(users["hufeng"], today).filter(warehouse=stores["jiuxian"]).exists()
    rounds.record_round(users["jiuxian"], weekly.pk, inspectors="刘旧县", results=answers(weekly))
    assert weekly not in rounds.checks_due(users["jiuxian"], today)
    todo = login(users["jiuxian"]).get(reverse("todo")).content.decode()
    assert "本期待做的仓库日周月检查" in todo and "旧县街道应急物资仓库 · 月检" in todo


def test_demo_has_rounds_and_a_warehouse_behind(district, catalogue):
    from anying.supplies import demo

    demo.load(random.Random(1))
    today = dt.date.today()
    assert CheckSchedule.objects.values("warehouse").distinct().count() == Warehouse.objects.count()
    assert CheckRound.objects.count() > 100 and CheckResult.objects.filter(result=FAIL).exclude(note="").exists()
    late = set(Warehouse.objects.filter(rounds.behind_exists(rounds.behind_q(today))).values_list("level", flat=True))
    assert "town" in late
    main = Warehouse.objects.get(name="铜梁区应急物资储备库")
    assert not any(s.behind for s in rounds.states(main.check_schedules.all(), today))


def test_map_popup_tells_behind_only_to_who_reads_the_checks(stores, users):
    from anying.places.layers import REGISTRY, rows

    layer = REGISTRY["warehouses"]
    CheckSchedule.objects.update(starts_on=dt.date.today() - dt.timedelta(days=60))  # nothing done for 2 months

    def popups(user):
        return {r["name"]: layer.popup(r) for r in rows(layer, user).values("pk", "name", *layer.fields)}

    assert "日周月检查落后" in popups(users["admin"])["旧县街道应急物资仓库"]
    town = popups(users["jiuxian"])
    assert "日周月检查落后" in town["旧县街道应急物资仓库"]
    assert "日周月检查落后" not in town["区级应急物资储备库"]  # shared for dispatch: stock, not checks


def test_command_fills_in_missing_schedules(stores):
    from io import StringIO

    from django.core.management import call_command

    CheckSchedule.objects.filter(warehouse=stores["hufeng"], frequency="weekly").delete()
    out = StringIO()
    call_command("warehouse_checks", "--dry-run", stdout=out)
    assert "虎峰镇应急物资仓库：缺少 周检" in out.getvalue()
    assert not CheckSchedule.objects.filter(warehouse=stores["hufeng"], frequency="weekly").exists()
    call_command("warehouse_checks", stdout=StringIO())
    assert CheckSchedule.objects.filter(warehouse=stores["hufeng"], frequency="weekly").count() == 1
    call_command("warehouse_checks", stdout=StringIO())  # idempotent
    assert CheckSchedule.objects.filter(warehouse=stores["hufeng"]).count() == 3
