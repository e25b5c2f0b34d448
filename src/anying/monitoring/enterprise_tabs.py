"""The enterprise page's 重大危险源 tab (一企一档, core.hooks.EnterpriseTab)."""

from django.urls import reverse

from anying.core.hooks import EnterpriseTab

from .models import Installation

TABS = [EnterpriseTab(
    "installations", "重大危险源", "monitoring.view",
    lambda ent, user: Installation.objects.visible_to(user).filter(enterprise=ent).order_by("-is_major", "grade", "name"),
    (("单元", lambda i: i.name), ("类型", lambda i: i.get_kind_display()), ("S", lambda i: i.s_value),
     ("级别", lambda i: i.get_grade_display() or "未构成")),
    lambda i: reverse("installation_detail", args=[i.pk]), order=60, empty="未登记重大危险源。")]
