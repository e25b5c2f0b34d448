"""The official layout of every .docx (core/officialdoc.py), checked in the file itself — no
LibreOffice needed (test_document_pdf.py checks the printed result)."""

import datetime as dt
import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Emu, Mm

from anying.core import officialdoc
from anying.core.officialdoc import COUNTED, OfficialDocument, fit_columns, text_width


def _open(content: bytes):
    return Document(io.BytesIO(content))


def _east_asia(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_a4_with_the_gbt9704_margins_and_chinese_fonts():
    doc = _open(OfficialDocument(title="关于督促整改的函", paragraphs=["正文"], unit="单位", date=dt.date(2026, 1, 5)).render())
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # not US Letter
    assert [round(x.mm) for x in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] \
        == [37, 35, 28, 26]
    area = (Emu(section.page_width - section.left_margin - section.right_margin),
            Emu(section.page_height - section.top_margin - section.bottom_margin))
    assert (round(area[0].mm), round(area[1].mm)) == (156, 225)  # the type area (版心)
    # Chinese text takes the eastAsia font: python-docx's font.name alone left it on the default
    assert _east_asia(doc.styles["Normal"]) == "仿宋_GB2312"
    assert _east_asia(doc.styles["Title"]) == "方正小标宋简体"
    assert doc.styles["Normal"].font.size.pt == 16 and doc.styles["Title"].font.size.pt == 22  # 3号, 2号
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[-1].text == "2026年1月5日"  # 月、日不编虚位


def test_font_table_names_an_alternate_for_each_chinese_font():
    doc = _open(OfficialDocument(title="标题").render())
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    xml = part.blob.decode()
    assert 'w:name="仿宋_GB2312"' in xml and 'w:altName w:val="仿宋"' in xml


def _footer_xml(doc, even=False) -> str:
    section = doc.sections[0]
    return (section.even_page_footer if even else section.footer)._element.xml


def test_forms_print_page_fields_not_a_fixed_page_one():
    doc = _open(OfficialDocument(title="现场检查记录", paragraphs=["检查情况"] * 80, pages=COUNTED).render())
    footer = _footer_xml(doc)
    assert "NUMPAGES" in footer and " PAGE " in footer and "共 " in footer
    assert not any("共 1 页" in p.text for p in doc.paragraphs)


def test_gongwen_page_numbers_right_on_odd_and_left_on_even_pages():
    doc = _open(OfficialDocument(title="通报").render())
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = _footer_xml(doc), _footer_xml(doc, even=True)
    assert " PAGE " in odd and "— " in odd and " PAGE " in even
    assert 'w:jc w:val="right"' in odd and 'w:jc w:val="left"' in even


def test_the_legal_basis_is_printed():
    doc = _open(OfficialDocument(title="责令限期整改指令书", basis="《中华人民共和国安全生产法》第六十五条").render())
    assert any(p.text == "法律依据：《中华人民共和国安全生产法》第六十五条" for p in doc.paragraphs)


ITEM = "生产经营单位是否建立健全全员安全生产责任制，明确各岗位的责任人员、责任范围和考核标准"


def test_columns_fit_their_content():
    header = ["序号", "检查内容", "结果", "情况说明"]
    rows = [[str(n), ITEM, "不符合" if n % 3 else "符合", "安全出口被货架堵塞，应急照明不亮"] for n in range(1, 67)]
    widths = fit_columns(header, rows, 31.6)
    assert round(sum(widths), 6) == 31.6
    number, item, result, note = widths
    assert number >= text_width("66") + 1 and result >= text_width("不符合") + 1  # never broken
    assert number < 5 and result < 6  # and not wider than they need
    assert item > note > result and item > 12  # the item text is not wrapped every four characters
    # everything fits on a line: each column its text, the spare shared out
    assert fit_columns(["序号", "名称"], [["1", "甲公司"]], 20) == [3.5 + 6, 4.5 + 6]


def test_table_columns_in_the_file_are_not_equal():
    header = ["序号", "检查内容", "结果", "情况说明"]
    doc = _open(OfficialDocument(title="现场检查记录", tables=[(header, [["1", ITEM * 2, "符合", "无"]])]).render())
    grid = [int(c.get(qn("w:w"))) for c in doc.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert grid[1] > 3 * grid[0] and grid[2] < grid[1] / 3
    assert abs(sum(grid) - Mm(156).twips) < 600  # the table spans the type area
    assert doc.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header repeats on each page


def test_the_committed_template_is_what_the_layout_data_builds():
    """data/official.docx is rebuilt with `python -m anying.core.officialdoc` after a layout change."""
    committed, built = Document(str(officialdoc.TEMPLATE)), _open(officialdoc.base_template())
    for attr in ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin"):
        assert getattr(committed.sections[0], attr) == getattr(built.sections[0], attr), attr
    for style in ("Normal", "Title", "SignOff", "TableText", "PageNumber"):
        assert committed.styles[style].element.xml == built.styles[style].element.xml, style


def test_a_units_own_base_template_is_used():
    own = Document(io.BytesIO(officialdoc.base_template()))
    own.sections[0].left_margin = Mm(30)
    buffer = io.BytesIO()
    own.save(buffer)
    doc = _open(OfficialDocument(title="标题", template=buffer.getvalue()).render())
    assert round(doc.sections[0].left_margin.mm) == 30 and doc.paragraphs[0].text == "标题"
