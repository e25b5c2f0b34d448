"""The one scope rule of PRODUCT.md §1, behind every `visible_to(user)`.

A government user sees records whose region lies in their unit's region subtree and, when
their unit supervises particular industries (行业监管), whose industry lies in one of those
industry subtrees. An enterprise user sees only records of their own enterprise. Anyone else
— anonymous, inactive, without a unit, or of a deactivated unit — sees nothing. `SYSTEM`
(None: the tick, the demo loader, the CLI) and a superuser without a role see everything.

The rule has a few variants, one per kind of record, all here and nowhere else:
- `scope_q`     records of an enterprise (region + industry + enterprise organisation);
- `area_q`      records with a region (and maybe an industry) but no enterprise: key places,
                accidents without one, tallies; enterprise users see none of them;
- `unit_q`      records a government unit owns (its annual plan, its draws, the key tasks it
                answers for, its reports, its rankings): seen by the users whose territory holds
                the owning unit's region — the unit itself, its peers on that region and the units
                above it; never by the units below, nor by enterprises;
- `region_subtree_q` territory only, no industry rule: what a district admin administers
                (regions, units, users, the audit trail);
- `shared_q`    reference material units hand down (checklists): those of the units above or at
                the user's region, the user's own unit's, and a government user's territory's.
Each model's queryset says which variant and which fields (`ScopedQuerySet`).
"""

from __future__ import annotations

from django.db import models
from django.db.models.lookups import StartsWith

from .models import AuditEvent, Industry, Organisation, Region
from .roles import GOVERNMENT_ROLES, Role

ALL = models.Q()
NOTHING = models.Q(pk__in=[])

# Who is looking, as far as scope is concerned.
SYSTEM, NOBODY, ENTERPRISE, GOVERNMENT = "system", "nobody", "enterprise", "government"
GOVERNMENT_KINDS = [Organisation.Kind.COMMITTEE, Organisation.Kind.COMMITTEE_OFFICE, Organisation.Kind.DEPARTMENT,
                    Organisation.Kind.TOWN_OFFICE]


def viewer(user, perm: str | None = None) -> str:
    """The one place that decides whether a user sees anything at all, and as whom. With `perm`,
    a user without that permission sees nothing of these records (e.g. tips.view)."""
    if user is None:
        return SYSTEM
    if not user.is_authenticated or not user.is_active:
        return NOBODY
    if user.is_superuser and not user.role:
        return SYSTEM
    unit = user.unit
    if unit is None or not unit.is_active:
        return NOBODY
    if perm is not None and not user.has_perm_code(perm):
        return NOBODY
    if user.role == Role.ENTERPRISE_USER:
        return ENTERPRISE
    return GOVERNMENT if user.role in GOVERNMENT_ROLES else NOBODY


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


