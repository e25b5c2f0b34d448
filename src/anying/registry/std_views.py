"""Pages of standardization: 达标率 by town and by industry against the towns' targets, the
未达标及需复评 list with its .xlsx/.docx, and the district admin's targets."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, exports, textinput
from anying.core.errors import PermissionDenied
from anying.core.http import error_text
from anying.core.models import AuditEvent, Region
from anying.core.officialdoc import download
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required

from . import standardization as std
from .models import StandardizationTarget
from .queries import StandardizationFilter


def _year(request) -> int:
    return StandardizationFilter.from_params(request.POST if request.method == "POST" else request.GET)["year"]


def _links(rows: list[dict], key: str, year: int) -> None:
    """Each figure links to the enterprise list filtered to the enterprises behind it."""
    base = reverse("enterprise_list")
    for row in rows:
        own = {key: row["id"]} if row.get("id") else {}
        row["links"] = {
            "enterprises": f"{base}?{urlencode({**own, 'status': 'operating'})}",
            "certified": f"{base}?{urlencode({**own, 'status': 'operating', 'std_status': 'certified'})}",
            "achieved": f"{base}?{urlencode({**own, 'status': 'operating', 'std_status': 'certified', 'cert_year': year})}",
            "expiring_90": f"{base}?{urlencode({**own, 'expires_within': 90})}",
            "expiring_30": f"{base}?{urlencode({**own, 'expires_within': 30})}",
        }


@perm_required("registry.oversee")
def standardization_report(request):
    year = _year(request)
    today = timezone.localdate()
    towns, industries = std.by_town(request.user, year, today), std.by_industry(request.user, year, today)
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        std.export_rates(book, year, towns, industries, today)
        return exports.response(request, book, f"{year}年标准化达标率.xlsx", summary=f"导出{year}年标准化达标率")
    town_total, industry_total = std.totals(towns), std.totals(industries)
    _links(towns, "region", year)
    _links(industries, "industry", year)
    _links([town_total, industry_total], "region", year)
    return render(request, "registry/standardization/report.html", {
        "year": year, "years": range(today.year + 1, today.year - 6, -1), "towns": towns, "industries": industries,
        "town_total": town_total, "industry_total": industry_total, "today": today,
        "can_configure": request.user.has_perm_code("registry.configure")})


@perm_required("registry.oversee")
def standardization_below(request):
    """The 未达标及需复评 list, on screen and as 附件2 (.xlsx / .docx)."""
    year = _year(request)
    enterprises = list(std.below_standard(request.user, year))
    fmt = request.GET.get("format", "")
    if fmt in ("xlsx", "docx"):
        rows = std.list_rows(enterprises)
        summary = f"导出{year}年标准化未达标及需复评名单 {len(rows)} 家（.{fmt}）"
        if fmt == "xlsx":
            book = exports.Book()
            std.export_xlsx(book, year, rows)
            return exports.response(request, book, f"{std.list_title(year)}.xlsx", summary=summary)
        audit.record(request.user, AuditEvent.Action.EXPORT, None, summary=summary)
        return download(std.export_docx(year, rows), f"{std.list_title(year)}.docx")
    for ent in enterprises:
        ent.below_note = std.note(ent)
    return render(request, "registry/standardization/below.html", {
        "year": year, "enterprises": enterprises, "title": std.list_title(year)})


@perm_required("registry.configure")
def standardization_targets(request):
    """The towns' targets of a year, for the admin's territory; blank or “/” means no target."""
    year = _year(request)
    towns = list(Region.objects.filter(region_subtree_q(request.user, ""), level=Region.Level.TOWN)
                 .order_by("sort", "id"))
    stored = {t.region_id: t for t in StandardizationTarget.objects.filter(year=year, region__in=towns)}
    if request.method == "POST":
        try:
            values = {town.pk: (std.parse_target(request.POST.get(f"total-{town.pk}", "")),
                                std.parse_target(request.POST.get(f"above-{town.pk}", ""))) for town in towns}
            changed = std.save_targets(request.user, year, values, source=textinput.clean(request.POST.get("source", ""), multiline=False).strip())
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"已保存 {year} 年达标任务（{changed} 个镇街有变化）。")
            return redirect(f"{reverse('standardization_targets')}?year={year}")
    def shown(value):
        return "/" if value is None else value

    if request.method == "POST":  # a refused form comes back as it was typed
        rows = [(town, request.POST.get(f"total-{town.pk}", ""), request.POST.get(f"above-{town.pk}", ""))
                for town in towns]
        source = request.POST.get("source", "")
    else:
        rows = [(town, shown(stored[town.pk].target_total) if town.pk in stored else "",
                 shown(stored[town.pk].target_above_scale) if town.pk in stored else "") for town in towns]
        source = next((t.source for t in stored.values() if t.source), "")
    return render(request, "registry/standardization/targets.html", {
        "year": year, "rows": rows, "source": source, "years": range(timezone.localdate().year + 1, 2019, -1)})
