"""The warehouses layer of the map and of the nearest-resource search (places/layers.py): a
warehouse the user may call on (its own, a superior's, or one shared for dispatch), filtered by
an item it holds — "warehouses with item X" — and by storage mode."""

from __future__ import annotations

from django.urls import reverse

from anying.places.layers import Filter, Layer
from anying.places.layers import register as add
from anying.places.models import Place


def _warehouses(user):
    from .models import Warehouse
    from .rounds import checks_behind

    # the place's kind lets the nearest search use the places' (kind, latitude, longitude) index
    return Warehouse.objects.visible_to(user).filter(is_active=True, place__kind=Place.Kind.WAREHOUSE).annotate(
        checks_behind=checks_behind(user))


def _popup(r) -> list[str]:
    lines = [r["owner__name"], r["place__address"], f"{r['keeper']} {r['keeper_phone']}".strip()]
    return lines + ["日周月检查落后"] if r.get("checks_behind") else lines


def _items():
    from .models import Item

    return list(Item.objects.filter(is_active=True).values_list("code", "name"))


def _modes():
    from .models import Warehouse

    return list(Warehouse.Mode.choices)


def register() -> None:
    add(Layer("warehouses", "应急物资仓库", _warehouses, colour="#6d4c41", icon="box-seam", order=40, resource=True,
              perm="supplies.view", lat="place__latitude", lon="place__longitude",
              fields=("level", "mode", "place__address", "keeper", "keeper_phone", "owner__name", "checks_behind"),
              popup=_popup,
              url=lambda r: reverse("supplies:warehouse_detail", args=[r["pk"]]),
              # a balance row exists only while the warehouse holds some of the item (services._Books);
              # by code, a text lookup, so whatever a map URL carries never fails the query
              filters={"item": Filter("存有物资", _items, "balances__item__code"),
                       "mode": Filter("储备方式", _modes, "mode")}))
