from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import clock, exports, textinput, workflow
from anying.core.attachments import attach, attachments_of, serve
from anying.core.errors import PermissionDenied
from anying.core.http import act, apply_errors, error_text
from anying.core.listing import paginate, prefer_index, query_without
from anying.core.officialdoc import download
from anying.core.views import perm_required
from anying.registry.models import Enterprise
from anying.registry.queries import filter_choices

from . import deadlines, escalation, next_step, services, supervision
from .excel import write_hazards, write_issue_list
from .forms import (
    AnswerForm,
    ExtensionForm,
    HazardForm,
    PlanForm,
    ProgressForm,
    SupervisionForm,
    TransitionForm,
)
from .models import ExtensionRequest, Hazard, channel_choices
from .queries import (
    SORT_INDEXES,
    HazardFilter,
    count_cap,
    issue_matrix,
    list_queryset,
    open_major,
    zeroing,
)
from .workflow import ENTERPRISE, LIFECYCLE, REVIEWER, TRANSITIONS, available


def _visible(user, pk):
    return get_object_or_404(Hazard.objects.visible_to(user).select_related(
        "enterprise", "region", "industry", "criterion__criteria_set", "accident_type", "plan", "supervision__unit__region", "campaign",
        "self_inspection_result__round__schedule"), pk=pk)


@perm_required("registry.view")
def hazard_list(request):
    flt = HazardFilter.from_params(request.GET, request=request)
    qs, current_sort = flt.sort(list_queryset(request.user, flt))
    index = SORT_INDEXES.get(current_sort.lstrip("-"))
    page = paginate(request, qs, capped=count_cap(flt),
                    when_plentiful=(lambda q: prefer_index(q, index)) if index else None)
    return render(request, "hazards/hazard_list.html", {
        "page": page, "flt": flt, "choices": filter_choices(request.user), "sort": current_sort,
        "statuses": Hazard.Status.choices, "levels": Hazard.Level.choices, "channels": channel_choices(request.user),
        "qs_sort": query_without(request, "sort", "page"), "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "sort", "per_page"),
        "can_export": request.user.has_perm_code("registry.export"), "today": timezone.localdate()})


@login_required
def todo_list(request):
    """The hazards' 待办 moved to the 待办 of every module (/todo/); old links and bookmarks land
    on its hazards part."""
    params = request.GET.copy()
    params.setdefault("module", "hazards")
    return redirect(f"{reverse('todo')}?{params.urlencode()}")


