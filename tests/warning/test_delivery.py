"""Delivery and 叫应: recipients from the area, one per person; the SMS link and reply; the clock
(second channel → call task → superior); 叫应率 per town; measures reported by towns."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import Notification, Region
from anying.warning import delivery, services, sms
from anying.warning.hooks import RECIPIENT_SOURCES, RecipientSpec
from anying.warning.models import (
    CallTask,
    Contact,
    MeasureReport,
    MeasureTask,
    Recipient,
    SmsMessage,
    Warning,
)

from .conftest import issue


def test_editor_cannot_sign_off_and_issued_warning_is_immutable(make_warning, roster, users):
    w = make_warning(author="duty")
    services.act(users["duty"], w.pk, "submit")
    with pytest.raises(PermissionDenied):
        services.act(users["duty"], w.pk, "issue")  # duty has no warning.issue
    admin = users["admin"]  # holds edit and issue, but did not write this one
    w = services.act(admin, w.pk, "issue")
    assert w.status == Warning.Status.ISSUED and w.approved_by == admin
    own = make_warning(author="admin")
    services.act(admin, own.pk, "submit")
    assert "issue" not in {t.name for t in services.LIFECYCLE.available(admin, own)}
    with pytest.raises(PermissionDenied):
        services.act(admin, own.pk, "issue")  # 编辑与签发分离
    w.headline = "改过的标题"
    with pytest.raises(ValidationError, match="不能修改"):
        services.save_draft(users["duty"], w, [])


def test_return_needs_a_comment_and_goes_back_to_the_editor(make_warning, users):
    w = make_warning()
    services.act(users["yingji"], w.pk, "submit")
    with pytest.raises(ValidationError, match="退回意见"):
        services.act(users["leader"], w.pk, "return")
    w = services.act(users["leader"], w.pk, "return", comment="区域漏了虎峰镇")
    assert w.status == Warning.Status.RETURNED
    w.headline = "改正后的预警"
    services.save_draft(users["yingji"], w, w.regions.all())


def test_recipients_by_area_family_and_one_row_per_phone(make_warning, roster, users, town):
    geo_only = Contact.objects.filter(role=Contact.Role.MONITOR).first()
    heat = issue(make_warning(kind="heat", level="yellow"), users["yingji"], users["leader"])
    told = set(heat.recipients.values_list("phone", flat=True))
    assert geo_only.phone not in told  # a 群测群防员 (geological, flood) is not called for heat
    rain = issue(make_warning(), users["yingji"], users["leader"])
    phones = list(rain.recipients.values_list("phone", flat=True))
    assert geo_only.phone in phones and len(phones) == len(set(phones))
    in_area = Contact.objects.filter(region__path__startswith=town("旧县街道").path) | \
        Contact.objects.filter(region__path__startswith=town("虎峰镇").path)
    assert set(in_area.values_list("phone", flat=True)) <= set(phones)
    r = rain.recipients.get(phone=geo_only.phone)
    assert r.town.name in ("旧县街道", "虎峰镇") and r.superior_phone  # the village head above them
    assert SmsMessage.objects.filter(recipient__warning=rain).count() == len(phones)
    one_town = issue(make_warning(towns=("旧县街道",)), users["yingji"], users["leader"])
    assert not one_town.recipients.filter(town__name="虎峰镇").exists()


def test_sources_of_upper_apps_are_merged_by_phone(make_warning, roster, users, town):
    someone = Contact.objects.filter(role=Contact.Role.VILLAGE_HEAD).first()

    def points(warning, area):
        yield RecipientSpec(someone.name, someone.phone, someone.region_id, "龙洞湾滑坡 行政责任人")
        yield RecipientSpec("管护员甲", "13900000001", town("旧县街道").pk, "龙洞湾滑坡 管护单位责任人")

    RECIPIENT_SOURCES.append(points)
    try:
        w = issue(make_warning(), users["yingji"], users["leader"])
    finally:
        RECIPIENT_SOURCES.remove(points)
    r = w.recipients.get(phone=someone.phone)
    assert "龙洞湾滑坡 行政责任人" in r.roles and "村（社区）责任人" in r.roles
    assert w.recipients.filter(phone="13900000001").exists()


def test_ack_link_reply_and_inbox(client, issued, users):
    r = issued.recipients.exclude(phone="").first()
    key = delivery.token(r.pk)
    assert client.get(f"/w/{key}x/").status_code == 404
    assert client.get(f"/w/{r.pk + 1}-{key.split('-')[1]}/").status_code == 404  # the digest binds the id
    page = client.get(f"/w/{key}/")
    assert page.status_code == 200 and "我已收到" in page.content.decode()
    client.post(f"/w/{key}/")
    r.refresh_from_db()
    assert r.acknowledged_at and r.via == Recipient.Via.LINK
    other = issued.recipients.filter(acknowledged_at__isnull=True).exclude(phone="").first()
    assert delivery.acknowledge_reply(other.phone, "你好") == 0
    assert delivery.acknowledge_reply(other.phone, " 1 ") == 1
    other.refresh_from_db()
    assert other.via == Recipient.Via.REPLY
    assert delivery.acknowledge_reply(other.phone, "1") == 0  # the first answer counts


def test_escalation_clock_second_channel_call_task_superior(issued, users, settings):
    now = timezone.now()
    silent = issued.recipients.filter(acknowledged_at__isnull=True)
    total = silent.count()
    acked = issued.recipients.first()
    delivery.acknowledge(acked, Recipient.Via.LINK)
    assert delivery.escalate_due(now + dt.timedelta(minutes=4)) == 0  # orange: 5 minutes of silence first
    assert delivery.escalate_due(now + dt.timedelta(minutes=6)) == total - 1
    assert SmsMessage.objects.filter(text__startswith="【再次提醒】").count() == silent.exclude(phone="").count()
    assert delivery.escalate_due(now + dt.timedelta(minutes=7)) == 0  # each step once
    assert delivery.escalate_due(now + dt.timedelta(minutes=12)) == total - 1
    tasks = CallTask.objects.filter(recipient__warning=issued)
    assert tasks.count() == total - 1 and not tasks.filter(recipient=acked).exists()
    town_task = tasks.filter(recipient__town__name="旧县街道").first()
    assert town_task.unit.name == "旧县街道应急办"  # the town's desk makes the call
    delivery.escalate_due(now + dt.timedelta(minutes=23))
    chased = SmsMessage.objects.filter(text__startswith="【叫应未果】")
    assert chased.exists() and silent.filter(stage=Recipient.Stage.SUPERIOR).count() == total - 1
    assert delivery.escalate_due(now + dt.timedelta(hours=2)) == 0  # the ladder ends at the superior


def test_answer_closes_the_call_task_and_desk_records_calls(issued, users, login):
    now = timezone.now()
    delivery.escalate_due(now + dt.timedelta(minutes=6))
    delivery.escalate_due(now + dt.timedelta(minutes=12))
    task = CallTask.objects.filter(recipient__town__name="旧县街道").first()
    hufeng = users["hufeng"]
    with pytest.raises(PermissionDenied):
        services.acknowledge_for(hufeng, task.recipient_id, via=Recipient.Via.CALL)  # another town's person
    with pytest.raises(ValidationError, match="未接通的情况"):
        services.call_failed(users["jiuxian"], task.pk, "")
    services.call_failed(users["jiuxian"], task.pk, "拨打3次无人接听，已请村干部上门")
    task.refresh_from_db()
    assert task.outcome == CallTask.Outcome.UNREACHED
    second = CallTask.objects.filter(recipient__town__name="旧县街道", outcome="").first()
    response = login(users["jiuxian"]).post(f"/warnings/calls/{second.pk}/", {"outcome": "reached", "note": ""})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.outcome == CallTask.Outcome.REACHED and second.recipient.via == Recipient.Via.CALL
    third = CallTask.objects.filter(outcome="").first()
    delivery.acknowledge_reply(third.recipient.phone, "1")
    third.refresh_from_db()
    assert third.outcome == CallTask.Outcome.REACHED  # answered meanwhile: the call is not needed


def test_progress_per_town(issued):
    rows = {r["town"]: r for r in delivery.progress(issued)}
    assert {"旧县街道", "虎峰镇"} <= set(rows)
    first = issued.recipients.filter(town__name="虎峰镇").first()
    delivery.acknowledge(first, Recipient.Via.LINK)
    rows = {r["town"]: r for r in delivery.progress(issued)}
    assert rows["虎峰镇"]["acked"] == 1
    assert rows["虎峰镇"]["rate"] == round(100 / rows["虎峰镇"]["total"], 1)


def test_measures_per_town_and_daily_reports(issued, users):
    tasks = MeasureTask.objects.filter(warning=issued)
    towns = set(tasks.values_list("town__name", flat=True))
    assert towns == {"旧县街道", "虎峰镇"}
    patrol = tasks.filter(town__name="虎峰镇", daily=True, text__contains="巡逻车").first()
    assert patrol is not None and "001" in patrol.basis  # orange: the seed's daily patrols
    with pytest.raises(PermissionDenied):
        services.report_measure(users["jiuxian"], patrol.pk, "已巡查")  # not their town
    with pytest.raises(ValidationError):
        services.report_measure(users["hufeng"], patrol.pk, "  ")
    services.report_measure(users["hufeng"], patrol.pk, "巡逻车2台")
    with pytest.raises(ValidationError, match="今天已报告"):
        services.report_measure(users["hufeng"], patrol.pk, "又一次")
    services.report_measure(users["hufeng"], patrol.pk, "次日巡查", day=timezone.localdate() + dt.timedelta(days=1))
    assert MeasureReport.objects.filter(task=patrol).count() == 2


def test_cancel_stops_the_clock_and_tells_everyone(issued, users):
    cancel = services.follow_up(users["yingji"], issued.pk, "Cancel")
    with pytest.raises(ValidationError, match="待签发"):
        services.follow_up(users["yingji"], issued.pk, "Update")
    before = SmsMessage.objects.count()
    issue(cancel, users["yingji"], users["leader"])
    issued.refresh_from_db()
    assert issued.status == Warning.Status.CANCELLED
    assert SmsMessage.objects.count() - before == issued.recipients.exclude(phone="").count()
    assert delivery.escalate_due(timezone.now() + dt.timedelta(minutes=30)) == 0


def test_expiry_ends_the_warning(issued):
    assert services.expire_due(issued.expires + dt.timedelta(seconds=1)) == 1
    issued.refresh_from_db()
    assert issued.status == Warning.Status.EXPIRED


def test_sms_outbox_retries_and_logs(issued, monkeypatch):
    class Down:
        def send(self, phone, text):
            raise OSError("网关超时")

    sms.backend.cache_clear()
    monkeypatch.setattr(sms, "backend", lambda: Down())
    assert sms.send_due() == 0
    failed = SmsMessage.objects.filter(attempts=1).first()
    assert failed.status == SmsMessage.Status.PENDING and "网关超时" in failed.result
    monkeypatch.undo()
    sms.backend.cache_clear()
    assert sms.send_due(timezone.now() + dt.timedelta(minutes=2)) > 0
    assert SmsMessage.objects.filter(status=SmsMessage.Status.SENT).exists()


def test_account_holders_get_an_inbox_message_and_ack_in_app(make_warning, roster, users, login):
    c = Contact.objects.filter(region__name="旧县街道").first()
    Contact.objects.filter(pk=c.pk).update(user=users["jiuxian"])
    w = issue(make_warning(), users["yingji"], users["leader"])
    assert Notification.objects.filter(user=users["jiuxian"], title__contains=w.headline).exists()
    mine = w.recipients.get(user=users["jiuxian"])
    page = login(users["jiuxian"]).get(f"/warnings/{w.pk}/")
    assert "我已收到" in page.content.decode()
    login(users["jiuxian"]).post(f"/warnings/{w.pk}/recipients/{mine.pk}/ack/")
    mine.refresh_from_db()
    assert mine.via == Recipient.Via.APP
    assert Region  # noqa: B018
