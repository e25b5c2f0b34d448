"""Demo safety-spending ledgers (`anying demo`, order 110): last year's and this year's ledger of
up to eight demo enterprises in industries the 办法 covers, with monthly 提取 and a few 使用 in
different categories — one enterprise far under the standard, so the 未足额 list has a row.
Idempotent: an enterprise that already has a ledger for the year is skipped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from anying.core.permissions import SYSTEM
from anying.registry.models import Enterprise

from . import reference, services
from .models import Ledger

SPENDS = [("ppe", "采购劳动防护用品", Decimal("0.18")), ("training", "全员安全培训", Decimal("0.12")),
          ("emergency", "应急救援器材维护和演练", Decimal("0.15")), ("inspection", "委托安全评价和标准化咨询", Decimal("0.2"))]


def load(rng) -> None:
    today = timezone.localdate()
    picked = []
    for ent in Enterprise.objects.filter(is_demo=True).select_related("industry", "industry__parent").order_by("id"):
        key = reference.default_class(ent.industry)
        if key:
            picked.append((ent, key))
        if len(picked) == 8:
            break
    for n, (ent, key) in enumerate(picked):
        for year in (today.year - 1, today.year):
            if Ledger.objects.filter(enterprise=ent, year=year).exists():
                continue
            spec = reference.classes()[key]
            base = Decimal(rng.randint(20_000, 300_000)) if spec.kind == "per_unit" else \
                Decimal(rng.randint(800, 60_000)) * 10_000
            ledger = services.save_ledger(SYSTEM, {"enterprise": ent.pk, "year": year, "class_key": key, "base": base,
                                                   "carried": Decimal(0), "note": ""}, is_demo=True)
            months = 12 if year < today.year else today.month
            # the third enterprise sets aside only a third of the standard (the 未足额 row)
            share = Decimal("0.33") if n == 2 else Decimal(1)
            monthly = (ledger.required * share / 12).quantize(Decimal("0.01"))
            for m in range(1, months + 1):
                day = dt.date(year, m, 28 if m != today.month or year < today.year else min(today.day, 28))
                if day > today:
                    break
                services.add_entry(SYSTEM, ledger.pk, {"kind": "set_aside", "on": day, "amount": monthly,
                                                       "description": f"{m}月计提安全生产费用"})
            for i, (code, text, part) in enumerate(SPENDS):
                day = dt.date(year, min(months, 2 + i * 3), 15)
                amount = (ledger.set_aside * part).quantize(Decimal("0.01"))
                if day > today or not amount:
                    continue
                services.add_entry(SYSTEM, ledger.pk, {"kind": "spend", "on": day, "amount": amount, "category": code,
                                                       "description": text, "voucher": f"记-{year}-{m:02d}{i + 1:02d}"})
