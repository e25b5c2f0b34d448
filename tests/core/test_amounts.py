"""Money and rates as a clerk writes them: on screen (template filters), in messages, in Excel."""

from decimal import Decimal
from io import BytesIO

from django.template import Context, Template
from openpyxl import load_workbook

from anying.core import amounts, exports


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_money_has_thousands_separators_and_two_decimals():
    assert amounts.yuan(Decimal("50000")) == "50,000.00 元"
    assert amounts.yuan("1234567.5") == "1,234,567.50 元"  # a JSON snapshot keeps text
    assert amounts.money(Decimal("999.995")) == "1,000.00"
    assert amounts.money(0) == "0.00" and amounts.money(Decimal("-3000")) == "-3,000.00"
    assert amounts.yuan(None) == "—" and amounts.money("") == "—" and amounts.money("abc") == "—"


def test_rates_are_percentages():
    assert amounts.percent(Decimal("0.1500")) == "15%"  # the reward rate, not 0.1500
    assert amounts.percent("0.125") == "12.5%" and amounts.percent(1) == "100%" and amounts.percent(0) == "0%"
    assert amounts.percent(Decimal("0.33333")) == "33.33%"
    assert amounts.pct(Decimal("85.5")) == "85.50%" and amounts.pct(None) == "—"


def test_template_filters():
    assert render("{{ v|yuan }}", v=Decimal("50000.00")) == "50,000.00 元"
    assert render("{{ v|money }}", v=Decimal("50000.00")) == "50,000.00"
    assert render("{{ v|percent }}", v="0.1500") == "15%"
    assert render("{{ v|pct }}", v=None) == "—"


def test_excel_keeps_numbers_with_a_money_or_percent_format():
    book = exports.Book()
    sheet = book.sheet("s", ["单位", "罚款（元）", "达标率（%）", "件数"], title="测试")
    sheet.append(["旧县街道", Decimal("50000.00"), Decimal("85.50"), 3])
    sheet.append(["虎峰镇", "—", "—", 0])  # text in a money column stays text
    ws = load_workbook(BytesIO(book.content())).active
    money, rate, count = ws["B3"], ws["C3"], ws["D3"]
    assert money.value == 50000 and money.number_format == exports.MONEY
    assert rate.value == 85.5 and rate.number_format == exports.PERCENT_POINTS
    assert count.number_format == "General"
    assert ws["B4"].value == "—"
