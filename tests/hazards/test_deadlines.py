"""Extension and review deadlines (总局令15号 第十七条), with a controllable clock."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from anying.core.errors import PermissionDenied
from anying.hazards import deadlines, services
from anying.hazards.models import ExtensionRequest, Hazard
from tests.conftest import photo

from .conftest import RECTIFY

DAY = dt.date(2026, 11, 23)


@pytest.fixture
def rectifying(factory):
    hazard = factory(status="rectifying")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=DAY + dt.timedelta(days=30))
    return Hazard.objects.get(pk=hazard.pk)


@pytest.fixture
def owner(factory, enterprise_user):
    return enterprise_user(factory.enterprise)


@pytest.mark.parametrize("days_before, allowed", [(30, True), (11, True), (10, True), (9, False), (0, False)])
def test_extension_at_least_ten_days_before_the_deadline(rectifying, owner, days_before, allowed):
    today = rectifying.deadline - dt.timedelta(days=days_before)
    new = rectifying.deadline + dt.timedelta(days=20)
    if allowed:
        ext = deadlines.request_extension(owner, rectifying.pk, new, "设备到货延迟", today=today)
        assert ext.answer_due == today + dt.timedelta(days=5)
    else:
        with pytest.raises(ValidationError, match="前 10 日提出"):
            deadlines.request_extension(owner, rectifying.pk, new, "设备到货延迟", today=today)
        assert not ExtensionRequest.objects.exists()


def test_approval_moves_the_deadline_and_refusal_needs_a_reason(rectifying, owner, users):
    old = rectifying.deadline
    ext = deadlines.request_extension(owner, rectifying.pk, old + dt.timedelta(days=15), "停产检修", today=DAY)
    with pytest.raises(ValidationError, match="已有待答复"):
        deadlines.request_extension(owner, rectifying.pk, old + dt.timedelta(days=20), "再申请", today=DAY)
    with pytest.raises(PermissionDenied):
        deadlines.answer_extension(owner, ext.pk, True, "", today=DAY)  # the enterprise cannot answer itself
    with pytest.raises(ValidationError, match="不同意延期须写明理由"):
        deadlines.answer_extension(users["jiuxian"], ext.pk, False, "", today=DAY)
    deadlines.answer_extension(users["jiuxian"], ext.pk, True, "同意", today=DAY + dt.timedelta(days=2))
    assert Hazard.objects.get(pk=rectifying.pk).deadline == old + dt.timedelta(days=15)
    with pytest.raises(ValidationError, match="当前状态为“已同意”"):
        deadlines.answer_extension(users["jiuxian"], ext.pk, False, "改主意", today=DAY)


def test_extension_input_is_checked(rectifying, owner, users, factory):
    with pytest.raises(ValidationError) as exc:
        deadlines.request_extension(owner, rectifying.pk, rectifying.deadline, "", today=DAY)
    assert {"new_deadline", "reason"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        deadlines.request_extension(users["jiuxian"], rectifying.pk, rectifying.deadline + dt.timedelta(days=5), "x",
                                    today=DAY)
    with pytest.raises(Hazard.DoesNotExist):
        deadlines.request_extension(users["hufeng"], rectifying.pk, rectifying.deadline + dt.timedelta(days=5), "x",
                                    today=DAY)
    registered = factory()
    with pytest.raises(ValidationError, match="整改中"):
        deadlines.request_extension(owner, registered.pk, DAY + dt.timedelta(days=40), "x", today=DAY)


def test_review_is_due_ten_days_after_submission(factory, users):
    hazard = factory()
    services.transition(users["jiuxian"], hazard.pk, "start", changes=RECTIFY)
    done = services.transition(users["admin"], hazard.pk, "submit", files=[photo()], comment="已整改")
    from django.utils import timezone

    assert done.review_due == timezone.localdate() + dt.timedelta(days=10)
