"""Pages of demand plans, maintenance and household-kit publicity (planning.py holds the rules)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import exports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import apply_errors, error_text, submit
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.views import perm_required

from . import planning, services
from .filters import DemandPlanFilter, MaintenanceFilter, PublicityFilter
from .forms import StepForm
from .models import Item, Warehouse
from .models_planning import DemandPlan, Maintenance, Publicity
from .planning_forms import DemandPlanForm, MaintenanceForm, PublicityForm, line_rows, plan_lines


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


# --- demand plans ------------------------------------------------------------------------------

@perm_required("supplies.view")
def demand_list(request):
    flt = DemandPlanFilter.from_params(request.GET, request=request)
    qs, sort = flt.sort(flt.apply(DemandPlan.objects.visible_to(request.user)).select_related("owner"))
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("需求计划", ["年度", "编制单位", "计划名称", "状态", "报送时间", "审核时间"],
                           title="物资储备需求计划", filters=flt.describe())
        rows = [[p.year, p.owner.name, p.title, p.get_status_display(), p.submitted_at, p.reviewed_at] for p in qs]
        sheet.extend(rows)
        return exports.response(request, book, exports.stamp("物资储备需求计划"), summary=f"导出需求计划 {len(rows)} 份",
                                filters=flt.audit_values())
    user = request.user
    return render(request, "supplies/demand_list.html", {
        "flt": flt, "sort": sort, "page": paginate(request, qs), "qs_page": query_without(request, "page"),
        "statuses": DemandPlan.Status.choices, "export_query": query_without(request, "page"),
        "can_draft": user.has_perm_code("supplies.keep") and user.unit_id is not None,
        "year": timezone.localdate().year})


def _plan(user, pk) -> DemandPlan:
    return get_object_or_404(DemandPlan.objects.visible_to(user).select_related(
        "owner__region", "submitted_by", "reviewed_by"), pk=pk)


def _plan_form_page(request, plan: DemandPlan):
    form = DemandPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            edited = form.save(commit=False)
            if plan.pk:  # the version the user loaded: a concurrent edit is refused, not overwritten
                edited.version = workflow.posted_version(request) or plan.version
            saved = planning.save_plan(request.user, edited, plan_lines(request.POST))
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存{saved}。核对无误后请“报送”。")
            return redirect("supplies:demand_detail", pk=saved.pk)
    return render(request, "supplies/demand_form.html", {
        "form": form, "plan": plan, "rows": line_rows(plan, request.POST if request.method == "POST" else None),
        "items": Item.objects.filter(is_active=True).order_by("category", "code")})


@perm_required("supplies.keep")
def demand_new(request):
    if request.user.unit_id is None:
        raise Forbidden("您的账号不属于任何单位，不能编制需求计划")
    return _plan_form_page(request, DemandPlan(owner_id=request.user.unit_id))


@perm_required("supplies.keep")
def demand_edit(request, pk):
    plan = _plan(request.user, pk)
    if not planning.drafts(request.user, plan):
        raise Forbidden("只有编制单位可以修改需求计划")
    if not plan.editable:
        messages.error(request, f"计划{plan.get_status_display()}，不能修改")
        return redirect("supplies:demand_detail", pk=pk)
    return _plan_form_page(request, plan)


@perm_required("supplies.view")
def demand_detail(request, pk):
    plan = _plan(request.user, pk)
    rows = planning.compare(request.user, plan)
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("需求与库存对比", ["物资编码", "物资名称", "单位", "需求数量", "用途", "本单位实物储备", "本单位协议储备",
                                             "本单位企业代储", "本单位合计", "缺口", "满足率%", "全区可见库存"], title=str(plan))
        sheet.extend([[r.item.code, r.item.name, r.item.uom, r.quantity, r.purpose, r.own.get("physical", 0),
                       r.own.get("agreement", 0), r.own.get("enterprise", 0), r.own_total, r.gap, r.rate,
                       r.visible_total] for r in rows])
        return exports.response(request, book, exports.stamp(str(plan)), summary=f"导出{plan}与库存对比")
    return render(request, "supplies/demand_detail.html", {
        "plan": plan, "rows": rows, "steps": planning.DEMAND_PLANS.available(request.user, plan),
        "can_edit": plan.editable and planning.drafts(request.user, plan), "form": StepForm(),
        "events": workflow.timeline(plan), "short": sum(1 for r in rows if r.gap > 0)})


@perm_required("supplies.view")
@require_POST
def demand_act(request, pk):
    _plan(request.user, pk)
    name = request.POST.get("step", "")
    try:
        plan = planning.act(request.user, pk, name, comment=request.POST.get("comment", ""),
                            version=workflow.posted_version(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"{plan}：{planning.DEMAND_PLANS.label_of(name)}完成，当前状态：{plan.get_status_display()}")
    return redirect("supplies:demand_detail", pk=pk)


@perm_required("supplies.view")
def demand_summary(request):
    """The district's view: every item asked for in a year's submitted and accepted plans against
    the stock the reader can see, and which units have not submitted."""
    year = _year(request)
    rows = planning.district_summary(request.user, year)
    plans = DemandPlan.objects.visible_to(request.user).filter(year=year).select_related("owner")
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("需求汇总", ["物资编码", "物资名称", "单位", "需求合计", "提出单位数", "可见库存", "缺口"],
                           title=f"{year}年物资储备需求汇总")
        sheet.extend([[r["item"].code, r["item"].name, r["item"].uom, r["need"], r["units"], r["stock"], r["gap"]]
                      for r in rows])
        return exports.response(request, book, exports.stamp(f"{year}年物资储备需求汇总"),
                                summary=f"导出{year}年物资储备需求汇总 {len(rows)} 种")
    return render(request, "supplies/demand_summary.html", {
        "year": year, "rows": rows, "plans": plans, "years": range(timezone.localdate().year + 1, 2019, -1),
        "short": sum(1 for r in rows if r["gap"] > 0)})


# --- maintenance -------------------------------------------------------------------------------

@perm_required("supplies.view")
def maintenance_list(request):
    flt = MaintenanceFilter.from_params(request.GET, request=request)
    qs, sort = flt.sort(flt.apply(Maintenance.objects.visible_to(request.user)).select_related("warehouse"))
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("维护保养", ["仓库", "维护日期", "类型", "维护的物资/装备", "维护内容", "结果", "维护人员/单位", "下次维护"],
                           title="应急物资维护保养记录", filters=flt.describe())
        rows = [[m.warehouse.name, m.done_on, m.get_kind_display(), m.items, m.content, m.get_result_display(),
                 m.done_by, m.next_due] for m in qs]
        sheet.extend(rows)
        return exports.response(request, book, exports.stamp("维护保养记录"), summary=f"导出维护保养记录 {len(rows)} 条",
                                filters=flt.audit_values())
    return render(request, "supplies/maintenance_list.html", {
        "flt": flt, "sort": sort, "page": paginate(request, qs), "qs_page": query_without(request, "page"),
        "kinds": Maintenance.Kind.choices, "results": Maintenance.Result.choices,
        "export_query": query_without(request, "page"), "today": timezone.localdate(),
        "due": planning.maintenance_due(request.user)[:20] if request.user.has_perm_code("supplies.keep") else []})


def _kept_warehouse(user, pk) -> Warehouse:
    warehouse = get_object_or_404(Warehouse.objects.visible_to(user).select_related("owner__region"), pk=pk)
    if not services.manages(user, warehouse):  # seen (a superior's, or shared for dispatch), not kept
        raise Forbidden("您不是该仓库的管理单位")
    return warehouse


@perm_required("supplies.keep")
def maintenance_new(request, pk):
    warehouse = _kept_warehouse(request.user, pk)
    form = MaintenanceForm(request.POST or None, instance=Maintenance(warehouse=warehouse))
    done = submit(request, form, lambda _: planning.save_maintenance(request.user, form.instance),
                  lambda m: f"已登记维护保养：{m}", lambda m: f"{warehouse_url(m.warehouse_id)}#maintenance")
    return done or render(request, "supplies/maintenance_form.html", {"form": form, "warehouse": warehouse})


@perm_required("supplies.keep")
def maintenance_edit(request, pk):
    record = get_object_or_404(Maintenance.objects.visible_to(request.user).select_related("warehouse__owner__region"),
                               pk=pk)
    if not services.manages(request.user, record.warehouse):
        raise Forbidden("您不是该仓库的管理单位")
    form = MaintenanceForm(request.POST or None, instance=record)
    done = submit(request, form, lambda _: planning.save_maintenance(request.user, form.instance),
                  lambda m: f"已修改维护保养：{m}", lambda m: f"{warehouse_url(m.warehouse_id)}#maintenance")
    return done or render(request, "supplies/maintenance_form.html", {"form": form, "warehouse": record.warehouse})


def warehouse_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("supplies:warehouse_detail", args=[pk])


# --- publicity ---------------------------------------------------------------------------------

@perm_required("supplies.view")
def publicity_list(request):
    flt = PublicityFilter.from_params(request.GET, request=request)
    qs, sort = flt.sort(flt.apply(Publicity.objects.visible_to(request.user)).select_related("region", "owner"))
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("储备宣传", ["开展日期", "开展地点", "形式", "活动名称", "覆盖户数", "发放清单/应急包（份）", "组织单位", "备注"],
                           title="家庭应急物资储备宣传", filters=flt.describe())
        rows = [[p.held_on, p.region.name, p.get_form_display(), p.title, p.households, p.kits, p.owner.name, p.note]
                for p in qs]
        sheet.extend(rows)
        return exports.response(request, book, exports.stamp("家庭应急物资储备宣传"), summary=f"导出宣传活动 {len(rows)} 次",
                                filters=flt.audit_values())
    year = flt.values.get("year") or timezone.localdate().year
    return render(request, "supplies/publicity_list.html", {
        "flt": flt, "sort": sort, "page": paginate(request, qs), "qs_page": query_without(request, "page"),
        "forms": Publicity.Form.choices, "export_query": query_without(request, "page"),
        "towns": Region.objects.filter(level=Region.Level.TOWN).order_by("path"), "year": year,
        "by_town": planning.publicity_by_town(request.user, year),
        "can_record": request.user.has_perm_code("supplies.keep") and request.user.unit_id is not None})


@perm_required("supplies.keep")
def publicity_new(request):
    form = PublicityForm(request.POST or None, user=request.user, instance=Publicity(owner_id=request.user.unit_id))
    done = submit(request, form, lambda _: planning.save_publicity(request.user, form.instance),
                  lambda p: f"已登记宣传活动：{p}", lambda p: "supplies:publicity_list")
    return done or render(request, "supplies/publicity_form.html", {"form": form})


@perm_required("supplies.keep")
def publicity_edit(request, pk):
    record = get_object_or_404(Publicity.objects.visible_to(request.user), pk=pk, owner_id=request.user.unit_id)
    form = PublicityForm(request.POST or None, user=request.user, instance=record)
    done = submit(request, form, lambda _: planning.save_publicity(request.user, form.instance),
                  lambda p: f"已修改宣传活动：{p}", lambda p: "supplies:publicity_list")
    return done or render(request, "supplies/publicity_form.html", {"form": form})
