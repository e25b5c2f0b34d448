"""重点任务“挂图作战”: the annual task tables, their tasks with milestones, the responsible
units' progress reports, overdue flags (computed from dates when read; told once by `anying
tick`) and the export in the layout of the seed's 附件1.

Scope: a government user sees the tasks whose responsible unit lies in their unit's region
subtree (a district user the whole district, a town user its town's units). Only users of the
responsible unit report progress (keytasks.report); the district admin edits tables and tasks
(keytasks.manage)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from anying.core import attachments, audit, clock, recipients, workflow
from anying.core.clock import Clock
from anying.core.errors import PermissionDenied
from anying.core.exports import Book
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.permissions import SYSTEM, require
from anying.core.scope import covers, unit_q
from anying.core.workflow import Lifecycle, Transition

from .models import KeyTask, KeyTaskTable, Milestone, ProgressReport

TASK_FIELDS = ["table", "number", "task", "requirements", "unit", "person", "leader", "due"]


def visible(user):
    return KeyTask.objects.visible_to(user)


def visible_tables(user):
    """Tables issued within the user's territory, and tables holding a task the user sees."""
    return KeyTaskTable.objects.filter(unit_q(user, perm="oversight.view")
                                       | Q(Exists(visible(user).filter(table=OuterRef("pk")))))


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """Not done, and past the final deadline or a milestone's (due today is not overdue)."""
    late_milestone = Milestone.objects.filter(task=OuterRef(f"{prefix}pk" if prefix else "pk"),
                                              done_on__isnull=True, due__lt=today)
    return ~Q(**{f"{prefix}status": KeyTask.Status.DONE}) & (Q(**{f"{prefix}due__lt": today}) | Exists(late_milestone))


def summary(user, year: int) -> dict:
    """Dashboard figures for the year's tasks of the user's scope (one query). `in_progress`
    counts the open tasks on schedule, so total = done + overdue + in_progress."""
    today = timezone.localdate()
    row = visible(user).filter(table__year=year).aggregate(
        total=Count("id"), done=Count("id", filter=Q(status=KeyTask.Status.DONE)),
        overdue=Count("id", filter=overdue_q(today)))
    return {**row, "in_progress": row["total"] - row["done"] - row["overdue"]}


# --- writes: tables and tasks (keytasks.manage) ------------------------------------------------

def _text(data: dict, key: str, limit: int | None, errors: dict, label: str = "必填") -> str:
    value = str(data.get(key) or "").strip()
    if not value:
        errors[key] = label
    elif limit and len(value) > limit:
        errors[key] = f"最多 {limit} 字"
    return value


@transaction.atomic
def save_table(user, data: dict, pk: int | None = None) -> KeyTaskTable:
    require(user, "keytasks.manage", "无权编辑重点任务责任表")
    errors: dict = {}
    title = _text(data, "title", 200, errors, "请填写标题")
    year, unit = data.get("year"), data.get("unit")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = "请填写年度"
    if not isinstance(unit, Organisation) or not unit.is_government:
        errors["unit"] = "请选择印发单位（政府部门）"
    elif user is not SYSTEM and not _in_territory(user, unit):
        errors["unit"] = "印发单位不在本单位辖区内"
    if errors:
        raise ValidationError(errors)
    table = KeyTaskTable.objects.select_for_update().filter(unit_q(user, perm="oversight.view"), pk=pk).first() if pk else KeyTaskTable()
    if table is None:
        raise PermissionDenied("责任表不存在或不在您的范围内")
    before = audit.snapshot(table) if pk else None
    table.year, table.title, table.unit, table.source = year, title, unit, str(data.get("source") or "")[:300]
    table.save()
    audit.record(user, AuditEvent.Action.UPDATE if pk else AuditEvent.Action.CREATE, table,
                 summary="保存重点任务责任表", before=before, after=audit.snapshot(table))
    return table


def _in_territory(user, unit: Organisation) -> bool:
    return covers(user, Region.objects.get(pk=unit.region_id))


def parse_milestones(text: str, year: int) -> list[tuple[dt.date, str]]:
    """One milestone a line: "2026-03-30 召开现场会" or "03-30 召开现场会" (in the table's year)."""
    found = []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        head, _, title = line.partition(" ")
        try:
            day = dt.date.fromisoformat(head if head.count("-") == 2 else f"{year}-{head}")
        except ValueError:
            raise ValidationError({"milestones": f"第 {number} 行：日期应写成 2026-03-30 或 03-30，后接空格和节点内容"}) \
                from None
        if not title.strip() or len(title.strip()) > 200:
            raise ValidationError({"milestones": f"第 {number} 行：请填写节点内容（最多 200 字）"})
        if abs(day.year - year) > 1:
            raise ValidationError({"milestones": f"第 {number} 行：节点日期应在 {year} 年前后"})
        found.append((day, title.strip()))
    return found


