"""Enterprise list, detail, forms, posts and public page."""

import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from anying.core.audit import history
from anying.core.models import Attachment
from anying.registry import creditcode, services
from anying.registry.models import Enterprise, KeyPerson, Post, PostCard, ResponsiblePerson
from tests.conftest import png_bytes

PNG = png_bytes()


def version(ent):
    """What the edit form carries: the record's updated_at as the editor saw it."""
    return Enterprise.objects.get(pk=ent.pk).updated_at.isoformat()


def card(post, **data):
    return {f"card{post.pk}-{k}": v for k, v in data.items()}


def form_data(town, industry, **extra):
    return {"name": "新登记企业", "credit_code": creditcode.synthetic(random.Random(11)), "region": town("旧县街道").pk,
            "industry": industry("机械").pk, "scale": "below", "status": "operating", "coord_system": "CGCS2000",
            "std_status": "none", **extra}


def test_create_with_bad_credit_code_keeps_input_and_explains(users, login, town, industry):
    client = login(users["jiuxian"])
    data = form_data(town, industry, credit_code="915001510000000000", address="旧县街道工业园8号")
    body = client.post(reverse("enterprise_create"), data).content.decode()
    assert "统一社会信用代码校验位错误" in body
    assert "旧县街道工业园8号" in body  # nothing lost on an error
    assert Enterprise.objects.count() == 0
    response = client.post(reverse("enterprise_create"), form_data(town, industry))
    ent = Enterprise.objects.get()
    assert response["Location"] == reverse("enterprise_detail", args=[ent.pk])
    assert ent.organisation.kind == "enterprise"


def test_town_inspector_cannot_register_in_another_town(users, login, town, industry):
    client = login(users["jiuxian"])
    assert "虎峰镇" not in client.get(reverse("enterprise_create")).content.decode()  # not even offered
    body = client.post(reverse("enterprise_create"), form_data(town, industry, region=town("虎峰镇").pk)).content.decode()
    assert "有效的选项" in body and Enterprise.objects.count() == 0
    with pytest.raises(ValidationError, match="不在您的监管范围内"):  # the service refuses too
        services.create_enterprise(users["jiuxian"], {**form_data(town, industry), "region": town("虎峰镇"),
                                                      "industry": industry("机械")})
    with pytest.raises(ValidationError, match="不在您的监管范围内"):  # a department: only its industries
        services.create_enterprise(users["jingxin"], {**form_data(town, industry), "region": town("虎峰镇"),
                                                      "industry": industry("危险化学品")})


def test_duplicate_credit_code_is_refused(users, login, town, industry, make_enterprise):
    ent = make_enterprise("已有企业")
    body = login(users["admin"]).post(reverse("enterprise_create"),
                                      form_data(town, industry, credit_code=ent.credit_code)).content.decode()
    assert "该统一社会信用代码已登记" in body


def test_edit_records_history_with_before_and_after(users, login, make_enterprise, town, industry):
    ent = make_enterprise("旧县机械厂")
    client = login(users["jiuxian"])
    data = form_data(town, industry, name="旧县机械厂（更名）", credit_code=ent.credit_code, employees=88,
                     version=version(ent))
    assert client.post(reverse("enterprise_edit", args=[ent.pk]), data).status_code == 302
    event = history(ent).first()
    assert event.action == "update" and event.actor == users["jiuxian"]
    assert event.before["name"] == "旧县机械厂" and event.after["name"] == "旧县机械厂（更名）"
    body = client.get(reverse("enterprise_detail", args=[ent.pk]) + "?tab=history").content.decode()
    assert "旧县机械厂（更名）" in body and "项变更" in body
    assert Enterprise.objects.get(pk=ent.pk).organisation.name == "旧县机械厂（更名）"


def test_enterprise_user_edits_only_own_fields(make_enterprise, enterprise_user, login, town, industry):
    ent = make_enterprise("旧县机械厂", std_status="none")
    client = login(enterprise_user(ent))
    data = form_data(town, industry, name="改名企图", credit_code=ent.credit_code, contact_phone="023-1234567",
                     std_status="certified", std_grade="1", version=version(ent))
    assert client.post(reverse("enterprise_edit", args=[ent.pk]), data).status_code == 302
    ent.refresh_from_db()
    assert ent.contact_phone == "023-1234567"
    assert ent.name == "旧县机械厂" and ent.std_status == "none"  # disabled fields ignore posted values
    assert client.get(reverse("enterprise_create")).status_code == 404


def test_detail_tabs_render(users, login, make_enterprise):
    ent = make_enterprise("旧县机械厂", tags=["dust"])
    client = login(users["admin"])
    for tab in ("basic", "persons", "standardization", "posts", "history", "bogus"):
        response = client.get(reverse("enterprise_detail", args=[ent.pk]) + f"?tab={tab}")
        assert response.status_code == 200 and "旧县机械厂" in response.content.decode()


