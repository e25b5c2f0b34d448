"""Scoped reads beyond a plain list: an item's district-wide balance by warehouse, and "how many
of item X within N km of a point, by warehouse and storage mode" (the warehouses layer with its
item filter, through places.nearest)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from anying.core.scope import RULES
from anying.places.layers import REGISTRY
from anying.places.nearest import nearest

from .models import Item, StockBalance, Warehouse


def books_visible(user, warehouse: Warehouse) -> bool:
    """Whether the user reads the warehouse's documents and ledger (its owner's and superiors')."""
    return Warehouse.objects.filter(RULES["unit"](user, unit="owner"), pk=warehouse.pk).exists()


def item_by_warehouse(user, item: Item) -> list[StockBalance]:
    """The item's balance in every warehouse the user may see (one indexed query)."""
    return list(StockBalance.objects.visible_to(user).filter(item=item)
                .select_related("warehouse__place__region", "warehouse__owner").order_by("-quantity"))


def item_near(user, item: Item, lat: float, lon: float, km: float, limit: int = 200) -> dict:
    """The warehouses within `km` of the point holding the item, nearest first, with the
    quantity in each, and the totals by storage mode."""
    hits = nearest(REGISTRY["warehouses"], user, lat, lon, limit=limit, params={"item": item.code}, max_km=km)
    qty = dict(StockBalance.objects.filter(item=item, warehouse_id__in=[h.row["pk"] for h in hits])
               .values_list("warehouse_id", "quantity"))
    rows, by_mode = [], defaultdict(Decimal)
    labels = dict(Warehouse.Mode.choices)
    for h in hits:
        q = qty.get(h.row["pk"], Decimal(0))
        by_mode[labels[h.row["mode"]]] += q
        rows.append({"pk": h.row["pk"], "name": h.row["name"], "km": round(h.km, 1), "quantity": q,
                     "mode": labels[h.row["mode"]], "owner": h.row["owner__name"], "address": h.row["place__address"],
                     "keeper": h.row["keeper"], "phone": h.row["keeper_phone"]})
    return {"item": item, "km": km, "rows": rows, "by_mode": dict(by_mode), "total": sum(by_mode.values(), Decimal(0))}
