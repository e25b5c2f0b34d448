"""文号: the number of an official document — 字样〔year〕serial号 — per issuing unit and kind.

The 字样 is the issuing unit's 发文机关代字 (`Organisation.doc_prefix`, e.g. 铜安监, 旧县应急)
followed by the word of the kind of document (现记, 责改, 督, 函); a per-kind override
(`DocumentPrefix`) wins. A town office without a 代字 issues under its own name, never under the
district's. Serials run per 字样 and year from a row-locked counter, so two documents never share
a number, also when a tick issues thousands at once (`take`)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import DocumentCounter, DocumentPrefix, Organisation


def prefix_for(issuer: Organisation | None, kind: str, word: str, default: str) -> str:
    """The 字样 of `issuer` for documents of `kind`; `default` (the app's, with the district's
    abbreviation) only for a unit above the towns that has no 代字 of its own."""
    if issuer is None:
        return default
    found = DocumentPrefix.objects.filter(issuer=issuer, kind=kind).values_list("prefix", flat=True).first()
    if found:
        return found
    if issuer.doc_prefix:
        return f"{issuer.doc_prefix}{word}"
    if issuer.kind == Organisation.Kind.TOWN_OFFICE:
        return f"{issuer.name}{word}"
    return default


def take(prefix: str, year: int, count: int = 1) -> list[str]:
    """`count` consecutive numbers for `prefix` in `year`. Call inside a transaction."""
    try:
        with transaction.atomic():
            DocumentCounter.objects.get_or_create(prefix=prefix, year=year)
    except IntegrityError:  # created by a concurrent call a moment ago
        pass
    counter = DocumentCounter.objects.select_for_update().get(prefix=prefix, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{prefix}〔{year}〕{n}号" for n in range(first, counter.last + 1)]


def next_number(prefix: str, year: int) -> str:
    """The next 文号 for `prefix` in `year`, e.g. 铜安委办督〔2026〕3号. Call inside a transaction."""
    return take(prefix, year)[0]
