"""一企一档: the enterprise's entries on the 严重失信主体名单 (an enterprise user sees its own)."""

from django.urls import reverse

from anying.core.hooks import EnterpriseTab

from .models import Listing


def _listings(ent, user):
    return Listing.objects.visible_to(user).filter(enterprise=ent).order_by("-created_at", "-id")


TABS = [
    EnterpriseTab("credit", "失信名单", "credit.view", _listings,
                  (("编号", lambda g: g.number), ("对象", lambda g: g.public_name),
                   ("列入情形", lambda g: g.ground_label[:30]), ("状态", lambda g: g.get_status_display()),
                   ("管理期满", lambda g: g.period_end or "—")),
                  lambda g: reverse("credit:detail", args=[g.pk]), order=95, empty="未列入严重失信主体名单。"),
]