@perm_required("hazards.act")
def hazard_create(request, enterprise_id):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user).select_related("industry"),
                                   pk=enterprise_id)
    form = HazardForm(request.POST or None, request.FILES or None, enterprise=enterprise, user=request.user,
                      initial={"found_on": timezone.localdate(), "found_by": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
        try:
            with transaction.atomic():
                hazard = services.register(request.user, {**data, "enterprise": enterprise})
                for photo in form.cleaned_data["photos"]:
                    attach(request.user, hazard, photo)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记隐患：{hazard.place}")
            return redirect("hazard_detail", pk=hazard.pk)
    return render(request, "hazards/hazard_form.html", {"form": form, "enterprise": enterprise})


OWN_FORMS = ("supervise", "progress")  # transitions the page offers in the 督办 card, with their own fields


@login_required
def hazard_detail(request, pk):
    hazard = _visible(request.user, pk)
    events = list(workflow.timeline(hazard))
    files = list(attachments_of(hazard))
    extensions = list(hazard.extensions.select_related("requested_by", "answered_by"))
    actions = available(request.user, hazard)  # fetched through visible_to above
    allowed = {t.name for t in actions}
    parties = LIFECYCLE.party_set(request.user, hazard)
    is_owner = ENTERPRISE in parties
    steps = [t for t in actions if t.name not in OWN_FORMS]
    return render(request, "hazards/hazard_detail.html", {
        "hazard": hazard, "events": events, "files": files, "extensions": extensions,
        "escalations": clock.steps_of(hazard),
        "plan": getattr(hazard, "plan", None), "actions": steps,
        # the deadline it has (given, or its level's default) stands unless changed; one already passed is not offered
        "transition_form": TransitionForm(initial={"deadline": hazard.deadline}
                                          if hazard.deadline and hazard.deadline >= timezone.localdate() else None),
        "waiting_for": next_step.waiting_for(hazard) if not steps else "",
        "plan_form": PlanForm(), "extension_form": ExtensionForm() if is_owner and hazard.status == "rectifying" else None,
        "answer_form": AnswerForm(), "supervision_form": SupervisionForm(user=request.user), "progress_form": ProgressForm(),
        "supervision": getattr(hazard, "supervision", None), "report_overdue": supervision.report_overdue(hazard),
        "reports": list(hazard.progress_reports.select_related("reported_by")[:20]),
        "can_report": "progress" in allowed, "can_supervise": "supervise" in allowed,
        "can_answer": REVIEWER in parties,
        "today": timezone.localdate()})


@login_required
@require_POST
def hazard_transition(request, pk, name):
    hazard = _visible(request.user, pk)
    form = TransitionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("hazard_detail", pk=pk)
    data = form.cleaned_data
    plan_data = {k: request.POST.get(k, "") for k in PlanForm.Meta.fields}  # checked by the service
    try:
        plan_data = textinput.clean_tree(plan_data, multiline=True)
        changes = {k: data[k] for k in ("responsible_person", "measures", "funds", "deadline") if data[k] not in (None, "")}
        done = services.transition(request.user, hazard.pk, name, comment=data["comment"], files=data["evidence"],
                                   changes=changes, plan=plan_data, version=data["version"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已{TRANSITIONS[name].label}：当前状态为“{done.get_status_display()}”")
    return redirect("hazard_detail", pk=pk)


@login_required
@require_POST
def extension_request(request, pk):
    hazard = _visible(request.user, pk)
    act(request, ExtensionForm(request.POST),
        lambda data: deadlines.request_extension(request.user, hazard.pk, data["new_deadline"], data["reason"]),
        "已提交延期申请")
    return redirect("hazard_detail", pk=pk)


@login_required
@require_POST
def extension_answer(request, pk, extension_id):
    hazard = _visible(request.user, pk)
    extension = get_object_or_404(ExtensionRequest, pk=extension_id, hazard=hazard)
    act(request, AnswerForm(request.POST),
        lambda data: deadlines.answer_extension(request.user, extension.pk, data["approve"], data["answer"]),
        "已答复延期申请")
    return redirect("hazard_detail", pk=pk)


@login_required
def hazard_file(request, pk, attachment_id):
    return serve(Hazard.objects.visible_to(request.user).filter(pk=pk), attachment_id, inline=True)


@perm_required("registry.export")
def hazard_export(request):
    flt = HazardFilter.from_params(request.GET, request=request)
    book = exports.Book()
    count = write_hazards(list_queryset(request.user, flt).order_by("region__path", "-found_on"), book,
                          filters=flt.describe(), user=request.user)
    return exports.response(request, book, exports.stamp("隐患台账"), summary=f"导出隐患 {count} 条",
                            filters=flt.values)


@perm_required("registry.view")
def issue_list(request):
    matrix = issue_matrix(request.user)
    if request.GET.get("format") == "xlsx":
        if not request.user.has_perm_code("registry.export"):
            raise Http404
        book = exports.Book()
        count = write_issue_list(matrix, open_major(request.user).order_by("region__path", "deadline"), book,
                                 request.user)
        return exports.response(request, book, exports.stamp("问题清单"), summary=f"导出问题清单 {count} 条")
    return render(request, "hazards/issue_list.html", {
        "matrix": matrix, "zeroing": zeroing(request.user), "can_export": request.user.has_perm_code("registry.export")})


@login_required
@require_POST
def supervise(request, pk):
    hazard = _visible(request.user, pk)
    act(request, SupervisionForm(request.POST),
        lambda data: supervision.supervise(request.user, hazard.pk, **data, version=workflow.posted_version(request)),
        lambda s: f"已督办：{s.document_no}")
    return redirect("hazard_detail", pk=pk)


@login_required
@require_POST
def progress(request, pk):
    hazard = _visible(request.user, pk)
    act(request, ProgressForm(request.POST),
        lambda data: supervision.report_progress(request.user, hazard.pk, data["content"],
                                                 version=workflow.posted_version(request)), "已报告治理进展")
    return redirect("hazard_detail", pk=pk)


@login_required
def overdue_letter(request, pk, step_id):
    """The 函告 or 通报 of the overdue ladder's numbered rungs, rendered from the step taken."""
    hazard = _visible(request.user, pk)
    step = next((s for s in clock.steps_of(hazard) if s.pk == step_id and s.document_no), None)
    if step is None:
        raise Http404
    name = "通报" if step.document_kind == escalation.CIRCULAR else "函告"
    return download(escalation.letter(hazard, step), f"{name}_{step.document_no}.docx")


@login_required
def supervision_letter(request, pk):
    hazard = _visible(request.user, pk)
    record = getattr(hazard, "supervision", None)
    if record is None:
        raise Http404
    return download(supervision.letter(record), f"督办通知书_{record.document_no}.docx")
