"""行政处罚: amounts as Decimal, the simple-procedure limits, the 3%-a-day late fee capped at the
fine, the procedure's order and deadlines, the two documents, scope."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anying.core.errors import PermissionDenied
from anying.inspections import documents, penalties
from anying.inspections.models import Penalty

D = Decimal
DAY = dt.timedelta(days=1)
TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize("amount, pay_by_offset, fee", [
    ("1000.00", 0, "0.00"),  # paid on the last day: no fee
    ("1000.00", 1, "30.00"),  # one day late: 3%
    ("1000.00", 33, "990.00"),
    ("1000.00", 34, "1000.00"),  # 34 × 3% = 102%: capped at the fine
    ("1000.00", 400, "1000.00"),
    ("333.33", 1, "10.00"),  # 9.9999 rounds half up to the cent
    ("0.01", 1, "0.00"),
])
def test_late_fee(amount, pay_by_offset, fee):
    assert penalties.late_fee(D(amount), TODAY, TODAY + pay_by_offset * DAY) == D(fee)
    assert penalties.late_fee(D(amount), None, TODAY + 5 * DAY) == D("0.00")


@pytest.fixture
def case(make_enterprise, users):
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械")

    def make(**extra):
        data = {"party_name": ent.name, "facts": "未按规定设置泄爆装置", "evidence": "现场检查记录、照片",
                "violated": "《安全生产法》第三十六条", "legal_basis": "《安全生产法》第九十九条",
                "amount": D("20000.00"), **extra}
        return penalties.file_case(users["yingji"], ent, data, today=TODAY)
    make.enterprise = ent
    return make


@pytest.mark.parametrize("party, amount, ok", [
    ("citizen", "200.00", True), ("citizen", "200.01", False),
    ("organisation", "3000.00", True), ("organisation", "3000.01", False),
])
def test_simple_procedure_limits(case, party, amount, ok):
    if ok:
        penalty = case(procedure="simple", party=party, amount=D(amount))
        assert penalty.status == "decided" and penalty.documents.get().kind == "penalty_decision"
    else:
        with pytest.raises(ValidationError, match="第五十一条"):
            case(procedure="simple", party=party, amount=D(amount))
        assert not Penalty.objects.exists()


@pytest.mark.parametrize("amount", [D("0"), D("-5"), D("10.001"), 100])
def test_bad_amounts_are_refused(case, amount):
    with pytest.raises(ValidationError) as exc:
        case(amount=amount)
    assert "amount" in exc.value.message_dict and not Penalty.objects.exists()


def test_general_procedure_in_order_with_deadlines(case, users):
    penalty = case()
    assert penalty.decide_by == TODAY + 30 * DAY and penalty.decide_within == 30
    with pytest.raises(ValidationError, match="告知书"):
        penalties.decide(users["yingji"], penalty.pk, today=TODAY)
    penalties.notify(users["yingji"], penalty.pk, today=TODAY)
    with pytest.raises(ValidationError, match="期满后"):
        penalties.decide(users["yingji"], penalty.pk, today=TODAY + 5 * DAY)  # the 5th day is still open
    penalty = penalties.decide(users["yingji"], penalty.pk, today=TODAY + 6 * DAY)
    assert penalty.pay_by == TODAY + 21 * DAY
    kinds = list(penalty.documents.values_list("kind", flat=True))
    assert kinds == ["penalty_notice", "penalty_decision"]
    assert penalties.amount_due(penalty, penalty.pay_by + 2 * DAY) == D("21200.00")


def test_payment_with_late_fee(case, users):
    penalty = case()
    Penalty.objects.filter(pk=penalty.pk).update(status="decided", decided_on=TODAY - 20 * DAY, pay_by=TODAY - 2 * DAY)
    with pytest.raises(ValidationError, match="21,200.00"):
        penalties.record_payment(users["yingji"], penalty.pk, paid_on=TODAY, paid_amount=D("20000.00"))
    penalty = penalties.record_payment(users["yingji"], penalty.pk, paid_on=TODAY, paid_amount=D("21200.00"))
    assert penalty.status == "paid" and penalty.paid_amount == D("21200.00")


def test_documents_carry_the_case(case, users):
    from tests.inspections.test_records import docx_text

    penalty = case()
    penalties.notify(users["yingji"], penalty.pk, today=TODAY)
    penalties.decide(users["yingji"], penalty.pk, today=TODAY + 6 * DAY)
    notice, decision = penalty.documents.order_by("pk")
    text = docx_text(documents.render(notice))
    for expected in ("行政处罚告知书", notice.number, "未按规定设置泄爆装置", "20000.00", "听证", "2026年11月29日"):
        assert expected in text
    text = docx_text(documents.render(decision))
    for expected in ("行政处罚决定书", "安监罚〔2026〕", "百分之三", "六十日", "六个月", "强制执行"):
        assert expected in text


def test_only_the_filing_unit_within_scope(case, users, make_enterprise):
    penalty = case()
    with pytest.raises(PermissionDenied):
        penalties.notify(users["jiuxian"], penalty.pk, today=TODAY)  # sees it, but another unit's case
    with pytest.raises(PermissionDenied):
        penalties.file_case(users["hufeng"], case.enterprise, {"party_name": "x", "facts": "x", "evidence": "x",
                                                               "violated": "x", "legal_basis": "x", "amount": D("1")})
    assert list(Penalty.objects.visible_to(users["hufeng"])) == []


def test_penalty_pages(setup, users, login):
    from django.urls import reverse

    from anying.inspections import records
    from tests.inspections.test_records import kwargs

    inspection = records.record(users["yingji"], setup["ent"], **kwargs(setup))
    client = login(users["yingji"])
    assert reverse("penalty_create", args=[inspection.pk]) in client.get(
        reverse("inspection_detail", args=[inspection.pk])).content.decode()
    response = client.post(reverse("penalty_create", args=[inspection.pk]), {
        "party": "organisation", "party_name": "旧县机械厂", "procedure": "general", "amount": "5000",
        "facts": "事实", "evidence": "证据", "violated": "规定", "legal_basis": "依据"})
    penalty = Penalty.objects.get()
    assert response["Location"] == reverse("penalty_detail", args=[penalty.pk])
    client.post(reverse("penalty_action", args=[penalty.pk, "notify"]))
    penalty.refresh_from_db()
    assert penalty.status == "notified"
    assert "5,000.00 元" in client.get(reverse("penalty_detail", args=[penalty.pk])).content.decode()
    assert "5,000.00" in client.get(reverse("penalty_list")).content.decode()  # the column says （元）
    body = client.post(reverse("penalty_action", args=[penalty.pk, "decide"]), follow=True).content.decode()
    assert "期满后" in body  # refused with the reason, nothing changed
    notice = penalty.documents.get()
    assert client.get(reverse("penalty_document", args=[penalty.pk, notice.pk])).status_code == 200
    assert login(users["hufeng"]).get(reverse("penalty_detail", args=[penalty.pk])).status_code == 404
    bad = client.post(reverse("penalty_create", args=[inspection.pk]), {
        "party": "citizen", "party_name": "张三", "procedure": "simple", "amount": "500",
        "facts": "事实", "evidence": "证据", "violated": "规定", "legal_basis": "依据"}).content.decode()
    assert "第五十一条" in bad and Penalty.objects.count() == 1
