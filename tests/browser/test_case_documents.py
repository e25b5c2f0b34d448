"""The case's 执法文书 in a browser: an inspector issues a 现场处理措施决定书 and records a 询问笔录
on the inspection page, then a 立案审批表 and a 案件移送书 on the penalty page; the admin gives
the unit its full name and 发文机关代字 — at desktop width and on a phone."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.core.models import Organisation
from anying.hazards import checklists
from anying.hazards.models import ChecklistTemplate
from anying.inspections import penalties, records
from anying.inspections.models import EnforcementDocument, Inspector
from anying.inspections.records import Finding
from anying.standards.models import CriteriaSet

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def case(make_enterprise, users):
    bureau = Organisation.objects.get(name="区应急局")
    template = checklists.build_from_criteria(None, CriteriaSet.objects.get(code="gongmao_2023"),
                                              use=ChecklistTemplate.Use.INSPECTION, owner=bureau)
    template = checklists.publish(None, template.pk)
    people = [Inspector.objects.create(unit=bureau, name=n, certificate_no=f"渝执{k}",
                                       certificate_expiry=timezone.localdate() + dt.timedelta(days=365))
              for k, n in enumerate(["陈执法", "李执法"])]
    ent = make_enterprise("重庆铜梁精工机械有限公司", "旧县街道", "机械", tags=["dust"])
    items = records.applicable_items(template, ent)  # only these are asked (issue #13)
    results = {i.pk: Finding("ok") for i in items}
    results[items[0].pk] = Finding("fail", "除尘器未设泄爆装置", "除尘房")
    now = timezone.now()
    inspection = records.record(users["yingji"], ent, checklist=template, inspectors=people,
                                started_at=now - dt.timedelta(hours=1), ended_at=now, results=results,
                                signatures=["陈执法", "李执法"], enterprise_signatory="王厂长", scope_text="除尘房",
                                rectify_by=timezone.localdate() + dt.timedelta(days=10))
    penalty = penalties.file_case(users["yingji"], ent, {
        "party_name": ent.name, "facts": "未按规定设置泄爆装置", "evidence": "现场检查记录", "violated": "《安全生产法》第三十六条",
        "legal_basis": "《安全生产法》第九十九条", "amount": Decimal("20000.00")}, inspection=inspection)
    return inspection, penalty


def test_inspector_issues_the_case_documents(new_page, case):
    inspection, penalty = case
    page = log_in(new_page(viewport={"width": 1366, "height": 900}), "yingji")
    page.goto(f"/inspections/{inspection.pk}/")
    page.get_by_text("出具现场处理措施决定书").click()
    page.get_by_label("责令从危险区域内撤出作业人员").check()
    page.get_by_label("责令暂时停产停业").check()
    page.get_by_role("button", name="出具决定书").click()
    expect(page.get_by_role("link", name="现场处理措施决定书")).to_be_visible()
    page.get_by_text("制作询问笔录").click()
    page.get_by_label("被询问人").fill("王厂长")
    page.get_by_label("询问地点").fill("企业会议室")
    start = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
    page.get_by_label("开始时间").fill(f"{start:%Y-%m-%dT%H:%M}")
    page.get_by_label("结束时间").fill(f"{start + dt.timedelta(minutes=40):%Y-%m-%dT%H:%M}")
    page.get_by_label("询问内容").fill("问：泄爆装置为何未安装？\n答：正在采购，下周安装。")
    page.get_by_role("button", name="保存并生成询问笔录").click()
    expect(page.get_by_role("link", name="询问笔录")).to_be_visible()
    shoot(page, "case-documents-inspection-1366")
    with page.expect_download() as download:
        page.get_by_role("link", name="现场处理措施决定书").click()
    assert download.value.suggested_filename.startswith("现场处理措施决定书_")

    page.goto(f"/inspections/penalties/{penalty.pk}/")
    page.get_by_role("button", name="出具立案审批表").click()
    expect(page.get_by_role("link", name="立案审批表")).to_be_visible()
    page.get_by_text("案件移送（涉嫌犯罪，移送公安机关）").click()
    page.get_by_label("接收机关").fill("重庆市公安局铜梁区分局")
    page.get_by_label("涉嫌罪名或犯罪事实").fill("重大责任事故罪")
    page.get_by_label("随案移送材料").fill("现场检查记录\n询问笔录")
    page.get_by_role("button", name="出具案件移送书").click()
    expect(page.get_by_role("link", name="案件移送书")).to_be_visible()
    shoot(page, "case-documents-penalty-1366")
    kinds = set(EnforcementDocument.objects.values_list("kind", flat=True))
    assert {"site_measures", "inquiry", "filing", "transfer"} <= kinds

    phone = log_in(new_page(viewport=PHONE, is_mobile=True, has_touch=True), "yingji")
    phone.goto(f"/inspections/{inspection.pk}/")
    phone.get_by_text("制作询问笔录").click()
    shoot(phone, "case-documents-inspection-390")
    phone.goto(f"/inspections/penalties/{penalty.pk}/")
    phone.get_by_text("案件移送（涉嫌犯罪，移送公安机关）").click()
    shoot(phone, "case-documents-penalty-390")


def test_admin_sets_the_units_full_name_and_prefix(new_page, users):
    unit = Organisation.objects.get(name="区应急局")
    for width, height in ((1366, 900), (390, 844)):
        page = log_in(new_page(viewport={"width": width, "height": height}), "admin")
        page.goto(f"/units/{unit.pk}/")
        page.get_by_label("单位全称").fill("重庆市铜梁区应急管理局")
        page.get_by_label("发文机关代字").fill("铜应急")
        shoot(page, f"unit-documents-{width}")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("已保存单位")).to_be_visible()
    unit.refresh_from_db()
    assert (unit.full_name, unit.doc_prefix) == ("重庆市铜梁区应急管理局", "铜应急")


def test_admin_rewords_a_document_kind_for_the_unit(new_page, case, users, settings, tmp_path):
    """Download the 指令书's wording, change a sentence in Word, upload it: the unit's documents
    of that kind follow it; a broken upload is refused in Chinese."""
    from docx import Document

    from anying.inspections import documents
    from tests.inspections.test_records import docx_text

    settings.MEDIA_ROOT = tmp_path
    inspection, _ = case
    unit = Organisation.objects.get(name="区应急局")
    page = log_in(new_page(viewport={"width": 1366, "height": 900}), "admin")
    page.goto(f"/units/{unit.pk}/")
    page.get_by_role("link", name="文书措辞模板").click()
    expect(page.get_by_role("heading", name="文书措辞模板：区应急局")).to_be_visible()
    item = page.locator(".list-group-item", has_text="责令限期整改指令书")
    with page.expect_download() as download:
        item.get_by_role("link", name="下载当前模板").click()
    doc = Document(download.value.path())
    for p in doc.paragraphs:  # what the clerk does in Word
        if p.text.startswith("经查，"):
            p.runs[0].text, p.runs[1:] = "经现场检查，你单位存在以下问题：", []
    mine = tmp_path / "指令书.docx"
    doc.save(mine)
    broken = tmp_path / "坏.docx"
    next(p for p in doc.paragraphs if p.text.startswith("经现场检查")).runs[0].text += "{{ 企业名称 }}"
    doc.save(broken)
    item.locator("input[type=file]").set_input_files(str(broken))
    item.get_by_role("button", name="上传").click()
    expect(page.get_by_text("没有的字段")).to_be_visible()
    item = page.locator(".list-group-item", has_text="责令限期整改指令书")
    item.locator("input[type=file]").set_input_files(str(mine))
    item.get_by_role("button", name="上传").click()
    expect(page.get_by_text("已上传责令限期整改指令书的措辞模板")).to_be_visible()
    expect(page.locator(".list-group-item", has_text="责令限期整改指令书").get_by_text("本单位措辞")).to_be_visible()
    shoot(page, "unit-wordings-1366")
    order = inspection.documents.get(kind="rectification_order")
    assert "经现场检查，你单位存在以下问题：" in docx_text(documents.render(order))

    phone = log_in(new_page(viewport=PHONE, is_mobile=True, has_touch=True), "admin")
    phone.goto(f"/units/{unit.pk}/wording/")
    expect(phone.get_by_text("本单位措辞")).to_be_visible()
    shoot(phone, "unit-wordings-390")
