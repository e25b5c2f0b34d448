"""Pages of checklists (检查清单) and routine self-inspection (日周月排查). Thin: reads through
checklists.available_to / visible_to, writes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import exports, periods, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import apply_errors, error_text, submit
from anying.core.listing import paginate, parse_id, query_without
from anying.core.permissions import is_enterprise_user
from anying.core.views import perm_required
from anying.registry.models import Enterprise
from anying.registry.queries import town_choices
from anying.standards.models import CriteriaSet

from . import checklists, self_inspection
from .excel import write_self_inspection
from .filters import ChecklistFilter, SelfInspectionFilter
from .forms import ChecklistForm, RoundForm, ScheduleForm
from .models import ChecklistTemplate, RoundResult, SelfInspectionRound, SelfInspectionSchedule

# ----- checklists -----

@perm_required("registry.view")
def checklist_list(request):
    flt = ChecklistFilter.from_params(request.GET, request=request)
    page = paginate(request, flt.apply(checklists.available_to(request.user)))
    return render(request, "hazards/checklist_list.html", {
        "page": page, "counts": checklists.item_counts(page.object_list), "use": flt["use"], "status": flt["status"],
        "uses": ChecklistTemplate.Use.choices, "statuses": ChecklistTemplate.Status.choices,
        "qs_page": query_without(request, "page"), "can_edit": request.user.has_perm_code("hazards.act"),
        "criteria_sets": CriteriaSet.objects.all() if request.user.has_perm_code("hazards.supervise") else []})


def _checklist(user, pk) -> ChecklistTemplate:
    return get_object_or_404(checklists.available_to(user), pk=pk)


@perm_required("registry.view")
def checklist_detail(request, pk):
    template = _checklist(request.user, pk)
    versions = ChecklistTemplate.objects.filter(code=template.code).order_by("-version")
    return render(request, "hazards/checklist_detail.html", {
        "template": template, "items": list(template.items.select_related("criterion")),
        "versions": [v for v in versions if v.pk != template.pk],
        "can_edit": request.user.has_perm_code("hazards.act") and template.owner_id == request.user.unit_id,
        "schedules": SelfInspectionSchedule.objects.filter(checklist=template, active=True).count()})


@perm_required("hazards.act")
def checklist_create(request):
    form = ChecklistForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda d: checklists.create(request.user, **d),
                  lambda t: f"已创建检查清单草稿：{t.name}", lambda t: reverse("checklist_detail", args=[t.pk]))
    return done or render(request, "hazards/checklist_form.html", {"form": form})


@perm_required("hazards.act")
def checklist_edit(request, pk):
    template = _checklist(request.user, pk)
    form = ChecklistForm(request.POST or None, editing=True, initial={
        "name": template.name, "industry": template.industry,
        "items_text": checklists.custom_items_text(template)})
    criterion_items = list(template.items.filter(criterion__isnull=False).select_related("criterion"))
    # the revision the form was first shown with stays through a re-render with errors
    shown = workflow.posted_version(request) if request.method == "POST" else template.revision

    def save(data):
        removed = [i.pk for i in criterion_items if request.POST.get(f"remove_{i.pk}")]
        return checklists.update_draft(request.user, template.pk, removed_criteria=removed, version=shown, **data)

    done = submit(request, form, save, lambda t: f"已保存：{t}", lambda t: reverse("checklist_detail", args=[t.pk]))
    return done or render(request, "hazards/checklist_form.html", {
        "form": form, "template": template, "criterion_items": criterion_items, "shown_version": shown})


@perm_required("hazards.act")
@require_POST
def checklist_action(request, pk, action):
    """publish / new_version / retire / from_criteria."""
    operations = {"publish": checklists.publish, "new_version": checklists.new_version, "retire": checklists.retire}
    if action not in operations:
        raise Http404
    _checklist(request.user, pk)
    try:
        result = operations[action](request.user, pk, version=workflow.posted_version(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("checklist_detail", pk=pk)
    messages.success(request, {"publish": "已发布", "new_version": "已生成新版本草稿", "retire": "已停用"}[action])
    return redirect("checklist_detail", pk=result.pk)


@perm_required("hazards.act")
@require_POST
def checklist_from_criteria(request):
    criteria_set = get_object_or_404(CriteriaSet, pk=parse_id(request.POST.get("criteria_set")) or 0)
    try:
        template = checklists.build_from_criteria(request.user, criteria_set)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("checklist_list")
    note = "" if criteria_set.complete else "（该判定标准收录不全，清单同样不全，请勿当作完整清单使用）"
    messages.success(request, f"已依据{criteria_set.name}生成清单草稿{note}")
    return redirect("checklist_detail", pk=template.pk)


# ----- self-inspection -----

@perm_required("registry.view")
def overview(request):
    """Government: the enterprises of the user's scope and who is behind. An enterprise user
    goes straight to its own schedules."""
    if is_enterprise_user(request.user):
        enterprise = Enterprise.objects.visible_to(request.user).first()
        if enterprise is None:
            raise Http404
        return redirect("self_inspection_enterprise", enterprise_id=enterprise.pk)
    today = timezone.localdate()
    flt = SelfInspectionFilter.from_params(request.GET, request=request)
    behind = self_inspection.behind_q(today)
    enterprises = flt.apply(self_inspection.overview(request.user, behind))
    can_export = request.user.has_perm_code("registry.export")
    if request.GET.get("format") == "xlsx" and can_export:
        book = exports.Book()
        count = write_self_inspection(book, enterprises, today, flt.describe())
        return exports.response(request, book, exports.stamp("日周月排查"), summary=f"导出日周月排查情况 {count} 家",
                                filters=flt.values)
    page = paginate(request, enterprises)
    by_enterprise = self_inspection.states_by_enterprise(page.object_list, today)
    rows = [(e, by_enterprise.get(e.pk, [])) for e in page.object_list]
    return render(request, "hazards/self_inspection_overview.html", {
        "page": page, "rows": rows, "summary": self_inspection.summary(request.user, behind),
        "regions": town_choices(request.user), "region_id": flt["region"], "behind_only": flt["behind"], "q": flt["q"],
        "qs_page": query_without(request, "page"), "lookback": self_inspection.LOOKBACK_DAYS,
        "can_export": can_export, "qs_export": query_without(request, "page", "format")})


def _enterprise(user, pk) -> Enterprise:
    return get_object_or_404(Enterprise.objects.visible_to(user).select_related("region", "industry"), pk=pk)


@perm_required("registry.view")
def enterprise_page(request, enterprise_id):
    enterprise = _enterprise(request.user, enterprise_id)
    schedules = enterprise.self_inspection_schedules.select_related("checklist").order_by("-active", "id")
    return render(request, "hazards/self_inspection_enterprise.html", {
        "enterprise": enterprise, "states": self_inspection.states(schedules),
        "rounds": self_inspection.recent_rounds(enterprise),
        "is_owner": is_enterprise_user(request.user), "can_record": request.user.has_perm_code("hazards.self_inspect"),
        "can_manage": request.user.has_perm_code("hazards.act"), "lookback": self_inspection.LOOKBACK_DAYS,
        "high_risk": self_inspection.high_risk(enterprise)})


@perm_required("hazards.act")
@require_POST
def generate(request, enterprise_id):
    enterprise = _enterprise(request.user, enterprise_id)
    try:
        created, missing = self_inspection.generate(request.user, enterprise)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        if created:
            messages.success(request, "已生成排查计划：" + "、".join(s.name for s in created))
        if missing:
            messages.warning(request, "以下排查没有适用的已发布检查清单，未能生成：" + "、".join(missing)
                             + "。请在“检查清单”中创建并发布。")
        if not created and not missing:
            messages.info(request, "标准的日周月排查计划都已存在")
    return redirect("self_inspection_enterprise", enterprise_id=enterprise.pk)


def _schedule(user, pk) -> SelfInspectionSchedule:
    return get_object_or_404(SelfInspectionSchedule.objects.visible_to(user).select_related(
        "enterprise__region", "enterprise__industry", "checklist"), pk=pk)


@perm_required("hazards.act")
def schedule_edit(request, pk):
    schedule = _schedule(request.user, pk)
    choices = [t for use in ChecklistTemplate.Use.values if use != ChecklistTemplate.Use.INSPECTION
               for t in checklists.applicable(schedule.enterprise, use)]
    # the form edits a copy: the service reloads and locks the row itself
    form = ScheduleForm(request.POST or None, instance=SelfInspectionSchedule.objects.get(pk=schedule.pk),
                        choices=choices)
    done = submit(request, form, lambda d: self_inspection.update_schedule(request.user, schedule.pk, d),
                  lambda s: f"已保存：{s.name}", lambda s: reverse("self_inspection_enterprise", args=[s.enterprise_id]))
    return done or render(request, "hazards/schedule_form.html", {"form": form, "schedule": schedule})


@perm_required("hazards.self_inspect")  # recorded by the enterprise itself
def round_create(request, schedule_id):
    """Record a round. The day is chosen among the days it may be recorded for (today, or a
    missed working day of the last week), so the page offers no day the service refuses; a
    refused save keeps the answers and the photos (ChecklistResults.held_photos)."""
    schedule = _schedule(request.user, schedule_id)
    today = timezone.localdate()
    days = self_inspection.recordable_days(schedule, today)
    items = list(schedule.checklist.items.select_related("criterion"))
    asked = _parse_day(request.GET.get("day"))
    form = RoundForm(request.POST or None, request.FILES or None, items=items, days=days, today=today,
                     initial={"inspectors": request.user.display_name, "day": asked if asked in days else
                              (days[0] if days else None)})
    form.held_photos(request.user)  # a refused save keeps the photos taken (and shows them)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = self_inspection.record_round(request.user, schedule.pk, inspectors=data["inspectors"],
                                                  results=form.findings(self_inspection.Finding),
                                                  note=data["note"], day=data["day"] or today)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            form.release_photos(request.user)
            found = f"，发现隐患 {round_.findings} 项，已登记到隐患台账" if round_.findings else "，未发现隐患"
            messages.success(request, f"已记录{schedule.name}（{periods.label(schedule.frequency, round_.period_start)}）{found}")
            return redirect("self_inspection_round", pk=round_.pk)
    chosen = _parse_day(str(form["day"].value() or ""))
    shown = chosen if chosen in days else (days[0] if days else today)
    return render(request, "hazards/round_form.html", {
        "form": form, "schedule": schedule, "days": days, "today": today,
        "workdays": periods.workdays_label(schedule.workdays), "backfill_days": self_inspection.BACKFILL_DAYS,
        "period": periods.label(schedule.frequency, periods.start(schedule.frequency, shown))})


def _parse_day(value):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
def round_detail(request, pk):
    round_ = get_object_or_404(SelfInspectionRound.objects.visible_to(request.user).select_related(
        "schedule", "enterprise", "checklist", "recorded_by"), pk=pk)
    results = list(round_.results.select_related("item__criterion", "hazard"))
    return render(request, "hazards/round_detail.html", {
        "round": round_, "results": results, "period": periods.label(round_.schedule.frequency, round_.period_start),
        "fails": sum(1 for r in results if r.result == RoundResult.Result.FAIL),
        "late": timezone.localdate(round_.recorded_at) > round_.done_on})
