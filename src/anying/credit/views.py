"""Staff pages of the credit register: the list (filters, .xlsx in the 信用重庆 layout), a
listing's page with its steps, the proposal form; the decided penalties with their publication
(逾期 flagged, 公示 button, .xlsx in the 双公示 行政处罚 layout); the 标准化重新核定 list."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anying.core import exports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import act, error_text, submit
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required
from anying.inspections.models import Penalty

from . import reference, services
from .filters import LATE, ListingFilter, PenaltyFilter
from .forms import ListingForm, StepForm
from .models import Listing, PenaltyNotice

LISTING_HEADER = ["编号", "失信主体名称", "统一社会信用代码", "法定代表人", "主体类别", "列入情形", "失信事实", "法律依据",
                  "列入决定书文号", "作出决定部门", "列入日期", "管理期满", "状态", "移出日期", "移出方式"]
SHOWN = ["q", "region", "status", "ground", "subject"]
PENALTY_SHOWN = ["q", "region", "published", "date_from", "date_to"]


def _towns(user):
    return Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(user, "")).order_by("path")


def _listings(user):
    return Listing.objects.visible_to(user)


def listing_rows(qs):
    """One row per listing in the 信用重庆 名单 layout; a person's name masked, no ID number."""
    for g in qs.iterator(chunk_size=2000):
        person = g.subject == Listing.Subject.PERSON
        yield [g.number, g.public_name, g.enterprise.credit_code, g.enterprise.legal_representative,
               "自然人" if person else "法人及非法人组织", g.ground_label, g.reason, g.legal_basis, g.decision_number,
               g.decision_unit.name, g.listed_on, g.period_end, g.get_status_display(), g.removed_on,
               g.get_removal_display()]


@perm_required("credit.view")
def listing_list(request):
    user = request.user
    flt = ListingFilter.from_params(request.GET, request=request)
    qs = flt.apply(_listings(user)).select_related("enterprise", "enterprise__region", "decision_unit") \
        .order_by("-created_at", "-id")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("严重失信主体名单", LISTING_HEADER, title="安全生产严重失信主体名单",
                           filters=flt.describe(SHOWN))
        count = sheet.extend(listing_rows(qs))
        return exports.response(request, book, exports.stamp("安全生产严重失信主体名单"),
                                summary=f"导出严重失信主体名单 {count} 条", filters=flt.audit_values(SHOWN))
    return render(request, "credit/list.html", {
        "page": paginate(request, qs), "flt": flt, "qs_page": query_without(request, "page"), "qs_export": query_without(request, "page", "export"),
        "towns": _towns(user), "statuses": Listing.Status.choices, "subjects": Listing.Subject.choices,
        "grounds": [(g.key, g.label[:24]) for g in reference.grounds().values()],
        "can_propose": user.has_perm_code("credit.propose")})


@perm_required("credit.view")
def listing_detail(request, pk):
    user = request.user
    listing = get_object_or_404(_listings(user).select_related(
        "enterprise", "enterprise__region", "decision_unit", "penalty", "proposed_by", "approved_by",
        "published_by", "removed_by"), pk=pk)
    return render(request, "credit/detail.html", {
        "listing": listing, "steps": services.LISTINGS.available(user, listing), "step_form": StepForm(),
        "timeline": workflow.timeline(listing)[:40], "ground": reference.grounds().get(listing.ground),
        "show_id": user.has_perm_code("credit.propose"), "conditions": reference.removal_conditions(),
        "years": reference.rule("listing_years"), "months": reference.rule("early_removal_months")})


@perm_required("credit.propose")
def listing_new(request):
    user = request.user
    initial = {}
    raw = request.GET.get("enterprise", "")
    if raw.isascii() and raw.isdigit() and len(raw) < 12:
        initial["enterprise"] = int(raw)
    form = ListingForm(request.POST or None, initial=initial, user=user)
    done = submit(request, form, lambda data: services.propose(user, data),
                  lambda g: f"已提出拟列入：{g.subject_name}，待审核",
                  lambda g: reverse("credit:detail", args=[g.pk]))
    return done or render(request, "credit/form.html", {"form": form, "title": "提出列入严重失信主体名单",
                                                        "grounds": reference.grounds().values()})


@require_POST
@perm_required("credit.view")
def listing_act(request, pk):
    listing = get_object_or_404(_listings(request.user), pk=pk)
    name = request.POST.get("step", "")
    if name not in services.LISTINGS.table:
        raise Forbidden
    if not services.LISTINGS.party_set(request.user, listing) & services.LISTINGS.table[name].parties:
        raise Forbidden
    form = StepForm(request.POST)
    act(request, form,
        lambda data: services.run(request.user, listing.pk, name, comment=data["comment"],
                                  data={"day": data["day"], "removal": data["removal"],
                                        "conditions": data["conditions"]},
                                  version=workflow.posted_version(request)),
        f"已{services.LISTINGS.table[name].label}")
    return redirect("credit:detail", pk=listing.pk)


