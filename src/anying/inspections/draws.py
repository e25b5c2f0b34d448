"""双随机一公开: draw targets and inspectors at random, reproducibly, and publish the result.

Algorithm `anying-draw-v1`, chosen so that anyone can recompute a draw from what is stored and
published (`anying draw verify ID`), on any machine and Python version:

1. Candidates: the unit's operating enterprises (or the enterprises of one month of its approved
   annual plan), each in a category — 重点 (any risk tag), 标准化 (valid certificate), 一般 —
   and the unit's inspectors who are 在岗 with a certificate valid on the draw date, with the
   exclusions (回避) between them. The lists are stored with the draw, sorted by id.
2. Quotas: N targets shared among the categories by the requested ratios (largest remainder);
   a category with fewer candidates than its quota gives the rest to the others.
3. Order: every candidate gets the key SHA-256("seed:target:id"); each category's quota is its
   lowest keys. With a random 128-bit seed this is a uniformly random choice, and every
   candidate can be drawn.
4. Inspectors: for each drawn target, the eligible inspectors (not excluded from it) ordered by
   SHA-256("seed:inspector:target id:inspector id"); the first k (default 2; at least 2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from anying.core import audit
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.core.scope import unit_scope_q
from anying.registry.models import Enterprise

from .models import Draw, DrawTarget, Exclusion, InspectionPlan, Inspector

ALGORITHM = "anying-draw-v1"
CATEGORIES = {"key": "重点企业", "standardized": "标准化企业", "general": "一般企业"}
MIN_INSPECTORS = 2


def visible_to(user):
    """Draws of units within the user's territory (as plans: core.scope.unit_q)."""
    return Draw.objects.visible_to(user).select_related("unit", "drawn_by")


def with_target_counts(user, draws_):
    """Each draw's number of targets the user may see (`total`), as on its page."""
    return draws_.annotate(total=Count("targets", filter=Q(targets__in=DrawTarget.objects.visible_to(user).values("pk"))))


def visible_targets(user, draw: Draw):
    """The draw's targets the user may see: a department only those in its industries. (The
    public page shows them all: 双随机一公开 publishes the result.)"""
    return DrawTarget.objects.visible_to(user).filter(draw=draw)


def category_of(tagged: bool, certified: bool) -> str:
    return "key" if tagged else ("standardized" if certified else "general")


def _key(seed: str, *parts) -> bytes:
    return hashlib.sha256(":".join([seed, *map(str, parts)]).encode()).digest()


def quotas(total: int, ratios: dict[str, float], available: dict[str, int]) -> dict[str, int]:
    """Split `total` by `ratios` (largest remainder), never above what a category has; what a
    short category cannot take goes to the others by the same rule."""
    result = dict.fromkeys(ratios, 0)
    remaining = min(total, sum(available.get(c, 0) for c in ratios if ratios[c] > 0))
    open_ = {c for c, r in ratios.items() if r > 0 and available.get(c, 0) > 0}
    while remaining > 0 and open_:
        weight = sum(ratios[c] for c in open_)
        exact = {c: remaining * ratios[c] / weight for c in open_}
        share = {c: int(exact[c]) for c in open_}
        for c in sorted(open_, key=lambda c: (-(exact[c] - share[c]), c))[: remaining - sum(share.values())]:
            share[c] += 1
        for c in sorted(open_):
            take = min(share[c], available[c] - result[c])
            result[c] += take
            remaining -= take
        open_ = {c for c in open_ if result[c] < available[c]}
    return result


@dataclass(frozen=True)
class Drawn:
    enterprise_id: int
    category: str
    inspectors: tuple[int, ...]


class ShortOfInspectors(ValidationError):
    """Too few eligible inspectors for a drawn enterprise. The pure draw knows ids only; `draw`
    turns this into a message naming the enterprise."""

    def __init__(self, enterprise_id: int, eligible: int, needed: int):
        self.enterprise_id, self.eligible, self.needed = enterprise_id, eligible, needed
        super().__init__(f"可参与抽取的执法人员不足：一家抽中的企业只有 {eligible} 名无需回避的执法人员（每家需要 {needed} 名）")


def select(seed: str, params: dict, candidates: dict) -> list[Drawn]:
    """The pure draw: the same seed, parameters and candidates always give the same result."""
    by_category: dict[str, list[int]] = {}
    for enterprise_id, category in candidates["targets"]:
        by_category.setdefault(category, []).append(enterprise_id)
    counts = quotas(params["targets"], params["ratios"], {c: len(ids) for c, ids in by_category.items()})
    excluded = {(i, e) for i, e in candidates["exclusions"]}
    k = params["inspectors_per_target"]
    drawn = []
    for category in CATEGORIES:
        chosen = sorted(by_category.get(category, []), key=lambda e: _key(seed, "target", e))[: counts.get(category, 0)]
        for enterprise_id in chosen:
            eligible = [i for i in candidates["inspectors"] if (i, enterprise_id) not in excluded]
            if len(eligible) < k:
                raise ShortOfInspectors(enterprise_id, len(eligible), k)
            team = sorted(eligible, key=lambda i: _key(seed, "inspector", enterprise_id, i))[:k]
            drawn.append(Drawn(enterprise_id, category, tuple(team)))
    return drawn


