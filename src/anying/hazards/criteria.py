"""Which 判定标准 items apply to an enterprise: those of the criteria sets of its industry or an
industry above it (PRODUCT.md §4.1: a hazard is major when it matches an item of the
*applicable* 判定标准). The registration form lists only these and the service refuses any
other, so the API cannot record a 化工 item against a 机械 enterprise either."""

from __future__ import annotations

from django.db.models import Q

from anying.standards.models import Criterion


def criteria_for(enterprise):
    """Items of the criteria sets that apply to the enterprise's industry (or one above it)."""
    path = enterprise.industry.path
    applicable = Q()
    for prefix in {path[: i + 1] for i, c in enumerate(path) if c == "/"}:
        applicable |= Q(criteria_set__industries__path=prefix)
    return Criterion.objects.filter(applicable, is_item=True).select_related("criteria_set").distinct()


def applies(criterion_id: int, enterprise) -> bool:
    return criteria_for(enterprise).filter(pk=criterion_id).exists()
