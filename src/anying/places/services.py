"""Keeping places: every register that owns a place saves it through `save_place`, which checks
the coordinates, the owner's territory and records the change."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from anying.core import audit
from anying.core.models import AuditEvent
from anying.core.scope import covers

from .models import Place

FIELDS = ["name", "kind", "owner", "region", "address", "latitude", "longitude", "contact_name", "contact_phone",
          "capacity", "dispatchable", "public", "is_active"]


@transaction.atomic
def save_place(actor, place: Place) -> Place:
    """Create or update a place; the caller has checked its own permission (a warehouse keeper's,
    a team register's). The place must lie in the actor's territory, as must its owner."""
    if not covers(actor, place.region):
        raise ValidationError({"region": "不在您管理的区划范围内"})
    if not covers(actor, place.owner.region):
        raise ValidationError({"owner": "管理单位不在您管理的区划范围内"})
    place.full_clean()
    before = audit.snapshot(Place.objects.get(pk=place.pk), FIELDS) if place.pk else None
    created = place.pk is None
    if not created:
        place.version += 1
    place.save()
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, place,
                 before=before, after=audit.snapshot(place, FIELDS))
    return place
