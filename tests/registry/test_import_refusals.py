"""A refused import leaves a trace (issue #13): who, which file, how many rows and why, in the
audit log of the importer's territory — and nothing else of the file."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.urls import reverse

from anying.core.errors import ImportFileError
from anying.core.models import AuditEvent
from anying.registry import excel
from anying.registry.excel import import_enterprises
from anying.registry.models import Enterprise

from .xlsx import rows, workbook


def refusals():
    return list(AuditEvent.objects.filter(action="import", object_id=""))


def test_a_file_with_bad_rows_is_refused_with_who_what_and_why(users):
    data = rows(5)
    data[1]["所属镇街"] = "火星镇"
    data[3]["统一社会信用代码"] = "12345"
    import_enterprises(users["jiuxian"], workbook(data))
    [event] = refusals()
    assert event.actor == users["jiuxian"] and event.object_repr == "enterprises.xlsx"
    assert event.content_type.model == "enterprise" and event.region_path == users["jiuxian"].unit.region.path
    assert event.summary == "Excel 导入被拒绝（共 5 行，2 行有错误），未导入任何数据"
    assert event.after["文件"] == "enterprises.xlsx" and event.after["行数"] == 5 and event.after["有错误的行数"] == 2
    first, second = event.after["原因"].splitlines()  # one line each, as the importer showed them
    assert first == "第 3 行 [所属镇街] 镇街不存在或不在您的辖区内：火星镇"
    assert second.startswith("第 5 行 [统一社会信用代码]")
    assert not Enterprise.objects.exists()


def test_an_accepted_import_leaves_no_refusal(users):
    data = rows(3)
    data[0]["所属镇街"] = "火星镇"
    import_enterprises(users["admin"], workbook(data), valid_only=True)  # the good rows go in: not refused
    import_enterprises(users["admin"], workbook(rows(2, seed=2)))
    assert refusals() == []


def test_an_unreadable_file_is_recorded_too(users):
    bad = io.BytesIO(b"not an excel file")
    bad.name = "/home/clerk/台账.xlsx"
    with pytest.raises(ImportFileError):
        import_enterprises(users["admin"], bad)
    [event] = refusals()
    assert event.object_repr == "台账.xlsx" and event.after["行数"] is None  # the name, never the path
    assert event.summary.startswith("Excel 导入被拒绝（无法读取）") and "请上传 Excel .xlsx 文件" in event.after["原因"]


def test_a_concurrent_duplicate_is_recorded(users, monkeypatch):
    def clash(actor, report):
        raise IntegrityError("duplicate")

    monkeypatch.setattr(excel, "_apply", clash)
    with pytest.raises(ImportFileError, match="重新导入"):
        import_enterprises(users["admin"], workbook(rows(2)))
    [event] = refusals()
    assert event.after["行数"] == 2 and "重新导入" in event.after["原因"]


def test_a_file_of_errors_keeps_a_readable_entry(users, monkeypatch):
    monkeypatch.setattr(excel, "MAX_AUDITED_REASONS", 3)
    data = rows(5)
    for row in data:
        row["所属镇街"] = "火星镇"
    import_enterprises(users["admin"], workbook(data))
    reasons = refusals()[0].after["原因"].splitlines()
    assert len(reasons) == 4 and reasons[-1] == "……另有 2 条错误"


def test_refusals_from_the_page_and_the_command_line(users, login, tmp_path):
    data = rows(2)
    data[0]["监管行业"] = "不存在行业"
    upload = workbook(data)
    upload.name = "镇街上报.xlsx"
    login(users["admin"]).post(reverse("enterprise_import"), {"file": upload})
    path = tmp_path / "命令行.xlsx"
    path.write_bytes(workbook(data).getvalue())
    with pytest.raises(CommandError):
        call_command("import", "enterprises", str(path), "--as", "jiuxian")
    assert sorted((e.actor.username, e.object_repr) for e in refusals()) == [("admin", "镇街上报.xlsx"),
                                                                             ("jiuxian", "命令行.xlsx")]


def test_the_audit_log_shows_a_refusal_to_the_territorys_admin(users, login):
    data = rows(2)
    data[0]["所属镇街"] = data[1]["所属镇街"] = "火星镇"
    import_enterprises(users["jiuxian"], workbook(data))
    body = login(users["admin"]).get(reverse("audit_log"), {"q": "导入被拒绝"}).content.decode()
    assert "enterprises.xlsx" in body and "导入被拒绝" in body and "火星镇" in body
    assert "4 项内容" in body and "<del>" not in body  # nothing to strike out
    assert "火星镇<br>第 3 行" in body  # each reason on its line