# ----- 行政处罚公示 -----

def notice_rows(qs):
    """The 双公示 行政处罚 layout (data/penalty_layout.csv), one row per publication."""
    sources = [r["source"] for r in reference.penalty_layout()]
    for n in qs.iterator(chunk_size=2000):
        values = {"party_name": n.party_name, "party_kind": n.party_kind, "credit_code": n.credit_code,
                  "legal_representative": n.legal_representative, "decision_number": n.decision_number,
                  "violation_type": n.violation_type, "facts": n.facts, "basis": n.basis, "category": n.category,
                  "content": n.content, "amount_wan": (n.amount / 10000).quantize(Decimal("0.000001")),
                  "decided_on": n.decided_on, "valid_until": n.publish_until, "publish_until": n.publish_until,
                  "unit_name": n.unit_name, "unit_code": "", "note": "逾期公示" if n.late else ""}
        yield [values.get(s, "") for s in sources]


def notice_header() -> list[str]:
    return [r["column"] for r in reference.penalty_layout()]


@perm_required("credit.view")
def penalty_list(request):
    user = request.user
    flt = PenaltyFilter.from_params(request.GET, request=request)
    decided = Penalty.objects.visible_to(user).filter(decided_on__isnull=False)
    qs = flt.apply(decided).select_related("credit_notice", "unit").order_by("-decided_on", "-id")
    if request.GET.get("export") == "xlsx":
        notices = PenaltyNotice.objects.filter(penalty__in=flt.apply(decided).values("pk")).order_by("-published_on", "-id")
        book = exports.Book()
        sheet = book.sheet("行政处罚", notice_header(), title="行政处罚信息（双公示）", filters=flt.describe(PENALTY_SHOWN))
        count = sheet.extend(notice_rows(notices))
        return exports.response(request, book, exports.stamp("行政处罚信息双公示"),
                                summary=f"导出行政处罚公示信息 {count} 条", filters=flt.audit_values(PENALTY_SHOWN))
    today = services.today()
    page = paginate(request, qs)
    rows = []
    for p in page:
        notice = getattr(p, "credit_notice", None)
        due = notice.due_by if notice else reference.publish_due(p.decided_on)
        rows.append({"p": p, "notice": notice, "due": due,
                     "late": notice.late if notice else today > due})
    return render(request, "credit/penalties.html", {
        "page": page, "rows": rows, "flt": flt, "qs_page": query_without(request, "page"), "qs_export": query_without(request, "page", "export"),
        "towns": _towns(user), "publishes": [("no", "未公示"), ("yes", "已公示"), *LATE],
        "can_publish": user.has_perm_code("credit.publish"),
        "workdays": reference.rule("penalty_publish_workdays")})


@require_POST
@perm_required("credit.publish")
def penalty_publish(request, pk):
    penalty = get_object_or_404(Penalty.objects.visible_to(request.user), pk=pk)
    try:
        notice = services.publish_penalty(request.user, penalty.pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已公示：{notice.party_name}" + ("（已超过公示期限，标记为逾期）" if notice.late else ""))
    return redirect(reverse("credit:penalties") + f"?{query_without(request, 'page')}")


@perm_required("credit.view")
def rerating(request):
    rows = services.rerating(request.user)
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("重新核定", ["企业名称", "镇街", "标准化等级", "证书日期", "提示", "原因"],
                           title="安全生产标准化应重新核定或撤销的企业")
        count = sheet.extend([r["enterprise"].name, r["enterprise"].region.name,
                              r["enterprise"].get_std_grade_display(), r["enterprise"].std_certificate_date,
                              r["action"], _reason(r)] for r in rows)
        return exports.response(request, book, exports.stamp("标准化重新核定提示"),
                                summary=f"导出标准化重新核定提示 {count} 家")
    page = paginate(request, rows)
    for r in page:
        r["reason"] = _reason(r)
    return render(request, "credit/rerating.html", {"page": page, "qs_page": query_without(request, "page")})


def _reason(r) -> str:
    parts = []
    for a in r["accidents"]:
        parts.append(f"{a['occurred_at']:%Y-%m-%d} 发生事故（死亡{a['deaths']}人、重伤{a['serious_injuries']}人、"
                     f"轻伤{a['minor_injuries']}人）")
    for h in r["hazards"]:
        parts.append(f"{h['found_on']} 发现重大事故隐患：{h['description'][:30]}")
    return "；".join(parts)
