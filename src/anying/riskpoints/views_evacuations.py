"""Pages of the evacuations: the list with counts by town and export, a record's page, and the
phone page where the town or village confirms households 转移到位 (big buttons, one tap each)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from anying.core import exports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import act, error_text
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required

from . import evacuations, services
from .filters import EvacuationFilter
from .forms import CommentForm, ConfirmForm
from .models import Evacuation

HEADER = ["风险点", "类型", "镇街", "启动原因", "触发预警", "情况说明", "启动时间", "状态", "应转移户数", "已转移户数",
          "应转移人数", "已转移人数", "返回时间"]


def _visible(user):
    return Evacuation.objects.visible_to(user).select_related("point", "town", "warning")


@perm_required("riskpoints.view")
def evacuation_list(request):
    flt = EvacuationFilter.from_params(request.GET, request=request)
    qs = flt.apply(_visible(request.user)).order_by("-started_at", "-id")
    shown = ["q", "status", "trigger", "region"]
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        count = book.sheet("转移避险记录", HEADER, title="转移避险记录", filters=flt.describe(shown)).extend(
            [e.point.name, e.point.get_kind_display(), e.town.name, e.get_trigger_display(),
             e.warning.headline if e.warning else "", e.reason, e.started_at, e.get_status_display(),
             e.households_total, e.households_moved, e.people_total, e.people_moved, e.returned_at]
            for e in qs.iterator(chunk_size=500))
        return exports.response(request, book, exports.stamp("转移避险记录"), summary=f"导出转移记录 {count} 条",
                                filters=flt.audit_values(shown))
    page = paginate(request, qs)
    towns = evacuations.by_town(flt.apply(Evacuation.objects.visible_to(request.user)).exclude(
        status=Evacuation.Status.RETURNED))
    return render(request, "riskpoints/evacuations.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"), "by_town": towns,
        "qs_export": query_without(request, "page", "export"),
        "statuses": [("open", "进行中"), *Evacuation.Status.choices], "triggers": Evacuation.Trigger.choices,
        "towns": Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(request.user, ""))})


def _page(request, evac, template):
    moved = {m.household_id: m for m in evac.moves.select_related("confirmed_by")}
    rows = list(evac.point.household_rows.all())
    for h in rows:
        h.move = moved.get(h.pk)
    plan = getattr(evac.point, "plan", None)
    return render(request, template, {
        "evac": evac, "households": rows, "plan": plan, "left": [h for h in rows if h.move is None],
        "done": [h for h in rows if h.move is not None],
        "capacity_note": services.shelter_warning(plan, evac.people_total),
        "steps": evacuations.EVACUATIONS.available(request.user, evac), "timeline": workflow.timeline(evac)[:40],
        "can_confirm": request.user.has_perm_code("riskpoints.evacuate") and evac.open})


@perm_required("riskpoints.view")
def evacuation_detail(request, pk):
    evac = get_object_or_404(_visible(request.user).select_related("point__plan__shelter", "point__plan__organiser"),
                             pk=pk)
    return _page(request, evac, "riskpoints/evacuation.html")


@perm_required("riskpoints.view")
def evacuation_confirm(request, pk):
    """The phone page: households left to move, a big 转移到位 button each; POST confirms one."""
    evac = get_object_or_404(_visible(request.user).select_related("point__plan__shelter", "point__plan__organiser"),
                             pk=pk)
    if request.method == "POST":
        if not request.user.has_perm_code("riskpoints.evacuate"):
            raise _forbidden()
        form = ConfirmForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["undo"]:
                    evacuations.unconfirm(request.user, evac.pk, data["household"])
                    messages.success(request, "已撤销该户的到位确认")
                else:
                    move = evacuations.confirm(request.user, evac.pk, data["household"], people=data["people"],
                                               note=data["note"])
                    messages.success(request, f"{move.household.head}户 {move.people} 人已转移到位")
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
        else:
            messages.error(request, "请选择住户，人数须为0到99")
        return redirect("evacuation_confirm", pk=evac.pk)
    return _page(request, evac, "riskpoints/confirm.html")


def _forbidden():
    from django.core.exceptions import PermissionDenied as Forbidden

    return Forbidden()


@require_POST
@perm_required("riskpoints.evacuate")
def evacuation_act(request, pk):
    evac = get_object_or_404(_visible(request.user), pk=pk)
    name = request.POST.get("step", "")
    if name not in evacuations.EVACUATIONS.table:
        raise _forbidden()
    act(request, CommentForm(request.POST),
        lambda data: evacuations.run(request.user, evac.pk, name, comment=data["comment"],
                                     version=workflow.posted_version(request)),
        f"已{evacuations.EVACUATIONS.table[name].label}")
    return redirect("evacuation_detail", pk=evac.pk)
