"""The enterprise page's 安全培训 tab (一企一档, core.hooks.EnterpriseTab): its sessions."""

from django.urls import reverse

from anying.core.hooks import EnterpriseTab

from .models import Session

TABS = [EnterpriseTab(
    "training", "安全培训", "training.view",
    lambda ent, user: Session.objects.visible_to(user).filter(enterprise=ent).order_by("-held_on", "-id"),
    (("日期", lambda s: s.held_on), ("类别", lambda s: s.get_kind_display()), ("培训内容", lambda s: s.topic),
     ("学时", lambda s: s.hours)),
    lambda s: reverse("training_session", args=[s.pk]), order=70, empty="尚无培训记录。")]