def ancestor_paths(path: str) -> list[str]:
    """A materialised path and every ancestor's: "/1/7/42/" → ["/1/", "/1/7/", "/1/7/42/"]."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def scope_q(user, *, region: str = "region", industry: str | None = "industry",
            organisation: str | None = "organisation", region_subquery: bool = False,
            perm: str | None = None, assigned: str | None = None,
            all_industries_perm: str | None = None) -> models.Q:
    """Records of an enterprise (or at least placed in a region and an industry).
    organisation=None: enterprises never see these records (a tip about themselves).
    assigned: a unit field; the government unit a record is assigned to sees it wherever it is.
    all_industries_perm: holders see every industry of their territory (the 12350 desk, which
    dispatches before anyone knows the industry)."""
    kind = viewer(user, perm)
    if kind == SYSTEM:
        return ALL
    if kind == ENTERPRISE:
        return models.Q(**{f"{organisation}_id": user.unit_id}) if organisation else NOTHING
    if kind != GOVERNMENT:
        return NOTHING
    industries = None if all_industries_perm and user.has_perm_code(all_industries_perm) else user_industry_ids(user)
    q = territory_q(unit_region_path(user), industries, region=region, industry=industry,
                    region_subquery=region_subquery,
                    region_ids=_cached(user, "region_ids", lambda: subtree_ids(unit_region_path(user)))
                    if region_subquery else None)
    if assigned:
        q |= models.Q(**{f"{assigned}_id": user.unit_id})
    return q


def area_q(user, *, region: str = "region", industry: str | None = None, region_subquery: bool = False,
           perm: str | None = None, summaries: bool = False) -> models.Q:
    """Records with a region (and maybe an industry) but no enterprise: the territory rule for
    government users, nothing for enterprise users. summaries: the record sums up every industry
    of its region (a town's 达标 target), so an industry-restricted reader sees none."""
    if summaries and viewer(user, perm) == GOVERNMENT and user_industry_ids(user) is not None:
        return NOTHING
    return scope_q(user, region=region, industry=industry, organisation=None, region_subquery=region_subquery,
                   perm=perm)


def unit_q(user, *, unit: str = "unit", perm: str | None = None, summaries: bool = False,
           published_down: bool = False) -> models.Q:
    """Records a government unit owns. A unit's records are its own business and its
    superiors': users whose territory holds the owning unit's region see them (the unit's own
    staff, the units on the same region, the units above). The contents that name enterprises
    (plan items, draw targets) are scoped again, record by record, with `scope_q`.
    summaries: the record sums up every industry of the unit's territory (a periodic report),
    so an industry-restricted reader (a department) sees only their own unit's.
    published_down: published to the whole territory below the owner too (晾晒 rankings)."""
    kind = viewer(user, perm)
    if kind == SYSTEM:
        return ALL
    if kind != GOVERNMENT:
        return NOTHING
    own = models.Q(**{f"{unit}_id": user.unit_id})
    if summaries and user_industry_ids(user) is not None:
        return own
    path = unit_region_path(user)
    q = own | models.Q(**{f"{unit}__region__path__startswith": path})
    if published_down:
        q |= models.Q(**{f"{unit}__region__path__in": ancestor_paths(path)})
    return q


def shared_q(user, *, owner: str = "owner") -> models.Q:
    """Reference material units hand down (checklist templates): those of government units at or
    above the user's region, the user's own unit's, and for government users those of the
    government units within their territory."""
    kind = viewer(user)
    if kind == SYSTEM:
        return ALL
    if kind == NOBODY:
        return NOTHING
    path = unit_region_path(user)
    q = handed_down_q(path, owner=owner) | models.Q(**{f"{owner}_id": user.unit_id})
    if kind == GOVERNMENT:
        q |= models.Q(**{f"{owner}__kind__in": GOVERNMENT_KINDS, f"{owner}__region__path__startswith": path})
    return q


def handed_down_q(region_path: str, *, owner: str = "owner") -> models.Q:
    """Records of the government units whose territory includes this region."""
    return models.Q(**{f"{owner}__kind__in": GOVERNMENT_KINDS, f"{owner}__region__path__in": ancestor_paths(region_path)})


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


def resource_q(user, *, unit: str = "owner", shared: str = "dispatchable", perm: str | None = None) -> models.Q:
    """Emergency resources a unit keeps (teams, warehouses, shelters — issue #14): the owner's and
    its superiors' (`unit_q`), plus those a unit above marked 可供调度 (`shared`): a town that
    dispatches in an emergency sees the district's teams and warehouses it may call on, never the
    other towns'. An enterprise sees the resources its own organisation keeps (its own team)."""
    kind = viewer(user, perm)
    if kind == ENTERPRISE:
        return models.Q(**{f"{unit}_id": user.unit_id})
    q = unit_q(user, unit=unit, perm=perm)
    if kind == GOVERNMENT:
        q |= models.Q(**{shared: True, f"{unit}__region__path__in": ancestor_paths(unit_region_path(user))})
    return q


RULES = {"enterprise": scope_q, "area": area_q, "unit": unit_q, "shared": shared_q, "resource": resource_q}


def plan_q(user, *, owner: str = "owner", enterprise: str = "enterprise", region: str = "region",
           industry: str = "industry", perm: str | None = None) -> models.Q:
    """Emergency plans, drills and their follow-ups (issue #15, docs/plans.md). A government unit's
    are seen by the unit, its peers and the units above it (`unit_q`), and handed down to the units
    below it (`handed_down_q`: a town reads the district's plans its own must 衔接 with, never another
    town's). An enterprise's are scoped like any record of the enterprise (`scope_q`: its own
    users; the regulators of its region and industry). An enterprise user sees only its own."""
    kind = viewer(user, perm)
    if kind == SYSTEM:
        return ALL
    if kind not in (ENTERPRISE, GOVERNMENT):
        return NOTHING
    of_enterprise = models.Q(**{f"{enterprise}__isnull": False}) & scope_q(
        user, region=region, industry=industry, organisation=owner)
    if kind == ENTERPRISE:
        return of_enterprise
    of_government = models.Q(**{f"{enterprise}__isnull": True}) & (
        unit_q(user, unit=owner) | handed_down_q(unit_region_path(user), owner=owner))
    return of_enterprise | of_government


RULES["plan"] = plan_q


class ScopedQuerySet(models.QuerySet):
    """Base for querysets of scoped records; subclasses name the variant and its fields, e.g.
    `scope_rule = "unit"; scope_fields = {"unit": "unit", "perm": "oversight.view"}`."""

    scope_rule: str = "enterprise"
    scope_fields: dict = {}

    def visible_to(self, user):
        return self.filter(RULES[self.scope_rule](user, **self.scope_fields))


def covers(user, region: Region, industry: Industry | None = None) -> bool:
    """Whether a government user's scope includes this region (and industry): the same rule
    as `scope_q`, for checking where a new or moved record may go."""
    kind = viewer(user)
    if kind == SYSTEM:
        return True  # the system itself (see permissions.SYSTEM)
    if kind != GOVERNMENT or not region.path.startswith(unit_region_path(user)):
        return False
    if industry is None:
        return True
    ids = user_industry_ids(user)
    return ids is None or industry.pk in ids


def audit_trail_q(user) -> models.Q:
    """The audit trail a district admin reads: the events of the people they administer and of
    the records in their territory (which covers the system's own events: imports, the tick)."""
    if user is not None and user.is_superuser and user.unit is None:
        return ALL
    territory = region_subtree_q(user, "actor__unit__region")
    if viewer(user) in (ENTERPRISE, GOVERNMENT):
        territory |= models.Q(region_path__startswith=unit_region_path(user))
        # failed logins with a username that matches no account belong to no territory
        territory |= models.Q(action=AuditEvent.Action.LOGIN_FAILED, region_path="")
    return territory


def region_subtree_q(user, region_field: str) -> models.Q:
    """Territory only (no industry rule): what a district admin administers — regions, units,
    users and their audit trail within their unit's region subtree."""
    kind = viewer(user)
    if kind == SYSTEM:
        return ALL
    if kind == NOBODY:
        return NOTHING
    key = f"{region_field}__path__startswith" if region_field else "path__startswith"
    return models.Q(**{key: unit_region_path(user)})
