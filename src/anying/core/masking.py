"""Personal data as a public page or a staff list may show it (issue #18: the 张榜公示 shows names
partly masked and nothing else that identifies a person; staff lists never show a whole ID
number or bank account). One place, so every page masks the same way."""

from __future__ import annotations


def name(text: str) -> str:
    """张三 → 张*, 李小明 → 李*明, 欧阳小明 → 欧**明."""
    text = (text or "").strip()
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def id_number(text: str) -> str:
    """500224199001011234 → 5002**********1234 (the region and the check digits, never the birthday)."""
    text = (text or "").strip()
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def phone(text: str) -> str:
    """13812345678 → 138****5678."""
    text = (text or "").strip()
    if len(text) < 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def account(text: str) -> str:
    """6217000012341234 → 6217 **** **** 1234 (a bank card as printed: first and last four)."""
    digits = "".join((text or "").split())
    if len(digits) <= 8:
        return "*" * len(digits)
    return f"{digits[:4]} **** **** {digits[-4:]}"
