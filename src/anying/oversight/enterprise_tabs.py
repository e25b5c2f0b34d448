"""一企一档: the enterprise page's 生产安全事故 tab (core.hooks.EnterpriseTab)."""

from django.urls import reverse
from django.utils import timezone

from anying.core.hooks import EnterpriseTab

from .models import Accident


def accidents(ent, user):
    return Accident.objects.visible_to(user).filter(enterprise=ent).order_by("-occurred_at", "-id")


TABS = [
    EnterpriseTab("accidents", "事故", "oversight.view", accidents,
                  (("发生时间", lambda a: f"{timezone.localtime(a.occurred_at):%Y-%m-%d %H:%M}"),
                   ("事故", lambda a: str(a)), ("状态", lambda a: a.get_status_display())),
                  lambda a: reverse("accident_detail", args=[a.pk]), order=70, empty="暂无事故记录。"),
]
