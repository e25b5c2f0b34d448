"""The demo (`anying demo`): two incidents in progress, one with its 首报 overdue; a closed one with a
late 续报; the district desk set up."""

import random

from django.urls import reverse

from anying.core.hooks import DEMO_LOADERS
from anying.incidents.models import DeskSetting, Due, Flag, Incident


def test_the_demo_has_incidents_in_progress_one_overdue_and_loads_once(db, client):
    rng = random.Random(2022)
    for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
        loader.load(rng)
    DEMO_LOADERS["incidents"].load(rng)  # again: nothing more
    assert Incident.objects.filter(status="open").count() == 2
    assert Incident.objects.filter(status="closed").count() == 1
    overdue = Due.objects.filter(met_at=None, cancelled=False, overdue_at__isnull=False)
    assert overdue.count() == 1 and overdue.get().incident.title == "虎峰镇山体滑坡"
    explosion = Incident.objects.get(grade="larger")
    assert explosion.reports.count() == 3 and explosion.responses.get().level == 3
    assert explosion.dispatches.filter(arrived_at__isnull=False).exists()
    assert Flag.objects.filter(kind="late", automatic=True).exists()
    assert DeskSetting.objects.get().upstream_name == "重庆市应急管理局"
    from anying.core.models import User

    client.force_login(User.objects.get(username="duty"))
    for name in ("incident_list", "incident_quality", "incident_rules"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("incident_detail", args=[explosion.pk])).status_code == 200
