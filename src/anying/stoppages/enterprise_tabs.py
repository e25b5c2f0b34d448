"""一企一档: the enterprise's stoppage orders (core.hooks.ENTERPRISE_TABS)."""

from django.urls import reverse

from anying.core.hooks import EnterpriseTab

from .models import Stoppage


def _records(enterprise, user):
    return Stoppage.objects.visible_to(user).filter(enterprise=enterprise).order_by("-ordered_on", "-id")


TABS = [EnterpriseTab("stoppages", "停复产", "stoppages.view", _records,
                      (("下达日期", lambda s: f"{s.ordered_on:%Y-%m-%d}"), ("原因", lambda s: s.get_source_display()),
                       ("最早复产", lambda s: f"{s.earliest_restart:%Y-%m-%d}" if s.earliest_restart else "—"),
                       ("状态", lambda s: s.get_status_display())),
                      lambda s: reverse("stoppages:detail", args=[s.pk]), order=45, empty="暂无停产整顿记录。")]
