"""The ledger's rules: stock changes only by posted documents, FEFO, expired lots blocked, reversal
by another document, no back-dating, clear Chinese refusals that change nothing, and the check."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.supplies import checks, services
from anying.supplies.models import LedgerEntry, Lot, Reason, StockBalance, StockDocument

from .conftest import days

K = StockDocument.Kind


def balance(wh, item) -> Decimal:
    row = StockBalance.objects.filter(warehouse=wh, item=item).first()
    return row.quantity if row else Decimal(0)


def test_receipt_posts_ledger_rows_with_balances_after(stores, catalogue, users, receive):
    wh, bags = stores["jiuxian"], catalogue["FH-001"]
    receive(users["jiuxian"], wh, bags, 500, batch="A")
    doc = receive(users["jiuxian"], wh, bags, 300, batch="B")
    assert balance(wh, bags) == 800
    entry = LedgerEntry.objects.get(document=doc)
    assert (entry.change, entry.lot_after, entry.balance_after) == (300, 300, 800)
    assert doc.status == StockDocument.Status.POSTED and doc.posted_by == users["jiuxian"]
    assert AuditEvent.objects.filter(object_id=str(doc.pk), summary__contains="记账").exists()
    assert checks.problems() == []


def test_draft_changes_nothing_until_posted(stores, catalogue, users):
    wh, item = stores["jiuxian"], catalogue["FH-003"]
    doc = services.create_document(users["jiuxian"], kind=K.RECEIPT, warehouse=wh,
                                   lines=[{"item": item, "quantity": 10, "batch": "X"}])
    assert balance(wh, item) == 0 and not LedgerEntry.objects.exists()
    services.post(users["jiuxian"], doc.pk)
    assert balance(wh, item) == 10
    with pytest.raises(ValidationError, match="不能记账"):
        services.post(users["jiuxian"], doc.pk)
    assert balance(wh, item) == 10


def test_issue_takes_first_expiring_lot_first(stores, catalogue, users, receive):
    wh, water = stores["jiuxian"], catalogue["SH-005"]
    receive(users["jiuxian"], wh, water, 50, batch="late", expiry=days(300))
    receive(users["jiuxian"], wh, water, 30, batch="early", expiry=days(20))
    receive(users["jiuxian"], wh, water, 40, batch="middle", expiry=days(100))
    doc = services.create_and_post(users["jiuxian"], kind=K.ISSUE, warehouse=wh, counterparty="旧县街道受灾群众",
                                   lines=[{"item": water, "quantity": 60}])
    taken = [(e.lot.batch, -e.change) for e in doc.entries.select_related("lot").order_by("id")]
    assert taken == [("early", 30), ("middle", 30)]
    assert {lot.batch: lot.quantity for lot in Lot.objects.filter(warehouse=wh)} == {"late": 50, "early": 0, "middle": 10}
    assert balance(wh, water) == 60


def test_expired_lot_is_blocked_from_issue_and_adjusted_out(stores, catalogue, users, receive):
    wh, jackets = stores["jiuxian"], catalogue["FH-003"]
    receive(users["jiuxian"], wh, jackets, 20, batch="old", expiry=days(5))
    receive(users["jiuxian"], wh, jackets, 10, batch="new", expiry=days(400))
    old = Lot.objects.get(batch="old")
    Lot.objects.filter(pk=old.pk).update(expiry_date=days(-1))  # time passes: the lot has expired
    with pytest.raises(ValidationError, match="库存不足.*可出库 10 件（另有已过期 20 件"):
        services.create_and_post(users["jiuxian"], kind=K.ISSUE, warehouse=wh, lines=[{"item": jackets, "quantity": 25}])
    assert balance(wh, jackets) == 30 and StockDocument.objects.filter(kind=K.ISSUE).count() == 0
    with pytest.raises(ValidationError, match="已于 .* 过期，不能出库"):
        services.create_and_post(users["jiuxian"], kind=K.ISSUE, warehouse=wh,
                                 lines=[{"item": jackets, "lot": old, "quantity": 1}])
    services.create_and_post(users["jiuxian"], kind=K.ADJUSTMENT, reason=Reason.EXPIRED, warehouse=wh,
                             lines=[{"lot": old, "quantity": -20}])
    assert balance(wh, jackets) == 10
    assert checks.problems() == []


def test_shortage_refused_with_nothing_changed(stores, catalogue, users, receive):
    wh, pumps = stores["jiuxian"], catalogue["FH-007"]
    receive(users["jiuxian"], wh, pumps, 2)
    entries = LedgerEntry.objects.count()
    with pytest.raises(ValidationError, match="抽水泵库存不足：需要 3 台，可出库 2 台"):
        services.create_and_post(users["jiuxian"], kind=K.ISSUE, warehouse=wh, lines=[{"item": pumps, "quantity": 3}])
    assert LedgerEntry.objects.count() == entries and balance(wh, pumps) == 2


def test_reversal_by_another_document(stores, catalogue, users, receive):
    wh, tents = stores["jiuxian"], catalogue["SH-001"]
    receipt = receive(users["jiuxian"], wh, tents, 40)
    issue = services.create_and_post(users["jiuxian"], kind=K.ISSUE, warehouse=wh, lines=[{"item": tents, "quantity": 15}])
    with pytest.raises(ValidationError, match="冲销原因"):
        services.reverse(users["jiuxian"], issue.pk)
    rev = services.reverse(users["jiuxian"], issue.pk, note="误出库")
    issue.refresh_from_db()
    assert issue.status == StockDocument.Status.REVERSED and rev.reverses == issue
    assert balance(wh, tents) == 40
    with pytest.raises(ValidationError, match="只有已记账"):
        services.reverse(users["jiuxian"], issue.pk, note="再次")
    with pytest.raises(ValidationError, match="冲销单本身不能再冲销"):
        services.reverse(users["jiuxian"], rev.pk, note="x")
    # a receipt whose stock has partly left cannot be reversed whole
    services.create_and_post(users["jiuxian"], kind=K.ISSUE, warehouse=wh, lines=[{"item": tents, "quantity": 5}])
    with pytest.raises(ValidationError, match="库存不足"):
        services.reverse(users["jiuxian"], receipt.pk, note="退货")
    assert balance(wh, tents) == 35
    assert checks.problems() == []


def test_an_older_document_is_reversed_after_later_postings(stores, catalogue, users, receive):
    """The reversal posts today: it is refused neither because the original is older than the
    warehouse's last posting nor because something else was posted since."""
    wh, tents = stores["jiuxian"], catalogue["SH-001"]
    receive(users["jiuxian"], wh, tents, 40)
    issue = services.create_and_post(users["jiuxian"], kind=K.ISSUE, warehouse=wh, lines=[{"item": tents, "quantity": 15}])
    StockDocument.objects.filter(pk=issue.pk).update(doc_date=days(-5))  # an issue of last week
    receive(users["jiuxian"], wh, tents, 1)  # something posted today
    services.reverse(users["jiuxian"], issue.pk, note="误出库")
    assert balance(wh, tents) == 41