def digest(candidates: dict) -> str:
    return hashlib.sha256(json.dumps(candidates, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def collect(unit, on: dt.date, plan_month: tuple[InspectionPlan, int] | None = None) -> dict:
    """The candidate lists as of `on`, sorted by id (see the module docstring)."""
    targets = Enterprise.objects.filter(unit_scope_q(unit), status=Enterprise.Status.OPERATING)
    if plan_month is not None:
        plan, month = plan_month
        targets = targets.filter(pk__in=plan.items.filter(month=month).values("enterprise_id"))
    rows = targets.annotate(tagged=Exists(Enterprise.tags.through.objects.filter(enterprise_id=OuterRef("pk")))) \
        .order_by("pk").values_list("pk", "tagged", "std_status")
    inspectors = list(Inspector.objects.filter(unit=unit, active=True, certificate_expiry__gte=on)
                      .order_by("pk").values_list("pk", flat=True))
    exclusions = sorted(Exclusion.objects.filter(inspector_id__in=inspectors).values_list("inspector_id",
                                                                                       "enterprise_id"))
    return {"targets": [[pk, category_of(tagged, std == Enterprise.StdStatus.CERTIFIED)] for pk, tagged, std in rows],
            "inspectors": inspectors, "exclusions": [list(pair) for pair in exclusions]}


def _clean_params(targets: int, ratios: dict, inspectors_per_target: int) -> dict:
    errors = {}
    if not isinstance(targets, int) or targets < 1:
        errors["targets"] = "抽取企业数应为正整数"
    if set(ratios) - set(CATEGORIES) or any(not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0
                                            for v in ratios.values()) or not any(v > 0 for v in ratios.values()):
        errors["ratios"] = "各类别比例应为非负数，且至少一类大于 0"
    if not isinstance(inspectors_per_target, int) or inspectors_per_target < MIN_INSPECTORS:
        errors["inspectors_per_target"] = f"每家企业至少 {MIN_INSPECTORS} 名执法人员"
    if errors:
        raise ValidationError(errors)
    return {"targets": targets, "ratios": {c: float(ratios.get(c, 0)) for c in CATEGORIES},
            "inspectors_per_target": inspectors_per_target}


@transaction.atomic
def draw(actor, unit, *, title: str, targets: int, ratios: dict, inspectors_per_target: int = MIN_INSPECTORS,
         plan_month: tuple[InspectionPlan, int] | None = None, on: dt.date | None = None) -> Draw:
    require(actor, "inspections.plan", "无权组织双随机抽查")
    if actor is not SYSTEM and actor.unit_id != unit.pk:
        raise PermissionDenied("只能以本单位名义抽取")
    if not (title or "").strip():
        raise ValidationError({"title": "请填写抽查事项"})
    params = _clean_params(targets, ratios, inspectors_per_target)
    on = on or timezone.localdate()
    if plan_month is not None:
        params["plan"], params["month"] = plan_month[0].pk, plan_month[1]
    candidates = collect(unit, on, plan_month)
    if not candidates["targets"]:
        raise ValidationError("没有可抽取的企业")
    seed = secrets.token_hex(16)
    try:
        drawn = select(seed, params, candidates)
    except ShortOfInspectors as exc:
        name = Enterprise.objects.filter(pk=exc.enterprise_id).values_list("name", flat=True).first() or "抽中的企业"
        raise ValidationError(f"可参与抽取的执法人员不足：{name}只有 {exc.eligible} 名无需回避的执法人员，"
                              f"每家企业需要 {exc.needed} 名；请减少每家企业执法人员数，或调整回避、补充执法人员") from None
    record = Draw.objects.create(unit=unit, title=title.strip(), drawn_on=on, drawn_by=actor, algorithm=ALGORITHM,
                                 seed=seed, params=params, candidates=candidates, digest=digest(candidates),
                                 public_token=secrets.token_urlsafe(18))
    rows = DrawTarget.objects.bulk_create([DrawTarget(draw=record, enterprise_id=d.enterprise_id, category=d.category,
                                                      position=n) for n, d in enumerate(drawn, 1)])
    through = DrawTarget.inspectors.through
    through.objects.bulk_create([through(drawtarget_id=row.pk, inspector_id=i)
                                 for row, d in zip(rows, drawn, strict=True) for i in d.inspectors])
    audit.record(actor, AuditEvent.Action.CREATE, record,
                 summary=f"{record.title}：从 {len(candidates['targets'])} 家企业、{len(candidates['inspectors'])} 名执法人员"
                         f"中抽取 {len(drawn)} 家")
    return record


def verify(record: Draw) -> tuple[bool, str]:
    """Recompute a draw from its stored seed, parameters and candidates."""
    if record.algorithm != ALGORITHM:
        return False, f"未知的算法版本 {record.algorithm}"
    if digest(record.candidates) != record.digest:
        return False, "候选名单与抽取时的摘要不符（记录被改动）"
    try:
        expected = [(d.enterprise_id, d.category, d.inspectors)
                    for d in select(record.seed, record.params, record.candidates)]
    except (ValidationError, KeyError, TypeError, ValueError):
        return False, "按保存的参数和候选名单无法重新计算（记录不完整或被改动）"
    stored = [(t.enterprise_id, t.category, tuple(sorted(i.pk for i in t.inspectors.all())))
              for t in record.targets.order_by("position").prefetch_related("inspectors")]
    expected = [(e, c, tuple(sorted(i))) for e, c, i in expected]
    if expected != stored:
        return False, "重新计算的结果与保存的结果不一致"
    return True, f"一致：重新计算得到同样的 {len(stored)} 家企业和执法人员"
