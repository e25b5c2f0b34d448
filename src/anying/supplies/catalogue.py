"""The default catalogue (data/items.csv, with its provenance in the header), loaded by migration."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def rows() -> list[dict]:
    with open(DATA / "items.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def load(item_model) -> int:
    made = 0
    for row in rows():
        _, created = item_model.objects.get_or_create(code=row["code"], defaults={
            "name": row["name"], "category": row["category"], "spec": row["spec"], "uom": row["uom"],
            "gbt_code": row["gbt_code"], "shelf_life_days": int(row["shelf_life_days"]) if row["shelf_life_days"] else None})
        made += created
    return made
