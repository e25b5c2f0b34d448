"""The map layer of forest-fire checkpoints (一张图)."""

from django.urls import reverse

from anying.places.layers import Layer
from anying.places.layers import register as add

from .models import Checkpoint


def _checkpoints(user):
    return Checkpoint.objects.visible_to(user).filter(is_active=True)


def register() -> None:
    add(Layer("forest_checkpoints", "森林防火检查站", _checkpoints, colour="#2e7d32", icon="tree", order=40,
              lat="place__latitude", lon="place__longitude", name="place__name",
              fields=("place__name", "forest", "place__region__name", "place__contact_phone"),
              popup=lambda r: [x for x in (r["place__region__name"], r["forest"] and f"通往{r['forest']}",
                                           r["place__contact_phone"]) if x],
              url=lambda r: reverse("forestfire:checkpoint_detail", args=[r["pk"]]),
              perm="forestfire.view"))
