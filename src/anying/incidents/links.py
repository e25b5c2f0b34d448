"""Links incidents adds to lower apps' record pages (core.hooks.RELATED_RECORDS), so they never
import it: an accident record shows the incident it came from; a drill its live-workflow intakes and
the way to start one."""

from __future__ import annotations

from django.urls import reverse


def related(record, user) -> list[tuple[str, str]]:
    from anying.oversight.models import Accident
    from anying.plans.models import Drill

    from .models import Incident

    if user is None or not getattr(user, "is_authenticated", False) or not user.has_perm_code("incidents.view"):
        return []
    if isinstance(record, Accident):
        return [(f"接报事件：{i.number} {i.title}", reverse("incident_detail", args=[i.pk]))
                for i in Incident.objects.visible_to(user).filter(accident=record)]
    if isinstance(record, Drill):
        links = [(f"演练接报：{i.number}（{i.get_status_display()}）", reverse("incident_detail", args=[i.pk]))
                 for i in Incident.objects.visible_to(user).filter(drill=record)]
        if record.status == Drill.Status.PLANNED and user.has_perm_code("incidents.take"):
            links.append(("按真实流程接报演练", reverse("incident_new") + f"?drill={record.pk}"))
        return links
    return []
