import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anying.core.models import Organisation
from anying.places.models import Place


@pytest.fixture
def catalogue(db):
    from anying.supplies import catalogue
    from anying.supplies.models import Item

    if not Item.objects.exists():  # a transactional test flushed the migration's rows
        catalogue.load(Item)
    return {i.code: i for i in Item.objects.all()}


@pytest.fixture
def stores(district, town, catalogue):
    """The district bureau's warehouse (shared for dispatch) and two town warehouses."""
    from anying.supplies.models import Warehouse
    from anying.supplies.services import save_warehouse

    def make(name, unit, region, level, dispatchable=False, lat="29.84", lon="106.05"):
        owner = Organisation.objects.get(name=unit)
        wh = Warehouse(name=name, owner=owner, level=level, keeper="张保管", keeper_phone="13800000000")
        return save_warehouse(None, wh, place={"region": region, "address": f"{name}地址", "latitude": Decimal(lat),
                                               "longitude": Decimal(lon), "dispatchable": dispatchable})

    return {"district": make("区级应急物资储备库", "区应急局", district, Warehouse.Level.DISTRICT, True),
            "jiuxian": make("旧县街道应急物资仓库", "旧县街道应急办", town("旧县街道"), Warehouse.Level.TOWN,
                            lat="29.80", lon="106.10"),
            "hufeng": make("虎峰镇应急物资仓库", "虎峰镇应急办", town("虎峰镇"), Warehouse.Level.TOWN,
                           lat="29.70", lon="106.20")}


@pytest.fixture
def receive():
    from anying.supplies import services
    from anying.supplies.models import StockDocument

    def make(actor, warehouse, item, quantity, *, batch="B1", expiry=None, production=None):
        return services.create_and_post(actor, kind=StockDocument.Kind.RECEIPT, warehouse=warehouse, lines=[{
            "item": item, "quantity": quantity, "batch": batch, "expiry_date": expiry, "production_date": production}])

    return make


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


__all__ = ["Place", "days"]
