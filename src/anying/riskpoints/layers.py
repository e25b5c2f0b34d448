"""The map layer of the risk points (一张图), coloured by threat level."""

from django.urls import reverse

from anying.places.layers import Filter, Layer
from anying.places.layers import register as add

from .models import DisasterRiskPoint, Kind, Threat

COLOURS = {"huge": "#b71c1c", "large": "#e65100", "medium": "#f9a825", "small": "#1565c0"}


def _points(user):
    return (DisasterRiskPoint.objects.visible_to(user).exclude(status=DisasterRiskPoint.Status.CLOSED)
            .select_related(None))


def register() -> None:
    add(Layer("riskpoints", "灾害风险点", _points, colour="#e65100", icon="exclamation-diamond", order=18,
              lat="place__latitude", lon="place__longitude",
              fields=("kind", "threat", "households", "people"),
              popup=lambda r: [f"{Kind(r['kind']).label} · {Threat(r['threat']).label}",
                               f"受威胁 {r['households']} 户 {r['people']} 人"],
              url=lambda r: reverse("riskpoint_detail", args=[r["pk"]]),
              colour_of=lambda r: COLOURS.get(r["threat"], "#e65100"),
              filters={"kind": Filter("类型", lambda: Kind.choices, "kind"),
                       "threat": Filter("险情等级", lambda: Threat.choices, "threat")},
              perm="riskpoints.view"))
