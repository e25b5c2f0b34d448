"""The export kit: the .xlsx writer and the .docx text on their own, then every export and every
document of the platform opened with legacy text that would break them: formula-like values, a
vertical tab (Word's Shift+Enter) and, on SQLite (PostgreSQL cannot store it), a NUL."""

import datetime as dt
import io
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from anying.core import exports
from anying.core.attachments import attach
from anying.core.models import AuditEvent, Industry, Organisation, Region
from anying.core.officialdoc import OfficialDocument, Section
from anying.inspections import records as inspection_records
from tests.conftest import png_bytes
from tests.hazards.conftest import factory  # noqa: F401 — fixtures used below
from tests.inspections.conftest import setup  # noqa: F401
from tests.inspections.test_records import answer, kwargs

POISONS = ["=1+1", '=HYPERLINK("http://x")', "上\x0b下", "@SUM(A1)", "+1-1", "-2", "\t=1", "换页\x0c后"]


def _load(content: bytes):
    return load_workbook(io.BytesIO(content))


def _cells(book):
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


# --- the writer on its own ---------------------------------------------------------------------

def test_text_is_never_a_formula_and_reads_back_unchanged():
    book = exports.Book()
    book.sheet("表", ["值", "数"], title="测试").extend([[p, 1] for p in POISONS if "\x0b" not in p and "\x0c" not in p])
    ws = _load(book.content()).active
    for row, value in enumerate((p for p in POISONS if "\x0b" not in p and "\x0c" not in p), start=3):
        cell = ws.cell(row=row, column=1)
        assert cell.data_type == "s" and cell.value == value  # text, exactly as typed
        assert cell.quotePrefix  # and stays text when edited in Excel
        assert ws.cell(row=row, column=2).data_type == "n"


def test_error_like_text_stays_text():
    book = exports.Book()
    book.sheet("表", ["值"], title="t").extend([["#N/A"], ["#DIV/0!"]])
    assert [(c.value, c.data_type) for c in _load(book.content()).active["A"]][2:] == [("#N/A", "s"), ("#DIV/0!", "s")]


def test_control_characters_are_cleaned():
    book = exports.Book()
    book.sheet("表", ["值"], title="测\x00试").extend([["上\x0b下"], ["页\x0c页"], ["a\x00b\x1fc\x07"], ["行\r\n行\t列"]])
    values = [c.value for c in _load(book.content()).active["A"]][2:]
    assert values == ["上\n下", "页\n页", "abc", "行\r\n行\t列"]
    assert exports.clean_docx_text("a\r\nb\x0bc\x00") == "a\nb\nc"


def test_layout_title_frozen_header_filter_and_widths():
    at = timezone.make_aware(dt.datetime(2026, 12, 6, 16, 40), dt.UTC)
    book = exports.Book(at=at)
    sheet = book.sheet("隐患台账", ["发现日期", "隐患描述", "金额"], title="隐患台账", filters=[("镇街", "旧县街道"), ("等级", "重大")])
    sheet.extend([[dt.date(2026, 1, 1), "很长的描述" * 40, Decimal("1.50")] for _ in range(600)])  # past the sample
    sheet.note(["合计", "", Decimal("900")], gap=False)
    ws = _load(book.content()).active
    assert ws["A1"].value == "隐患台账　筛选条件：镇街：旧县街道；等级：重大　导出时间：2026-12-07 00:40"  # Asia/Shanghai
    assert [c.value for c in ws[2]] == ["发现日期", "隐患描述", "金额"] and ws["A2"].font.b
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:C602"
    assert "A1:C1" in [str(r) for r in ws.merged_cells.ranges]
    assert ws.column_dimensions["A"].width == 12 and ws.column_dimensions["B"].width == exports.MAX_WIDTH
    assert ws["A603"].value == "合计" and ws.max_row == 603
    assert ws["A3"].is_date


def test_no_filter_reads_all_and_a_sheet_without_filters_says_nothing():
    assert "筛选条件：全部" in exports.heading("表", [], timezone.now())
    assert "筛选条件" not in exports.heading("表", None, timezone.now())
    values = {"level": "major", "region": None, "overdue": True, "date_from": dt.date(2026, 1, 2), "q": ""}
    from anying.hazards.models import Hazard
    assert exports.describe(values, {"level": ("等级", Hazard.Level), "region": ("区划", Region),
                                     "overdue": ("仅逾期", None), "date_from": ("自", None), "q": ("搜索", None)}) == [
        ("等级", "重大事故隐患"), ("仅逾期", "是"), ("自", "2026-01-02")]


def test_a_form_to_fill_in_has_its_header_first_and_import_skips_a_title():
    book = exports.Book()
    book.sheet("模板", ["列甲*", "列乙"], highlight=["列甲*"])
    ws = _load(book.content()).active
    assert [c.value for c in ws[1]] == ["列甲*", "列乙"] and ws.freeze_panes == "A2"
    assert ws["A1"].font.color.rgb.endswith("C00000")
    assert exports.skip_title(iter([("标题",), ("a", "b"), (1, 2)])) == (("a", "b"), 2)
    assert exports.skip_title(iter([("a", "b"), (1, 2)])) == (("a", "b"), 1)


def test_sheet_names_and_timezone_aware_times():
    book = exports.Book()
    book.sheet("a/b:c*?[d]" + "长" * 40, ["时间"], title="t").append([timezone.make_aware(dt.datetime(2026, 1, 1, 0, 0),
                                                                                       dt.UTC)])
    wb = _load(book.content())
    assert wb.sheetnames[0].startswith("a_b_c___d_") and len(wb.sheetnames[0]) == 31
    assert wb.active["A3"].value == dt.datetime(2026, 1, 1, 8, 0)


