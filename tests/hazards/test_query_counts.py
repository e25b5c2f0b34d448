"""Hazard pages run a bounded number of queries whatever the number of hazards."""

import pytest
from django.urls import reverse

from anying.hazards import services

from .conftest import RECTIFY


@pytest.fixture
def many(factory, users):
    hazards = [factory(level="major" if i % 5 == 0 else "general", status="submitted" if i % 2 else None)
               for i in range(30)]
    services.transition(users["jiuxian"], hazards[2].pk, "start", changes=RECTIFY,
                        plan={f: "x" for f in ("objectives", "methods", "funds_and_materials", "organisation_and_staff",
                                               "time_limit", "safety_and_emergency")} if hazards[2].level == "major" else None)
    return hazards


@pytest.mark.parametrize("username", ["admin", "jiuxian", "jingxin"])
def test_list_and_todo(users, login, many, django_assert_max_num_queries, username):
    client = login(users[username])
    for url in (reverse("hazard_list") + "?level=general&per_page=50", reverse("todo") + "?module=hazards"):
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


def test_detail(users, login, many, django_assert_max_num_queries):
    client = login(users["admin"])
    # 15 + the scope's region ids + the tips it came from + the level of the user's unit (authority.py)
    with django_assert_max_num_queries(18):
        assert client.get(reverse("hazard_detail", args=[many[2].pk])).status_code == 200
