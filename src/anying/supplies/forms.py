"""Forms of the supplies pages. Document lines come as numbered rows (item_1, quantity_1 …) so a
phone can fill them without scripts; the service validates them again."""

from __future__ import annotations

from django import forms

from anying.core.forms import Styled
from anying.core.listing import parse_id
from anying.core.models import Organisation, Region
from anying.core.scope import region_subtree_q

from .models import Item, Lot, Reason, StockDocument, Warehouse

LINES = 6
DATE = forms.DateInput(attrs={"type": "date"})


class WarehouseForm(Styled, forms.ModelForm):
    region = forms.ModelChoiceField(Region.objects.all(), label="所在区划")
    address = forms.CharField(label="地址", max_length=300, required=False)
    latitude = forms.DecimalField(label="纬度", max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label="经度", max_digits=9, decimal_places=6, required=False)
    dispatchable = forms.BooleanField(label="可供下级调度", required=False,
                                      help_text="勾选后，下级镇街在调度时可以看到本库库存并申请调拨")

    class Meta:
        model = Warehouse
        fields = ["name", "owner", "level", "mode", "supplier", "agreement_no", "agreement_until", "keeper",
                  "keeper_phone", "is_active"]
        widgets = {"agreement_until": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.filter(region_subtree_q(user, "region"), is_active=True,
                                                                    kind__in=[Organisation.Kind.DEPARTMENT,
                                                                              Organisation.Kind.TOWN_OFFICE,
                                                                              Organisation.Kind.COMMITTEE_OFFICE])
        self.fields["region"].queryset = Region.objects.filter(region_subtree_q(user, "")).order_by("path")
        place = self.instance.place if self.instance.pk else None
        if place:
            for name in ("region", "address", "latitude", "longitude", "dispatchable"):
                self.initial.setdefault(name, getattr(place, name + ("_id" if name == "region" else "")))

    def place_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("region", "address", "latitude", "longitude", "dispatchable")}


class DocumentForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="单据类型", choices=StockDocument.Kind.choices)
    warehouse = forms.ModelChoiceField(Warehouse.objects.none(), label="仓库")
    to_warehouse = forms.ModelChoiceField(Warehouse.objects.none(), label="调入仓库（调拨单）", required=False)
    reason = forms.ChoiceField(label="原因（调整单）", choices=[("", "—"), *Reason.choices], required=False)
    counterparty = forms.CharField(label="来源/去向", max_length=200, required=False,
                                   help_text="供货单位、领用单位或受助群众所在地")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, keepable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = keepable
        self.fields["to_warehouse"].queryset = keepable

    def lines(self, data) -> list[dict]:
        """The filled rows, each a dict for services.create_document (ids resolved there)."""
        rows = []
        for n in range(1, LINES + 1):
            item, lot, qty = data.get(f"item_{n}", "").strip(), data.get(f"lot_{n}", "").strip(), \
                data.get(f"quantity_{n}", "").strip()
            if not (item or lot) or not qty:
                continue
            row = {"item": parse_id(item), "quantity": qty, "counted": qty,
                   "batch": data.get(f"batch_{n}", "").strip()[:60]}
            if parse_id(lot):
                row["lot"] = parse_id(lot)
            for key in ("expiry_date", "production_date"):
                value = forms.DateField(required=False).clean(data.get(f"{key}_{n}") or None) if data.get(f"{key}_{n}") else None
                row[key] = value
            rows.append(row)
        return rows


class TransferForm(Styled, forms.Form):
    from_warehouse = forms.ModelChoiceField(Warehouse.objects.none(), label="调出仓库")
    to_warehouse = forms.ModelChoiceField(Warehouse.objects.none(), label="调入仓库")
    purpose = forms.CharField(label="用途", max_length=300)
    preallocate = forms.BooleanField(label="区级预置（无需审批，调出单位直接安排）", required=False)

    def __init__(self, *args, sources=None, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_warehouse"].queryset = sources
        self.fields["to_warehouse"].queryset = targets


class StepForm(Styled, forms.Form):
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NearbyForm(Styled, forms.Form):
    item = forms.ModelChoiceField(Item.objects.filter(is_active=True), label="物资")
    latitude = forms.DecimalField(label="纬度", max_digits=9, decimal_places=6, min_value=3, max_value=54)
    longitude = forms.DecimalField(label="经度", max_digits=9, decimal_places=6, min_value=73, max_value=136)
    km = forms.IntegerField(label="半径（公里）", min_value=1, max_value=300, initial=20)


def lots_for(warehouse_ids) -> list[Lot]:
    return list(Lot.objects.filter(warehouse_id__in=warehouse_ids, quantity__gt=0).select_related("item", "warehouse")
                .order_by("warehouse_id", "item__code", "expiry_date"))
