import random
import pytest
from anying.core.hooks import DEMO_LOADERS
from anying.core.models import User
from anying.registry.models import Enterprise
from django.test import Client


@pytest.mark.django_db
def test_smoke():
    rng = random.Random(2022)
    for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
        loader.load(rng)
    ent = Enterprise.objects.get(organisation__users__username="qiye")
    for u in User.objects.all()[:12]:
        c = Client(); c.force_login(u)
        for url in ["/", f"/enterprises/{ent.pk}/"] + [f"/enterprises/{ent.pk}/?tab={t}" for t in ["hazards","inspections","penalties","documents","self_inspections","risks","accidents","std_history"]]:
            r = c.get(url, follow=True)
            assert r.status_code in (200, 404), (u.username, url)
            if r.status_code == 200 and "tab=" in url:
                html = r.content.decode()
                i = html.find('table-hover')
                print(u.username, url, html[i:i+400].replace("\n"," ")[:300] if i>0 else "NO TABLE")


@pytest.mark.django_db
def test_search_smoke():
    rng = random.Random(2022)
    for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
        loader.load(rng)
    from anying.tips.models import Tip
    tip = Tip.objects.first()
    for u in User.objects.all()[:12]:
        c = Client(); c.force_login(u)
        for q in ["重庆", "车间", tip.display_code, "铜安监", "", "x" * 300]:
            r = c.get("/search/", {"q": q})
            assert r.status_code == 200
            html = r.content.decode()
            print(u.username, q[:10], html.count("list-group-item"))