def test_no_back_dating(stores, catalogue, users, receive):
    """A document is dated the day it is posted: a draft left from an earlier day (or dated back)
    posts today, after what was posted before it, never between earlier postings."""
    wh, item = stores["jiuxian"], catalogue["FH-001"]
    receive(users["jiuxian"], wh, item, 10)
    doc = services.create_document(users["jiuxian"], kind=K.RECEIPT, warehouse=wh, doc_date=days(-3),
                                   lines=[{"item": item, "quantity": 5}])
    services.post(users["jiuxian"], doc.pk)
    doc.refresh_from_db()
    assert doc.doc_date == days(0) and balance(wh, item) == 15
    future = services.create_document(users["jiuxian"], kind=K.RECEIPT, warehouse=wh, doc_date=days(2),
                                      lines=[{"item": item, "quantity": 5}])
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.post(users["jiuxian"], future.pk)
    assert balance(wh, item) == 15


def test_ledger_is_append_only_and_balance_never_negative(stores, catalogue, users, receive):
    wh, item = stores["jiuxian"], catalogue["FH-001"]
    receive(users["jiuxian"], wh, item, 10)
    entry = LedgerEntry.objects.get()
    with pytest.raises(RuntimeError, match="只能追加"):
        entry.save()
    with pytest.raises(RuntimeError, match="只能追加"):
        LedgerEntry.objects.update(change=1)
    with pytest.raises(RuntimeError, match="只能追加"):
        entry.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.update(quantity=-1)


