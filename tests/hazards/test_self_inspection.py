"""Routine self-inspection (日周月排查): checklists, schedules generated from them, rounds whose
findings become hazards, and who is behind."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anying.core.errors import PermissionDenied
from anying.core.models import Attachment, AuditEvent, Organisation
from anying.hazards import checklists, self_inspection
from anying.hazards.models import ChecklistTemplate, Hazard, SelfInspectionRound, SelfInspectionSchedule
from anying.hazards.self_inspection import Finding
from anying.standards.models import CriteriaSet
from tests.conftest import png_bytes

Use = ChecklistTemplate.Use
TODAY = dt.date(2026, 11, 24)  # a Tuesday


@pytest.fixture
def bureau(district):
    return Organisation.objects.get(name="区应急局")


@pytest.fixture
def published(bureau):
    """Publishes a checklist of the bureau (daily/weekly/monthly with custom items, major from
    the 工贸 criteria)."""
    def make(use=Use.DAILY, items="通道畅通\n防护装置完好", industry=None):
        if use == Use.MAJOR:
            template = checklists.build_from_criteria(None, CriteriaSet.objects.get(code="gongmao_2023"), owner=bureau)
        else:
            template = checklists.create(None, name=f"{use}表", use=use, industry=industry, items_text=items,
                                         owner=bureau)
        return checklists.publish(None, template.pk)
    return make


@pytest.fixture
def factory_ent(make_enterprise, enterprise_user):
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械", tags=["dust"])
    ent.user = enterprise_user(ent)
    return ent


def all_ok(schedule, overrides=None):
    overrides = overrides or {}
    return {i.pk: overrides.get(i.pk, Finding("ok")) for i in schedule.checklist.items.all()}


# ----- checklists -----

def test_versions_freeze_what_was_published(published, users):
    v1 = published(items="通道畅通")
    with pytest.raises(ValidationError, match="新版本"):
        checklists.update_draft(None, v1.pk, name="改名", industry=None, items_text="x")
    v2 = checklists.new_version(None, v1.pk)
    assert (v2.code, v2.version, v2.status) == (v1.code, 2, "draft")
    checklists.update_draft(None, v2.pk, name=v1.name, industry=None, items_text="通道畅通\n灭火器在位")
    assert list(v1.items.values_list("text", flat=True)) == ["通道畅通"]  # v1 untouched
    with pytest.raises(ValidationError, match="草稿"):
        checklists.new_version(None, v1.pk)


def test_publishing_moves_schedules_and_supersedes(published, factory_ent):
    v1 = published()
    created, _ = self_inspection.generate(None, factory_ent, starts_on=TODAY)
    schedule = created[0]
    v2 = checklists.new_version(None, v1.pk)
    checklists.publish(None, v2.pk)
    schedule.refresh_from_db()
    v1.refresh_from_db()
    assert schedule.checklist_id == v2.pk and v1.status == "superseded"
    with pytest.raises(ValidationError, match="排查计划"):
        checklists.retire(None, v2.pk)


def test_checklist_from_criteria_is_all_major_and_says_when_incomplete(bureau):
    gongmao = CriteriaSet.objects.get(code="gongmao_2023")
    template = checklists.build_from_criteria(None, gongmao, owner=bureau)
    items = list(template.items.all())
    assert len(items) == gongmao.criteria.filter(is_item=True).count() > 0
    assert all(i.is_major and i.basis.startswith("应急管理部令第10号") for i in items)
    assert template.industry.name == "工贸"


def test_empty_checklist_is_refused(users):
    with pytest.raises(ValidationError, match="至少"):
        checklists.create(users["yingji"], name="空", use=Use.DAILY, industry=None, items_text="  \n")
    assert not ChecklistTemplate.objects.exists()


def test_who_may_edit_and_see_checklists(published, users, factory_ent, make_enterprise, enterprise_user):
    bureau_list = published()
    with pytest.raises(PermissionDenied):
        checklists.new_version(factory_ent.user, bureau_list.pk)  # a government checklist
    with pytest.raises(PermissionDenied):
        checklists.create(factory_ent.user, name="执法", use=Use.INSPECTION, industry=None, items_text="x")
    own = checklists.create(factory_ent.user, name="本厂日查", use=Use.DAILY, industry=None, items_text="a")
    other = enterprise_user(make_enterprise("别家", "虎峰镇", "机械"), username="other")
    assert set(checklists.available_to(other)) == {bureau_list}  # not another enterprise's own
    assert set(checklists.available_to(factory_ent.user)) == {bureau_list, own}
    assert bureau_list in checklists.available_to(users["jiuxian"])
    assert AuditEvent.objects.filter(object_id=str(own.pk), action="create").exists()


STALE = "该记录已被他人修改，请刷新后重试"


def test_publishing_a_draft_from_a_stale_page_is_refused(bureau, users, login):
    draft = checklists.create(users["yingji"], name="班组日查", use=Use.DAILY, industry=None, items_text="通道畅通")
    client = login(users["yingji"])
    page = client.get(reverse("checklist_detail", args=[draft.pk])).content.decode()
    assert f'name="version" value="{draft.revision}"' in page
    seen = draft.revision  # a colleague edits the draft while this page is open
    checklists.update_draft(users["yingji"], draft.pk, name="班组日查", industry=None, items_text="通道畅通\n灭火器在位",
                            version=seen)
    response = client.post(reverse("checklist_action", args=[draft.pk, "publish"]), {"version": seen}, follow=True)
    assert STALE in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.published_at is None  # what this clerk read was never published
    client.post(reverse("checklist_action", args=[draft.pk, "publish"]), {"version": draft.revision})
    assert ChecklistTemplate.objects.get(pk=draft.pk).status == "published"


def test_retiring_or_copying_from_a_stale_page_is_refused(published, users, login):
    v1 = published()
    seen = ChecklistTemplate.objects.get(pk=v1.pk).revision
    client = login(users["yingji"])
    client.post(reverse("checklist_action", args=[v1.pk, "retire"]), {"version": seen})
    assert ChecklistTemplate.objects.get(pk=v1.pk).status == "retired"
    for action in ("retire", "new_version"):  # the other clerk's page still shows 已发布
        response = client.post(reverse("checklist_action", args=[v1.pk, action]), {"version": seen}, follow=True)
        assert STALE in response.content.decode(), action
    assert ChecklistTemplate.objects.filter(code=v1.code).count() == 1


def test_a_draft_edit_from_a_stale_form_is_refused(bureau, users, login):
    draft = checklists.create(users["yingji"], name="班组日查", use=Use.DAILY, industry=None, items_text="通道畅通")
    client = login(users["yingji"])
    url = reverse("checklist_edit", args=[draft.pk])
    assert f'name="version" value="{draft.revision}"' in client.get(url).content.decode()
    data = {"name": "班组日查", "items_text": "通道畅通\n灭火器在位", "version": draft.revision}
    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "items_text": "只剩一项"})
    assert again.status_code == 200 and STALE in again.content.decode()
    assert list(draft.items.values_list("text", flat=True)) == ["通道畅通", "灭火器在位"]


# ----- schedules -----

def test_generate_the_standard_set(published, factory_ent, users):
    for use in (Use.DAILY, Use.WEEKLY, Use.MAJOR):
        published(use)
    created, missing = self_inspection.generate(users["jiuxian"], factory_ent, starts_on=TODAY)
    assert [s.name for s in created] == ["班组日排查", "部门周排查", "主要负责人重大事故隐患排查"]
    assert missing == ["厂长/经理月排查"]
    major = created[2]
    assert major.frequency == "monthly"  # 粉尘涉爆: monthly, not quarterly
    again, _ = self_inspection.generate(users["jiuxian"], factory_ent)
    assert again == []
    with pytest.raises(PermissionDenied):
        self_inspection.generate(users["hufeng"], factory_ent)  # another town


def test_the_most_specific_checklist_wins(published, factory_ent, industry):
    published(items="通用")
    machinery = published(items="机械专用", industry=industry("机械"))
    created, _ = self_inspection.generate(None, factory_ent)
    assert created[0].checklist == machinery


def test_schedule_settings_are_checked(published, factory_ent):
    published()
    schedule = self_inspection.generate(None, factory_ent)[0][0]
    with pytest.raises(ValidationError) as exc:
        self_inspection.update_schedule(factory_ent.user, schedule.pk, {"workdays": "89"})
    assert "workdays" in exc.value.message_dict
    draft = checklists.create(None, name="草稿", use=Use.DAILY, industry=None, items_text="x",
                              owner=Organisation.objects.get(name="区应急局"))
    with pytest.raises(ValidationError):
        self_inspection.update_schedule(factory_ent.user, schedule.pk, {"checklist": draft})
    self_inspection.update_schedule(factory_ent.user, schedule.pk, {"workdays": "654321"})
    schedule.refresh_from_db()
    assert schedule.workdays == "123456"


# ----- rounds -----

def test_a_round_registers_its_findings_as_hazards(published, factory_ent):
    published(Use.MAJOR)
    schedule = self_inspection.generate(None, factory_ent, starts_on=TODAY)[0][0]
    items = list(schedule.checklist.items.all())
    photo = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    results = all_ok(schedule, {items[0].pk: Finding("fail", "除尘器无泄爆装置", "除尘房", (photo,)),
                                items[1].pk: Finding("na")})
    round_ = self_inspection.record_round(factory_ent.user, schedule.pk, inspectors="张三", results=results,
                                          today=TODAY)
    hazard = Hazard.objects.get()
    assert (hazard.channel, hazard.level, hazard.criterion_id, hazard.place) == ("self", "major", items[0].criterion_id,
                                                                                 "除尘房")
    assert "除尘器无泄爆装置" in hazard.description and hazard.found_on == TODAY
    assert round_.findings == 1 and round_.results.count() == len(items)
    assert round_.results.get(item=items[0]).hazard == hazard
    assert Attachment.objects.filter(object_id=str(hazard.pk)).count() == 1
    schedule.refresh_from_db()
    assert schedule.last_done_period == dt.date(2026, 11, 1)  # monthly for a dust enterprise


@pytest.mark.parametrize("results, message", [
    ("missing", "未填写结果"),
    ("unexplained", "须说明"),
])
def test_incomplete_round_changes_nothing(published, factory_ent, results, message):
    published()
    schedule = self_inspection.generate(None, factory_ent, starts_on=TODAY)[0][0]
    first = schedule.checklist.items.first()
    given = {} if results == "missing" else all_ok(schedule, {first.pk: Finding("fail", "  ")})
    with pytest.raises(ValidationError, match=message):
        self_inspection.record_round(factory_ent.user, schedule.pk, inspectors="张三", results=given, today=TODAY)
    assert not SelfInspectionRound.objects.exists() and not Hazard.objects.exists()


def test_one_round_per_period_and_only_by_the_enterprise(published, factory_ent, users):
    published()
    schedule = self_inspection.generate(None, factory_ent, starts_on=TODAY)[0][0]
    with pytest.raises(PermissionDenied):
        self_inspection.record_round(users["jiuxian"], schedule.pk, inspectors="x", results=all_ok(schedule),
                                     today=TODAY)
    self_inspection.record_round(factory_ent.user, schedule.pk, inspectors="x", results=all_ok(schedule), today=TODAY)
    with pytest.raises(ValidationError, match="已经记录过了"):
        self_inspection.record_round(factory_ent.user, schedule.pk, inspectors="x", results=all_ok(schedule),
                                     today=TODAY)
    with pytest.raises(ValidationError, match="工作日"):
        self_inspection.record_round(factory_ent.user, schedule.pk, inspectors="x", results=all_ok(schedule),
                                     today=dt.date(2026, 11, 29))  # Sunday


def test_behind_is_the_last_ended_period_missed(published, factory_ent):
    published()
    schedule = self_inspection.generate(None, factory_ent, starts_on=dt.date(2026, 11, 16))[0][0]
    monday = dt.date(2026, 11, 23)
    [state] = self_inspection.states([schedule], today=monday)
    assert state.behind and (state.expected, state.done) == (5, 0)  # 16th–20th
    self_inspection.record_round(factory_ent.user, schedule.pk, inspectors="x", results=all_ok(schedule),
                                 today=dt.date(2026, 11, 20))
    schedule.refresh_from_db()
    [state] = self_inspection.states([schedule], today=monday)
    assert not state.behind and (state.expected, state.done) == (5, 1) and not state.done_now
    behind = SelfInspectionSchedule.objects.filter(self_inspection.behind_q(monday))
    assert not behind.exists()
    assert SelfInspectionSchedule.objects.filter(self_inspection.behind_q(dt.date(2026, 11, 25))).exists()


# ----- pages -----

def test_town_sees_who_is_behind_and_other_towns_do_not(published, factory_ent, users, login):
    published()
    self_inspection.generate(None, factory_ent, starts_on=TODAY - dt.timedelta(days=10))
    page = login(users["jiuxian"]).get(reverse("self_inspection_overview") + "?behind=1").content.decode()
    assert factory_ent.name in page and "排查落后" in page
    other = login(users["hufeng"])
    assert factory_ent.name not in other.get(reverse("self_inspection_overview")).content.decode()
    assert other.get(reverse("self_inspection_enterprise", args=[factory_ent.pk])).status_code == 404


def test_enterprise_records_a_round_from_the_page(published, factory_ent, login):
    published()
    schedule = self_inspection.generate(None, factory_ent, starts_on=dt.date(2026, 1, 1))[0][0]
    schedule.workdays = "1234567"
    schedule.save()
    client = login(factory_ent.user)
    assert client.get(reverse("self_inspection_overview"))["Location"] == reverse(
        "self_inspection_enterprise", args=[factory_ent.pk])
    first, second = schedule.checklist.items.all()
    data = {"inspectors": "李班长", "note": "", f"result_{first.pk}": "fail", f"note_{first.pk}": "安全出口堵塞",
            f"place_{first.pk}": "一车间", f"result_{second.pk}": "ok"}
    response = client.post(reverse("round_create", args=[schedule.pk]), data)
    round_ = SelfInspectionRound.objects.get()
    assert response["Location"] == reverse("self_inspection_round", args=[round_.pk])
    hazard = Hazard.objects.get()
    body = client.get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    assert reverse("self_inspection_round", args=[round_.pk]) in body
    again = client.post(reverse("round_create", args=[schedule.pk]), data).content.decode()
    assert "已经记录过了" in again and Hazard.objects.count() == 1


def test_round_pages_are_scoped(published, factory_ent, users, login, make_enterprise, enterprise_user):
    published()
    schedule = self_inspection.generate(None, factory_ent, starts_on=TODAY)[0][0]
    round_ = self_inspection.record_round(factory_ent.user, schedule.pk, inspectors="x", results=all_ok(schedule),
                                          today=TODAY)
    other = login(enterprise_user(make_enterprise("别家", "虎峰镇", "机械"), username="other"))
    for url in (reverse("self_inspection_round", args=[round_.pk]), reverse("round_create", args=[schedule.pk]),
                reverse("schedule_edit", args=[schedule.pk])):
        assert other.get(url).status_code == 404
        assert login(users["hufeng"]).get(url).status_code == 404
    assert login(users["jiuxian"]).get(reverse("self_inspection_round", args=[round_.pk])).status_code == 200
    assert login(users["jiuxian"]).get(reverse("round_create", args=[schedule.pk])).status_code == 404


def test_checklist_pages(published, users, login):
    template = published()
    client = login(users["yingji"])
    assert template.name in client.get(reverse("checklist_list")).content.decode()
    response = client.post(reverse("checklist_action", args=[template.pk, "new_version"]))
    draft = ChecklistTemplate.objects.get(version=2)
    assert response["Location"] == reverse("checklist_detail", args=[draft.pk])
    client.post(reverse("checklist_edit", args=[draft.pk]), {"name": "新名", "items_text": "甲\n乙\n丙"})
    client.post(reverse("checklist_action", args=[draft.pk, "publish"]))
    draft.refresh_from_db()
    assert draft.status == "published" and draft.items.count() == 3
    # another unit may read but not change it
    assert login(users["jiuxian"]).post(reverse("checklist_action", args=[draft.pk, "new_version"])).status_code == 302
    assert ChecklistTemplate.objects.filter(code=draft.code).count() == 2


def test_overview_query_count(published, make_enterprise, users, login, django_assert_max_num_queries):
    published()
    published(Use.WEEKLY)
    for i in range(12):
        self_inspection.generate(None, make_enterprise(f"企业{i}", "旧县街道", "机械"), starts_on=TODAY)
    client = login(users["jiuxian"])
    with django_assert_max_num_queries(18):  # constant: no query per enterprise or schedule
        body = client.get(reverse("self_inspection_overview")).content.decode()
    assert body.count("日排查") >= 12
