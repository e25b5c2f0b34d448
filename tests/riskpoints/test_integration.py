"""With the warning app itself: a warning drafted, submitted and signed off through its services
reaches the point's people on the 叫应 ledger and opens the point's evacuation and rain checks."""

import datetime as dt

from django.utils import timezone

from anying.riskpoints.models import Evacuation, RainCheck
from anying.warning import services as warning_services
from anying.warning.models import Recipient, Warning


def test_an_issued_warning_reaches_the_point_and_opens_its_evacuation(users, town, make_point):
    point = make_point()
    now = timezone.now()
    w = warning_services.save_draft(users["yingji"], Warning(
        kind="rainstorm", level="red", agency="铜梁区气象台", headline="暴雨红色预警", description="预计特大暴雨",
        onset=now, expires=now + dt.timedelta(hours=12)), [town("旧县街道")])
    warning_services.act(users["yingji"], w.pk, "submit")
    warning_services.act(users["leader"], w.pk, "issue")
    roles = " ".join(Recipient.objects.filter(warning=w).values_list("roles", flat=True))
    for label in ("行政责任人", "主管部门责任人", "管护单位责任人", "群测群防员", "转移组织人"):
        assert f"{point.name} {label}" in roles
    admin = Recipient.objects.get(warning=w, phone=point.admin_responsible.phone)
    assert admin.superior_name == "旧县街道镇长"
    evac = Evacuation.objects.get(point=point)
    assert evac.warning_id == w.pk and evac.status == Evacuation.Status.PENDING
    assert RainCheck.objects.filter(point=point, warning=w).count() == 3
