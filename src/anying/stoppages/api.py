"""/api/v1/stoppages: the stoppage orders a user sees (the 停产 list), one with its steps."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from .filters import StoppageFilter
from .models import Stoppage

router = Router(tags=["停复产"])


class StoppageOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise: str
    region: str
    source: str
    reason: str
    legal_basis: str
    ordered_on: dt.date
    earliest_restart: dt.date | None
    closure_required: bool
    status: str
    status_label: str
    applied_on: dt.date | None
    checked_on: dt.date | None
    restarted_on: dt.date | None
    closed_on: dt.date | None
    campaign_id: int | None

    @staticmethod
    def resolve_enterprise(s):
        return s.enterprise.name

    @staticmethod
    def resolve_region(s):
        return s.region.name

    @staticmethod
    def resolve_status_label(s):
        return s.get_status_display()


def _stoppages(request):
    if not request.user.has_perm_code("stoppages.view"):
        raise PermissionDenied("无权查看停产整顿")
    return Stoppage.objects.visible_to(request.user).select_related("enterprise", "region")


@router.get("/", response=list[StoppageOut], summary="停产整顿（停产企业名单）")
@paginate(BoundedPagination)
def stoppage_list(request, filters: Query[StoppageFilter.Params]):
    return StoppageFilter.from_api(filters).apply(_stoppages(request)).order_by("-ordered_on", "-id")


@router.get("/{int:pk}", response=StoppageOut, summary="停产整顿指令")
def stoppage_detail(request, pk: int):
    return get_object_or_404(_stoppages(request), pk=pk)
