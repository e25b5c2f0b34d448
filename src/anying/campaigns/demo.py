"""Demo: the district's 危险作业 campaign, running now, in its enforcement phase, with its table
and some of the demo's hazards and inspections tagged (after every register's own demo)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anying.core.models import User

from . import services
from .models import Campaign, Phase

ITEMS = [
    ("动火作业", "动火作业是否按级别办理作业票，动火分析合格后方可作业", "GB 30871-2022"),
    ("有限空间", "有限空间作业是否落实“先通风、再检测、后作业”，未经审批严禁作业", "001「坚决落实“先通风、再检测、后作业”的有限空间作业规定」"),
    ("电气焊", "电气焊作业人员是否持有效特种作业操作证", "《安全生产法》第三十条"),
    ("外包外租", "外包、外租单位是否纳入本单位统一协调管理，现场是否旁站监护", "001「外包单位统一协调管理、现场旁站监护」"),
    ("应急处置", "是否严禁盲目施救，配备应急救援器材", "001「严禁盲目施救」"),
]


def load(rng) -> None:
    admin = User.objects.filter(username="admin").first()
    if admin is None or Campaign.objects.exists():
        return
    today = timezone.localdate()
    start = today - dt.timedelta(days=60)
    campaign = services.create(
        admin, {"name": f"{today.year}年动火等危险作业和有限空间专项整治", "starts_on": start,
                "ends_on": today + dt.timedelta(days=60),
                "goal": "先请各企业集中开展全面自查自改，政府部门强化帮扶指导，然后再开展精准严格执法。"},
        industries=[], phases=[
            {"kind": Phase.Kind.SELF_CHECK, "starts_on": start, "ends_on": today - dt.timedelta(days=31)},
            {"kind": Phase.Kind.ENFORCEMENT, "starts_on": today - dt.timedelta(days=30), "ends_on": today + dt.timedelta(days=30)},
            {"kind": Phase.Kind.CONSOLIDATION, "starts_on": today + dt.timedelta(days=31), "ends_on": today + dt.timedelta(days=60)},
        ])
    for category, content, basis in ITEMS:
        services.add_item(admin, campaign.pk, {"category": category, "content": content, "basis": basis})
    services.step(admin, campaign.pk, "start")
    from .hooks import DEMO_TAGGERS

    for tag in DEMO_TAGGERS:  # the registers above tag some of their demo records
        tag(campaign)
