"""The ledger's pages and API run a constant number of queries whatever the number of
households (the demo walk in tests/core/test_query_walk.py measures them on the demo, where the
ledger may be empty), and the record form is pinned for the village officer who uses it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anying.core.services import create_token

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_export_and_api_do_not_grow_with_rows(users, login, make_house, officer):
    make_house()
    town = login(users["jiuxian"])
    _, secret = create_token(None, users["jiuxian"], "t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    urls = [(town, reverse("house_list")), (town, reverse("house_list") + "?export=xlsx"),
            (api, "/api/v1/houses/households")]
    few = [_queries(c, u) for c, u in urls]
    for i in range(12):
        make_house("龙洞湾村" if i % 2 else "玉泉村", head=f"户主{i}")
    assert [_queries(c, u) for c, u in urls] == few


def test_the_record_form_for_the_village_officer(login, officer, event):
    assert _queries(login(officer), reverse("house_new")) == 8
