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
    settings.ANYING_SUPERVISION_PREFIX = "铜安委办督"
    first, second = factory(level="major"), factory(level="major")
    a = supervision.supervise(users["admin"], first.pk, level="district", requirements="停产整改", due=TODAY + dt.timedelta(days=30), today=TODAY)
    b = supervision.supervise(users["jiuxian"], second.pk, level="city", requirements="限期治理", due=TODAY + dt.timedelta(days=30), today=TODAY)
    assert (a.document_no, b.document_no) == ("铜安委办督〔2026〕1号", "铜安委办督〔2026〕2号")
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
