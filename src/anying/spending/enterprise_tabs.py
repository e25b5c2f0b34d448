"""一企一档: the enterprise's yearly safety-spending ledgers on its page (core.hooks.EnterpriseTab)."""

from django.urls import reverse

from anying.core.amounts import money
from anying.core.hooks import EnterpriseTab

from .models import Ledger


def _ledgers(ent, user):
    return Ledger.objects.visible_to(user).filter(enterprise=ent).order_by("-year")


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


TABS = [
    EnterpriseTab("spending", "安全生产费用", "spending.view", _ledgers,
                  (("年度", lambda g: f"{g.year}年"), ("行业类别", lambda g: g.class_label),
                   ("应提取（元）", lambda g: money(g.required)), ("已提取（元）", lambda g: money(g.set_aside)),
                   ("提取比例", lambda g: _pct(g.rate) + ("（未足额）" if g.under else "")),
                   ("已使用（元）", lambda g: money(g.spent)), ("使用占比", lambda g: _pct(g.spent_share))),
                  lambda g: reverse("spending:detail", args=[g.pk]), order=90, empty="暂无安全生产费用台账。"),
]