def test_responsible_persons_key_persons_posts_and_cards(users, login, make_enterprise):
    ent = make_enterprise("旧县机械厂")
    client = login(users["jiuxian"])
    def save(kind, data):  # each form on a tab posts with its kind as prefix
        client.post(reverse("enterprise_detail_save", args=[ent.pk, kind]), {f"{kind}-{k}": v for k, v in data.items()})

    save("responsible", {"kind": "regional", "name": "张镇长", "title": "旧县街道办主任", "phone": "023-1"})
    save("responsible", {"kind": "regional", "name": "李镇长", "title": "旧县街道办主任", "phone": "023-2"})
    assert list(ResponsiblePerson.objects.filter(enterprise=ent).values_list("name", flat=True)) == ["李镇长"]
    save("key_person", {"kind": "special_operator", "name": "王焊工", "certificate_type": "焊接"})
    worker = KeyPerson.objects.get(name="王焊工")
    assert worker.uncertified
    body = client.get(reverse("enterprise_detail", args=[ent.pk]) + "?tab=persons").content.decode()
    assert "无有效证书" in body
    client.post(reverse("enterprise_detail_remove", args=[ent.pk, "key_person", worker.pk]))
    assert not KeyPerson.objects.get(pk=worker.pk).is_active  # deactivated, never deleted
    save("post", {"name": "焊工岗", "department": "一车间", "headcount": 3})
    post = Post.objects.get(enterprise=ent)
    upload = SimpleUploadedFile("卡.png", PNG, content_type="image/png")
    client.post(reverse("enterprise_card_save", args=[ent.pk, post.pk]),
                card(post, kind="emergency_card", content="停机、断电、撤离", attachment=upload))
    saved = PostCard.objects.get(post=post)
    attachment = Attachment.objects.get(object_id=str(saved.pk))
    assert attachment.original_name == "卡.png" and attachment.mime_type == "image/png"
    file_url = reverse("enterprise_card_file", args=[ent.pk, attachment.pk])
    assert client.get(file_url).status_code == 200
    assert login(users["hufeng"]).get(file_url).status_code == 404
    summaries = [e.summary for e in history(ent)]
    assert any("新增两单两卡" in s for s in summaries) and any("上传附件" in s for s in summaries)


def test_disguised_upload_is_refused_and_nothing_saved(users, login, make_enterprise):
    ent = make_enterprise("旧县机械厂")
    post = Post.objects.create(enterprise=ent, name="岗位")
    client = login(users["jiuxian"])
    fake = SimpleUploadedFile("photo.png", b"<html>not an image</html>", content_type="image/png")
    response = client.post(reverse("enterprise_card_save", args=[ent.pk, post.pk]),
                           card(post, kind="risk_list", content="x", attachment=fake), follow=True)
    assert "文件内容与扩展名不符" in response.content.decode()
    assert not PostCard.objects.exists() and not Attachment.objects.exists()
    broken = SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    response = client.post(reverse("enterprise_card_save", args=[ent.pk, post.pk]),
                           card(post, kind="risk_list", content="x", attachment=broken), follow=True)
    assert "图片已损坏或不是有效图片" in response.content.decode()
    exe = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(reverse("enterprise_card_save", args=[ent.pk, post.pk]),
                           card(post, kind="risk_list", content="x", attachment=exe), follow=True)
    assert "不支持的文件类型" in response.content.decode()


def test_public_page_shows_three_responsible_persons_only(make_enterprise):
    ent = make_enterprise("公示企业", contact_phone="13900000000")
    ResponsiblePerson.objects.create(enterprise=ent, kind="regional", name="区域甲", phone="023-1")
    ResponsiblePerson.objects.create(enterprise=ent, kind="enterprise", name="企业丙", phone="023-3")
    body = Client().get(reverse("enterprise_public", args=[ent.public_token])).content.decode()
    assert "区域甲" in body and "企业丙" in body and "未公示" in body
    assert ent.credit_code not in body and "13900000000" not in body
    assert len(ent.public_token) >= 24
    assert Client().get(reverse("enterprise_public", args=["guess"])).status_code == 404


def test_printable_sign_shows_name_qr_and_public_url(users, login, make_enterprise):
    ent = make_enterprise("公示企业")
    body = login(users["jiuxian"]).get(reverse("enterprise_public_sign", args=[ent.pk])).content.decode()
    assert "公示企业" in body and reverse("enterprise_qr", args=[ent.pk]) in body and ent.public_token in body
    assert login(users["hufeng"]).get(reverse("enterprise_public_sign", args=[ent.pk])).status_code == 404


