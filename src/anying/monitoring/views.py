"""Pages of the major hazard installations (the rest of monitoring comes with its issue)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from anying.core import exports, workflow
from anying.core.http import submit
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required
from anying.registry.models import Enterprise

from . import gb18218, services, views_baobao
from .filters import InstallationFilter
from .forms import InstallationForm, chemical_rows
from .models import Installation

HEADER = ["企业", "所在镇街", "单元名称", "单元类型", "S（Σq/Q）", "构成重大危险源", "级别", "R", "厂外500m人口", "投用日期",
          "备案日期", "备案编号", "最近评估", "核销日期", "投用满20年", "油气储存四项系统缺项"]


def _visible(user):
    return Installation.objects.visible_to(user).select_related("enterprise__region")


@perm_required("monitoring.view")
def installation_list(request):
    flt = InstallationFilter.from_params(request.GET, request=request)
    qs = flt.apply(_visible(request.user)).order_by("-is_major", "grade", "enterprise__name", "id")
    if request.GET.get("export") == "xlsx":
        shown = ["q", "grade", "kind", "region", "major", "old", "systems"]
        book = exports.Book()
        count = book.sheet("重大危险源", HEADER, title="危险化学品重大危险源", filters=flt.describe(shown)).extend(
            [i.enterprise.name, i.enterprise.region.name, i.name, i.get_kind_display(), i.s_value,
             "是" if i.is_major else "否", i.get_grade_display() or "", i.r_value if i.is_major else "",
             i.people_within_500m, i.commissioned_on, i.filed_on, i.filing_number, i.assessed_on, i.retired_on,
             "是" if services.is_old(i) else "", "、".join(i.four_systems_missing)] for i in qs.iterator())
        return exports.response(request, book, exports.stamp("重大危险源"), summary=f"导出重大危险源 {count} 个",
                                filters=flt.audit_values(shown))
    page = paginate(request, qs)
    for i in page:
        i.old = services.is_old(i)
    return render(request, "monitoring/list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "grades": [("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")],
        "towns": Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(request.user, "")),
        "can_edit": request.user.has_perm_code("monitoring.edit")})


@perm_required("monitoring.view")
def installation_detail(request, pk):
    inst = get_object_or_404(_visible(request.user), pk=pk)
    return render(request, "monitoring/detail.html", {
        "inst": inst, "chemicals": inst.chemicals.all(), "old": services.is_old(inst), "sensors": inst.sensors.all(),
        "alpha": gb18218.alpha(inst.people_within_500m),
        "can_edit": request.user.has_perm_code("monitoring.edit"), **views_baobao.section(request.user, inst)})


@perm_required("monitoring.edit")
def installation_edit(request, enterprise_id=None, pk=None):
    inst = get_object_or_404(_visible(request.user), pk=pk) if pk else None
    enterprise = inst.enterprise if inst else get_object_or_404(Enterprise.objects.visible_to(request.user),
                                                                pk=enterprise_id)
    form = InstallationForm(request.POST or None, instance=inst)
    rows = chemical_rows(request.POST if request.method == "POST" else None, inst)
    shown = workflow.posted_version(request) if request.method == "POST" else (inst.version if inst else None)

    def save(data):
        lines = [(r["chemical"], r["quantity"], r["category"]) for r in rows if r["chemical"] or r["quantity"]]
        return services.save_installation(request.user, enterprise.pk, data, lines, pk=inst.pk if inst else None,
                                          version=shown)
    done = submit(request, form, save,
                  lambda i: f"已保存：{i.name}（" + (f"{i.get_grade_display()}重大危险源）" if i.is_major else "未构成重大危险源）"),
                  lambda i: reverse("installation_detail", args=[i.pk]))
    return done or render(request, "monitoring/form.html", {
        "form": form, "inst": inst, "enterprise": enterprise, "rows": rows, "shown_version": shown,
        "table1": gb18218.table1().values(), "categories": gb18218.table2().items()})
