"""Where a figure or a text comes from, as a user may read it.

The data files keep their full provenance for whoever checks them — file names, the line of a
project document, the repository a text was verified against. None of that belongs on a
screen (docs/UI.md: nothing internal): `for_users` keeps the parts of a source that name a
document in Chinese (the law, the standard, the local work plan) and drops the rest; a source
with nothing left to show becomes 本系统默认设置, which is what such a figure is."""

from __future__ import annotations

import re

DEFAULT = "本系统默认设置"
_CJK = re.compile(r"[\u3400-\u9fff]")
_SEGMENTS = re.compile(r"\s*(?:[；;]|\s\+\s|\s—\s)\s*")
_INTERNAL = [
    re.compile(r"[（(][^（）()]*(?:seed|issue\s*#|\.md|\.csv|\.json|code id)[^（）()]*[）)](?:\s*第\s*\d+\s*行)?", re.I),
    re.compile(r"\bseed\s*\d+\s*(?:第\s*\d+\s*行)?[，,]?\s*", re.I),
    re.compile(r"\bseed\s*", re.I),
    re.compile(r"issue\s*#\d+[：:]?\s*", re.I),
    re.compile(r"\b[\w./-]+\.(?:md|csv|json|html|shtml|py)\b(?:\s*§[\d.]+)?(?:\s+[A-Z]\d+)?", re.I),
    re.compile(r"\b(?:https?://)?[a-z0-9-]+(?:\.[a-z0-9-]+)+/[\w./%-]*", re.I),  # a web address
    re.compile(r"\b[A-Za-z][\w-]*/[A-Za-z][\w.-]*"),  # owner/repository
    re.compile(r"\bpp\.\s*[\d-]+"),
    re.compile(r"繁体→简体[，,]?\s*"),
    re.compile(r"\bvariant_\w+(?:\([^)]*\))?"),
    re.compile(r"code id \d+", re.I),
]
_EMPTY_BRACKETS = re.compile(r"[（(]\s*[，,、;；]?\s*[）)]")
_OPENING_PUNCTUATION = re.compile(r"([（(])\s*[，,、;；]\s*")
_ENGLISH = re.compile(r"\b[A-Za-z][a-z'.]+\b")  # English words; upper-case codes (GB, LEC) stay
_SPACES = re.compile(r"([：:，,])\s+|\s{2,}")


def for_users(text: str | None) -> str:
    """The Chinese document names and notes of a source, without file names, project
    references or addresses; 本系统默认设置 when nothing is left."""
    if not text:
        return ""
    kept = []
    for segment in _SEGMENTS.split(str(text)):
        for pattern in _INTERNAL:
            segment = pattern.sub("", segment)
        if len(_ENGLISH.findall(segment)) > 3:  # a note in English, not a document's name
            continue
        segment = _ENGLISH.sub("", segment)
        segment = _OPENING_PUNCTUATION.sub(r"\1", segment)
        segment = _EMPTY_BRACKETS.sub("", segment)
        segment = _SPACES.sub(lambda m: m.group(1) or " ", segment).strip(" ，,：:；;")
        if _CJK.search(segment) and segment not in kept:
            kept.append(segment)
    return "；".join(kept) or DEFAULT


VERIFICATION = {"verbatim-2": "已与两份公开文本逐字核对", "verbatim-1": "已与一份公开文本逐字核对"}


def verification_for_users(text: str | None) -> str:
    """How a criteria text was checked, in Chinese (the file says verbatim-2-sources …)."""
    for prefix, label in VERIFICATION.items():
        if (text or "").startswith(prefix):
            return label
    return ""
