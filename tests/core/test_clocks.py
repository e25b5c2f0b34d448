"""core.clock: ladders are data per region and date, edited on a page, audited; one tick runs
every clock once per record and rung; rungs create real records (督办, numbered 函告)."""

import datetime as dt

import pytest
from django.utils import timezone

from anying.core import clock
from anying.core.models import AuditEvent, ClockRung, ClockStep, Notification
from anying.hazards import deadlines, escalation
from anying.hazards.models import Hazard, Supervision
from tests.hazards.conftest import factory  # noqa: F401 - fixture

TODAY = timezone.localdate()


def overdue(factory, days, level="general"):  # noqa: F811
    hazard = factory(level=level, status="rectifying")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=TODAY - dt.timedelta(days=days))
    return hazard


def codes(hazard, name="hazard_overdue"):
    return sorted(ClockStep.objects.filter(clock=name, object_id=hazard.pk).values_list("code", flat=True))


def post_ladder(client, region, rungs, effective_from=TODAY):
    data = {"effective_from": effective_from.isoformat()}
    for i, (code, label, days, condition, action) in enumerate(rungs):
        data.update({f"code_{i}": code, f"label_{i}": label, f"days_{i}": str(days), f"condition_{i}": condition,
                     f"action_{i}": action, f"source_{i}": "本镇规定"})
    return client.post(f"/clocks/hazard_overdue/?region={region.pk}", data)


def test_a_towns_ladder_changed_on_its_page_is_used_by_the_next_tick(factory, users, client, town):  # noqa: F811
    hazard = overdue(factory, 3)  # in 旧县街道
    other = overdue(factory, 3)
    client.force_login(users["admin"])
    page = client.get("/clocks/")
    assert page.status_code == 200 and "隐患整改逾期" in page.content.decode()
    jiuxian = town("旧县街道")
    form = client.get(f"/clocks/hazard_overdue/?region={jiuxian.pk}")
    assert "沿用默认规则" in form.content.decode()
    response = post_ladder(client, jiuxian, [("early", "提前催办", 2, "", "notify"), ("letter", "函告", 3, "", "letter")])
    assert response.status_code == 302
    audit = AuditEvent.objects.filter(summary__startswith="隐患整改逾期规则").latest("id")
    assert audit.actor == users["admin"] and "letter 函告 3天 → letter" in audit.after["rungs"]
    assert audit.before["rungs"][0].startswith("reminder")
    assert escalation.run() == 4  # both hazards are in 旧县街道 (the factory's town): its own ladder, 2 rungs each
    assert codes(hazard) == ["early", "letter"] and codes(other) == ["early", "letter"]
    step = ClockStep.objects.get(object_id=hazard.pk, code="letter")
    assert step.document_no.startswith("旧县街道应急办函〔") and step.document_no.endswith("号")
    numbers = set(ClockStep.objects.filter(code="letter").values_list("document_no", flat=True))
    assert len(numbers) == 2  # each letter its own number
    letter = client.get(f"/hazards/{hazard.pk}/letters/{step.pk}.docx")
    assert letter.status_code == 200 and letter["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(users["hufeng"])  # another town: neither the hazard nor its letter
    assert client.get(f"/hazards/{hazard.pk}/letters/{step.pk}.docx").status_code == 404


def test_other_towns_keep_the_default(factory, users, town, make_enterprise):  # noqa: F811
    clock.save_ladder(users["admin"], "hazard_overdue", town("虎峰镇"),
                      TODAY, [{"code": "x", "label": "镇催办", "days": 1}])
    hazard = overdue(factory, 8)  # 旧县街道: the default ladder
    escalation.run()
    assert codes(hazard) == ["letter", "reminder"]


def test_a_version_from_a_later_date_waits_for_it(factory, users, town):  # noqa: F811
    clock.save_ladder(users["admin"], "hazard_overdue", town("旧县街道"), TODAY + dt.timedelta(days=5),
                      [{"code": "x", "label": "镇催办", "days": 1}])
    hazard = overdue(factory, 2)
    escalation.run()
    assert codes(hazard) == ["reminder"]  # the default is still in force today
    later = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=5), dt.time(1)))
    escalation.run(later)
    assert codes(hazard) == ["reminder", "x"]


def test_bad_ladders_are_refused_and_change_nothing(users, town, client):
    jiuxian = town("旧县街道")
    before = ClockRung.objects.count()
    for rungs, message in (([{"code": "a", "label": "甲", "days": 1}, {"code": "a", "label": "乙", "days": 2}], "重复"),
                           ([{"code": "a b", "label": "甲", "days": 1}], "代码"),
                           ([{"code": "a", "label": "甲", "days": 99999}], "天数"),
                           ([{"code": "a", "label": "甲", "days": 1, "action": "explode"}], "动作"),
                           ([], "至少")):
        with pytest.raises(Exception, match=message):
            clock.save_ladder(users["admin"], "hazard_overdue", jiuxian, TODAY, rungs)
    with pytest.raises(Exception, match="不能早于今天"):
        clock.save_ladder(users["admin"], "hazard_overdue", jiuxian, TODAY - dt.timedelta(days=1),
                          [{"code": "a", "label": "甲", "days": 1}])
    assert ClockRung.objects.count() == before
    client.force_login(users["jiuxian"])  # a town inspector may not configure
    assert client.get("/clocks/").status_code == 404
    assert post_ladder(client, jiuxian, [("a", "甲", 1, "", "notify")]).status_code == 404
    assert ClockRung.objects.count() == before


