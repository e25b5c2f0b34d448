"""督办: record with 文号, letter as .docx, weekly progress with a missed-update flag."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.hazards import supervision
from anying.hazards.models import Hazard

TODAY = dt.date(2026, 11, 23)


def test_major_hazard_is_supervised_with_numbered_letters(factory, users, settings):
    settings.ANYING_ENFORCEMENT_ORG = "铜"
    first, second, third = factory(level="major"), factory(level="major"), factory(level="major")
    a = supervision.supervise(users["admin"], first.pk, level="district", requirements="停产整改", due=TODAY + dt.timedelta(days=30), today=TODAY)
    c = supervision.supervise(users["admin"], third.pk, level="district", requirements="停产整改", due=TODAY + dt.timedelta(days=30), today=TODAY)
    # the district's units number under the district's abbreviation (issue #13)
    b = supervision.supervise(users["yingji"], second.pk, level="district", requirements="限期治理", due=TODAY + dt.timedelta(days=30), today=TODAY)
    assert (a.document_no, c.document_no, b.document_no) == ("铜安委办督〔2026〕1号", "铜安委办督〔2026〕2号", "铜安委办督〔2026〕3号")
    with pytest.raises(ValidationError, match="已督办"):
        supervision.supervise(users["admin"], first.pk, level="district", requirements="x", due=TODAY, today=TODAY)


def test_only_open_major_hazards_and_only_regulators(factory, users, enterprise_user):
    general = factory()
    with pytest.raises(ValidationError, match="重大事故隐患"):
        supervision.supervise(users["admin"], general.pk, level="district", requirements="x", due=TODAY, today=TODAY)
    major = factory(level="major")
    with pytest.raises(PermissionDenied):
        supervision.supervise(enterprise_user(factory.enterprise), major.pk, level="district", requirements="x",
                              due=TODAY, today=TODAY)
    with pytest.raises(Hazard.DoesNotExist):
        supervision.supervise(users["hufeng"], major.pk, level="district", requirements="x", due=TODAY, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        supervision.supervise(users["admin"], major.pk, level="nope", requirements="", due=TODAY - dt.timedelta(days=1),
                              today=TODAY)
    assert set(exc.value.message_dict) == {"level", "requirements", "due"}


def test_weekly_progress_and_missed_update_flag(factory, users, enterprise_user):
    major = factory(level="major", status="rectifying")
    record = supervision.supervise(users["admin"], major.pk, level="district", requirements="停产整改",
                                   due=TODAY + dt.timedelta(days=60), today=TODAY)
    hazard = Hazard.objects.get(pk=major.pk)
    assert not supervision.report_overdue(hazard, TODAY + dt.timedelta(days=7))
    assert supervision.report_overdue(hazard, TODAY + dt.timedelta(days=8))
    supervision.report_progress(enterprise_user(factory.enterprise), major.pk, "完成泄爆片采购", today=TODAY + dt.timedelta(days=8))
    assert not supervision.report_overdue(hazard, TODAY + dt.timedelta(days=15))
    assert supervision.report_overdue(hazard, TODAY + dt.timedelta(days=16))
    with pytest.raises(ValidationError, match="治理进展"):
        supervision.report_progress(users["jiuxian"], major.pk, " ", today=TODAY)
    assert record.hazard_id == major.pk


def test_letter_docx_and_pages(factory, users, login):
    from docx import Document

    major = factory(level="major")
    client = login(users["admin"])
    client.post(reverse("hazard_supervise", args=[major.pk]),
                {"level": "district", "requirements": "立即停产整改", "due": (timezone.localdate() + dt.timedelta(days=20)).isoformat()})
    response = client.get(reverse("hazard_supervision_letter", args=[major.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs)
    assert "重大事故隐患督办通知书" in text and "旧县机械厂" in text and "立即停产整改" in text and "第十一条（三）" in text
    assert "〔" in text and "区安委办" in text
    body = client.get(reverse("hazard_detail", args=[major.pk])).content.decode()
    assert "下载督办通知书" in body and "督办" in body
    assert login(users["hufeng"]).get(reverse("hazard_supervision_letter", args=[major.pk])).status_code == 404
    unsupervised = factory(level="major")
    assert client.get(reverse("hazard_supervision_letter", args=[unsupervised.pk])).status_code == 404


def test_supervise_and_progress_are_steps_of_the_lifecycle(factory, users, enterprise_user):
    from anying.core.models import AuditEvent, Notification
    from anying.core.workflow import timeline
    from anying.hazards.workflow import LIFECYCLE

    owner = enterprise_user(factory.enterprise)
    major = factory(level="major", status="rectifying")
    version = Hazard.objects.get(pk=major.pk).version
    record = supervision.supervise(users["admin"], major.pk, level="district", requirements="停产整改",
                                   due=TODAY + dt.timedelta(days=30), today=TODAY, version=version)
    report = supervision.report_progress(owner, major.pk, "完成泄爆片采购", today=TODAY, version=version + 1)
    assert report.content == "完成泄爆片采购" and report.reported_by == owner
    steps = list(timeline(major).filter(action__in=("supervise", "progress")).order_by("id"))
    assert [(e.action, LIFECYCLE.label_of(e.action), e.actor) for e in steps] == [
        ("supervise", "督办", users["admin"]), ("progress", "报告治理进展", owner)]
    assert record.document_no in steps[0].comment and steps[1].comment == "完成泄爆片采购"
    assert all(e.from_state == e.to_state == "rectifying" for e in steps)  # reports: the state stays
    hazard = Hazard.objects.get(pk=major.pk)
    assert (hazard.status, hazard.version) == ("rectifying", version + 2)
    assert AuditEvent.objects.filter(object_id=str(major.pk), action=AuditEvent.Action.STATE,
                                     summary=f"督办 {record.document_no}").exists()
    assert AuditEvent.objects.filter(object_id=str(major.pk), summary="报告治理进展").exists()
    # 督办 tells the enterprise and the town office (旧县街道), never the one who issued it
    told = Notification.objects.filter(title__startswith="隐患督办")
    assert told.filter(user=owner).exists() and told.filter(user=users["jiuxian"]).exists()
    assert not told.filter(user__in=[users["admin"], users["hufeng"]]).exists()


def test_stale_version_and_wrong_party_change_nothing(factory, users, enterprise_user):
    from anying.core.workflow import StaleVersion
    from anying.hazards.models import ProgressReport, Supervision

    owner = enterprise_user(factory.enterprise)
    major = factory(level="major")
    seen = Hazard.objects.get(pk=major.pk).version
    with pytest.raises(ValidationError, match="只有督办中的重大事故隐患需要报告治理进展"):
        supervision.report_progress(owner, major.pk, "完成采购", today=TODAY)
    with pytest.raises(PermissionDenied, match="督办"):
        supervision.supervise(owner, major.pk, level="district", requirements="停产整改",
                              due=TODAY + dt.timedelta(days=30), today=TODAY)
    supervision.supervise(users["admin"], major.pk, level="district", requirements="停产整改",
                          due=TODAY + dt.timedelta(days=30), today=TODAY, version=seen)
    with pytest.raises(StaleVersion):
        supervision.report_progress(owner, major.pk, "完成采购", today=TODAY, version=seen)
    assert not ProgressReport.objects.filter(hazard=major).exists()
    other = factory(level="major")
    stale = Hazard.objects.get(pk=other.pk).version
    Hazard.objects.filter(pk=other.pk).update(version=stale + 1)  # someone else acted meanwhile
    with pytest.raises(StaleVersion):
        supervision.supervise(users["admin"], other.pk, level="district", requirements="停产整改",
                              due=TODAY + dt.timedelta(days=30), today=TODAY, version=stale)
    assert not Supervision.objects.filter(hazard=other).exists()
    closed = factory(level="major", status="closed")
    with pytest.raises(ValidationError, match="不能督办"):
        supervision.supervise(users["admin"], closed.pk, level="district", requirements="x", due=TODAY, today=TODAY)


def test_pages_offer_the_steps_in_the_supervision_card(factory, users, login, enterprise_user):
    from anying.hazards.models import Supervision

    major = factory(level="major")
    client = login(users["admin"])
    body = client.get(reverse("hazard_detail", args=[major.pk])).content.decode()
    assert reverse("hazard_supervise", args=[major.pk]) in body
    assert reverse("hazard_transition", args=[major.pk, "supervise"]) not in body  # not a generic step card
    assert reverse("hazard_transition", args=[major.pk, "progress"]) not in body
    owner_page = login(enterprise_user(factory.enterprise)).get(reverse("hazard_detail", args=[major.pk])).content.decode()
    assert reverse("hazard_supervise", args=[major.pk]) not in owner_page
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    shown = Hazard.objects.get(pk=major.pk).version
    Hazard.objects.filter(pk=major.pk).update(version=shown + 1)  # someone else acted after the page was shown
    response = client.post(reverse("hazard_supervise", args=[major.pk]),
                           {"level": "district", "requirements": "立即停产整改", "due": due, "version": shown}, follow=True)
    assert "已被他人修改" in response.content.decode()
    assert not Supervision.objects.filter(hazard=major).exists()
    client.post(reverse("hazard_supervise", args=[major.pk]),
                {"level": "district", "requirements": "立即停产整改", "due": due, "version": shown + 1})
    assert Supervision.objects.filter(hazard=major).exists()
