"""Tracking codes: the check symbol catches every single error and adjacent swap; codes are
normalised from what people type; they are random."""

from hypothesis import given
from hypothesis import strategies as st

from anying.tips import codes

payloads = st.text(alphabet=codes.ALPHABET, min_size=8, max_size=8)


@given(payloads)
def test_generated_and_checked(payload):
    code = payload + codes.check_symbol(payload)
    assert codes.is_valid(code) and codes.is_valid(codes.display(code).lower())


@given(payloads, st.integers(0, 8), st.sampled_from(codes.ALPHABET))
def test_every_single_substitution_is_caught(payload, position, symbol):
    code = payload + codes.check_symbol(payload)
    wrong = code[:position] + symbol + code[position + 1:]
    assert codes.is_valid(wrong) == (wrong == code)


def test_adjacent_swaps_are_caught_except_zero_and_z():
    """Exhaustive over every position and pair of the payload: only 0↔Z slips through."""
    missed = set()
    for position in range(codes.RANDOM_SYMBOLS - 1):
        for a in codes.ALPHABET:
            for b in codes.ALPHABET:
                payload = "7" * position + a + b + "7" * (codes.RANDOM_SYMBOLS - position - 2)
                code = payload + codes.check_symbol(payload)
                swapped = code[:position] + b + a + code[position + 2:]
                if a != b and codes.is_valid(swapped):
                    missed.add(frozenset((a, b)))
    assert missed == {frozenset("0Z")}


def test_normalisation_and_format():
    code = codes.new_code()
    assert len(code) == 9 and codes.is_valid(code)
    assert codes.normalize(" ab0o-il1u ") == "AB00111V"
    assert codes.display("ABCDEFGHJ") == "ABCD-EFGH-J"
    assert not codes.is_valid("") and not codes.is_valid("ABCD") and not codes.is_valid("ABCDEFGH!")


def test_codes_are_random():
    assert len({codes.new_code() for _ in range(2000)}) == 2000
