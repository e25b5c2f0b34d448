import random

from anying.supplies import checks, demo
from anying.supplies.models import Lot, StockBalance, Transfer, Warehouse


def test_demo_loads_a_consistent_ledger(district, catalogue):
    demo.load(random.Random(1))
    demo.load(random.Random(1))  # idempotent
    assert Warehouse.objects.filter(level="town").count() >= 5
    assert Warehouse.objects.filter(mode="agreement").exists()
    assert Transfer.objects.filter(status="received").exists() and Transfer.objects.filter(status="requested").exists()
    assert Lot.objects.filter(expiry_date__isnull=False, quantity__gt=0).exists()
    from anying.core.models import User
    from anying.supplies.alerts import below_minimum
    town = User.objects.get(username="hufeng")
    assert below_minimum(town, None).exists() or StockBalance.objects.exists()
    assert checks.problems() == []
