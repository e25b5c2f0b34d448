"""The patrol board (日周月 schedules with who is behind, rain checks due) and the forms that
record a patrol round or a rain check."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from anying.core import exports
from anying.core.http import submit
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required

from . import patrols
from .filters import PatrolFilter
from .forms import PatrolRoundForm, RainCheckForm
from .models_patrols import PatrolSchedule, RainCheck

HEADER = ["风险点", "镇街/村", "巡查", "频次", "责任人", "本期", "本期已查", "上期应查", "落后", "近30天应查", "近30天已查"]


@perm_required("riskpoints.view")
def board(request):
    flt = PatrolFilter.from_params(request.GET, request=request)
    qs = flt.apply(PatrolSchedule.objects.visible_to(request.user).filter(active=True)).select_related(
        "point__region").order_by("point__region__path", "point__name", "id")
    shown = ["q", "tier", "region", "behind"]
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        states = patrols.states(list(qs))
        count = book.sheet("风险点巡查", HEADER, title="风险点日周月巡查", filters=flt.describe(shown)).extend(
            [s.schedule.point.name, s.schedule.point.region.name, s.schedule.name, s.schedule.get_frequency_display(),
             s.schedule.assignee, s.current_label, "是" if s.done_now else "否", s.last_due_label,
             "落后" if s.behind else "", s.expected, s.done] for s in states)
        return exports.response(request, book, exports.stamp("风险点巡查"), summary=f"导出巡查计划 {count} 项",
                                filters=flt.audit_values(shown))
    page = paginate(request, qs)
    states = {s.schedule.pk: s for s in patrols.states(list(page))}
    rows = [(s, states[s.pk]) for s in page]
    now = timezone.now()
    rain = list(RainCheck.objects.visible_to(request.user).filter(done_at__isnull=True).select_related("point", "warning")
                .order_by("due_at", "id")[:30])
    return render(request, "riskpoints/patrols.html", {
        "page": page, "rows": rows, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "rain": rain, "now": now,
        "behind_count": patrols.behind_schedules(request.user).count(),
        "tiers": PatrolSchedule._meta.get_field("tier").choices,
        "towns": Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(request.user, "")),
        "can_patrol": request.user.has_perm_code("riskpoints.patrol")})


@perm_required("riskpoints.patrol")
def round_new(request, pk):
    schedule = get_object_or_404(PatrolSchedule.objects.visible_to(request.user).select_related("point"), pk=pk)
    form = PatrolRoundForm(request.POST or None, initial={"day": timezone.localdate(),
                                                          "inspectors": request.user.display_name or str(request.user)})
    done = submit(request, form, lambda data: patrols.record_round(request.user, schedule.pk, **data),
                  lambda r: f"已记录 {schedule.point.name} {schedule.name}" + ("，发现的问题已列入整改" if r.problem else ""),
                  lambda r: reverse("patrol_board"))
    return done or render(request, "riskpoints/round_form.html", {"form": form, "schedule": schedule,
                                                                  "state": patrols.states([schedule])[0]})


@perm_required("riskpoints.view")
def rain_check(request, pk):
    check = get_object_or_404(RainCheck.objects.visible_to(request.user).select_related("point", "warning"), pk=pk)
    form = RainCheckForm(request.POST or None)
    if request.method == "POST" and not request.user.has_perm_code("riskpoints.patrol"):
        from django.core.exceptions import PermissionDenied as Forbidden

        raise Forbidden
    done = submit(request, form, lambda data: patrols.complete_rain_check(request.user, check.pk, **data),
                  lambda c: f"已完成 {c.point.name} {c.get_phase_display()}", lambda c: reverse("patrol_board"))
    return done or render(request, "riskpoints/rain_check.html", {
        "form": form, "check": check, "behind": check.behind(),
        "can_patrol": request.user.has_perm_code("riskpoints.patrol")})


