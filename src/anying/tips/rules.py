"""The jurisdiction's tip rules and the reward arithmetic (安监总财〔2018〕19号; defaults and
sources in data/tip_rules.csv). Amounts are Decimal yuan, rounded half-up to the fen."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.core.exceptions import ValidationError

from anying.core.models import Region

from .models import Reward, TipRules

DATA = Path(__file__).resolve().parent / "data" / "tip_rules.csv"
FEN = Decimal("0.01")
DECIMAL_FIELDS = ["reward_rate", "reward_min", "reward_max", "death_general", "death_larger", "death_major",
                  "death_especially", "death_max"]
PER_DEATH = {Reward.Grade.GENERAL: "death_general", Reward.Grade.LARGER: "death_larger",
             Reward.Grade.MAJOR: "death_major", Reward.Grade.ESPECIALLY: "death_especially"}


def default_rows() -> list[dict]:
    with DATA.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def rules_for(region: Region) -> TipRules:
    """The rules of the nearest region at or above `region` that has its own, else the default."""
    ids = [int(part) for part in region.path.strip("/").split("/") if part]
    own = {r.region_id: r for r in TipRules.objects.filter(region_id__in=ids)}
    for region_id in reversed(ids):
        if region_id in own:
            return own[region_id]
    return TipRules.objects.get(region__isnull=True)


def deadlines(rules: TipRules, received_on: dt.date) -> tuple[dt.date, dt.date]:
    return (received_on + dt.timedelta(days=rules.verify_days), received_on + dt.timedelta(days=rules.reply_days))


def snapshot(rules: TipRules) -> dict:
    return {"region": rules.region_id, "source": rules.source,
            **{f: str(getattr(rules, f)) for f in DECIMAL_FIELDS}}


def fine_reward(rules: TipRules, fines: Decimal) -> Decimal:
    """15 % of the fines, never below the minimum nor above the maximum. A substantiated major
    hazard without a fine still earns the minimum."""
    if fines < 0:
        raise ValidationError("罚款金额不能为负")
    share = (fines * rules.reward_rate).quantize(FEN, rounding=ROUND_HALF_UP)
    return min(rules.reward_max, max(rules.reward_min, share))


def minimum_grade(deaths: int) -> str:
    """The lowest grade 《生产安全事故报告和调查处理条例》第三条 allows for this many deaths
    (injuries or loss may make it higher, never lower)."""
    if deaths >= 30:
        return Reward.Grade.ESPECIALLY
    if deaths >= 10:
        return Reward.Grade.MAJOR
    if deaths >= 3:
        return Reward.Grade.LARGER
    return Reward.Grade.GENERAL


GRADE_ORDER = list(Reward.Grade.values)


def death_reward(rules: TipRules, grade: str, deaths: int) -> Decimal:
    if deaths < 1:
        raise ValidationError({"deaths": "查实瞒报谎报的死亡人数至少为 1"})
    if grade not in PER_DEATH:
        raise ValidationError({"grade": "请选择事故等级"})
    if GRADE_ORDER.index(grade) < GRADE_ORDER.index(minimum_grade(deaths)):
        raise ValidationError({"grade": f"死亡 {deaths} 人的事故至少为{Reward.Grade(minimum_grade(deaths)).label}"
                                        "（《生产安全事故报告和调查处理条例》第三条）"})
    return min(rules.death_max, getattr(rules, PER_DEATH[grade]) * deaths)