def milestones_text(task: KeyTask) -> str:
    return "\n".join(f"{m.due:%Y-%m-%d} {m.title}" for m in task.milestones.all())


@transaction.atomic
def save_task(user, data: dict, pk: int | None = None, *, milestones: list[tuple[dt.date, str]] | None = None,
              version: int | None = None) -> KeyTask:
    """Create or edit a task; `milestones` (when given) replaces the open milestones, keeping
    those already completed. `version`: what the edit page showed (a stale one is refused)."""
    require(user, "keytasks.manage", "无权编辑重点任务")
    errors: dict = {}
    values = {"task": _text(data, "task", 200, errors), "requirements": _text(data, "requirements", None, errors),
              "person": _text(data, "person", 100, errors, "请填写责任人职务"),
              "leader": _text(data, "leader", 100, errors, "请填写责任领导职务")}
    table, unit, due, number = data.get("table"), data.get("unit"), data.get("due"), data.get("number")
    if not isinstance(table, KeyTaskTable) or (user is not SYSTEM and
                                               not visible_tables(user).filter(pk=table.pk).exists()):
        errors["table"] = "请选择责任表"
    if not isinstance(unit, Organisation) or not unit.is_government:
        errors["unit"] = "请选择责任单位（政府部门或镇街）"
    elif user is not SYSTEM and not _in_territory(user, unit):
        errors["unit"] = "责任单位不在本单位辖区内"
    if not isinstance(due, dt.date):
        errors["due"] = "请填写完成时限"
    if not isinstance(number, int) or not 1 <= number <= 999:
        errors["number"] = "序号应为 1–999"
    for day, _title in milestones or []:
        if isinstance(due, dt.date) and day > due:
            errors["milestones"] = f"节点日期 {day:%Y-%m-%d} 晚于完成时限"
    if errors:
        raise ValidationError(errors)
    task = KeyTask.objects.select_for_update().visible_to(user).filter(pk=pk).first() if pk else KeyTask()
    if task is None:
        raise PermissionDenied("任务不存在或不在您的范围内")
    if pk:
        workflow.check_version(LIFECYCLE, task, version)
    before = {**audit.snapshot(task), "milestones": milestones_text(task)} if pk else None
    for key, value in {**values, "table": table, "unit": unit, "due": due, "number": number}.items():
        setattr(task, key, value)
    if pk:
        task.version += 1  # a report page showing the old deadline or milestones is stale now
    task.save()
    if milestones is not None:
        # unchanged milestones stay (with their completion and reminder); completed ones are history
        wanted = set(milestones)
        existing = list(task.milestones.all())
        Milestone.objects.filter(pk__in=[m.pk for m in existing
                                         if m.done_on is None and (m.due, m.title) not in wanted]).delete()
        kept = {(m.due, m.title) for m in existing}
        Milestone.objects.bulk_create([Milestone(task=task, due=d, title=t) for d, t in sorted(wanted - kept)])
    audit.record(user, AuditEvent.Action.UPDATE if pk else AuditEvent.Action.CREATE, task, summary="保存重点任务",
                 before=before, after={**audit.snapshot(task), "milestones": milestones_text(task)})
    return task


# --- writes: progress (keytasks.report, the responsible unit) ----------------------------------

def can_report(user, task: KeyTask) -> bool:
    if user is SYSTEM:
        return True
    return user.has_perm_code("keytasks.report") and user.unit_id == task.unit_id


def _reported(step) -> None:
    """A progress report of the responsible unit: text and percent, optionally completing a
    milestone, or (完成) completing the task, which then stands at 100 %."""
    task, data, final = step.record, step.data, step.transition.name == "complete"
    errors: dict = {}
    text = _text(data, "text", 2000, errors, "请填写进展情况")
    day = data.get("date") or timezone.localdate()
    percent = 100 if final else data.get("percent")
    if not isinstance(day, dt.date) or day > timezone.localdate():
        errors["date"] = "日期不能晚于今天"
    elif day.year < task.table.year - 1:
        errors["date"] = f"日期不能早于 {task.table.year - 1} 年"
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        errors["percent"] = "完成进度应为 0–100"
    elif percent == 100 and not final:
        errors["percent"] = "进度 100% 请勾选“任务完成”"
    milestone = data.get("milestone")
    if milestone is not None and (not isinstance(milestone, Milestone) or milestone.task_id != task.pk):
        errors["milestone"] = "节点不属于该任务"
    elif milestone is not None and milestone.done_on is not None:
        errors["milestone"] = "该节点已完成"
    upload = data.get("upload")
    if upload is not None:
        try:
            attachments.check_upload(upload)
        except ValidationError as exc:
            errors["attachment"] = "；".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    entry = ProgressReport.objects.create(task=task, date=day, text=text, percent=percent, milestone=milestone,
                                          final=final, reported_by=step.actor)
    if milestone is not None:
        Milestone.objects.filter(pk=milestone.pk).update(done_on=day)
    task.percent, task.done_on = percent, day if final else None
    if upload is not None:
        attachments.attach(step.actor, entry, upload, audit_on=task)
    step.summary = "任务完成" if final else f"报送进展 {percent}%" + (f"，完成节点：{milestone.title}" if milestone else "")
    step.comment = f"{step.summary}：{text}"


