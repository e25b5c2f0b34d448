"""一企一档: the enterprise page's 执法检查, 行政处罚 and 执法文书 tabs (core.hooks.EnterpriseTab)."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from anying.core import amounts
from anying.core.hooks import EnterpriseTab

from .models import EnforcementDocument, Inspection, Penalty


def _date(d) -> str:
    return f"{d:%Y-%m-%d}" if d else "—"


def inspections(ent, user):
    return Inspection.objects.visible_to(user).filter(enterprise=ent).select_related("unit") \
        .order_by("-inspected_on", "-id")


def penalties(ent, user):
    return Penalty.objects.visible_to(user).filter(enterprise=ent).order_by("-filed_on", "-id")


def documents(ent, user):
    """The 文书 of the enterprise's inspections and penalties the viewer may see."""
    seen = Q(Exists(inspections(ent, user).filter(pk=OuterRef("inspection_id")))) \
        | Q(Exists(penalties(ent, user).filter(pk=OuterRef("penalty_id"))))
    return EnforcementDocument.objects.filter(seen).order_by("-issued_on", "-id")


def _document_url(d: EnforcementDocument) -> str:
    if d.penalty_id:
        return reverse("penalty_document", args=[d.penalty_id, d.pk])
    return reverse("inspection_document", args=[d.inspection_id, d.pk])


TABS = [
    EnterpriseTab("inspections", "执法检查", "registry.view", inspections,
                  (("检查日期", lambda i: _date(i.inspected_on)), ("执法单位", lambda i: i.unit.name),
                   ("发现问题", lambda i: str(i.findings)), ("状态", lambda i: i.get_status_display())),
                  lambda i: reverse("inspection_detail", args=[i.pk]), order=20, empty="暂无执法检查记录。"),
    EnterpriseTab("penalties", "行政处罚", "registry.view", penalties,
                  (("立案日期", lambda p: _date(p.filed_on)), ("当事人", lambda p: p.party_name),
                   ("罚款（元）", lambda p: amounts.money(p.amount)), ("状态", lambda p: p.get_status_display())),
                  lambda p: reverse("penalty_detail", args=[p.pk]), order=30, empty="暂无行政处罚记录。"),
    EnterpriseTab("documents", "执法文书", "registry.view", documents,
                  (("日期", lambda d: _date(d.issued_on)), ("文书", lambda d: d.get_kind_display()),
                   ("文号", lambda d: d.number)),
                  _document_url, order=40, empty="暂无执法文书。"),
]
