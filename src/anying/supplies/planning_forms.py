"""Forms of the demand plan, maintenance and publicity pages (planning.py holds the rules)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from anying.core.forms import Styled
from anying.core.listing import parse_id
from anying.core.models import Region
from anying.core.scope import unit_region_path

from .models_planning import DemandPlan, Maintenance, Publicity

DATE = forms.DateInput(attrs={"type": "date"})
BLANK_LINES = 6  # empty rows under a plan's lines: a phone adds items without scripts
ROW_CAP = 310  # rows read from a post: planning.MAX_LINES and the blank ones


class DemandPlanForm(Styled, forms.ModelForm):
    basis = forms.CharField(label="编制依据和说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="如：本行业风险、历年灾情、辖区人口")

    class Meta:
        model = DemandPlan
        fields = ["year", "title", "basis"]
        widgets = {"basis": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year + 1)


def plan_lines(data) -> list[dict]:
    """The filled numbered rows (item_N, quantity_N, purpose_N) of the plan form."""
    rows = []
    count = min(int(data.get("rows") or 0) if str(data.get("rows") or "").isdigit() else 0, ROW_CAP)
    for n in range(1, count + 1):
        item, qty = parse_id(data.get(f"item_{n}")), (data.get(f"quantity_{n}") or "").strip()
        if item and qty:
            rows.append({"item": item, "quantity": qty, "purpose": (data.get(f"purpose_{n}") or "").strip()})
    return rows


def line_rows(plan: DemandPlan | None, data=None) -> list[dict]:
    """The rows the form shows: what was typed (a refused form), or the plan's lines, then blanks."""
    if data is not None and data.get("rows"):
        count = min(int(data["rows"]) if str(data["rows"]).isdigit() else 0, ROW_CAP)
        return [{"n": n, "item": data.get(f"item_{n}") or "", "quantity": (data.get(f"quantity_{n}") or "")[:20],
                 "purpose": (data.get(f"purpose_{n}") or "")[:200]} for n in range(1, count + 1)]
    rows = [{"item": str(li.item_id), "quantity": f"{li.quantity.normalize():f}", "purpose": li.purpose}
            for li in (plan.lines.all() if plan and plan.pk else [])]
    rows += [{"item": "", "quantity": "", "purpose": ""} for _ in range(BLANK_LINES)]
    return [{"n": n, **r} for n, r in enumerate(rows, start=1)]


class MaintenanceForm(Styled, forms.ModelForm):
    content = forms.CharField(label="维护内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Maintenance
        fields = ["done_on", "kind", "items", "content", "result", "done_by", "next_due"]
        widgets = {"done_on": DATE, "next_due": DATE, "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("done_on", timezone.localdate())


class PublicityForm(Styled, forms.ModelForm):
    households = forms.IntegerField(label="覆盖户数", min_value=0, max_value=1_000_000, initial=0)
    kits = forms.IntegerField(label="发放清单/应急包（份）", min_value=0, max_value=1_000_000, initial=0)
    note = forms.CharField(label="备注", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Publicity
        fields = ["held_on", "region", "form", "title", "households", "kits", "note"]
        widgets = {"held_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(level__in=[Region.Level.TOWN, Region.Level.VILLAGE]).order_by("path")
        if user is not None:
            regions = regions.filter(path__startswith=unit_region_path(user))
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda r: r.name if r.level == Region.Level.TOWN else f"　{r.name}"
        if not self.instance.pk:
            self.initial.setdefault("held_on", timezone.localdate())
