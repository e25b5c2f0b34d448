"""调拨: request → approval → dispatch → receipt → return or 核销, with stock moving at dispatch and
receipt, each step timed, told and audited; pre-allocation by the district; scope."""

import pytest
from django.core.exceptions import ValidationError

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Notification
from anying.supplies import checks, transfers
from anying.supplies.models import Lot, StockBalance, Transfer

from .conftest import days

S = Transfer.Status


def qty(wh, item):
    row = StockBalance.objects.filter(warehouse=wh, item=item).first()
    return row.quantity if row else 0


@pytest.fixture
def stocked(stores, catalogue, users, receive):
    receive(users["yingji"], stores["district"], catalogue["FH-008"], 2000, batch="2025", expiry=days(30))
    receive(users["yingji"], stores["district"], catalogue["FH-008"], 3000, batch="2026", expiry=days(700))
    return stores


def test_full_flow_with_return(stocked, catalogue, users):
    src, dst, bags = stocked["district"], stocked["jiuxian"], catalogue["FH-008"]
    t = transfers.request(users["jiuxian"], from_warehouse=src, to_warehouse=dst, purpose="旧县街道防汛抢险",
                          lines=[{"item": bags, "quantity": 2500}])
    assert t.status == S.REQUESTED
    assert Notification.objects.filter(user=users["leader"], title__contains="申请调拨").exists()
    with pytest.raises(PermissionDenied):
        transfers.act(users["jiuxian"], t.pk, "approve")
    t = transfers.act(users["leader"], t.pk, "approve")
    assert t.approved_by == users["leader"] and t.approved_at
    with pytest.raises(PermissionDenied):  # the town does not dispatch out of the district's store
        transfers.act(users["jiuxian"], t.pk, "dispatch")
    t = transfers.act(users["yingji"], t.pk, "dispatch")
    assert t.dispatched_at and qty(src, bags) == 2500 and qty(dst, bags) == 0
    assert Notification.objects.filter(user=users["jiuxian"], title__contains="发运").exists()
    t = transfers.act(users["jiuxian"], t.pk, "receive")
    assert t.received_at and qty(dst, bags) == 2500
    # FEFO at dispatch: the 2025 lot (first to expire) went whole, then 500 of 2026, batches kept
    assert dict(Lot.objects.filter(warehouse=dst).values_list("batch", "quantity")) == {"2025": 2000, "2026": 500}
    t = transfers.act(users["jiuxian"], t.pk, "return")
    assert t.status == S.RETURNED and t.closed_at
    assert qty(src, bags) == 5000 and qty(dst, bags) == 0
    assert AuditEvent.objects.filter(object_id=str(t.pk), summary__contains="归还").exists()
    assert checks.problems() == []


def test_reject_needs_a_reason_and_write_off_needs_a_note(stocked, catalogue, users):
    src, dst, bags = stocked["district"], stocked["jiuxian"], catalogue["FH-008"]
    t = transfers.request(users["jiuxian"], from_warehouse=src, to_warehouse=dst, purpose="防汛",
                          lines=[{"item": bags, "quantity": 10}])
    with pytest.raises(ValidationError, match="驳回理由"):
        transfers.act(users["leader"], t.pk, "reject")
    transfers.act(users["leader"], t.pk, "reject", comment="区级储备须留足基数")
    t2 = transfers.preallocate(users["admin"], from_warehouse=src, to_warehouse=dst, purpose="汛前预置",
                               lines=[{"item": bags, "quantity": 100}])
    assert t2.status == S.APPROVED and t2.preallocated
    transfers.act(users["yingji"], t2.pk, "dispatch")
    transfers.act(users["jiuxian"], t2.pk, "receive")
    with pytest.raises(ValidationError, match="使用情况"):
        transfers.act(users["jiuxian"], t2.pk, "write_off")
    t2 = transfers.act(users["jiuxian"], t2.pk, "write_off", comment="7月12日旧县街道涝灾抢险全部使用")
    assert t2.status == S.WRITTEN_OFF and qty(dst, bags) == 100


def test_short_stock_at_dispatch_changes_nothing(stocked, catalogue, users):
    src, dst, bags = stocked["district"], stocked["jiuxian"], catalogue["FH-008"]
    t = transfers.preallocate(users["admin"], from_warehouse=src, to_warehouse=dst, purpose="预置",
                              lines=[{"item": bags, "quantity": 6000}])
    with pytest.raises(ValidationError, match="库存不足"):
        transfers.act(users["yingji"], t.pk, "dispatch")
    t.refresh_from_db()
    assert t.status == S.APPROVED and qty(src, bags) == 5000


