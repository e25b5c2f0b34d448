"""API lists: the count stops at the cap (and says so), and deep pages go by key (`after`)."""

from anying.core import listing
from tests.hazards.conftest import factory  # noqa: F401 - fixture
from tests.hazards.test_api import api  # noqa: F401 - fixture


def test_the_count_is_capped_and_says_so(factory, users, api, monkeypatch):  # noqa: F811
    for _ in range(5):
        factory()
    client = api(users["admin"])
    body = client.get("/api/v1/hazards/", {"limit": 2}).json()
    assert body["count"] == 5 and body["count_capped"] is False and len(body["items"]) == 2
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    body = client.get("/api/v1/hazards/", {"limit": 2}).json()
    assert body["count"] == 3 and body["count_capped"] is True


def test_pages_by_key_follow_the_ids_without_gaps_or_repeats(factory, users, api):  # noqa: F811
    made = sorted(factory().pk for _ in range(5))
    client = api(users["admin"])
    seen, after = [], 0
    while True:
        items = client.get("/api/v1/hazards/", {"limit": 2, "after": after}).json()["items"]
        if not items:
            break
        seen += [i["id"] for i in items]
        after = items[-1]["id"]
    assert seen == made
    assert client.get("/api/v1/hazards/", {"after": -1}).status_code == 422
    assert api(users["hufeng"]).get("/api/v1/hazards/", {"after": 0}).json()["items"] == []  # still the scope


def test_a_deep_offset_gives_the_same_page_by_late_lookup(factory, users, api, monkeypatch):  # noqa: F811
    made = sorted(factory().pk for _ in range(6))
    client = api(users["admin"])
    direct = [i["id"] for i in client.get("/api/v1/hazards/", {"limit": 2, "offset": 3}).json()["items"]]
    monkeypatch.setattr(listing, "LATE_LOOKUP_OFFSET", 1)  # offset 3 now skips ids, then reads the page
    late = [i["id"] for i in client.get("/api/v1/hazards/", {"limit": 2, "offset": 3}).json()["items"]]
    assert direct == late == made[3:5]
    assert api(users["hufeng"]).get("/api/v1/hazards/", {"offset": 3}).json()["items"] == []  # still the scope
