"""The ledger's proof (`anying check_ledger`): every lot's and every warehouse+item balance equals
the sum of its postings, and each balance-after chain runs without a gap — each row's lot_after
(balance_after) is the previous row's plus its change. Aggregates run in the database; the chains
are walked in id order, streaming, so a million rows take seconds and little memory."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from .models import LedgerEntry, Lot, StockBalance


def problems(limit: int = 50) -> list[str]:
    found: list[str] = []

    def add(text: str) -> bool:
        found.append(text)
        return len(found) >= limit

    sums = dict(((w, i), q) for w, i, q in LedgerEntry.objects.order_by().values("warehouse_id", "item_id")
                .annotate(q=Sum("change")).values_list("warehouse_id", "item_id", "q"))
    for w, i, q in StockBalance.objects.values_list("warehouse_id", "item_id", "quantity"):
        if sums.pop((w, i), Decimal(0)) != q and add(f"仓库 {w} 物资 {i}：结存 {q} ≠ 台账合计"):
            return found
    for (w, i), q in sums.items():
        if q != 0 and add(f"仓库 {w} 物资 {i}：台账合计 {q}，但没有结存记录"):
            return found
    lot_sums = dict(LedgerEntry.objects.order_by().values("lot_id").annotate(q=Sum("change")).values_list("lot_id", "q"))
    for pk, q in Lot.objects.values_list("pk", "quantity").iterator(chunk_size=5000):
        if lot_sums.get(pk, Decimal(0)) != q and add(f"批次 {pk}：结存 {q} ≠ 台账合计 {lot_sums.get(pk, 0)}"):
            return found
    if Lot.objects.filter(quantity__lt=0).exists() and add("存在负数结存的批次"):
        return found
    lots: dict[int, Decimal] = {}
    bins: dict[tuple[int, int], Decimal] = {}
    rows = LedgerEntry.objects.order_by("id").values_list("id", "lot_id", "warehouse_id", "item_id", "change",
                                                           "lot_after", "balance_after")
    for pk, lot, w, i, change, lot_after, bal_after in rows.iterator(chunk_size=10000):
        lots[lot] = lots.get(lot, Decimal(0)) + change
        bins[(w, i)] = bins.get((w, i), Decimal(0)) + change
        if lots[lot] != lot_after and add(f"台账 {pk}：批次结存应为 {lots[lot]}，记为 {lot_after}"):
            return found
        if bins[(w, i)] != bal_after and add(f"台账 {pk}：仓库结存应为 {bins[(w, i)]}，记为 {bal_after}"):
            return found
        if (lot_after < 0 or bal_after < 0) and add(f"台账 {pk}：结存为负数"):
            return found
    return found
