"""Pages of the special work permits: the list (filters, .xlsx), the town's 正在作业 list of the
permits open now, a permit's page (workers, measures, gas analyses, approvals, steps, timeline),
the form, the gas-analysis form, the printable permit and the rules in force (data)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import exports, workflow
from anying.core.http import act, submit
from anying.core.listing import paginate, query_without
from anying.core.views import perm_required

from . import rules, services
from .filters import PermitFilter
from .forms import AnalysisForm, PermitForm, StepForm
from .models import Permit

HEADER = ["作业票编号", "企业", "作业类别", "作业级别", "作业地点", "作业内容", "计划开始", "有效期至", "监护人",
          "作业人员数", "承包商人员数", "气体分析次数", "状态", "超期未关闭"]
SHOWN = ["q", "kind", "level", "status", "region", "industry", "expired", "date_from", "date_to"]


def _permits(user):
    return Permit.objects.visible_to(user)


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _rows(qs):
    """Plain values with two counts per permit: 50,000 permits export without loading models."""
    kinds = dict(rules.kind_choices())
    levels = {(lv.kind, lv.code): lv.name for lv in rules.levels().values()}
    statuses = dict(Permit.Status.choices)
    qs = qs.annotate(n_workers=Count("workers", distinct=True),
                     n_contractors=Count("workers", filter=Q(workers__contractor=True), distinct=True),
                     n_analyses=Count("analyses", distinct=True))
    for (number, ent, kind, level, place, content, start, until, guardian, workers, contractors, analyses, status,
         expired) in qs.values_list("number", "enterprise__name", "kind", "level", "place", "content", "valid_from",
                                    "valid_until", "guardian_name", "n_workers", "n_contractors", "n_analyses",
                                    "status", "expired").iterator(chunk_size=2000):
        yield [number, ent, kinds[kind], levels.get((kind, level), "") if level else "", place, content, _local(start),
               _local(until), guardian, workers, contractors, analyses, statuses[status], "是" if expired else ""]


def _listing(request, *, open_now: bool):
    user = request.user
    flt = PermitFilter.from_params(request.GET, request=request)
    qs = flt.apply(_permits(user))
    if open_now:
        qs = qs.filter(status__in=Permit.OPEN)
    qs = qs.select_related("enterprise").order_by("-valid_from", "-id")
    title = "正在作业的特殊作业票" if open_now else "特殊作业票"
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        sheet = book.sheet(title[:28], HEADER, title=title, filters=flt.describe(SHOWN))
        count = sheet.extend(_rows(qs))
        return exports.response(request, book, exports.stamp(title), summary=f"导出{title} {count} 张",
                                filters=flt.audit_values(SHOWN))
    page = paginate(request, qs)
    return render(request, "permits/list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"), "open_now": open_now, "title": title,
        "qs_export": query_without(request, "page", "export"), "now": timezone.now(),
        "kinds": rules.kind_choices(), "levels": rules.level_choices(),
        "statuses": [("open", "正在作业"), *Permit.Status.choices],
        "can_write": user.has_perm_code("permits.write")})


@perm_required("permits.view")
def permit_list(request):
    return _listing(request, open_now=False)


@perm_required("permits.view")
def permit_open(request):
    """The town's view of the permits open now (作业中 or 中断) across its enterprises."""
    return _listing(request, open_now=True)


@perm_required("permits.view")
def permit_detail(request, pk):
    user = request.user
    permit = get_object_or_404(_permits(user).select_related("enterprise", "created_by", "closed_by"), pk=pk)
    steps = services.PERMITS.available(user, permit)
    can_write = user.has_perm_code("permits.write") and permit.status in Permit.LIVE
    now = timezone.now()
    return render(request, "permits/detail.html", {
        "permit": permit, "workers": list(permit.workers.all()), "analyses": list(permit.analyses.all()),
        "approvals": list(permit.approvals.select_related("approver")),
        "measures": [(m, m.code in permit.measures) for m in rules.measures_of(permit.kind)],
        "details": [(services.DETAIL_LABELS[k], permit.details.get(k, "")) for k in permit.kind_info.required_fields],
        "missing": services.missing_for_approval(permit) if permit.status == Permit.Status.DRAFT else [],
        "start_refusal": (services.validity_refusal(permit, now) or services.gas_refusal(permit, now))
        if permit.status == Permit.Status.APPROVED else "",
        "rule": permit.gas_rule, "level": permit.level_info, "steps": steps, "step_form": StepForm(),
        "analysis_form": AnalysisForm(initial={"taken_at": timezone.localtime(now)}) if can_write else None,
        "can_edit": can_write and permit.status == Permit.Status.DRAFT and not permit.approvals.exists(),
        "timeline": workflow.timeline(permit)[:60], "now": now})


