"""Tracking codes of public tip-offs (12350 举报, issue #5): short enough to read aloud on the
phone, with a check character that catches a misheard or mistyped symbol, and unguessable.

Eight random symbols from Crockford's base-32 alphabet (digits and letters without I, L, O, U,
which are easily confused) give 40 bits from `secrets`; a ninth is the Luhn mod 32 check
character, which catches every single wrong symbol and every swap of two adjacent different
symbols except 0↔Z (Luhn's blind spot, like 09↔90 in decimal; tested exhaustively). Shown as ABCD-EFGH-J. Together with the reporter's PIN and the lookup rate limit, a
guessed code leads nowhere."""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
N = len(ALPHABET)
RANDOM_SYMBOLS = 8
# what people read or type for a symbol that is not in the alphabet
CONFUSABLE = {"O": "0", "I": "1", "L": "1", "U": "V"}


def check_symbol(payload: str) -> str:
    """Luhn mod N: double every second value from the right, sum the base-N digits."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        value = ALPHABET.index(char)
        if position % 2 == 0:
            value *= 2
            value = value // N + value % N
        total += value
    return ALPHABET[(N - total % N) % N]


def new_code() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return payload + check_symbol(payload)


def normalize(text: str) -> str:
    """What a reporter typed or read, as stored: upper case, no separators, look-alikes mapped."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return "".join(CONFUSABLE.get(ch, ch) for ch in cleaned)


def is_valid(code: str) -> bool:
    code = normalize(code)
    return (len(code) == RANDOM_SYMBOLS + 1 and all(ch in ALPHABET for ch in code)
            and check_symbol(code[:-1]) == code[-1])


def display(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"
