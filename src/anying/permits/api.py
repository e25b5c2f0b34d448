"""Permits API (`/api/v1/permits`): the list with the page's filters, the permits open now and
one permit with its workers, gas analyses and approvals — the same scope as the pages."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from .filters import PermitFilter
from .models import Permit

router = Router(tags=["特殊作业票"])


def _permits(request):
    if not request.user.has_perm_code("permits.view"):
        raise PermissionDenied("无权查看特殊作业票")
    return Permit.objects.visible_to(request.user).select_related("enterprise")


class WorkerOut(Schema):
    name: str
    company: str
    contractor: bool
    certificate: str


class AnalysisOut(Schema):
    taken_at: dt.datetime
    phase: str
    point: str
    analyst: str
    enriched: bool
    readings: dict[str, str]
    passed: bool
    failures: str


class ApprovalOut(Schema):
    title: str
    approver: str
    at: dt.datetime
    opinion: str

    @staticmethod
    def resolve_approver(a):
        return a.approver.get_full_name() or a.approver.username


class PermitOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise: str
    kind: str
    kind_label: str
    level: str
    title: str
    place: str
    content: str
    valid_from: dt.datetime
    valid_until: dt.datetime
    guardian_name: str
    status: str
    status_label: str
    expired: bool
    started_at: dt.datetime | None
    approved_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_enterprise(p):
        return p.enterprise.name

    @staticmethod
    def resolve_kind_label(p):
        return p.get_kind_display()

    @staticmethod
    def resolve_status_label(p):
        return p.get_status_display()


class PermitDetailOut(PermitOut):
    hazards: str
    details: dict[str, str]
    measures: list[str]
    measures_confirmed: bool
    applicant_name: str
    leader_name: str
    guardian_cert: str
    workers: list[WorkerOut]
    analyses: list[AnalysisOut]
    approvals: list[ApprovalOut]

    @staticmethod
    def resolve_workers(p):
        return list(p.workers.all())

    @staticmethod
    def resolve_analyses(p):
        return list(p.analyses.all())

    @staticmethod
    def resolve_approvals(p):
        return list(p.approvals.select_related("approver"))


@router.get("/", response=list[PermitOut], summary="特殊作业票")
@paginate(BoundedPagination)
def list_permits(request, filters: Query[PermitFilter.Params]):
    return PermitFilter.from_api(filters).apply(_permits(request)).order_by("-valid_from", "-id")


@router.get("/open", response=list[PermitOut], summary="正在作业的特殊作业票（作业中、作业中断）")
@paginate(BoundedPagination)
def open_permits(request, filters: Query[PermitFilter.Params]):
    return (PermitFilter.from_api(filters).apply(_permits(request)).filter(status__in=Permit.OPEN)
            .order_by("-valid_from", "-id"))


@router.get("/{int:permit_id}", response=PermitDetailOut, summary="特殊作业票（含作业人员、气体分析、审批）")
def get_permit(request, permit_id: int):
    return get_object_or_404(_permits(request), pk=permit_id)
