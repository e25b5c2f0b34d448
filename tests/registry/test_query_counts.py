"""The main pages run a bounded number of queries, whatever the data size (≤ 15)."""

import pytest
from django.urls import reverse

from anying.registry.models import Post, ResponsiblePerson


@pytest.fixture
def many(make_enterprise):
    ents = [make_enterprise(f"企业{i:02d}", "旧县街道" if i % 2 else "虎峰镇", "机械" if i % 3 else "轻工",
                            tags=["dust", "confined_space"]) for i in range(30)]
    for ent in ents[:3]:
        for kind in ("regional", "departmental", "enterprise"):
            ResponsiblePerson.objects.create(enterprise=ent, kind=kind, name="某人")
        Post.objects.create(enterprise=ent, name="岗位")
    return ents


@pytest.mark.parametrize("username", ["admin", "jiuxian", "jingxin"])
def test_list_page(users, login, many, django_assert_max_num_queries, username):
    client = login(users[username])
    with django_assert_max_num_queries(15):
        assert client.get(reverse("enterprise_list") + "?q=企业&tag=dust&per_page=50").status_code == 200


@pytest.mark.parametrize("tab", ["basic", "persons", "standardization", "posts", "history"])
def test_detail_page(users, login, many, django_assert_max_num_queries, tab):
    client = login(users["admin"])
    with django_assert_max_num_queries(15):
        assert client.get(reverse("enterprise_detail", args=[many[0].pk]) + f"?tab={tab}").status_code == 200


def test_home_units_users_audit(users, login, many, django_assert_max_num_queries):
    client = login(users["admin"])
    # the home page adds one query per kind of work: tests/workspace/test_query_counts.py
    for name in ("unit_list", "user_list", "audit_log"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(name)).status_code == 200


def test_api_list(users, many, django_assert_max_num_queries):
    from django.test import Client

    from anying.core.services import create_token

    _, secret = create_token(None, users["admin"], "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/enterprises/?limit=100").json()["count"] == 30