def test_every_document_text_is_cleaned():
    dirty = "第一行\x0b第二行\x00\x0c第三行\r\n第四行"
    content = OfficialDocument(title=dirty, number=dirty, addressee=dirty, paragraphs=[dirty], tables=[([dirty], [[dirty]])],
                               signatures=[dirty], unit=dirty, date=dt.date(2026, 1, 1),
                               sections=[Section(dirty).p(dirty).table([dirty], [[dirty]])]).render()
    doc = Document(io.BytesIO(content))
    assert doc.paragraphs[0].text == "第一行\n第二行\n第三行\n第四行"
    assert doc.tables[0].rows[1].cells[0].text == "第一行\n第二行\n第三行\n第四行"


def test_only_the_kit_creates_workbooks():
    src = Path(__file__).resolve().parents[2] / "src"
    writers = [p.relative_to(src).as_posix() for p in src.rglob("*.py") if "Workbook(" in p.read_text(encoding="utf-8")]
    assert writers == ["anying/core/exports.py"]


# --- every export and document with legacy text -------------------------------------------------

SKIP_FIELDS = {"path", "code", "credit_code", "username", "password", "number", "prefix", "token", "public_token",
               "ip", "mime_type", "object_id", "region_path", "file", "pin", "pin_hash", "document", "email",
               "original_name", "tracking_code", "key"}


def _poison_value(index: int) -> str:
    values = POISONS + (["空\x00字符"] if connection.vendor == "sqlite" else [])
    return values[index % len(values)]


def _poisonable(field) -> bool:
    return (isinstance(field, models.CharField | models.TextField) and not field.choices and not field.unique
            and not field.primary_key and field.name not in SKIP_FIELDS and (field.max_length or 1000) >= 24)


def poison(*model_classes) -> None:
    """Legacy text written past every check: each free-text field of every row of these models."""
    index = 0
    for model in model_classes:
        fields = [f for f in model._meta.concrete_fields if _poisonable(f)]
        for pk in model._default_manager.values_list("pk", flat=True):
            model._default_manager.filter(pk=pk).update(**{f.name: _poison_value(index + n) for n, f in enumerate(fields)})
            index += 1


def _poison_json(value, index=0):
    if isinstance(value, str):
        return _poison_value(index)
    if isinstance(value, list):
        return [_poison_json(v, index + n) for n, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _poison_json(v, index + n) if k not in ("no", "hazard", "major", "status", "rank", "total") else v
                for n, (k, v) in enumerate(value.items())}
    return value


