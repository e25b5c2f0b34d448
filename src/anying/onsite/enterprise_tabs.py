"""The enterprise page's 在岗履职 tab (一企一档): the days on site of its 实际控制人 and 总工程师."""

from django.urls import reverse

from anying.core.hooks import EnterpriseTab

from .models import OnsiteDay

TABS = [EnterpriseTab(
    "onsite", "在岗履职", "onsite.view",
    lambda ent, user: OnsiteDay.objects.visible_to(user).filter(enterprise=ent).select_related("person")
    .order_by("-day", "person_id"),
    (("日期", lambda d: d.day), ("人员", lambda d: f"{d.person.get_kind_display()} {d.person.name}"),
     ("履职内容", lambda d: d.work)),
    lambda d: reverse("onsite_days") + f"?month={d.day:%Y-%m}&enterprise={d.enterprise_id}", order=72,
    empty="尚无在岗履职登记（矿山企业的实际控制人、总工程师）。")]
