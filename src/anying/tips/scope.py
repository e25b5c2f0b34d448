"""Who sees which tip. Different from the common scope rule (core/scope.py) on purpose:
- an enterprise never sees a tip, not even about itself (the reporter must stay protected);
- the 12350 desk (`tips.assign`) sees every tip of its territory, whatever the industry,
  because it dispatches them before anyone knows the industry;
- other government users see the tips of their scope and those assigned to their unit."""

from __future__ import annotations

from django.db import models

from anying.core.roles import GOVERNMENT_ROLES
from anying.core.scope import NOTHING, region_subtree_q, scope_q


def tip_scope_q(user) -> models.Q:
    if user is None:
        return models.Q()  # the system
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser and not user.role:
        return models.Q()
    if user.role not in GOVERNMENT_ROLES or user.unit is None or not user.unit.is_active:
        return NOTHING
    if not user.has_perm_code("tips.view"):
        return NOTHING
    if user.has_perm_code("tips.assign"):
        return region_subtree_q(user, "region")
    return scope_q(user, region="region", industry="industry", organisation="unit") | models.Q(unit=user.unit_id)
