"""Pages of risk grading: an enterprise's 四色图 (areas, plan, points), the risk point form, the
government list of 重大/较大 risks, and the district admin's tables and bands."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import exports
from anying.core.errors import PermissionDenied
from anying.core.http import act, apply_errors, error_text
from anying.core.listing import paginate, parse_id, query_without
from anying.core.models import Industry
from anying.core.views import perm_required
from anying.standards import riskbands
from anying.standards.models import LEVEL_COLOUR, RiskFactor, RiskLevel, RiskMethod

from . import risks
from .models import RiskArea, RiskPoint
from .queries import town_choices
from .risk_forms import BandsForm, FactorForm, RetireForm, RiskAreaForm, RiskPointForm
from .views import _visible

LEGEND = [(level, label, *LEVEL_COLOUR[level]) for level, label in RiskLevel.choices]
# fill and text colour of an area on the plan (the same as the .ay-risk-* classes)
PLAN_COLOURS = {RiskLevel.MAJOR: ("#d32f2f", "#fff"), RiskLevel.LARGER: ("#f57c00", "#fff"),
                RiskLevel.GENERAL: ("#fbc02d", "#212529"), RiskLevel.LOW: ("#1976d2", "#fff"), None: ("#e9ecef", "#495057")}


SYMBOL = {RiskMethod.LEC: "D", RiskMethod.LS: "R"}


PLAN_MIN_HEIGHT = 40  # the plan grows with its lowest area; 100 × 40 at least


def _risks_url(ent) -> str:
    return reverse("enterprise_risks", args=[ent.pk])


@perm_required("registry.view")
def enterprise_risks(request, pk):
    """The 四色图: each area coloured by its highest level, as a table and on a plan; printable."""
    ent = _visible(request.user, pk)
    can_assess = risks.can_assess(request.user, ent)
    form = RiskAreaForm(request.POST or None)
    if request.method == "POST":
        if not can_assess:
            raise Http404
        act(request, form, lambda data: risks.save_area(request.user, ent, data),
            lambda area: f"已新增风险区域：{area.name}")
        return redirect(_risks_url(ent))
    areas = risks.four_colour(ent)
    for area in areas:
        area.fill, area.ink = PLAN_COLOURS[area.level]
        area.level_label = RiskLevel(area.level).label if area.level else "未评估"
    points = [p for a in areas for p in a.points.all()]
    counts = {level: sum(1 for p in points if p.level == level) for level in RiskLevel.values}
    return render(request, "registry/risks/enterprise.html", {
        "ent": ent, "areas": areas, "points": points, "legend": LEGEND, "counts": counts,
        "plan_height": max([a.y + a.h for a in areas] + [PLAN_MIN_HEIGHT]) + 1,
        "can_assess": can_assess, "area_form": form, "today": timezone.localdate(),
        "retired": ent.risk_points.exclude(retired_on=None).select_related("area").order_by("-retired_on", "-id")})


@require_POST
@login_required
def risk_point_retire(request, pk, point_id):
    """撤销 a risk point that no longer exists (kept with its reason, off the 四色图)."""
    ent = _visible(request.user, pk)
    if not risks.can_assess(request.user, ent):
        raise Http404
    act(request, RetireForm(request.POST), lambda data: risks.retire_point(request.user, ent, point_id, data["reason"]),
        lambda point: f"已撤销风险点：{point.activity}")
    return redirect(_risks_url(ent))


@login_required
def risk_area_edit(request, pk, area_id):
    ent = _visible(request.user, pk)
    if not risks.can_assess(request.user, ent):
        raise Http404
    area = get_object_or_404(RiskArea, pk=area_id, enterprise=ent)
    form = RiskAreaForm(request.POST or None, initial={k: getattr(area, k) for k in risks.AREA_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            risks.save_area(request.user, ent, form.cleaned_data, area)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存风险区域：{area.name}")
            return redirect(_risks_url(ent))
    return render(request, "registry/risks/area_form.html", {"ent": ent, "area": area, "form": form})


@login_required
def risk_point_edit(request, pk, point_id=None):
    ent = _visible(request.user, pk)
    point = get_object_or_404(RiskPoint, pk=point_id, enterprise=ent) if point_id else None
    if request.method == "POST" and not risks.can_assess(request.user, ent):
        raise Http404
    if point is None and not risks.can_assess(request.user, ent):
        raise Http404
    form = RiskPointForm(request.POST or None, enterprise=ent, point=point)
    if request.method == "POST" and form.is_valid():
        try:
            saved = risks.save_point(request.user, ent, form.service_data(), point)
        except PermissionDenied as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"已保存风险点：{saved.activity}（{saved.get_level_display()}）")
            return redirect(_risks_url(ent))
    return render(request, "registry/risks/point_form.html", {
        "ent": ent, "point": point, "form": form, "can_assess": risks.can_assess(request.user, ent),
        "has_areas": RiskArea.objects.filter(enterprise=ent).exists(), "level_labels": dict(RiskLevel.choices),
        "bands_text": {m: riskbands.describe(risks.configured_bands(m), SYMBOL[m]) for m in RiskMethod.values}})


# --- government: the 重大/较大 risks of the scope ------------------------------------------------

EXPORT_HEADER = ["风险等级", "镇街", "行业", "企业名称", "区域", "作业活动/设备设施", "危险源及风险描述", "事故类型",
                 "评价方法", "固有风险值", "固有风险等级", "剩余风险值", "管控措施", "管控责任人"]


@perm_required("registry.oversee")
def risk_list(request):
    flt = risks.RiskPointFilter.from_params(request.GET, request=request)
    qs = flt.apply(risks.government_list(request.user))
    if request.GET.get("export") == "xlsx":
        return _export(request, qs, flt)
    page = paginate(request, qs, per_page=50)
    return render(request, "registry/risks/list.html", {
        "page": page, "filters": flt, "legend": LEGEND[:2], "summary": risks.summary(request.user),
        "towns": town_choices(request.user), "industries": Industry.objects.all(),
        "qs_page": query_without(request, "page"), "qs_export": query_without(request, "page", "export")})


def _export(request, qs, flt: risks.RiskPointFilter):
    book = exports.Book()
    sheet = book.sheet("重大较大风险清单", EXPORT_HEADER, title="重大较大风险清单", filters=flt.describe())
    count = sheet.extend([p.get_level_display(), p.region.name, p.industry.name, p.enterprise.name, p.area.name,
                          p.activity, p.hazard, p.accident_type.name, p.get_method_display(), p.inherent_score,
                          p.get_inherent_level_display(), p.residual_score,
                          "；".join(f"{label}：{text}" for label, text in p.controls), p.responsible]
                         for p in qs.iterator(chunk_size=500))
    return exports.response(request, book, exports.stamp("重大较大风险清单"), summary=f"导出重大较大风险 {count} 条",
                            filters=flt.values)


# --- the district admin's tables and bands -----------------------------------------------------

@perm_required("registry.configure")
def risk_config(request):
    action = request.POST.get("action", "")
    if request.method == "POST":
        try:
            _configure(request, action)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        return redirect("risk_config")
    bands = {m: risks.configured_bands(m) for m in RiskMethod.values}
    return render(request, "registry/risks/config.html", {
        "forms": [(m, label, BandsForm(method=m, bands=bands[m], prefix=m), riskbands.describe(bands[m], SYMBOL[m]),
                   sorted({riskbands.source_label(b.source) for b in bands[m]})) for m, label in RiskMethod.choices],
        "level_labels": dict(RiskLevel.choices),
        "factors": [(f, FactorForm(prefix=f"f{f.pk}", initial={"value": risks.num(f.value),
                                                               "description": f.description}))
                    for f in RiskFactor.objects.all()],
        "variants": [(f"{m}:{c}", label) for (m, c), label in riskbands.VARIANTS.items()], "legend": LEGEND})


def _configure(request, action: str) -> None:
    if action in RiskMethod.values:
        form = BandsForm(request.POST, method=action, prefix=action)
        if not form.is_valid():
            raise ValidationError([f"{form.fields[k].label}：{e}" for k, errs in form.errors.items() for e in errs])
        bands = [riskbands.Band(level, form.cleaned_data[f"{level}_lower"], form.cleaned_data[f"{level}_inclusive"],
                                f"{request.user.unit}于{timezone.localdate():%Y-%m-%d}修改")
                 for level in RiskLevel.values]
        count = risks.configure_bands(request.user, action, bands)
        messages.success(request, f"已保存{RiskMethod(action).label}的分级阈值，{count} 个风险点已按新阈值重新定级。")
    elif action == "variant":
        method, _, column = request.POST.get("variant", "").partition(":")
        if (method, column) not in riskbands.VARIANTS:
            raise ValidationError("请选择方案")
        count = risks.configure_bands(request.user, method, riskbands.default_bands(method, column))
        messages.success(request, f"已载入{riskbands.VARIANTS[(method, column)]}，{count} 个风险点已重新定级。")
    elif action == "factor":
        factor_id = parse_id(request.POST.get("factor"))
        factor = get_object_or_404(RiskFactor, pk=factor_id or 0)
        form = FactorForm(request.POST, prefix=f"f{factor.pk}")
        if not form.is_valid():
            raise ValidationError([f"{form.fields[k].label}：{e}" for k, errs in form.errors.items() for e in errs])
        risks.configure_factor(request.user, factor, value=form.cleaned_data["value"],
                               description=form.cleaned_data["description"])
        messages.success(request, f"已保存 {factor.factor} 取值 {risks.num(form.cleaned_data['value'])}。")
    else:
        raise ValidationError("未知操作")
