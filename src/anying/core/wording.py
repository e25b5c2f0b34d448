"""The wording of each document kind as a Word template a clerk can reword (docxtpl).

A module registers each document it issues — 责令限期整改指令书, 督办通知书, the 函 of the overdue
ladder … — as a `Wording`: a key, a label, the context its text is written from, and a default
text in `<app>/data/wording/<name>.txt`, one paragraph per line:

    [Title] 责令限期整改指令书          a paragraph in a style of the base file (Title, DocNumber,
    经查，你单位存在下列问题：           Addressee, Plain, SignOff, Heading 1; none: the body style)
    {%p for f in findings %}            docxtpl's paragraph tags: loops and conditions
    {{ f.no }}. {{ f.text }}
    {%p endfor %}
    {{ results_table }}                 a generated table (fitted columns) where its name stands alone
    # a comment                         lines starting with # are notes for the maintainer

The default .docx is built from that text on the issuing unit's base file (core.officialdoc), so
the layout a unit uploaded applies to it. A unit may download it, reword it in Word and upload it
as its own for that kind (`DocumentWording`); every document of the kind it issues is then
rendered from it. An upload is rendered against the kind's sample context in a sandbox with
undefined names refused, so a misspelt field or a broken tag is a Chinese error at upload time,
not a blank in a document served to an enterprise; the sandbox keeps a template from reaching
Python internals (`{{ ''.__class__ }}`).

Tables stay generated (their widths are fitted to the content): a table's name renders as a
marker paragraph that is then replaced by the table.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .exports import clean_docx_text as _t
from .officialdoc import GONGWEN, _footer, _open, _table, unit_template

MAX_UNPACKED = 20 * 1024 * 1024  # a .docx whose parts unpack to more is refused (a zip bomb)
STYLES = {"Title", "DocNumber", "Addressee", "Plain", "SignOff", "Heading 1", "Normal"}
MAX_BYTES = 2 * 1024 * 1024
_LINE = re.compile(r"^\[(?P<style>[^\]]+)\]\s?(?P<text>.*)$")
_MARK = "⟦表格:{}⟧"


@dataclass(frozen=True)
class Wording:
    key: str  # "inspections.rectification_order"
    label: str  # 责令限期整改指令书
    text: Path  # the default wording (see the module's docstring)
    sample: Callable[[], dict]  # a context every template of the kind must render with
    pages: str = GONGWEN
    tables: tuple[str, ...] = ()  # context names that are (header, rows) tables
    fields: dict[str, str] = field(default_factory=dict)  # name → meaning, listed for the clerk
    group: str = ""  # the heading it is listed under (执法文书, 隐患治理文书)


REGISTRY: dict[str, Wording] = {}


def register(*wordings: Wording) -> None:
    for w in wordings:
        REGISTRY[w.key] = w


def get(key: str) -> Wording:
    return REGISTRY[key]


def default_lines(wording: Wording) -> list[tuple[str, str]]:
    """(style, text) per paragraph of the default wording."""
    lines = []
    for raw in wording.text.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        m = _LINE.match(raw)
        style, text = (m["style"], m["text"]) if m and m["style"] in STYLES else ("Normal", raw)
        if text.startswith("{%p"):
            style = "Plain"  # removed by docxtpl; no first-line indent while a clerk reads it in Word
        lines.append((style, text))
    return lines


def default_template(wording: Wording, base: bytes | None = None) -> bytes:
    """The kind's default wording as a .docx on `base` (a unit's base file, or the default)."""
    doc = _open(base)
    for style, text in default_lines(wording):
        doc.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def template_for(wording: Wording, unit) -> bytes:
    """The template `unit` issues this kind from: its own upload, or the default on its base file."""
    from .models import DocumentWording

    own = DocumentWording.objects.filter(unit=unit, key=wording.key).first() if unit is not None else None
    if own is not None:
        with own.file.open("rb") as fh:
            return fh.read()
    return default_template(wording, unit_template(unit))


def _environment(strict: bool):
    from jinja2 import ChainableUndefined, StrictUndefined

    return _Sandbox(undefined=StrictUndefined if strict else ChainableUndefined, autoescape=True)


def _sandbox_class():
    """Jinja's sandbox keeps a template from Python internals but still computes `'x' * 10**9`
    or `9**9**9`: here * and ** refuse results that would be huge (a template is text, not a
    calculator)."""
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    class Sandbox(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context, operator, left, right):
            if operator == "**":
                raise SecurityError("不允许乘方运算")
            for a, b in ((left, right), (right, left)):
                if isinstance(a, (str, list, tuple)) and isinstance(b, int) and len(a) * b > 10_000:
                    raise SecurityError("重复的文字过长")
            if isinstance(left, (int, float)) and isinstance(right, (int, float)) and abs(left * right) > 1e15:
                raise SecurityError("数值过大")
            return super().call_binop(context, operator, left, right)

    return Sandbox


_Sandbox = _sandbox_class()


def _clean(value):
    """Context values as document text: control characters dropped, line breaks kept as breaks."""
    from docxtpl import Listing

    if isinstance(value, str):
        text = _t(value)
        return Listing(text) if "\n" in text else text
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def render_template(wording: Wording, template: bytes, context: dict, *, strict: bool = False) -> bytes:
    """`template` filled in with `context`; tables put in where their names stand."""
    from docxtpl import DocxTemplate

    tables = {name: context[name] for name in wording.tables if name in context}
    values = _clean({k: v for k, v in context.items() if k not in tables})
    values.update({name: _MARK.format(name) for name in tables})
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render(values, jinja_env=_environment(strict), autoescape=True)
    doc = tpl.docx
    for paragraph in list(doc.paragraphs):
        for name, (header, rows) in tables.items():
            if paragraph.text.strip() == _MARK.format(name):
                _table(doc, header, rows)
                paragraph._p.addnext(doc.element.body[-2])  # the table just added, before sectPr
                paragraph._p.getparent().remove(paragraph._p)
    _footer(doc, wording.pages)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render(key: str, context: dict, unit) -> bytes:
    """A document of kind `key` as issued by `unit`."""
    wording = get(key)
    return render_template(wording, template_for(wording, unit), context)


_TAG = re.compile(r"\{\{|\}\}|\{%|%\}")


def unbalanced(template: bytes) -> str:
    """The first paragraph (its opening words) whose tags do not open and close within it, or "".
    Jinja would let an unclosed {{ run on into the next tag and silently swallow the text between —
    a document missing its findings, with no error to show for it."""
    from docx import Document

    doc = Document(io.BytesIO(template))
    cells = [p for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    for paragraph in [*doc.paragraphs, *cells]:
        opened = None
        for tag in _TAG.findall(paragraph.text):
            if tag in ("{{", "{%"):
                if opened:
                    return paragraph.text[:20]
                opened = tag
            elif opened is None or {"{{": "}}", "{%": "%}"}[opened] != tag:
                return paragraph.text[:20]
            else:
                opened = None
        if opened:
            return paragraph.text[:20]
    return ""


def check_upload(wording: Wording, upload) -> bytes:
    """A unit's reworded template, refused with a Chinese message unless it is a Word file that
    renders the kind's sample without an error or an unknown name; returns its bytes."""
    from django.core.exceptions import ValidationError
    from jinja2 import TemplateError
    from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

    if upload.size > MAX_BYTES:
        raise ValidationError("措辞模板不能超过 2 MB")
    if not upload.name.lower().endswith(".docx"):
        raise ValidationError("措辞模板须为 Word 文档（.docx）")
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    try:
        import zipfile

        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                raise ValidationError("措辞模板解压后过大，请上传普通的 Word 文档")
        _unbalanced = unbalanced(content)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 — a file python-docx cannot open is one answer to the clerk
        raise ValidationError("无法读取该文件，请上传用 Word 保存的 .docx 文件") from None
    if _unbalanced:
        raise ValidationError(f"模板标记有误：段落“{_unbalanced}”中的 {{{{ }}}} 或 {{% %}} 不成对")
    try:
        render_template(wording, content, wording.sample(), strict=True)
    except TemplateSyntaxError as exc:
        raise ValidationError(f"模板第 {exc.lineno} 处标记有误：{exc.message}。请检查 {{{{ }}}} 与 {{% %}} 是否成对") from None
    except UndefinedError as exc:
        raise ValidationError(f"模板用到了本文书没有的字段（{exc.message}），可用字段见页面说明") from None
    except SecurityError:
        raise ValidationError("模板含有不允许的表达式") from None
    except TemplateError as exc:
        raise ValidationError(f"模板无法生成文书：{exc}") from None
    except Exception:  # noqa: BLE001 — a file python-docx cannot open is one answer to the clerk
        raise ValidationError("无法读取该文件，请上传用 Word 保存的 .docx 文件") from None
    return content
