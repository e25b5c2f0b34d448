"""统一社会信用代码 (GB 32100-2015) check character, and GB 11714 for its organisation code part.

Position 1: registration authority; 2: organisation type; 3–8: region code; 9–17: organisation
code (GB 11714, with its own check digit); 18: check character over the first 17.
"""

from __future__ import annotations

import random

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def check_char(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def problem(code: str) -> str | None:
    """None if `code` is a valid credit code, otherwise the reason in Chinese."""
    if not code:
        return "统一社会信用代码不能为空"
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        return f"统一社会信用代码含非法字符：{''.join(bad)}"
    if check_char(code[:17]) != code[17]:
        # No "should be X": a typo elsewhere would then be "fixed" into a wrong but valid code.
        return "统一社会信用代码校验位错误，请核对营业执照"
    return None


def normalise(code: str) -> str:
    return (code or "").strip().upper().replace(" ", "")


def synthetic(rng: random.Random, region_code: str = "500151") -> str:
    """A well-formed code for demo and benchmark data: 9 (工商) 1 (企业) + region + org code."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    first17 = "91" + region_code + body + org_check_char(body)
    return first17 + check_char(first17)

