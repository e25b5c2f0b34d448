"""Money and rates as a clerk writes them (docs/UI.md): 50,000.00 元 with thousands separators,
a rate as 15% rather than 0.1500. One place for the screen (the template filters `money`,
`yuan`, `percent`, `pct` in core/templatetags), the messages and the audit summaries; Excel
cells keep the numbers and get a number format instead (core/exports.MONEY, PERCENT).

Every function takes a Decimal, an int, a float or the text a JSON snapshot keeps ("0.1500",
"50000.00") and answers — for a blank (a figure that does not apply)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

BLANK = "—"
FEN = Decimal("0.01")


def number(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        found = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None
    return found if found.is_finite() else None


def money(value) -> str:
    """50000 → 50,000.00 (for a column whose header says （元））."""
    found = number(value)
    return BLANK if found is None else f"{found.quantize(FEN, rounding=ROUND_HALF_UP):,.2f}"


def yuan(value) -> str:
    """50000 → 50,000.00 元."""
    text = money(value)
    return text if text == BLANK else f"{text} 元"


def percent(fraction, places: int = 2) -> str:
    """A fraction as a percentage, trailing zeros dropped: 0.1500 → 15%, 0.125 → 12.5%."""
    found = number(fraction)
    if found is None:
        return BLANK
    text = f"{(found * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def pct(points) -> str:
    """A figure already in percent, as the rollups keep rates: 85.5 → 85.50%."""
    found = number(points)
    return BLANK if found is None else f"{found.quantize(FEN, rounding=ROUND_HALF_UP)}%"
