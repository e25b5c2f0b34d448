"""Members leaving and their certificates, social-force guidance, the grassroots registers, the
district's targets and funding standard, the town coverage and the yearly linkage meeting."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anying.core import clock
from anying.core.attachments import attachments_of
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, ClockStep, Notification, Organisation
from anying.rescue import rules, services
from anying.rescue.clocks import LINKAGE_MEETING
from anying.rescue.models import (
    Certificate,
    GrassrootsPerson,
    LinkageMeeting,
    Member,
    SocialGuidance,
    TargetValue,
    Team,
)

pytestmark = pytest.mark.django_db


def _members(team, n):
    return [services.save_member(None, Member(team=team, name=f"队员{i}", joined_on=dt.date(2020, 1, 1)))
            for i in range(n)]


# --- members: edit, 离队, certificates ------------------------------------------------------------

def test_leaving_keeps_the_member_and_drops_them_from_the_counts(make_team, users, login):
    team = make_team(authorised_strength=3)
    a, b, c = _members(team, 3)
    assert rules.rates([team])[team.pk].staffed is True
    client = login(users["jiuxian"])
    url = reverse("rescue_member_leave", args=[team.pk, a.pk])
    # no reason: refused in Chinese, nothing changed
    response = client.post(url, {"l-left_on": timezone.localdate().isoformat(), "l-left_reason": ""}, follow=True)
    assert "离队原因" in response.content.decode()
    a.refresh_from_db()
    assert a.is_active
    # a date before joining: refused
    response = client.post(url, {"l-left_on": "2019-06-01", "l-left_reason": "调动"}, follow=True)
    assert "离队日期不能早于入队日期" in response.content.decode()
    a.refresh_from_db()
    assert a.is_active
    client.post(url, {"l-left_on": timezone.localdate().isoformat(), "l-left_reason": "工作调动"})
    a.refresh_from_db()
    assert (a.is_active, a.left_reason, a.left_on) == (False, "工作调动", timezone.localdate())
    assert Member.objects.filter(pk=a.pk).exists()  # kept, not deleted
    r = rules.rates([team])[team.pk]
    assert (r.members, r.staffed) == (2, False)
    page = client.get(reverse("rescue_team_detail", args=[team.pk])).content.decode()
    assert "队员（2 人在队）" in page and "已离队队员（1 人" in page and "工作调动" in page
    event = AuditEvent.objects.filter(object_id=str(team.pk), summary__contains="离队").get()
    assert event.before["is_active"] is True and event.after["left_reason"] == "工作调动"
    # back in the team
    client.post(reverse("rescue_member_rejoin", args=[team.pk, a.pk]))
    a.refresh_from_db()
    assert a.is_active and a.left_on is None and rules.rates([team])[team.pk].members == 3
    assert b and c


def test_member_edit_through_the_page_and_its_errors(make_team, users, login):
    team = make_team()
    (m,) = _members(team, 1)
    client = login(users["jiuxian"])
    url = reverse("rescue_member_detail", args=[team.pk, m.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"m-name": "", "m-role": "member"})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    m.refresh_from_db()
    assert m.name == "队员0"
    response = client.post(url, {"m-name": "张新", "m-role": "driver", "m-phone": "13800000000",
                                 "m-joined_on": "2021-03-01"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.name, m.role, m.is_active) == ("张新", "driver", True)
    assert AuditEvent.objects.filter(object_id=str(team.pk), summary="修改队员 张新（驾驶员）").exists()
    # another town's member: not found
    other = make_team(name="虎峰镇专职救援队", owner="虎峰镇应急办")
    (stranger,) = _members(other, 1)
    assert client.get(reverse("rescue_member_detail", args=[other.pk, stranger.pk])).status_code == 404
    assert client.post(reverse("rescue_member_leave", args=[team.pk, stranger.pk]),
                       {"l-left_on": "2024-01-01", "l-left_reason": "x"}).status_code == 404


def test_certificates_edited_and_removed_with_audit(make_team, users, login):
    team = make_team()
    (m,) = _members(team, 1)
    cert = services.save_certificate(None, Certificate(member=m, name="应急救援员证", expires_on=dt.date(2030, 1, 1)))
    client = login(users["jiuxian"])
    client.post(reverse("rescue_certificate_edit", args=[team.pk, cert.pk]),
                {f"c{cert.pk}-name": "应急救援员证（高级）", f"c{cert.pk}-expires_on": "2031-06-30"})
    cert.refresh_from_db()
    assert (cert.name, cert.expires_on) == ("应急救援员证（高级）", dt.date(2031, 6, 30))
    edit = AuditEvent.objects.filter(object_id=str(team.pk), summary__startswith="修改 队员0 证书").get()
    assert edit.before["expires_on"] == "2030-01-01" and edit.after["expires_on"] == "2031-06-30"
    url = reverse("rescue_certificate_remove", args=[team.pk, cert.pk])
    response = client.post(url, {"r-reason": ""}, follow=True)
    assert "删除原因" in response.content.decode() and Certificate.objects.filter(pk=cert.pk).exists()
    client.post(url, {"r-reason": "录入错误"})
    assert not Certificate.objects.filter(pk=cert.pk).exists()
    gone = AuditEvent.objects.filter(object_id=str(team.pk), summary__startswith="删除 队员0 证书").get()
    assert gone.before["name"] == "应急救援员证（高级）" and "录入错误" in gone.summary
    # the district's team: a town sees it for dispatch, does not touch its certificates
    shared = make_team(name="区应急救援中队", category=Team.Category.DISTRICT, owner="区应急局", dispatchable=True)
    (d,) = _members(shared, 1)
    dc = services.save_certificate(None, Certificate(member=d, name="驾驶证"))
    assert client.post(reverse("rescue_certificate_remove", args=[shared.pk, dc.pk]),
                       {"r-reason": "x"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.remove_certificate(users["jiuxian"], shared.pk, dc.pk, "x")


# --- social forces --------------------------------------------------------------------------------

def test_guidance_of_a_social_force(make_team, users, login):
    social = make_team(name="铜龙应急救援大队", category=Team.Category.SOCIAL, owner="区应急局")
    client = login(users["admin"])
    url = reverse("rescue_team_guidance", args=[social.pk])
    response = client.post(url, {"g-day": timezone.localdate().isoformat(), "g-given_by": "", "g-content": "x"},
                           follow=True)
    assert "指导人员" in response.content.decode() and not SocialGuidance.objects.exists()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(url, {"g-day": future, "g-given_by": "王科长", "g-content": "x"}, follow=True)
    assert "指导日期不能晚于今天" in response.content.decode() and not SocialGuidance.objects.exists()
    client.post(url, {"g-day": timezone.localdate().isoformat(), "g-given_by": "王科长",
                      "g-content": "指导办理合法登记注册"})
    g = SocialGuidance.objects.get()
    assert g.unit_id == users["admin"].unit_id and g.team == social
    page = client.get(reverse("rescue_team_detail", args=[social.pk])).content.decode()
    assert "指导办理合法登记注册" in page and "依法登记：未登记" in page
    town_team = make_team()
    with pytest.raises(ValidationError, match="社会应急救援力量"):
        services.add_guidance(None, SocialGuidance(team=town_team, day=timezone.localdate(), given_by="x", content="y"))
    # a town does not keep the district's social force
    assert login(users["jiuxian"]).post(url, {"g-day": "2024-01-01", "g-given_by": "a", "g-content": "b"}).status_code \
        == 404


# --- grassroots registers -------------------------------------------------------------------------

def test_grassroots_register_scope_validation_and_export(village, users, login, units):
    v1, v2 = village("新民村"), village("白马村", "虎峰镇")
    client = login(users["jiuxian"])
    new = reverse("rescue_grassroots_new")
    data = {"role": "assistant", "name": "李协管", "owner": units["旧县街道应急办"].pk, "region": v1.pk,
            "phone": "13900000001", "since": "2023-04-01", "is_active": "on"}
    # another town's village: not even offered, and refused
    response = client.post(new, {**data, "region": v2.pk})
    assert response.status_code == 200 and not GrassrootsPerson.objects.exists()
    response = client.post(new, {**data, "phone": ""})
    assert "这个字段是必填项" in response.content.decode() and not GrassrootsPerson.objects.exists()
    response = client.post(new, {**data, "since": (timezone.localdate() + dt.timedelta(days=1)).isoformat()})
    assert "任职日期不能晚于今天" in response.content.decode() and not GrassrootsPerson.objects.exists()
    assert client.post(new, data).status_code == 302
    person = GrassrootsPerson.objects.get()
    assert person.owner == units["旧县街道应急办"] and AuditEvent.objects.filter(object_id=str(person.pk),
                                                                            action="create").exists()
    hufeng = services.save_grassroots(None, GrassrootsPerson(owner=units["虎峰镇应急办"], role="informant", name="周信息",
                                                             region=v2, phone="13900000002"))
    assert list(GrassrootsPerson.objects.visible_to(users["jiuxian"])) == [person]
    assert set(GrassrootsPerson.objects.visible_to(users["admin"])) == {person, hufeng}
    assert client.get(reverse("rescue_grassroots_edit", args=[hufeng.pk])).status_code == 404
    listing = client.get(reverse("rescue_grassroots_list")).content.decode()
    assert "李协管" in listing and "周信息" not in listing
    # 离岗: kept, listed only with 含离岗
    edit = reverse("rescue_grassroots_edit", args=[person.pk])
    client.post(edit, {**data, "is_active": "", "left_on": "2024-05-01"})
    person.refresh_from_db()
    assert (person.is_active, person.left_on) == (False, dt.date(2024, 5, 1))
    assert "<td>李协管" not in client.get(reverse("rescue_grassroots_list")).content.decode()
    assert "<td>李协管" in client.get(reverse("rescue_grassroots_list") + "?inactive=1").content.decode()
    admin = login(users["admin"])
    response = admin.get(reverse("rescue_grassroots_list") + "?kind=informant&export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="export", summary="导出基层应急力量 1 人").exists()
    # the district's filter by town
    assert "周信息" in admin.get(reverse("rescue_grassroots_list") + f"?region={v2.parent_id}").content.decode()
    # a department sees them (unit_q), does not keep another unit's
    with pytest.raises(PermissionDenied):
        services.save_grassroots(users["yingji"], hufeng)


def test_grassroots_person_outside_the_owner_is_refused(village, units):
    v2 = village("白马村", "虎峰镇")
    with pytest.raises(ValidationError, match="不在管理单位"):
        services.save_grassroots(None, GrassrootsPerson(owner=units["旧县街道应急办"], role="volunteer", name="x",
                                                        region=v2, phone="1"))


# --- coverage per town, funding, targets -----------------------------------------------------------

def test_town_rows_coverage_funding_and_counts(make_team, village, users, units, login):
    v1, v2, v3 = village("新民村"), village("团结社区"), village("白马村", "虎峰镇")
    make_team(annual_funding=Decimal("600000"))  # 旧县街道, central town: 80万 standard
    make_team(name="虎峰镇兼职队", category=Team.Category.TOWN, owner="虎峰镇应急办", annual_funding=Decimal("400000"))
    make_team(name="新民村救援站", category=Team.Category.VILLAGE, region=v1)
    for role in ("assistant", "assistant", "volunteer"):
        services.save_grassroots(None, GrassrootsPerson(owner=units["旧县街道应急办"], role=role, name="某", region=v2,
                                                        phone="1"))
    o = rules.overview(users["admin"])
    rows = {r.town.name: r for r in o.town_rows}
    jx, hf = rows["旧县街道"], rows["虎峰镇"]
    assert (jx.stations, jx.villages, jx.rate, jx.missing_villages) == (1, 2, Decimal("50.0"), ["团结社区"])
    assert (jx.funding, jx.funding_standard, jx.funding_short) == (Decimal("600000"), Decimal("800000"), True)
    assert (hf.funding_standard, hf.funding_short, hf.missing_villages) == (Decimal("400000"), False, ["白马村"])
    assert jx.grassroots == {"assistant": 2, "volunteer": 1} and o.grassroots["assistant"] == 2
    assert not rows["安居镇"].has_team and "安居镇" in o.missing_towns
    assert o.village_target.value == rules.targets(year=timezone.localdate().year)["village_station_rate"].value
    page = login(users["admin"]).get(reverse("rescue_overview")).content.decode()
    assert "未建站：团结社区" in page and "低于标准" in page and "800,000.00" in page
    town = rules.overview(users["jiuxian"])
    assert [r.town.name for r in town.town_rows] == ["旧县街道"]  # a town sees its own row only
    assert v3


def test_district_targets_override_defaults(users, login, district):
    client = login(users["admin"])
    url = reverse("rescue_targets")
    assert client.get(url).status_code == 200
    year = timezone.localdate().year
    response = client.post(url, {"code": "village_station_rate", "from_year": year, "value": "120", "source": "x"})
    assert "比率不能超过100%" in response.content.decode() and not TargetValue.objects.exists()
    response = client.post(url, {"code": "village_station_rate", "from_year": year, "value": "95", "source": ""})
    assert not TargetValue.objects.exists()
    client.post(url, {"code": "funding_town", "from_year": year, "value": "450000", "source": "铜梁区某文件（测试）"})
    t = rules.targets(district, year)
    assert t["funding_town"].value == Decimal("450000") and t["funding_town"].district_set
    assert rules.targets(district, year - 1)["funding_town"].value == Decimal("400000")  # from the year set
    assert rules.targets(None, year)["funding_town"].value == Decimal("400000")
    item = TargetValue.objects.get()
    assert AuditEvent.objects.filter(object_id=str(item.pk), action="create").exists()
    # a town cannot set the district's targets
    assert login(users["jiuxian"]).post(url, {"code": "funding_town", "from_year": year, "value": "1",
                                              "source": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.set_target(users["jiuxian"], "funding_town", year, Decimal(1), "x")
    client.post(reverse("rescue_target_remove", args=[item.pk]))
    assert not TargetValue.objects.exists() and rules.targets(district, year)["funding_town"].value == 400000
    undo = AuditEvent.objects.get(object_id=str(item.pk), summary__startswith="撤销本区队伍建设目标")
    assert undo.before["value"] == "450000.00" and undo.region_path == district.path


# --- the linkage meeting ----------------------------------------------------------------------------

def test_linkage_meeting_deadline_clock_and_record(users, login, district):
    year = timezone.localdate().year
    assert services.ensure_meetings() == 1 and services.ensure_meetings() == 0
    meeting = LinkageMeeting.objects.get(region=district, year=year)
    assert meeting.due_on == dt.date(year, 5, 31)
    # 30 days before: reminded; after 31 May: overdue
    before = timezone.make_aware(dt.datetime(year, 5, 2, 8))
    assert clock.run(before, clocks=[LINKAGE_MEETING]) == 1
    after = timezone.make_aware(dt.datetime(year, 6, 1, 8))
    assert clock.run(after, clocks=[LINKAGE_MEETING]) == 2  # the 7-day reminder and the overdue rung
    codes = set(ClockStep.objects.filter(clock="rescue_linkage_meeting").values_list("code", flat=True))
    assert codes == {"d30", "d7", "d1"}
    assert Notification.objects.filter(user=users["admin"], title__contains="联动联席会议").exists()
    assert not Notification.objects.filter(user=users["jiuxian"], title__contains="联动联席会议").exists()
    client = login(users["admin"])
    url = reverse("rescue_meetings")
    response = client.post(url, {"year": year, "held_on": timezone.localdate().isoformat(), "participants": "",
                                 "decisions": "x"})
    assert "这个字段是必填项" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.held_on is None
    minutes = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    response = client.post(url, {"year": year, "held_on": timezone.localdate().isoformat(), "place": "区应急指挥中心",
                                 "participants": "区应急局、区消防救援支队、各镇街", "decisions": "明确汛期力量预置",
                                 "minutes": minutes})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == timezone.localdate() and meeting.recorded_by == users["admin"]
    (f,) = attachments_of(meeting)
    assert client.get(reverse("rescue_meeting_file", args=[meeting.pk, f.pk])).status_code == 200
    assert AuditEvent.objects.filter(object_id=str(meeting.pk), action="state").exists()
    # held: the clock leaves it alone
    assert clock.run(timezone.make_aware(dt.datetime(year, 7, 1, 8)), clocks=[LINKAGE_MEETING]) == 0
    page = client.get(reverse("rescue_overview")).content.decode()
    assert "联动联席会议" in page and "已于" in page
    # a town neither records nor sees the district's meeting or its minutes
    town = login(users["jiuxian"])
    assert town.post(url, {"year": year, "held_on": "2024-05-01", "participants": "a", "decisions": "b"}).status_code \
        == 403
    assert town.get(reverse("rescue_meeting_file", args=[meeting.pk, f.pk])).status_code == 404
    assert "明确汛期力量预置" not in town.get(url).content.decode()


def test_meeting_dates_are_checked(users, district):
    year = timezone.localdate().year
    with pytest.raises(ValidationError, match="召开日期不能晚于今天"):
        services.record_meeting(users["admin"], year, {"held_on": timezone.localdate() + dt.timedelta(days=1),
                                                       "participants": "a", "decisions": "b"})
    with pytest.raises(ValidationError, match=f"须在{year - 1}年内"):
        services.record_meeting(users["admin"], year - 1, {"held_on": dt.date(year, 1, 1), "participants": "a",
                                                           "decisions": "b"})
    assert not LinkageMeeting.objects.filter(held_on__isnull=False).exists()
    late = services.record_meeting(users["admin"], year - 1, {"held_on": dt.date(year - 1, 7, 1), "participants": "a",
                                                              "decisions": "b"})
    from anying.rescue.views_forces import meeting_status

    assert meeting_status(late, year - 1, timezone.localdate())["state"] == "late"
    assert meeting_status(None, year, dt.date(year, 6, 2))["state"] == "overdue"
    assert meeting_status(None, year, dt.date(year, 5, 1))["text"].endswith("还有 30 天")
    assert Organisation.objects.exists()


def test_api_grassroots_and_town_rows(make_team, village, users, units, client):
    from anying.core.services import create_token

    v1, v2 = village("新民村"), village("白马村", "虎峰镇")
    make_team(annual_funding=Decimal("800000"))
    mine = services.save_grassroots(None, GrassrootsPerson(owner=units["旧县街道应急办"], role="informant", name="刘信息",
                                                           region=v1, phone="13900000003"))
    services.save_grassroots(None, GrassrootsPerson(owner=units["虎峰镇应急办"], role="informant", name="周信息",
                                                    region=v2, phone="13900000004"))
    _, key = create_token(None, users["jiuxian"], "t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    body = client.get("/api/v1/rescue/grassroots?kind=informant", **headers).json()
    assert [p["id"] for p in body["items"]] == [mine.pk] and body["items"][0]["role_label"] == "灾害信息员"
    overview = client.get("/api/v1/rescue/overview", **headers).json()
    (row,) = overview["town_rows"]
    assert (row["town"], row["informants"], row["villages"], row["villages_without_station"]) == \
        ("旧县街道", 1, 1, ["新民村"])
    assert Decimal(row["funding"]) == Decimal(row["funding_standard"]) == Decimal("800000")
