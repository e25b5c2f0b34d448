"""The hazard rules of issue #13 (point 5): who closes a supervised hazard and who issues which
督办, applicable criteria only, a tip never shown to the enterprise, a deadline for every hazard,
the review and extension-answer clocks, who acts next, and the audit of every record."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anying.core import clock
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, ClockStep, Notification, Organisation, Region
from anying.core.roles import Role
from anying.core.services import create_user
from anying.hazards import deadlines, escalation, next_step, services, supervision
from anying.hazards.models import ExtensionRequest, Hazard, HazardDueTally, RectificationPlan
from anying.hazards.workflow import LIFECYCLE
from anying.standards.models import Criterion
from tests.conftest import PASSWORD, photo

from .conftest import PLAN, RECTIFY

TODAY = timezone.localdate()
DUE = TODAY + dt.timedelta(days=30)


def submitted(factory, actor_start, actor_submit, level="major", **extra):
    hazard = factory(level=level, **extra)
    services.transition(actor_start, hazard.pk, "start", changes=RECTIFY, plan=PLAN if level == "major" else None)
    services.transition(actor_submit, hazard.pk, "submit", files=[photo()], comment="已整改")
    return hazard


@pytest.fixture
def api(users):
    from django.test import Client

    from anying.core.services import create_token

    def make(user):
        _, secret = create_token(None, user, "t")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


@pytest.fixture
def city_inspector(district):
    """An inspector of a unit of 重庆市 (a 直辖市: its units issue 市级督办)."""
    city = Region.objects.get(name="重庆市")
    unit = Organisation.objects.create(name="市应急局", kind=Organisation.Kind.DEPARTMENT, region=city)
    return create_user(None, username="shi", password=PASSWORD, role=Role.DEPT_INSPECTOR, unit=unit,
                       display_name="市执法")


# --- closure of a supervised hazard ----------------------------------------------------------

def test_a_supervised_hazard_is_closed_only_by_the_supervising_unit_or_above(factory, users, enterprise_user,
                                                                             city_inspector):
    owner = enterprise_user(factory.enterprise)
    hazard = factory(level="major")
    supervision.supervise(users["yingji"], hazard.pk, level="district", requirements="停产整改", due=DUE)  # 区应急局
    services.transition(owner, hazard.pk, "start", changes=RECTIFY, plan=PLAN)
    services.transition(owner, hazard.pk, "submit", files=[photo()], comment="已整改")
    for name in ("close", "send_back"):
        # the town office and a district department that did not issue it: refused, with the reason
        for other in ("jiuxian", "jingxin"):
            with pytest.raises(PermissionDenied, match="区应急局区级督办.*须由督办单位或其上级审核"):
                services.transition(users[other], hazard.pk, name, comment="复核")
    assert Hazard.objects.get(pk=hazard.pk).status == "submitted"
    # the unit itself, its region's 安委办 and a unit of the city above may
    hazard = Hazard.objects.get(pk=hazard.pk)
    for allowed in (users["yingji"], users["admin"], city_inspector):
        assert "close" in {t.name for t in LIFECYCLE.available(allowed, hazard)}
    assert services.transition(users["admin"], hazard.pk, "close").status == "closed"


def test_an_unsupervised_hazard_is_closed_by_any_inspector_in_scope(factory, users):
    hazard = submitted(factory, users["admin"], users["admin"], level="general")
    assert services.transition(users["jiuxian"], hazard.pk, "close").status == "closed"


def test_the_page_offers_no_closure_and_a_forced_post_is_refused_in_chinese(factory, users, login):
    hazard = submitted(factory, users["jiuxian"], users["jiuxian"])
    supervision.supervise(users["admin"], hazard.pk, level="district", requirements="停产整改", due=DUE)
    client = login(users["jingxin"])  # 区经信委 supervises 机械: in scope, but not the supervising unit
    page = client.get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    assert reverse("hazard_transition", args=[hazard.pk, "close"]) not in page
    assert "等待 区安委办 复核" in page
    response = client.post(reverse("hazard_transition", args=[hazard.pk, "close"]), {}, follow=True)
    assert "须由督办单位或其上级审核" in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).status == "submitted"
    admin_page = login(users["admin"]).get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    assert reverse("hazard_transition", args=[hazard.pk, "close"]) in admin_page


def test_the_submission_is_told_to_the_supervising_unit(factory, users, enterprise_user):
    owner = enterprise_user(factory.enterprise)
    hazard = factory(level="major")
    supervision.supervise(users["admin"], hazard.pk, level="district", requirements="停产整改", due=DUE)
    services.transition(owner, hazard.pk, "start", changes=RECTIFY, plan=PLAN)
    Notification.objects.all().delete()
    services.transition(owner, hazard.pk, "submit", files=[photo()], comment="已整改")
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert "admin" in told and "jiuxian" not in told


# --- 督办 levels ------------------------------------------------------------------------------

def test_supervision_levels_follow_the_issuing_unit(factory, users, city_inspector):
    hazard = factory(level="major")
    with pytest.raises(PermissionDenied, match="镇街级单位，不能发起区级或市级督办"):
        supervision.supervise(users["jiuxian"], hazard.pk, level="district", requirements="x", due=DUE)
    with pytest.raises(ValidationError, match="区安委办不能发起市级督办"):
        supervision.supervise(users["admin"], hazard.pk, level="city", requirements="x", due=DUE)
    assert not hasattr(Hazard.objects.get(pk=hazard.pk), "supervision")
    assert supervision.supervise(city_inspector, hazard.pk, level="city", requirements="x", due=DUE).level == "city"
    other = factory(level="major")
    assert supervision.supervise(users["admin"], other.pk, level="district", requirements="x", due=DUE)


def test_the_page_offers_only_the_levels_the_unit_may_issue(factory, users, login, city_inspector):
    hazard = factory(level="major")
    url = reverse("hazard_detail", args=[hazard.pk])
    town = login(users["jiuxian"]).get(url).content.decode()
    assert reverse("hazard_supervise", args=[hazard.pk]) not in town and "未督办" in town
    district = login(users["admin"]).get(url).content.decode()
    assert 'value="district"' in district and 'value="city"' not in district
    city = login(city_inspector).get(url).content.decode()
    assert 'value="city"' in city
    response = login(users["jiuxian"]).post(reverse("hazard_supervise", args=[hazard.pk]),
                                            {"level": "district", "requirements": "x", "due": DUE}, follow=True)
    assert "不能发起区级或市级督办" in response.content.decode()


# --- applicable criteria ------------------------------------------------------------------------

def test_a_criterion_of_another_industry_is_refused_by_the_service_and_the_api(factory, users, api):
    chemical = Criterion.objects.filter(criteria_set__code="huagong_2017", is_item=True).first()
    data = {"enterprise": factory.enterprise, "place": "一车间", "description": "x", "channel": "inspection",
            "found_by": "检查组", "found_on": TODAY, "level": "major", "criterion": chemical}
    with pytest.raises(ValidationError, match="不适用于该企业的行业（机械）"):
        services.register(users["admin"], data)
    response = api(users["admin"]).post(
        "/api/v1/hazards/", {"enterprise_id": factory.enterprise.pk, "place": "一车间", "description": "x",
                             "level": "major", "criterion_id": chemical.pk, "found_by": "检查组",
                             "found_on": TODAY.isoformat()}, content_type="application/json")
    assert response.status_code == 422 and "不适用于该企业的行业" in str(response.json())
    assert not Hazard.objects.exists()
    assert factory(level="major").criterion.criteria_set.code == "gongmao_2023"  # the 工贸 item applies


# --- a tip is never shown to the enterprise --------------------------------------------------

@pytest.fixture
def tip_hazard(factory):
    return factory(channel="tip", place="喷涂车间")


def test_the_enterprise_sees_no_tip_on_pages_filter_and_api(tip_hazard, factory, users, enterprise_user, login, api):
    account = enterprise_user(factory.enterprise)
    owner = login(account)
    for url in (reverse("hazard_list"), reverse("hazard_detail", args=[tip_hazard.pk]), reverse("todo")):
        page = owner.get(url).content.decode()
        assert "群众举报" not in page, url
    # the filter: 群众举报 is not offered and finds nothing; 监督检查 includes the tip's hazard
    assert "喷涂车间" not in owner.get(reverse("hazard_list") + "?channel=tip").content.decode()
    assert "喷涂车间" in owner.get(reverse("hazard_list") + "?channel=inspection").content.decode()
    client = api(account)
    assert client.get(f"/api/v1/hazards/{tip_hazard.pk}").json()["channel"] == "inspection"
    assert client.get("/api/v1/hazards/?channel=tip").json()["count"] == 0
    assert [h["id"] for h in client.get("/api/v1/hazards/?channel=inspection").json()["items"]] == [tip_hazard.pk]
    assert client.get("/api/v1/hazards/").json()["items"][0]["channel"] == "inspection"
    # government users still see where it came from
    assert "群众举报" in login(users["jiuxian"]).get(reverse("hazard_detail", args=[tip_hazard.pk])).content.decode()
    assert api(users["jiuxian"]).get(f"/api/v1/hazards/{tip_hazard.pk}").json()["channel"] == "tip"


def test_the_export_shows_the_enterprise_no_tip(tip_hazard, factory, users, enterprise_user, login):
    from anying.core.exports import Book
    from anying.hazards.excel import write_hazards

    owner = enterprise_user(factory.enterprise)
    for user, shown in ((owner, "监督检查"), (users["jiuxian"], "群众举报")):
        book = Book()
        write_hazards(Hazard.objects.filter(pk=tip_hazard.pk), book, user=user)
        sheet = load_workbook(io.BytesIO(book.content())).active
        assert shown in [c.value for row in sheet.iter_rows() for c in row]


def test_the_overdue_letter_names_no_tip(tip_hazard):
    from anying.core.models import ClockStep as Step

    step = Step(days=3, at=timezone.now(), document_no="函〔2026〕1号")
    text = _docx_text(escalation.letter(tip_hazard, step))
    assert "群众举报" not in text and "监督检查" in text


def test_the_circular_and_the_supervision_notice_name_no_tip(tip_hazard, users):
    from anying.core.models import ClockStep as Step
    from anying.hazards import supervision

    step = Step(days=16, at=timezone.now(), document_no="通报〔2026〕1号", document_kind=escalation.CIRCULAR)
    text = _docx_text(escalation.letter(tip_hazard, step))
    assert "群众举报" not in text and "监督检查" in text and "通报" in text
    if tip_hazard.level != "major":
        type(tip_hazard).objects.filter(pk=tip_hazard.pk).update(level="major")
        tip_hazard.refresh_from_db()
    notice = supervision.supervise(users["admin"], tip_hazard.pk, level="district", requirements="限期治理",
                                   due=timezone.localdate() + dt.timedelta(days=30))
    text = _docx_text(supervision.letter(notice))
    assert "群众举报" not in text and "监督检查" in text


def _docx_text(data: bytes) -> str:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


# --- every hazard has a deadline -----------------------------------------------------------

@pytest.mark.parametrize("level, days", [("general", 30), ("major", 90)])
def test_a_hazard_registered_without_a_deadline_gets_its_levels_default(factory, level, days):
    hazard = factory(level=level, found_on=TODAY - dt.timedelta(days=2))
    assert hazard.deadline == TODAY - dt.timedelta(days=2) + dt.timedelta(days=days)
    assert HazardDueTally.objects.filter(deadline=hazard.deadline, n=1).exists()


def test_the_defaults_are_configurable_and_a_given_deadline_is_kept(factory, settings):
    settings.ANYING_GENERAL_HAZARD_DAYS = 7
    assert factory().deadline == TODAY + dt.timedelta(days=7)
    assert factory(deadline=TODAY + dt.timedelta(days=3)).deadline == TODAY + dt.timedelta(days=3)


def test_a_defaulted_deadline_passed_still_lets_the_rectification_start(factory, users):
    hazard = factory(found_on=TODAY - dt.timedelta(days=40))  # its default deadline passed 10 days ago
    assert hazard.deadline < TODAY
    started = services.transition(users["jiuxian"], hazard.pk, "start",
                                  changes={"responsible_person": "王主任", "measures": "清理通道"})
    assert started.status == "rectifying" and started.deadline == hazard.deadline
    with pytest.raises(ValidationError, match="不能早于今天"):  # a new one is never in the past
        other = factory()
        services.transition(users["jiuxian"], other.pk, "start", changes={**RECTIFY, "deadline": TODAY - dt.timedelta(days=1)})


def test_the_migration_fills_the_missing_deadlines_and_recounts_the_due_tally(factory):
    import importlib

    from django.apps import apps
    from django.db import connection

    fill = importlib.import_module("anying.hazards.migrations.0021_default_deadlines").fill
    general, major = factory(), factory(level="major")
    Hazard.objects.update(deadline=None)
    HazardDueTally.objects.all().delete()

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    fill(apps, editor)
    assert Hazard.objects.get(pk=general.pk).deadline == TODAY + dt.timedelta(days=30)
    assert Hazard.objects.get(pk=major.pk).deadline == TODAY + dt.timedelta(days=90)
    assert HazardDueTally.objects.get(deadline=TODAY + dt.timedelta(days=90)).n == 1


# --- the review clock: due when the deadline passes without a request ------------------------

@pytest.mark.parametrize("passed, due, overdue", [(0, False, False), (1, True, False), (10, True, False),
                                                  (11, True, True)])
def test_a_review_falls_due_when_the_deadline_passes_without_a_request(factory, passed, due, overdue):
    hazard = factory(status="rectifying")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=TODAY - dt.timedelta(days=passed))
    hazard.refresh_from_db()
    expected = hazard.deadline + dt.timedelta(days=10) if passed else None
    assert hazard.review_due_on == expected
    assert hazard.review_overdue is overdue
    assert Hazard.objects.awaiting_review().filter(pk=hazard.pk).exists() is due
    assert Hazard.objects.review_overdue().filter(pk=hazard.pk).exists() is overdue


@pytest.mark.parametrize("passed, codes", [(0, set()), (7, set()), (8, {"remind"}), (10, {"remind"}),
                                           (11, {"remind", "overdue"})])
def test_the_lapsed_review_clock_tells_the_reviewers(factory, users, passed, codes):
    hazard = factory(status="rectifying")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=TODAY - dt.timedelta(days=passed))
    clock.run(clocks=[escalation.REVIEW_LAPSED])
    taken = set(ClockStep.objects.filter(clock="hazard_review_lapsed", object_id=hazard.pk).values_list("code", flat=True))
    assert taken == codes
    notes = Notification.objects.filter(user=users["jiuxian"], title__startswith="整改期限届满待复查")
    assert notes.exists() is bool(codes)


def test_the_lapsed_review_starts_again_for_an_extended_deadline(factory):
    hazard = factory(status="rectifying")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=TODAY - dt.timedelta(days=8))
    clock.run(clocks=[escalation.REVIEW_LAPSED])
    Hazard.objects.filter(pk=hazard.pk).update(deadline=TODAY - dt.timedelta(days=9))  # another cycle
    clock.run(clocks=[escalation.REVIEW_LAPSED])
    assert ClockStep.objects.filter(clock="hazard_review_lapsed", object_id=hazard.pk).count() == 2


def test_a_submitted_hazards_review_is_due_ten_days_after_the_request(factory, users):
    hazard = submitted(factory, users["jiuxian"], users["jiuxian"], level="general")
    for days, overdue in ((10, False), (11, True)):
        Hazard.objects.filter(pk=hazard.pk).update(review_due=TODAY - dt.timedelta(days=days - 10))
        hazard.refresh_from_db()
        assert hazard.review_overdue is overdue
        assert Hazard.objects.review_overdue().filter(pk=hazard.pk).exists() is overdue


def test_the_page_shows_the_review_due_and_its_flag(factory, users, login):
    hazard = factory(status="rectifying")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=TODAY - dt.timedelta(days=11))
    page = login(users["jiuxian"]).get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    assert "整改期限届满未申请复查" in page and "复查逾期" in page and "已逾期" in page


# --- the extension answer clock ----------------------------------------------------------------

@pytest.fixture
def extension(factory, enterprise_user):
    hazard = factory(status="rectifying")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=TODAY + dt.timedelta(days=40))
    owner = enterprise_user(factory.enterprise)
    return lambda asked: deadlines.request_extension(owner, hazard.pk, TODAY + dt.timedelta(days=60), "设备到货延迟",
                                                     today=asked)


@pytest.mark.parametrize("age, codes, overdue", [(4, set(), False), (5, {"due"}, False), (6, {"due", "overdue"}, True)])
def test_the_extension_answer_is_reminded_on_its_day_and_flagged_after(extension, users, login, age, codes, overdue):
    request = extension(TODAY - dt.timedelta(days=age))
    clock.run(clocks=[escalation.EXTENSION_ANSWER])
    assert set(ClockStep.objects.filter(clock="extension_answer", object_id=request.pk)
               .values_list("code", flat=True)) == codes
    assert request.answer_overdue is overdue
    assert ExtensionRequest.objects.answer_overdue().filter(pk=request.pk).exists() is overdue
    page = login(users["jiuxian"]).get(reverse("hazard_detail", args=[request.hazard_id])).content.decode()
    assert ("答复逾期" in page) is overdue


# --- who acts next ------------------------------------------------------------------------------

def test_the_page_says_who_acts_next(factory, users, enterprise_user, login):
    owner = enterprise_user(factory.enterprise)
    hazard = factory()
    leader_page = login(users["leader"]).get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    assert "等待 旧县机械厂 开始整改" in leader_page
    services.transition(owner, hazard.pk, "start", changes=RECTIFY)
    services.transition(owner, hazard.pk, "submit", files=[photo()], comment="已整改")
    text = next_step.waiting_for(Hazard.objects.get(pk=hazard.pk))
    assert text.startswith("等待 旧县街道应急办") and text.endswith("复核")
    assert text in login(owner).get(reverse("hazard_detail", args=[hazard.pk])).content.decode()


def test_a_self_found_hazard_waits_for_the_enterprise_itself(factory, users, enterprise_user):
    first, second = enterprise_user(factory.enterprise), enterprise_user(factory.enterprise, "qiye2")
    hazard = factory(channel="self")
    services.transition(first, hazard.pk, "start", changes=RECTIFY)
    services.transition(first, hazard.pk, "submit", files=[photo()], comment="已整改")
    # its only other account may close it (自查自改): the enterprise's turn
    assert next_step.waiting_for(Hazard.objects.get(pk=hazard.pk)) == "等待 旧县机械厂 复核"
    second.is_active = False
    second.save()
    # nobody there but the one who rectified (职责分离): the inspectors review it
    assert next_step.waiting_for(Hazard.objects.get(pk=hazard.pk)).startswith("等待 旧县街道应急办")


# --- audit ------------------------------------------------------------------------------------

def test_plan_extension_supervision_and_progress_are_audited_with_their_content(factory, users, extension):
    hazard = factory(level="major")
    services.transition(users["jiuxian"], hazard.pk, "start", changes=RECTIFY, plan=PLAN)
    plan = RectificationPlan.objects.get(hazard=hazard)
    created = AuditEvent.objects.get(content_type__model="rectificationplan", object_id=str(plan.pk))
    assert created.before is None and created.after["methods"] == "加装泄爆片"
    record = supervision.supervise(users["admin"], hazard.pk, level="district", requirements="停产整改", due=DUE)
    event = AuditEvent.objects.get(content_type__model="supervision", object_id=str(record.pk))
    assert event.after["document_no"] == record.document_no and event.after["requirements"] == "停产整改"
    report = supervision.report_progress(users["jiuxian"], hazard.pk, "完成采购")
    event = AuditEvent.objects.get(content_type__model="progressreport", object_id=str(report.pk))
    assert event.after["content"] == "完成采购" and event.region_path == hazard.region.path
    request = extension(TODAY)
    event = AuditEvent.objects.get(content_type__model="extensionrequest", object_id=str(request.pk),
                                   action=AuditEvent.Action.CREATE)
    assert event.after["reason"] == "设备到货延迟"


# --- the demo tells coherent stories -------------------------------------------------------------

def test_demo_hazards_are_coherent(district):
    import random

    from anying.core.models import TimelineEvent
    from anying.hazards import demo
    from anying.hazards.criteria import criteria_for
    from anying.registry import demo as registry_demo

    registry_demo.load(random.Random(1))
    demo.load(random.Random(2), count=400)
    hazards = list(Hazard.objects.filter(is_demo=True).select_related("enterprise__industry", "criterion"))
    assert hazards and all(h.deadline for h in hazards)
    steps = {"registered": ["register"], "rectifying": ["register", "start"],
             "submitted": ["register", "start", "submit"], "closed": ["register", "start", "submit", "close"]}
    events: dict = {}
    for e in TimelineEvent.objects.filter(content_type__model="hazard").order_by("at", "id"):
        events.setdefault(e.object_id, []).append(e)
    for h in hazards:
        taken = [e for e in events[h.pk] if e.action in ("register", "start", "submit", "close")]
        assert [e.action for e in taken] == steps[h.status]
        days = [timezone.localtime(e.at).date() for e in taken]
        assert days == sorted(days) and days[0] == h.found_on and days[-1] <= TODAY
        if h.status == "closed":
            assert h.closed_on == days[-1]
        if h.status == "submitted":
            assert h.review_due == days[-1] + dt.timedelta(days=10)
        if h.criterion_id:
            assert criteria_for(h.enterprise).filter(pk=h.criterion_id).exists()
            assert h.description in h.criterion.text
        assert "举报" not in h.found_by
    assert {h.status for h in hazards} == set(steps) and any(h.level == "major" for h in hazards)


def test_the_work_queues_leave_a_supervised_hazard_to_its_supervising_unit(factory, users, enterprise_user, extension):
    from anying.hazards.queries import pending_extensions
    from anying.hazards.work import to_review

    owner = enterprise_user(factory.enterprise, "qiye2")
    hazard = factory(level="major")
    supervision.supervise(users["admin"], hazard.pk, level="district", requirements="停产整改", due=DUE)
    services.transition(owner, hazard.pk, "start", changes=RECTIFY, plan=PLAN)
    services.transition(owner, hazard.pk, "submit", files=[photo()], comment="已整改")
    plain = submitted(factory, owner, owner, level="general")
    assert set(to_review(users["jiuxian"], TODAY)) == {plain}
    assert set(to_review(users["admin"], TODAY)) == {plain, Hazard.objects.get(pk=hazard.pk)}
    request = extension(TODAY)  # on an unsupervised hazard: the town answers it
    assert list(pending_extensions(users["jiuxian"])) == [request]
    Hazard.objects.filter(pk=request.hazard_id).update(level="major")  # 督办 is for major hazards
    supervision.supervise(users["admin"], request.hazard_id, level="district", requirements="x", due=DUE)
    assert list(pending_extensions(users["jiuxian"])) == []
    assert list(pending_extensions(users["admin"])) == [request]
