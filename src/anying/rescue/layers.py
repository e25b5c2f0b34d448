"""The map layers of rescue teams (by category and speciality) and experts (by field), offered by
the nearest-resource search (places.layers)."""

from __future__ import annotations

from django.urls import reverse

from anying.places.layers import Filter, Layer
from anying.places.layers import register as add
from anying.places.models import Place

from .models import Expert, Team, expert_fields, labels, specialities


def _teams(user):
    # the base's kind lets the nearest search use the places' (kind, latitude, longitude) index:
    # without it SQLite walks every place in the box (100,000 shelters in the bench) per team query
    return Team.objects.visible_to(user).filter(is_active=True, base__kind=Place.Kind.TEAM_BASE)


def _experts(user):
    return Expert.objects.visible_to(user).filter(is_active=True, office__kind=Place.Kind.OFFICE)


def _packed(choices) -> list[tuple[str, str]]:
    """Choices whose value is the stored form (",fire,"), so that `fire` never matches `fireworks`."""
    return [(f",{code},", label) for code, label in choices]


def register() -> None:
    add(
        Layer("rescue_teams", "救援队伍", _teams, colour="#d84315", icon="people", order=30, resource=True,
              lat="base__latitude", lon="base__longitude",
              fields=("category", "specialities", "leader", "duty_phone", "region__name"),
              popup=lambda r: [dict(Team.Category.choices).get(r["category"], ""), r["region__name"],
                               labels(r["specialities"], specialities()),
                               f"{r['leader']} {r['duty_phone']}".strip()],
              url=lambda r: reverse("rescue_team_detail", args=[r["pk"]]),
              filters={"category": Filter("队伍类别", lambda: list(Team.Category.choices), "category"),
                       "speciality": Filter("专业方向", lambda: _packed(specialities()), "specialities__contains")},
              perm="rescue.view"),
        Layer("experts", "专家", _experts, colour="#6a1b9a", icon="person-badge", order=50, resource=True,
              lat="office__latitude", lon="office__longitude",
              fields=("fields", "title", "employer", "availability"),
              popup=lambda r: [labels(r["fields"], expert_fields()), r["title"], r["employer"],
                               dict(Expert.Availability.choices).get(r["availability"], "")],
              url=lambda r: reverse("rescue_expert_detail", args=[r["pk"]]),
              filters={"field": Filter("专业领域", lambda: _packed(expert_fields()), "fields__contains")},
              perm="rescue.experts_view"),
    )
