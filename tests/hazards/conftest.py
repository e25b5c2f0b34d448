import datetime as dt

import pytest
from django.utils import timezone

from anying.hazards import services
from anying.hazards.models import Hazard
from anying.standards.models import Criterion

PLAN = {"objectives": "消除泄爆缺陷", "methods": "加装泄爆片", "funds_and_materials": "5万元",
        "organisation_and_staff": "设备部", "time_limit": "30日内", "safety_and_emergency": "停机作业，备灭火器"}
RECTIFY = {"responsible_person": "王主任", "measures": "清理通道", "deadline": timezone.localdate() + dt.timedelta(days=10)}


@pytest.fixture
def factory(make_enterprise):
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械", tags=["dust"])

    def make(level="general", channel="inspection", status=None, **extra):
        data = {"enterprise": ent, "place": "一车间", "description": "安全出口堵塞", "channel": channel,
                "found_by": "检查组", "found_on": timezone.localdate(), "level": level, **extra}
        if level == "major":
            data["criterion"] = Criterion.objects.get(criteria_set__code="gongmao_2023", article="第十一条", item="（三）")
        hazard = services.register(None, data)
        if status:
            Hazard.objects.filter(pk=hazard.pk).update(status=status, **RECTIFY)
            hazard.refresh_from_db()
        return hazard

    make.enterprise = ent
    return make