def test_the_listed_rung_creates_a_supervision_with_its_letter(factory, users, client):  # noqa: F811
    major = overdue(factory, 61, level="major")
    escalation.run()
    supervision = Supervision.objects.get(hazard=major)
    assert supervision.unit.name == "区安委办" and supervision.created_by is None
    assert supervision.document_no.startswith("安委办督〔") and supervision.due > TODAY
    client.force_login(users["jiuxian"])
    assert client.get(f"/hazards/{major.pk}/supervision.docx").status_code == 200
    escalation.run()
    assert Supervision.objects.filter(hazard=major).count() == 1


def test_an_unanswered_extension_is_overdue_on_the_answerers_todo_and_inbox(factory, users, client,  # noqa: F811
                                                                            enterprise_user):
    hazard = factory(status="rectifying")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=TODAY + dt.timedelta(days=40))
    owner = enterprise_user(factory.enterprise)
    asked = TODAY - dt.timedelta(days=6)
    extension = deadlines.request_extension(owner, hazard.pk, TODAY + dt.timedelta(days=60), "设备到货延迟", today=asked)
    assert extension.answer_due == asked + dt.timedelta(days=5)
    told = Notification.objects.filter(user=users["jiuxian"], title__startswith="整改延期申请待答复").count()
    assert told == 1  # the request itself is told to the answerers
    Notification.objects.all().delete()
    clock.run()
    assert ClockStep.objects.filter(clock="extension_answer", object_id=extension.pk, code="overdue").exists()
    note = Notification.objects.get(user=users["jiuxian"])
    assert note.title.startswith("延期申请待答复：") and "逾期 1 天，答复逾期" in note.body
    assert not Notification.objects.filter(user=owner).exists()
    client.force_login(users["jiuxian"])
    page = client.get("/hazards/todo/", follow=True).content.decode()  # the old address leads to /todo/
    assert "待答复的延期申请" in page and "已逾期" in page
    sent = Notification.objects.count()  # the town office and the departments of the trade
    clock.run()
    assert Notification.objects.count() == sent  # once
    deadlines.answer_extension(users["jiuxian"], extension.pk, True, "同意")
    page = client.get("/todo/?source=hazards.extensions").content.decode()
    assert "待答复的延期申请（0）" in page and "已逾期" not in page


def test_a_submission_not_reviewed_in_10_days_is_told_to_its_reviewers(factory, users):  # noqa: F811
    hazard = factory(status="submitted")
    Hazard.objects.filter(pk=hazard.pk).update(review_due=TODAY - dt.timedelta(days=1))
    clock.run()
    assert ClockStep.objects.filter(clock="hazard_review", object_id=hazard.pk, code="overdue").exists()
    note = Notification.objects.get(user=users["jiuxian"], title__startswith="隐患复查期限")
    assert "逾期 1 天，复查逾期" in note.body


def test_the_penalty_decision_clock_reminds_before_and_after(make_enterprise, users):
    from decimal import Decimal

    from anying.inspections import penalties
    from anying.inspections.models import Penalty

    ent = make_enterprise("旧县机械厂", "旧县街道", "机械")
    penalty = penalties.file_case(users["yingji"], ent, {
        "party_name": ent.name, "facts": "未设泄爆装置", "evidence": "照片", "violated": "安全生产法第三十六条",
        "legal_basis": "安全生产法第九十九条", "amount": Decimal("20000.00")})
    assert penalty.decide_by == TODAY + dt.timedelta(days=30)  # 总局令15号第三十二条
    Penalty.objects.filter(pk=penalty.pk).update(decide_by=TODAY + dt.timedelta(days=10))
    clock.run()
    assert codes(penalty, "penalty_decision") == ["soon"]
    note = Notification.objects.get(user=users["yingji"], title__startswith="行政处罚决定期限")
    assert "距期限还有 10 天，临近作出决定期限" in note.body
    assert not Notification.objects.filter(user=users["jingxin"], title__startswith="行政处罚决定期限").exists()
    clock.run(now=timezone.now() + dt.timedelta(days=11))  # the day after the limit
    assert codes(penalty, "penalty_decision") == ["overdue", "soon"]


def test_an_admin_edits_only_regions_of_their_own_territory(users, client, district):
    from anying.core.models import Region

    elsewhere = Region.objects.create(name="别的区", level=Region.Level.DISTRICT, parent=district.parent)
    client.force_login(users["admin"])
    assert client.get(f"/clocks/hazard_overdue/?region={elsewhere.pk}").status_code == 404
    assert post_ladder(client, elsewhere, [("a", "甲", 1, "", "notify")]).status_code == 404
    assert client.get("/clocks/nonsense/?region=1").status_code == 404
    assert not ClockRung.objects.filter(region=elsewhere).exists()
