"""The map layer of major hazard installations (一张图), coloured by grade."""

from django.urls import reverse

from anying.places.layers import Filter, Layer
from anying.places.layers import register as add

from .models import Installation

COLOURS = {1: "#b71c1c", 2: "#e65100", 3: "#f9a825", 4: "#1565c0"}
GRADES = [("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")]


def _major(user):
    return Installation.objects.visible_to(user).filter(is_major=True, retired_on__isnull=True, latitude__isnull=False)


def register() -> None:
    add(Layer("installations", "危险化学品重大危险源", _major, colour="#b71c1c", icon="radioactive", order=15,
              fields=("grade", "enterprise__name", "r_value"),
              popup=lambda r: [r["enterprise__name"], f"{dict(GRADES).get(str(r['grade']), '')} R={r['r_value']}"],
              url=lambda r: reverse("installation_detail", args=[r["pk"]]),
              colour_of=lambda r: COLOURS.get(r["grade"], "#b71c1c"),
              filters={"grade": Filter("级别", lambda: GRADES, "grade")}, perm="monitoring.view"))
