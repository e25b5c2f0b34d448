"""Pages of 接报 and 信息报送 (services.py holds the rules, rules.py the deadlines)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Min
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import audit, exports, workflow
from anying.core.http import act, submit
from anying.core.listing import paginate, parse_id, query_without
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.officialdoc import OfficialDocument, download
from anying.core.scope import region_subtree_q, unit_region_path
from anying.core.views import perm_required
from anying.oversight.models import Grade

from . import rules as R
from . import services
from .filters import IncidentFilter
from .forms import (
    FlagForm,
    IncidentForm,
    IncidentReportForm,
    MergeForm,
    QualityForm,
    ReasonForm,
    RuleForm,
    StepForm,
    VerifyForm,
)
from .models import DeskSetting, Due, Flag, Incident, Kind, Report, ReportRule

HEADER = ["接报编号", "事件名称", "类别", "类型", "等级", "发生时间", "接报时间", "发生地", "详细地点", "事发单位", "来源",
          "死亡", "失踪", "被困", "受伤", "重伤", "直接经济损失（元）", "状态", "接报单位", "已核实", "演练"]


def _incident(user, pk) -> Incident:
    return get_object_or_404(Incident.objects.visible_to(user).select_related(
        "region", "unit", "enterprise", "industry", "accident_type", "merged_into", "accident"), pk=pk)


def _t(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- the list ----------------------------------------------------------------------------------

@perm_required("incidents.view")
def incident_list(request):
    flt = IncidentFilter.from_params(request.GET, request=request)
    qs, sort = flt.sort(flt.apply(Incident.objects.visible_to(request.user)))
    qs = qs.select_related("region", "unit", "enterprise")
    if request.GET.get("export") == "xlsx":
        shown = ["q", "status", "grade", "category", "kind", "source", "region", "date_from", "date_to", "overdue",
                 "exercise"]
        book = exports.Book()
        count = book.sheet("接报事件", HEADER, title="接报事件", filters=flt.describe(shown)).extend(
            [i.number, i.title, i.get_category_display(), i.get_kind_display(), i.get_grade_display(),
             _t(i.occurred_at), _t(i.received_at), i.region.name, i.place, i.party_name, i.get_source_display(),
             i.deaths, i.missing, i.trapped, i.injured, i.serious_injuries, i.direct_loss, i.get_status_display(),
             i.unit.name, "是" if i.verified else "否", "是" if i.is_exercise else "否"] for i in qs.iterator())
        return exports.response(request, book, exports.stamp("接报事件"), summary=f"导出接报事件 {count} 条",
                                filters=flt.audit_values(shown))
    page = paginate(request, qs)
    ids = [i.pk for i in page]
    nxt = dict(Due.objects.filter(incident_id__in=ids, met_at__isnull=True, cancelled=False)
               .values("incident_id").annotate(first=Min("due_at")).values_list("incident_id", "first"))
    for i in page:
        i.next_due = nxt.get(i.pk)
    return render(request, "incidents/list.html", {
        "page": page, "flt": flt, "sort": sort, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "now": timezone.now(),
        "statuses": Incident.Status.choices, "grades": Grade.choices, "kinds": Kind.choices,
        "towns": Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(request.user, "")),
        "can_take": request.user.has_perm_code("incidents.take") and services.is_desk(request.user.unit)})


# --- intake and editing ---------------------------------------------------------------------------

@perm_required("incidents.take")
def incident_new(request):
    if not services.is_desk(request.user.unit):
        raise Forbidden
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    initial = {"received_at": now, "occurred_at": now, "source": "phone"}
    drill = parse_id(request.GET.get("drill"))
    if drill:  # 按真实流程演练 from a drill's page
        initial.update({"drill": drill, "is_exercise": True})
    form = IncidentForm(request.POST or None, user=request.user, initial=initial)
    done = submit(request, form, lambda data: services.record(request.user, form.service_data(request.user)),
                  lambda i: f"已接报：{i.number}（{i.get_grade_display()}），报送时限已开始计时",
                  lambda i: reverse("incident_detail", args=[i.pk]))
    return done or render(request, "incidents/form.html", {"form": form, "incident": None})


@perm_required("incidents.take")
def incident_edit(request, pk):
    incident = _incident(request.user, pk)
    if incident.status in (Incident.Status.MERGED, Incident.Status.DISMISSED):
        raise Http404
    if services.desk_of(request.user, incident) is None and not request.user.is_superuser:
        raise Forbidden  # the facts are kept by the desks holding the incident
    form = IncidentForm(request.POST or None, user=request.user, initial=IncidentForm.initial_of(incident))
    shown = workflow.posted_version(request) if request.method == "POST" else incident.version
    done = submit(request, form,
                  lambda data: services.update(request.user, incident.pk, form.service_data(request.user, incident),
                                               version=shown),
                  lambda i: f"已更新事件情况（{i.get_grade_display()}）", lambda i: reverse("incident_detail", args=[i.pk]))
    return done or render(request, "incidents/form.html", {"form": form, "incident": incident, "shown_version": shown})


@perm_required("incidents.take")
def enterprise_search(request):
    """Registered enterprises of the user's scope by name, for the form's 事发单位 field (the accident
    form's search: oversight.views_accidents.enterprise_choices)."""
    from anying.oversight.views_accidents import enterprise_choices

    return enterprise_choices(request)


# --- the incident page ----------------------------------------------------------------------------

@perm_required("incidents.view")
def incident_detail(request, pk):
    user = request.user
    incident = _incident(user, pk)
    desks = list(incident.desks.select_related("unit", "upstream").prefetch_related("reports", "dues__rule"))
    mine = next((d for d in desks if d.unit_id == user.unit_id), None)
    can_take = user.has_perm_code("incidents.take") and incident.status in (Incident.Status.OPEN, Incident.Status.CLOSED)
    # the facts are kept by the desks holding it; 核销 and 合并 by the top one (services._top_desk)
    keeps = can_take and mine is not None
    tops = keeps and not (mine.upstream_id and any(d.unit_id == mine.upstream_id for d in desks))
    now = timezone.now()
    chains = []
    for d in desks:
        dues = sorted(d.dues.all(), key=lambda x: x.due_at)
        for x in dues:
            services.countdown(x, now)
        chains.append({"desk": d, "reports": list(d.reports.all()),
                       "open": [x for x in dues if x.is_open], "met": [x for x in dues if x.met_at],
                       "mine": d is mine})
    stages = services.next_stage(mine) if mine and can_take else []
    report_form = IncidentReportForm(initial={"stage": stages[0] if stages else "", "content": _draft(incident)})
    report_form.fields["stage"].choices = [(s, Report.Stage(s).label) for s in stages]
    flags = list(incident.flags.select_related("unit", "enterprise", "report", "created_by"))
    candidates = []
    if tops and incident.status == Incident.Status.OPEN:
        window = dt.timedelta(hours=24)
        candidates = list(Incident.objects.visible_to(user).filter(
            status=Incident.Status.OPEN, region__path__startswith=services._town_of(incident.region).path,
            occurred_at__range=(incident.occurred_at - window, incident.occurred_at + window)).exclude(pk=incident.pk)
            .order_by("occurred_at")[:20])
    flag_units = Organisation.objects.filter(pk__in=[d.unit_id for d in desks]).exclude(pk=user.unit_id) \
        .filter(region_subtree_q(user, "region"))
    from .views_response import response_context

    return render(request, "incidents/detail.html", {**response_context(request, incident),
        "incident": incident, "chains": chains, "mine": mine, "now": now, "can_take": can_take, "keeps": keeps,
        "tops": tops,
        "stages": stages, "report_form": report_form, "step_form": StepForm(), "verify_form": VerifyForm(),
        "flag_form": FlagForm(units=flag_units), "can_flag": user.has_perm_code("incidents.flag"),
        "flags": flags, "timeline": workflow.timeline(incident).order_by("at", "id"),
        "merged": incident.merged.visible_to(user), "merge_form": MergeForm(candidates=candidates) if candidates else None,
        "reason_form": ReasonForm(), "window_ends": R.supplement_window_ends(R.Rules(), incident)})


def _draft(incident: Incident) -> str:
    """A report's first draft from the facts (条例第十二条's items), for the desk to edit."""
    t = timezone.localtime(incident.occurred_at)
    return (f"{t:%Y年%m月%d日%H时%M分}，{incident.region}{incident.place}"
            f"{('（' + incident.party_name + '）') if incident.party_name else ''}发生{incident.get_kind_display()}。"
            f"{incident.description}\n伤亡情况：{incident.casualties_text}；初步估计直接经济损失{incident.direct_loss}元。"
            + (f"\n已采取的措施：{incident.measures}" if incident.measures else ""))


def _post(request, pk, form_class, action, success, **form_kwargs):
    _incident(request.user, pk)
    act(request, form_class(request.POST, **form_kwargs), action, success)
    return redirect("incident_detail", pk=pk)


@perm_required("incidents.take")
@require_POST
def incident_report(request, pk):
    return _post(request, pk, IncidentReportForm, lambda d: services.submit(
        request.user, pk, d["stage"], d["medium"], d["content"], signed_by=d["signed_by"], at=d["at"]),
        lambda r: f"已报送{r.label}" + (f"（迟报 {r.late_minutes} 分钟）" if r.late_minutes else ""))


@perm_required("incidents.take")
@require_POST
def incident_step(request, pk):
    return _post(request, pk, StepForm, lambda d: services.add_step(request.user, pk, d["kind"], d["at"], d["text"]),
                 "已记录处置环节")


@perm_required("incidents.take")
@require_POST
def incident_verify(request, pk):
    return _post(request, pk, VerifyForm, lambda d: services.verify(
        request.user, pk, d["verification"], version=workflow.posted_version(request)), "已记录核实情况")


@perm_required("incidents.take")
@require_POST
def incident_merge(request, pk):
    incident = _incident(request.user, pk)
    other = parse_id(request.POST.get("other"))
    if other is None:
        messages.error(request, "请选择要合并的接报")
        return redirect("incident_detail", pk=pk)
    act(request, ReasonForm({"reason": request.POST.get("reason") or "同一事件的多次接报"}),
        lambda d: services.merge(request.user, incident.pk, other, d["reason"]), "已合并：另一条接报并入本事件")
    return redirect("incident_detail", pk=pk)


@perm_required("incidents.take")
@require_POST
def incident_dismiss(request, pk):
    return _post(request, pk, ReasonForm, lambda d: services.dismiss(
        request.user, pk, d["reason"], version=workflow.posted_version(request)), "已核销（误报）")


@perm_required("incidents.take")
@require_POST
def report_receive(request, pk):
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk)
    act(request, ReasonForm({"reason": "签收"}), lambda d: services.receive(request.user, report.pk), "已签收")
    return redirect("incident_detail", pk=report.incident_id)


