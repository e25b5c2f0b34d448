from django import forms

from anying.core.forms import Styled
from anying.registry.forms import DateInput

from .models import Installation

ROWS = 8


class InstallationForm(Styled, forms.ModelForm):
    class Meta:
        model = Installation
        fields = ["name", "kind", "people_within_500m", "latitude", "longitude", "commissioned_on", "filed_on",
                  "filing_number", "assessed_on", "retired_on", "oil_gas_storage", "has_gas_detection", "has_video",
                  "has_emergency_shutoff", "has_lightning_warning"]
        widgets = {f: DateInput() for f in ("commissioned_on", "filed_on", "assessed_on", "retired_on")}


def chemical_rows(data=None, installation=None) -> list[dict]:
    """The chemical lines of the form: posted, or the installation's, padded to ROWS."""
    if data is not None:
        rows = [{"chemical": (data.get(f"c{n}-chemical") or "").strip()[:120],
                 "quantity": (data.get(f"c{n}-quantity") or "").strip()[:20],
                 "category": (data.get(f"c{n}-category") or "").strip()[:8]} for n in range(ROWS)]
    else:
        rows = [{"chemical": c.chemical, "quantity": f"{c.quantity.normalize():f}",
                 "category": c.category} for c in installation.chemicals.all()] if installation else []
    return (rows + [{"chemical": "", "quantity": "", "category": ""} for _ in range(ROWS)])[:max(ROWS, len(rows))]
