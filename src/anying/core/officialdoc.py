"""Official documents (公文/执法文书) as .docx in the usual layout: the 文号 above a large
centred title, the addressee, numbered body paragraphs, optional tables, and the issuing unit
and date at the right. People in these offices work in Word, so every document is a real
.docx they can open, print and file."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, filename: str):
    """A .docx as a download (Chinese file names included)."""
    from django.http import FileResponse

    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=DOCX)


@dataclass
class OfficialDocument:
    title: str
    number: str = ""
    addressee: str = ""
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[list[str], list[list[str]]]] = field(default_factory=list)  # (header, rows)
    signatures: list[str] = field(default_factory=list)  # lines above the sign-off (签名栏)
    unit: str = ""
    date: dt.date | None = None

    def render(self) -> bytes:
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        doc = Document()
        style = doc.styles["Normal"]
        style.font.name, style.font.size = "仿宋", Pt(14)
        title = doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = title.add_run(self.title)
        run.bold, run.font.size = True, Pt(22)
        if self.number:
            doc.add_paragraph(self.number).alignment = WD_ALIGN_PARAGRAPH.CENTER
        if self.addressee:
            doc.add_paragraph(f"{self.addressee}：")
        for text in self.paragraphs:
            doc.add_paragraph(f"　　{text}")
        for header, rows in self.tables:
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                cell.text = text
            for row in rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = str(text)
        for line in self.signatures:
            doc.add_paragraph(line)
        if self.unit or self.date:
            sign = doc.add_paragraph("\n".join(filter(None, [self.unit, f"{self.date:%Y年%m月%d日}" if self.date else ""])))
            sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()
