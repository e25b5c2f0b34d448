"""Pages of rankings (晾晒) and periodic reports: compute, publish and read rankings; edit a
scheme's indicators and weights; generate, list and download reports. Every read goes through
Ranking/Report.objects.visible_to; writes through rankings and reports."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import amounts, audit, exports
from anying.core.http import act, submit
from anying.core.listing import paginate, query_without
from anying.core.models import AuditEvent
from anying.core.officialdoc import DOCX
from anying.core.views import perm_required

from . import rankings, reports
from .filters import RankingFilter, ReportFilter
from .forms_reports import ComputeForm, GenerateForm, SchemeForm
from .models import Ranking, RankingScheme, Report


@perm_required("oversight.view")
def ranking_list(request):
    can_compute = request.user.has_perm_code("oversight.configure")
    form = ComputeForm(request.POST or None, initial={"day": timezone.localdate()})
    if request.method == "POST" and not can_compute:
        raise Http404
    if request.method == "POST":
        done = submit(request, form, lambda d: rankings.compute(request.user, d["scheme"].pk, d["day"]),
                      lambda r: f"已计算{r}（草稿），核对后发布", lambda r: f"/oversight/rankings/{r.pk}/")
        if done:
            return done
    flt = RankingFilter.from_params(request.GET, request=request)
    qs = flt.apply(Ranking.objects.visible_to(request.user).select_related("scheme", "unit"))
    return render(request, "oversight/ranking_list.html", {
        "page": paginate(request, qs), "qs_page": query_without(request, "page"), "form": form,
        "can_compute": can_compute, "schemes": RankingScheme.objects.all(), "scheme": flt["scheme"]})


@perm_required("oversight.view")
def ranking_detail(request, pk):
    ranking = get_object_or_404(Ranking.objects.visible_to(request.user).select_related("scheme", "unit",
                                                                                        "published_by"), pk=pk)
    if request.GET.get("export") == "xlsx":
        return exports.response(request, _xlsx(ranking), f"{ranking.scheme.name}_{ranking.label}.xlsx",
                                summary=f"导出{ranking}", obj=ranking)
    units = [(i["code"], i["unit"]) for i in ranking.indicators]
    rows = [{**r, "cells": [(_shown(r["values"].get(c), unit), r["scores"].get(c)) for c, unit in units]}
            for r in ranking.rows]
    mine = request.user.unit_id
    history = Ranking.objects.visible_to(request.user).filter(scheme=ranking.scheme, unit=ranking.unit) \
        .exclude(pk=ranking.pk).order_by("-period_start")[:12]
    chart = {"units": [r["unit"] for r in ranking.rows], "totals": [float(Decimal(r["total"])) for r in ranking.rows],
             "mine": mine}
    return render(request, "oversight/ranking_detail.html", {
        "ranking": ranking, "rows": rows, "mine": mine, "history": history, "chart": chart,
        "chart_height": 60 + 24 * len(rows),
        "can_publish": ranking.status == Ranking.Status.DRAFT and request.user.has_perm_code("oversight.configure")})


def _shown(value: str | None, unit: str) -> str | None:
    """An indicator's value as the table shows it: 50,000.00 for 元, 85.50% for a rate."""
    if value is None:
        return None
    return amounts.money(value) if unit == "元" else amounts.pct(value) if unit == "%" else value


def _number(value: str | None, blank: str):
    if value is None:
        return blank
    found = amounts.number(value)
    return value if found is None else found


def _xlsx(ranking: Ranking) -> exports.Book:
    book = exports.Book()
    sheet = book.sheet("排名", ["名次", "单位", *[f"{i['label']}（{i['unit']}）" for i in ranking.indicators],
                                *[f"{i['label']}得分" for i in ranking.indicators], "总分"],
                       title=f"{ranking.scheme.name}（{ranking.label}）")
    # numbers stay numbers (money and rates formatted by their （元）/（%） headers)
    sheet.extend([r["rank"], r["unit"], *[_number(r["values"].get(i["code"]), "不适用") for i in ranking.indicators],
                  *[_number(r["scores"].get(i["code"]), "—") for i in ranking.indicators], Decimal(r["total"])]
                 for r in ranking.rows)
    if ranking.unranked:
        sheet.note(["无监管对象，不参与排名：" + "、".join(u["unit"] for u in ranking.unranked)])
    for i in ranking.indicators:
        sheet.note([i["label"], f"权重 {i['weight']}", "越高越好" if i["better"] == "high" else "越低越好", i["definition"]])
    return book


@require_POST
@perm_required("oversight.configure")
def ranking_publish(request, pk):
    get_object_or_404(Ranking.objects.visible_to(request.user), pk=pk)
    act(request, forms.Form(request.POST), lambda _: rankings.publish(request.user, pk),
        lambda r: f"已发布{r}，各被排名单位已收到通知")
    return redirect("ranking_detail", pk=pk)


@perm_required("oversight.configure")
def scheme_edit(request, pk):
    scheme = get_object_or_404(RankingScheme, pk=pk)
    form = SchemeForm(request.POST or None, scheme=scheme)
    done = submit(request, form,
                  lambda d: rankings.save_scheme(request.user, scheme.pk, form.weights(), is_active=d["is_active"]),
                  lambda s: f"已保存{s}的指标和权重", lambda s: f"/oversight/rankings/schemes/{s.pk}/")
    if done:
        return done
    return render(request, "oversight/scheme_form.html", {"scheme": scheme, "form": form})


@perm_required("oversight.view")
def report_list(request):
    can_generate = request.user.has_perm_code("reports.generate")
    form = GenerateForm(request.POST or None, initial={"day": timezone.localdate(), "kind": Report.Kind.MONTHLY})
    if request.method == "POST" and not can_generate:
        raise Http404
    if request.method == "POST":
        done = submit(request, form, lambda d: reports.generate(request.user, d["kind"], d["day"]),
                      lambda r: f"已生成{r}", lambda r: "/oversight/reports/")
        if done:
            return done
    flt = ReportFilter.from_params(request.GET, request=request)
    qs = flt.apply(Report.objects.visible_to(request.user).select_related("unit", "generated_by"))
    return render(request, "oversight/report_list.html", {
        "page": paginate(request, qs), "qs_page": query_without(request, "page"), "form": form, "kind": flt["kind"],
        "kinds": Report.Kind.choices, "can_generate": can_generate})


@perm_required("oversight.view")
def report_download(request, pk):
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk)
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit.record(request.user, AuditEvent.Action.EXPORT, report, summary=f"下载{report}")
    return FileResponse(handle, as_attachment=True, filename=f"{report.label}{report.get_kind_display()}.docx",
                        content_type=DOCX)
