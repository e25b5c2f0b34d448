"""Pickers of inspections and penalties (core/pickers.py): where another module links to one
(a tip that led to an inspection or a fine), the user finds it by its document number, the
enterprise's name or its date — among those within their scope."""

from django.db.models import Prefetch, Q

from anying.core import amounts
from anying.core.pickers import Picker, date_q

from .models import EnforcementDocument, Inspection, Penalty

_K = EnforcementDocument.Kind


def _numbers(kinds):
    return Prefetch("documents", queryset=EnforcementDocument.objects.filter(kind__in=kinds).order_by("pk"),
                    to_attr="numbered")


def _first_number(record, fallback: str) -> str:
    found = getattr(record, "numbered", [])
    return found[-1].number if found else fallback


def _search(date_field: str):
    def search(text: str) -> Q:
        q = Q(documents__number__icontains=text) | Q(enterprise__name__icontains=text)
        on = date_q(date_field, text)
        return q | on if on is not None else q
    return search


def _inspection_label(i: Inspection) -> str:
    return f"{i.inspected_on:%Y-%m-%d} {i.enterprise.name} {_first_number(i, '')}".strip()


def _penalty_label(p: Penalty) -> str:
    # short: a listbox option does not wrap (the full text is its title)
    return f"{p.party_name} {amounts.yuan(p.amount)} {p.get_status_display()} {_first_number(p, f'{p.filed_on:%Y-%m-%d}立案')}"


INSPECTIONS = Picker(
    scoped=lambda user: Inspection.objects.visible_to(user).select_related("enterprise").order_by("-inspected_on", "-pk"),
    search=_search("inspected_on"), label=_inspection_label, filters={"enterprise": "enterprise_id"},
    prefetch=(_numbers([_K.SITE_RECORD]),))

PENALTIES = Picker(
    scoped=lambda user: Penalty.objects.visible_to(user).select_related("enterprise").order_by("-filed_on", "-pk"),
    search=lambda text: _search("filed_on")(text) | Q(party_name__icontains=text), label=_penalty_label,
    filters={"enterprise": "enterprise_id"}, prefetch=(_numbers([_K.PENALTY_NOTICE, _K.PENALTY_DECISION]),))
