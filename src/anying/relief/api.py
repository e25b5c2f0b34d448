"""Relief API (`/api/v1/relief`): the winter-spring applications (list with the page's filters, one
application, its steps), the coverage by town, donations and fund allocations — the same
filters, scope and services as the pages. ID numbers and accounts are answered masked."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from anying.core import masking
from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import reports, services
from .filters import ApplicationFilter, DonationFilter, FundFilter
from .models import Application, Donation, Fund, Round

router = Router(tags=["救灾救助"])


def _may(request) -> None:
    if not request.user.has_perm_code("relief.view"):
        raise PermissionDenied("无权查看救灾救助")


class ReliefApplicationOut(Schema):
    id: int
    number: str
    round_id: int
    town: str
    village_id: int
    village: str
    head: str
    id_number_masked: str
    members: int
    needs: list[str]
    needs_label: str
    requested: Decimal
    approved: Decimal | None
    status: str
    status_label: str
    notice_ends_on: dt.date | None
    decided_on: dt.date | None
    paid_amount: Decimal | None
    paid_on: dt.date | None
    account_masked: str
    version: int

    @staticmethod
    def resolve_town(a):
        return a.town.name

    @staticmethod
    def resolve_village(a):
        return a.village.name

    @staticmethod
    def resolve_id_number_masked(a):
        return masking.id_number(a.id_number)

    @staticmethod
    def resolve_needs(a):
        return a.need_list

    @staticmethod
    def resolve_status_label(a):
        return a.get_status_display()

    @staticmethod
    def resolve_notice_ends_on(a):
        return a.notice.ends_on if a.notice_id else None

    @staticmethod
    def resolve_account_masked(a):
        return masking.account(a.account) if a.account else ""


def _applications(request):
    _may(request)
    return Application.objects.visible_to(request.user).select_related("town", "village", "notice")


@router.get("/applications", response=list[ReliefApplicationOut], summary="冬春救助申请")
@paginate(BoundedPagination)
def list_applications(request, filters: Query[ApplicationFilter.Params]):
    return ApplicationFilter.from_api(filters).apply(_applications(request)).order_by("-filed_at", "-id")


@router.get("/applications/{int:application_id}", response=ReliefApplicationOut, summary="冬春救助申请")
def get_application(request, application_id: int):
    return get_object_or_404(_applications(request), pk=application_id)


class ReliefStepIn(InputSchema):
    comment: str = Field("", max_length=1000)
    approved: Decimal | None = Field(None, gt=0, le=100000, description="乡审核定金额（元）；不填为申请金额")
    account: str = Field("", max_length=30, description="发放：一卡通账号")
    amount: Decimal | None = Field(None, gt=0, le=100000, description="发放：金额（元）；不填为核定金额")
    paid_on: dt.date | None = Field(None, description="发放：日期；不填为今天")
    version: int | None = Field(None, ge=1, le=2_147_483_647, description="读取时的版本号；已被他人修改则 409")


STEPS = ("town_pass", "town_return", "town_reject", "decide", "refuse", "pay")


@router.post("/applications/{int:application_id}/steps/{name}", response=ReliefApplicationOut,
             summary="办理一步：乡审、退回、县定、不予救助、发放（村评和公示在各自页面批量办理）")
def take_step(request, application_id: int, name: str, payload: ReliefStepIn):
    application = get_object_or_404(_applications(request), pk=application_id)
    if name not in STEPS:
        from django.core.exceptions import ValidationError

        raise ValidationError({"name": f"未知操作：{name[:40]}"})
    data = {"approved": payload.approved, "account": payload.account, "amount": payload.amount,
            "paid_on": payload.paid_on}
    services.run(request.user, application.pk, name, comment=payload.comment, data=data, version=payload.version)
    return _applications(request).get(pk=application.pk)


class TownCoverageOut(Schema):
    town_id: int
    town: str
    households_needing: int
    persons_needing: int
    applications: int
    households_aided: int
    persons_aided: int
    paid: Decimal
    rate: float | None


class CoverageOut(Schema):
    round_id: int
    round: str
    target_percent: Decimal
    towns: list[TownCoverageOut]


@router.get("/rounds/{int:round_id}/coverage", response=CoverageOut, summary="分镇街救助覆盖率和“五有”保障率")
def get_coverage(request, round_id: int):
    _may(request)
    from . import reference

    rnd = get_object_or_404(Round.objects.visible_to(request.user), pk=round_id)
    result = reports.coverage(request.user, rnd)
    return {"round_id": rnd.pk, "round": rnd.name, "target_percent": reference.five_haves_target(),
            "towns": [{"town_id": c.town.pk, "town": c.town.name, "households_needing": c.households_needing,
                       "persons_needing": c.persons_needing, "applications": c.applications,
                       "households_aided": c.households_aided, "persons_aided": c.persons_aided, "paid": c.paid,
                       "rate": float(c.rate) if c.rate is not None else None} for c in result.towns]}


class DonationOut(Schema):
    id: int
    number: str
    received_on: dt.date
    donor: str
    anonymous: bool
    form: str
    amount: Decimal
    goods_value: Decimal
    intent: str
    directed_town_id: int | None


@router.get("/donations", response=list[DonationOut], summary="救灾捐赠")
@paginate(BoundedPagination)
def list_donations(request, filters: Query[DonationFilter.Params]):
    _may(request)
    return DonationFilter.from_api(filters).apply(Donation.objects.visible_to(request.user)).order_by("-received_on",
                                                                                                     "-id")


class FundOut(Schema):
    id: int
    region_id: int
    source: str
    amount: Decimal
    allocated_on: dt.date
    reference: str
    purpose: str


@router.get("/funds", response=list[FundOut], summary="救灾资金下拨")
@paginate(BoundedPagination)
def list_funds(request, filters: Query[FundFilter.Params]):
    _may(request)
    return FundFilter.from_api(filters).apply(Fund.objects.visible_to(request.user)).order_by("-allocated_on", "-id")
