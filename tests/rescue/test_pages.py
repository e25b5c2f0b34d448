"""Pages, scope, permissions, 回避, import errors and the API."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.services import create_token
from anying.hazards.models import Hazard
from anying.rescue import excel, services
from anying.rescue.models import Avoidance, Expert, GuidanceVisit, Member, StandbyReport, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert(units):
    return services.save_expert(None, Expert(owner=units["区应急局"], name="王专家", employer="某设计院"),
                                field_codes=["hazchem"])


def test_scope_town_sees_own_and_dispatchable_district_teams(make_team, users, login):
    own = make_team()
    other = make_team(name="虎峰镇专职救援队", owner="虎峰镇应急办")
    district_private = make_team(name="区机关救援队", category=Team.Category.DEPARTMENT, owner="区应急局")
    district_shared = make_team(name="区应急救援中队", category=Team.Category.DISTRICT, owner="区应急局", dispatchable=True)
    seen = set(Team.objects.visible_to(users["jiuxian"]))
    assert seen == {own, district_shared}
    assert set(Team.objects.visible_to(users["admin"])) == {own, other, district_private, district_shared}
    client = login(users["jiuxian"])
    assert client.get(reverse("rescue_team_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("rescue_team_detail", args=[district_shared.pk])).status_code == 200
    # seen for dispatch, but kept by the district: the town may not edit it
    assert client.get(reverse("rescue_team_edit", args=[district_shared.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.report_standby(users["jiuxian"], district_shared.pk, timezone.localdate(), people=3)


def test_enterprise_sees_its_own_team(make_enterprise, enterprise_user, make_team, users):
    ent = make_enterprise()
    user = enterprise_user(ent)
    from anying.core.models import Organisation

    org = Organisation.objects.get(pk=ent.organisation_id)
    mine = services.save_team(None, Team(name="企业救援队", category=Team.Category.ENTERPRISE, owner=org, region=ent.region))
    make_team()
    assert list(Team.objects.visible_to(user)) == [mine]
    services.report_standby(user, mine.pk, timezone.localdate(), people=4)
    with pytest.raises(PermissionDenied):
        services.save_team(user, mine)  # an enterprise reports standby, the town keeps the register


def test_every_page_renders(make_team, users, login, expert, make_enterprise):
    team = make_team()
    services.save_member(None, Member(team=team, name="张三"))
    ent = make_enterprise()
    visit = services.save_visit(None, GuidanceVisit(unit=expert.owner, enterprise=ent, visited_on=timezone.localdate(),
                                                    contract="合同1"), [expert.pk])
    client = login(users["admin"])
    for name, args in [("rescue_team_list", []), ("rescue_team_new", []), ("rescue_team_detail", [team.pk]),
                       ("rescue_team_edit", [team.pk]), ("rescue_team_equipment", [team.pk]), ("rescue_standby", []),
                       ("rescue_standby_report", []), ("rescue_training", []), ("rescue_overview", []),
                       ("rescue_catalogue", []), ("rescue_import", []), ("rescue_expert_list", []),
                       ("rescue_expert_new", []), ("rescue_expert_detail", [expert.pk]),
                       ("rescue_expert_edit", [expert.pk]), ("rescue_visit_list", []), ("rescue_visit_new", []),
                       ("rescue_visit_detail", [visit.pk])]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    assert client.get(reverse("rescue_team_list") + "?export=xlsx").status_code == 200
    assert client.get(reverse("rescue_expert_list") + "?export=xlsx").status_code == 200
    assert AuditEvent.objects.filter(action="export").count() == 2
    assert client.get(reverse("rescue_import") + "?kind=members&template=1").status_code == 200


def test_permissions(users, login):
    leader = login(users["leader"])
    assert leader.get(reverse("rescue_team_list")).status_code == 200
    assert leader.get(reverse("rescue_team_new")).status_code == 404
    assert leader.get(reverse("rescue_standby_report")).status_code == 404
    assert login(users["duty"]).get(reverse("rescue_standby_report")).status_code == 200
    assert leader.get(reverse("rescue_visit_list")).status_code == 404


def test_team_form_and_standby_pages(users, login, units):
    client = login(users["jiuxian"])
    town = units["旧县街道应急办"]
    response = client.post(reverse("rescue_team_new"), {
        "name": "旧县街道专职救援队", "category": "central_town", "owner": town.pk, "region": town.region_id,
        "speciality_codes": ["fire", "water"], "authorised_strength": 10, "vehicles": 1, "is_active": "on",
        "address": "旧县街道1号", "latitude": "29.80", "longitude": "106.05"})
    assert response.status_code == 302, response.content.decode()[:2000]
    team = Team.objects.get(name="旧县街道专职救援队")
    assert team.base.latitude is not None and team.specialities == ",fire,water,"
    response = client.post(reverse("rescue_standby_report"), {"team": team.pk, "day": timezone.localdate().isoformat(),
                                                               "people": 8, "vehicles": 1})
    assert response.status_code == 302
    assert StandbyReport.objects.get(team=team).people == 8
    bad = client.post(reverse("rescue_standby_report"), {"team": team.pk, "day": "2099-01-01", "people": 8, "vehicles": 1})
    assert bad.status_code == 200 and "不能填报今天以后" in bad.content.decode()
    assert AuditEvent.objects.filter(object_id=str(team.pk), summary__startswith="值班备勤").exists()


def test_avoidance_blocks_visit_and_inspection(expert, make_enterprise, users):
    from anying.inspections.models import Inspection

    ent = make_enterprise()
    services.add_avoidance(None, expert.pk, ent, "曾在该企业任职")
    assert Avoidance.objects.filter(expert=expert).count() == 1
    with pytest.raises(ValidationError, match="回避"):
        services.save_visit(users["admin"], GuidanceVisit(enterprise=ent, visited_on=timezone.localdate(), contract="合同"),
                            [expert.pk])
    inspection = Inspection.objects.create(enterprise=ent, region_id=ent.region_id, industry_id=ent.industry_id,
                                           organisation_id=ent.organisation_id, unit=expert.owner,
                                           inspected_on=timezone.localdate())
    with pytest.raises(ValidationError, match="回避"):
        services.add_inspection_expert(users["admin"], inspection.pk, expert.pk)
    other = services.save_expert(None, Expert(owner=expert.owner, name="李专家"), field_codes=["industry"])
    link = services.add_inspection_expert(users["admin"], inspection.pk, other.pk, "意见")
    assert not inspection.inspectors.exists()  # an expert never becomes an 执法人员
    hazard = services.register_finding(users["admin"], link, {"place": "配电房", "description": "线路老化",
                                                               "found_on": timezone.localdate()})
    assert hazard.channel == Hazard.Channel.EXPERT and hazard.found_by == "专家 李专家"
    assert list(link.hazards.all()) == [hazard]


def test_visit_with_finding(expert, make_enterprise, users, login):
    ent = make_enterprise()
    client = login(users["admin"])
    response = client.post(reverse("rescue_visit_new"), {"enterprise": ent.pk, "expert_ids": [expert.pk],
                                                         "visited_on": timezone.localdate().isoformat(),
                                                         "contract": "购买服务合同1号", "topic": "有限空间"})
    assert response.status_code == 302
    visit = GuidanceVisit.objects.get()
    client.post(reverse("rescue_visit_detail", args=[visit.pk]), {"form": "hazard", "place": "污水池",
                                                                    "description": "未设警示标识"})
    assert visit.hazards.get().channel == Hazard.Channel.EXPERT
    other_town = login(users["hufeng"])
    assert other_town.get(reverse("rescue_visit_detail", args=[visit.pk])).status_code == 404
    # a unit that may read the visit (区经信委, above the town) adds neither reports nor findings to it
    department = login(users["jingxin"])
    assert department.get(reverse("rescue_visit_detail", args=[visit.pk])).status_code == 200
    response = department.post(reverse("rescue_visit_detail", args=[visit.pk]),
                               {"form": "hazard", "place": "泵房", "description": "越权登记"})
    assert response.status_code == 403 and visit.hazards.count() == 1


def _xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_import_reports_row_errors_and_imports_nothing(users, district):
    admin = users["admin"]
    f = _xlsx([excel.TEAM_HEADERS,
               ["旧县街道专职救援队", "中心镇（街）专职救援队", "", "旧县街道应急办", "旧县街道", "张队长", "", "", "火灾扑救",
                20, 2, "", None, None, "否", ""],
               ["坏队", "不存在的类别", "", "无此单位", "旧县街道", "", "", "", "飞天", "x", 0, "", None, None, "", ""]])
    report = excel.import_teams(admin, f)
    assert not report.applied and Team.objects.count() == 0
    lines = report.error_lines()
    assert any("第 3 行 [队伍类别]" in line for line in lines)
    assert any("[主管单位]" in line and "无此单位" in line for line in lines)
    assert any("[专业方向]" in line for line in lines) and any("[编制人数]" in line for line in lines)
    f.seek(0)
    report = excel.import_teams(admin, f, valid_only=True)
    assert report.applied and report.created == 1 and Team.objects.get().specialities == ",fire,"


def test_import_members_and_experts(make_team, users):
    make_team()
    jx = users["jiuxian"]
    f = _xlsx([excel.MEMBER_HEADERS,
               ["旧县街道专职救援队", "李四", "队员", "", "水域", "2024-01-01", "救援员证", "A1", "", "2027-01-01"],
               ["虎峰镇专职救援队", "王五", "队员", "", "", "", "", "", "", ""]])
    report = excel.import_members(jx, f)
    assert not report.applied and report.error_lines() == ["第 3 行 [队伍名称] 找不到队伍“虎峰镇专职救援队”，或不在您管理的范围内"]
    f = _xlsx([excel.EXPERT_HEADERS, ["赵专家", "危险化学品、有限空间作业", "高级工程师", "某院", "", "1390000", "可派",
                                      "区应急局", "", None, None, "是", ""]])
    report = excel.import_experts(users["admin"], f)
    assert report.applied and Expert.objects.get().fields == ",hazchem,confined,"
    with pytest.raises(PermissionDenied):
        excel.import_experts(jx, f)  # a town does not keep the district's expert directory


def test_api(make_team, users, client, expert):
    team = make_team()
    other = make_team(name="虎峰镇专职救援队", owner="虎峰镇应急办")
    _, key = create_token(None, users["jiuxian"], "t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    body = client.get("/api/v1/rescue/teams", **headers).json()
    assert [t["name"] for t in body["items"]] == [team.name]
    assert client.get(f"/api/v1/rescue/teams/{other.pk}", **headers).status_code == 404
    assert client.get(f"/api/v1/rescue/teams/{team.pk}", **headers).json()["category"] == "central_town"
    response = client.post(f"/api/v1/rescue/teams/{team.pk}/standby", data=json.dumps(
        {"day": timezone.localdate().isoformat(), "people": 7}), content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = client.post(f"/api/v1/rescue/teams/{team.pk}/standby", data=json.dumps({"day": future, "people": 7}),
                           content_type="application/json", **headers)
    assert response.status_code == 422
    assert client.get("/api/v1/rescue/experts?field=hazchem", **headers).json()["count"] == 1
    assert client.get("/api/v1/rescue/overview", **headers).status_code == 200


def test_inspection_page_links_to_its_experts(expert, make_enterprise, users, login):
    from anying.inspections.models import Inspection

    ent = make_enterprise()
    inspection = Inspection.objects.create(enterprise=ent, region_id=ent.region_id, industry_id=ent.industry_id,
                                           organisation_id=ent.organisation_id, unit=expert.owner,
                                           inspected_on=timezone.localdate())
    client = login(users["admin"])
    response = client.post(reverse("rescue_inspection_experts", args=[inspection.pk]), {"expert": expert.pk,
                                                                                         "findings": "建议"})
    assert response.status_code == 302
    page = client.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert "执法+专家：王专家" in page


def test_nearest_search_offers_teams_and_experts(make_team, users, units):
    from decimal import Decimal

    from anying.places.layers import REGISTRY
    from anying.places.nearest import nearest

    near = make_team(base={"address": "近", "latitude": Decimal("29.80"), "longitude": Decimal("106.05")})
    make_team(name="远队", base={"address": "远", "latitude": Decimal("29.95"), "longitude": Decimal("106.20")})
    hits = nearest(REGISTRY["rescue_teams"], users["jiuxian"], 29.801, 106.051, limit=1)
    assert [h.row["pk"] for h in hits] == [near.pk]
    assert nearest(REGISTRY["rescue_teams"], users["hufeng"], 29.801, 106.051) == []  # another town's teams
    fire = nearest(REGISTRY["rescue_teams"], users["jiuxian"], 29.8, 106.05, params={"speciality": ",fire,"})
    assert len(fire) == 2
    services.save_expert(None, Expert(owner=units["区应急局"], name="近专家"), field_codes=["flood"],
                         office={"address": "城区", "latitude": Decimal("29.81"), "longitude": Decimal("106.06")})
    assert [h.row["name"] for h in nearest(REGISTRY["experts"], users["jiuxian"], 29.8, 106.05)] == ["近专家"]


def test_every_change_is_audited_and_the_command_imports(make_team, expert, make_enterprise, tmp_path, users):
    from django.core.management import call_command

    team = make_team(actor=users["jiuxian"])
    assert AuditEvent.objects.filter(object_id=str(team.pk), action="create", actor=users["jiuxian"]).exists()
    ent = make_enterprise()
    services.add_avoidance(users["admin"], expert.pk, ent, "近亲属任职")
    assert AuditEvent.objects.filter(object_id=str(expert.pk), summary__contains="回避企业").exists()
    path = tmp_path / "experts.xlsx"
    path.write_bytes(_xlsx([excel.EXPERT_HEADERS, ["钱专家", "防汛抗旱", "", "", "", "", "", "区应急局", "", None, None,
                                                   "", ""]]).getvalue())
    call_command("import", "rescue-experts", str(path), "--as", "admin")
    assert Expert.objects.filter(name="钱专家", fields=",flood,").exists()
