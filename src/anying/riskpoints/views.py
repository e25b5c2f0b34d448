"""Pages of the risk point ledger: list with filters and export, detail (the ledger, the five
elements, the households, the evacuations, the patrols), the forms, the 销号 steps and the
printable placard."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anying.core import exports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import act, error_text, submit
from anying.core.links import absolute_url
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required

from . import evacuations, patrols, services
from .filters import DisasterPointFilter
from .forms import CommentForm, DisasterPointForm, HouseholdForm, PlanForm, StartForm
from .models import DisasterRiskPoint, Evacuation
from .models_patrols import PatrolFinding

HEADER = ["编号", "名称", "类型", "镇街/村", "具体位置", "经度", "纬度", "受威胁户数", "受威胁人数", "受威胁设施",
          "潜在经济损失（万元）", "险情等级", "行政责任人", "主管部门责任人", "管护单位责任人", "群测群防员", "转移组织人",
          "避难场所", "计划销号年度", "状态"]
RELATED = ("region", "place", "admin_responsible", "dept_responsible", "keeper_responsible", "plan__organiser",
           "plan__shelter")


def _points(user):
    return DisasterRiskPoint.objects.visible_to(user)


def _person(c) -> str:
    return f"{c.name} {c.phone}" if c else ""


@perm_required("riskpoints.view")
def point_list(request):
    flt = DisasterPointFilter.from_params(request.GET, request=request)
    qs = flt.apply(_points(request.user)).select_related(*RELATED).order_by("region__path", "kind", "name", "id")
    shown = ["q", "kind", "threat", "status", "region", "closing_year", "late", "no_plan"]
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        rows = qs.prefetch_related("monitors")
        count = book.sheet("风险点台账", HEADER, title="灾害风险点台账", filters=flt.describe(shown)).extend(
            [p.code, p.name, p.get_kind_display(), p.region.name, p.location, p.place.longitude, p.place.latitude,
             p.households, p.people, p.facilities, p.potential_loss, p.get_threat_display(),
             _person(p.admin_responsible), _person(p.dept_responsible), _person(p.keeper_responsible),
             "、".join(_person(m) for m in p.monitors.all()),
             _person(p.plan.organiser) if hasattr(p, "plan") else "",
             p.plan.shelter.name if hasattr(p, "plan") and p.plan.shelter else "", p.closing_year,
             p.get_status_display()] for p in rows.iterator(chunk_size=500))
        return exports.response(request, book, exports.stamp("风险点台账"), summary=f"导出风险点 {count} 个",
                                filters=flt.audit_values(shown))
    page = paginate(request, qs)
    return render(request, "riskpoints/list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "kinds": DisasterRiskPoint._meta.get_field("kind").choices,
        "threats": DisasterRiskPoint._meta.get_field("threat").choices,
        "statuses": [("open", "未销号"), *DisasterRiskPoint.Status.choices],
        "towns": Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(request.user, "")),
        "can_edit": request.user.has_perm_code("riskpoints.edit")})


@perm_required("riskpoints.view")
def point_detail(request, pk):
    point = get_object_or_404(_points(request.user).select_related(*RELATED, "closing_requested_by", "closed_by"),
                              pk=pk)
    plan = getattr(point, "plan", None)
    households = list(point.household_rows.all())
    people = sum(h.people for h in households)
    user = request.user
    schedules = list(point.patrol_schedules.filter(active=True))
    findings = list(point.findings.all()[:20])
    for f in findings:
        f.steps = patrols.FINDINGS.available(user, f)
    return render(request, "riskpoints/detail.html", {
        "point": point, "plan": plan, "households": households, "people": people,
        "vulnerable": sum(h.vulnerable_count for h in households),
        "capacity_note": services.shelter_warning(plan, people),
        "monitors": point.monitors.all(),
        "evacuations": point.evacuations.select_related("warning")[:10],
        "open_evacuation": point.evacuations.exclude(status=Evacuation.Status.RETURNED).first(),
        "steps": services.POINTS.available(user, point), "timeline": workflow.timeline(point)[:30],
        "states": patrols.states(schedules), "findings": findings,
        "rain_checks": point.rain_checks.filter(done_at__isnull=True).select_related("warning")[:9],
        "can_edit": user.has_perm_code("riskpoints.edit") and point.open,
        "can_evacuate": user.has_perm_code("riskpoints.evacuate"),
        "can_patrol": user.has_perm_code("riskpoints.patrol"), "start_form": StartForm(),
        "public_url": absolute_url(request, reverse("riskpoint_public", args=[point.public_token]))})


@perm_required("riskpoints.edit")
def point_edit(request, pk=None):
    point = get_object_or_404(_points(request.user).select_related("place"), pk=pk) if pk else None
    if point is not None and not point.open:
        raise Forbidden
    initial = {}
    if point is not None:
        initial = {f: getattr(point, f) for f in ("name", "code", "kind", "region", "location", "households", "people",
                                                   "facilities", "potential_loss", "scale", "admin_responsible",
                                                   "dept_responsible", "keeper_responsible", "identified_by",
                                                   "closing_standard", "closing_year", "measures")}
        initial.update(latitude=point.place.latitude, longitude=point.place.longitude, monitors=list(point.monitors.all()))
    form = DisasterPointForm(request.POST or None, initial=initial, user=request.user)
    shown = workflow.posted_version(request) if request.method == "POST" else (point.version if point else None)
    done = submit(request, form,
                  lambda data: services.save_point(request.user, data, pk=point.pk if point else None, version=shown),
                  lambda p: f"已保存：{p.name}（{p.get_threat_display()}）",
                  lambda p: reverse("riskpoint_detail", args=[p.pk]))
    return done or render(request, "riskpoints/form.html", {"form": form, "point": point, "shown_version": shown,
                                                            "title": f"修改 {point.name}" if point else "登记风险点"})


@perm_required("riskpoints.edit")
def plan_edit(request, pk):
    point = get_object_or_404(_points(request.user), pk=pk)
    plan = getattr(point, "plan", None)
    initial = {}
    if plan is not None:
        initial = {f: getattr(plan, f) for f in services.PLAN_FIELDS if f != "trigger_kinds"}
        initial["trigger_kinds"] = sorted(plan.kinds)
    form = PlanForm(request.POST or None, initial=initial, user=request.user)
    shown = workflow.posted_version(request) if request.method == "POST" else (plan.version if plan else None)

    def save(data):
        return services.save_plan(request.user, point.pk, {**data, "trigger_kinds": ",".join(data["trigger_kinds"])},
                                  version=shown)
    done = submit(request, form, save, lambda p: f"已保存 {point.name} 的转移避险清单",
                  lambda p: reverse("riskpoint_detail", args=[point.pk]) + "#plan")
    return done or render(request, "riskpoints/form.html", {"form": form, "point": point, "shown_version": shown,
                                                            "title": f"{point.name} · 转移避险清单（五要素）"})


@perm_required("riskpoints.edit")
def household_edit(request, pk, household_id=None):
    point = get_object_or_404(_points(request.user), pk=pk)
    row = get_object_or_404(point.household_rows, pk=household_id) if household_id else None
    initial = {f: getattr(row, f) for f in services.HOUSEHOLD_FIELDS} if row else {}
    form = HouseholdForm(request.POST or None, initial=initial)
    done = submit(request, form,
                  lambda data: services.save_household(request.user, point.pk, data, pk=row.pk if row else None),
                  lambda h: f"已保存：{h}",
                  lambda h: reverse("riskpoint_household_new", args=[point.pk]) if "again" in request.POST
                  else reverse("riskpoint_detail", args=[point.pk]) + "#households")
    return done or render(request, "riskpoints/household_form.html", {"form": form, "point": point, "row": row})


@require_POST
@perm_required("riskpoints.edit")
def household_delete(request, pk, household_id):
    point = get_object_or_404(_points(request.user), pk=pk)
    get_object_or_404(point.household_rows, pk=household_id)
    try:
        services.remove_household(request.user, point.pk, household_id)
        messages.success(request, "已删除该住户")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect(reverse("riskpoint_detail", args=[point.pk]) + "#households")


@require_POST
@perm_required("riskpoints.view")
def point_act(request, pk):
    point = get_object_or_404(_points(request.user), pk=pk)
    name = request.POST.get("step", "")
    if name not in services.POINTS.table:
        raise Forbidden
    act(request, CommentForm(request.POST),
        lambda data: services.run(request.user, point.pk, name, comment=data["comment"],
                                  version=workflow.posted_version(request)),
        f"已{services.POINTS.table[name].label}")
    return redirect("riskpoint_detail", pk=point.pk)


@require_POST
@perm_required("riskpoints.evacuate")
def evacuation_start(request, pk):
    point = get_object_or_404(_points(request.user), pk=pk)
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            evac = evacuations.start(request.user, point.pk, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"已启动转移：{point.name}（{evac.households_total} 户）")
            return redirect("evacuation_confirm", pk=evac.pk)
    else:
        messages.error(request, "请选择启动原因并说明情况")
    return redirect("riskpoint_detail", pk=point.pk)


@require_POST
@perm_required("riskpoints.patrol")
def patrols_ensure(request, pk):
    point = get_object_or_404(_points(request.user), pk=pk)
    try:
        made = patrols.ensure_schedules(request.user, point.pk)
        messages.success(request, f"已安排 {len(made)} 项日周月巡查" if made else "日周月巡查已齐全")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect(reverse("riskpoint_detail", args=[point.pk]) + "#patrols")


@require_POST
@perm_required("riskpoints.patrol")
def finding_act(request, pk):
    finding = get_object_or_404(PatrolFinding.objects.visible_to(request.user), pk=pk)
    name = request.POST.get("step", "")
    if name not in patrols.FINDINGS.table:
        raise Forbidden
    act(request, CommentForm(request.POST),
        lambda data: patrols.run_finding(request.user, finding.pk, name, comment=data["comment"],
                                         version=workflow.posted_version(request)),
        f"已{patrols.FINDINGS.table[name].label}")
    return redirect(reverse("riskpoint_detail", args=[finding.point_id]) + "#findings")


# ----- the placard (挂牌公示) -----

def qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


@perm_required("riskpoints.view")
def placard(request, pk):
    point = get_object_or_404(_points(request.user).select_related(*RELATED), pk=pk)
    url = absolute_url(request, reverse("riskpoint_public", args=[point.public_token]))
    households = list(point.household_rows.all())
    return render(request, "riskpoints/placard.html", {
        "point": point, "plan": getattr(point, "plan", None), "qr": qr_svg(url), "url": url,
        "households": len(households), "people": sum(h.people for h in households),
        "vulnerable": sum(h.vulnerable_count for h in households), "monitors": point.monitors.all()})


@perm_required("riskpoints.view")
def placard_qr(request, pk):
    point = get_object_or_404(_points(request.user), pk=pk)
    url = absolute_url(request, reverse("riskpoint_public", args=[point.public_token]))
    return HttpResponse(qr_svg(url), content_type="image/svg+xml")

