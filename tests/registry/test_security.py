"""Every enterprise page, export and API endpoint: out-of-scope users get 404, anonymous users
the login page or 401, user text is escaped, forms need CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from anying.core.services import create_token
from anying.registry.models import Post


@pytest.fixture
def hufeng_ent(make_enterprise):
    ent = make_enterprise("虎峰机械厂", "虎峰镇", "机械")
    Post.objects.create(enterprise=ent, name="焊工")
    return ent


def page_urls(ent):
    post = ent.posts.first()
    return [
        reverse("enterprise_detail", args=[ent.pk]),
        reverse("enterprise_detail", args=[ent.pk]) + "?tab=history",
        reverse("enterprise_edit", args=[ent.pk]),
        reverse("enterprise_qr", args=[ent.pk]),
        reverse("enterprise_public_sign", args=[ent.pk]),
    ] + ([reverse("enterprise_card_file", args=[ent.pk, 1])] if post else [])


POST_URLS = [
    ("enterprise_detail_save", ["post"]),
    ("enterprise_detail_save", ["responsible"]),
    ("enterprise_detail_save", ["key_person"]),
]


def test_other_town_inspector_gets_404_everywhere(users, login, hufeng_ent):
    client = login(users["jiuxian"])
    for url in page_urls(hufeng_ent):
        assert client.get(url).status_code == 404, url
    for name, args in POST_URLS:
        url = reverse(name, args=[hufeng_ent.pk, *args])
        assert client.post(url, {"name": "x", "kind": "enterprise"}).status_code == 404, url
    post = hufeng_ent.posts.first()
    assert client.post(reverse("enterprise_card_save", args=[hufeng_ent.pk, post.pk]),
                       {"kind": "risk_list", "content": "x"}).status_code == 404
    assert client.post(reverse("enterprise_detail_remove", args=[hufeng_ent.pk, "post", post.pk])).status_code == 404
    assert Post.objects.filter(pk=post.pk).exists()


def test_other_enterprise_user_gets_404(make_enterprise, enterprise_user, login, hufeng_ent):
    mine = make_enterprise("旧县某厂", "旧县街道", "机械")
    client = login(enterprise_user(mine))
    for url in page_urls(hufeng_ent):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("enterprise_detail", args=[mine.pk])).status_code == 200


def test_out_of_scope_enterprises_absent_from_list_and_export(users, login, hufeng_ent, make_enterprise):
    make_enterprise("旧县机械厂", "旧县街道", "机械")
    client = login(users["jiuxian"])
    body = client.get(reverse("enterprise_list") + "?q=虎峰").content.decode()
    assert "虎峰机械厂" not in body
    from io import BytesIO

    from openpyxl import load_workbook

    export = client.get(reverse("enterprise_export"))
    rows = list(load_workbook(BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    names = [r[1] for r in rows[2:]]
    assert names == ["旧县机械厂"]


def test_anonymous_gets_login_page(hufeng_ent):
    client = Client()
    urls = page_urls(hufeng_ent) + [reverse("enterprise_list"), reverse("enterprise_export"),
                                     reverse("enterprise_import"), reverse("audit_log")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    home = client.get(reverse("home"))  # the public landing: the tip form, no figures of anyone's scope
    assert home.status_code == 200 and "figures" not in home.context and hufeng_ent.name not in home.content.decode()


def test_api_scope_and_auth(users, hufeng_ent):
    _, secret = create_token(None, users["jiuxian"], "t")
    client = Client()
    url = f"/api/v1/enterprises/{hufeng_ent.pk}"
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 404
    assert client.patch(url, {"name": "x"}, content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 404
    listing = client.get("/api/v1/enterprises/", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert listing["count"] == 0


def test_user_text_is_escaped(users, login, make_enterprise):
    payload = '<script>alert("x")</script>'
    ent = make_enterprise(f"恶意{payload}", "旧县街道", "机械", address=payload)
    client = login(users["admin"])
    for url in [reverse("enterprise_detail", args=[ent.pk]), reverse("enterprise_list"),
                reverse("enterprise_public", args=[ent.public_token]), reverse("audit_log")]:
        body = (client if "public" not in url else Client()).get(url).content.decode()
        assert payload not in body, url
        assert "&lt;script&gt;" in body, url


def test_forms_reject_missing_csrf(users, district, town, industry):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin"])
    response = client.post(reverse("enterprise_create"), {"name": "无令牌企业"})
    assert response.status_code == 403
    response = client.post(reverse("user_create"), {"username": "x"})
    assert response.status_code == 403
    assert Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "admin", "password": "x"}).status_code == 403


def test_roles_without_rights_cannot_edit(users, login, make_enterprise):
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械")
    for username in ("leader", "duty"):
        client = login(users[username])
        assert client.get(reverse("enterprise_detail", args=[ent.pk])).status_code == 200
        assert client.get(reverse("enterprise_edit", args=[ent.pk])).status_code == 404
        assert client.get(reverse("enterprise_create")).status_code == 404
        assert client.get(reverse("enterprise_import")).status_code == 404
    assert login(users["duty"]).get(reverse("enterprise_export")).status_code == 404
    for username in ("jiuxian", "leader", "yingji"):
        client = login(users[username])
        for name in ("unit_list", "user_list", "audit_log", "user_create"):
            assert client.get(reverse(name)).status_code == 404
