"""The clocks of rescue teams (core.clock): certificates before they expire, daily standby reports
not made, and the yearly linkage meeting due by 31 May (the ladders are data, each rung cited:
data/certificate_clock.csv, data/standby_clock.csv, data/linkage_meeting_clock.csv)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from anying.core import clock
from anying.core.clock import Clock
from anying.core.models import User
from anying.core.permissions import roles_with

from .models import DATA, Certificate, LinkageMeeting, Team


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


def _meeting_recipients(meetings) -> dict[int, list[User]]:
    """The district's keepers (rescue.assess) of the meeting's district."""
    regions = {m.region_id for m in meetings}
    users = list(User.objects.filter(unit__region_id__in=regions, is_active=True, unit__is_active=True,
                                     role__in=roles_with("rescue.assess")).select_related("unit"))
    return {m.pk: [u for u in users if u.unit.region_id == m.region_id] for m in meetings}


# seed 001「5月底前，召开全区应急救援联动联席会议」: one record a year per district (made by the tick
# job `rescue_linkage_meetings`, services.ensure_meetings), due 31 May, open until it is held
LINKAGE_MEETING = clock.register(Clock(
    name="rescue_linkage_meeting", label="全区应急救援联动联席会议", model=LinkageMeeting, due="due_on",
    open=Q(held_on__isnull=True), defaults=DATA / "linkage_meeting_clock.csv", region="region",
    fields=("year", "region_id"), recipients=_meeting_recipients, event="remind",
    describe=lambda m: f"{m.year}年全区应急救援联动联席会议须于 {m.due_on:%Y年%m月%d日} 前召开",
    object_repr=lambda m: f"{m.year}年全区应急救援联动联席会议",
    url=lambda m: reverse("rescue_meetings")))
