"""Risk grading (安全风险分级管控): risk areas and points of an enterprise, their assessment with
the configured LEC / LS tables and bands, the 四色图, the government list of 重大/较大 risks, and
the district admin's configuration of the tables and bands. Every write is here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Count, Prefetch, Value, When
from django.utils import timezone

from anying.core import audit
from anying.core.errors import PermissionDenied
from anying.core.filters import ChoiceFilter, IdFilter, IndustryFilter, ListFilter, RegionFilter
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, is_enterprise_user, require
from anying.standards import riskbands
from anying.standards.models import LEVEL_RANK, AccidentType, RiskBand, RiskFactor, RiskLevel, RiskMethod

from .models import CONTROL_FIELDS, Enterprise, RiskArea, RiskPoint

GOVERNMENT_LEVELS = (RiskLevel.MAJOR, RiskLevel.LARGER)  # what the government list shows
LS_VALUES = [Decimal(v) for v in range(1, 6)]
GRID_COLUMNS, GRID_STEP, GRID_SIZE = 4, 25, 23  # the default layout of new areas on the plan


# --- configuration ---------------------------------------------------------------------------

def num(value) -> str:
    """A factor or score as people write it: 0.5, 10, 160."""
    return format(Decimal(value).normalize(), "f")


def configured_bands(method: str) -> list[riskbands.Band]:
    return [riskbands.Band(b.level, b.lower, b.lower_inclusive, b.source)
            for b in RiskBand.objects.filter(method=method)]


def factor_values() -> dict[str, list[Decimal]]:
    values: dict[str, list[Decimal]] = {"L": [], "E": [], "C": []}
    for factor, value in RiskFactor.objects.values_list("factor", "value"):
        values[factor].append(value)
    return values


def assess(method: str, l, e, c, *, bands=None, values=None, prefix: str = "") -> tuple[Decimal, str]:  # noqa: E741
    """(score, level) of one assessment; the factors must be values of the configured tables
    (LEC) or 1–5 (LS). `c` is C for LEC and S for LS. Raises ValidationError by field."""
    errors = {}
    if method == RiskMethod.LEC:
        values = values or factor_values()
        checks = (("l", l, values["L"]), ("e", e, values["E"]), ("c", c, values["C"]))
    elif method == RiskMethod.LS:
        checks = (("l", l, LS_VALUES), ("c", c, LS_VALUES))
    else:
        raise ValidationError({"method": "请选择评价方法（LEC 或 LS）"})
    for name, value, allowed in checks:
        if value is None or Decimal(value) not in allowed:
            label = {"l": "L", "e": "E", "c": "C" if method == RiskMethod.LEC else "S"}[name]
            errors[f"{prefix}{name}"] = f"{label} 须为取值表中的值：" + "、".join(num(v) for v in allowed)
    if errors:
        raise ValidationError(errors)
    score = Decimal(l) * Decimal(c) * (Decimal(e) if method == RiskMethod.LEC else 1)
    return score, riskbands.grade(score, bands if bands is not None else configured_bands(method))


def _level_case(field: str, bands: list[riskbands.Band]) -> Case:
    """The level of `field` under these bands, as SQL, so a change of bands re-grades every
    stored assessment in one UPDATE."""
    whens = [When(**{f"{field}__{'gte' if b.inclusive else 'gt'}": b.lower}, then=Value(b.level))
             for b in sorted(bands, key=lambda b: b.key, reverse=True)]
    return Case(*whens, default=Value(RiskLevel.LOW), output_field=CharField())


@transaction.atomic
def configure_bands(actor, method: str, bands: list[riskbands.Band], *, note: str = "") -> int:
    """Replace a method's bands (district admin) and re-grade every risk point assessed with it.
    Returns how many points were re-graded."""
    require(actor, "registry.configure")
    if method not in RiskMethod.values:
        raise ValidationError({"method": "未知的评价方法"})
    errors = riskbands.problems(bands)
    if errors:
        raise ValidationError(errors)
    stored = {b.level: b for b in RiskBand.objects.select_for_update().filter(method=method)}
    before = {lvl: _band_text(b.lower, b.lower_inclusive) for lvl, b in stored.items()}
    for band in bands:
        RiskBand.objects.update_or_create(method=method, level=band.level, defaults={
            "lower": band.lower, "lower_inclusive": band.inclusive, "source": (band.source or note)[:300]})
    after = {b.level: _band_text(b.lower, b.inclusive) for b in bands}
    regraded = RiskPoint.objects.filter(method=method).update(
        inherent_level=_level_case("inherent_score", bands), level=_level_case("residual_score", bands))
    if before != after:
        audit.record(actor, AuditEvent.Action.UPDATE, None,
                     summary=f"修改{RiskMethod(method).label}风险分级阈值（重新定级 {regraded} 个风险点）",
                     before={RiskLevel(k).label: v for k, v in before.items()},
                     after={RiskLevel(k).label: v for k, v in after.items()})
    return regraded


def _band_text(lower, inclusive) -> str:
    return f"{'≥' if inclusive else '>'}{num(lower)}"


@transaction.atomic
def configure_factor(actor, factor: RiskFactor, *, value, description: str) -> RiskFactor:
    """Change one row of the LEC tables. Stored assessments keep the values they were scored
    with; new ones use the table as it is."""
    require(actor, "registry.configure")
    factor = RiskFactor.objects.select_for_update().get(pk=factor.pk)
    before = audit.snapshot(factor)
    try:
        value = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"value": "分值应为数字"}) from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.1")) or value > 1000:
        raise ValidationError({"value": "分值须为大于 0、不超过 1000、最多一位小数的数"})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "请填写说明"})
    if RiskFactor.objects.filter(factor=factor.factor, value=value).exclude(pk=factor.pk).exists():
        raise ValidationError({"value": f"{factor.factor} 已有分值 {num(value)}"})
    factor.value, factor.description = value, description[:100]
    factor.save()
    audit.record(actor, AuditEvent.Action.UPDATE, factor, summary=f"修改 LEC 取值表 {factor.factor}",
                 before=before, after=audit.snapshot(factor))
    return factor


# --- who may record --------------------------------------------------------------------------

def check_can_assess(actor, ent: Enterprise) -> None:
    """An enterprise grades its own risks; inspectors may record them for enterprises in scope."""
    if actor is SYSTEM:
        return
    require(actor, "risk.assess")
    if is_enterprise_user(actor):
        if actor.unit_id != ent.organisation_id:
            raise PermissionDenied()
    elif not Enterprise.objects.visible_to(actor).filter(pk=ent.pk).exists():
        raise PermissionDenied()


def can_assess(user, ent: Enterprise) -> bool:
    try:
        check_can_assess(user, ent)
    except PermissionDenied:
        return False
    return True


# --- areas -----------------------------------------------------------------------------------

AREA_FIELDS = ["name", "x", "y", "w", "h"]


def _check_area(area: RiskArea) -> None:
    errors = {}
    area.name = (area.name or "").strip()
    if not area.name:
        errors["name"] = "请填写区域名称"
    elif RiskArea.objects.filter(enterprise_id=area.enterprise_id, name=area.name).exclude(pk=area.pk).exists():
        errors["name"] = "已有同名区域"
    if area.w < 5 or area.h < 5:
        errors["w"] = "区域宽、高至少为 5"
    if area.x + area.w > RiskArea.PLAN_WIDTH:
        errors["x"] = f"区域超出平面图右边界（左 + 宽 不超过 {RiskArea.PLAN_WIDTH}）"
    if area.y + area.h > 1000:
        errors["y"] = "区域超出平面图下边界（上 + 高 不超过 1000）"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_area(actor, ent: Enterprise, data: dict, area: RiskArea | None = None) -> RiskArea:
    """Create or change an area. A new area without a position takes the next cell of a grid of
    four columns, so a plan is readable before anyone draws it."""
    check_can_assess(actor, ent)
    if area is not None and area.enterprise_id != ent.pk:
        raise PermissionDenied()
    before = audit.snapshot(area, AREA_FIELDS) if area is not None else None
    if area is None:
        area = RiskArea(enterprise=ent)
        count = RiskArea.objects.filter(enterprise=ent).count()
        area.sort = count
        if data.get("x") is None and data.get("y") is None:
            data = {**data, "x": (count % GRID_COLUMNS) * GRID_STEP + 1, "y": (count // GRID_COLUMNS) * GRID_STEP + 1,
                    "w": data.get("w") or GRID_SIZE, "h": data.get("h") or GRID_SIZE}
    for key in AREA_FIELDS:
        if data.get(key) is not None:
            setattr(area, key, data[key])
    _check_area(area)
    area.full_clean(exclude=["enterprise"])
    area.save()
    audit.record(actor, AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE, ent,
                 summary=f"{'修改' if before else '新增'}风险区域：{area.name}", before=before,
                 after=audit.snapshot(area, AREA_FIELDS))
    return area


# --- risk points -----------------------------------------------------------------------------

POINT_FIELDS = ["area", "activity", "hazard", "accident_type", "responsible", "method", *CONTROL_FIELDS,
                "inherent_l", "inherent_e", "inherent_c", "residual_l", "residual_e", "residual_c"]


@transaction.atomic
def save_point(actor, ent: Enterprise, data: dict, point: RiskPoint | None = None) -> RiskPoint:
    """Create or change a risk point; both levels are computed here from the configured bands.
    The residual risk (with controls) is never above the inherent one."""
    check_can_assess(actor, ent)
    if point is not None:
        point = RiskPoint.objects.select_for_update().get(pk=point.pk)
        if point.enterprise_id != ent.pk:
            raise PermissionDenied()
    before = audit.snapshot(point) if point is not None else None
    point = point or RiskPoint(enterprise=ent)
    for key in POINT_FIELDS:
        if key in data:
            setattr(point, key, data[key])
    errors: dict[str, list[str]] = {}
    if point.area_id is None or point.area.enterprise_id != ent.pk:
        errors["area"] = ["请选择本企业的风险区域"]
    if point.accident_type_id is not None and point.accident_type.group != "基本事故类型":
        errors["accident_type"] = ["请选择 GB 6441-2025 的基本事故类型"]
    for key in ("activity", "hazard", "responsible", *CONTROL_FIELDS):
        setattr(point, key, (getattr(point, key) or "").strip())
    if not any(getattr(point, f) for f in CONTROL_FIELDS):
        errors["control_engineering"] = ["请至少填写一项管控措施"]
    if point.method == RiskMethod.LS:
        point.inherent_e = point.residual_e = None
    try:
        point.full_clean(exclude=["enterprise", "region", "industry", "organisation", "inherent_score",
                                  "inherent_level", "residual_score", "level"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if "method" not in errors:
        bands, values = configured_bands(point.method), factor_values() if point.method == RiskMethod.LEC else None
        for prefix in ("inherent_", "residual_"):
            try:
                score, level = assess(point.method, getattr(point, f"{prefix}l"), getattr(point, f"{prefix}e"),
                                      getattr(point, f"{prefix}c"), bands=bands, values=values, prefix=prefix)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
                continue
            setattr(point, f"{prefix}score", score)
            setattr(point, "level" if prefix == "residual_" else "inherent_level", level)
    if not errors and point.residual_score > point.inherent_score:
        errors["residual_l"] = [f"剩余风险不能高于固有风险（剩余风险值 {point.residual_score.normalize():f} "
                                f"> 固有风险值 {point.inherent_score.normalize():f}）：管控措施只会降低风险"]
    if errors:
        raise ValidationError(errors)
    point.region_id, point.industry_id, point.organisation_id = ent.region_id, ent.industry_id, ent.organisation_id
    point.save()
    audit.record(actor, AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE, point,
                 summary=f"{'修改' if before else '登记'}风险点：{point.activity}（{point.get_level_display()}）",
                 before=before, after=audit.snapshot(point))
    return point


@transaction.atomic
def retire_point(actor, ent: Enterprise, point_id: int, reason: str) -> RiskPoint:
    """Take a point off the 四色图 (it no longer exists), with the reason; kept and audited."""
    check_can_assess(actor, ent)
    point = RiskPoint.objects.select_for_update().filter(pk=point_id, enterprise=ent).first()
    if point is None:
        raise PermissionDenied()
    reason = (reason or "").strip()
    if point.retired_on is not None:
        raise ValidationError("该风险点已撤销")
    if not reason or len(reason) > 200:
        raise ValidationError({"reason": "请填写撤销原因（200 字以内）"})
    point.retired_on, point.retired_reason = timezone.localdate(), reason
    point.save(update_fields=["retired_on", "retired_reason", "updated_at"])
    audit.record(actor, AuditEvent.Action.STATE, point, summary=f"撤销风险点：{point.activity}（{reason}）")
    return point


def follow_enterprise(ent: Enterprise) -> None:
    """An enterprise moved to another town or industry: its risk points follow (their copies
    of region and industry carry the scope)."""
    follow_enterprises([ent])


def follow_enterprises(enterprises) -> None:
    """The same for many (an Excel import): one UPDATE per destination (town, industry)."""
    groups: dict[tuple[int, int], list[int]] = {}
    for ent in enterprises:
        groups.setdefault((ent.region_id, ent.industry_id), []).append(ent.pk)
    for (region_id, industry_id), ids in groups.items():
        RiskPoint.objects.filter(enterprise_id__in=ids).exclude(region_id=region_id, industry_id=industry_id) \
            .update(region_id=region_id, industry_id=industry_id)


# --- reading ---------------------------------------------------------------------------------

def four_colour(ent: Enterprise) -> list[RiskArea]:
    """The enterprise's areas, each with its points and `level` (the highest of its points;
    None when nothing is assessed there yet). Two queries."""
    points = RiskPoint.objects.current().select_related("accident_type").order_by(_severity(), "id")
    areas = list(RiskArea.objects.filter(enterprise=ent).prefetch_related(Prefetch("points", queryset=points)))
    for area in areas:
        levels = [p.level for p in area.points.all()]
        area.level = max(levels, key=LEVEL_RANK.get) if levels else None
        area.counts = {lvl: levels.count(lvl) for lvl in RiskLevel.values}
    return areas


class RiskPointFilter(ListFilter):
    """The risk points' filter: the government list (its page and export) and the API list."""

    level = ChoiceFilter(label="风险等级", choices=RiskLevel.choices)
    region = RegionFilter()
    industry = IndustryFilter()
    enterprise = IdFilter(label="企业", record=Enterprise, field_name="enterprise_id", help_text="企业 id")


def government_list(user):
    """The 重大/较大 risk points of a government user's scope, most severe first."""
    return RiskPoint.objects.visible_to(user).current().filter(level__in=GOVERNMENT_LEVELS) \
        .select_related("enterprise", "area", "region", "industry", "accident_type") \
        .order_by(_severity(), "region__sort", "enterprise__name", "id")


def _severity() -> Case:
    """Most severe first (the level codes do not sort by severity)."""
    return Case(*[When(level=level, then=Value(-rank)) for level, rank in LEVEL_RANK.items()], default=Value(0))


def summary(user) -> dict:
    """Risk points of the user's scope by current level, for the dashboard: {level code: n}
    with every level present. One query (after the user's scope facts)."""
    counts = dict(RiskPoint.objects.visible_to(user).current().order_by().values_list("level")
                  .annotate(n=Count("id")))
    return {level: counts.get(level, 0) for level in RiskLevel.values}


def accident_types():
    return AccidentType.objects.filter(group="基本事故类型")

