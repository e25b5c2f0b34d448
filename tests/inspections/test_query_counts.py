"""Enforcement pages run a bounded number of queries whatever the number of rows."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from anying.core.models import Organisation
from anying.inspections import draws, plans
from anying.inspections.models import Inspector


def test_plan_draw_and_directory_pages(make_enterprise, users, login, django_assert_max_num_queries):
    bureau = Organisation.objects.get(name="区应急局")
    for i in range(25):
        make_enterprise(f"企业{i}", "旧县街道", "机械", tags=["dust"] if i % 2 else ())
    for i in range(6):
        Inspector.objects.create(unit=bureau, name=f"执法{i}", certificate_no=f"Q{i}",
                                 certificate_expiry=timezone.localdate() + dt.timedelta(days=100))
    plan = plans.generate(users["yingji"], bureau, timezone.localdate().year)
    record = draws.draw(users["yingji"], bureau, title="抽查", targets=12, ratios={"key": 1, "general": 1})
    client = login(users["yingji"])
    for url in (reverse("plan_detail", args=[plan.pk]), reverse("plan_list"), reverse("draw_detail", args=[record.pk]),
                reverse("draw_list"), reverse("inspector_list")):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200
