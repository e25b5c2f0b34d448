"""The one scope rule of PRODUCT.md §1, behind every `visible_to(user)`.

A government user sees records whose region lies in their unit's region subtree and, when
their unit supervises particular industries (行业监管), whose industry lies in one of those
industry subtrees. An enterprise user sees only records of their own enterprise. Anyone else
sees nothing. Each model's manager says which of its fields carry region, industry and the
owning enterprise organisation; the rule itself lives only here.
"""

from __future__ import annotations

from django.db import models
from django.db.models.lookups import StartsWith

from .models import Industry, Region
from .roles import GOVERNMENT_ROLES, Role

NOTHING = models.Q(pk__in=[])


def _cached(user, key, compute):
    """Scope facts are read several times per request; keep them on the user object."""
    cache = user.__dict__.setdefault("_scope_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def unit_region_path(user) -> str:
    return _cached(user, "region_path", lambda: Region.objects.only("path").get(pk=user.unit.region_id).path)


def user_industry_ids(user) -> list[int] | None:
    return _cached(user, "industry_ids", lambda: industry_ids(user.unit))


def industry_ids(unit) -> list[int] | None:
    """Ids of every industry the unit supervises, sub-industries included; None = all.
    One query: an industry is in when one of the unit's industries is a prefix of its path."""
    roots = Industry.objects.filter(supervisors=unit).filter(StartsWith(models.OuterRef("path"), models.F("path")))
    ids = list(Industry.objects.filter(models.Exists(roots)).values_list("id", flat=True))
    return ids or None  # a unit with supervised industries always matches at least those


def scope_q(user, *, region: str = "region", industry: str | None = "industry",
            organisation: str = "organisation", region_subquery: bool = False) -> models.Q:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser and not user.role:
        return models.Q()
    unit = user.unit
    if unit is None or not unit.is_active:
        return NOTHING
    if user.role == Role.ENTERPRISE_USER:
        return models.Q(**{f"{organisation}_id": unit.pk})
    if user.role not in GOVERNMENT_ROLES:
        return NOTHING
    return territory_q(unit_region_path(user), user_industry_ids(user), region=region, industry=industry,
                       region_subquery=region_subquery,
                       region_ids=_cached(user, "region_ids", lambda: subtree_ids(unit_region_path(user)))
                       if region_subquery else None)


def unit_scope_q(unit, *, region: str = "region", industry: str | None = "industry",
                 region_subquery: bool = False) -> models.Q:
    """What a government unit supervises, without a user: the targets of the unit's annual
    inspection plan or random draw, computed also by the system (the tick, the CLI)."""
    path = Region.objects.only("path").get(pk=unit.region_id).path
    return territory_q(path, industry_ids(unit), region=region, industry=industry, region_subquery=region_subquery,
                       region_ids=subtree_ids(path) if region_subquery else None)


REGION_IDS_INLINE = 500


def subtree_ids(region_path: str) -> list[int] | None:
    """Ids of a region and everything below it, when there are few enough to list; None for a
    territory so large (a city's villages) that a subquery is the better form."""
    ids = list(Region.objects.filter(path__startswith=region_path).values_list("id", flat=True)
               [: REGION_IDS_INLINE + 1])
    return ids if len(ids) <= REGION_IDS_INLINE else None


def territory_q(region_path: str, industry_ids_: list[int] | None, *, region: str, industry: str | None,
                region_subquery: bool, region_ids: list[int] | None = None) -> models.Q:
    # By default a join on the region's path: SQLite, which keeps no statistics, would
    # otherwise fetch a whole district row by row to sort one page of enterprises (bench/).
    # The hazard register asks for `region_id IN (subquery)` instead: with a million rows the
    # join makes SQLite scan the whole table for any extra condition, and its list avoids the
    # sorting problem by reading through the sort index when rows are plentiful
    # (core.listing.prefer_index).
    # A literal id list where it is short: PostgreSQL then estimates from its statistics how
    # many rows a town holds, and picks the region indexes for a town rather than walking the
    # whole sort index as it does for an opaque subquery.
    if region_subquery:
        subtree = region_ids if region_ids is not None else \
            Region.objects.filter(path__startswith=region_path).values("id")
        q = models.Q(**{f"{region}_id__in": subtree})
    else:
        q = models.Q(**{f"{region}__path__startswith": region_path})
    if industry is not None and industry_ids_ is not None:
        q &= models.Q(**{f"{industry}_id__in": industry_ids_})
    return q


class ScopedQuerySet(models.QuerySet):
    """Base for querysets of scoped records; subclasses name their fields."""

    scope_fields: dict = {}

    def visible_to(self, user):
        return self.filter(scope_q(user, **self.scope_fields))


def covers(user, region: Region, industry: Industry | None = None) -> bool:
    """Whether a government user's scope includes this region (and industry): the same rule
    as `scope_q`, for checking where a new or moved record may go."""
    if user is None or (user.is_superuser and not user.role):
        return True  # the system itself (see permissions.SYSTEM)
    if user.role not in GOVERNMENT_ROLES or user.unit is None or not user.unit.is_active:
        return False
    if not region.path.startswith(unit_region_path(user)):
        return False
    if industry is None:
        return True
    ids = user_industry_ids(user)
    return ids is None or industry.pk in ids


def region_subtree_q(user, region_field: str) -> models.Q:
    """Territory only (no industry rule): what a district admin administers — regions, units,
    users and their audit trail within their unit's region subtree."""
    if user is None or (user.is_superuser and not user.role):
        return models.Q()
    if user.unit is None:
        return NOTHING
    key = f"{region_field}__path__startswith" if region_field else "path__startswith"
    return models.Q(**{key: unit_region_path(user)})
