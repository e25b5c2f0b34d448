"""The layers every deployment has: enterprises (coloured by standardization), open major hazards
and the places kept here (应急避难场所). Teams, warehouses and experts register theirs in their
own apps."""

from __future__ import annotations

from django.urls import reverse

from .layers import Filter, Layer
from .layers import register as add

STD_COLOURS = {"certified": "#2e7d32", "applying": "#f9a825", "expired": "#c62828", "none": "#607d8b"}


def _enterprises(user):
    from anying.registry.models import Enterprise

    return Enterprise.objects.visible_to(user).exclude(status=Enterprise.Status.CLOSED)


def _major_hazards(user):
    from anying.hazards.models import Hazard

    return Hazard.objects.visible_to(user).filter(level=Hazard.Level.MAJOR).exclude(status=Hazard.Status.CLOSED)


def _shelters(user):
    from .models import Place

    return Place.objects.visible_to(user).filter(kind=Place.Kind.SHELTER, is_active=True)


def _choices(model_path: str, attr: str):
    def get():
        from django.apps import apps

        app, model = model_path.split(".")
        return list(getattr(apps.get_model(app, model), attr).choices)
    return get


def _industries():
    from anying.core.models import Industry

    return list(Industry.objects.filter(parent__isnull=True).values_list("path", "name"))


def register() -> None:
    add(
        Layer("enterprises", "生产经营单位", _enterprises, colour="#607d8b", icon="building", order=10,
              fields=("address", "std_status", "industry__name", "region__name"),
              popup=lambda r: [r["industry__name"], r["region__name"], r["address"]],
              url=lambda r: reverse("enterprise_detail", args=[r["pk"]]),
              colour_of=lambda r: STD_COLOURS.get(r["std_status"], "#607d8b"),
              filters={"std_status": Filter("标准化", _choices("registry.Enterprise", "StdStatus"), "std_status"),
                       "industry": Filter("行业", _industries, "industry__path__startswith")}),
        Layer("major_hazards", "重大事故隐患（未销号）", _major_hazards, colour="#c62828", icon="exclamation-triangle",
              order=20, lat="enterprise__latitude", lon="enterprise__longitude", name="enterprise__name",
              fields=("place", "description", "deadline"),
              popup=lambda r: [f"{r['place']}：{r['description'][:60]}", f"整改期限 {r['deadline']:%Y-%m-%d}" if r["deadline"] else ""],
              url=lambda r: reverse("hazard_detail", args=[r["pk"]])),
        Layer("shelters", "应急避难场所", _shelters, colour="#00897b", icon="house-heart", order=60, resource=True,
              fields=("address", "capacity", "contact_name", "contact_phone"),
              popup=lambda r: [r["address"], f"容纳 {r['capacity']} 人" if r["capacity"] else "",
                               f"{r['contact_name']} {r['contact_phone']}".strip()]),
    )
