"""A campaign's statistics, like 003's: per phase and town, what the enterprises found themselves
(major hazards and their closing rate), what the government's inspections found and closed, the
penalties and stoppages — each counted from the records tagged with the campaign (hooks.COUNTERS),
within what the reader may see, folded into the reader's rows (towns, core/region_rows.py)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from anying.core.region_rows import Rows

from .hooks import COUNTERS, RATES
from .models import Campaign


@dataclass
class Period:
    key: str
    label: str
    start: object
    end: object


def periods(campaign: Campaign) -> list[Period]:
    out = [Period(str(p.pk), f"{p.name}（{p.starts_on:%m-%d}至{p.ends_on:%m-%d}）", p.starts_on, p.ends_on)
           for p in campaign.phases.all()]
    return out + [Period("all", "全程", campaign.starts_on, campaign.ends_on)]


def columns() -> list:
    """Counters then rates, in display order, each as (key, label, group, is_rate)."""
    cols = [(c.key, c.label, c.group, False, c.order) for c in COUNTERS.values()]
    cols += [(r.key, r.label, COUNTERS[r.whole].group if r.whole in COUNTERS else "", True, r.order)
             for r in RATES.values() if r.part in COUNTERS and r.whole in COUNTERS]
    return [c[:4] for c in sorted(cols, key=lambda c: c[4])]


def _rate(part, whole) -> str:
    if not whole:
        return "—"
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('0.1'))}%"


def table(user, campaign: Campaign, period: Period) -> dict:
    """{"columns": [...], "rows": [(label, [values])], "total": [values]} for one period."""
    rows = Rows(user)
    figures: dict[str, dict[int, int]] = {}
    for counter in COUNTERS.values():
        counts = counter.count(user, campaign, period.start, period.end)
        figures[counter.key] = rows.fold(counts)
    cols = columns()
    out_rows = []
    for region in rows.all:
        out_rows.append((rows.label(region), [_cell(key, is_rate, figures, region.pk) for key, _, _, is_rate in cols]))
    totals = {key: {0: sum(v.values())} for key, v in figures.items()}
    total = [_cell(key, is_rate, totals, 0) for key, _, _, is_rate in cols]
    return {"columns": cols, "rows": out_rows, "total": total}


def _cell(key: str, is_rate: bool, figures: dict, region_id: int):
    if is_rate:
        rate = RATES[key]
        return _rate(figures[rate.part].get(region_id, 0), figures[rate.whole].get(region_id, 0))
    return figures[key].get(region_id, 0)
