"""Denied and missing pages answer in Chinese with a way back, for staff and for the public."""

from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, override_settings
from django.urls import reverse


def test_a_missing_or_out_of_scope_record_is_a_chinese_page_with_a_way_back(users, login):
    response = login(users["jiuxian"]).get(reverse("hazard_detail", args=[999_999]))
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "回到首页" in body and "返回上一页" in body
    assert "Not Found" not in body
    assert "旧县街道" in body or "退出" in body  # the staff layout, with the menu, not a bare page


def test_a_page_behind_a_permission_the_user_lacks_is_the_same_chinese_404(users, login):
    response = login(users["jiuxian"]).get(reverse("clock_list"))
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_the_public_gets_the_public_layout(client):
    response = client.get("/this-page-does-not-exist/")
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in body and "退出" not in body


@override_settings(DEBUG=False)
def test_forbidden_and_server_error_pages_are_chinese(db):
    from django.contrib.auth.models import AnonymousUser
    from django.views import defaults

    request = RequestFactory().get("/")
    request.user = AnonymousUser()  # the public layout
    forbidden = defaults.permission_denied(request, PermissionDenied())
    assert forbidden.status_code == 403 and "没有权限" in forbidden.content.decode()
    error = defaults.server_error(request)
    assert error.status_code == 500 and "系统出错了" in error.content.decode()
    bad = defaults.bad_request(request, Exception())
    assert bad.status_code == 400 and "请求无效" in bad.content.decode()
