"""The home page, the menu's badges, 待办 and the search run a bounded number of queries: one
per kind of work (two for 待办: its rows and, past SECTION_ROWS, its count), whatever the
number of records."""

import pytest
from django.urls import reverse

from anying.core import workqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(ents, hazard, users):
    for _ in range(15):
        hazard(ents["jiuxian"], "submitted")
        hazard(ents["jiuxian"], "rectifying")
        hazard(ents["hufeng"], "submitted")
    return ents


BASE = 10  # session, user, unit, region path, the page's own reads — as the other pages


@pytest.mark.parametrize("username", ["admin", "jiuxian", "leader"])
def test_home_and_badges(users, login, many, django_assert_max_num_queries, username):
    user = users[username]
    client = login(user)
    kinds = len(workqueue.sources_for(user))
    with django_assert_max_num_queries(BASE + 5 + kinds + 1):  # + the figures; + 督办 due dates
        assert client.get(reverse("home")).status_code == 200
    with django_assert_max_num_queries(BASE + kinds + 1):
        assert client.get(reverse("work_badges")).status_code == 200


@pytest.mark.parametrize("username", ["admin", "jiuxian"])
def test_todo(users, login, many, django_assert_max_num_queries, username):
    user = users[username]
    client = login(user)
    kinds = len(workqueue.sources_for(user))
    with django_assert_max_num_queries(BASE + 2 * kinds + 2):
        assert client.get(reverse("todo")).status_code == 200
    with django_assert_max_num_queries(BASE + 4):
        assert client.get(reverse("todo") + "?source=hazards.review&per_page=100").status_code == 200


def test_enterprise_home(login, many, django_assert_max_num_queries):
    owner = many["jiuxian"].owner
    client = login(owner)
    kinds = len(workqueue.sources_for(owner))
    with django_assert_max_num_queries(15 + 2 * kinds + 1):  # the page's own 15 (registry tests)
        assert client.get(reverse("enterprise_detail", args=[many["jiuxian"].pk])).status_code == 200


@pytest.mark.parametrize("tab", ["hazards", "inspections", "penalties", "documents", "self_inspections", "risks",
                                 "accidents", "std_history"])
def test_record_tabs(users, login, many, django_assert_max_num_queries, tab):
    client = login(users["admin"])
    with django_assert_max_num_queries(17):
        assert client.get(reverse("enterprise_detail", args=[many["jiuxian"].pk]) + f"?tab={tab}&per_page=100") \
            .status_code == 200


def test_search(users, login, many, django_assert_max_num_queries):
    client = login(users["admin"])
    with django_assert_max_num_queries(BASE + 12):
        assert client.get(reverse("search") + "?q=厂").status_code == 200
