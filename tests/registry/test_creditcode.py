import random

import pytest

from anying.registry import creditcode


@pytest.mark.parametrize("code", ["9144030071526726XG", "91330100799655058B", "91110108551385082Q", "91350100M000100Y43"])
def test_real_codes_are_valid(code):
    assert creditcode.problem(code) is None


@pytest.mark.parametrize("code, reason", [
    ("9144030071526726XA", "校验位错误"),
    ("9144030071526726X", "应为18位"),
    ("9144030071526726XI", "非法字符"),
    ("", "不能为空"),
])
def test_bad_codes_are_explained(code, reason):
    assert reason in creditcode.problem(code)


def test_synthetic_codes_are_valid_and_distinct():
    rng = random.Random(3)
    codes = {creditcode.synthetic(rng) for _ in range(2000)}
    assert len(codes) == 2000
    assert all(creditcode.problem(c) is None for c in codes)
    assert all(c.startswith("91500151") for c in codes)


def test_normalise_strips_and_uppercases():
    assert creditcode.normalise(" 9144030071526726xg ") == "9144030071526726XG"