@pytest.fixture
def legacy(setup, factory, users, make_enterprise, settings, tmp_path):  # noqa: F811 — fixtures imported above
    """One record of each kind an export or a document reads, then their text poisoned."""
    from anying.hazards import checklists, self_inspection, supervision
    from anying.hazards.models import ChecklistTemplate, Hazard
    from anying.inspections import penalties
    from anying.inspections.models import EnforcementDocument, Inspection, Penalty
    from anying.inspections.records import Finding
    from anying.oversight import accidents, keytasks, rankings
    from anying.oversight.models import Accident, KeyTask, KeyTaskTable, Ranking, RankingScheme
    from anying.registry import risks
    from anying.registry.models import Enterprise, RiskArea, RiskPoint
    from anying.standards.models import AccidentType
    from anying.tips import services as tip_services
    from anying.tips.models import Tip

    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    ent = setup["ent"]
    Enterprise.objects.filter(pk=ent.pk).update(scale=Enterprise.Scale.ABOVE)
    major = factory(level="major")
    submitted = factory()
    Hazard.objects.filter(pk=submitted.pk).update(status=Hazard.Status.SUBMITTED, review_due=today)
    attach(None, major, _upload())
    supervision.supervise(users["admin"], major.pk, level="district", requirements="限期整改", due=today)
    area = risks.save_area(None, ent, {"name": "机加工车间"})
    risks.save_point(None, ent, {"area": area, "activity": "数控车床", "hazard": "卷入", "method": "lec",
                                 "responsible": "张三", "accident_type": AccidentType.objects.get(code="WSA10004"),
                                 "control_engineering": "防护罩", **{f"{p}{k}": Decimal(v) for p, vs in
                                 (("inherent_", "3 6 15"), ("residual_", "3 6 15")) for k, v in zip("lec", vs.split(), strict=True)}})
    tip_services.submit(None, {"category": Tip.Category.MAJOR_HAZARD, "description": "楼梯间堆放几十桶油漆和稀释剂", "place": "宿舍楼",
                               "region": ent.region, "anonymous": True}, [], address="10.0.0.1")
    Tip.objects.update(unit=setup["bureau"])  # handled by the bureau, whose name the statistics show
    items = list(setup["template"].items.all())
    inspection = inspection_records.record(users["yingji"], ent, **kwargs(setup, results=answer(setup["template"], {
        items[-1].pk: Finding("fail", "安全出口堵塞", "一车间")})))
    penalty = penalties.file_case(users["yingji"], ent, {
        "party_name": ent.name, "facts": "未设置泄爆装置", "evidence": "照片", "violated": "第三十六条",
        "legal_basis": "第九十九条", "amount": Decimal("20000.00")}, inspection=inspection)
    penalties.notify(users["yingji"], penalty.pk)
    accidents.record(users["admin"], {"occurred_at": timezone.now() - dt.timedelta(days=1), "place": "车间",
                                      "enterprise": ent, "accident_type": AccidentType.objects.get(code="WSA10004"),
                                      "summary": "冲床伤人"})
    table = keytasks.save_table(None, {"year": today.year, "title": "重点任务责任表", "unit": setup["bureau"]})
    keytasks.save_task(None, {"table": table, "number": 1, "task": "事故指标控制", "requirements": "按季度分析",
                              "unit": setup["bureau"], "person": "科长", "leader": "副局长",
                              "due": today + dt.timedelta(days=30)}, milestones=[])
    daily = checklists.create(None, name="日排查表", use=ChecklistTemplate.Use.DAILY, industry=None,
                              items_text="通道畅通", owner=setup["bureau"])
    checklists.publish(None, daily.pk)
    self_inspection.generate(None, ent)
    scheme = RankingScheme.objects.create(code="t", name="测试晾晒", subject=Organisation.Kind.TOWN_OFFICE, period="month",
                                          indicators=[{"code": "overdue", "weight": "100"}])
    ranking = rankings.compute(users["admin"], scheme.pk, today)
    # issue #19: a campaign with its table, a stoppage, last month's confirmed monthly report
    from anying.campaigns import services as campaign_services
    from anying.campaigns.models import Campaign
    from anying.campaigns.models import Item as CampaignItem
    from anying.monthly import rules as monthly_rules
    from anying.monthly import services as monthly_services
    from anying.monthly.models import MonthlyReport
    from anying.stoppages import services as stoppage_services
    from anying.stoppages.models import Stoppage

    campaign = campaign_services.create(None, {
        "name": "专项行动", "owner": users["admin"].unit, "starts_on": today - dt.timedelta(days=5),
        "ends_on": today + dt.timedelta(days=5), "goal": "目标"}, industries=[], phases=[
        {"kind": "self_check", "starts_on": today - dt.timedelta(days=5), "ends_on": today - dt.timedelta(days=1)},
        {"kind": "enforcement", "starts_on": today, "ends_on": today + dt.timedelta(days=5)}])
    campaign_services.add_item(None, campaign.pk, {"category": "动火作业", "content": "动火作业票", "basis": "GB 30871"})
    Enterprise.objects.filter(pk=ent.pk).update(created_at=timezone.now() - dt.timedelta(days=90))
    month = monthly_rules.previous_month(today)
    monthly_services.confirm(None, Enterprise.objects.get(pk=ent.pk), month, "说明")
    stoppage_services.order(None, Enterprise.objects.get(pk=ent.pk), {
        "source": "other", "reason": "停产事由", "legal_basis": "依据", "requirements": "整改要求", "unit": setup["bureau"]})
    # (its status back to 在业, so the other exports still list it as they did: a stoppage of long ago)
    Enterprise.objects.filter(pk=ent.pk).update(status=Enterprise.Status.OPERATING)
    from anying.places.models import Place

    Place.objects.create(name="避难场所", kind=Place.Kind.SHELTER, owner=setup["bureau"], region=ent.region,
                         address="广场", contact_name="值班室", capacity=100)

    from anying.rescue.models import Expert, GrassrootsPerson, Team
    from anying.supplies import demo as supplies_demo
    from anying.supplies.models import Item, Warehouse

    supplies_demo.load(random.Random(1))  # warehouses with stock for the two supplies exports
    assert Warehouse.objects.exists()
    from anying.supplies import planning
    from anying.supplies.models_planning import DemandLine, DemandPlan, Maintenance, Publicity

    demand_plan = planning.save_plan(None, DemandPlan(owner=setup["bureau"], year=today.year, title="需求计划"),
                                     [{"item": Item.objects.first(), "quantity": 10, "purpose": "防汛"}])
    planning.act(None, demand_plan.pk, "submit")
    planning.save_maintenance(None, Maintenance(warehouse=Warehouse.objects.first(), done_on=today, kind="routine",
                                                items="抽水泵", content="试机", done_by="保管员"))
    planning.save_publicity(None, Publicity(owner=setup["bureau"], region=ent.region, held_on=today, form="talk",
                                            title="宣传", households=10))
    from anying.duty import demo as duty_demo
    from anying.duty import services as duty_services
    from anying.duty.models import Assignment, Shift, SpotCheck

    duty_demo.load(random.Random(1))  # this month's rosters for the 值班表 export
    town_office = Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE).first()
    duty_services.record_check(None, SpotCheck(unit=town_office, called_at=timezone.now(), phone="023", answered=True,
                                               seconds=9, answered_by="值班员", note="抽查"))

    from anying.incidents import services as incident_services
    from anying.incidents.models import Incident

    incident_services.record(None, {
        "unit": town_office, "title": "事故", "kind": "work_safety", "region": ent.region, "place": "厂区",
        "occurred_at": timezone.now() - dt.timedelta(hours=5), "received_at": timezone.now() - dt.timedelta(hours=4),
        "source": "phone", "description": "经过", "deaths": 1})
    incident_services.run_overdue()
    from anying.monitoring import services as monitoring_services
    from anying.monitoring.models import Installation

    inst = monitoring_services.save_installation(None, ent.pk, {"name": "罐区", "kind": "storage",
                                                                "people_within_500m": 5}, [("液氯", "20", "")])
    from anying.monitoring import ingest as monitoring_ingest
    from anying.monitoring import sensors as monitoring_sensors
    from anying.monitoring.models import Alarm

    monitoring_sensors.save_sensor(None, inst.pk, {"code": "AT-1", "name": "氯气", "kind": "toxic_gas", "unit": "ppm",
                                                   "range_low": 0, "range_high": 100, "high": 1, "high_high": 3})
    gateway, _token = monitoring_sensors.create_device(None, ent.pk, "网关")
    monitoring_ingest.ingest(gateway, [("AT-1", int(timezone.now().timestamp() * 1000) - 1000, 5.0)])
    from anying.monitoring import services_baobao

    services_baobao.assign_guarantor(None, inst.pk, "technical", {"name": ent.name[:50], "phone": "13900000000"})

    Team.objects.create(name="救援队", category=Team.Category.DISTRICT, owner=setup["bureau"], region=ent.region,
                        leader="队长", note="备注")
    Expert.objects.create(owner=setup["bureau"], name="专家", fields=",hazchem,", employer="某院", title="工程师")
    GrassrootsPerson.objects.create(owner=setup["bureau"], role="assistant", name="协管员", region=ent.region,
                                    phone="13900000000", duties="巡查", note="备注")
    from anying.plans import drills as plan_drills
    from anying.plans import reference as plan_reference
    from anying.plans import services as plan_services
    from anying.plans.models import Drill, EmergencyPlan, FollowUp, HazardType

    plan_reference.ensure()  # a town's plan (issued, filing due), a drill held this year, a follow-up
    forest = HazardType.objects.get(code="forest_fire")
    town_plan = plan_services.save_plan(None, EmergencyPlan(owner=town_office, name="镇街预案", level="town",
                                                            hazard_type=forest, document_number="文号", summary="说明"))
    drill = plan_drills.save_drill(None, Drill(owner=town_office, name="演练", kind="live", hazard_type=forest,
                                               plan=town_plan, year=today.year, month=today.month, partners="协同"))
    plan_drills.record(None, drill.pk, held_on=today, place="林区", units="参演单位", people=5, text="情况")
    plan_services.add_follow_up(None, drill, "整改", town_office, today)
    from anying.warning import services as warning_services
    from anying.warning.models import Contact, Warning
    contact = warning_services.save_contact(None, Contact(name="责任人", phone="13900000001", region=ent.region,
                                                          role="village_head", families="general", unit=town_office))
    warning = warning_services.save_draft(None, Warning(
        kind="rainstorm", level="orange", agency="气象台", unit=setup["bureau"], headline="暴雨预警", description="内容",
        onset=timezone.now(), expires=timezone.now() + dt.timedelta(hours=6)), [ent.region])
    warning_services.act(None, warning.pk, "submit")
    warning_services.act(None, warning.pk, "issue")
    assert contact.pk and warning.recipients.exists()
    poison(Enterprise, Hazard, RiskArea, RiskPoint, Tip, Inspection, Penalty, Accident, KeyTask, KeyTaskTable,
           Organisation, Industry, Place, Warehouse, Item, Team, Expert, DemandPlan, DemandLine, Maintenance, Publicity,
           Shift, Assignment, SpotCheck, GrassrootsPerson, Incident, EmergencyPlan, Drill, FollowUp, Installation,
           Alarm, Contact, Warning)
    from anying.forestfire import lifecycles as forest_lifecycles
    from anying.forestfire import services as forest
    from anying.forestfire.models import Entry, FireDanger, FireReport, FireUse, Ranger, Responsibility

    forest.set_level(None, ent.region_id, today, 3)  # a town's level, a checkpoint with an entry, a ranger …
    ranger_contact = Contact.objects.create(name="护林员", phone="13600000000", region=ent.region, role="ranger")
    forest.save_ranger(None, {"region_id": ent.region_id, "contact_id": ranger_contact.pk, "area": "后山",
                              "contract_from": today, "contract_to": today})
    forest.save_responsibility(None, {"region_id": ent.region_id, "kind": "admin", "contact_id": ranger_contact.pk,
                                      "zone": "包山"})
    checkpoint = forest.save_checkpoint(None, {"region_id": ent.region_id, "name": "检查站"})
    Entry.objects.create(checkpoint=checkpoint, day=today, name="游客", phone="13800000000", id_masked="5002**0001",
                         id_hash="x", purpose="visit", pledge=True, time_in=timezone.now(), out_key="k")
    in_two_days = timezone.now() + dt.timedelta(days=2)
    forest_lifecycles.submit_fire_use(None, {
        "region_id": ent.region_id, "place": "田坎", "applicant": "申请人", "phone": "1", "kind": "烧荒", "reason": "说明",
        "starts_at": in_two_days, "ends_at": in_two_days + dt.timedelta(hours=1), "precautions": "措施",
        "watcher": "看守", "watcher_phone": "1"})
    forest_lifecycles.report_fire(None, {"source": "public", "region_id": ent.region_id, "place": "山上",
                                         "description": "冒烟"})
    poison(FireDanger, Ranger, Responsibility, Entry, FireUse, FireReport)  # after: Place's order stays; the
    # rangers' and 责任人's Contacts were made before the poisoning above
    from anying.riskpoints import evacuations as rp_evacuations
    from anying.riskpoints import patrols as rp_patrols
    from anying.riskpoints import services as rp_services
    from anying.riskpoints.models import DisasterRiskPoint, Evacuation, Household, PatrolSchedule

    keeper = Contact.objects.create(name="责任人", phone="13900000000", region=ent.region, role="admin_responsible")
    rp_point = rp_services.save_point(None, {"name": "滑坡", "kind": "geological", "region": ent.region,
                                             "latitude": Decimal("29.8"), "longitude": Decimal("106"), "location": "后山",
                                             "facilities": "村道", "admin_responsible": keeper, "monitors": [keeper]})
    rp_services.save_household(None, rp_point.pk, {"head": "住户", "people": 2})
    rp_evacuations.start(None, rp_point.pk, trigger="order", reason="指挥部指令")
    rp_patrols.ensure_schedules(None, rp_point.pk)
    poison(DisasterRiskPoint, Household, Evacuation, PatrolSchedule)  # after the others: their rows keep their poisons
    from anying.disasters import registers as dz_registers
    from anying.disasters import services as dz_services
    from anying.disasters.models import Casualty
    from anying.disasters.models import Event as DisasterEvent
    from anying.disasters.models import Report as DisasterReport

    jiuxian_town = Region.objects.get(name="旧县街道", level=Region.Level.TOWN)
    dz_event = dz_services.open_event(users["duty"], name="暴雨洪涝", kind="flood", towns=[jiuxian_town],
                                      started_at=timezone.now() - dt.timedelta(hours=1), description="概况")
    dz_report = dz_services.draft_report(users["jiuxian"], dz_event, jiuxian_town)
    dz_services.save_report(users["jiuxian"], dz_report.pk, figures={"affected": 10}, situation="灾情",
                            relief_work="救灾")
    dz_services.submit(users["jiuxian"], dz_report.pk)
    dz_registers.add_casualty(users["jiuxian"], dz_event, {
        "town": jiuxian_town.pk, "name": "姓名", "gender": "男", "status": "missing", "occurred_on": timezone.localdate(),
        "place": "地点", "cause": "原因", "residence": "户籍", "note": "备注"})
    poison(DisasterEvent, DisasterReport, Casualty)
    from anying.disasters.villages import committees
    from anying.relief import donations as relief_donations
    from anying.relief import funds as relief_funds
    from anying.relief import services as relief_services
    from anying.relief.demo import id_number as relief_id
    from anying.relief.models import Application, Donation, Finding, Fund, FundUse

    village, _unit, officer = next(iter(committees().values()))
    relief_round = relief_services.save_round(None, {"name": "冬春救助", "region": village.parent.parent,
                                                     "starts_on": today, "ends_on": today})
    relief_services.file_application(officer, {"round": relief_round, "village": village, "head": "户主",
                                               "id_number": relief_id(random.Random(1)), "members": 2,
                                               "situation": "困难", "needs": ["food"], "requested": "500"})
    relief_donations.record_donation(None, {"unit": setup["bureau"], "donor": "捐赠人", "form": "money",
                                            "amount": "100"})
    relief_funds.allocate_fund(None, {"region": village.parent, "source": "central", "amount": "100", "purpose": "救助"})
    relief_funds.record_use(None, {"region": village.parent, "source": "central", "kind": "project", "amount": "10",
                                   "description": "采购"})
    relief_funds.save_finding(None, {"region": village.parent, "kind": "false_claim", "unit_name": "村委会",
                                     "found_on": today, "description": "虚报"})
    poison(Application, Donation, Fund, FundUse, Finding)
    from anying.disasters.models import Event as DisasterEvent
    from anying.houses import services as house_services
    from anying.houses.models import Household as HouseRow

    village = Region.objects.create(name="玉泉村", parent=ent.region, level=Region.Level.VILLAGE)
    disaster = DisasterEvent.objects.create(number="ZH1", name="暴雨", kind="flood", region=ent.region.parent,
                                            started_at=timezone.now() - dt.timedelta(days=3),
                                            unit=users["admin"].unit)
    disaster.towns.set([ent.region])
    house_services.save_household(None, {
        "event": disaster, "village": village, "head": "户主", "id_number": "11010519491231002X", "members": 3,
        "situation": "general", "structure": "brick_wood", "rooms": 3, "rooms_collapsed": 1, "cause": "山洪",
        "assessed_on": today, "assessors": "评估人"})
    poison(HouseRow)
    poison(Campaign, CampaignItem, Stoppage, MonthlyReport)
    from anying.permits import rules as permit_rules
    from anying.permits import services as permit_services
    from anying.permits.models import Permit, Worker

    permit_services.save_permit(None, {
        "kind": "height", "level": "2", "place": "车间", "content": "高处作业", "hazards": "坠落",
        "details": {"height_m": "8"}, "applicant_name": "申请人", "leader_name": "负责人", "guardian_name": "监护人",
        "valid_from": timezone.now(), "valid_until": timezone.now() + dt.timedelta(hours=8),
        "measures": [m.code for m in permit_rules.measures_of("height")], "measures_confirmed": True,
        "workers": [{"name": "作业人", "company": "承包商单位", "contractor": True}]}, enterprise=ent)
    for step in ("approve", "start"):  # in progress: on the 正在作业 list too
        permit_services.run(None, Permit.objects.get().pk, step)
    poison(Permit, Worker)
    # a safety-spending ledger with an entry; a listing; the penalty decided and published; the
    # enterprise graded before its major hazard (the 重新核定 list)
    from anying.credit import services as credit_services
    from anying.credit.models import Listing, PenaltyNotice
    from anying.inspections.models import Penalty as PenaltyRow
    from anying.registry.models import Enterprise as EnterpriseRow  # noqa: F811
    from anying.spending import services as spending_services
    from anying.spending.models import Entry as SpendingEntry
    from anying.spending.models import Ledger

    ledger = spending_services.save_ledger(None, {"enterprise": ent.pk, "year": today.year, "class_key": "machinery",
                                                  "base": 20_000_000})
    spending_services.add_entry(None, ledger.pk, {"kind": "set_aside", "on": today.replace(month=1, day=1),
                                                  "amount": "100", "description": "计提"})
    credit_services.propose(None, {"enterprise": ent.pk, "ground": "no_licence", "reason": "事实", "legal_basis": "依据",
                                   "decision_unit": setup["bureau"]})
    PenaltyRow.objects.filter(pk=penalty.pk).update(decided_on=today, status="decided")
    credit_services.publish_penalty(None, penalty.pk)
    from anying.hazards.models import Hazard as HazardRow

    graded = EnterpriseRow.objects.exclude(pk=ent.pk).order_by("id").first()  # ent stays on the 未达标 list
    EnterpriseRow.objects.filter(pk=graded.pk).update(std_status="certified", std_grade="3",
                                                      std_certificate_date=today - dt.timedelta(days=400))
    HazardRow.objects.create(enterprise=graded, region_id=graded.region_id, industry_id=graded.industry_id,
                             organisation_id=graded.organisation_id, place="车间", description="重大隐患",
                             level="major", channel="inspection", found_by="检查员", found_on=today)
    poison(Ledger, SpendingEntry, Listing, PenaltyNotice, EnterpriseRow)
    # issue #19 points 3 and 8: a training session and its trainee, a day on site and a meeting
    from anying.onsite import services as onsite_services
    from anying.onsite.models import Meeting as OnsiteMeeting
    from anying.onsite.models import OnsiteDay
    from anying.registry.models import KeyPerson
    from anying.training import services as training_services
    from anying.training.models import Session as TrainingSession
    from anying.training.models import Trainee

    controller = KeyPerson.objects.create(enterprise=ent, kind=KeyPerson.Kind.ACTUAL_CONTROLLER, name="实控人")
    training_services.save_session(None, ent, {"kind": "level_company", "topic": "厂级教育", "held_on": today,
                                               "hours": 8, "trainer": "安全部", "attendees": "张三 焊工 80"})
    onsite_services.record_day(None, ent, {"person": controller.pk, "day": today, "work": "现场履职"})
    onsite_services.save_meeting(None, ent, {"held_on": today, "topics": "边坡", "attendees": "实控人",
                                             "minutes": "一、加密边坡监测点，月底完成。"})
    poison(TrainingSession, Trainee, OnsiteDay, OnsiteMeeting, KeyPerson)
    # the bureau handles the tip and runs the inspection: its name shows in the statistics
    Organisation.objects.filter(pk=setup["bureau"].pk).update(name='=HYPERLINK("http://x")')
    from anying.core import audit  # the trail cannot be updated: legacy text arrives as new events
    AuditEvent.objects.bulk_create([audit.build(users["admin"], AuditEvent.Action.UPDATE, ent, summary=_poison_value(n))
                                    for n in range(len(POISONS) + 1)])
    poison_regions = Region.objects.filter(level=Region.Level.TOWN)
    for n, pk in enumerate(poison_regions.values_list("pk", flat=True)):
        Region.objects.filter(pk=pk).update(name=_poison_value(n))
    for doc in EnforcementDocument.objects.all():
        EnforcementDocument.objects.filter(pk=doc.pk).update(data=_poison_json(doc.data))
    Ranking.objects.filter(pk=ranking.pk).update(rows=_poison_json(ranking.rows))
    return {"admin": users["admin"], "ranking": ranking, "inspection": inspection, "penalty": penalty, "major": major,
            "today": today, "demand_plan": demand_plan, "disaster": dz_event, "campaign": campaign, "month": month,
            "ent": ent, "ledger": ledger}


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")


