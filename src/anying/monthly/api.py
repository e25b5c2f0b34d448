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

from . import rules, services
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


class MonthParams(Schema):
    month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", description="月份，如 2026-11")


@router.get("/reports", response=list[MonthlyReportOut], summary="已确认的企业月报")
@paginate(BoundedPagination)
def report_list(request, params: Query[MonthParams]):
    if not request.user.has_perm_code("monthly.view"):
        raise PermissionDenied("无权查看企业月报")
    qs = MonthlyReport.objects.visible_to(request.user).select_related("enterprise")
    if params.month:
        month = rules.parse_month(params.month)
        qs = qs.filter(month=month) if month else qs.none()
    return qs.order_by("-month", "enterprise_id")


class ConfirmIn(InputSchema):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="已结束的月份，如 2026-11")
    note: str = Field("", max_length=2000)


@router.post("/confirm", response={201: MonthlyReportOut}, summary="企业确认本企业月报")
def confirm(request, data: ConfirmIn):
    enterprise = Enterprise.objects.visible_to(request.user).filter(organisation_id=request.user.unit_id).first()
    month = rules.parse_month(data.month)
    if enterprise is None:
        raise PermissionDenied("只有企业账号可以确认本企业月报")
    if month is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"month": "月份格式应为 YYYY-MM"})
    return Status(201, services.confirm(request.user, enterprise, month, data.note))
