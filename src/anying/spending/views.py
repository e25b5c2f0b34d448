"""Pages of the safety-spending ledger: the list of yearly ledgers with their rate against the
提取标准 (filters: year, town, class, 未足额; .xlsx), a ledger's page (the computation, entries,
spending by category, vouchers, the entry form for the enterprise), the ledger form and the
提取标准 page that shows the 办法's figures with their sources."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Count, F, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from anying.core import attachments, exports
from anying.core.http import submit
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required
from anying.registry.models import Enterprise

from . import reference, services
from .filters import UNDER, LedgerFilter
from .forms import EntryForm, LedgerForm
from .models import Entry, Ledger

HEADER = ["企业名称", "统一社会信用代码", "镇街", "年度", "行业类别", "计提依据", "应提取（元）", "上年结余（元）", "已提取（元）",
          "提取比例（%）", "已使用（元）", "使用占比（%）", "结余（元）"]
ENTRY_HEADER = ["日期", "类型", "使用类别", "摘要", "凭证号", "金额（元）"]
SHOWN = ["q", "year", "region", "klass", "standard"]


def _ledgers(user):
    return Ledger.objects.visible_to(user)


def _rows(qs):
    for g in qs.iterator(chunk_size=2000):
        yield [g.enterprise.name, g.enterprise.credit_code, g.enterprise.region.name, g.year, g.class_label,
               g.base, g.required, g.carried, g.set_aside, g.rate, g.spent, g.spent_share, g.balance]


@perm_required("spending.view")
def ledger_list(request):
    user = request.user
    flt = LedgerFilter.from_params(request.GET, request=request)
    qs = flt.apply(_ledgers(user)).select_related("enterprise", "enterprise__region").order_by("-year", "enterprise__name", "id")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("安全生产费用", HEADER, title="企业安全生产费用提取和使用情况", filters=flt.describe(SHOWN))
        count = sheet.extend(_rows(qs))
        return exports.response(request, book, exports.stamp("企业安全生产费用提取和使用情况"),
                                summary=f"导出安全生产费用台账 {count} 条", filters=flt.audit_values(SHOWN))
    totals = flt.apply(_ledgers(user)).order_by().aggregate(
        ledgers=Count("id"), under=Count("id", filter=Q(set_aside__lt=F("required"))),
        required=Sum("required"), set_aside=Sum("set_aside"), spent=Sum("spent"))
    own = list(Enterprise.objects.visible_to(user).order_by("name")[:2]) if user.has_perm_code("spending.record") else []
    return render(request, "spending/list.html", {
        "page": paginate(request, qs), "flt": flt, "qs_page": query_without(request, "page"), "qs_export": query_without(request, "page", "export"),
        "totals": totals, "towns": Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(user, ""))
        .order_by("path"), "classes": reference.class_choices(), "standards": UNDER,
        "can_record": bool(own)})


@perm_required("spending.view")
def ledger_detail(request, pk):
    user = request.user
    ledger = get_object_or_404(_ledgers(user).select_related("enterprise", "enterprise__region"), pk=pk)
    can_record = user.has_perm_code("spending.record")
    form = EntryForm(request.POST or None, request.FILES or None, class_key=ledger.class_key,
                     initial={"on": timezone.localdate(), "kind": Entry.Kind.SET_ASIDE})
    if can_record:
        done = submit(request, form, lambda data: services.add_entry(user, ledger.pk, data, files=data["files"]),
                      lambda e: f"已登记{e.get_kind_display()} {e.amount:,.2f} 元",
                      lambda e: reverse("spending:detail", args=[ledger.pk]) + "#entries")
        if done:
            return done
    entries = ledger.entries.order_by("on", "id")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("明细", ENTRY_HEADER, title=f"{ledger.enterprise.name} {ledger.year}年安全生产费用明细")
        count = sheet.extend([e.on, e.get_kind_display(), e.category_label, e.description, e.voucher, e.amount]
                             for e in entries)
        sheet.note(["应提取", "", "", ledger.spec.describe(), "", ledger.required])
        sheet.note(["已提取", "", "", "", "", ledger.set_aside], gap=False)
        sheet.note(["已使用", "", "", "", "", ledger.spent], gap=False)
        return exports.response(request, book, exports.stamp(f"{ledger.year}年安全生产费用明细"),
                                summary=f"导出安全生产费用明细 {count} 条")
    by_category = {row["category"]: row["total"] for row in entries.filter(kind=Entry.Kind.SPEND).order_by()
                   .values("category").annotate(total=Sum("amount"))}
    categories = [(c, by_category.get(c.code, 0)) for c in reference.categories_for(ledger.class_key)]
    rows = list(entries)
    vouchers = attachments.attachments_by_object(rows)
    return render(request, "spending/detail.html", {
        "ledger": ledger, "spec": ledger.spec, "entries": [(e, vouchers.get(e.pk, [])) for e in rows],
        "categories": categories, "form": form if can_record else None, "multipart": True})


@perm_required("spending.record")
def ledger_edit(request, pk=None):
    user = request.user
    ledger = get_object_or_404(_ledgers(user), pk=pk) if pk else None
    enterprise = ledger.enterprise if ledger else Enterprise.objects.visible_to(user).order_by("id").first()
    if enterprise is None:
        raise Forbidden
    if ledger:
        initial = {"year": ledger.year, "class_key": ledger.class_key, "base": ledger.base, "carried": ledger.carried,
                   "note": ledger.note}
    else:
        initial = {"year": timezone.localdate().year, "class_key": reference.default_class(enterprise.industry),
                   "carried": 0}
    form = LedgerForm(request.POST or None, initial=initial)
    done = submit(request, form,
                  lambda data: services.save_ledger(user, {**data, "enterprise": enterprise.pk},
                                                    pk=ledger.pk if ledger else None),
                  lambda g: f"已保存{g.year}年台账：按标准应提取 {g.required:,.2f} 元",
                  lambda g: reverse("spending:detail", args=[g.pk]))
    return done or render(request, "spending/form.html", {
        "form": form, "ledger": ledger, "enterprise": enterprise,
        "title": f"修改{ledger.year}年安全生产费用台账" if ledger else "新建年度安全生产费用台账"})


@perm_required("spending.view")
def voucher(request, pk, attachment_id):
    return attachments.serve(Entry.objects.visible_to(request.user).filter(pk=pk), attachment_id,
                             inline=request.GET.get("inline") == "1")


@perm_required("spending.view")
def standards(request):
    classes = list(reference.classes().values())
    return render(request, "spending/standards.html", {
        "classes": classes, "categories": list(reference.categories().values()),
        "unverified": sum(1 for c in classes if not c.verified)})