@perm_required("incidents.view")
def report_detail(request, pk):
    """A report as it was sent: the frozen facts, printable."""
    report = get_object_or_404(Report.objects.visible_to(request.user).select_related(
        "incident", "desk__unit", "submitted_by", "received_by"), pk=pk)
    return render(request, "incidents/report.html", {"report": report, "incident": report.incident,
                                                     "facts": _facts(report.snapshot)})


FACT_LABELS = [("title", "事件名称"), ("kind", "类型"), ("grade", "等级"), ("party", "事发单位"), ("region", "发生地"),
               ("place", "详细地点"), ("occurred_at", "发生时间"), ("deaths", "死亡"), ("missing", "失踪"),
               ("trapped", "被困"), ("injured", "受伤"), ("serious_injuries", "其中重伤"),
               ("direct_loss", "直接经济损失（元）"), ("measures", "已采取的措施")]


def _facts(snapshot: dict) -> list[tuple[str, str]]:
    return [(label, str(snapshot.get(key, "")).replace("T", " ")) for key, label in FACT_LABELS
            if snapshot.get(key) not in (None, "")]


@perm_required("incidents.flag")
@require_POST
def incident_flag(request, pk):
    incident = _incident(request.user, pk)
    units = Organisation.objects.filter(pk__in=incident.desks.values("unit_id")).filter(
        region_subtree_q(request.user, "region"))

    def save(d):
        return services.flag(request.user, pk, d["kind"], d["reason"], unit=d["unit"],
                             enterprise=incident.enterprise if d["enterprise"] else None)
    act(request, FlagForm(request.POST, units=units), save, lambda f: f"已认定{f.get_kind_display()}：{f.party}")
    return redirect("incident_detail", pk=pk)


