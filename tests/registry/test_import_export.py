"""Excel import and export (journey J1 step 2)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from anying.core.errors import ImportFileError
from anying.core.models import AuditEvent
from anying.registry.excel import import_enterprises
from anying.registry.models import Enterprise

from .xlsx import HEADERS, rows, workbook


def test_template_has_every_column_and_instructions(users, login):
    response = login(users["admin"]).get(reverse("enterprise_template"))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value.rstrip("*") for c in wb.active[1]] == HEADERS
    assert wb.active["A1"].value == "统一社会信用代码*"
    notes = [r[0] for r in wb["填写说明"].iter_rows(values_only=True)]
    assert "镇街可选值" in notes


def test_bad_rows_are_all_reported_and_nothing_is_imported(users):
    data = rows(40)
    data[4]["统一社会信用代码"] = data[4]["统一社会信用代码"][:-1] + ("0" if data[4]["统一社会信用代码"][-1] != "0" else "1")
    data[9]["统一社会信用代码"] = "12345"
    data[20]["所属镇街"] = "不存在镇"
    report = import_enterprises(users["admin"], workbook(data))
    assert not report.applied
    assert [(r.row, r.errors[0][0]) for r in report.bad_rows] == [(6, "统一社会信用代码"), (11, "统一社会信用代码"),
                                                                  (22, "所属镇街")]
    assert "校验位错误" in report.bad_rows[0].errors[0][1]
    assert "镇街不存在或不在您的辖区内：不存在镇" in report.bad_rows[2].errors[0][1]
    assert Enterprise.objects.count() == 0
    # only the refusal's own trace (test_import_refusals.py), no event of any enterprise
    assert list(AuditEvent.objects.filter(action="import").values_list("object_id", flat=True)) == [""]


def test_fixed_file_imports_then_updates_not_duplicates(users):
    data = rows(40)
    report = import_enterprises(users["admin"], workbook(data))
    assert (report.created, report.updated, report.applied) == (40, 0, True)
    assert Enterprise.objects.count() == 40
    ent = Enterprise.objects.get(name="导入测试企业000")
    assert sorted(t.name for t in ent.tags.all()) == ["有限空间作业", "粉尘涉爆"]
    assert ent.organisation.name == ent.name and ent.organisation.region_id == ent.region_id
    assert AuditEvent.objects.filter(action="import", object_id=str(ent.pk)).count() == 1

    again = import_enterprises(users["admin"], workbook(data))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 40)

    for row in data:
        row["从业人数"] += 1
    changed = import_enterprises(users["admin"], workbook(data))
    assert (changed.created, changed.updated) == (0, 40)
    assert "更新 40 家" in changed.summary() and "新增 0 家" in changed.summary()
    assert Enterprise.objects.count() == 40
    event = AuditEvent.objects.filter(action="import", object_id=str(ent.pk)).first()
    assert event.before["employees"] == 10 and event.after["employees"] == 11


def test_valid_only_imports_the_good_rows(users):
    data = rows(5)
    data[2]["监管行业"] = "不存在行业"
    report = import_enterprises(users["admin"], workbook(data), valid_only=True)
    assert report.applied and report.created == 4 and len(report.bad_rows) == 1
    assert "跳过有错误的 1 行" in report.summary()


def test_duplicate_codes_inside_a_file(users):
    data = rows(3)
    data[2]["统一社会信用代码"] = data[0]["统一社会信用代码"]
    report = import_enterprises(users["admin"], workbook(data))
    assert report.bad_rows[0].errors == [("统一社会信用代码", "与第 2 行重复")]


def test_import_respects_scope(users, make_enterprise):
    other = make_enterprise("虎峰企业", "虎峰镇", "机械")
    data = rows(2, town="虎峰镇")
    report = import_enterprises(users["jiuxian"], workbook(data))
    assert all("不在您的辖区内" in r.errors[0][1] for r in report.bad_rows) and len(report.bad_rows) == 2
    data = rows(1)
    data[0]["统一社会信用代码"] = other.credit_code
    report = import_enterprises(users["jiuxian"], workbook(data))
    assert "不在您的监管范围内" in report.bad_rows[0].errors[0][1]
    assert Enterprise.objects.get(pk=other.pk).name == "虎峰企业"


@pytest.mark.parametrize("content, message", [
    (b"not an excel file", "请上传 Excel .xlsx 文件"),
    (b"PK\x03\x04garbage", "请上传 Excel .xlsx 文件"),
])
def test_not_xlsx(users, content, message):
    with pytest.raises(ImportFileError, match=message):
        import_enterprises(users["admin"], io.BytesIO(content))


def test_wrong_columns(users):
    with pytest.raises(ImportFileError, match="缺少必填列：统一社会信用代码"):
        import_enterprises(users["admin"], workbook([{"企业名称": "x"}], headers=["企业名称", "所属镇街", "监管行业"]))
    with pytest.raises(ImportFileError, match="无法识别的列：奇怪的列"):
        import_enterprises(users["admin"], workbook([], headers=HEADERS + ["奇怪的列"]))
    with pytest.raises(ImportFileError, match="没有数据行"):
        import_enterprises(users["admin"], workbook([]))


def test_bad_values_are_explained(users):
    data = rows(4)
    data[0]["从业人数"] = "很多"
    data[1]["证书日期"] = "去年"
    data[2]["规模"] = "特大"
    data[3]["标准化状态"] = "达标"  # no grade
    report = import_enterprises(users["admin"], workbook(data))
    reasons = [r.errors[0] for r in report.bad_rows]
    assert reasons[0] == ("从业人数", "应为整数：很多")
    assert reasons[1][0] == "证书日期" and "2022-01-31" in reasons[1][1]
    assert reasons[2][0] == "规模" and "规上" in reasons[2][1]
    assert reasons[3] == ("标准化等级", "达标或过期的企业须填写标准化等级")


def test_import_page_reports_rows_and_changes_nothing(users, login):
    client = login(users["admin"])
    data = rows(3)
    data[1]["所属镇街"] = "火星镇"
    response = client.post(reverse("enterprise_import"), {"file": workbook(data)})
    body = response.content.decode()
    assert "未导入" in body and "第 3 行" in body and "镇街不存在或不在您的辖区内：火星镇" in body
    assert Enterprise.objects.count() == 0
    bad = io.BytesIO(b"hello")
    bad.name = "x.xlsx"
    body = client.post(reverse("enterprise_import"), {"file": bad}).content.decode()
    assert "文件无法导入" in body
    response = client.post(reverse("enterprise_import"), {"file": workbook(data), "valid_only": "on"}, follow=True)
    assert "新增 2 家" in response.content.decode()


def test_cli_import_and_export(users, tmp_path, capsys):
    data = rows(3)
    path = tmp_path / "in.xlsx"
    path.write_bytes(workbook(data).getvalue())
    call_command("import", "enterprises", str(path))
    assert "新增 3 家" in capsys.readouterr().out
    data[0]["统一社会信用代码"] = "BAD"
    path.write_bytes(workbook(data).getvalue())
    with pytest.raises(CommandError, match="未导入"):
        call_command("import", "enterprises", str(path))
    assert "第 2 行 [统一社会信用代码]" in capsys.readouterr().err
    out = tmp_path / "out.xlsx"
    call_command("export", "enterprises", str(out), "--as", "jiuxian")
    exported = list(load_workbook(out).active.iter_rows(values_only=True))
    assert len(exported) == 5 and exported[1][0] == "统一社会信用代码"
    assert AuditEvent.objects.filter(action="export", actor=users["jiuxian"]).exists()


def test_export_is_filtered_and_round_trips(users, login, make_enterprise):
    make_enterprise("甲厂", "旧县街道", "机械", tags=["dust"], std_status="certified", std_grade="2",
                    std_certificate_date="2024-05-01")
    make_enterprise("乙厂", "虎峰镇", "轻工")
    client = login(users["admin"])
    response = client.get(reverse("enterprise_export") + "?tag=dust")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    table = list(wb.active.iter_rows(values_only=True))
    assert len(table) == 3 and table[0][0].startswith("生产经营单位　筛选条件：风险标签：dust")
    row = dict(zip(table[1], table[2], strict=True))
    assert row["企业名称"] == "甲厂" and row["风险标签"] == "粉尘涉爆" and row["标准化等级"] == "二级"
    assert str(row["证书有效期至"])[:10] == "2027-04-30"  # three years, through the day before
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    report = import_enterprises(users["admin"], buffer)
    assert report.applied and report.unchanged == 1, report.error_lines()
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_cli_import_as_the_system_updates_existing(users, tmp_path, capsys):
    data = rows(2)
    path = tmp_path / "in.xlsx"
    path.write_bytes(workbook(data).getvalue())
    call_command("import", "enterprises", str(path))
    data[0]["企业名称"] = "改名后的企业"
    data[0]["所属镇街"] = "虎峰镇"
    path.write_bytes(workbook(data).getvalue())
    call_command("import", "enterprises", str(path))
    assert "更新 1 家" in capsys.readouterr().out
    ent = Enterprise.objects.get(credit_code=data[0]["统一社会信用代码"])
    assert (ent.organisation.name, ent.organisation.region.name) == ("改名后的企业", "虎峰镇")


def test_update_import_runs_a_bounded_number_of_queries(users, django_assert_max_num_queries):
    data = rows(60)
    import_enterprises(users["admin"], workbook(data))
    for row in data:
        row["企业名称"] += "（更名）"
    with django_assert_max_num_queries(40):  # not one query per row
        report = import_enterprises(users["admin"], workbook(data))
    assert report.updated == 60


def test_an_import_that_moves_an_enterprise_moves_its_risk_points(users):
    from anying.registry import risks
    from anying.registry.models import RiskPoint
    from anying.standards.models import AccidentType

    data = rows(2)
    import_enterprises(users["admin"], workbook(data))
    ent = Enterprise.objects.get(name=data[0]["企业名称"])
    area = risks.save_area(None, ent, {"name": "车间"})
    risks.save_point(None, ent, {"area": area, "activity": "冲压", "hazard": "挤压", "method": "ls", "responsible": "张三",
                                 "accident_type": AccidentType.objects.get(code="WSA10004"),
                                 "control_engineering": "光幕", "inherent_l": 2, "inherent_c": 3,
                                 "residual_l": 1, "residual_c": 3})
    destination = "虎峰镇" if data[0]["所属镇街"] != "虎峰镇" else "旧县街道"
    data[0]["所属镇街"] = destination
    import_enterprises(users["admin"], workbook(data))
    assert RiskPoint.objects.get(enterprise=ent).region.name == destination


def test_a_renewal_by_import_recomputes_the_expiry(users):
    import datetime as dt

    data = rows(1)
    data[0].update({"标准化状态": "达标", "标准化等级": "三级", "证书日期": "2024-03-01"})
    assert import_enterprises(users["admin"], workbook(data)).applied
    ent = Enterprise.objects.get(name="导入测试企业000")
    assert ent.std_expiry_date == dt.date(2027, 2, 28)
    # the clerk exports, changes only the certificate date and imports the sheet again
    data[0].update({"证书日期": "2025-06-01", "证书有效期至": "2027-02-28"})
    report = import_enterprises(users["admin"], workbook(data))
    assert report.applied and report.updated == 1, report.error_lines()
    ent.refresh_from_db()
    assert ent.std_expiry_date == dt.date(2028, 5, 31)
