"""The case's other 执法文书 (现场处理措施决定书, 询问笔录, 立案审批表, 案件移送书), the legal basis
every 执法文书 cites, and 文号 per issuing unit: a town never numbers under the district's 字样."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core import services as core_services
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, DocumentPrefix, Organisation
from anying.hazards.models import Hazard
from anying.inspections import casework, documents, penalties, records
from anying.inspections.models import EnforcementDocument, Inspector
from anying.inspections.records import Finding
from tests.inspections.test_records import answer, docx_text, kwargs

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def inspected(setup, users, settings):
    """An inspection by 区应急局 with one major finding (除尘房) and one general (一车间)."""
    settings.ANYING_ENFORCEMENT_ORG = "铜"
    items = list(setup["template"].items.all())
    return records.record(users["yingji"], setup["ent"], **kwargs(setup, results=answer(setup["template"], {
        items[0].pk: Finding("fail", "除尘器未设泄爆装置", "除尘房"), items[-1].pk: Finding("fail", "安全出口堵塞", "一车间")})))


def test_site_measures_for_open_major_hazards(inspected, users):
    yingji = users["yingji"]
    with pytest.raises(ValidationError, match="现场处理措施"):
        casework.issue_site_measures(yingji, inspected.pk, measures=[])
    with pytest.raises(ValidationError, match="执行期限"):  # the day itself is not later than today
        casework.issue_site_measures(yingji, inspected.pk, measures=["suspend"], until=TODAY, today=TODAY)
    with pytest.raises(PermissionDenied):  # another unit
        casework.issue_site_measures(users["jiuxian"], inspected.pk, measures=["suspend"])
    assert not inspected.documents.filter(kind="site_measures").exists()
    doc = casework.issue_site_measures(yingji, inspected.pk, measures=["evacuate", "suspend"],
                                       until=TODAY + dt.timedelta(days=1), today=TODAY)
    assert doc.number == f"铜安监现决〔{YEAR}〕1号"
    text = docx_text(documents.render(doc))
    for expected in ("现场处理措施决定书", "除尘器未设泄爆装置", "责令从危险区域内撤出作业人员", "责令暂时停产停业",
                     "本决定不停止执行", "法律依据：《中华人民共和国安全生产法》第六十五条第一款第（三）项"):
        assert expected in text
    assert "安全出口堵塞" not in text  # a general hazard is not a reason to stop production
    assert AuditEvent.objects.filter(summary=f"出具{doc}").exists()
    Hazard.objects.filter(place="除尘房").update(status="closed")
    with pytest.raises(ValidationError, match="没有未销号的重大事故隐患"):
        casework.issue_site_measures(yingji, inspected.pk, measures=["suspend"])


def test_inquiry_record(inspected, users):
    now = timezone.now()
    good = {"person": "王厂长", "position": "厂长", "place": "会议室", "started": now - dt.timedelta(hours=1),
            "ended": now, "record": "问：泄爆装置为何未安装？\n答：正在采购。"}
    with pytest.raises(ValidationError, match="问：") as exc:
        casework.record_inquiry(users["yingji"], inspected.pk, **{**good, "record": "谈了泄爆装置", "ended": good["started"]})
    assert "ended" in exc.value.error_dict
    doc = casework.record_inquiry(users["yingji"], inspected.pk, **good)
    text = docx_text(documents.render(doc))
    for expected in ("询问笔录", "王厂长", "问：泄爆装置为何未安装？", "答：正在采购。", "陈执法", "李执法", "第五十五条"):
        assert expected in text


@pytest.fixture
def case(inspected, users):
    return penalties.file_case(users["yingji"], inspected.enterprise, {
        "party_name": inspected.enterprise.name, "facts": "未按规定设置泄爆装置", "evidence": "现场检查记录",
        "violated": "《安全生产法》第三十六条", "legal_basis": "《安全生产法》第九十九条", "amount": Decimal("20000.00")},
        inspection=inspected, today=TODAY)


def test_filing_form_once(case, users):
    doc = casework.issue_filing(users["yingji"], case.pk)
    assert doc.number == f"铜安监立〔{YEAR}〕1号" and doc.penalty_id == case.pk
    text = docx_text(documents.render(doc))
    for expected in ("立案审批表", "执法检查", "未按规定设置泄爆装置", "审批意见", "应急管理部令第18号"):
        assert expected in text
    with pytest.raises(ValidationError, match="已出具"):
        casework.issue_filing(users["yingji"], case.pk)


def test_transfer_to_the_police(case, users):
    with pytest.raises(ValidationError) as exc:
        casework.issue_transfer(users["yingji"], case.pk, receiver=" ", suspicion="", materials="\n")
    assert set(exc.value.error_dict) == {"receiver", "suspicion", "materials"}
    with pytest.raises(PermissionDenied):
        casework.issue_transfer(users["hufeng"], case.pk, receiver="公安", suspicion="x", materials="y")
    doc = casework.issue_transfer(users["yingji"], case.pk, receiver="重庆市铜梁区公安局", suspicion="重大责任事故罪",
                                  materials="现场检查记录\n询问笔录", copy_to="铜梁区人民检察院")
    text = docx_text(documents.render(doc))
    for expected in ("案件移送书", "重庆市铜梁区公安局：", "重大责任事故罪", "现场检查记录；询问笔录", "抄送：铜梁区人民检察院",
                     "第二十七条"):
        assert expected in text


def test_every_enforcement_document_cites_its_legal_basis(case, users):
    yingji = users["yingji"]
    casework.issue_filing(yingji, case.pk)
    penalties.notify(yingji, case.pk, today=TODAY)
    for doc in EnforcementDocument.objects.all():
        basis = documents.legal_basis(doc.kind)
        assert basis and doc.data["cites"] == basis
        assert f"法律依据：{basis}" in docx_text(documents.render(doc)), doc.kind
    assert set(documents.catalogue()) == set(EnforcementDocument.Kind.labels)  # one row per kind


def test_towns_number_under_their_own_prefix(setup, users, settings):
    settings.ANYING_ENFORCEMENT_ORG = "铜"
    town = users["jiuxian"].unit
    people = [Inspector.objects.create(unit=town, name=n, certificate_no=f"T{k}", certificate_expiry=TODAY + dt.timedelta(days=99))
              for k, n in enumerate(["刘执法", "周执法"])]
    inspect = lambda: records.record(users["jiuxian"], setup["ent"], **kwargs(setup, inspectors=people,  # noqa: E731
                                                                            signatures=["刘执法", "周执法"]))
    first = inspect().documents.get()
    assert first.number == f"旧县街道应急办现记〔{YEAR}〕1号"  # no 代字 yet: its name, never 铜安监
    town.doc_prefix, town.full_name = "旧县应急", "重庆市铜梁区旧县街道应急管理办公室"
    town.save()
    second = inspect().documents.get()
    assert second.number == f"旧县应急现记〔{YEAR}〕1号"
    assert "重庆市铜梁区旧县街道应急管理办公室" in docx_text(documents.render(second))  # signed with the full name
    DocumentPrefix.objects.create(issuer=town, kind="enforcement:site_record", prefix="旧县街现场")
    assert inspect().documents.get().number == f"旧县街现场〔{YEAR}〕1号"  # a per-kind override still wins
    bureau = records.record(users["yingji"], setup["ent"], **kwargs(setup)).documents.get()
    assert bureau.number == f"铜安监现记〔{YEAR}〕1号"  # the district's department: the district's 字样


def test_unit_form_keeps_full_name_and_prefix(users, login):
    unit = Organisation.objects.get(name="区应急局")
    client = login(users["admin"])
    data = {"name": unit.name, "kind": unit.kind, "region": unit.region_id, "contact_phone": "023-1",
            "full_name": "重庆市铜梁区应急管理局", "doc_prefix": "铜应急", "is_active": "on"}
    bad = client.post(reverse("unit_edit", args=[unit.pk]), {**data, "doc_prefix": "铜〔应急"})
    assert bad.status_code == 200 and "发文机关代字不能含" in bad.content.decode()
    assert Organisation.objects.get(pk=unit.pk).doc_prefix == ""
    assert client.post(reverse("unit_edit", args=[unit.pk]), data).status_code == 302
    unit.refresh_from_db()
    assert (unit.full_name, unit.doc_prefix, unit.issuer_name) == ("重庆市铜梁区应急管理局", "铜应急", "重庆市铜梁区应急管理局")
    event = AuditEvent.objects.filter(object_id=str(unit.pk)).latest("id")
    assert event.after["doc_prefix"] == "铜应急" and event.before["doc_prefix"] == ""
    assert core_services  # the form saves through the service (audited above)


def test_issue_pages(inspected, case, users, login):
    client = login(users["yingji"])
    page = client.get(reverse("inspection_detail", args=[inspected.pk])).content.decode()
    assert "出具现场处理措施决定书" in page and "制作询问笔录" in page
    response = client.post(reverse("inspection_issue", args=[inspected.pk, "measures"]), {"measures": ["stop_use"]})
    assert response.status_code == 302 and inspected.documents.filter(kind="site_measures").exists()
    assert client.post(reverse("inspection_issue", args=[inspected.pk, "nope"])).status_code == 404
    assert "出具立案审批表" in client.get(reverse("penalty_detail", args=[case.pk])).content.decode()
    assert client.post(reverse("penalty_issue", args=[case.pk, "filing"])).status_code == 302
    assert case.documents.filter(kind="filing").exists()
    assert "出具立案审批表" not in client.get(reverse("penalty_detail", args=[case.pk])).content.decode()
    other = login(users["hufeng"])  # another town: neither the page nor the action
    assert other.post(reverse("inspection_issue", args=[inspected.pk, "measures"]), {"measures": ["stop_use"]}).status_code == 404
    assert inspected.documents.filter(kind="site_measures").count() == 1


def _template(width_mm=210, left_mm=30) -> bytes:
    import io

    from docx import Document
    from docx.shared import Mm

    from anying.core.officialdoc import base_template

    doc = Document(io.BytesIO(base_template()))
    doc.sections[0].page_width, doc.sections[0].left_margin = Mm(width_mm), Mm(left_mm)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_a_unit_uploads_its_own_base_template(inspected, users, login, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document

    settings.MEDIA_ROOT = tmp_path
    unit = inspected.unit
    client = login(users["admin"])
    form = {"name": unit.name, "kind": unit.kind, "region": unit.region_id, "is_active": "on"}
    url = reverse("unit_edit", args=[unit.pk])
    assert client.get(reverse("unit_document_template")).status_code == 200  # the default, to start from
    for bad, message in ((_template(width_mm=216), "A4"), (b"not a zip", "无法读取")):
        response = client.post(url, {**form, "document_template": SimpleUploadedFile("模板.docx", bad)})
        assert response.status_code == 200 and message in response.content.decode()
    unit.refresh_from_db()
    assert not unit.document_template
    response = client.post(url, {**form, "document_template": SimpleUploadedFile("模板.docx", _template(left_mm=30))})
    assert response.status_code == 302
    site = inspected.documents.get(kind="site_record")
    site.unit.refresh_from_db()
    section = Document(io.BytesIO(documents.render(site))).sections[0]
    assert round(section.left_margin.mm) == 30  # the unit's own layout
    assert AuditEvent.objects.filter(object_id=str(unit.pk)).latest("id").after["document_template"] == "已上传"
    assert client.post(url, {**form, "remove_template": "on"}).status_code == 302
    site.unit.refresh_from_db()
    assert round(Document(io.BytesIO(documents.render(site))).sections[0].left_margin.mm) == 28  # GB/T 9704 again
