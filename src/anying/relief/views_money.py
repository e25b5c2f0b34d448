"""Pages of donations and relief funds: the donations received (list, export, record), a donation's
allocations, the funds allocated and used by town with their balances, and the findings of
监督检查."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anying.core import exports, workflow
from anying.core.http import act, submit
from anying.core.listing import paginate, query_without
from anying.core.views import perm_required
from anying.supplies import services as supplies

from . import donations, funds, reports
from .filters import DonationFilter, FindingFilter, FundFilter
from .forms import AllocationForm, DonationForm, FindingForm, FundForm, FundUseForm
from .models import Allocation, Donation, Finding, Fund, FundUse

DONATION_HEADER = ["收据编号", "接收日期", "接收单位", "捐赠人", "捐赠人类型", "匿名", "形式", "金额（元）", "物资", "物资折价（元）",
                   "意向", "定向镇街", "已分配金额（元）", "入库单"]
DONATION_SHOWN = ["q", "form", "intent", "date_from", "date_to"]


def _goods(d: Donation) -> str:
    return "、".join(f"{line.item.name}{supplies.fmt(line.quantity)}{line.item.uom}" for line in d.lines.all())


@perm_required("relief.view")
def donation_list(request):
    flt = DonationFilter.from_params(request.GET, request=request)
    qs = (flt.apply(Donation.objects.visible_to(request.user)).select_related("unit", "directed_town", "document")
          .prefetch_related("lines__item").order_by("-received_on", "-id"))
    if request.GET.get("export") == "xlsx":
        from django.db.models import Sum

        book = exports.Book()
        allocated = dict(Allocation.objects.filter(donation__in=qs).values("donation_id").annotate(s=Sum("amount"))
                         .values_list("donation_id", "s"))
        count = book.sheet("救灾捐赠", DONATION_HEADER, title="救灾捐赠接收台账", filters=flt.describe(DONATION_SHOWN)).extend(
            [d.number, d.received_on, d.unit.name, d.donor, d.get_donor_kind_display(), "是" if d.anonymous else "",
             d.get_form_display(), d.amount if d.form == Donation.Form.MONEY else None, _goods(d), d.goods_value or None,
             d.get_intent_display(), d.directed_town.name if d.directed_town else "", allocated.get(d.pk),
             str(d.document) if d.document else ""] for d in qs)
        return exports.response(request, book, exports.stamp("救灾捐赠"), summary=f"导出救灾捐赠 {count} 笔",
                                filters=flt.audit_values(DONATION_SHOWN))
    page = paginate(request, qs)
    return render(request, "relief/donation_list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "forms": Donation.Form.choices,
        "intents": Donation.Intent.choices, "can_record": request.user.has_perm_code("relief.donations")})


@perm_required("relief.donations")
def donation_new(request):
    form = DonationForm(request.POST or None, user=request.user, initial={"received_on": donations.today(),
                                                                         "form": Donation.Form.MONEY})

    def save(data):
        lines = [{"item": data[i], "quantity": data[q]} for i, q in (("item", "quantity"), ("item2", "quantity2"))
                 if data.get(i)]
        return donations.record_donation(request.user, data, lines)
    done = submit(request, form, save, lambda d: f"已登记捐赠，收据编号 {d.number}",
                  lambda d: reverse("relief:donation_detail", args=[d.pk]))
    return done or render(request, "relief/simple_form.html", {
        "form": form, "title": "登记接收捐赠", "back": reverse("relief:donation_list"), "back_label": "救灾捐赠"})


@perm_required("relief.view")
def donation_detail(request, pk):
    donation = get_object_or_404(Donation.objects.visible_to(request.user).select_related(
        "unit", "directed_town", "warehouse", "document", "created_by"), pk=pk)
    return render(request, "relief/donation_detail.html", {
        "d": donation, "lines": donation.lines.select_related("item"),
        "allocations": donation.allocations.select_related("town", "item", "document"),
        "money_left": donations.money_left(donation) if donation.form == Donation.Form.MONEY else None,
        "goods_left": donations.goods_left(donation) if donation.form == Donation.Form.GOODS else None,
        "form": AllocationForm(user=request.user, donation=donation, initial={"allocated_on": donations.today()}),
        "can_allocate": request.user.has_perm_code("relief.donations")})


@require_POST
@perm_required("relief.donations")
def donation_allocate(request, pk):
    donation = get_object_or_404(Donation.objects.visible_to(request.user), pk=pk)
    act(request, AllocationForm(request.POST, user=request.user, donation=donation),
        lambda data: donations.allocate(request.user, donation.pk, data), "已分配")
    return redirect("relief:donation_detail", pk=donation.pk)


# ----- funds -----

FUND_HEADER = ["镇街", "资金来源", "下拨金额（元）", "下拨日期", "文号", "用途", "冬春救助"]
FUND_SHOWN = ["source", "region", "date_from", "date_to"]


@perm_required("relief.view")
def fund_list(request):
    user = request.user
    flt = FundFilter.from_params(request.GET, request=request)
    qs = flt.apply(Fund.objects.visible_to(user)).select_related("region", "round").order_by("-allocated_on", "-id")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        count = book.sheet("资金下拨", FUND_HEADER, title="救灾资金下拨", filters=flt.describe(FUND_SHOWN)).extend(
            [f.region.name, f.get_source_display(), f.amount, f.allocated_on, f.reference, f.purpose,
             f.round.name if f.round else ""] for f in qs)
        uses = FundUse.objects.visible_to(user).select_related("region").order_by("-used_on", "-id")
        book.sheet("资金使用", ["镇街", "资金来源", "使用方式", "金额（元）", "支出日期", "说明", "受益户数"],
                   title="救灾资金使用").extend(
            [u.region.name, u.get_source_display(), u.get_kind_display(), u.amount, u.used_on, u.description,
             u.households] for u in uses)
        return exports.response(request, book, exports.stamp("救灾资金"), summary=f"导出救灾资金下拨 {count} 笔",
                                filters=flt.audit_values(FUND_SHOWN))
    page = paginate(request, qs)
    uses = FundUse.objects.visible_to(user).select_related("region").order_by("-used_on", "-id")[:50]
    return render(request, "relief/fund_list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "uses": uses,
        "by_town": reports.funds_by_town(Fund.objects.visible_to(user), FundUse.objects.visible_to(user)),
        "sources": Fund._meta.get_field("source").choices,
        "can_allocate": user.has_perm_code("relief.funds"), "can_use": user.has_perm_code("relief.fund_use")})


@perm_required("relief.funds")
def fund_new(request):
    form = FundForm(request.POST or None, user=request.user, initial={"allocated_on": funds.today()})
    done = submit(request, form, lambda data: funds.allocate_fund(request.user, data),
                  lambda f: f"已登记下拨：{f.region.name} {f.amount} 元", lambda f: reverse("relief:fund_list"))
    return done or render(request, "relief/simple_form.html", {
        "form": form, "title": "下拨救灾资金", "back": reverse("relief:fund_list"), "back_label": "救灾资金"})


@perm_required("relief.fund_use")
def fund_use_new(request):
    form = FundUseForm(request.POST or None, user=request.user, initial={"used_on": funds.today()})
    done = submit(request, form, lambda data: funds.record_use(request.user, data),
                  lambda u: f"已登记使用：{u.description}", lambda u: reverse("relief:fund_list"))
    return done or render(request, "relief/simple_form.html", {
        "form": form, "title": "登记救灾资金使用", "back": reverse("relief:fund_list"), "back_label": "救灾资金"})


# ----- findings -----

FINDING_HEADER = ["发现日期", "镇街", "问题类型", "涉及单位", "涉及金额（元）", "已追回金额（元）", "问题描述", "处理情况", "整改跟踪",
                  "状态", "办结日期"]
FINDING_SHOWN = ["kind", "status", "region"]


@perm_required("relief.view")
def finding_list(request):
    flt = FindingFilter.from_params(request.GET, request=request)
    qs = flt.apply(Finding.objects.visible_to(request.user)).select_related("region").order_by("-found_on", "-id")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        count = book.sheet("监督检查", FINDING_HEADER, title="救灾款物监督检查发现的问题",
                           filters=flt.describe(FINDING_SHOWN)).extend(
            [f.found_on, f.region.name, f.get_kind_display(), f.unit_name, f.amount, f.recovered, f.description,
             f.handling, f.follow_up, f.get_status_display(), f.closed_on] for f in qs)
        return exports.response(request, book, exports.stamp("监督检查"), summary=f"导出监督检查问题 {count} 条",
                                filters=flt.audit_values(FINDING_SHOWN))
    page = paginate(request, qs)
    return render(request, "relief/finding_list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "kinds": Finding.Kind.choices,
        "statuses": Finding.Status.choices, "can_edit": request.user.has_perm_code("relief.funds")})


@perm_required("relief.funds")
def finding_edit(request, pk=None):
    finding = get_object_or_404(Finding.objects.visible_to(request.user), pk=pk) if pk else None
    initial = {f: getattr(finding, f) for f in funds.FINDING_FIELDS if f != "closed_on"} if finding else {
        "found_on": funds.today()}
    form = FindingForm(request.POST or None, user=request.user, initial=initial)
    shown = workflow.posted_version(request) if request.method == "POST" else (finding.version if finding else None)
    done = submit(request, form, lambda data: funds.save_finding(request.user, data, pk=finding.pk if finding else None,
                                                                 version=shown),
                  lambda f: f"已保存：{f}", lambda f: reverse("relief:finding_list"))
    return done or render(request, "relief/simple_form.html", {
        "form": form, "shown_version": shown, "title": f"修改：{finding}" if finding else "登记监督检查发现的问题",
        "back": reverse("relief:finding_list"), "back_label": "监督检查"})
