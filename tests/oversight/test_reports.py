"""Periodic reports: generated .docx opened and checked, scope, archive, download, schedule."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from docx import Document

from anying.core.errors import PermissionDenied
from anying.core.models import Organisation
from anying.oversight import reports
from anying.oversight.models import RankingScheme, Report

from .test_dashboard import make_hazard, make_tip

TODAY = timezone.localdate()
LAST_MONTH = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def district_data(users, town, make_enterprise, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    jx = make_enterprise("旧县机械厂", "旧县街道", "机械")
    hf = make_enterprise("虎峰机械厂", "虎峰镇", "机械")
    make_hazard(jx, level="major", to=("start",), actor=users["admin"], deadline=TODAY - dt.timedelta(days=4))
    make_hazard(jx, found=0)
    for _ in range(3):
        make_hazard(hf)
    make_tip(town("虎峰镇"))
    return {"jx": jx, "hf": hf}


def text_of(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def table_with(document, first_header: str):
    return next(t for t in document.tables if t.rows[0].cells[0].text == first_header)


@pytest.mark.parametrize("kind, sections", [
    ("weekly", ["隐患排查治理", "逾期重大事故隐患", "群众举报", "重点任务"]),
    ("monthly", ["隐患排查治理", "执法检查", "群众举报", "生产安全事故", "安全生产标准化"]),
    ("quarterly", ["隐患排查治理", "执法检查", "重点任务", "镇街安全生产月度晾晒", "行业部门季度通报排名"]),
    ("annual", ["隐患排查治理", "生产安全事故", "镇街年度安全生产考核", "行业部门年度安全生产考核"]),
])
def test_each_kind_is_a_real_docx_with_tables_and_charts(district_data, users, kind, sections):
    report = reports.generate(users["admin"], kind, TODAY)
    document = Document(report.file.path)
    text = text_of(document)
    assert document.paragraphs[0].text.endswith(reports.TITLES[kind])
    for heading in sections:
        assert heading in text, heading
    assert len(document.inline_shapes) >= 1  # the trend chart at least
    hazards = table_with(document, "区划")
    total = hazards.rows[-1].cells
    assert total[0].text == "合计" and total[4].text == "5"  # five open hazards in the district
    assert report.size == len(open(report.file.path, "rb").read())
    assert report.parameters["period_start"] == report.period_start.isoformat()


def test_the_month_figures_are_the_months(district_data, users):
    content = reports.generate(users["admin"], "monthly", TODAY, record=False)
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table_with(Document(io.BytesIO(content)), "区划").rows}
    assert rows["旧县街道"][1:7] == ["2", "1", "0", "2", "1", "1"]  # found, major, closed, open, major, overdue
    assert rows["虎峰镇"][1:5] == ["3", "0", "0", "3"]


def test_a_towns_report_never_counts_another_town(district_data, users):
    report = reports.generate(users["jiuxian"], "monthly", TODAY)
    document = Document(report.file.path)
    hazards = table_with(document, "区划")
    assert [r.cells[0].text for r in hazards.rows] == ["区划", "旧县街道", "合计"]
    assert hazards.rows[-1].cells[4].text == "2"
    assert "虎峰" not in text_of(document)
    assert "期内受理举报 0 件" in text_of(document)  # the 虎峰镇 tip is not counted
    assert report.unit.name == "旧县街道应急办"


def test_reports_are_scoped_for_reading_and_downloading(district_data, users, login):
    district = reports.generate(users["admin"], "weekly", TODAY)
    town = reports.generate(users["jiuxian"], "weekly", TODAY)
    assert set(Report.objects.visible_to(users["jiuxian"])) == {town}
    assert set(Report.objects.visible_to(users["admin"])) == {district, town}
    assert login(users["hufeng"]).get(f"/oversight/reports/{town.pk}.docx").status_code == 404
    response = login(users["jiuxian"]).get(f"/oversight/reports/{town.pk}.docx")
    assert response.status_code == 200
    Document(io.BytesIO(b"".join(response.streaming_content)))


def test_generating_needs_the_right_and_a_started_period(district_data, users, enterprise_user):
    with pytest.raises(PermissionDenied):
        reports.generate(users["duty"], "monthly", TODAY)
    with pytest.raises(ValidationError):
        reports.generate(users["admin"], "monthly", TODAY + dt.timedelta(days=40))
    with pytest.raises(ValidationError):
        reports.generate(users["admin"], "hourly", TODAY)
    assert not Report.objects.exists()


def test_the_tick_archives_each_kind_once_for_the_district(district_data):
    assert reports.run() == 4
    assert reports.run() == 0
    office = Organisation.objects.get(name="区安委办")
    monthly = Report.objects.get(kind="monthly")
    assert (monthly.unit, monthly.scheduled, monthly.generated_by, monthly.period_start) == (office, True, None,
                                                                                           LAST_MONTH)


def test_the_report_page_generates_and_lists(district_data, users, login):
    client = login(users["admin"])
    response = client.post("/oversight/reports/", {"kind": "monthly", "day": TODAY.isoformat()})
    assert response.status_code == 302
    page = client.get("/oversight/reports/").content.decode()
    assert "月分析" in page and "下载" in page


def test_a_department_reads_only_its_own_reports_and_they_hold_only_its_industries(district_data, users, login):
    district = reports.generate(users["admin"], "quarterly", TODAY)
    department = reports.generate(users["jingxin"], "quarterly", TODAY)  # 区经信委: 机械, 轻工
    assert set(Report.objects.visible_to(users["jingxin"])) == {department}
    assert login(users["jingxin"]).get(f"/oversight/reports/{district.pk}.docx").status_code == 404
    assert department in Report.objects.visible_to(users["admin"])  # the district contains the department
    text = text_of(Document(department.file.path))
    assert "晾晒" not in text and "排名" not in text  # rankings measure whole territories
    assert "镇街安全生产月度晾晒" in text_of(Document(district.file.path))


def test_a_town_with_villages_keeps_one_row_in_its_report(district_data, users, town):
    from anying.core.models import Region

    Region.objects.create(name="巴岳村", parent=town("旧县街道"), level=Region.Level.VILLAGE)
    content = reports.generate(users["jiuxian"], "monthly", TODAY, record=False)
    table = table_with(Document(io.BytesIO(content)), "区划")
    assert [r.cells[0].text for r in table.rows] == ["区划", "旧县街道", "合计"]
    assert table.rows[1].cells[4].text == "2"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-15", "1900-01-01"])
def test_absurd_periods_are_refused_with_a_message(district_data, users, login, day):
    from anying.oversight.models import Ranking

    client = login(users["admin"])
    page = client.post("/oversight/reports/", {"kind": "weekly", "day": day})
    assert page.status_code == 200 and "日期不能" in page.content.decode()
    scheme = RankingScheme.objects.get(code="dept_quarterly")
    page = client.post("/oversight/rankings/", {"scheme": scheme.pk, "day": day})
    assert page.status_code == 200 and "日期不能" in page.content.decode()
    with pytest.raises(ValidationError):
        reports.generate(users["admin"], "weekly", dt.date.fromisoformat(day))
    assert not Report.objects.exists() and not Ranking.objects.exists()
