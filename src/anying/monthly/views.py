"""Pages of the monthly report: the enterprise's own (compiled live until it confirms, frozen
after), the town's month (who confirmed, who is late, the sums by industry) with its export, and
the report as a Word document."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from anying.core import audit, exports, wording
from anying.core.errors import PermissionDenied
from anying.core.http import error_text
from anying.core.listing import paginate, parse_id
from anying.core.models import AuditEvent, Industry, Region
from anying.core.officialdoc import download_as
from anying.core.permissions import is_enterprise_user
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required
from anying.registry.models import Enterprise

from . import document, rules, services
from .models import MonthlyReport

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _month(request, default=None):
    return rules.parse_month(request.GET.get("month")) or default or rules.previous_month(timezone.localdate())


def _recent_months(n: int = 12) -> list:
    month, out = rules.previous_month(timezone.localdate()), []
    for _ in range(n):
        out.append(month)
        month = rules.previous_month(month)
    return out


@perm_required("monthly.view")
def mine(request):
    if not is_enterprise_user(request.user):
        return redirect("monthly:overview")
    enterprise = Enterprise.objects.visible_to(request.user).filter(organisation_id=request.user.unit_id).first()
    if enterprise is None:
        raise Forbidden()
    return redirect("monthly:report", enterprise_id=enterprise.pk, month=f"{_month(request):%Y-%m}")


def _enterprise(request, enterprise_id) -> Enterprise:
    return get_object_or_404(Enterprise.objects.visible_to(request.user).select_related("industry", "region"),
                             pk=enterprise_id)


def _report_parts(enterprise, month):
    report = MonthlyReport.objects.filter(enterprise=enterprise, month=month).select_related("confirmed_by").first()
    if report is not None:
        return report, report.figures, report.details
    figures, details = services.compile_report(enterprise, month)
    return None, figures, details


def _blocks(figures: dict) -> list:
    blocks = []
    for source in services.sources():
        values = figures.get(source.key, {})
        blocks.append((source.label, [(label, values.get(key, "—"), unit) for key, label, unit in source.figures]))
    return blocks


@perm_required("monthly.view")
def report(request, enterprise_id, month):
    enterprise = _enterprise(request, enterprise_id)
    month = rules.parse_month(month)
    if month is None:
        raise Forbidden()
    today = timezone.localdate()
    if month >= rules.month_start(today):
        messages.info(request, "本月尚未结束：以下为截至今天的汇总，下月1日起可以确认")
    if request.method == "POST":
        try:
            services.confirm(request.user, enterprise, month, request.POST.get("note", ""))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"已确认{month:%Y年%m月}月报")
        return redirect("monthly:report", enterprise_id=enterprise.pk, month=f"{month:%Y-%m}")
    record, figures, details = _report_parts(enterprise, month)
    hazard_source = next((s for s in services.sources() if s.key == "hazards"), None)
    can_confirm = (record is None and month < rules.month_start(today) and services.may_confirm(request.user, enterprise)
                   and request.user.has_perm_code("monthly.confirm"))
    return render(request, "monthly/report.html", {
        "enterprise": enterprise, "month": month, "report": record, "blocks": _blocks(figures),
        "detail_columns": hazard_source.detail_columns if hazard_source else (),
        "details": details.get("hazards", []), "due": rules.due_on(month), "can_confirm": can_confirm,
        "late_now": record is None and today > rules.due_on(month), "months": _recent_months(),
        "own": is_enterprise_user(request.user)})


@perm_required("monthly.view")
def report_docx(request, enterprise_id, month):
    enterprise = _enterprise(request, enterprise_id)
    month = rules.parse_month(month)
    if month is None:
        raise Forbidden()
    record, figures, details = _report_parts(enterprise, month)
    unit = request.user.unit
    data = wording.render(document.KEY, document.context(enterprise, month, record, figures, details), unit)
    audit.record(request.user, AuditEvent.Action.EXPORT, record or enterprise, summary=f"导出{month:%Y年%m月}企业月报")
    return download_as(data, f"{enterprise.name}_{month:%Y年%m月}安全生产月报.docx", DOCX)


def _filters(request):
    region = industry = None
    region_id, industry_id = parse_id(request.GET.get("region")), parse_id(request.GET.get("industry"))
    if region_id:
        region = Region.objects.filter(region_subtree_q(request.user, "")).filter(pk=region_id).first()
    if industry_id:
        industry = Industry.objects.filter(pk=industry_id).first()
    state = request.GET.get("state", "")
    return region, industry, state if state in services.STATE_LABELS else "", str(request.GET.get("q", ""))[:50].strip()


@perm_required("monthly.view")
def overview(request):
    if is_enterprise_user(request.user):
        return redirect("monthly:mine")
    month = _month(request)
    region, industry, state, q = _filters(request)
    enterprises = services.required(services.visible_enterprises(request.user, region=region, industry=industry, q=q), month)
    view = services.month_view(request.user, month, enterprises)
    rows = [r for r in view["rows"] if not state or r["state"] == state]
    labels = services.figure_labels()
    if request.GET.get("export") == "xlsx":
        return _export(request, month, view, rows, labels, region, industry, state)
    towns = Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(request.user, "")).order_by("sort", "path")
    return render(request, "monthly/overview.html", {
        "month": month, "months": _recent_months(), "view": view, "page": paginate(request, rows, per_page=50),
        "state": state, "states": services.STATE_LABELS, "region": region, "industry": industry, "q": q,
        "towns": towns, "industries": Industry.objects.order_by("path"), "labels": labels,
        "sums": [(name, view["industry_counts"].get(name, 0), [values.get((b, k), 0) for b, _, k, _, _ in labels])
                 for name, values in sorted(view["sums"].items())],
        "query": request.GET.urlencode()})


def _export(request, month, view, rows, labels, region, industry, state):
    book = exports.Book()
    filters = [("月份", f"{month:%Y年%m月}")] + ([("镇街", region.name)] if region else []) + \
        ([("行业", industry.name)] if industry else []) + ([("状态", services.STATE_LABELS[state])] if state else [])
    sheet = book.sheet("报送情况", ["企业", "统一社会信用代码", "镇街", "行业", "状态", "确认时间"],
                       title=f"{month:%Y年%m月}企业安全生产月报报送情况", filters=filters)
    sheet.extend([r["enterprise"].name, r["enterprise"].credit_code, r["enterprise"].region.name,
                  r["enterprise"].industry.name, services.STATE_LABELS[r["state"]],
                  timezone.localtime(r["report"].confirmed_at).replace(tzinfo=None) if r["report"] else ""] for r in rows)
    sums = book.sheet("分行业汇总", ["行业", "已确认企业"] + [f"{label}（{unit}）" for _, _, _, label, unit in labels],
                      title=f"{month:%Y年%m月}企业月报分行业汇总（已确认）", filters=filters)
    sums.extend([name, view["industry_counts"].get(name, 0), *[values.get((b, k), 0) for b, _, k, _, _ in labels]]
                for name, values in sorted(view["sums"].items()))
    return exports.response(request, book, exports.stamp(f"企业月报_{month:%Y%m}"), summary=f"导出{month:%Y年%m月}企业月报报送情况",
                            filters={"month": f"{month:%Y-%m}", "region": region.pk if region else "",
                                     "industry": industry.pk if industry else "", "state": state})
