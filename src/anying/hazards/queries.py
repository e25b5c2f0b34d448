"""Reading hazards: the list filters, the to-do list and overdue rules, all through the scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from anying.campaigns.models import Campaign
from anying.core.filters import (
    ChoiceFilter,
    DateFilter,
    FlagFilter,
    IdFilter,
    IndustryFilter,
    ListFilter,
    TextFilter,
)
from anying.core.listing import by_primary_key
from anying.core.models import Region
from anying.core.permissions import is_enterprise_user
from anying.core.scope import subtree_ids
from anying.core.textsearch import contains_any, matching_ids, middling, scan
from anying.registry.models import Enterprise

from . import authority
from .models import Hazard, shown_channel

OPEN = [Hazard.Status.REGISTERED, Hazard.Status.RECTIFYING, Hazard.Status.SUBMITTED]
SORT_COLUMNS = {"found_on": "found_on", "deadline": "deadline", "enterprise": "enterprise__name", "status": "status"}
# the index that yields each sort's order (either direction), for `prefer_index`
SORT_INDEXES = {"found_on": "hazard_found_desc", "deadline": "hazard_deadline"}
TEXT_SEARCH_COUNT_CAP = 1_000
DENSE_SEARCH_COUNT_CAP = 200  # a term found by testing rows one by one (text_search)
NAMED_ENTERPRISES_INLINE = 500
TEXT_COLUMNS = ["place", "description"]
MATCHES_INLINE = 5_000


class HazardFilter(ListFilter):
    """The hazard list's filter: its page (/hazards/), its export and the API list."""

    q = TextFilter(label="搜索", method="search", help_text="企业名称或隐患部位/描述包含")
    level = ChoiceFilter(label="等级", choices=Hazard.Level.choices)
    status = ChoiceFilter(label="状态", choices=[("open", "未销号"), *Hazard.Status.choices], method="by_status",
                          help_text="状态（open = 未销号）")
    overdue = FlagFilter(label="仅逾期", method="only_overdue")
    region = IdFilter(label="区划", record=Region, method="by_region", help_text="区划 id（含下级）")
    industry = IndustryFilter(label="行业")  # literal ids: the (industry, found_on) index serves the page
    channel = ChoiceFilter(label="来源", choices=Hazard.Channel.choices)
    enterprise = IdFilter(label="企业", record=Enterprise, field_name="enterprise_id", help_text="企业 id")
    campaign = IdFilter(label="专项行动", record=Campaign, field_name="campaign_id", help_text="专项行动 id")
    date_from = DateFilter(label="发现日期自", field_name="found_on", lookup_expr="gte")
    date_to = DateFilter(label="发现日期至", field_name="found_on", lookup_expr="lte")
    # 销号日期, for the dashboard's "closed this month" figures
    closed_from = DateFilter(label="销号日期自", field_name="closed_on", lookup_expr="gte")
    closed_to = DateFilter(label="销号日期至", field_name="closed_on", lookup_expr="lte")

    sort_columns = SORT_COLUMNS
    default_sort = "-found_on"

    def search(self, qs, name, value):
        return text_search(qs, value, on_dense=lambda: setattr(self, "dense_search", True))

    def by_status(self, qs, name, value):
        # open: an IN list, which composite indexes can serve
        return qs.filter(status__in=OPEN) if value == "open" else qs.filter(status=value)

    def only_overdue(self, qs, name, value):
        return overdue(qs)

    def by_region(self, qs, name, value):
        path = Region.objects.filter(pk=value).values_list("path", flat=True).first()
        if not path:
            return qs.none()
        # region ids, like the scope (core.scope.territory_q), so the region indexes serve it
        ids = subtree_ids(path)
        return qs.filter(region_id__in=ids if ids is not None else Region.objects.filter(path__startswith=path).values("id"))


def text_search(qs, term: str, on_dense=None):
    """Hazards whose enterprise name, place or description contains `term`.

    The search index is asked first for up to MATCHES_INLINE matches (the enterprises' by name,
    the hazards' by place and description). Fewer than that — a rare term — and the list is those
    ids, read by primary key: no plan can go wrong with a few thousand keys. More — a common term
    (车间 in every fifth place) — and the rows are tested one by one while walking the scope's or
    the sort's index, which finds a page or a capped count after a few thousand rows, where
    collecting half a million matches from an index costs seconds at 10,000,000 hazards. The
    planner's own choice between the two, from an estimate, took 20 s for a one-character term
    with a few matches (bench/README.md)."""
    named = Enterprise.objects.filter(contains_any(Enterprise, ["name"], term)).order_by().values_list("id", flat=True)
    ids = list(named[:NAMED_ENTERPRISES_INLINE + 1])
    found = matching_ids(Hazard, TEXT_COLUMNS, term, MATCHES_INLINE + 1)
    if found is not None and len(ids) <= NAMED_ENTERPRISES_INLINE:
        found = set(found)
        if ids and len(found) <= MATCHES_INLINE:
            found.update(Hazard.objects.filter(enterprise_id__in=ids).order_by()
                         .values_list("id", flat=True)[:MATCHES_INLINE + 1 - len(found)])
        if len(found) <= MATCHES_INLINE:
            return by_primary_key(qs.filter(pk__in=sorted(found)))
    named = ids if len(ids) <= NAMED_ENTERPRISES_INLINE else named
    # found is None: dense (or no index); a long list: a middling term, where PostgreSQL may still
    # do better with its index than with a walk, and chooses from its statistics
    common = None if found is None else middling(Hazard, TEXT_COLUMNS, term)
    if common is None:  # walk and test row by row
        common = scan(TEXT_COLUMNS, term)
        if on_dense is not None:
            on_dense()  # the list's count stops sooner (count_cap)
    return qs.filter(Q(enterprise_id__in=named) | common)

