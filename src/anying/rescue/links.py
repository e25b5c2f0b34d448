"""Links rescue adds to lower apps' record pages (core.hooks.RELATED_RECORDS): an inspection shows
the experts who took part (执法+专家) and a way to invite one; a hazard found by an expert shows
the guidance visit or inspection it came from."""

from __future__ import annotations

from django.urls import reverse


def related(record, user) -> list[tuple[str, str]]:
    from anying.hazards.models import Hazard
    from anying.inspections.models import Inspection

    from .models import GuidanceVisit, InspectionExpert

    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if isinstance(record, Inspection):
        url = reverse("rescue_inspection_experts", args=[record.pk])
        links = [(f"执法+专家：{link.expert.name}（不作为执法人员）", url)
                 for link in InspectionExpert.objects.filter(inspection=record).select_related("expert")]
        if user.has_perm_code("rescue.guidance"):
            links.append(("邀请专家参加检查（执法+专家）", url))
        return links
    if isinstance(record, Hazard) and record.channel == Hazard.Channel.EXPERT:
        links = []
        if user.has_perm_code("rescue.guidance"):
            for visit in GuidanceVisit.objects.visible_to(user).filter(hazards=record):
                links.append((f"来源：专家指导服务 {visit.visited_on:%Y-%m-%d}", reverse("rescue_visit_detail", args=[visit.pk])))
            for link in InspectionExpert.objects.filter(hazards=record).select_related("expert"):
                links.append((f"来源：执法+专家 {link.expert.name}",
                              reverse("rescue_inspection_experts", args=[link.inspection_id])))
        return links
    return []