# Every .xlsx export: (name, user, url). A new export is added here, and only here.
EXPORTS = [
    ("生产经营单位", "admin", lambda d: reverse("enterprise_export")),
    ("隐患台账", "admin", lambda d: reverse("hazard_export")),
    ("问题清单", "admin", lambda d: reverse("hazard_issue_list") + "?format=xlsx"),
    ("待办", "jiuxian", lambda d: reverse("todo") + "?format=xlsx"),
    ("日周月排查", "admin", lambda d: reverse("self_inspection_overview") + "?format=xlsx"),
    ("重大较大风险", "admin", lambda d: reverse("risk_list") + "?export=xlsx"),
    ("标准化未达标名单", "admin", lambda d: reverse("standardization_below") + f"?year={d['today'].year}&format=xlsx"),
    ("标准化达标率", "admin", lambda d: reverse("standardization_report") + f"?year={d['today'].year}&format=xlsx"),
    ("举报统计", "admin", lambda d: reverse("tip_stats") + "?group=unit&export=xlsx"),
    ("执法检查记录", "admin", lambda d: reverse("inspection_list") + "?format=xlsx"),
    ("行政处罚", "admin", lambda d: reverse("penalty_list") + "?format=xlsx"),
    ("三个强度", "admin", lambda d: reverse("intensity_report") + f"?month={d['today']:%Y-%m}&format=xlsx"),
    ("重点任务", "admin", lambda d: reverse("keytask_list") + "?export=xlsx"),
    ("排名", "admin", lambda d: reverse("ranking_detail", args=[d["ranking"].pk]) + "?export=xlsx"),
    ("生产安全事故", "admin", lambda d: reverse("accident_list") + "?export=xlsx"),
    ("审计日志", "admin", lambda d: reverse("audit_log") + "?format=xlsx"),
    ("应急避难场所", "admin", lambda d: reverse("shelter_list") + "?export=xlsx"),
    ("救援队伍", "admin", lambda d: reverse("rescue_team_list") + "?export=xlsx"),
    ("专家库", "admin", lambda d: reverse("rescue_expert_list") + "?export=xlsx"),
    ("基层应急力量", "admin", lambda d: reverse("rescue_grassroots_list") + "?export=xlsx"),
    ("应急物资仓库", "admin", lambda d: reverse("supplies:warehouse_list") + "?format=xlsx"),
    ("应急物资库存", "admin", lambda d: reverse("supplies:balance_list") + "?format=xlsx"),
    ("物资储备需求计划", "admin", lambda d: reverse("supplies:demand_list") + "?format=xlsx"),
    ("需求与库存对比", "admin", lambda d: reverse("supplies:demand_detail", args=[d["demand_plan"].pk]) + "?format=xlsx"),
    ("物资储备需求汇总", "admin", lambda d: reverse("supplies:demand_summary") + "?format=xlsx"),
    ("维护保养记录", "admin", lambda d: reverse("supplies:maintenance_list") + "?format=xlsx"),
    ("家庭应急物资储备宣传", "admin", lambda d: reverse("supplies:publicity_list") + "?format=xlsx"),
    ("值班表", "admin", lambda d: reverse("duty_roster") + "?format=xlsx"),
    ("值班抽查", "admin", lambda d: reverse("duty_checks") + "?format=xlsx"),
    ("应急预案台账", "admin", lambda d: reverse("plans:list") + "?format=xlsx"),
    ("镇街预案覆盖检查", "admin", lambda d: reverse("plans:coverage") + "?format=xlsx"),
    ("整改与修订任务", "admin", lambda d: reverse("plans:follow_ups") + "?format=xlsx"),
    ("应急演练", "admin", lambda d: reverse("plans:drills") + "?format=xlsx"),
    ("演练指标", "admin", lambda d: reverse("plans:quotas") + "?format=xlsx"),
    ("仓库日周月检查", "admin", lambda d: reverse("supplies:check_list") + "?format=xlsx"),
    ("接报事件", "admin", lambda d: reverse("incident_list") + "?export=xlsx"),
    ("重大危险源", "admin", lambda d: reverse("installation_list") + "?export=xlsx"),
    ("监测报警", "admin", lambda d: reverse("alarm_list") + "?export=xlsx"),
    ("包保责任人", "admin", lambda d: reverse("guarantor_list") + "?export=xlsx"),
    ("预警", "admin", lambda d: reverse("warning:list") + "?export=xlsx"),
    ("预警责任人名册", "admin", lambda d: reverse("warning:contacts") + "?export=xlsx"),
    ("森林火险等级", "admin", lambda d: reverse("forestfire:levels") + "?export=xlsx"),
    ("进山登记", "admin", lambda d: reverse("forestfire:entries") + "?export=xlsx"),
    ("护林员", "admin", lambda d: reverse("forestfire:rangers") + "?export=xlsx"),
    ("野外用火申请", "admin", lambda d: reverse("forestfire:fire_uses") + "?export=xlsx"),
    ("火情报告", "admin", lambda d: reverse("forestfire:reports") + "?export=xlsx"),
    ("森林防火责任人", "admin", lambda d: reverse("forestfire:responsibilities") + "?export=xlsx"),
    ("风险点台账", "admin", lambda d: reverse("riskpoint_list") + "?export=xlsx"),
    ("转移避险记录", "admin", lambda d: reverse("evacuation_list") + "?export=xlsx"),
    ("风险点巡查", "admin", lambda d: reverse("patrol_board") + "?export=xlsx"),
    ("自然灾害损失情况统计快报表", "admin", lambda d: reverse("disasters:export", args=[d["disaster"].pk])),
    ("因灾死亡失踪人口台账", "admin", lambda d: reverse("disasters:casualties", args=[d["disaster"].pk]) + "?export=xlsx"),
    ("冬春救助申请", "admin", lambda d: reverse("relief:application_list") + "?export=xlsx"),
    ("救助覆盖率", "admin", lambda d: reverse("relief:coverage") + "?export=xlsx"),
    ("救灾捐赠", "admin", lambda d: reverse("relief:donation_list") + "?export=xlsx"),
    ("救灾资金", "admin", lambda d: reverse("relief:fund_list") + "?export=xlsx"),
    ("监督检查", "admin", lambda d: reverse("relief:finding_list") + "?export=xlsx"),
    ("因灾倒塌损坏住房户台账", "admin", lambda d: reverse("house_list") + "?export=xlsx"),
    ("排查整治表", "admin", lambda d: reverse("campaigns:items_export", args=[d["campaign"].pk])),
    ("专项行动统计", "admin", lambda d: reverse("campaigns:stats_export", args=[d["campaign"].pk])),
    ("停产整顿企业名单", "admin", lambda d: reverse("stoppages:list") + "?export=xlsx"),
    ("企业月报报送情况", "admin", lambda d: reverse("monthly:overview") + f"?month={d['month']:%Y-%m}&export=xlsx"),
    ("特殊作业票", "admin", lambda d: reverse("permit_list") + "?export=xlsx"),
    ("正在作业的特殊作业票", "admin", lambda d: reverse("permit_open") + "?export=xlsx"),
    ("安全生产费用", "admin", lambda d: reverse("spending:list") + "?export=xlsx"),
    ("安全生产费用明细", "admin", lambda d: reverse("spending:detail", args=[d["ledger"].pk]) + "?export=xlsx"),
    ("严重失信主体名单", "admin", lambda d: reverse("credit:list") + "?export=xlsx"),
    ("行政处罚双公示", "admin", lambda d: reverse("credit:penalties") + "?export=xlsx"),
    ("标准化重新核定", "admin", lambda d: reverse("credit:rerating") + "?export=xlsx"),
    ("企业安全培训记录", "admin", lambda d: reverse("training_list") + "?export=xlsx"),
    ("安全培训档案", "admin", lambda d: reverse("trainee_list") + "?export=xlsx"),
    ("安全培训覆盖率", "admin", lambda d: reverse("training_coverage") + "?export=xlsx"),
    ("矿山在岗履职", "admin", lambda d: reverse("onsite_months") + "?export=xlsx"),
    ("在岗履职登记", "admin", lambda d: reverse("onsite_days") + "?export=xlsx"),
    ("安全生产重大问题会议纪要", "admin", lambda d: reverse("onsite_meetings") + "?export=xlsx"),
]
# inspections' _by_status answers the exports of two lists from one call; permits' _listing those of
# the list and of the 正在作业 list
SHARED_CALL_SITES = 2


