"""Pages of the inspector directory and the annual inspection plan. Thin: scoped reads, writes
through inspectors.py and plans.py."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import exports, workflow
from anying.core import pickers as core_pickers
from anying.core.errors import PermissionDenied
from anying.core.http import act, apply_errors, error_text, submit
from anying.core.links import absolute_url, local_address
from anying.core.listing import paginate, parse_id, query_without
from anying.core.models import Organisation, User
from anying.core.officialdoc import download
from anying.core.views import perm_required
from anying.hazards import checklists
from anying.hazards.models import ChecklistTemplate
from anying.registry.models import Enterprise
from anying.registry.queries import town_choices

from . import casework, documents, draws, excel, inspectors, intensity, penalties, pickers, plans, records
from .filters import InspectionFilter, InspectorFilter, PenaltyFilter, PlanItemFilter
from .forms import (
    AddItemForm,
    DrawForm,
    ExclusionForm,
    ExtensionForm,
    GenerateForm,
    InquiryForm,
    InspectionForm,
    InspectorForm,
    MonthForm,
    PaymentForm,
    PenaltyForm,
    ReviewForm,
    SiteMeasuresForm,
    TransferForm,
)
from .models import (
    Draw,
    DrawTarget,
    EnforcementDocument,
    Inspection,
    InspectionPlan,
    Inspector,
    Penalty,
    PlanItem,
)

# ----- inspectors -----


@perm_required("registry.view")
def inspector_list(request):
    flt = InspectorFilter.from_params(request.GET, request=request)
    qs = flt.apply(Inspector.objects.visible_to(request.user).select_related("unit").annotate(
        excluded=Count("exclusions")).order_by("unit__region__path", "unit__name", "name"))  # GROUP BY drops Meta.ordering
    today = timezone.localdate()
    return render(request, "inspections/inspector_list.html", {
        "page": paginate(request, qs), "q": flt["q"], "valid": flt["valid"], "today": today,
        "soon": today + timezone.timedelta(days=90), "qs_page": query_without(request, "page"),
        "can_manage": request.user.has_perm_code("inspections.manage")})


def _inspector(user, pk) -> Inspector:
    return get_object_or_404(Inspector.objects.visible_to(user).select_related("unit", "user"), pk=pk)


def _form(request, instance=None):
    units = inspectors.managed_units(request.user)
    users = User.objects.filter(unit__in=units, is_active=True)
    return InspectorForm(request.POST or None, instance=instance, units=units, users=users)


@perm_required("inspections.manage")
def inspector_create(request):
    form = _form(request)
    done = submit(request, form, lambda d: inspectors.create(request.user, d), lambda i: f"已登记执法人员：{i.name}",
                  lambda i: reverse("inspector_detail", args=[i.pk]))
    return done or render(request, "inspections/inspector_form.html", {"form": form})


@perm_required("inspections.manage")
def inspector_edit(request, pk):
    inspector = _inspector(request.user, pk)
    form = _form(request, Inspector.objects.get(pk=inspector.pk))  # a copy: the service re-reads under lock
    done = submit(request, form, lambda d: inspectors.update(request.user, inspector.pk, d),
                  lambda i: f"已保存：{i.name}", lambda i: reverse("inspector_detail", args=[i.pk]))
    return done or render(request, "inspections/inspector_form.html", {"form": form, "inspector": inspector})


@perm_required("registry.view")
def inspector_detail(request, pk):
    inspector = _inspector(request.user, pk)
    return render(request, "inspections/inspector_detail.html", {
        "inspector": inspector, "today": timezone.localdate(),
        "exclusions": list(inspectors.exclusions(request.user, inspector).select_related("enterprise", "created_by")),
        "exclusion_form": ExclusionForm(), "can_manage": request.user.has_perm_code("inspections.manage")})


@perm_required("inspections.manage")
@require_POST
def exclusion_add(request, pk):
    inspector = _inspector(request.user, pk)
    form = ExclusionForm(request.POST)

    def add(data):
        enterprise = Enterprise.objects.visible_to(request.user).filter(
            credit_code=data["credit_code"].strip().upper()).first()
        if enterprise is None:
            raise ValidationError({"credit_code": "您的监管范围内没有这个统一社会信用代码的企业"})
        return inspectors.exclude(request.user, inspector.pk, enterprise, data["reason"])

    act(request, form, add, lambda e: f"已登记回避：{e.enterprise.name}")
    return redirect("inspector_detail", pk=pk)


@perm_required("inspections.manage")
@require_POST
def exclusion_lift(request, pk, exclusion_id):
    inspector = _inspector(request.user, pk)
    get_object_or_404(inspectors.exclusions(request.user, inspector), pk=exclusion_id)
    try:
        inspectors.lift(request.user, exclusion_id)
    except PermissionDenied as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "已解除回避")
    return redirect("inspector_detail", pk=pk)


# ----- annual plans -----


@perm_required("registry.view")
def plan_list(request):
    qs = plans.with_item_counts(request.user, plans.visible_plans(request.user)).order_by("-year", "unit__name")
    return render(request, "inspections/plan_list.html", {
        "plans": qs, "form": GenerateForm(initial={"year": timezone.localdate().year}),
        "can_plan": request.user.has_perm_code("inspections.plan")})


@perm_required("inspections.plan")
@require_POST
def plan_generate(request):
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的年度")
        return redirect("plan_list")
    try:
        plan = plans.generate(request.user, request.user.unit, form.cleaned_data["year"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("plan_list")
    messages.success(request, f"已按检查频次生成 {plan.year} 年度执法计划：{plan.items.count()} 家企业")
    return redirect("plan_detail", pk=plan.pk)


def _plan(user, pk) -> InspectionPlan:
    return get_object_or_404(plans.visible_plans(user), pk=pk)


@perm_required("registry.view")
def plan_detail(request, pk):
    plan = _plan(request.user, pk)
    visible_items = plans.visible_items(request.user, plan)
    rows = plans.progress(plan, visible_items)
    items = visible_items.select_related("enterprise", "region", "rule").order_by("month", "region__path",
                                                                                  "enterprise__name")
    flt = PlanItemFilter.from_params(request.GET, request=request)
    items = flt.apply(items)
    month, region = flt["month"], flt["region"]
    editable = plan.status == InspectionPlan.Status.DRAFT and request.user.has_perm_code("inspections.plan") \
        and request.user.unit_id == plan.unit_id
    return render(request, "inspections/plan_detail.html", {
        "plan": plan, "page": paginate(request, items, per_page=50), "rows": rows, "month": month, "region": region,
        "regions": town_choices(request.user), "months": range(1, 13), "editable": editable,
        "planned": sum(r["planned"] for r in rows), "done": sum(r["done"] for r in rows),
        "can_approve": plan.status == InspectionPlan.Status.DRAFT and request.user.has_perm_code("inspections.approve"),
        "add_form": AddItemForm(), "qs_page": query_without(request, "page")})


def _plan_action(request, pk, action, success):
    _plan(request.user, pk)
    try:
        result = action()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    except (PlanItem.DoesNotExist, InspectionPlan.DoesNotExist):
        raise Http404 from None
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(request.POST.get("next") or reverse("plan_detail", args=[pk]))


@perm_required("inspections.plan")
@require_POST
def plan_move(request, pk, enterprise_id):
    _plan(request.user, pk)  # a plan out of scope is a 404 whatever the form holds
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择 1–12 月")
        return redirect("plan_detail", pk=pk)
    month = form.cleaned_data["month"]
    return _plan_action(request, pk, lambda: plans.move(request.user, pk, enterprise_id, month),
                        lambda item: f"已调整到 {item.month} 月")


@perm_required("inspections.plan")
@require_POST
def plan_remove(request, pk, enterprise_id):
    return _plan_action(request, pk, lambda: plans.remove(request.user, pk, enterprise_id), "已移出计划")


@perm_required("inspections.plan")
@require_POST
def plan_add(request, pk):
    _plan(request.user, pk)
    form = AddItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写统一社会信用代码和月份")
        return redirect("plan_detail", pk=pk)
    enterprise = Enterprise.objects.visible_to(request.user).filter(
        credit_code=form.cleaned_data["credit_code"].strip().upper()).first()
    if enterprise is None:
        messages.error(request, "您的监管范围内没有这个统一社会信用代码的企业")
        return redirect("plan_detail", pk=pk)
    return _plan_action(request, pk, lambda: plans.add(request.user, pk, enterprise.pk, form.cleaned_data["month"]),
                        lambda item: f"已加入计划：{item.enterprise.name}")


@perm_required("inspections.approve")
@require_POST
def plan_approve(request, pk):
    return _plan_action(request, pk, lambda: plans.approve(request.user, pk), "计划已批准")


# ----- random draws (双随机一公开) -----


@perm_required("registry.view")
def draw_list(request):
    return render(request, "inspections/draw_list.html", {
        "page": paginate(request, draws.with_target_counts(request.user, draws.visible_to(request.user)).order_by("-drawn_at")),
        "qs_page": query_without(request, "page"), "can_draw": request.user.has_perm_code("inspections.plan")})


@perm_required("inspections.plan")
def draw_create(request):
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan_month = None
        if data["plan_month"]:
            plan = InspectionPlan.objects.filter(unit=request.user.unit, year=timezone.localdate().year,
                                                 status=InspectionPlan.Status.APPROVED).first()
            if plan is None:
                form.add_error("plan_month", "本单位今年还没有已批准的年度执法计划")
            plan_month = (plan, data["plan_month"])
        if form.is_valid():
            try:
                record = draws.draw(request.user, request.user.unit, title=data["title"], targets=data["targets"],
                                    ratios={c: data[c] for c in draws.CATEGORIES},
                                    inspectors_per_target=data["inspectors_per_target"], plan_month=plan_month)
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已抽取 {record.targets.count()} 家企业，结果已公开")
                return redirect("draw_detail", pk=record.pk)
    return render(request, "inspections/draw_form.html", {"form": form, "categories": draws.CATEGORIES})


def _draw_context(record, targets):
    targets = list(targets.select_related("enterprise__region").prefetch_related("inspectors"))
    return {"draw": record, "targets": targets, "categories": draws.CATEGORIES,
            "candidates": len(record.candidates["targets"]), "inspector_pool": len(record.candidates["inspectors"])}


@perm_required("registry.view")
def draw_detail(request, pk):
    record = get_object_or_404(draws.visible_to(request.user), pk=pk)
    context = _draw_context(record, draws.visible_targets(request.user, record))
    if request.GET.get("verify") == "1":
        context["verified"] = draws.verify(record)
    context["public_url"] = absolute_url(request, reverse("draw_public", args=[record.public_token]))
    context["local_address"] = local_address(context["public_url"])
    context["can_inspect"] = request.user.has_perm_code("inspections.inspect") and request.user.unit_id == record.unit_id
    return render(request, "inspections/draw_detail.html", context)


def draw_public(request, token):
    """The published result (一公开): no login; names of enterprises and inspectors, the
    parameters, the seed and the algorithm, so anyone can check the draw."""
    record = get_object_or_404(Draw.objects.select_related("unit"), public_token=token)
    return render(request, "inspections/draw_public.html", _draw_context(record, record.targets.all()))


# ----- inspections (现场检查) -----


@perm_required("registry.view")
def inspection_list(request):
    qs = records.with_open_findings(Inspection.objects.visible_to(request.user)
                                    .select_related("enterprise", "region", "unit").order_by("-inspected_on", "-id"))
    return _filtered(request, InspectionFilter, qs, Inspection.Status, "inspections/inspection_list.html",
                     ("执法检查记录", excel.write_inspections))


def _filtered(request, filter_class, qs, statuses, template: str, export):
    """A scoped list page under its filter, and its export (?format=xlsx): `export` is (name, writer)."""
    flt = filter_class.from_params(request.GET, request=request)
    qs = flt.apply(qs)
    can_export = request.user.has_perm_code("registry.export")
    if request.GET.get("format") == "xlsx" and can_export:
        name, write = export
        book = exports.Book()
        count = write(book, qs, flt.describe())
        return exports.response(request, book, exports.stamp(name), summary=f"导出{name} {count} 条",
                                filters=flt.values)
    return render(request, template, {"page": paginate(request, qs), "flt": flt, "status": flt["status"],
                                      "statuses": statuses.choices,
                                      "qs_page": query_without(request, "page"), "can_export": can_export,
                                      "qs_export": query_without(request, "page", "format")})


@perm_required("inspections.inspect")
def inspection_create(request, enterprise_id):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user).select_related("industry", "region"),
                                   pk=enterprise_id)
    # started from a drawn target (双随机): the inspection is linked to it
    draw_target = DrawTarget.objects.filter(pk=parse_id(request.GET.get("draw_target")), enterprise=enterprise,
                                            draw__unit_id=request.user.unit_id).first()
    options = checklists.applicable(enterprise, ChecklistTemplate.Use.INSPECTION)
    chosen = next((c for c in options if c.pk == parse_id(request.GET.get("checklist"))), options[0] if options else None)
    if chosen is None:
        messages.error(request, "没有适用于该企业行业的已发布执法检查清单，请先在“检查清单”中发布一份。")
        return redirect("enterprise_detail", pk=enterprise.pk)
    eligible = records.eligible_inspectors(request.user.unit, enterprise, timezone.localdate())
    mine = list(draw_target.inspectors.all()) if draw_target else \
        list(Inspector.objects.filter(user=request.user)[:1])
    now = timezone.localtime().replace(second=0, microsecond=0)
    items = records.applicable_items(chosen, enterprise)
    form = InspectionForm(request.POST or None, request.FILES or None, inspectors=eligible, items=items,
                          initial={"started_at": now, "ended_at": now, "inspectors": mine},
                          user=request.user, enterprise=enterprise)
    form.held_photos(request.user)  # a refused save keeps the photos taken (and shows them)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = records.record(
                request.user, enterprise, checklist=chosen, inspectors=list(data["inspectors"]),
                started_at=data["started_at"], ended_at=data["ended_at"],
                results=form.findings(records.Finding),
                signatures=form.signature_list(), enterprise_signatory=data["enterprise_signatory"],
                scope_text=data["scope_text"], summary=data["summary"], rectify_by=data["rectify_by"],
                draw_target=draw_target, campaign=data.get("campaign"))
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            form.release_photos(request.user)
            found = inspection.results.filter(hazard__isnull=False).count()
            messages.success(request, f"已记录现场检查，发现问题 {found} 项，已登记到隐患台账")
            return redirect("inspection_detail", pk=inspection.pk)
    return render(request, "inspections/inspection_form.html", {
        "form": form, "enterprise": enterprise, "checklist": chosen, "options": options, "draw_target": draw_target,
        "skipped": chosen.items.count() - len(items)})


@perm_required("registry.view")
def inspection_detail(request, pk):
    inspection = get_object_or_404(records.with_open_findings(Inspection.objects.visible_to(request.user))
                                   .select_related("enterprise", "unit", "checklist", "created_by"), pk=pk)
    can_act = request.user.has_perm_code("inspections.inspect") and request.user.unit_id == inspection.unit_id
    docs = list(inspection.documents.all())
    return render(request, "inspections/inspection_detail.html", {
        "inspection": inspection, "inspectors": list(inspection.inspectors.all()),
        "results": list(inspection.results.select_related("item__criterion", "hazard")),
        "documents": docs, "review_form": ReviewForm(), "events": list(workflow.timeline(inspection)),
        "measures_form": SiteMeasuresForm(), "inquiry_form": InquiryForm(initial={"person_unit": inspection.enterprise.name}),
        "can_act": can_act, "penalties": list(inspection.penalties.all()),
        "can_review": any(t.name == "review" for t in documents.LIFECYCLE.available(request.user, inspection))
        and any(d.kind == EnforcementDocument.Kind.RECTIFICATION_ORDER for d in docs)})


@perm_required("inspections.inspect")
@require_POST
def inspection_review(request, pk):
    get_object_or_404(Inspection.objects.visible_to(request.user), pk=pk)
    act(request, ReviewForm(request.POST),
        lambda d: documents.issue_review(request.user, pk, again_by=d["again_by"]), lambda doc: f"已出具 {doc}")
    return redirect("inspection_detail", pk=pk)


# the documents issued from a form on the detail page: kind in the URL → (form, service)
INSPECTION_PAPERS = {"measures": (SiteMeasuresForm, casework.issue_site_measures, "现场处理措施决定书"),
                     "inquiry": (InquiryForm, casework.record_inquiry, "询问笔录")}
PENALTY_PAPERS = {"filing": (forms.Form, casework.issue_filing, "立案审批表"),
                  "transfer": (TransferForm, casework.issue_transfer, "案件移送书")}


def _issue_paper(request, papers: dict, kind: str, record_id: int) -> None:
    if kind not in papers:
        raise Http404
    form_class, service, _label = papers[kind]
    act(request, form_class(request.POST), lambda d: service(request.user, record_id, **d), lambda doc: f"已出具 {doc}")


@perm_required("inspections.inspect")
@require_POST
def inspection_issue(request, pk, kind):
    get_object_or_404(Inspection.objects.visible_to(request.user), pk=pk)
    _issue_paper(request, INSPECTION_PAPERS, kind, pk)
    return redirect("inspection_detail", pk=pk)


@perm_required("inspections.inspect")
@require_POST
def penalty_issue(request, pk, kind):
    _penalty(request.user, pk)
    _issue_paper(request, PENALTY_PAPERS, kind, pk)
    return redirect("penalty_detail", pk=pk)


@perm_required("registry.view")
def document_download(request, pk, document_id):
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user), pk=pk)
    document = get_object_or_404(inspection.documents, pk=document_id)
    return download(documents.render(document), f"{document.get_kind_display()}_{document.number}.docx")


# ----- penalties (行政处罚) -----


@perm_required("registry.view")
def penalty_list(request):
    qs = Penalty.objects.visible_to(request.user).select_related("enterprise", "unit").order_by("-filed_on", "-id")
    return _filtered(request, PenaltyFilter, qs, Penalty.Status, "inspections/penalty_list.html",
                     ("行政处罚", excel.write_penalties))


@perm_required("inspections.inspect")
def penalty_create(request, inspection_id):
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user).select_related("enterprise"),
                                   pk=inspection_id)
    form = PenaltyForm(request.POST or None, initial={"party_name": inspection.enterprise.name,
                                                      "campaign": inspection.campaign_id},
                       user=request.user, enterprise=inspection.enterprise)
    done = submit(request, form, lambda d: penalties.file_case(request.user, inspection.enterprise, d,
                                                               inspection=inspection),
                  lambda p: f"已立案：{p}", lambda p: reverse("penalty_detail", args=[p.pk]))
    return done or render(request, "inspections/penalty_form.html", {"form": form, "inspection": inspection})


def _penalty(user, pk) -> Penalty:
    return get_object_or_404(Penalty.objects.visible_to(user).select_related("enterprise", "unit", "inspection"), pk=pk)


@perm_required("registry.view")
def penalty_detail(request, pk):
    penalty = _penalty(request.user, pk)
    today = timezone.localdate()
    return render(request, "inspections/penalty_detail.html", {
        "penalty": penalty, "documents": list(penalty.documents.all()), "today": today,
        "late_fee": penalties.late_fee(penalty.amount, penalty.pay_by, today),
        "due_today": penalties.amount_due(penalty, today), "payment_form": PaymentForm(initial={"paid_on": today}),
        "extensions": list(penalty.extensions.select_related("recorded_by")),
        "next_limit": penalties.next_limit(penalty), "may_extend": penalties.may_extend(penalty, today),
        "extension_form": ExtensionForm(limit=penalties.next_limit(penalty), initial={"approved_on": today}),
        "overdue": penalty.status in (Penalty.Status.FILED, Penalty.Status.NOTIFIED) and today > penalty.decide_by,
        "transfer_form": TransferForm(), "has_filing": penalty.documents.filter(kind=EnforcementDocument.Kind.FILING).exists(),
        "can_act": request.user.has_perm_code("inspections.inspect") and request.user.unit_id == penalty.unit_id})


@perm_required("inspections.inspect")
@require_POST
def penalty_action(request, pk, action):
    _penalty(request.user, pk)
    if action == "pay":
        act(request, PaymentForm(request.POST),
            lambda d: penalties.record_payment(request.user, pk, **d, version=workflow.posted_version(request)),
            "已登记缴款")
        return redirect("penalty_detail", pk=pk)
    if action == "extend":
        act(request, ExtensionForm(request.POST),
            lambda d: penalties.extend(request.user, pk, **d, version=workflow.posted_version(request)),
            "已登记延长作出决定期限")
        return redirect("penalty_detail", pk=pk)
    operations = {"notify": (penalties.notify, "已送达行政处罚告知书"), "decide": (penalties.decide, "已作出处罚决定")}
    if action not in operations:
        raise Http404
    operation, success = operations[action]
    try:
        operation(request.user, pk, version=workflow.posted_version(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, success)
    return redirect("penalty_detail", pk=pk)


@perm_required("registry.view")
def penalty_document(request, pk, document_id):
    document = get_object_or_404(_penalty(request.user, pk).documents, pk=document_id)
    return download(documents.render(document), f"{document.get_kind_display()}_{document.number}.docx")


# ----- pickers (search endpoints of components/record_picker.html) -----


@perm_required("registry.view")
def pick_inspection(request):
    return core_pickers.respond(request, pickers.INSPECTIONS)


@perm_required("registry.view")
def pick_penalty(request):
    return core_pickers.respond(request, pickers.PENALTIES)


# ----- 三个强度 -----


def _report_month(request) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        dt_ok = 2000 <= year <= today.year + 1 and 1 <= month <= 12
    except ValueError:
        dt_ok = False
    if not dt_ok:
        year, month = today.year, today.month
    return year, month


@perm_required("registry.view")
def intensity_report(request):
    year, month = _report_month(request)
    data = intensity.report(request.user, year, month)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        book = exports.Book()
        intensity.xlsx(book, data, year, month)
        return exports.response(request, book, f"三个强度_{year}-{month:02d}.xlsx", summary=f"导出{year}年{month}月三个强度")
    if fmt == "docx":
        return download(intensity.docx(data, year, month, request.user.unit.issuer_name if request.user.unit else ""),
                        f"三个强度通报_{year}-{month:02d}.docx")
    chart = [{"unit": r.unit, "inspections": r.inspections, "per": float(r.per_inspection), "fines": float(r.fines)}
             for rows in data.values() for r in rows]
    return render(request, "inspections/intensity.html", {
        "data": [(Organisation.Kind(k).label, rows) for k, rows in data.items()], "year": year, "month": month,
        "month_value": f"{year}-{month:02d}", "chart": chart})
