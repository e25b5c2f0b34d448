"""The enterprise page's 特殊作业票 tab (一企一档, core.hooks.EnterpriseTab)."""

from django.urls import reverse
from django.utils import timezone

from anying.core.hooks import EnterpriseTab

from .models import Permit

TABS = [EnterpriseTab(
    "permits", "特殊作业票", "permits.view",
    lambda ent, user: Permit.objects.visible_to(user).filter(enterprise=ent).order_by("-valid_from", "-id"),
    (("编号", lambda p: p.number), ("作业", lambda p: p.title), ("地点", lambda p: p.place),
     ("有效期至", lambda p: timezone.localtime(p.valid_until).strftime("%Y-%m-%d %H:%M")),
     ("状态", lambda p: p.get_status_display() + ("（超期）" if p.expired else ""))),
    lambda p: reverse("permit_detail", args=[p.pk]), order=70, empty="暂无特殊作业票。")]
