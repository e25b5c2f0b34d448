"""What apps above `disasters` plug in (it never imports them).

`register_ledger(fn)`: fn(event, town) -> {figure field: count} from a register kept elsewhere
(the houses app's 因灾倒塌损坏住房户台账 gives houses_collapsed / houses_severe / houses_general).
A town's 核报 must agree with every ledger: the statistics system files the ledgers with it."""

from __future__ import annotations

from collections.abc import Callable

LEDGERS: list[tuple[str, Callable]] = []


def register_ledger(name: str, fn: Callable) -> None:
    if all(existing != name for existing, _ in LEDGERS):
        LEDGERS.append((name, fn))
