"""What every list page shares: sorting by whitelisted columns, pagination, query strings."""

import datetime as dt
from collections.abc import Callable, Mapping

from django.core.paginator import Paginator
from django.db import connections
from django.db.models.sql.datastructures import BaseTable
from django.utils.functional import cached_property
from ninja.pagination import LimitOffsetPagination
from pydantic import Field as PydanticField

PER_PAGE_CHOICES = (20, 50, 100)


MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """A record id from a URL or form value; anything else (², 1e9, overflow) is None."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def parse_date_param(value) -> dt.date | None:
    """A date from a URL (2026-01-31); anything else is None, so a bad link lists unfiltered."""
    try:
        return dt.date.fromisoformat((value or "").strip()[:10]) if value else None
    except ValueError:
        return None


def order(qs, key: str, columns: Mapping[str, str], default: str):
    """`qs` ordered by the sort `key` (`-found_on`: descending) and that key. `columns` maps the
    keys allowed to an order_by expression; any other key falls back to `default`. The id breaks
    ties, so pages never repeat or skip a row."""
    field = columns.get(key.lstrip("-"))
    if field is None:
        key, field = default, columns[default.lstrip("-")]
    descending = key.startswith("-")
    return qs.order_by(("-" if descending else "") + field, "-id" if descending else "id"), key


COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most `cap` rows. Counting a million matching rows costs more than showing a
    page of them (bench/README.md), and nobody pages past 10,000 rows: the list then says
    "10,000+" and the filters narrow it. `capped` tells whether the cap was hit."""

    def __init__(self, object_list, per_page, cap: int = COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        # without the ordering: the rows counted need not be sorted first
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)


def per_page_of(request, default: int) -> int:
    try:
        per_page = int(request.GET.get("per_page", default))
    except ValueError:
        return PER_PAGE_CHOICES[0]
    return per_page if per_page in PER_PAGE_CHOICES else PER_PAGE_CHOICES[0]


def paginate(request, qs, per_page: int = 20, *, capped: bool | int = False, when_plentiful: Callable | None = None):
    """A page of `qs`. With `capped` (True for COUNT_CAP, or a number), the count stops at the
    cap, and `when_plentiful(qs)`, if given, replaces the queryset the page is cut from once
    the cap is hit (see `prefer_index`)."""
    per_page = per_page_of(request, per_page)
    if not capped:
        return Paginator(qs, per_page).get_page(request.GET.get("page"))
    paginator = CappedPaginator(qs, per_page, cap=COUNT_CAP if capped is True else capped)
    if paginator.count and paginator.capped and when_plentiful is not None:
        paginator.object_list = when_plentiful(qs)
    return paginator.get_page(request.GET.get("page"))


class _IndexedTable(BaseTable):
    def __init__(self, table_name, alias, index: str | None):
        super().__init__(table_name, alias)
        self.index = index

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        hint = f"INDEXED BY {connection.ops.quote_name(self.index)}" if self.index else "NOT INDEXED"
        return f"{sql} {hint}", params


def _hinted(qs, index: str | None):
    if connections[qs.db].vendor != "sqlite":
        return qs
    qs = qs._chain()
    alias = qs.query.get_initial_alias()
    qs.query.alias_map[alias] = _IndexedTable(qs.model._meta.db_table, alias, index)
    return qs


def by_primary_key(qs):
    """On SQLite, read the main table only by primary key (NOT INDEXED): for a query narrowed to
    a short list of ids, which SQLite would otherwise ignore for a scope index covering 300,000
    rows. PostgreSQL is left alone."""
    return _hinted(qs, None)


def prefer_index(qs, index: str):
    """On SQLite, read the main table through `index` (INDEXED BY). SQLite keeps no useful
    statistics, so for "the newest 20 of 300,000 matching rows" it picks the index of an
    equality filter and sorts 300,000 rows, where walking the sort-order index stops after a
    few hundred (bench/README.md). Only worth it when matching rows are plentiful, which is
    why `paginate` applies it only once the capped count is full. PostgreSQL plans this well
    from its statistics and is left alone."""
    return _hinted(qs, index)


def query_without(request, *keys: str) -> str:
    """The current query string minus some keys, for links that change only those keys."""
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


LATE_LOOKUP_OFFSET = 1_000


def _in_key_order(qs, found: int):
    """A list in id order with plentiful matches, read in rowid order on SQLite (the rule of
    `prefer_index`): SQLite otherwise takes a district's region index, reads its million rows
    and sorts them for the first 20 (2.5 s at 1,000,000 hazards)."""
    if found > COUNT_CAP and tuple(qs.query.order_by) in {("pk",), ("id",)}:
        return by_primary_key(qs)
    return qs


class BoundedPagination(LimitOffsetPagination):
    """The API lists' pagination. limit is capped by NINJA_PAGINATION_MAX_LIMIT; offset is capped
    too, so no value can overflow the database's integer. The count stops at COUNT_CAP, as on the
    pages (`count_capped` says it did): counting a million rows costs more than a page of them.
    Deep pages go by key instead of offset: `after=<the last id seen>` reads the next `limit`
    records in id order from the index, however far in, where a large offset reads every row
    before it."""

    class Input(LimitOffsetPagination.Input):
        offset: int = PydanticField(0, ge=0, le=10_000_000)
        after: int | None = PydanticField(None, ge=0, le=2**62, description="上一页最后一条记录的 id（按 id 顺序翻页）")

    class Output(LimitOffsetPagination.Output):
        count_capped: bool = False

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        limit = min(pagination.limit, self.max_limit)
        found = queryset.order_by()[: COUNT_CAP + 1].count()
        if pagination.after is not None:
            items = _in_key_order(queryset.order_by("pk").filter(pk__gt=pagination.after), found)[:limit]
        elif pagination.offset > LATE_LOOKUP_OFFSET:
            # A deep offset skips its rows as bare ids (no joins, no columns: an index and the
            # scope's columns), then reads the page's rows by key. Skipping 100,000 full rows
            # with their joined enterprise, region and industry took 0.6 s at 1,000,000 hazards.
            ids = list(queryset.values_list("pk", flat=True)[pagination.offset: pagination.offset + limit])
            items = queryset.filter(pk__in=ids)
        else:
            items = _in_key_order(queryset, found)[pagination.offset: pagination.offset + limit]
        return {self.items_attribute: items, "count": min(found, COUNT_CAP), "count_capped": found > COUNT_CAP}
