"""/api/v1/campaigns: the campaigns a user sees, one with its phases, items and statistics."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import stats
from .filters import CampaignFilter
from .models import Campaign

router = Router(tags=["专项行动"])


class PhaseOut(Schema):
    kind: str
    name: str
    starts_on: dt.date
    ends_on: dt.date


class ItemOut(Schema):
    number: int
    category: str
    content: str
    basis: str


class CampaignBase(Schema):
    id: int
    name: str
    owner: str
    status: str
    starts_on: dt.date
    ends_on: dt.date


class CampaignOut(CampaignBase):
    @staticmethod
    def resolve_owner(c):
        return c.owner.name


class CampaignDetail(CampaignBase):
    goal: str
    industries: list[str]
    phases: list[PhaseOut]
    items: list[ItemOut]
    statistics: list[dict]


def _out(c: Campaign) -> dict:
    return {"id": c.pk, "name": c.name, "owner": c.owner.name, "status": c.status, "starts_on": c.starts_on,
            "ends_on": c.ends_on}


def _campaigns(request):
    if not request.user.has_perm_code("campaigns.view"):
        raise PermissionDenied("无权查看专项行动")
    return Campaign.objects.visible_to(request.user).select_related("owner")


@router.get("/", response=list[CampaignOut], summary="专项行动列表")
@paginate(BoundedPagination)
def campaign_list(request, filters: Query[CampaignFilter.Params]):
    return CampaignFilter.from_api(filters).apply(_campaigns(request)).order_by("-starts_on", "-id")


@router.get("/{int:pk}", response=CampaignDetail, summary="专项行动详情及分阶段统计")
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    statistics = []
    for period in stats.periods(campaign):
        table = stats.table(request.user, campaign, period)
        labels = [label for _, label, _, _ in table["columns"]]
        statistics.append({"period": period.label, "start": period.start, "end": period.end,
                           "rows": [{"region": name, **dict(zip(labels, values, strict=True))} for name, values in table["rows"]],
                           "total": dict(zip(labels, table["total"], strict=True))})
    return {**_out(campaign), "goal": campaign.goal, "industries": [i.name for i in campaign.industries.all()],
            "phases": list(campaign.phases.values("kind", "name", "starts_on", "ends_on")),
            "items": list(campaign.items.values("number", "category", "content", "basis")), "statistics": statistics}