@perm_required("permits.write")
def permit_edit(request, pk=None):
    """A new permit starts with its kind (?kind=, one of the eight); then only that kind's form."""
    user = request.user
    permit = get_object_or_404(_permits(user), pk=pk) if pk else None
    if permit is not None and permit.status != Permit.Status.DRAFT:
        raise Forbidden
    kind = permit.kind if permit else request.GET.get("kind", "")
    if kind not in rules.kinds():
        return render(request, "permits/choose.html", {"kinds": rules.kinds().values(),
                                                       "levels": rules.levels().values()})
    form = PermitForm(request.POST or None, kind=kind, initial=PermitForm.initial_of(permit) if permit else {})
    shown = workflow.posted_version(request) if request.method == "POST" else (permit.version if permit else None)
    done = submit(request, form,
                  lambda data: services.save_permit(user, form.to_data(data), pk=permit.pk if permit else None,
                                                    version=shown),
                  lambda p: f"已保存作业票 {p.number}（{p.title}），有效期至 {_local(p.valid_until)}",
                  lambda p: reverse("permit_detail", args=[p.pk]))
    return done or render(request, "permits/form.html", {
        "form": form, "permit": permit, "shown_version": shown, "kind": rules.kinds()[kind],
        "levels": rules.levels_of(kind),
        "title": f"修改作业票 {permit.number}" if permit else f"填报{rules.kinds()[kind].name}票"})


@perm_required("permits.write")
def permit_analysis(request, pk):
    user = request.user
    permit = get_object_or_404(_permits(user).select_related("enterprise"), pk=pk)
    if permit.status not in Permit.LIVE:
        raise Forbidden
    form = AnalysisForm(request.POST or None, initial={"taken_at": timezone.localtime(timezone.now())})
    shown = workflow.posted_version(request) if request.method == "POST" else permit.version
    done = submit(request, form,
                  lambda data: services.record_analysis(user, permit.pk, AnalysisForm.to_data(data), version=shown),
                  lambda a: "已记录气体分析：" + ("合格" if a.passed else "不合格（" + a.failures + "）"),
                  lambda a: reverse("permit_detail", args=[permit.pk]) + "#gas")
    return done or render(request, "permits/analysis.html", {
        "form": form, "permit": permit, "shown_version": shown, "rule": permit.gas_rule})


@require_POST
@perm_required("permits.view")
def permit_act(request, pk):
    permit = get_object_or_404(_permits(request.user), pk=pk)
    name = request.POST.get("step", "")
    if name not in services.PERMITS.table:
        raise Forbidden
    if not services.PERMITS.party_set(request.user, permit) & services.PERMITS.table[name].parties:
        raise Forbidden
    form = StepForm(request.POST)
    act(request, form,
        lambda data: services.run(request.user, permit.pk, name, comment=data["comment"],
                                  data={"title": data["title"]}, version=workflow.posted_version(request)),
        lambda p: _done(services.PERMITS.table[name].label, p.get_status_display()))
    return redirect("permit_detail", pk=permit.pk)


def _done(label: str, status: str) -> str:
    """“已审批，作业票状态：待审批” (a level needing a second signature) says more than the step;
    “已完工验收” says enough."""
    return f"已{label}" if label in status else f"已{label}，作业票状态：{status}"


@perm_required("permits.view")
def permit_print(request, pk):
    permit = get_object_or_404(_permits(request.user).select_related("enterprise", "closed_by"), pk=pk)
    return render(request, "permits/print.html", {
        "permit": permit, "workers": list(permit.workers.all()), "analyses": list(permit.analyses.all()),
        "approvals": list(permit.approvals.select_related("approver")),
        "measures": [(m, m.code in permit.measures) for m in rules.measures_of(permit.kind)],
        "details": [(services.DETAIL_LABELS[k], permit.details.get(k, "")) for k in permit.kind_info.required_fields],
        "level": permit.level_info})


@perm_required("permits.view")
def permit_rules(request):
    return render(request, "permits/rules.html", {
        "kinds": rules.kinds().values(), "levels": rules.levels().values(), "gas": rules.gas_rules().values(),
        "substances": rules.substances().values(), "measures": rules.measures(), "unverified": rules.unverified()})