def test_qr_code_png_points_to_public_page(users, login, make_enterprise):
    ent = make_enterprise("公示企业")
    response = login(users["admin"]).get(reverse("enterprise_qr", args=[ent.pk]) + "?download=1")
    assert response["Content-Type"] == "image/png" and response.content.startswith(b"\x89PNG")
    assert "attachment" in response["Content-Disposition"]
    svg = login(users["admin"]).get(reverse("enterprise_qr", args=[ent.pk]) + "?format=svg").content
    assert b"<svg" in svg


@pytest.mark.parametrize("params, expected", [
    ("?q=旧县", {"旧县机械厂", "旧县化工厂"}),
    ("?tag=dust", {"旧县机械厂"}),
    ("?std_status=certified", {"旧县化工厂"}),
    ("?std_grade=2", {"旧县化工厂"}),
    ("?std_grade=none", {"旧县机械厂", "虎峰食品厂"}),
    ("?status=closed", {"虎峰食品厂"}),
    ("?industry={gongmao}", {"旧县机械厂", "虎峰食品厂"}),
    ("?region={hufeng}", {"虎峰食品厂"}),
    ("?sort=-name&page=1&per_page=50", {"旧县机械厂", "旧县化工厂", "虎峰食品厂"}),
    ("?sort=nonsense&per_page=7&region=abc", {"旧县机械厂", "旧县化工厂", "虎峰食品厂"}),
])
def test_list_filters(users, login, make_enterprise, town, industry, params, expected):
    a = make_enterprise("旧县机械厂", "旧县街道", "机械", tags=["dust"])
    make_enterprise("旧县化工厂", "旧县街道", "危险化学品", std_status="certified", std_grade="2",
                    std_certificate_date="2025-06-01")
    make_enterprise("虎峰食品厂", "虎峰镇", "轻工", status="closed")
    params = params.format(gongmao=industry("工贸").pk, hufeng=town("虎峰镇").pk)
    response = login(users["admin"]).get(reverse("enterprise_list") + params)
    assert {e.name for e in response.context["page"]} == expected
    assert a.credit_code[:10] in login(users["admin"]).get(reverse("enterprise_list") + "?q=" + a.credit_code[:10]).content.decode()


def test_list_sorts_and_htmx_returns_the_table_only(users, login, make_enterprise):
    for name in ("乙", "甲", "丙"):
        make_enterprise(name)
    client = login(users["admin"])
    names = [e.name for e in client.get(reverse("enterprise_list") + "?sort=-name").context["page"]]
    assert names == sorted(names, reverse=True)
    partial = client.get(reverse("enterprise_list"), HTTP_HX_REQUEST="true").content.decode()
    assert "<table" in partial and "<html" not in partial


def test_home_shows_own_figures(users, login, make_enterprise):
    make_enterprise("旧县机械厂", "旧县街道", "机械")
    make_enterprise("虎峰食品厂", "虎峰镇", "轻工")
    assert login(users["jiuxian"]).get("/").context["figures"]["total"] == 1
    assert login(users["admin"]).get("/").context["figures"]["total"] == 2


def test_enterprise_user_home_goes_to_own_enterprise(make_enterprise, enterprise_user, login):
    ent = make_enterprise("旧县机械厂")
    response = login(enterprise_user(ent)).get("/")
    assert response["Location"] == reverse("enterprise_detail", args=[ent.pk])


def test_menu_lists_only_permitted_modules(users, login):
    admin_body = login(users["admin"]).get("/").content.decode()
    assert "单位管理" in admin_body and "审计日志" in admin_body
    body = login(users["jiuxian"]).get("/").content.decode()
    assert "生产经营单位" in body and "单位管理" not in body and "审计日志" not in body


def test_demo_ents_are_marked(make_enterprise):
    ent = make_enterprise("x", is_demo=True)
    assert Enterprise.objects.get(pk=ent.pk).is_demo


def _xlsx_bytes(response):
    return io.BytesIO(b"".join(response.streaming_content))


def test_search_ignores_case_of_latin_letters_on_both_databases(users, login, make_enterprise):
    make_enterprise("重庆ABB机电有限公司")
    client = login(users["admin"])
    for q in ("abb", "ABB", "Abb机电", "机电"):
        names = [e.name for e in client.get(reverse("enterprise_list") + f"?q={q}").context["page"]]
        assert names == ["重庆ABB机电有限公司"], q


def test_list_offers_only_the_actions_the_role_may_take(users, login, make_enterprise):
    make_enterprise("旧县机械厂")
    admin = login(users["admin"]).get(reverse("enterprise_list")).content.decode()
    assert "导出" in admin and "导入" in admin and "登记企业" in admin
    duty = login(users["duty"]).get(reverse("enterprise_list")).content.decode()
    assert 'id="export-link"' not in duty and "登记企业" not in duty and reverse("enterprise_import") not in duty
    leader = login(users["leader"]).get(reverse("enterprise_list")).content.decode()
    assert 'id="export-link"' in leader and "登记企业" not in leader
