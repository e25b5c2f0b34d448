"""What the registry puts on a user's 待办 (core/workqueue.py): standardization certificates
(安全生产标准化达标证书) that expire within EXPIRING_WITHIN_DAYS, for those who keep the
register (a government clerk: the territory's; an enterprise: its own), so the 复评 is asked
for in time."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.urls import reverse

from anying.core.workqueue import WorkItem, WorkSource

from .models import Enterprise

EXPIRING_WITHIN_DAYS = 90  # as the home page's 90 天内到期 figure and the expiry reminders


def certificates_expiring(user, today):
    return Enterprise.objects.visible_to(user).filter(
        std_status=Enterprise.StdStatus.CERTIFIED, std_expiry_date__lte=today + dt.timedelta(days=EXPIRING_WITHIN_DAYS)) \
        .select_related("region").annotate(work_due=F("std_expiry_date")).order_by("std_expiry_date", "id")


def _row(e: Enterprise) -> WorkItem:
    return WorkItem(f"{e.region.name} · {e.name}", reverse("enterprise_detail", args=[e.pk]),
                    f"标准化{e.get_std_grade_display()}达标证书" if e.std_grade else "标准化达标证书")


SOURCES = [
    WorkSource("registry.certificates", "registry", "企业档案", f"{EXPIRING_WITHIN_DAYS} 天内到期的标准化证书",
               certificates_expiring, _row, ("registry.edit", "registry.edit_own"), list_url="standardization_below",
               due_label="证书有效期至", order=150),
]
