"""Each document kind as a Word template a clerk can reword (core.wording, issue #13 point 1):
a unit downloads the wording of a kind, changes it in Word, uploads it, and every document of that
kind it issues follows it — other units keep the default. An upload that would not render is
refused in Chinese and changes nothing; a template cannot reach Python internals."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from anying.core import wording
from anying.core.models import AuditEvent, DocumentWording
from anying.inspections import documents
from tests.inspections.test_casework import inspected  # noqa: F401 - fixture
from tests.inspections.test_records import docx_text

KEY = "inspections.rectification_order"
DEFAULT = "经查，你单位存在下列问题："
OURS = "经我局执法人员现场检查，发现你单位存在以下问题："


def _reworded(template: bytes, old: str, new: str) -> bytes:
    """What a clerk does in Word: change one paragraph's text."""
    doc = Document(io.BytesIO(template))
    hits = [p for p in doc.paragraphs if old in p.text]
    assert hits, old
    for p in hits:
        text = p.text.replace(old, new)
        for run in p.runs[1:]:
            run._r.getparent().remove(run._r)
        p.runs[0].text = text
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("key", sorted(wording.REGISTRY) or ["none"])
def test_every_default_wording_renders_its_sample_with_no_tag_left(key):
    kind = wording.get(key)
    out = Document(io.BytesIO(wording.render_template(kind, wording.default_template(kind), kind.sample(), strict=True)))
    text = "\n".join(p.text for p in out.paragraphs)
    assert "{" not in text and "⟦" not in text and kind.label.split("（")[0][:4] in text
    assert len(out.tables) == len(kind.tables)  # each generated table stands where its name stood


def test_the_registry_holds_every_enforcement_document_and_the_hazard_letters():
    kinds = {k.split(".", 1)[1] for k in wording.REGISTRY}
    assert set(documents.Kind.values) <= kinds
    assert {"supervision_notice", "overdue_letter", "overdue_circular"} <= kinds


def test_a_unit_rewords_a_kind_and_its_documents_follow(inspected, users, login, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    unit = inspected.unit
    order = inspected.documents.get(kind="rectification_order")
    assert DEFAULT in docx_text(documents.render(order))
    client = login(users["admin"])
    page = client.get(reverse("unit_wordings", args=[unit.pk]))
    assert page.status_code == 200 and "责令限期整改指令书" in page.content.decode()
    template = client.get(reverse("unit_wording_download", args=[unit.pk, KEY]))
    assert template.status_code == 200
    mine = _reworded(b"".join(template.streaming_content), DEFAULT, OURS)
    response = client.post(reverse("unit_wording_upload", args=[unit.pk, KEY]),
                           {"file": SimpleUploadedFile("指令书.docx", mine)}, follow=True)
    assert "已上传责令限期整改指令书的措辞模板" in response.content.decode()
    text = docx_text(documents.render(order))
    assert OURS in text and DEFAULT not in text
    assert "除尘器未设泄爆装置" in text and order.number in text  # the data still fills it in
    other = users["hufeng"].unit  # another unit keeps the default
    assert DEFAULT in docx_text(wording.render(KEY, wording.get(KEY).sample(), other))
    assert AuditEvent.objects.filter(object_id=str(unit.pk), summary__contains="上传文书措辞模板").exists()
    # back to the default
    client.post(reverse("unit_wording_reset", args=[unit.pk, KEY]))
    assert DEFAULT in docx_text(documents.render(order))
    assert not DocumentWording.objects.filter(unit=unit).exists()
    assert AuditEvent.objects.filter(object_id=str(unit.pk), summary__contains="恢复默认文书措辞").exists()


@pytest.mark.parametrize("change, message", [
    ("{{ enterprise ", "不成对"),  # an unclosed tag: Jinja would swallow the findings up to the next tag
    ("{% if x %}", "标记有误"),  # a block never closed
    ("{{ enterprize }}", "没有的字段"),  # a misspelt field
    ("{{ ''.__class__.__mro__ }}", "不允许"),  # Python internals, through the sandbox
    ("{{ enterprise.__init__.__globals__ }}", "不允许"),
    ("{{ 'x' * 1000000000 }}", "不允许"),  # the sandbox computes; a template may not exhaust memory
    ("{{ 9 ** 9 ** 9 }}", "不允许"),
])
def test_an_upload_that_would_not_render_is_refused_and_nothing_changes(change, message, inspected, users, login,  # noqa: F811
                                                                        settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    unit = inspected.unit
    client = login(users["admin"])
    kind = wording.get(KEY)
    bad = _reworded(wording.default_template(kind), DEFAULT, DEFAULT + change)
    response = client.post(reverse("unit_wording_upload", args=[unit.pk, KEY]),
                           {"file": SimpleUploadedFile("指令书.docx", bad)}, follow=True)
    assert message in response.content.decode() and "未保存" in response.content.decode()
    assert not DocumentWording.objects.filter(unit=unit).exists()


def test_not_a_word_file_is_refused(inspected, users, login, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    client = login(users["admin"])
    for name, content, message in (("a.docx", b"not a zip", "无法读取"), ("a.pdf", b"%PDF", ".docx")):
        response = client.post(reverse("unit_wording_upload", args=[inspected.unit.pk, KEY]),
                               {"file": SimpleUploadedFile(name, content)}, follow=True)
        assert message in response.content.decode()
    assert not DocumentWording.objects.exists()


def test_only_unit_managers_reword(inspected, users, login):  # noqa: F811
    for who in ("yingji", "qiye"):  # an inspector and an enterprise: no 单位管理
        client = login(users[who])
        assert client.get(reverse("unit_wordings", args=[inspected.unit.pk])).status_code in (403, 404)
        mine = {"file": SimpleUploadedFile("a.docx", wording.default_template(wording.get(KEY)))}
        assert client.post(reverse("unit_wording_upload", args=[inspected.unit.pk, KEY]), mine).status_code in (403, 404)
    assert not DocumentWording.objects.exists()
    assert login(users["admin"]).get(reverse("unit_wording_download", args=[inspected.unit.pk, "no.such"])).status_code == 404