def test_transfer_document_moves_lots_between_own_warehouses(stores, catalogue, users, receive):
    src, dst, bags = stores["district"], stores["jiuxian"], catalogue["FH-008"]
    receive(users["yingji"], src, bags, 1000, batch="2026-1", expiry=days(700))
    # a 调拨单 document moves stock between warehouses its author keeps both of (the district
    # admin here); between units it is a 调拨 (transfers.py)
    with pytest.raises(PermissionDenied):
        services.create_and_post(users["yingji"], kind=K.TRANSFER, warehouse=src, to_warehouse=dst,
                                 lines=[{"item": bags, "quantity": 400}])
    services.create_and_post(users["admin"], kind=K.TRANSFER, warehouse=src, to_warehouse=dst,
                             lines=[{"item": bags, "quantity": 400}])
    assert balance(src, bags) == 600 and balance(dst, bags) == 400
    lot = Lot.objects.get(warehouse=dst)
    assert lot.batch == "2026-1" and lot.expiry_date == days(700)
    # a town may not move the district's stock
    with pytest.raises(PermissionDenied):
        services.create_document(users["jiuxian"], kind=K.TRANSFER, warehouse=src, to_warehouse=dst,
                                 lines=[{"item": bags, "quantity": 1}])


def test_stocktake_books_the_difference(stores, catalogue, users, receive):
    wh, item = stores["jiuxian"], catalogue["SH-003"]
    receive(users["jiuxian"], wh, item, 100)
    lot = Lot.objects.get()
    services.create_and_post(users["jiuxian"], kind=K.STOCKTAKE, warehouse=wh, lines=[{"lot": lot, "counted": 97}])
    assert balance(wh, item) == 97
    assert LedgerEntry.objects.order_by("-id").first().change == -3


def test_adjustment_needs_a_reason(stores, catalogue, users):
    with pytest.raises(ValidationError, match="调整单须选择原因"):
        services.create_document(users["jiuxian"], kind=K.ADJUSTMENT, warehouse=stores["jiuxian"],
                                 lines=[{"item": catalogue["SH-003"], "quantity": 5}])


def test_permissions_town_keeps_only_its_own(stores, catalogue, users):
    for name in ("hufeng",):
        with pytest.raises(PermissionDenied):
            services.create_document(users[name], kind=K.RECEIPT, warehouse=stores["jiuxian"],
                                     lines=[{"item": catalogue["FH-001"], "quantity": 1}])
    with pytest.raises(PermissionDenied):
        services.create_document(users["leader"], kind=K.RECEIPT, warehouse=stores["jiuxian"],
                                 lines=[{"item": catalogue["FH-001"], "quantity": 1}])
    # a department on the district's region keeps neither the bureau's nor a town's warehouse;
    # the bureau keeps its own; the district admin (an approver) keeps every one in the territory
    for name, store in (("jingxin", "district"), ("jingxin", "jiuxian"), ("yingji", "jiuxian")):
        with pytest.raises(PermissionDenied):
            services.create_document(users[name], kind=K.RECEIPT, warehouse=stores[store],
                                     lines=[{"item": catalogue["FH-001"], "quantity": 1}])
    services.create_document(users["yingji"], kind=K.RECEIPT, warehouse=stores["district"],
                             lines=[{"item": catalogue["FH-001"], "quantity": 1}])
    services.create_document(users["admin"], kind=K.RECEIPT, warehouse=stores["jiuxian"],
                             lines=[{"item": catalogue["FH-001"], "quantity": 1}])


def test_check_command_finds_a_tampered_balance(stores, catalogue, users, receive, capsys):
    receive(users["jiuxian"], stores["jiuxian"], catalogue["FH-001"], 10)
    call_command("check_ledger")
    assert "台账核对通过" in capsys.readouterr().out
    StockBalance.objects.update(quantity=11)
    with pytest.raises(SystemExit) as exit_:
        call_command("check_ledger")
    assert exit_.value.code == 1
    assert "结存 11.000 ≠ 台账合计" in capsys.readouterr().err


def test_posting_time_is_now_not_the_document_date(stores, catalogue, users, receive):
    doc = receive(users["jiuxian"], stores["jiuxian"], catalogue["FH-001"], 1)
    assert abs(doc.posted_at - timezone.now()) < dt.timedelta(minutes=1)
    stores["jiuxian"].refresh_from_db()
    assert stores["jiuxian"].last_posted_at == doc.posted_at
