"""The two clocks of rescue teams (core.clock): certificates before they expire, and daily
standby reports not made (the ladders are data: data/certificate_clock.csv, data/standby_clock.csv)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from anying.core import clock
from anying.core.clock import Clock
from anying.core.models import User
from anying.core.permissions import roles_with

from .models import DATA, Certificate, Team


def _keepers(owner_ids: dict[int, list[int]]) -> dict[int, list[User]]:
    """{record pk: the active users of its team's owner unit who keep teams}, in one query."""
    users = User.objects.filter(unit_id__in=list(owner_ids), is_active=True, unit__is_active=True,
                                role__in=roles_with("rescue.edit")).select_related("unit")
    by_unit: dict[int, list[User]] = {}
    for user in users:
        by_unit.setdefault(user.unit_id, []).append(user)
    out: dict[int, list[User]] = {}
    for unit_id, pks in owner_ids.items():
        for pk in pks:
            out[pk] = by_unit.get(unit_id, [])
    return out


def _cert_recipients(certificates) -> dict[int, list[User]]:
    owners: dict[int, list[int]] = {}
    for c in certificates:
        owners.setdefault(c.member.team.owner_id, []).append(c.pk)
    return _keepers(owners)


def _team_recipients(teams) -> dict[int, list[User]]:
    owners: dict[int, list[int]] = {}
    for t in teams:
        owners.setdefault(t.owner_id, []).append(t.pk)
    return _keepers(owners)


CERTIFICATE_EXPIRY = clock.register(Clock(
    name="rescue_certificate", label="救援队员证书到期提醒", model=Certificate, due="expires_on",
    open=Q(expires_on__isnull=False, member__is_active=True, member__team__is_active=True),
    defaults=DATA / "certificate_clock.csv", cycles=True, region="member__team__region",
    fields=("name", "member__name", "member__team__name", "member__team__owner_id"), related=("member__team",),
    recipients=_cert_recipients, event="remind",
    describe=lambda c: f"{c.member.team.name} {c.member.name}的{c.name}有效期至 {c.expires_on:%Y年%m月%d日}",
    object_repr=lambda c: f"{c.member.name} · {c.name}",
    url=lambda c: reverse("rescue_team_detail", args=[c.member.team_id]) + "#members"))

STANDBY_MISSING = clock.register(Clock(
    name="rescue_standby", label="值班备勤未报告", model=Team, due="standby_due",
    open=Q(is_active=True, category__in=Team.DAILY_STANDBY, standby_due__isnull=False),
    defaults=DATA / "standby_clock.csv", cycles=True,
    fields=("name", "owner_id"), recipients=_team_recipients, event="remind",
    describe=lambda t: f"{t.name}自 {t.standby_due:%Y年%m月%d日} 起未报告值班备勤",
    object_repr=lambda t: t.name,
    url=lambda t: reverse("rescue_standby_report") + f"?team={t.pk}"))
