"""The decision limit of a penalty case (issue #13; 总局令15号 第三十二条): 30 days from filing,
extended to 90 days with the head's consent and to 180 days with the level above's approval,
each recorded (who, when, why) before the current limit runs out; a decision after the limit is
refused. Boundaries: day 30/31, 90/91, 180/181."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anying.core import clock, workflow
from anying.core.models import AuditEvent, ClockStep
from anying.inspections import penalties
from anying.inspections.models import DecisionExtension, Penalty

DAY = dt.timedelta(days=1)
FILED = dt.date(2026, 3, 2)


@pytest.fixture
def filed(make_enterprise, users):
    """A general-procedure case filed on FILED and notified the same day."""
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械")
    penalty = penalties.file_case(users["yingji"], ent, {
        "party_name": ent.name, "facts": "未设泄爆装置", "evidence": "照片", "violated": "安全生产法第三十六条",
        "legal_basis": "安全生产法第九十九条", "amount": Decimal("20000.00")}, today=FILED)
    return penalties.notify(users["yingji"], penalty.pk, today=FILED)


def extend(user, penalty, day, approver="区应急局局长 王局长", reason="需补充鉴定意见"):
    return penalties.extend(user, penalty.pk, approver=approver, approved_on=FILED + day * DAY, reason=reason,
                            today=FILED + day * DAY)


@pytest.mark.parametrize("extensions, last_day", [(0, 30), (1, 90), (2, 180)])
def test_decision_on_the_last_day_and_not_the_day_after(filed, users, extensions, last_day):
    for n in range(extensions):
        extend(users["yingji"], filed, 20 + n * 60)  # day 20 (limit 30), day 80 (limit 90)
    penalty = Penalty.objects.get(pk=filed.pk)
    assert penalty.decide_within == last_day and penalty.decide_by == FILED + last_day * DAY
    with pytest.raises(ValidationError, match=f"已超过作出决定的期限：立案之日起 {last_day} 日"):
        penalties.decide(users["yingji"], penalty.pk, today=FILED + (last_day + 1) * DAY)
    assert Penalty.objects.get(pk=penalty.pk).status == "notified"
    decided = penalties.decide(users["yingji"], penalty.pk, today=FILED + last_day * DAY)
    assert decided.status == "decided" and decided.decided_on == FILED + last_day * DAY


def test_each_extension_records_its_approval(filed, users):
    penalty = extend(users["yingji"], filed, 30, approver="王局长")  # the last day of the 30
    first = penalty.extensions.get()
    assert (first.approval, first.approver, first.days, first.previous_by, first.decide_by) == (
        "head", "王局长", 90, FILED + 30 * DAY, FILED + 90 * DAY)
    assert first.reason == "需补充鉴定意见" and first.recorded_by == users["yingji"]
    penalty = extend(users["yingji"], penalty, 90, approver="市应急管理局 李处长")
    second = penalty.extensions.get(days=180)
    assert second.approval == "above" and penalty.decide_by == FILED + 180 * DAY
    events = AuditEvent.objects.filter(object_id=str(penalty.pk), summary__contains="延长至").order_by("pk")
    assert [e.summary.split("（")[0] for e in events] == ["本部门负责人同意", "上一级部门批准"]
    assert events[0].before["decide_by"] == str(FILED + 30 * DAY) and events[0].after["decide_by"] == str(FILED + 90 * DAY)
    assert [e.action for e in workflow.timeline(penalty)].count("extend") == 2
    with pytest.raises(ValidationError, match="已延长至立案之日起 180 日，不能再延长"):
        extend(users["yingji"], penalty, 100)


@pytest.mark.parametrize("day, limit_before", [(31, 30), (91, 90)])
def test_no_extension_once_the_limit_has_run_out(filed, users, day, limit_before):
    if limit_before == 90:
        extend(users["yingji"], filed, 10)
    with pytest.raises(ValidationError, match="届满后不能再延长"):
        extend(users["yingji"], filed, day)
    penalty = Penalty.objects.get(pk=filed.pk)
    assert penalty.decide_within == limit_before and penalty.extensions.count() == (limit_before > 30)


@pytest.mark.parametrize("changes, field", [
    ({"approver": " "}, "approver"), ({"approved_on": None}, "approved_on"),
    ({"approved_on": FILED - DAY}, "approved_on"), ({"approved_on": FILED + 11 * DAY}, "approved_on"),  # after today
    ({"reason": ""}, "comment"),
])
def test_an_extension_without_its_approval_is_refused(filed, users, changes, field):
    args = {"approver": "王局长", "approved_on": FILED + 5 * DAY, "reason": "待鉴定", "today": FILED + 10 * DAY, **changes}
    with pytest.raises(ValidationError) as refused:
        penalties.extend(users["yingji"], filed.pk, **args)
    assert field in refused.value.message_dict
    assert not DecisionExtension.objects.exists() and Penalty.objects.get(pk=filed.pk).decide_within == 30


def test_only_the_filing_unit_extends(filed, users):
    from anying.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        extend(users["jiuxian"], filed, 5)
    assert not DecisionExtension.objects.exists()


def test_the_reminders_start_again_for_the_extended_limit(filed, users):
    clock.run(now=dt.datetime.combine(FILED + 20 * DAY, dt.time(9)).astimezone())
    assert list(ClockStep.objects.filter(clock="penalty_decision", object_id=filed.pk).values_list("code", "cycle")) \
        == [("soon", FILED + 30 * DAY)]
    extend(users["yingji"], filed, 25)
    clock.run(now=dt.datetime.combine(FILED + 80 * DAY, dt.time(9)).astimezone())
    assert list(ClockStep.objects.filter(clock="penalty_decision", object_id=filed.pk).order_by("cycle")
                .values_list("code", "cycle")) == [("soon", FILED + 30 * DAY), ("soon", FILED + 90 * DAY)]


def test_the_penalty_page_shows_the_limit_and_records_an_extension(filed, users, login):
    client = login(users["yingji"])
    today = penalties.timezone.localdate()
    Penalty.objects.filter(pk=filed.pk).update(filed_on=today - 3 * DAY, decide_by=today + 27 * DAY)
    page = client.get(reverse("penalty_detail", args=[filed.pk])).content.decode()
    assert "立案之日起 30 日" in page and "经本部门负责人同意延长至立案之日起90日" in page
    client.post(reverse("penalty_action", args=[filed.pk, "extend"]), {
        "approver": "王局长", "approved_on": today.isoformat(), "reason": "等待检测报告", "version": filed.version})
    penalty = Penalty.objects.get(pk=filed.pk)
    assert penalty.decide_within == 90
    page = client.get(reverse("penalty_detail", args=[filed.pk])).content.decode()
    assert "本部门负责人同意延长至立案之日起 90 日" in page and "王局长" in page and "等待检测报告" in page
    assert "上一级部门批准延长至立案之日起180日" in page  # the next step offered
    Penalty.objects.filter(pk=filed.pk).update(decide_by=today - DAY)
    page = client.get(reverse("penalty_detail", args=[filed.pk])).content.decode()
    assert "已超期" in page and "登记延长" not in page
    body = client.post(reverse("penalty_action", args=[filed.pk, "decide"]), follow=True).content.decode()
    assert "已超过作出决定的期限" in body
