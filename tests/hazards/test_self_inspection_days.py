"""Daily checks only on working days, or for a chosen past day (补录), and a refused save keeps
its answers and photos (issue #13: 开始排查 was offered on a Sunday, the save refused and the
photos were lost)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anying.core import periods
from anying.core.attachments import HELD_FOR, attach, attachments_of, held
from anying.core.models import Attachment, AuditEvent
from anying.hazards import self_inspection
from anying.hazards.models import ChecklistTemplate, Hazard, SelfInspectionRound
from tests.conftest import png_bytes

from .test_self_inspection import all_ok, bureau, factory_ent, published  # noqa: F401 — fixtures

Use = ChecklistTemplate.Use
FRI, SAT, SUN, MON = dt.date(2026, 12, 4), dt.date(2026, 12, 5), dt.date(2026, 12, 6), dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # each test has its own folder for the photos it holds


@pytest.fixture
def daily(published, factory_ent):  # noqa: F811
    published()
    schedule = self_inspection.generate(None, factory_ent, starts_on=dt.date(2026, 11, 2))[0][0]
    assert schedule.frequency == "daily" and schedule.workdays == "12345"
    return schedule


def record(ent, schedule, day, today):
    return self_inspection.record_round(ent.user, schedule.pk, inspectors="李班长", results=all_ok(schedule),
                                        today=today, day=day)


# ----- which days are offered -----

def test_workdays_read_in_chinese():
    assert [periods.workdays_label(w) for w in ("12345", "123456", "1234567", "135", "67", "")] == [
        "周一至周五", "周一至周六", "每天", "周一、周三、周五", "周六、周日", "未设置"]
    assert [periods.is_workday(d, "12345") for d in (FRI, SAT, SUN, MON)] == [True, False, False, True]


@pytest.mark.parametrize("today, open_today, catch_up", [
    (FRI, True, None), (SAT, False, FRI), (SUN, False, FRI), (MON, True, None)])
def test_start_is_offered_only_on_a_working_day(daily, factory_ent, today, open_today, catch_up):  # noqa: F811
    for day in (dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 3)):
        record(factory_ent, daily, day, day)  # Monday to Thursday done
    [state] = self_inspection.states([daily], today=today)
    assert state.today_open is open_today and state.catch_up == catch_up
    assert state.rest_day is (today in (SAT, SUN))
    # once Friday is in, the weekend offers nothing at all
    if today in (SAT, SUN):
        record(factory_ent, daily, FRI, today)
        daily.refresh_from_db()
        [state] = self_inspection.states([daily], today=today)
        assert not state.today_open and state.catch_up is None and state.recordable == []


def test_the_offered_days_are_the_working_days_of_the_last_week_not_yet_recorded(daily, factory_ent):  # noqa: F811
    assert self_inspection.recordable_days(daily, SUN) == [FRI, dt.date(2026, 12, 3), dt.date(2026, 12, 2),
                                                           dt.date(2026, 12, 1), dt.date(2026, 11, 30)]
    record(factory_ent, daily, dt.date(2026, 12, 2), SUN)
    assert dt.date(2026, 12, 2) not in self_inspection.recordable_days(daily, SUN)
    # the schedule's start bounds it too
    daily.starts_on = dt.date(2026, 12, 3)
    assert self_inspection.recordable_days(daily, SUN) == [FRI, dt.date(2026, 12, 3)]


# ----- what the service accepts -----

def test_a_past_working_day_is_entered_with_its_date_and_audited_as_late(daily, factory_ent, login):  # noqa: F811
    round_ = record(factory_ent, daily, FRI, SUN)
    assert (round_.done_on, round_.period_start) == (FRI, FRI)
    body = login(factory_ent.user).get(reverse("self_inspection_round", args=[round_.pk])).content.decode()
    assert "补录）" in body  # recorded (today) after the day it was done
    assert AuditEvent.objects.filter(object_id=str(round_.pk), summary__contains="2026-12-06 补录 2026-12-04").exists()


@pytest.mark.parametrize("day, today, message", [
    (SUN, SUN, "今天（周日）不是该日排查计划的工作日（周一至周五）"),
    (SAT, MON, "12月5日（周六）不是该日排查计划的工作日"),
    (MON, SUN, "不能晚于今天"),
    (dt.date(2026, 11, 27), SUN, "只能补录 7 天内的排查"),  # 9 days before
    (dt.date(2026, 10, 30), dt.date(2026, 11, 3), "起执行"),
])
def test_refused_days_say_why_and_change_nothing(daily, factory_ent, day, today, message):  # noqa: F811
    with pytest.raises(ValidationError, match=message) as exc:
        record(factory_ent, daily, day, today)
    assert "day" in exc.value.message_dict
    assert not SelfInspectionRound.objects.exists()


def test_the_last_day_of_the_window(daily, factory_ent):  # noqa: F811
    monday_before = dt.date(2026, 11, 30)
    assert record(factory_ent, daily, monday_before, dt.date(2026, 12, 7)).done_on == monday_before  # 7 days
    with pytest.raises(ValidationError, match="只能补录"):
        record(factory_ent, daily, monday_before - dt.timedelta(days=1), dt.date(2026, 12, 7))


def test_a_weekly_check_may_be_entered_for_last_week(published, factory_ent):  # noqa: F811
    published(Use.WEEKLY)
    weekly = self_inspection.generate(None, factory_ent, starts_on=dt.date(2026, 11, 2))[0][0]
    assert weekly.frequency == "weekly"
    assert SUN in self_inspection.recordable_days(weekly, SUN)  # weekly checks know no working days
    monday = dt.date(2026, 11, 30)
    round_ = record(factory_ent, weekly, dt.date(2026, 11, 27), monday)  # last Friday, entered on Monday
    assert round_.period_start == dt.date(2026, 11, 23)
    assert self_inspection.recordable_days(weekly, monday) == [monday]  # last week is done


# ----- the pages -----

def _rest_today(schedule, starts=None):
    """Make today a rest day of the schedule and yesterday a working day (whatever today is)."""
    today = timezone.localdate()
    schedule.workdays = "".join(d for d in "1234567" if d != str(today.isoweekday()))
    schedule.starts_on = starts or today - dt.timedelta(days=1)
    schedule.save()
    return today


def test_on_a_rest_day_the_page_offers_no_start_only_the_missed_day(daily, factory_ent, login):  # noqa: F811
    today = _rest_today(daily)
    client = login(factory_ent.user)
    page = client.get(reverse("self_inspection_enterprise", args=[factory_ent.pk])).content.decode()
    assert "开始排查" not in page and "非工作日，不排查" in page
    yesterday = today - dt.timedelta(days=1)
    assert f"?day={yesterday:%Y-%m-%d}" in page and f"补录{yesterday.month}月{yesterday.day}日" in page
    form = client.get(reverse("round_create", args=[daily.pk]) + f"?day={yesterday:%Y-%m-%d}").content.decode()
    assert f'<option value="{yesterday:%Y-%m-%d}" selected>' in form and f'value="{today:%Y-%m-%d}"' not in form
    assert f"：{yesterday.month}月{yesterday.day}日</h1>" in form


def test_with_nothing_to_record_the_form_is_not_offered(daily, factory_ent, login):  # noqa: F811
    _rest_today(daily, starts=timezone.localdate())
    body = login(factory_ent.user).get(reverse("round_create", args=[daily.pk])).content.decode()
    assert "目前没有可以记录的排查" in body and "保存排查记录" not in body


def _post(client, schedule, day, note, **extra):
    first, second = schedule.checklist.items.all()
    data = {"day": day.isoformat(), "inspectors": "李班长", "note": "", f"result_{first.pk}": "fail",
            f"note_{first.pk}": note, f"place_{first.pk}": "一车间", f"result_{second.pk}": "ok", **extra}
    return client.post(reverse("round_create", args=[schedule.pk]), data), first


def _token(body):
    return body.split('name="form_token" value="')[1].split('"')[0]


def test_a_refused_save_keeps_the_answers_and_the_photos(daily, factory_ent, login):  # noqa: F811
    daily.workdays = "1234567"
    daily.save()
    client = login(factory_ent.user)
    today = timezone.localdate()
    photo = SimpleUploadedFile("出口.png", png_bytes(), content_type="image/png")
    response, first = _post(client, daily, today, "  ", **{f"photos_{daily.checklist.items.first().pk}": photo})
    body = response.content.decode()
    assert response.status_code == 200 and "须说明" in body
    assert not SelfInspectionRound.objects.exists() and not Hazard.objects.exists()
    assert 'value="fail"' in body and "李班长" in body  # the answers are still there
    assert "已保留上次选择的照片" in body and "出口.png" in body and "移除" in body
    token = _token(body)
    assert [a.original_name for a in held(factory_ent.user, f"round:{token}:")] == ["出口.png"]
    response, _ = _post(client, daily, today, "安全出口堵塞", form_token=token)  # not chosen again
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert [a.original_name for a in attachments_of(hazard)] == ["出口.png"]
    assert not held(factory_ent.user, f"round:{token}:").exists()  # attached, so no longer held


def test_a_kept_photo_is_only_its_users(daily, factory_ent, login, make_enterprise, enterprise_user):  # noqa: F811
    daily.workdays = "1234567"
    daily.save()
    today = timezone.localdate()
    client = login(factory_ent.user)
    first = daily.checklist.items.first()
    photo = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    token = _token(_post(client, daily, today, " ", **{f"photos_{first.pk}": photo})[0].content.decode())
    kept = held(factory_ent.user, f"round:{token}:").get()
    # another user of the same enterprise posting the token (and the photo's id) sees, removes
    # and attaches nothing of it
    colleague = enterprise_user(factory_ent, username="colleague")
    body = _post(login(colleague), daily, today, " ", form_token=token, drop_photo=[kept.pk])[0].content.decode()
    assert _token(body) == token and "a.png" not in body
    assert Attachment.objects.filter(pk=kept.pk, object_id=kept.object_id).exists()
    with pytest.raises(ValidationError, match="附件不可用"):
        attach(colleague, daily, kept)
    # a forged token finds nothing; a file that would be refused is not held, and says why
    assert "a.png" not in _post(client, daily, today, " ", form_token="x" * 22)[0].content.decode()
    body = _post(client, daily, today, " ", form_token=token,
                 **{f"photos_{first.pk}": SimpleUploadedFile("a.exe", b"MZ...")})[0].content.decode()
    assert "不支持的文件类型" in body and held(factory_ent.user, "round:").count() == 1
    # 移除 drops it
    body = _post(client, daily, today, " ", form_token=token, drop_photo=[kept.pk])[0].content.decode()
    assert "a.png" not in body and not Attachment.objects.filter(pk=kept.pk).exists()


def test_tick_sweeps_photos_of_a_round_never_saved(daily, factory_ent, login):  # noqa: F811
    from django.core.management import call_command

    daily.workdays = "1234567"
    daily.save()
    first = daily.checklist.items.first()
    photo = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    _post(login(factory_ent.user), daily, timezone.localdate(), " ", **{f"photos_{first.pk}": photo})
    kept = held(factory_ent.user, "round:").get()
    call_command("tick", verbosity=0)
    assert Attachment.objects.filter(pk=kept.pk).exists()  # the form may still come back
    Attachment.objects.filter(pk=kept.pk).update(uploaded_at=timezone.now() - HELD_FOR - dt.timedelta(minutes=1))
    call_command("tick", verbosity=0)
    assert not Attachment.objects.filter(pk=kept.pk).exists()
    assert not default_storage.exists(kept.file.name)


def test_a_public_holiday_is_no_working_day_and_a_tiaoxiu_saturday_is(daily, factory_ent):  # noqa: F811
    type(daily).objects.filter(pk=daily.pk).update(starts_on=dt.date(2026, 9, 1))
    daily.refresh_from_db()
    with pytest.raises(ValidationError, match="今天（周四，国庆节假期）不是该日排查计划的工作日"):
        record(factory_ent, daily, dt.date(2026, 10, 1), dt.date(2026, 10, 1))
    assert not SelfInspectionRound.objects.exists()
    saturday = dt.date(2026, 10, 10)  # 调休上班
    assert saturday in self_inspection.recordable_days(daily, today=saturday)
    assert record(factory_ent, daily, saturday, saturday).period_start == saturday
