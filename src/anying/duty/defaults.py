"""The default duty posts and minimum staffing (data/posts.csv, data/staffing.csv): product
defaults — the seeds name the posts (带班领导, 值班员) but set no numbers; the district edits
them on 重点时期与值班配置. Loaded by migration 0002 and again by the demo when a test flushed them."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def load(DutyPost, StaffingRule) -> None:  # noqa: N803 - model classes (historical ones in the migration)
    with open(DATA / "posts.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            DutyPost.objects.update_or_create(code=row["code"], defaults={
                "name": row["name"], "is_leader": row["is_leader"] == "1", "order": int(row["order"]),
                "procedure": row["procedure"]})
    posts = {p.code: p for p in DutyPost.objects.all()}
    with open(DATA / "staffing.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            StaffingRule.objects.get_or_create(kind=row["kind"], unit=None, post=posts[row["post"]],
                                               defaults={"minimum": int(row["minimum"])})
