"""Pages of 重点任务“挂图作战”: the year's table with filters and export, a task with its
milestones and progress, the progress report of the responsible unit, and the district admin's
table and task forms."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import audit, exports, workflow
from anying.core.attachments import attachments_by_object, serve
from anying.core.http import act, submit
from anying.core.listing import parse_id
from anying.core.models import Organisation
from anying.core.views import perm_required

from . import keytasks
from .filters import KeyTaskFilter
from .forms_keytasks import ReportForm, TableForm, TaskForm
from .models import KeyTask, ProgressReport


@perm_required("oversight.view")
def keytask_list(request):
    today = timezone.localdate()
    flt = KeyTaskFilter.from_params(request.GET, request=request)
    year = flt["year"]
    tables = list(keytasks.visible_tables(request.user).filter(year=year).select_related("unit"))
    # the page shows one table: the one asked for if it is of this year, else the year's first
    table = next((t for t in tables if t.pk == flt["table"]), tables[0] if tables else None)
    unit, status, overdue = flt["unit"], flt["status"], flt["overdue"]
    qs = flt.apply(keytasks.visible(request.user), year=None, table=table.pk) if table else KeyTask.objects.none()
    qs = qs.select_related("unit").prefetch_related("milestones")
    if request.GET.get("export") == "xlsx" and table:
        shown = ["unit", "status", "overdue"]  # the table is the sheet's title
        book = exports.Book()
        count = keytasks.xlsx(book, table, qs, flt.describe(shown))
        return exports.response(request, book, f"{table.title}.xlsx", summary=f"导出{table.title} {count} 项", obj=table,
                                filters=flt.audit_values(shown))
    tasks = list(qs)
    for task in tasks:
        task.late_milestones = [m for m in task.milestones.all() if m.overdue_on(today)]
        task.late = task.overdue_on(today) or bool(task.late_milestones)
    years = sorted({*keytasks.visible_tables(request.user).values_list("year", flat=True), today.year}, reverse=True)
    unit_ids = keytasks.visible(request.user).filter(table=table).values("unit") if table else []
    return render(request, "oversight/keytask_list.html", {
        "tables": tables, "table": table, "tasks": tasks, "year": year, "years": years, "today": today,
        "units": Organisation.objects.filter(pk__in=unit_ids), "unit": unit, "status": status, "overdue": overdue,
        "statuses": KeyTask.Status.choices, "can_manage": request.user.has_perm_code("keytasks.manage"),
        "summary": keytasks.summary(request.user, year)})


def _visible(user, pk) -> KeyTask:
    return get_object_or_404(keytasks.visible(user).select_related("table", "unit"), pk=pk)


@perm_required("oversight.view")
def keytask_detail(request, pk):
    task = _visible(request.user, pk)
    today = timezone.localdate()
    reports = list(task.reports.select_related("reported_by", "milestone"))
    files = attachments_by_object(reports)
    for entry in reports:
        entry.files = files.get(entry.pk, [])
    can_report = keytasks.can_report(request.user, task) and not task.is_done
    milestones = list(task.milestones.all())
    for m in milestones:
        m.late = m.overdue_on(today)
    return render(request, "oversight/keytask_detail.html", {
        "task": task, "milestones": milestones, "reports": reports, "late": task.overdue_on(today),
        "form": ReportForm(task=task) if can_report else None,
        "can_manage": request.user.has_perm_code("keytasks.manage"), "history": audit.history(task)[:30]})


@perm_required("keytasks.report")
@require_POST
def keytask_report(request, pk):
    task = _visible(request.user, pk)
    form = ReportForm(request.POST, request.FILES, task=task)
    seen = workflow.posted_version(request)
    act(request, form, lambda data: keytasks.report(request.user, task.pk, data, data.get("attachment"), version=seen),
        lambda entry: "已报送，任务已完成" if entry.final else "已报送进展")
    return redirect("keytask_detail", pk=pk)


@perm_required("oversight.view")
def keytask_file(request, pk, attachment_id):
    return serve(ProgressReport.objects.filter(task=_visible(request.user, pk)), attachment_id)


@perm_required("keytasks.manage")
def keytask_table_edit(request, pk=None):
    table = get_object_or_404(keytasks.visible_tables(request.user), pk=pk) if pk else None
    initial = {"year": table.year, "title": table.title, "unit": table.unit_id, "source": table.source} if table \
        else {"year": timezone.localdate().year}
    form = TableForm(request.POST or None, user=request.user, initial=initial)
    done = submit(request, form, lambda data: keytasks.save_table(request.user, data, pk),
                  lambda t: f"已保存：{t.title}", lambda t: f"{reverse('keytask_list')}?year={t.year}&table={t.pk}")
    return done or render(request, "oversight/keytask_form.html", {"form": form, "table": table, "kind": "table"})


@perm_required("keytasks.manage")
def keytask_edit(request, pk=None):
    task = _visible(request.user, pk) if pk else None
    initial = TaskForm.initial_of(task) if task else {"table": parse_id(request.GET.get("table"))}
    form = TaskForm(request.POST or None, user=request.user, initial=initial)
    # the version the form was first shown with stays through a re-render with errors
    shown = workflow.posted_version(request) if request.method == "POST" else task.version if task else None

    def save(data):
        table = data.get("table")
        milestones = keytasks.parse_milestones(data.get("milestones", ""), table.year if table else 2000)
        return keytasks.save_task(request.user, data, pk, milestones=milestones, version=shown)

    done = submit(request, form, save, lambda t: f"已保存重点任务：{t.task}",
                  lambda t: reverse("keytask_detail", args=[t.pk]))
    return done or render(request, "oversight/keytask_form.html", {"form": form, "task": task, "kind": "task",
                                                                    "shown_version": shown})
