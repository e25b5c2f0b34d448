"""Writing and reading the audit trail. Services call `record`; nothing else writes events."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .context import current_ip
from .models import AuditEvent


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """The audited state of a record: concrete fields by name, choices and FKs as their text."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"id", "created_at", "updated_at", "path", "public_token", "password"}:
            continue
        value = getattr(obj, field.name)
        if field.choices and value not in (None, ""):
            value = dict(field.flatchoices).get(value, value)
        data[field.name] = _jsonable(value)
    return data


def region_path(obj: models.Model | None) -> str:
    """The path of the region a record lies in: a region itself, a record with a region (an
    enterprise, a unit) or a user (their unit's region)."""
    from .models import Region

    if obj is None:
        return ""
    if isinstance(obj, Region):
        return obj.path
    region = getattr(obj, "region", None)
    if isinstance(region, Region):
        return region.path
    # a user (their unit), a record of an enterprise, a record owned by a unit
    for holder in ("unit", "enterprise", "owner"):
        related = getattr(obj, holder, None)
        if related is not None and isinstance(getattr(related, "region", None), Region):
            return related.region.path
    return ""


def build(actor, action: str, obj: models.Model | None = None, *, summary: str = "", before=None, after=None,
          content_type: ContentType | None = None, place: models.Model | None = None) -> AuditEvent:
    """An unsaved event; `record` saves one, bulk importers save many with bulk_create."""
    return AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        ip=current_ip.get(),
        action=action,
        content_type=content_type or (ContentType.objects.get_for_model(obj) if obj is not None else None),
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        summary=summary[:255],
        before=before,
        after=after,
        region_path=region_path(place if place is not None else obj),  # place: where a part lies (a tip's reward)
    )


def record(actor, action: str, obj: models.Model | None = None, **kwargs) -> AuditEvent:
    event = build(actor, action, obj, **kwargs)
    event.save()
    return event


def history(obj: models.Model):
    ct = ContentType.objects.get_for_model(obj)
    return AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor", "content_type")
