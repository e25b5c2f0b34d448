"""The top bar's search box (全局搜索): one query string, the matching records of each kind the
user may see — enterprises by name or 统一社会信用代码, hazards by enterprise, place or
description, inspections by enterprise or 文书文号, tips by 举报编号 — each group its first
rows and a link to its own list with the same search. Every group reads through the list's own
filter and the scope (`visible_to`), so the search finds nothing a list would not show."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import render
from django.urls import reverse

from anying.core import textinput
from anying.core.filters import TEXT_LIMIT
from anying.hazards.queries import HazardFilter
from anying.hazards.queries import list_queryset as hazard_queryset
from anying.inspections.models import EnforcementDocument, Inspection
from anying.registry.queries import EnterpriseFilter
from anying.registry.queries import list_queryset as enterprise_queryset
from anying.tips.filters import TipFilter
from anying.tips.models import Tip

ROWS = 8  # per group: the search finds; the lists browse


def _enterprises(user, q):
    return enterprise_queryset(user, EnterpriseFilter.from_params({"q": q})).order_by("name", "id")


def _hazards(user, q):
    return hazard_queryset(user, HazardFilter.from_params({"q": q})).order_by("-found_on", "-id")


def _inspections(user, q):
    named = _enterprises(user, q).order_by().values("pk")[:500]
    numbered = EnforcementDocument.objects.filter(inspection_id=OuterRef("pk"), number__contains=q)
    return Inspection.objects.visible_to(user).filter(Q(enterprise_id__in=named) | Q(Exists(numbered))) \
        .select_related("enterprise", "unit").order_by("-inspected_on", "-id")


def _tips(user, q):
    return TipFilter.from_params({"q": q}).apply(Tip.objects.visible_to(user)).order_by("-id")


def _group(label, qs, describe, more_url):
    rows = list(qs[:ROWS + 1])
    return {"label": label, "rows": [describe(r) for r in rows[:ROWS]], "more": len(rows) > ROWS, "more_url": more_url}


@login_required
def search(request):
    user = request.user
    q = textinput.lenient(request.GET.get("q", ""))[:TEXT_LIMIT].strip()
    groups = []
    if q:
        if user.has_perm_code("registry.view"):
            groups.append(_group("生产经营单位", _enterprises(user, q), lambda e: (
                e.name, reverse("enterprise_detail", args=[e.pk]), f"{e.credit_code} · {e.region.name} · {e.industry.name}"),
                f"{reverse('enterprise_list')}?{urlencode({'q': q})}"))
            groups.append(_group("隐患", _hazards(user, q), lambda h: (
                f"{h.enterprise.name} · {h.place}", reverse("hazard_detail", args=[h.pk]),
                f"{h.found_on:%Y-%m-%d} · {h.get_level_display()} · {h.get_status_display()}"),
                f"{reverse('hazard_list')}?{urlencode({'q': q})}"))
            groups.append(_group("执法检查", _inspections(user, q), lambda i: (
                f"{i.enterprise.name} · {i.inspected_on:%Y-%m-%d}", reverse("inspection_detail", args=[i.pk]),
                f"{i.unit.name} · {i.get_status_display()}"), ""))
        if user.has_perm_code("tips.view"):
            groups.append(_group("举报", _tips(user, q), lambda t: (
                f"举报 {t.display_code} · {t.get_category_display()}", reverse("tip_detail", args=[t.pk]),
                f"{t.place} · {t.get_status_display()}"), f"{reverse('tip_list')}?{urlencode({'q': q})}"))
    return render(request, "search.html", {"q": q, "groups": groups, "found": any(g["rows"] for g in groups)})
