"""Key tasks (挂图作战) API: the tasks of the caller's scope with milestones, overdue flags and
progress, and a progress report by the responsible unit."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema, MultiLine
from anying.core.errors import PermissionDenied
from anying.core.listing import MAX_ID, BoundedPagination

from . import keytasks
from .filters import KeyTaskFilter
from .models import Milestone

router = Router(tags=["重点任务挂图作战"])


class MilestoneOut(Schema):
    id: int
    title: str
    due: dt.date
    done_on: dt.date | None
    overdue: bool = Field(alias="is_overdue")



class KeyTaskOut(Schema):
    id: int
    year: int = Field(alias="table.year")
    table: str = Field(alias="table.title")
    number: int
    task: str
    requirements: str
    unit_id: int
    unit: str = Field(alias="unit.name")
    person: str
    leader: str
    due: dt.date
    status: str
    version: int  # send it back with a progress report: a stale one answers 409
    percent: int
    done_on: dt.date | None
    overdue: bool
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_overdue(obj):
        today = timezone.localdate()
        return obj.overdue_on(today) or any(m.overdue_on(today) for m in obj.milestones.all())

    @staticmethod
    def resolve_milestones(obj):
        return list(obj.milestones.all())


class ReportOut(Schema):
    id: int
    date: dt.date
    text: str
    percent: int
    milestone_id: int | None
    final: bool
    reported_by: str | None

    @staticmethod
    def resolve_reported_by(obj):
        return str(obj.reported_by) if obj.reported_by_id else None


class KeyTaskDetailOut(KeyTaskOut):
    reports: list[ReportOut]

    @staticmethod
    def resolve_reports(obj):
        return list(obj.reports.all())


class ReportIn(InputSchema):
    date: dt.date | None = None
    text: MultiLine = Field(max_length=2000)
    percent: int = Field(0, ge=0, le=100)
    milestone_id: int | None = Field(None, ge=1, le=MAX_ID)
    final: bool = False
    version: int | None = None  # the task's version the client read; a stale one answers 409


def _tasks(request):
    if not request.user.has_perm_code("oversight.view"):
        raise PermissionDenied("无权查看重点任务")
    return keytasks.visible(request.user).select_related("table", "unit").prefetch_related("milestones__task")


@router.get("/", response=list[KeyTaskOut], summary="重点任务列表（本人范围）")
@paginate(BoundedPagination)
def list_tasks(request, filters: Query[KeyTaskFilter.Params]):
    qs = _tasks(request)
    return KeyTaskFilter.from_api(filters).apply(qs).order_by("-table__year", "table", "number")


@router.get("/{int:task_id}", response=KeyTaskDetailOut, summary="重点任务详情（节点和进展）")
def get_task(request, task_id: int):
    return get_object_or_404(_tasks(request).prefetch_related("reports__reported_by"), pk=task_id)


@router.post("/{int:task_id}/progress", response={201: ReportOut}, summary="报送进展（责任单位）；final=true 表示任务完成")
def post_progress(request, task_id: int, payload: ReportIn):
    task = get_object_or_404(_tasks(request), pk=task_id)
    data = payload.dict()
    milestone_id, version = data.pop("milestone_id"), data.pop("version")
    if milestone_id is not None:
        data["milestone"] = Milestone.objects.filter(pk=milestone_id, task=task).first()
        if data["milestone"] is None:
            raise ValidationError({"milestone_id": "节点不属于该任务"})
    entry = keytasks.report(request.user, task.pk, data, version=version)
    return Status(201, entry)
