"""/api/v1/monthly: confirmed monthly reports within the reader's scope (figures as confirmed),
and the enterprise's confirmation."""

import datetime as dt

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination
from anying.registry.models import Enterprise

from . import services
from .filters import MonthlyReportFilter
from .models import MonthlyReport

router = Router(tags=["企业月报"])


class MonthlyReportOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    month: str
    figures: dict
    note: str
    due_on: dt.date
    confirmed_at: dt.datetime
    late: bool

    @staticmethod
    def resolve_enterprise(r):
        return r.enterprise.name

    @staticmethod
    def resolve_month(r):
        return f"{r.month:%Y-%m}"


@router.get("/reports", response=list[MonthlyReportOut], summary="已确认的企业月报")
@paginate(BoundedPagination)
def report_list(request, filters: Query[MonthlyReportFilter.Params]):
    if not request.user.has_perm_code("monthly.view"):
        raise PermissionDenied("无权查看企业月报")
    qs = MonthlyReport.objects.visible_to(request.user).select_related("enterprise")
    return MonthlyReportFilter.from_api(filters).apply(qs).order_by("-month", "enterprise_id")


class ConfirmIn(InputSchema):
    month: dt.date = Field(description="已结束的月份（该月任一日期，如 2026-11-01）")
    note: str = Field("", max_length=2000)


@router.post("/confirm", response={201: MonthlyReportOut}, summary="企业确认本企业月报")
def confirm(request, data: ConfirmIn):
    enterprise = Enterprise.objects.visible_to(request.user).filter(organisation_id=request.user.unit_id).first()
    if enterprise is None:
        raise PermissionDenied("只有企业账号可以确认本企业月报")
    month = data.month.replace(day=1)
    return Status(201, services.confirm(request.user, enterprise, month, data.note))
