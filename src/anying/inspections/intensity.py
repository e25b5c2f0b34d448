"""三个强度 (enforcement intensity): for one month, per town office and per supervising
department, the number of inspections, findings per inspection and fines decided — ranked, and
exported as .xlsx and .docx.

Three aggregate queries over the month's rows (the (unit, inspected_on) and (unit, decided_on)
indexes), whatever the size of the tables; findings are a column kept on each inspection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from anying.core.exports import Book
from anying.core.models import Organisation
from anying.core.officialdoc import OfficialDocument
from anying.core.scope import region_subtree_q

from .models import Inspection, Penalty

KINDS = [Organisation.Kind.TOWN_OFFICE, Organisation.Kind.DEPARTMENT]


@dataclass
class Row:
    unit_id: int
    unit: str
    kind: str
    inspections: int = 0
    findings: int = 0
    fines: Decimal = Decimal("0.00")
    rank: int = 0

    @property
    def per_inspection(self) -> Decimal:
        if not self.inspections:
            return Decimal("0.00")
        return (Decimal(self.findings) / self.inspections).quantize(Decimal("0.01"))


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = dt.date(year + month // 12, month % 12 + 1, 1)
    return start, end


def report(user, year: int, month: int) -> dict[str, list[Row]]:
    """Rows per kind ("town_office", "department"), ranked: by inspections, then findings per
    inspection, then fines (all descending); equal figures share a rank."""
    units = Organisation.objects.filter(kind__in=KINDS, is_active=True)
    if user is not None:
        units = units.filter(region_subtree_q(user, "region"))
    rows = {u.pk: Row(u.pk, u.name, u.kind) for u in units.order_by("region__path", "name")}
    start, end = month_range(year, month)
    for unit_id, n, findings in (Inspection.objects.filter(unit_id__in=rows, inspected_on__gte=start,
                                                          inspected_on__lt=end)
                                 .order_by().values("unit_id").annotate(n=Count("id"), f=Sum("findings"))
                                 .values_list("unit_id", "n", "f")):
        rows[unit_id].inspections, rows[unit_id].findings = n, findings or 0
    for unit_id, fines in (Penalty.objects.filter(unit_id__in=rows, decided_on__gte=start, decided_on__lt=end)
                           .order_by().values("unit_id").annotate(s=Sum("amount")).values_list("unit_id", "s")):
        rows[unit_id].fines = fines or Decimal("0.00")
    out = {}
    for kind in KINDS:
        ranked = sorted((r for r in rows.values() if r.kind == kind),
                        key=lambda r: (-r.inspections, -r.per_inspection, -r.fines, r.unit))
        previous, rank = None, 0
        for position, row in enumerate(ranked, 1):
            key = (row.inspections, row.per_inspection, row.fines)
            rank = rank if key == previous else position
            row.rank, previous = rank, key
        out[kind] = ranked
    return out


HEADER = ["排名", "单位", "检查次数", "发现问题", "每次检查发现问题", "罚款（元）"]


def _cells(row: Row) -> list:
    return [row.rank, row.unit, row.inspections, row.findings, float(row.per_inspection), float(row.fines)]


def xlsx(book: Book, data: dict[str, list[Row]], year: int, month: int) -> None:
    """One sheet per kind of unit (镇街, 部门), ranked."""
    for kind, rows in data.items():
        label = Organisation.Kind(kind).label
        book.sheet(label, HEADER, title=f"{year}年{month}月 三个强度（{label}）").extend(_cells(row) for row in rows)


def docx(data: dict[str, list[Row]], year: int, month: int, issuer: str) -> bytes:
    tables = [(HEADER, [[str(c) for c in _cells(r)] for r in rows]) for rows in data.values()]
    return OfficialDocument(
        title=f"{year}年{month}月安全生产执法“三个强度”通报",
        paragraphs=[f"现将{year}年{month}月各镇街、各部门安全生产执法检查次数、每次检查发现问题数和罚款金额（三个强度）"
                    "通报如下。第一张表为镇街，第二张表为部门；排名依次按检查次数、每次检查发现问题数、罚款金额。"],
        tables=tables, unit=issuer, date=timezone.localdate()).render()