@perm_required("incidents.flag")
@require_POST
def flag_withdraw(request, pk):
    found = get_object_or_404(Flag.objects.visible_to(request.user), pk=pk)
    act(request, ReasonForm(request.POST), lambda d: services.withdraw_flag(request.user, pk, d["reason"]), "已撤销认定")
    return redirect("incident_detail", pk=found.incident_id)


# --- reporting quality (A2.8) ------------------------------------------------------------------------

def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    form = QualityForm(request.GET or None)
    if request.GET and form.is_valid() and form.cleaned_data["start"] <= form.cleaned_data["end"]:
        return form.cleaned_data["start"], form.cleaned_data["end"]
    return today.replace(day=1), today


def _quality_units(user) -> list[Organisation]:
    """The desks below (and including) the user's unit."""
    if not user.unit_id:
        return []
    from anying.core.scope import user_industry_ids

    if user_industry_ids(user) is not None:  # a department limited to some industries: its own desk only
        return [user.unit]
    return list(Organisation.objects.filter(services.touched_units_q(), region__path__startswith=unit_region_path(user))
                .select_related("region").order_by("region__path", "kind", "name"))


def _quality_rows(user, start, end):
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time(), tzinfo=tz)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    rows = services.quality(_quality_units(user), begin, finish)
    return [r for r in rows if r["reports"] or r["unmet"] or r["flags"]]


