"""The supplies pages: warehouses (list, detail with stock by item and lots, edit, 储备基数, ledger),
district-wide balances (by item, near a point), documents (list, new, detail, post, reverse) and
调拨 (list, new, detail with its steps). Every read is scoped; every write is a service call."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import exports, imports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import apply_errors, error_text
from anying.core.listing import paginate, parse_id, query_without
from anying.core.models import Region
from anying.core.views import perm_required

from . import excel, queries, round_views, services, transfers
from .filters import BalanceFilter, DocumentFilter, TransferFilter, WarehouseFilter
from .forms import LINES, DocumentForm, NearbyForm, StepForm, TransferForm, WarehouseForm, lots_for
from .models import (
    Category,
    Item,
    LedgerEntry,
    Lot,
    MinimumStock,
    StockBalance,
    StockDocument,
    Transfer,
    Warehouse,
)

NEAR_DAYS = 60  # a lot expiring within this many days is flagged 临期 (the clock's first rung)


def _warehouse(user, pk) -> Warehouse:
    return get_object_or_404(Warehouse.objects.visible_to(user).select_related("place__region", "owner__region"), pk=pk)


def _towns():
    return Region.objects.filter(level=Region.Level.TOWN).order_by("path")


# --- warehouses ------------------------------------------------------------------------------------

@perm_required("supplies.view")
def warehouse_list(request):
    flt = WarehouseFilter.from_params(request.GET, request=request)
    short = MinimumStock.objects.filter(warehouse_id=OuterRef("pk")).filter(
        ~Exists(StockBalance.objects.filter(warehouse_id=OuterRef("warehouse_id"), item_id=OuterRef("item_id"),
                                            quantity__gte=OuterRef("quantity"))))
    qs, _ = flt.sort(flt.apply(Warehouse.objects.visible_to(request.user)))
    qs = qs.select_related("place__region", "owner").annotate(items=Count("balances", distinct=True),
                                                               below=Exists(short))
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("物资仓库", [*excel.WAREHOUSE_COLUMNS, *excel.WAREHOUSE_COUNTS], title="应急物资仓库",
                           filters=flt.describe())
        rows = [[*excel.warehouse_row(w), w.items, "是" if w.below else ""] for w in qs]
        sheet.extend(rows)
        return exports.response(request, book, exports.stamp("应急物资仓库"), summary=f"导出物资仓库 {len(rows)} 个",
                                filters=flt.audit_values())
    return render(request, "supplies/warehouse_list.html", {
        "flt": flt, "page": paginate(request, qs), "qs_page": query_without(request, "page"),
        "levels": Warehouse.Level.choices, "modes": Warehouse.Mode.choices, "towns": _towns(),
        "can_keep": request.user.has_perm_code("supplies.keep"), "export_query": query_without(request, "page")})


@perm_required("supplies.keep")
def import_page(request):
    return imports.page(request, excel.KINDS, title="导入物资仓库和期初库存",
                        back=(reverse("supplies:warehouse_list"), "物资仓库"))


def _qty(value: Decimal) -> str:
    """3.000 → 3, 2.500 → 2.5: what the page shows (formatted here, not by a filter per cell)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def stock_of(warehouse: Warehouse, today: dt.date) -> list[dict]:
    """The warehouse's stock by item, each with its lots (FEFO order) and flags, formatted for the
    page: three queries of plain values, and no filter or tag per cell (a district store holds
    hundreds of items; bench/run_supplies.py)."""
    fields = ("item_id", "item__code", "item__name", "item__spec", "item__uom", "item__category")
    balances = list(StockBalance.objects.filter(warehouse=warehouse).order_by("item__category", "item__code")
                    .values("quantity", *fields))
    minimums = {m["item_id"]: m for m in MinimumStock.objects.filter(warehouse=warehouse).values("quantity", *fields)}
    lots = defaultdict(list)
    near_day = today + dt.timedelta(NEAR_DAYS)
    for lot in Lot.objects.filter(warehouse=warehouse, quantity__gt=0).order_by("expiry_date", "id").values_list(
            "item_id", "batch", "quantity", "expiry_date"):
        item_id, batch, quantity, expiry = lot
        expired = expiry is not None and expiry < today
        lots[item_id].append({"expired": expired, "quantity": quantity,
                              "near": not expired and expiry is not None and expiry <= near_day,
                              "text": f"{batch or '无批次'}：{_qty(quantity)}" + (f"，至 {expiry:%Y-%m-%d}" if expiry else "")})
    categories = dict(Category.choices)
    item_url = reverse("supplies:balance_list")

    def row(b, quantity, minimum):
        item_lots = lots.get(b["item_id"], [])
        expired = sum((lot["quantity"] for lot in item_lots if lot["expired"]), Decimal(0))
        return {"name": b["item__name"], "code": b["item__code"], "spec": b["item__spec"], "uom": b["item__uom"],
                "category": categories.get(b["item__category"], ""), "url": f"{item_url}{b['item_id']}/",
                "quantity": _qty(quantity), "minimum": _qty(minimum) if minimum is not None else "—",
                "lots": item_lots, "below": minimum is not None and quantity < minimum,
                "expired": _qty(expired) if expired else "", "near": any(lot["near"] for lot in item_lots)}

    rows = []
    for b in balances:
        minimum = minimums.pop(b["item_id"], None)
        rows.append(row(b, b["quantity"], minimum["quantity"] if minimum else None))
    rows += [row(m, Decimal(0), m["quantity"]) for m in minimums.values()]
    return rows