def test_scope_of_transfers_and_sources(stocked, catalogue, users, stores):
    bags = catalogue["FH-008"]
    with pytest.raises(PermissionDenied, match="不可供您调度"):  # another town's store is not shared
        transfers.request(users["jiuxian"], from_warehouse=stores["hufeng"], to_warehouse=stores["jiuxian"],
                          purpose="x", lines=[{"item": bags, "quantity": 1}])
    t = transfers.request(users["jiuxian"], from_warehouse=stores["district"], to_warehouse=stores["jiuxian"],
                          purpose="x", lines=[{"item": bags, "quantity": 1}])
    assert Transfer.objects.visible_to(users["jiuxian"]).filter(pk=t.pk).exists()
    assert Transfer.objects.visible_to(users["yingji"]).filter(pk=t.pk).exists()
    assert not Transfer.objects.visible_to(users["hufeng"]).filter(pk=t.pk).exists()
    with pytest.raises(Transfer.DoesNotExist):
        transfers.act(users["hufeng"], t.pk, "cancel")


def test_expiry_clock_and_work_queue(stores, catalogue, users, receive):
    """The expiry clock (data/expiry_clock.csv) tells the town's keepers 60 and 15 days ahead, once
    per rung; the 待办 lists the lot and the items below 储备基数."""
    import datetime as dt

    from django.utils import timezone

    from anying.core import clock
    from anying.core.models import ClockStep
    from anying.supplies import alerts
    from anying.supplies.services import set_minimum

    receive(users["jiuxian"], stores["jiuxian"], catalogue["SH-005"], 40, batch="W", expiry=days(10))
    now = timezone.now()
    clock.run(now, [alerts.EXPIRY])
    clock.run(now, [alerts.EXPIRY])  # idempotent
    assert set(ClockStep.objects.filter(clock="supplies_expiry").values_list("code", flat=True)) == {"d60", "d15"}
    assert Notification.objects.filter(user=users["jiuxian"], title__contains="有效期").count() == 1
    assert not Notification.objects.filter(user=users["hufeng"]).exists()
    today = timezone.localdate()
    assert alerts.expiring(users["jiuxian"], today).count() == 1
    set_minimum(users["jiuxian"], stores["jiuxian"], catalogue["SH-005"], 100)
    assert alerts.below_minimum(users["jiuxian"], today).count() == 1
    assert alerts.below_minimum(users["hufeng"], today).count() == 0
    clock.run(now + dt.timedelta(days=12), [alerts.EXPIRY])
    assert ClockStep.objects.filter(clock="supplies_expiry", code="expired").exists()


def test_no_one_approves_their_own_request_and_transfer_documents_are_not_reversed_alone(stocked, catalogue, users):
    """Security review of issue #14: separation of duties on approval; a dispatch or receipt
    document is undone by the transfer's own return or 核销, never reversed alone (which stranded
    the transfer with a 500); a stopped warehouse takes no transfer."""
    from anying.supplies import services
    from anying.supplies.models import StockDocument

    src, dst, bags = stocked["district"], stocked["jiuxian"], catalogue["FH-008"]
    own = transfers.request(users["admin"], from_warehouse=src, to_warehouse=dst, purpose="自批",
                            lines=[{"item": bags, "quantity": 10}])
    with pytest.raises(PermissionDenied):
        transfers.act(users["admin"], own.pk, "approve")
    t = transfers.act(users["leader"], own.pk, "approve")
    t = transfers.act(users["yingji"], t.pk, "dispatch")
    sent = t.documents.get(kind=StockDocument.Kind.ISSUE)
    with pytest.raises(ValidationError, match="随调拨办理"):
        services.reverse(users["yingji"], sent.pk, note="撤回")
    t = transfers.act(users["jiuxian"], t.pk, "receive")
    assert qty(dst, bags) == 10 and checks.problems() == []
    dst.is_active = False
    dst.save(update_fields=["is_active"])
    with pytest.raises(ValidationError, match="已停用"):
        transfers.request(users["jiuxian"], from_warehouse=src, to_warehouse=dst, purpose="再调",
                          lines=[{"item": bags, "quantity": 1}])
