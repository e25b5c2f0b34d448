"""Who a forest warning reaches (warning.hooks): for a warning whose families include "forest",
the forest 三个责任人 and zone leaders, the rangers and today's checkpoint duty people of the
warning's regions. A 森林火险 warning at 橙/红 raises the rangers' patrol requirement while in
force (services.required_patrols reads the issued warnings; nothing to store here)."""

from __future__ import annotations

from django.utils import timezone

from anying.warning.hooks import RecipientSpec

from .models import CheckpointDuty, Ranger, Responsibility


def _spec(contact, region_id: int, role: str) -> RecipientSpec:
    sup = contact.superior
    return RecipientSpec(name=contact.name, phone=contact.phone, region_id=region_id, role=role,
                         contact_id=contact.pk, user_id=contact.user_id,
                         superior_name=sup.name if sup else "", superior_phone=sup.phone if sup else "",
                         superior_user_id=sup.user_id if sup else None)


def provider(warning, area):
    if "forest" not in area.families or not area.region_ids:
        return []
    ids = list(area.region_ids)
    out = []
    for r in (Responsibility.objects.filter(region_id__in=ids, contact__is_active=True)
              .select_related("contact__superior")):
        out.append(_spec(r.contact, r.region_id, f"森林防火{r.get_kind_display()}"))
    for r in (Ranger.objects.filter(region_id__in=ids, is_active=True, contact__is_active=True)
              .select_related("contact__superior")):
        out.append(_spec(r.contact, r.region_id, "护林员"))
    for d in (CheckpointDuty.objects.filter(checkpoint__place__region_id__in=ids, day=timezone.localdate(),
                                            contact__is_active=True)
              .select_related("contact__superior", "checkpoint__place")):
        out.append(_spec(d.contact, d.checkpoint.place.region_id, f"{d.checkpoint.place.name}值守"))
    return out
