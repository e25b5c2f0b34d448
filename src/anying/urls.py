from django.urls import include, path

from anying import home, search
from anying.api import api
from anying.warning import views_public as warning_public

urlpatterns = [
    path("", home.home, name="home"),
    path("search/", search.search, name="search"),
    path("", include("anying.core.urls")),
    path("enterprises/", include("anying.registry.urls")),
    path("standards/", include("anying.standards.urls")),
    path("hazards/", include("anying.hazards.urls")),
    path("inspections/", include("anying.inspections.urls")),
    path("tips/", include("anying.tips.urls")),
    path("oversight/", include("anying.oversight.urls")),
    path("supplies/", include("anying.supplies.urls")),
    path("map/", include("anying.places.urls")),
    path("rescue/", include("anying.rescue.urls")),
    path("duty/", include("anying.duty.urls")),
    path("incidents/", include("anying.incidents.urls")),
    path("monitoring/", include("anying.monitoring.urls")),
    path("plans/", include("anying.plans.urls")),
    path("warnings/", include("anying.warning.urls")),
    path("w/<str:key>/", warning_public.ack, name="warning_ack"),  # the short link in a 叫应 SMS
    path("forest/", include("anying.forestfire.urls")),
    path("riskpoints/", include("anying.riskpoints.urls")),
    path("campaigns/", include("anying.campaigns.urls")),
    path("disasters/", include("anying.disasters.urls")),
    path("relief/", include("anying.relief.urls")),
    path("houses/", include("anying.houses.urls")),
    path("stoppages/", include("anying.stoppages.urls")),
    path("monthly/", include("anying.monthly.urls")),
    path("permits/", include("anying.permits.urls")),
    path("spending/", include("anying.spending.urls")),
    path("credit/", include("anying.credit.urls")),
    path("training/", include("anying.training.urls")),
    path("onsite/", include("anying.onsite.urls")),
    path("api/v1/", api.urls),
]
