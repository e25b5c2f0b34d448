"""Pages of emergency plans: the register, a plan with its structured content and lifecycle, the
action card, coverage and revision rate, the settings (依据与设置), follow-ups. Drills: drill_views.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import attachments, exports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import act, apply_errors, error_text
from anying.core.listing import paginate, parse_id, query_without
from anying.core.models import Attachment
from anying.core.permissions import is_enterprise_user
from anying.core.views import perm_required

from . import drills as drill_rules
from . import reference, rules, services
from .filters import FollowUpFilter, PlanFilter
from .forms import (
    ActionForm,
    DoneForm,
    EvaluationForm,
    LevelForm,
    PlanForm,
    RequirementForm,
    ResourceForm,
    RoleForm,
    StepForm,
)
from .models import (
    CoverageRule,
    Drill,
    DrillQuota,
    EmergencyPlan,
    FollowUp,
    PlanAction,
    PlanEvaluation,
    PlanResource,
    PlanRole,
    Requirement,
    ResponseLevel,
)

P = EmergencyPlan


def _plans(user):
    return EmergencyPlan.objects.visible_to(user)


def _plan(user, pk) -> EmergencyPlan:
    return get_object_or_404(_plans(user).select_related("owner__region", "hazard_type", "parent", "enterprise",
                                                         "submitted_by", "reviewed_by", "filed_by"), pk=pk)


# --- the register --------------------------------------------------------------------------------

@perm_required("plans.view")
def plan_list(request):
    user = request.user
    flt = PlanFilter.from_params(request.GET, request=request)
    qs, sort = flt.sort(flt.apply(_plans(user)).select_related("owner", "hazard_type"))
    today = timezone.localdate()
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("应急预案", ["预案名称", "层级", "灾种", "编制单位", "文号", "版本", "状态", "印发日期", "备案编号",
                                     "备案日期", "备案期限", "修订期限", "评估期限", "提醒"],
                           title="应急预案台账", filters=flt.describe())
        count = sheet.extend([p.name, p.get_level_display(), p.hazard_type.name, p.owner.name, p.document_number,
                              p.edition, p.get_status_display(), p.issued_on, p.filing_number, p.filed_on, p.filing_due,
                              p.revision_due, p.evaluation_due, "；".join(_flags(p, today))] for p in qs)
        return exports.response(request, book, exports.stamp("应急预案台账"), summary=f"导出应急预案 {count} 份",
                                filters=flt.audit_values())
    page = paginate(request, qs)
    return render(request, "plans/list.html", {
        "flt": flt, "sort": sort, "page": page, "qs_page": query_without(request, "page"),
        "export_query": query_without(request, "page"), "levels": P.Level.choices, "statuses": P.Status.choices,
        "rows": [(p, _flags(p, today)) for p in page], "can_add": user.has_perm_code("plans.edit") and user.unit_id})


def _flags(plan: EmergencyPlan, today) -> list[str]:
    out = []
    if plan.filing_overdue(today):
        out.append("超期未备案" if plan.status == P.Status.ISSUED else "逾期备案")
    if plan.in_force(today) and plan.revision_overdue(today):
        out.append("超过修订期限")
    if plan.in_force(today) and plan.evaluation_overdue(today):
        out.append("超过评估期限")
    if plan.effective_to and plan.effective_to < today:
        out.append("已废止")
    return out


def _plan_form(request, plan: EmergencyPlan):
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        if plan.pk:
            edited.version = workflow.posted_version(request) or plan.version
        try:
            saved = services.save_plan(request.user, edited)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存《{saved}》。请补充响应分级、组织机构和响应措施后“报审”。")
            return redirect("plans:detail", pk=saved.pk)
    return render(request, "plans/form.html", {"form": form, "plan": plan})


@perm_required("plans.edit")
def plan_new(request):
    if request.user.unit_id is None:
        raise Forbidden("您的账号不属于任何单位，不能登记预案")
    parent = parse_id(request.GET.get("parent"))
    plan = EmergencyPlan(owner_id=request.user.unit_id)
    if parent and _plans(request.user).filter(pk=parent).exists():
        plan.parent_id = parent
    return _plan_form(request, plan)


@perm_required("plans.edit")
def plan_edit(request, pk):
    plan = _plan(request.user, pk)
    if not services.drafts(request.user, plan):
        raise Forbidden("只有编制单位可以修改预案")
    if not plan.editable:
        messages.error(request, f"预案{plan.get_status_display()}，不能修改；退回或启动修订后才可修改")
        return redirect("plans:detail", pk=pk)
    return _plan_form(request, plan)


@perm_required("plans.view")
def plan_detail(request, pk):
    user = request.user
    plan = _plan(user, pk)
    today = timezone.localdate()
    levels = list(ResponseLevel.objects.filter(plan=plan))
    roles = list(PlanRole.objects.filter(plan=plan))
    actions = list(PlanAction.objects.filter(plan=plan).select_related("level", "role"))
    writes = plan.editable and services.drafts(user, plan)
    children = _plans(user).filter(parent=plan).select_related("owner").order_by("level", "name")
    evaluations = PlanEvaluation.objects.filter(plan=plan).select_related("created_by")
    return render(request, "plans/detail.html", {
        "plan": plan, "levels": levels, "roles": roles, "actions": actions,
        "resources": PlanResource.objects.filter(plan=plan), "children": children, "evaluations": evaluations,
        "follow_ups": FollowUp.objects.visible_to(user).filter(plan=plan).select_related("unit"),
        "drills": Drill.objects.visible_to(user).filter(plan=plan).select_related("owner"),
        "steps": services.PLANS.available(user, plan), "step_form": StepForm(), "writes": writes,
        "can_evaluate": (services.drafts(user, plan) or services.reviews(user, plan)) and plan.issued_on is not None,
        "level_form": LevelForm(prefix="level"), "role_form": RoleForm(prefix="role"),
        "action_form": ActionForm(plan=plan, prefix="action"), "resource_form": ResourceForm(prefix="resource"), "evaluation_form": EvaluationForm(),
        "files": Attachment.objects.filter(content_type__model="emergencyplan", content_type__app_label="plans",
                                           object_id=str(plan.pk)).order_by("-uploaded_at"),
        "flags": _flags(plan, today), "events": workflow.timeline(plan), "today": today,
        "evaluation_rule": rules.evaluation_requirement(plan), "filing_rule": reference.requirement("GB2024_A26_FILING"),
        "revision_years": rules.revision_years(plan)})


@perm_required("plans.view")
@require_POST
def plan_act(request, pk):
    _plan(request.user, pk)
    name = request.POST.get("step", "")
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("plans:detail", pk=pk)
    d = form.cleaned_data
    try:
        plan = services.act(request.user, pk, name, comment=d["comment"], version=workflow.posted_version(request),
                            data={k: d[k] for k in ("issued_on", "document_number", "filing_number", "filed_on") if d[k]})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"《{plan}》：{services.PLANS.label_of(name)}完成，当前状态：{plan.get_status_display()}")
    return redirect("plans:detail", pk=pk)


PART_FORMS = {"level": (LevelForm, services.save_level), "role": (RoleForm, services.save_role),
              "action": (ActionForm, services.save_action), "resource": (ResourceForm, services.save_resource)}


@perm_required("plans.edit")
@require_POST
def part_add(request, pk, kind):
    plan = _plan(request.user, pk)
    if kind not in PART_FORMS:
        raise Http404
    if not services.drafts(request.user, plan):
        raise Forbidden("只有编制单位可以修改预案内容")
    form_class, save = PART_FORMS[kind]
    form = form_class(request.POST, plan=plan, prefix=kind) if kind == "action" else form_class(request.POST, prefix=kind)
    act(request, form, lambda d: save(request.user, plan.pk, form.save(commit=False)), "已保存")
    return redirect(f"{reverse('plans:detail', args=[plan.pk])}#{kind}s")


@perm_required("plans.edit")
@require_POST
def part_remove(request, pk, kind, part_id):
    plan = _plan(request.user, pk)
    if kind not in services.PARTS:
        raise Http404
    if not services.drafts(request.user, plan):
        raise Forbidden("只有编制单位可以修改预案内容")
    try:
        services.remove_part(request.user, plan.pk, kind, part_id)
        messages.success(request, "已删除")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect(f"{reverse('plans:detail', args=[plan.pk])}#{kind}s")


@perm_required("plans.view")
@require_POST
def plan_evaluate(request, pk):
    plan = _plan(request.user, pk)
    if not (services.drafts(request.user, plan) or services.reviews(request.user, plan)):
        raise Forbidden("只有编制单位或其审核单位可以登记预案评估")
    form = EvaluationForm(request.POST)
    act(request, form, lambda d: services.evaluate(request.user, plan.pk, form.save(commit=False),
                                                   revise_due=d.get("revise_due")),
        lambda e: "已登记评估" + ("，并布置了修订任务" if e.conclusion == PlanEvaluation.Conclusion.REVISE else ""))
    return redirect(f"{reverse('plans:detail', args=[plan.pk])}#evaluations")


@perm_required("plans.edit")
@require_POST
def plan_upload(request, pk):
    plan = _plan(request.user, pk)
    if not services.drafts(request.user, plan):
        raise Forbidden("只有编制单位可以上传预案文本")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择文件")
    else:
        try:
            attachments.attach(request.user, plan, upload)
            messages.success(request, f"已上传 {upload.name}")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    return redirect(f"{reverse('plans:detail', args=[plan.pk])}#files")


@perm_required("plans.view")
def plan_file(request, pk, attachment_id):
    return attachments.serve(_plans(request.user).filter(pk=pk), attachment_id)


@perm_required("plans.view")
def action_card(request, pk, number):
    """The one-page action card of a plan at a response level (A4.7), for printing."""
    plan = _plan(request.user, pk)
    level = ResponseLevel.objects.filter(plan=plan, number=number).first()
    if level is None:
        raise Http404
    groups: dict = {}
    for a in services.actions_for(plan, number):
        groups.setdefault(a.role, []).append(a)
    return render(request, "plans/card.html", {"plan": plan, "level": level, "groups": list(groups.items()),
                                               "resources": PlanResource.objects.filter(plan=plan),
                                               "levels": ResponseLevel.objects.filter(plan=plan)})


# --- coverage and the revision rate ----------------------------------------------------------

@perm_required("plans.view")
def coverage(request):
    user = request.user
    plans = _plans(user)
    today = timezone.localdate()
    towns = drill_rules.visible_towns(user)
    rule_list, rows = rules.coverage(plans, towns, today)
    rate = rules.revision_rate(plans, today)
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("预案覆盖", ["镇街", *[r.label for r in rule_list], "缺少"], title="镇街预案覆盖检查")
        sheet.extend([[row.town.name, *[_cell(row.found[r.code]) for r in rule_list],
                       "、".join(r.label for r in rule_list if row.found[r.code] is None)] for row in rows])
        late = book.sheet("超过修订期限", ["预案名称", "编制单位", "印发日期", "修订期限"],
                          title=f"修编率 {rate.revised}/{rate.total}（目标 {rate.target}%）")
        late.extend([[p.name, p.owner.name, p.issued_on, p.revision_due] for p in rate.overdue])
        return exports.response(request, book, exports.stamp("镇街预案覆盖检查"), summary="导出镇街预案覆盖检查")
    return render(request, "plans/coverage.html", {
        "rules": rule_list, "table": [(row, [row.found[r.code] for r in rule_list]) for row in rows], "rate": rate,
        "today": today,
        "gaps": sum(len(r.missing) for r in rows), "target_rule": reference.requirement("SEED000_REVISION_RATE"),
        "cycle_rule": reference.requirement("DEFAULT_REVISION_CYCLE"), "enterprise": is_enterprise_user(user)})


def _cell(plan) -> str:
    if plan is None:
        return "缺"
    return f"{plan.name}（{plan.get_status_display()}）"


@perm_required("plans.view")
def requirements(request):
    """依据与设置: every figure with its source; the district changes the configurable ones."""
    user = request.user
    can = user.has_perm_code("plans.configure")
    if request.method == "POST":
        if not can:
            raise Forbidden("您无权修改预案与演练的设置")
        form = RequirementForm(request.POST)
        code = request.POST.get("code", "")[:40]
        if not Requirement.objects.filter(code=code).exists():
            raise Http404
        act(request, form, lambda d: services.set_requirement(user, code, d["value"]),
            lambda r: f"已修改：{r.label} {r.value}{r.get_unit_display()}")
        return redirect("plans:rules")
    return render(request, "plans/rules.html", {
        "requirements": Requirement.objects.all(), "coverage": CoverageRule.objects.select_related("hazard_type"),
        "quotas": DrillQuota.objects.select_related("hazard_type"), "can": can,
        "high_risk": reference.rows("high_risk_industries.csv")})


# --- follow-ups ------------------------------------------------------------------------------------

@perm_required("plans.view")
def follow_ups(request):
    user = request.user
    flt = FollowUpFilter.from_params(request.GET, request=request)
    qs, sort = flt.sort(flt.apply(FollowUp.objects.visible_to(user)).select_related("unit", "plan", "done_by"))
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("整改与修订任务", ["类型", "任务", "责任单位", "来源", "预案", "完成期限", "完成时间", "完成情况"],
                           title="整改与修订任务", filters=flt.describe())
        count = sheet.extend([f.get_kind_display(), f.text, f.unit.name, f.source_label, f.plan.name if f.plan else "",
                              f.due_on, f.done_at, f.note] for f in qs)
        return exports.response(request, book, exports.stamp("整改与修订任务"), summary=f"导出整改与修订任务 {count} 条",
                                filters=flt.audit_values())
    page = paginate(request, qs)
    return render(request, "plans/follow_ups.html", {
        "flt": flt, "sort": sort, "page": page, "qs_page": query_without(request, "page"),
        "export_query": query_without(request, "page"), "today": timezone.localdate(), "done_form": DoneForm(),
        "kinds": FollowUp.Kind.choices, "states": [("open", "未办结"), ("overdue", "逾期未办结"), ("done", "已办结"), ("all", "全部")],
        "can_complete": {f.pk for f in page if services.completes(user, f)}})


@perm_required("plans.view")
@require_POST
def follow_up_done(request, pk):
    follow = get_object_or_404(FollowUp.objects.visible_to(request.user), pk=pk)
    if not services.completes(request.user, follow):
        raise Forbidden("只有责任单位可以办结任务")
    act(request, DoneForm(request.POST), lambda d: services.complete_follow_up(request.user, follow.pk, d["note"]),
        "已办结")
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/plans/")
                    else reverse("plans:follow_ups"))
