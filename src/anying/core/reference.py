"""Loading reference data shipped in the package (industries). Used by a data migration, so
it takes the model class as an argument (historical models have no custom save())."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def load_industries(Industry) -> None:
    with open(DATA / "industries.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_code = {}
    for sort, row in enumerate(rows):
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        obj, _ = Industry.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "parent": parent, "sort": sort})
        obj.path = f"{parent.path if parent else '/'}{obj.pk}/"
        obj.save(update_fields=["path"])
        by_code[row["code"]] = obj
