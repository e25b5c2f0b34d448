"""The one input policy for text (docs/decisions.md §24).

Every text value that enters the platform — a form field, a str field of an API schema, a query
parameter, a cell of an imported sheet — goes through `clean()`:

- line-break look-alikes (vertical tab, form feed, NEL, U+2028, U+2029 — what Word's Shift+Enter
  and some PDF copies paste) are normalised: to a newline in a multi-line field, and together
  with tab, CR and LF to a space in a single-line field;
- every other C0/C1 control character (NUL included), DEL, lone surrogates and Unicode
  noncharacters are refused with a Chinese message: they are invisible to the person typing,
  PostgreSQL cannot store NUL, and they break .xlsx and .docx files.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

CONTROL_MESSAGE = "含有不可见的控制字符（如 NUL），请删除后重新提交"
INVALID_MESSAGE = "含有无效的字符（如孤立的代理码位或非字符），请删除后重新提交"
CODE = "invalid_characters"

_LINE_BREAKS = "\x0b\x0c\x85\u2028\u2029"
_MULTI_LINE = re.compile(f"[{_LINE_BREAKS}]")
_SINGLE_LINE = re.compile(f"\r\n|[\t\n\r{_LINE_BREAKS}]")

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
_REFUSED = re.compile(f"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff{_NONCHARACTERS}]")


def normalise(value: str, *, multiline: bool) -> str:
    """Line-break look-alikes become a newline (multi-line) or a space, as do tab, CR and LF in a
    single-line field."""
    return _MULTI_LINE.sub("\n", value) if multiline else _SINGLE_LINE.sub(" ", value)


def problem(value: str) -> str | None:
    """The Chinese message for a value holding a refused character (after normalisation), or None."""
    found = _REFUSED.search(value)
    if found is None:
        return None
    return CONTROL_MESSAGE if ord(found.group()) < 0xA0 else INVALID_MESSAGE


def clean(value: str, *, multiline: bool) -> str:
    """The value as it may be stored, or ValidationError with the policy's message."""
    value = normalise(value, multiline=multiline)
    message = problem(value)
    if message:
        raise ValidationError(message, code=CODE)
    return value


def lenient(value: str) -> str:
    """For page filters, where a malformed value is ignored rather than an error: the value as a
    single line, or "" when it holds a refused character."""
    value = normalise(value, multiline=False)
    return "" if problem(value) else value


def clean_tree(value, *, multiline: bool):
    """`clean` applied to every str in a JSON-like value: lists, dicts (keys too) and scalars."""
    if isinstance(value, str):
        return clean(value, multiline=multiline)
    if isinstance(value, list | tuple):
        return type(value)(clean_tree(v, multiline=multiline) for v in value)
    if isinstance(value, dict):
        return {clean_tree(k, multiline=False): clean_tree(v, multiline=multiline) for k, v in value.items()}
    return value


def first_nul(value, path=()) -> tuple | None:
    """The path (keys and indexes) to the first str holding a NUL in a JSON-like value, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return (*path, key)
        found = first_nul(item, (*path, key))
        if found is not None:
            return found
    return None