def test_every_export_is_in_the_list():
    src = Path(__file__).resolve().parents[2] / "src"
    sites = sum(len(re.findall(r"exports\.response\(", p.read_text(encoding="utf-8"))) for p in src.rglob("*.py")
                if p.name != "exports.py")
    assert sites == len(EXPORTS) - SHARED_CALL_SITES


def test_every_export_opens_and_holds_no_formula(legacy, users, login):
    for name, username, url in EXPORTS:
        client = login(users[username])
        before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
        response = client.get(url(legacy))
        assert response.status_code == 200, name
        assert response["Content-Type"] == exports.XLSX, name
        cells = _cells(_load(b"".join(response.streaming_content)))
        assert not [c.coordinate for c in cells if c.data_type == "f"], name
        typed = [c for c in cells if isinstance(c.value, str) and c.value.startswith(exports.FORMULA_START)]
        assert typed and all(c.data_type == "s" and c.quotePrefix for c in typed), name  # legacy text is there, as text
        assert not [c.value for c in cells if isinstance(c.value, str) and re.search("[\x00-\x08\x0b\x0c]", c.value)]
        assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == before + 1, name


def _documents(d):
    from anying.oversight import reports

    report = reports.generate(d["admin"], "monthly", d["today"])
    yield "督办通知书", reverse("hazard_supervision_letter", args=[d["major"].pk])
    for doc in d["inspection"].documents.all():
        yield doc.get_kind_display(), reverse("inspection_document", args=[d["inspection"].pk, doc.pk])
    for doc in d["penalty"].documents.all():
        yield doc.get_kind_display(), reverse("penalty_document", args=[d["penalty"].pk, doc.pk])
    yield "标准化未达标名单", reverse("standardization_below") + f"?year={d['today'].year}&format=docx"
    yield "三个强度通报", reverse("intensity_report") + f"?month={d['today']:%Y-%m}&format=docx"
    yield "月报", reverse("report_download", args=[report.pk])
    yield "信息报送情况通报", reverse("incident_quality_docx")
    yield "灾情通报", reverse("disasters:circular", args=[d["disaster"].pk])
    yield "安全生产月报", reverse("monthly:report_docx", args=[d["ent"].pk, f"{d['month']:%Y-%m}"])
    yield "函告", _overdue_letter(d)