def overdue(qs, today: dt.date | None = None):
    """Open hazards past their rectification deadline (dates in Asia/Shanghai)."""
    today = today or timezone.localdate()
    return qs.filter(status__in=[Hazard.Status.REGISTERED, Hazard.Status.RECTIFYING], deadline__lt=today)


def count_cap(flt: HazardFilter) -> int | bool:
    """Where the list's count stops. A text search is for finding, not counting: its count stops
    sooner, as each row counted costs three substring matches; a dense term's (车间) sooner still,
    as its rows are found by testing rows one by one (at 10,000,000 hazards a town's first 1,000
    配电 took 100 ms to count, 200 took 25)."""
    if not flt["q"]:
        return True
    return DENSE_SEARCH_COUNT_CAP if getattr(flt, "dense_search", False) else TEXT_SEARCH_COUNT_CAP


def list_queryset(user, flt: HazardFilter):
    qs = Hazard.objects.visible_to(user)
    channel = flt["channel"]
    if channel and is_enterprise_user(user):
        # by the channel the enterprise is shown: 监督检查 includes the tips it reads as, 群众举报 finds nothing
        qs = flt.apply(qs.filter(channel__in=[c for c in Hazard.Channel.values if shown_channel(c, user) == channel]),
                       channel="")
    else:
        qs = flt.apply(qs)
    return qs.select_related("enterprise", "region", "industry")


def pending_extensions(user):
    """延期申请 waiting for this user's answer: pending requests on hazards in their scope, the
    oldest answer date first (the overdue ones, past the 5 days of 总局令15号 第十七条, on top)."""

    from .models import ExtensionRequest

    if not user.has_perm_code("hazards.supervise"):
        return ExtensionRequest.objects.none()
    # EXISTS per pending request, not `hazard IN (hazards in scope)`: SQLite built the whole
    # scope's id list first (0.5 s for a district at 1,000,000 hazards) to check a handful of requests
    in_scope = Hazard.objects.visible_to(user).filter(authority.reviewable_q(user), pk=OuterRef("hazard_id"))
    return ExtensionRequest.objects.filter(Exists(in_scope), status=ExtensionRequest.Status.PENDING) \
        .select_related("hazard__enterprise", "requested_by").order_by("answer_due", "id")


def open_major(user):
    """问题清单: open major hazards in the user's scope."""
    return Hazard.objects.visible_to(user).filter(level=Hazard.Level.MAJOR, status__in=OPEN)


def issue_matrix(user) -> dict:
    """Open major hazards counted by town (rows) × industry (columns), in one grouped query."""
    from django.db.models import Count

    cells = list(open_major(user).values("region_id", "region__name", "industry_id", "industry__name")
                 .annotate(n=Count("id")).order_by("region__path", "industry__path"))
    industries = list(dict.fromkeys((c["industry_id"], c["industry__name"]) for c in cells))
    regions = list(dict.fromkeys((c["region_id"], c["region__name"]) for c in cells))
    counts = {(c["region_id"], c["industry_id"]): c["n"] for c in cells}
    rows = []
    for region_id, region_name in regions:
        row = [counts.get((region_id, industry_id), 0) for industry_id, _ in industries]
        rows.append({"region_id": region_id, "region": region_name, "counts": row, "total": sum(row),
                     "cells": list(zip([i for i, _ in industries], row, strict=True))})
    totals = [sum(counts.get((r, i), 0) for r, _ in regions) for i, _ in industries]
    return {"industries": [name for _, name in industries], "industry_ids": [i for i, _ in industries],
            "rows": rows, "totals": totals, "total": sum(totals)}


def zeroing(user, today: dt.date | None = None) -> dict:
    """动态清零: major hazards carried over from earlier years vs found this year — how many are
    still open and how many were closed this year — so the stock can be driven to zero."""
    from django.db.models import Count

    today = today or timezone.localdate()
    start = dt.date(today.year, 1, 1)
    major = Hazard.objects.visible_to(user).filter(level=Hazard.Level.MAJOR)
    closed_this_year = Q(status=Hazard.Status.CLOSED, closed_on__gte=start)
    rows = []
    for label, scope in (("往年结转", Q(found_on__lt=start)), (f"{today.year}年新增", Q(found_on__gte=start))):
        figures = major.filter(scope).aggregate(
            open=Count("id", filter=~Q(status=Hazard.Status.CLOSED)), closed=Count("id", filter=closed_this_year))
        rows.append({"label": label, "carried": scope == Q(found_on__lt=start), **figures})
    return {"year": today.year, "rows": rows}
