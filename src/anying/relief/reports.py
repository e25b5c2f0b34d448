"""Figures of relief, computed in the database (a constant number of queries whatever the rows):
coverage and the "five haves" guarantee rate by town for a round, the applications at each step,
and the funds' balances by town."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from anying.core.models import Region

from . import reference
from .models import Application, Fund, FundUse, Round, Source, Survey

S = Application.Status


@dataclass
class TownCoverage:
    town: Region
    households_needing: int = 0
    persons_needing: int = 0
    applications: int = 0
    in_progress: int = 0
    noticed: int = 0
    households_aided: int = 0
    persons_aided: int = 0
    paid: Decimal = Decimal(0)
    rejected: int = 0

    @property
    def rate(self) -> Decimal | None:
        """People aided over people needing help (a fraction; None when nobody was surveyed)."""
        if not self.persons_needing:
            return None
        return Decimal(self.persons_aided) / Decimal(self.persons_needing)

    @property
    def met(self) -> bool:
        return self.rate is not None and self.rate * 100 >= reference.five_haves_target()


@dataclass
class Coverage:
    round: Round
    towns: list[TownCoverage] = field(default_factory=list)

    @property
    def total(self) -> TownCoverage:
        t = TownCoverage(town=None)
        for row in self.towns:
            for f in ("households_needing", "persons_needing", "applications", "in_progress", "noticed",
                      "households_aided", "persons_aided", "paid", "rejected"):
                setattr(t, f, getattr(t, f) + getattr(row, f))
        return t


def coverage(user, rnd: Round, town_ids=None) -> Coverage:
    """By town: the survey's households and persons needing help against those paid (aided)."""
    surveys = Survey.objects.visible_to(user).filter(round=rnd)
    apps = Application.objects.visible_to(user).filter(round=rnd)
    if town_ids is not None:
        surveys, apps = surveys.filter(town_id__in=town_ids), apps.filter(town_id__in=town_ids)
    rows: dict[int, dict] = {}
    for r in surveys.values("town_id").annotate(h=Sum("households"), p=Sum("persons")):
        rows.setdefault(r["town_id"], {}).update(households_needing=r["h"] or 0, persons_needing=r["p"] or 0)
    paid = Q(status=S.PAID)
    moving = Q(status__in=[S.FILED, S.VILLAGE_PASSED, S.TOWN_PASSED, S.NOTICE, S.DECIDED])
    for r in apps.order_by().values("town_id").annotate(
            n=Count("pk"), moving=Count("pk", filter=moving), noticed=Count("pk", filter=Q(status=S.NOTICE)),
            h=Count("pk", filter=paid), p=Sum("members", filter=paid), money=Sum("paid_amount", filter=paid),
            rejected=Count("pk", filter=Q(status=S.REJECTED))):
        rows.setdefault(r["town_id"], {}).update(
            applications=r["n"], in_progress=r["moving"], noticed=r["noticed"], households_aided=r["h"],
            persons_aided=r["p"] or 0, paid=r["money"] or Decimal(0), rejected=r["rejected"])
    towns = Region.objects.in_bulk(list(rows))
    out = [TownCoverage(town=towns[pk], **values) for pk, values in rows.items()]
    out.sort(key=lambda c: (c.town.sort, c.town.name))
    return Coverage(rnd, out)


@dataclass
class TownFunds:
    town: Region
    allocated: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)

    @property
    def allocated_total(self) -> Decimal:
        return sum(self.allocated.values(), Decimal(0))

    @property
    def used_total(self) -> Decimal:
        return sum(self.used.values(), Decimal(0))

    @property
    def balance(self) -> Decimal:
        return self.allocated_total - self.used_total

    def by_source(self) -> list[tuple[str, Decimal, Decimal, Decimal]]:
        return [(label, self.allocated.get(code, Decimal(0)), self.used.get(code, Decimal(0)),
                 self.allocated.get(code, Decimal(0)) - self.used.get(code, Decimal(0)))
                for code, label in Source.choices if code in self.allocated or code in self.used]


def funds_by_town(funds, uses) -> list[TownFunds]:
    """Allocated, used and the balance per town and source, from two scoped querysets."""
    rows: dict[int, TownFunds] = {}
    towns = {}
    for r in funds.order_by().values("region_id", "source").annotate(s=Sum("amount")):
        towns[r["region_id"]] = None
        rows.setdefault(r["region_id"], TownFunds(None)).allocated[r["source"]] = r["s"]
    for r in uses.order_by().values("region_id", "source").annotate(s=Sum("amount")):
        rows.setdefault(r["region_id"], TownFunds(None)).used[r["source"]] = r["s"]
    regions = Region.objects.in_bulk(list(rows))
    for pk, row in rows.items():
        row.town = regions[pk]
    return sorted(rows.values(), key=lambda r: (r.town.sort, r.town.name))


__all__ = ["coverage", "funds_by_town", "Coverage", "TownCoverage", "TownFunds", "Fund", "FundUse"]