def _overdue_letter(d) -> str:
    """The 函告 the overdue ladder issues for the legacy major hazard, once it is 8 days late."""
    import datetime as dt

    from anying.core.models import ClockStep
    from anying.hazards import escalation
    from anying.hazards.models import Hazard

    Hazard.objects.filter(pk=d["major"].pk).update(status="rectifying", deadline=d["today"] - dt.timedelta(days=8))
    escalation.run()
    step = ClockStep.objects.get(clock="hazard_overdue", object_id=d["major"].pk, code="letter")
    return reverse("hazard_overdue_letter", args=[d["major"].pk, step.pk])


def test_every_document_opens(legacy, users, login):
    client = login(users["admin"])
    names = []
    for name, url in _documents(legacy):
        response = client.get(url)
        assert response.status_code == 200, name
        content = b"".join(response.streaming_content)
        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
        assert not re.search("[\x00-\x08\x0b\x0c]", text), name
        names.append(name)
    assert len(names) >= 8 and "函告" in names  # 督办, 现场检查记录 and 整改指令, 告知书, 附件2, 三个强度, 月报, 函告


def test_a_file_is_served_only_through_its_records_scope(legacy, users, login):
    from anying.core.models import Attachment

    photo = Attachment.objects.get(original_name="photo.png")
    url = reverse("hazard_file", args=[legacy["major"].pk, photo.pk])
    response = login(users["jiuxian"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert login(users["hufeng"]).get(url).status_code == 404  # another town
    other = legacy["inspection"].results.exclude(hazard=None).first().hazard
    assert login(users["jiuxian"]).get(reverse("hazard_file", args=[other.pk, photo.pk])).status_code == 404


def test_new_exports_follow_the_pages_scope_filter_and_rights(legacy, users, login):
    def rows(client, url):
        response = client.get(url)
        assert response["Content-Type"] == exports.XLSX
        return list(_load(b"".join(response.streaming_content)).active.iter_rows(values_only=True))

    assert len(rows(login(users["jiuxian"]), reverse("inspection_list") + "?format=xlsx")) == 3  # title, header, one
    assert len(rows(login(users["hufeng"]), reverse("inspection_list") + "?format=xlsx")) == 2  # another town: none
    assert len(rows(login(users["hufeng"]), reverse("penalty_list") + "?format=xlsx")) == 2
    # a role without the export right gets the page, not the file
    assert login(users["duty"]).get(reverse("inspection_list") + "?format=xlsx")["Content-Type"].startswith("text/html")
    audit_rows = rows(login(users["admin"]), reverse("audit_log") + "?action=export&format=xlsx")
    assert "操作：导出" in audit_rows[0][0] and audit_rows[2:] and {r[3] for r in audit_rows[2:]} == {"导出"}


def test_the_title_row_names_no_record_outside_the_scope(make_enterprise, users, login):
    """An id typed into an export link must not reveal another town's enterprise by name."""
    mine = make_enterprise("旧县甲厂")
    theirs = make_enterprise("虎峰乙厂", town_name="虎峰镇")
    client = login(users["jiuxian"])
    for url in (reverse("hazard_export"), reverse("inspection_list")):
        own = client.get(url, {"enterprise": mine.pk, "format": "xlsx"})
        other = client.get(url, {"enterprise": theirs.pk, "format": "xlsx"})
        assert own.status_code == other.status_code == 200
        assert any("旧县甲厂" in str(c.value) for c in _cells(_load(b"".join(own.streaming_content)))[:3])
        title = " ".join(str(c.value) for c in _cells(_load(b"".join(other.streaming_content)))[:3])
        assert "虎峰乙厂" not in title and str(theirs.pk) in title
