"""Bad input and edge cases found in review: each once produced a 500, a leak or a silent change."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from anying.core import services as core_services
from anying.core.errors import ImportFileError
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.roles import Role
from anying.core.services import create_token
from anying.registry.excel import import_enterprises
from anying.registry.models import Enterprise, ResponsiblePerson

from .xlsx import rows, workbook


def test_enterprise_user_cannot_turn_a_regulators_entry_into_their_own(make_enterprise, enterprise_user, login):
    ent = make_enterprise("旧县机械厂")
    regional = ResponsiblePerson.objects.create(enterprise=ent, kind="regional", name="张镇长")
    client = login(enterprise_user(ent))
    client.post(reverse("enterprise_detail_save", args=[ent.pk, "responsible"]),
                {"id": regional.pk, "responsible-kind": "enterprise", "responsible-name": "企业老板"})
    assert ResponsiblePerson.objects.get(pk=regional.pk).kind == "regional"
    assert ResponsiblePerson.objects.get(pk=regional.pk).name == "张镇长"


def test_detail_save_with_a_malformed_id_is_404(users, login, make_enterprise):
    ent = make_enterprise("旧县机械厂")
    response = login(users["jiuxian"]).post(reverse("enterprise_detail_save", args=[ent.pk, "post"]),
                                            {"id": "abc", "post-name": "x"})
    assert response.status_code == 404


def test_export_never_contains_live_formulas(users, login, make_enterprise):
    make_enterprise("公式企业", address='=HYPERLINK("http://evil.example","点我")')
    response = login(users["admin"]).get(reverse("enterprise_export"))
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = ws.cell(row=3, column=8)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://evil.example","点我")'  # text, unchanged


@pytest.mark.parametrize("url", ["/enterprises/?region=²", "/enterprises/?region=99999999999999999999",
                                 "/users/?unit=²", "/users/?unit=99999999999999999999"])
def test_odd_numbers_in_urls_are_ignored(users, login, url):
    assert login(users["admin"]).get(url).status_code == 200


@pytest.mark.parametrize("url", ["/enterprises/?q=a%00b", "/audit/?actor=%00", "/users/?q=%00"])
def test_nul_characters_get_a_clear_400(users, login, url):
    response = login(users["admin"]).get(url)
    assert response.status_code == 400 and "非法字符" in response.content.decode()


def test_api_refuses_nul_and_huge_offsets(users, make_enterprise):
    ent = make_enterprise("旧县机械厂")
    _, secret = create_token(None, users["admin"], "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/enterprises/?offset=99999999999999999999").status_code == 422
    for content_type in ("application/json", "text/plain"):
        response = client.patch(f"/api/v1/enterprises/{ent.pk}", '{"address": "a\\u0000b"}', content_type=content_type)
        assert response.status_code == 422 and "非法字符" in response.json()["detail"][0]["msg"]
    assert Enterprise.objects.get(pk=ent.pk).address == ""
    response = client.patch(f"/api/v1/enterprises/{ent.pk}", '{"address": "C:\\\\u0000dir"}',
                            content_type="application/json")  # an escaped backslash, not a NUL
    assert response.status_code == 200 and Enterprise.objects.get(pk=ent.pk).address == "C:\\u0000dir"


@pytest.mark.parametrize("column, value, reason", [
    ("经度", "NaN", "应为数字"), ("纬度", "inf", "应为数字"), ("从业人数", "inf", "应为整数"), ("从业人数", "3.7", "应为整数"),
])
def test_import_refuses_non_finite_and_fractional_numbers(users, column, value, reason):
    data = rows(1)
    data[0][column] = value
    report = import_enterprises(users["admin"], workbook(data))
    assert not report.applied and reason in report.bad_rows[0].errors[0][1]


def test_import_of_a_damaged_workbook_is_a_clear_error(users):
    good = workbook(rows(2)).getvalue()
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, b"<worksheet><sheetData><row>" if item.filename.endswith("sheet1.xml") else data)
    damaged.seek(0)
    with pytest.raises(ImportFileError, match="无法读取文件"):
        import_enterprises(users["admin"], damaged)


def test_history_tab_query_count_does_not_grow_with_events(users, login, make_enterprise, django_assert_max_num_queries):
    from anying.registry import services

    ent = make_enterprise("旧县机械厂")
    for n in range(40):
        services.update_enterprise(users["admin"], ent, {"employees": n + 1})
    client = login(users["admin"])
    with django_assert_max_num_queries(15):
        client.get(reverse("enterprise_detail", args=[ent.pk]) + "?tab=history")


def test_audit_events_cannot_be_rewritten(users):
    create_token(None, users["admin"], "x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(summary="篡改")
    event = AuditEvent.objects.first()
    event.summary = "篡改"
    with pytest.raises(PermissionError):
        event.save()


@pytest.fixture
def bishan(district):
    bishan = core_services.save_region(None, Region(name="璧山区", level="district", parent=district.parent))
    office = core_services.save_organisation(None, Organisation(name="璧山区安委办", kind="committee_office", region=bishan))
    admin = core_services.create_user(None, username="bsadmin", password="Bishan#2026", role=Role.DISTRICT_ADMIN,
                                      unit=office)
    town = core_services.save_region(None, Region(name="旧县街道", level="town", parent=bishan))  # same name
    return admin, town


def test_second_district_admin_sees_none_of_the_first_districts_audit(users, login, bishan, make_enterprise):
    admin, _ = bishan
    make_enterprise("铜梁企业")
    Client().post(reverse("login"), {"username": "jiuxian", "password": "wrong"})
    body = login(admin).get(reverse("audit_log")).content.decode()
    assert "铜梁企业" not in body and "jiuxian" not in body
    body = login(users["admin"]).get(reverse("audit_log")).content.decode()
    assert "铜梁企业" in body and "jiuxian" in body


def test_admin_forms_offer_only_own_territory(users, login, bishan):
    client = login(users["admin"])
    for name in ("user_create", "unit_create", "region_create"):
        assert "璧山区" not in client.get(reverse(name)).content.decode(), name


def test_import_finds_the_town_in_the_actors_own_district(users, bishan):
    report = import_enterprises(users["admin"], workbook(rows(2, town="旧县街道")))
    assert report.applied and report.created == 2
    assert set(Enterprise.objects.values_list("region__parent__name", flat=True)) == {"铜梁区"}
    other_admin, _ = bishan
    report = import_enterprises(other_admin, workbook(rows(1, seed=9, town="旧县街道")))
    assert report.applied and Enterprise.objects.filter(region__parent__name="璧山区").count() == 1


def test_district_admin_can_edit_own_district_region(users, district):
    district.code = "500151000000"
    district.name = "铜梁区"
    core_services.save_region(users["admin"], district)


def test_inspector_of_a_deactivated_unit_cannot_create(users, town, industry):
    from django.core.exceptions import ValidationError

    from anying.registry import creditcode, services

    unit = users["jiuxian"].unit
    unit.is_active = False
    unit.save()
    with pytest.raises(ValidationError):
        services.create_enterprise(users["jiuxian"], {"name": "x", "credit_code": creditcode.synthetic(__import__("random").Random(1)),
                                                      "region": town("旧县街道"), "industry": industry("机械")})


def test_second_of_two_concurrent_edits_is_refused(users, login, make_enterprise):
    ent = make_enterprise("旧县机械厂")
    first, second = login(users["jiuxian"]), login(users["admin"])
    form_a = first.get(reverse("enterprise_edit", args=[ent.pk])).context["form"]
    form_b = second.get(reverse("enterprise_edit", args=[ent.pk])).context["form"]

    def post(client, form, **changes):
        data = {**{k: v for k, v in form.initial.items() if v is not None and k != "tags"},
                "region": ent.region_id, "industry": ent.industry_id, **changes}
        return client.post(reverse("enterprise_edit", args=[ent.pk]), data)

    assert post(first, form_a, address="甲改的地址").status_code == 302
    body = post(second, form_b, address="乙改的地址").content.decode()
    assert "已被他人修改" in body
    assert Enterprise.objects.get(pk=ent.pk).address == "甲改的地址"


def test_api_messages_are_chinese_and_read_only_roles_get_403_first(users):
    _, secret = create_token(None, users["admin"], "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    detail = client.post("/api/v1/enterprises/", {"employees": "many"}, content_type="application/json").json()["detail"]
    assert {d["msg"] for d in detail} == {"应为整数"}
    _, leader = create_token(None, users["leader"], "t")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {leader}").post("/api/v1/enterprises/", {}, content_type="application/json")
    assert response.status_code == 403


def test_api_docs_are_served_locally(db):
    body = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body and "cdn" not in body.lower()


def test_enterprise_users_do_not_see_regulators_ip(make_enterprise, enterprise_user, login, users):
    ent = make_enterprise("旧县机械厂")
    client = login(users["jiuxian"])
    client.post(reverse("enterprise_detail_save", args=[ent.pk, "post"]), {"post-name": "焊工"})
    history = reverse("enterprise_detail", args=[ent.pk]) + "?tab=history"
    assert "127.0.0.1" in client.get(history).content.decode()
    assert "127.0.0.1" not in login(enterprise_user(ent)).get(history).content.decode()


def test_version_check_also_guards_enterprise_users_and_blank_versions(users, login, make_enterprise, enterprise_user):
    ent = make_enterprise("旧县机械厂")
    owner = login(enterprise_user(ent))
    form = owner.get(reverse("enterprise_edit", args=[ent.pk])).context["form"]
    assert 'name="version"' in str(form["version"]) and "disabled" not in str(form["version"])
    from anying.registry import services

    services.update_enterprise(users["admin"], ent, {"address": "管理员改的地址"})
    body = owner.post(reverse("enterprise_edit", args=[ent.pk]),
                      {"version": form.initial["version"], "address": "企业改的地址", "coord_system": "CGCS2000"}).content.decode()
    assert "已被他人修改" in body and Enterprise.objects.get(pk=ent.pk).address == "管理员改的地址"
    body = owner.post(reverse("enterprise_edit", args=[ent.pk]), {"address": "没有版本", "coord_system": "CGCS2000"}).content.decode()
    assert "已被他人修改" in body


def test_system_import_refuses_an_ambiguous_town_and_accepts_district_slash_town(bishan):
    data = rows(2, seed=4)
    report = import_enterprises(None, workbook(data))
    assert not report.applied and "有多个镇街名为 旧县街道" in report.bad_rows[0].errors[0][1]
    data[0]["所属镇街"] = data[1]["所属镇街"] = "璧山区/旧县街道"
    report = import_enterprises(None, workbook(data))
    assert report.applied and set(Enterprise.objects.values_list("region__parent__name", flat=True)) == {"璧山区"}


def test_district_admin_edits_own_district_through_the_form(users, login, district):
    client = login(users["admin"])
    page = client.get(reverse("region_edit", args=[district.pk]))
    assert page.context["form"]["parent"].value() == district.parent_id  # the saved parent is selected
    response = client.post(reverse("region_edit", args=[district.pk]), {
        "name": "铜梁区", "level": "district", "parent": district.parent_id, "code": "500151000000", "sort": 1})
    assert response.status_code == 302
    assert Region.objects.get(pk=district.pk).sort == 1


def test_failed_logins_for_unknown_usernames_reach_every_admin(users, login):
    Client().post(reverse("login"), {"username": "nosuchuser", "password": "x"})
    assert "nosuchuser" in login(users["admin"]).get(reverse("audit_log")).content.decode()
