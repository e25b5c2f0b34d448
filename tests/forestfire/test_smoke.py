import pytest
from django.urls import reverse

from anying.core.models import User
from anying.forestfire.models import Checkpoint, FireReport, FireUse, Ranger

PAGES = ["board", "levels", "bans", "checkpoints", "checkpoint_new", "entries", "rangers", "ranger_new", "fire_uses",
         "fire_use_new", "illegal_new", "reports", "report_new", "responsibilities"]


@pytest.mark.django_db
def test_every_page_answers_for_each_government_role(demo, client):
    cp, ranger = Checkpoint.objects.first(), Ranger.objects.first()
    detail = [reverse("forestfire:checkpoint_detail", args=[cp.pk]), reverse("forestfire:checkpoint_poster", args=[cp.pk]),
              reverse("forestfire:ranger_detail", args=[ranger.pk]),
              reverse("forestfire:fire_use_detail", args=[FireUse.objects.first().pk]),
              reverse("forestfire:report_detail", args=[FireReport.objects.first().pk])]
    for username in ("admin", "yingji", "jiuxian", "leader", "duty"):
        client.force_login(User.objects.get(username=username))
        for name in PAGES:
            response = client.get(reverse(f"forestfire:{name}"))
            assert response.status_code in (200, 404), (username, name, response.status_code)
        for url in detail:
            assert client.get(url).status_code in (200, 404), (username, url)