@perm_required("supplies.view")
def warehouse_detail(request, pk):
    wh = _warehouse(request.user, pk)
    today = timezone.localdate()
    rows = stock_of(wh, today)
    keeps = services.manages(request.user, wh)
    return render(request, "supplies/warehouse_detail.html", {
        "wh": wh, "rows": rows, "keeps": keeps, "today": today,
        "below": sum(1 for r in rows if r["below"]), "expiring": sum(1 for r in rows if r["near"]),
        "expired": sum(1 for r in rows if r["expired"]),
        "documents": StockDocument.objects.visible_to(request.user).filter(warehouse=wh).order_by("-id")[:10],
        "transfers": Transfer.objects.visible_to(request.user).filter(Q(from_warehouse=wh) | Q(to_warehouse=wh))
        .select_related("from_warehouse", "to_warehouse")[:10],
        "maintenance": wh.maintenance.all()[:5],
        "can_request": request.user.has_perm_code("supplies.request") and not keeps,
        "checks": round_views.card(request.user, wh, today)})


@perm_required("supplies.keep")
def warehouse_edit(request, pk=None):
    wh = _warehouse(request.user, pk) if pk else Warehouse()
    if pk and not services.manages(request.user, wh):  # seen (a superior, or shared for dispatch), not kept
        from django.core.exceptions import PermissionDenied as Forbidden

        raise Forbidden("您无权修改该仓库")
    form = WarehouseForm(request.POST or None, instance=wh, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_warehouse(request.user, form.save(commit=False), place=form.place_data())
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存仓库“{saved.name}”")
            return redirect("supplies:warehouse_detail", pk=saved.pk)
    return render(request, "supplies/warehouse_form.html", {"form": form, "wh": wh if pk else None})


@perm_required("supplies.keep")
@require_POST
def minimum_edit(request, pk):
    wh = _warehouse(request.user, pk)
    code = (request.POST.get("code") or "").strip().upper()[:30]
    item = Item.objects.filter(Q(pk=parse_id(request.POST.get("item"))) | Q(code=code) if code else
                               Q(pk=parse_id(request.POST.get("item")))).first()
    try:
        if item is None:
            raise ValidationError("请选择物资")
        services.set_minimum(request.user, wh, item, request.POST.get("quantity", "").strip() or "x")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已设置“{item.name}”的储备基数")
    return redirect("supplies:warehouse_detail", pk=wh.pk)


@perm_required("supplies.view")
def ledger(request, pk):
    wh = _warehouse(request.user, pk)
    if not queries.books_visible(request.user, wh):
        # a shared warehouse's stock is visible for dispatch, its books are not
        return render(request, "supplies/ledger.html", {"wh": wh, "page": None, "hidden": True})
    entries = LedgerEntry.objects.visible_to(request.user).filter(warehouse=wh)
    item = request.GET.get("item", "")
    if parse_id(item):
        entries = entries.filter(item_id=parse_id(item))
    page = paginate(request, entries.select_related("item", "lot", "document").order_by("-id"))
    return render(request, "supplies/ledger.html", {"wh": wh, "page": page, "qs_page": query_without(request, "page"),
                                                    "items": Item.objects.filter(balances__warehouse=wh), "item": item})


# --- balances ---------------------------------------------------------------------------------------

@perm_required("supplies.view")
def balance_list(request):
    """District-wide: each item's total over the warehouses the user may see, by storage mode."""
    flt = BalanceFilter.from_params(request.GET, request=request)
    base = flt.apply(StockBalance.objects.visible_to(request.user))
    totals = (base.values("item_id", "item__code", "item__name", "item__category", "item__uom", "item__spec")
              .annotate(total=Sum("quantity"), warehouses=Count("warehouse_id"),
                        physical=Sum("quantity", filter=Q(warehouse__mode=Warehouse.Mode.PHYSICAL)),
                        agreement=Sum("quantity", filter=Q(warehouse__mode=Warehouse.Mode.AGREEMENT)),
                        enterprise=Sum("quantity", filter=Q(warehouse__mode=Warehouse.Mode.ENTERPRISE)))
              .order_by("item__category", "item__code"))
    labels = dict(Category.choices)
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("物资库存", ["物资编码", "物资名称", "类别", "规格", "单位", "合计", "实物储备", "协议储备",
                                        "企业代储", "仓库数"], title="应急物资库存汇总", filters=flt.describe())
        rows = [[r["item__code"], r["item__name"], labels.get(r["item__category"]), r["item__spec"], r["item__uom"],
                 r["total"], r["physical"] or 0, r["agreement"] or 0, r["enterprise"] or 0, r["warehouses"]] for r in totals]
        sheet.extend(rows)
        return exports.response(request, book, exports.stamp("应急物资库存"), summary=f"导出物资库存 {len(rows)} 种",
                                filters=flt.audit_values())
    page = paginate(request, totals)
    for r in page:
        r["category"] = labels.get(r["item__category"], "")
    return render(request, "supplies/balance_list.html", {
        "flt": flt, "page": page, "qs_page": query_without(request, "page"), "categories": Category.choices,
        "modes": Warehouse.Mode.choices, "towns": _towns(), "export_query": query_without(request, "page")})


@perm_required("supplies.view")
def item_balance(request, pk):
    item = get_object_or_404(Item, pk=pk)
    rows = queries.item_by_warehouse(request.user, item)
    return render(request, "supplies/item_balance.html", {"item": item, "rows": rows,
                                                         "total": sum((r.quantity for r in rows), Decimal(0))})


@perm_required("supplies.view")
def nearby(request):
    """How many of item X within N km of a point, by warehouse and storage mode."""
    form = NearbyForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        result = queries.item_near(request.user, d["item"], float(d["latitude"]), float(d["longitude"]), d["km"])
    return render(request, "supplies/nearby.html", {"form": form, "result": result})


# --- documents --------------------------------------------------------------------------------------

def keepable(user):
    ids = [w.pk for w in Warehouse.objects.visible_to(user).filter(is_active=True).select_related("owner__region")
           if services.manages(user, w)]
    return Warehouse.objects.filter(pk__in=ids).order_by("level", "name")


@perm_required("supplies.keep")
def document_list(request):
    flt = DocumentFilter.from_params(request.GET, request=request)
    qs = flt.apply(StockDocument.objects.visible_to(request.user)).select_related("warehouse", "to_warehouse") \
        .annotate(lines_count=Count("lines")).order_by("-id")
    return render(request, "supplies/document_list.html", {
        "flt": flt, "page": paginate(request, qs), "qs_page": query_without(request, "page"),
        "kinds": StockDocument.Kind.choices, "statuses": StockDocument.Status.choices,
        "warehouses": keepable(request.user)})


@perm_required("supplies.keep")
def document_new(request):
    houses = keepable(request.user)
    initial = {"kind": request.GET.get("kind") or "receipt", "warehouse": request.GET.get("warehouse")}
    form = DocumentForm(request.POST or None, keepable=houses, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            lines = form.lines(request.POST)
            # save and post in one transaction: a refused posting leaves no draft behind
            make = services.create_and_post if request.POST.get("post") == "1" else services.create_document
            doc = make(request.user, kind=d["kind"], warehouse=d["warehouse"], lines=lines,
                       to_warehouse=d["to_warehouse"], reason=d["reason"], counterparty=d["counterparty"], note=d["note"])
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{doc}已{'记账' if request.POST.get('post') == '1' else '保存为草稿'}")
            return redirect("supplies:document_detail", pk=doc.pk)
    chosen = parse_id(str(form["warehouse"].value() or ""))
    # only the batches of a warehouse the user keeps: the id comes from the query string or the form
    kept = [w.pk for w in houses]
    lots = lots_for([chosen] if chosen in kept else kept[:20])
    return render(request, "supplies/document_form.html", {
        "form": form, "rows": typed_rows(request.POST, ("item", "lot", "quantity", "batch", "production_date",
                                                         "expiry_date")),
        "items": Item.objects.filter(is_active=True), "lots": lots})


def typed_rows(data, names) -> list[dict]:
    """The numbered line rows with what was typed, so a refused form keeps its lines."""
    return [{"n": n, **{name: (data.get(f"{name}_{n}") or "")[:60] for name in names}} for n in range(1, LINES + 1)]


def _document(user, pk) -> StockDocument:
    return get_object_or_404(StockDocument.objects.visible_to(user).select_related(
        "warehouse__owner__region", "to_warehouse", "reverses", "posted_by", "created_by", "transfer"), pk=pk)


@perm_required("supplies.keep")
def document_detail(request, pk):
    doc = _document(request.user, pk)
    return render(request, "supplies/document_detail.html", {
        "doc": doc, "lines": doc.lines.select_related("item", "lot"), "reversal": getattr(doc, "reversed_by", None),
        "entries": doc.entries.select_related("item", "lot", "warehouse").order_by("id"),
        "keeps": services.manages(request.user, doc.warehouse)})


def _doc_action(request, pk, action, done: str):
    try:
        result = action(request.user, pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("supplies:document_detail", pk=pk)
    messages.success(request, done)
    return redirect("supplies:document_detail", pk=result.pk if result else pk)


@perm_required("supplies.keep")
@require_POST
def document_post(request, pk):
    _document(request.user, pk)
    return _doc_action(request, pk, lambda u, p: services.post(u, p, version=workflow.posted_version(request)), "已记账")


@perm_required("supplies.keep")
@require_POST
def document_reverse(request, pk):
    _document(request.user, pk)
    note = request.POST.get("note", "")
    return _doc_action(request, pk, lambda u, p: services.reverse(u, p, note=note), "已冲销，冲销单如下")


@perm_required("supplies.keep")
@require_POST
def document_discard(request, pk):
    _document(request.user, pk)
    try:
        services.discard(request.user, pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("supplies:document_detail", pk=pk)
    messages.success(request, "草稿已删除")
    return redirect("supplies:document_list")


# --- 调拨 ----------------------------------------------------------------------------------------------

@perm_required("supplies.view")
def transfer_list(request):
    flt = TransferFilter.from_params(request.GET, request=request)
    qs = flt.apply(Transfer.objects.visible_to(request.user)).select_related("from_warehouse", "to_warehouse") \
        .annotate(kinds=Count("lines")).order_by("-requested_at", "-id")
    return render(request, "supplies/transfer_list.html", {
        "flt": flt, "page": paginate(request, qs), "qs_page": query_without(request, "page"),
        "statuses": Transfer.Status.choices, "can_request": request.user.has_perm_code("supplies.request")})


@perm_required("supplies.request")
def transfer_new(request):
    user = request.user
    sources = Warehouse.objects.visible_to(user).filter(is_active=True).select_related("owner").order_by("level", "name")
    own = keepable(user) if user.has_perm_code("supplies.keep") else Warehouse.objects.filter(owner_id=user.unit_id)
    targets = Warehouse.objects.visible_to(user).filter(is_active=True).filter(
        Q(pk__in=own.values("pk")) | Q(pk__in=keepable(user).values("pk"))).order_by("level", "name")
    form = TransferForm(request.POST or None, sources=sources, targets=targets,
                        initial={"from_warehouse": request.GET.get("from")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        lines = [{"item": parse_id(request.POST.get(f"item_{n}")), "quantity": request.POST.get(f"quantity_{n}", "").strip()}
                 for n in range(1, LINES + 1)
                 if parse_id(request.POST.get(f"item_{n}")) and request.POST.get(f"quantity_{n}", "").strip()]
        try:
            make = transfers.preallocate if d["preallocate"] else transfers.request
            t = make(user, from_warehouse=d["from_warehouse"], to_warehouse=d["to_warehouse"], lines=lines,
                     purpose=d["purpose"])
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{t.number} 已{'预置，待发运' if t.preallocated else '提交，待审批'}")
            return redirect("supplies:transfer_detail", pk=t.pk)
    return render(request, "supplies/transfer_form.html", {
        "form": form, "rows": typed_rows(request.POST, ("item", "quantity")), "items": Item.objects.filter(is_active=True),
        "can_preallocate": user.has_perm_code("supplies.approve")})


def _transfer(user, pk) -> Transfer:
    return get_object_or_404(Transfer.objects.visible_to(user).select_related(
        "from_warehouse__owner__region", "to_warehouse__owner__region", "requested_by", "approved_by"), pk=pk)


@perm_required("supplies.view")
def transfer_detail(request, pk):
    t = _transfer(request.user, pk)
    return render(request, "supplies/transfer_detail.html", {
        "t": t, "lines": t.lines.select_related("item"), "steps": transfers.available(request.user, t),
        "events": workflow.timeline(t), "form": StepForm(),
        "documents": t.documents.visible_to(request.user).order_by("id")})


@perm_required("supplies.view")
@require_POST
def transfer_act(request, pk):
    _transfer(request.user, pk)
    name = request.POST.get("step", "")
    try:
        t = transfers.act(request.user, pk, name, comment=request.POST.get("comment", ""),
                          version=workflow.posted_version(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"{t.number}：{transfers.TRANSFERS.label_of(name)}完成，当前状态：{t.get_status_display()}")
    return redirect("supplies:transfer_detail", pk=pk)
