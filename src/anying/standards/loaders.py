"""Load the reference tables in data/ into the database. Called by data migrations (with the
historical model classes) and idempotent: running twice changes nothing."""

import csv
import datetime as dt
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_criteria(CriteriaSet, Criterion, Industry) -> None:
    for spec in _rows("manifest.csv"):
        criteria_set, _ = CriteriaSet.objects.update_or_create(code=spec["code"], defaults={
            "name": spec["name"], "document": spec["document"], "expected_items": int(spec["expected_items"]),
            "in_force": dt.date.fromisoformat(spec["in_force"]) if spec["in_force"] else None,
        })
        criteria_set.industries.set(Industry.objects.filter(code__in=spec["industries"].split(";")))
        items = 0
        for sort, row in enumerate(_rows(spec["file"])):
            fields = _criterion_fields(row)
            Criterion.objects.update_or_create(
                criteria_set=criteria_set, article=fields.pop("article"), item=fields.pop("item"),
                defaults={**fields, "sort": sort})
            items += fields["is_item"]
        criteria_set.loaded_items = items
        criteria_set.save(update_fields=["loaded_items"])


def _criterion_fields(row: dict) -> dict:
    if "条" in row:  # article / item layout (工贸 部令第10号)
        item = row["项"].strip()
        return {"article": row["条"], "item": "" if item == "引语" else item, "category": row["类别"],
                "text": row["条文"], "is_item": item not in ("", "引语"), "verification": row.get("verification", ""),
                "source": row.get("source", "")}
    # numbered layout (化工 2017): the number is the item
    return {"article": "", "item": f"第{row['序号']}项", "category": "", "text": row["条文"], "is_item": True,
            "verification": "", "source": row.get("source", "")}


def load_accident_types(AccidentType) -> None:
    with open(DATA / "gb6441_2025_accident_types.csv", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        for sort, row in enumerate(r for r in reader if r):
            number, name, code = row[0], row[1], row[2]
            group = "基本事故类型" if number.isdigit() else number
            AccidentType.objects.update_or_create(code=code, defaults={
                "name": name, "group": group, "description": row[3] if len(row) > 3 else "", "sort": sort})
