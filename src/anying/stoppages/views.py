"""Pages of 停复产: the 停产 list by town (with its export), the order form from an enterprise's
page, and a stoppage's page with its steps (apply, accept or reject, restart, close)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import attachments, exports, workflow
from anying.core.http import act, submit
from anying.core.listing import paginate, query_without
from anying.core.region_rows import Rows
from anying.core.scope import viewer
from anying.core.views import perm_required
from anying.registry.models import Enterprise

from . import services
from .filters import StoppageFilter
from .forms import ApplyForm, OrderForm, StepForm
from .models import OPEN, Stoppage

HEADER = ["指令编号", "企业", "镇街", "行业", "原因类别", "事由", "下达单位", "下达日期", "最早复产日期", "须关闭", "状态",
          "复产日期"]


def _stoppages(user):
    return Stoppage.objects.visible_to(user).select_related("enterprise", "region", "industry", "unit")


@perm_required("stoppages.view")
def stoppage_list(request):
    flt = StoppageFilter.from_params(request.GET, request=request)
    qs = flt.apply(_stoppages(request.user)).order_by("-ordered_on", "-id")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("停产企业", HEADER, title="停产整顿企业名单", filters=flt.describe(), grid=False)
        sheet.extend([s.number, s.enterprise.name, s.region.name, s.industry.name, s.get_source_display(), s.reason,
                      s.unit.name, s.ordered_on, s.earliest_restart or "", "是" if s.closure_required else "",
                      s.get_status_display(), s.restarted_on or ""] for s in qs.iterator(chunk_size=500))
        return exports.response(request, book, exports.stamp("停产整顿企业名单"), summary="导出停产整顿企业名单",
                                filters=flt.values)
    by_town = []
    if viewer(request.user) == "government":
        rows = Rows(request.user)
        counts = dict(Stoppage.objects.visible_to(request.user).filter(status__in=OPEN).values("region_id")
                      .annotate(n=Count("pk")).order_by().values_list("region_id", "n"))
        folded = rows.fold(counts)
        by_town = [(rows.label(r), r.pk, folded.get(r.pk, 0)) for r in rows.all if folded.get(r.pk)]
    return render(request, "stoppages/list.html", {
        "page": paginate(request, qs), "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "statuses": Stoppage.Status.choices,
        "sources": Stoppage.Source.choices, "by_town": by_town})


@perm_required("stoppages.manage")
def stoppage_new(request, enterprise_id):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user).select_related("industry"), pk=enterprise_id)
    if viewer(request.user) != "government":
        raise Forbidden()
    initial = {"ordered_on": timezone.localdate(), "source": request.GET.get("source", "")}
    for key in ("penalty", "accident", "hazard"):
        if str(request.GET.get(key, "")).isascii() and str(request.GET.get(key, "")).isdigit() and len(request.GET[key]) < 12:
            initial[key] = int(request.GET[key])
    form = OrderForm(request.POST or None, user=request.user, enterprise=enterprise, initial=initial)
    done = submit(request, form, lambda data: services.order(request.user, enterprise, data),
                  lambda s: f"已下达停产整顿指令：{s.number}", lambda s: reverse("stoppages:detail", args=[s.pk]))
    return done or render(request, "stoppages/form.html", {"form": form, "enterprise": enterprise})


@perm_required("stoppages.view")
def stoppage_detail(request, pk):
    stoppage = get_object_or_404(_stoppages(request.user).select_related(
        "penalty", "accident", "hazard", "warning", "campaign", "applied_by", "checked_by"), pk=pk)
    steps = services.LIFECYCLE.available(request.user, stoppage)
    return render(request, "stoppages/detail.html", {
        "s": stoppage, "steps": steps, "step_names": {t.name for t in steps}, "apply_form": ApplyForm(),
        "step_form": StepForm(), "timeline": workflow.timeline(stoppage),
        "files": list(attachments.attachments_of(stoppage))})


@require_POST
@perm_required("stoppages.view")
def stoppage_act(request, pk):
    stoppage = get_object_or_404(_stoppages(request.user), pk=pk)
    name = request.POST.get("step", "")
    if name not in services.LIFECYCLE.table:
        raise Forbidden()
    version = workflow.posted_version(request)
    if name == "apply":
        act(request, ApplyForm(request.POST, request.FILES),
            lambda d: services.step(request.user, stoppage.pk, "apply", files=d["files"], data={"report": d["report"]},
                                    version=version), "已提交复产申请")
    else:
        act(request, StepForm(request.POST),
            lambda d: services.step(request.user, stoppage.pk, name, comment=d["comment"],
                                    data={"check_team": d["check_team"]}, version=version),
            services.LIFECYCLE.table[name].label + "：已办理")
    return redirect("stoppages:detail", pk=stoppage.pk)


@perm_required("stoppages.view")
def stoppage_file(request, pk, attachment_id):
    return attachments.serve(Stoppage.objects.visible_to(request.user).filter(pk=pk), attachment_id)
