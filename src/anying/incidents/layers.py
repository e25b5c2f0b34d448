"""The map layer of open incidents (一张图 and the duty desk), from the incident's own point."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from anying.oversight.models import Grade
from anying.places.layers import Filter, Layer
from anying.places.layers import register as add

from .models import Incident, Kind

GRADE_COLOURS = {"general": "#1565c0", "larger": "#f9a825", "major": "#ef6c00", "especially": "#c62828"}


def _open(user):
    return Incident.objects.visible_to(user).filter(status=Incident.Status.OPEN, latitude__isnull=False)


def _popup(r) -> list[str]:
    return [f"{dict(Grade.choices).get(r['grade'], '')} · {dict(Kind.choices).get(r['kind'], '')}", r["region__name"],
            f"{timezone.localtime(r['occurred_at']):%m-%d %H:%M} 发生"]


def register() -> None:
    add(Layer("incidents", "处置中的事件", _open, colour="#c62828", icon="broadcast", order=5, name="title",
              fields=("grade", "kind", "occurred_at", "region__name"), popup=_popup,
              url=lambda r: reverse("incident_detail", args=[r["pk"]]),
              colour_of=lambda r: GRADE_COLOURS.get(r["grade"], "#c62828"),
              filters={"grade": Filter("等级", lambda: list(Grade.choices), "grade")},
              perm="incidents.view"))