@perm_required("incidents.view")
def incident_quality(request):
    start, end = _period(request)
    rows = _quality_rows(request.user, start, end)
    return render(request, "incidents/quality.html", {
        "rows": rows, "start": start, "end": end, "form": QualityForm(initial={"start": start, "end": end}),
        "qs": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"})


@perm_required("incidents.view")
def incident_quality_docx(request):
    """The 通报 on reporting quality (001「视情对灾情报送情况进行通报」): per unit, late reports and
    average delay, deadlines still unmet, flags found."""
    start, end = _period(request)
    rows = _quality_rows(request.user, start, end)
    unit = request.user.unit
    late_total = sum(r["late"] for r in rows)
    table = [[r["unit"].name, r["reports"], r["late"], r["average"] or "—",
              f"{r['on_time_rate']}%" if r["on_time_rate"] is not None else "—", r["unmet"],
              "、".join(f"{Flag.Kind(k).label}{n}" for k, n in r["flags"].items()) or "—"] for r in rows]
    paragraphs = [f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}，各单位共报送事件信息{sum(r['reports'] for r in rows)}份，"
                  f"其中迟报{late_total}份；逾期未报{sum(r['unmet'] for r in rows)}项。迟报按各份报告的应报时限"
                  f"（《生产安全事故报告和调查处理条例》等，见系统“报送时限”）自动认定。"]
    worst = [r for r in rows if r["late"] or r["unmet"] or r["flags"]]
    if worst:
        paragraphs.append("存在问题的单位：" + "；".join(
            f"{r['unit'].name}迟报{r['late']}份（平均迟{r['average']}分钟），逾期未报{r['unmet']}项" for r in worst[:10]) + "。")
        paragraphs.append("请上述单位分析原因，落实24小时值班值守和信息报送制度，确保信息报告及时、准确、完整，"
                          "杜绝迟报、漏报、谎报、瞒报。")
    else:
        paragraphs.append("各单位均按时限报送。")
    content = OfficialDocument(
        title=f"关于{start:%Y年%m月%d日}至{end:%Y年%m月%d日}突发事件信息报送情况的通报", paragraphs=paragraphs,
        tables=[(["单位", "报送份数", "迟报份数", "平均迟报（分钟）", "按时率", "逾期未报", "认定问题"], table)],
        unit=unit.issuer_name if unit else "", date=timezone.localdate()).render()
    audit.record(request.user, AuditEvent.Action.EXPORT, None,
                 summary=f"导出信息报送情况通报 {start:%Y-%m-%d}至{end:%Y-%m-%d}（{len(rows)}个单位）")
    return download(content, f"信息报送情况通报{start:%Y%m%d}-{end:%Y%m%d}.docx")


# --- the deadlines in force ------------------------------------------------------------------------

def _own_region(user) -> Region | None:
    return user.unit.region if user.unit_id else None


@perm_required("incidents.view")
def rules_page(request):
    """The deadlines in force for the user's region, each with its source and quote; a district (or a
    province) adds its own or replaces a default from a date."""
    region = _own_region(request.user)
    today = timezone.localdate()
    in_force = R.Rules().in_force(region, today) if region else list(ReportRule.objects.filter(region=None))
    own = ReportRule.objects.filter(region=region).order_by("code", "-effective_from") if region else []
    can_configure = request.user.has_perm_code("incidents.configure") and region is not None
    form = RuleForm(request.POST or None, initial={"effective_from": today})
    setting_unit = DeskSetting.objects.filter(region=region).select_related("unit").first() if region else None
    if request.method == "POST":
        if not can_configure:
            raise Forbidden
        done = submit(request, form, lambda data: services.save_rule(request.user, region, form),
                      lambda r: f"已保存本地区报送时限：{r.label}", lambda r: reverse("incident_rules"))
        if done:
            return done
    return render(request, "incidents/rules.html", {
        "in_force": sorted(in_force, key=lambda r: (r.stage, r.code)), "own": own, "form": form,
        "can_configure": can_configure, "region": region, "setting": setting_unit,
        "setting_units": Organisation.objects.filter(services.touched_units_q(), region=region) if region else []})


@perm_required("incidents.configure")
@require_POST
def desk_setting(request):
    region = _own_region(request.user)
    unit_id = parse_id(request.POST.get("unit"))
    unit = Organisation.objects.filter(services.touched_units_q(), region=region, pk=unit_id).first() if region else None
    if unit is None:
        messages.error(request, "请选择本级接收下级报告的单位")
        return redirect("incident_rules")
    services.save_desk_setting(request.user, region, unit, request.POST.get("upstream_name", ""))
    messages.success(request, "已保存接报与上报设置")
    return redirect("incident_rules")