RESPONSIBLE = "responsible"  # a member of the task's responsible unit with keytasks.report


def _parties(user, task: KeyTask) -> set[str]:
    return {RESPONSIBLE} if can_report(user, task) else set()


_S = KeyTask.Status
LIFECYCLE = workflow.register(Lifecycle(
    model=KeyTask, label="重点任务", parties=_parties, transitions=[
        Transition("report", "报送进展", (_S.NOT_STARTED, _S.IN_PROGRESS), _S.IN_PROGRESS, frozenset({RESPONSIBLE}),
                   apply=_reported),
        Transition("complete", "任务完成", (_S.NOT_STARTED, _S.IN_PROGRESS), _S.DONE, frozenset({RESPONSIBLE}),
                   apply=_reported, notify=("managers",)),
    ],
    recipients={"managers": lambda task: recipients.members([task.table.unit_id], "keytasks.manage")},
    audited=["status", "percent", "done_on"], scoped=lambda user: visible(user),
    describe=lambda task: str(task)[:60], url=lambda task: reverse("keytask_detail", args=[task.pk])))


def report(user, pk: int, data: dict, upload=None, version: int | None = None) -> ProgressReport:
    """`version`: what the reporter's page showed; a report on a stale page (another report
    or an edit came first) is refused, nothing changed."""
    name = "complete" if data.get("final") else "report"
    try:
        workflow.run(LIFECYCLE, user, pk, name, data={**data, "upload": upload}, version=version)
    except KeyTask.DoesNotExist:
        raise PermissionDenied("任务不存在或不在您的范围内") from None
    return ProgressReport.objects.filter(task_id=pk).latest("id")


# --- overdue reminders (anying tick) -------------------------------------------------------------

def _reporters(records: list) -> dict:
    """The responsible unit's reporters (keytasks.report), once per unit."""
    units = {r.pk: (r.unit_id if isinstance(r, KeyTask) else r.task.unit_id) for r in records}
    by_unit = {unit: recipients.members([unit], "keytasks.report") for unit in set(units.values())}
    return {pk: by_unit[unit] for pk, unit in units.items()}


DATA = Path(__file__).resolve().parent / "data"
TASK_DUE = clock.register(Clock(
    name="keytask_due", label="重点任务逾期", model=KeyTask, due="due", open=~Q(status=KeyTask.Status.DONE),
    region="unit__region", defaults=DATA / "keytask_clock.csv", fields=("task", "number", "unit_id"),
    recipients=_reporters, describe=lambda t: t.task[:60], url=lambda t: reverse("keytask_detail", args=[t.pk])))
MILESTONE_DUE = clock.register(Clock(
    name="milestone_due", label="重点任务节点逾期", model=Milestone, due="due",
    open=Q(done_on__isnull=True) & ~Q(task__status=KeyTask.Status.DONE), region="task__unit__region",
    defaults=DATA / "milestone_clock.csv", fields=("title", "task__task", "task__unit"), related=("task",),
    recipients=_reporters, describe=lambda m: f"{m.task.task[:40]}：{m.title}",
    url=lambda m: reverse("keytask_detail", args=[m.task_id])))


def overdue_run(now: dt.datetime | None = None) -> int:
    """The key-task clocks alone (tests); `anying tick` runs every clock."""
    return clock.run(now, [TASK_DUE, MILESTONE_DUE])


# --- export (附件1 layout) -------------------------------------------------------------------------

HEADER = ["序号", "重点任务", "工作要求", "责任人", "责任领导", "完成时限", "进度", "状态"]


def deadline_text(task: KeyTask) -> str:
    lines = [f"{m.due:%m月%d日} {m.title}" for m in task.milestones.all()]
    return "\n".join([*lines, f"{task.due:%Y年%m月%d日}前完成"])


def status_text(task: KeyTask, today: dt.date) -> str:
    if task.is_done:
        return f"已完成（{task.done_on:%m月%d日}）" if task.done_on else "已完成"
    late = task.overdue_on(today) or any(m.overdue_on(today) for m in task.milestones.all())
    return f"{task.get_status_display()}（逾期）" if late else task.get_status_display()


def xlsx(book: Book, table: KeyTaskTable, tasks, filters: list[tuple[str, str]]) -> int:
    """The table in the layout of the seed (挂图作战责任表), printed with its grid."""
    today = timezone.localdate()
    sheet = book.sheet(f"{table.year}年重点任务", HEADER, title=table.title, filters=filters, grid=True)
    return sheet.extend([task.number, task.task, task.requirements, task.person, task.leader, deadline_text(task),
                         f"{task.percent}%", status_text(task, today)] for task in tasks)
