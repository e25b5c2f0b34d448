"""What rescue teams put on a user's 待办 (core/workqueue.py): today's 值班备勤 not yet reported by
the teams the user keeps, and members' certificates expiring within 60 days."""

from __future__ import annotations

import datetime as dt

from django.db.models import DateField, Exists, F, OuterRef, Value
from django.urls import reverse

from anying.core.workqueue import WorkItem, WorkSource

from .models import Certificate, StandbyReport, Team
from .services import standby_teams


def standby(user, today):
    reported = StandbyReport.objects.filter(team=OuterRef("pk"), day=today)
    # standby_teams is scoped: the teams the user keeps (an enterprise: its own)
    return standby_teams(user).filter(is_active=True, category__in=Team.DAILY_STANDBY) \
        .filter(~Exists(reported)).annotate(work_due=Value(today, output_field=DateField())).order_by("name", "id")


def certificates(user, today):
    teams = Team.objects.visible_to(user).filter(pk=OuterRef("member__team_id"))
    return Certificate.objects.filter(Exists(teams), member__is_active=True, expires_on__isnull=False,
                                      expires_on__lte=today + dt.timedelta(days=60)) \
        .select_related("member__team").annotate(work_due=F("expires_on")).order_by("expires_on", "id")


def _team_row(t: Team) -> WorkItem:
    return WorkItem(f"{t.name} · 今日值班备勤未报告", reverse("rescue_standby_report") + f"?team={t.pk}", t.get_category_display())


def _cert_row(c: Certificate) -> WorkItem:
    return WorkItem(f"{c.member.team.name} · {c.member.name} · {c.name}",
                    reverse("rescue_team_detail", args=[c.member.team_id]) + "#members", "证书到期")


SOURCES = [
    WorkSource("rescue.standby", "rescue", "救援队伍", "今日未报值班备勤", standby, _team_row, "rescue.standby",
               list_url="rescue_standby", due_label="报告日期", order=600),
    WorkSource("rescue.certificates", "rescue", "救援队伍", "即将到期的队员证书", certificates, _cert_row, "rescue.edit",
               list_url="rescue_team_list", due_label="有效期至", order=610),
]
