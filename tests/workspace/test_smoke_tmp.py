import random
import pytest
from anying.core.hooks import DEMO_LOADERS
from anying.core.models import User
from django.test import Client


@pytest.mark.django_db
def test_smoke():
    rng = random.Random(2022)
    for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
        loader.load(rng)
    from anying.core import workqueue
    for u in User.objects.all()[:12]:
        c = Client(); c.force_login(u)
        print(u.username, u.role, workqueue.counts(u))
        for url in ["/", "/todo/", "/todo/badges/", "/todo/?format=xlsx", "/todo/?overdue=1", "/todo/?source=hazards.review"]:
            r = c.get(url, follow=True)
            assert r.status_code == 200, (u.username, url)
    print(c.get("/todo/badges/").content.decode()[:500])
