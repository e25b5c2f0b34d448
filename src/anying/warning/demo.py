"""Demo warnings for 铜梁区 (`anying demo`): a 责任人名册 for two towns and their villages
(town heads, the towns' 防汛 officials, 包村 leaders, village heads, 网格员, 群测群防员, each with
a superior), a rainstorm warning issued 40 minutes ago with half its recipients answered and the
silent ones escalated to the duty desk's phone calls, a geological warning imported from the
weather bureau's CAP file and waiting as a draft, and an older warning that was cancelled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from anying.core.models import Organisation, Region, User
from anying.core.permissions import SYSTEM

from . import delivery, services
from .models import Contact, Recipient, Warning

TOWNS = {"旧县街道": ["玉泉村", "龙洞湾村", "幸福社区"], "虎峰镇": ["太平村", "石牛村", "虎峰社区"]}
SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["国华", "建平", "红梅", "志强", "秀英", "德明", "春燕", "永刚", "丽华", "海涛", "桂兰", "文军", "明亮", "晓燕"]
SAMPLE = Path(__file__).parent / "data" / "sample_cap.xml"


def villages() -> dict[str, list[Region]]:
    """The demo villages (created here, the first loader that needs them; later loaders reuse them)."""
    out = {}
    for town_name, names in TOWNS.items():
        town = Region.objects.filter(name=town_name, level=Region.Level.TOWN).first()
        if town is None:
            continue
        out[town_name] = [Region.objects.get_or_create(name=n, parent=town, defaults={"level": Region.Level.VILLAGE,
                                                                                    "sort": i})[0]
                          for i, n in enumerate(names)]
    return out


def load(rng) -> None:
    if Contact.objects.exists() or not Region.objects.filter(name="旧县街道").exists():
        return
    with transaction.atomic():
        _contacts(rng)
        _warnings(rng)


def _person(rng, used: set) -> tuple[str, str]:
    while True:
        phone = f"13{rng.randint(5, 9)}{rng.randint(10_000_000, 99_999_999)}"
        if phone not in used:
            used.add(phone)
            return rng.choice(SURNAMES) + rng.choice(GIVEN), phone


def _contacts(rng) -> None:
    used: set[str] = set()
    R = Contact.Role
    bureau = Organisation.objects.filter(name="区应急局").first()
    for vs in villages().values():
        town = vs[0].parent
        unit = Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region=town).first()
        name, phone = _person(rng, used)
        leader = Contact.objects.create(name=name, phone=phone, region=town, role=R.DISTRICT_LEADER, title="副区长（包镇）",
                                        families="general", unit=bureau)
        name, phone = _person(rng, used)
        head = Contact.objects.create(name=name, phone=phone, region=town, role=R.TOWN_HEAD, title="党工委书记",
                                      families="general", unit=unit, superior=leader)
        name, phone = _person(rng, used)
        Contact.objects.create(name=name, phone=phone, region=town, role=R.TOWN_OFFICIAL, title="镇街防汛抗旱行政责任人",
                               families="flood,geological", unit=unit, superior=head)
        for village in vs:
            name, phone = _person(rng, used)
            cadre = Contact.objects.create(name=name, phone=phone, region=village, role=R.TOWN_LEADER, title="包村领导",
                                           families="general", unit=unit, superior=head)
            name, phone = _person(rng, used)
            chief = Contact.objects.create(name=name, phone=phone, region=village, role=R.VILLAGE_HEAD, title="村（居）委会主任",
                                           families="general", unit=unit, superior=cadre)
            for role, families in ((R.GRID_WORKER, "general"), (R.MONITOR, "geological,flood")):
                name, phone = _person(rng, used)
                Contact.objects.create(name=name, phone=phone, region=village, role=role, families=families, unit=unit,
                                       superior=chief)


def _warnings(rng) -> None:
    editor = User.objects.filter(username="duty").first()
    approver = User.objects.filter(username="leader").first()
    bureau = Organisation.objects.filter(name="区应急局").first()
    if editor is None or approver is None or bureau is None:
        return
    now = timezone.now()
    towns = list(Region.objects.filter(name__in=TOWNS, level=Region.Level.TOWN))
    # an older 高温 warning, issued and cancelled
    old = services.save_draft(SYSTEM, Warning(
        kind="heat", level="yellow", agency="铜梁区气象台", unit=bureau, drafted_by=editor,
        headline="铜梁区气象台发布高温黄色预警信号", description="预计未来三天全区最高气温将在35℃以上。",
        instruction="户外作业避开高温时段，做好防暑降温。", onset=now - dt.timedelta(days=6),
        expires=now + dt.timedelta(days=1)), towns)
    services.act(SYSTEM, old.pk, "submit")
    services.act(SYSTEM, old.pk, "issue")
    Warning.objects.filter(pk=old.pk).update(issued_at=now - dt.timedelta(days=6), approved_by=approver)
    Recipient.objects.filter(warning=old).update(acknowledged_at=now - dt.timedelta(days=6), via=Recipient.Via.LINK,
                                                 next_escalation_at=None, notified_at=now - dt.timedelta(days=6))
    cancel = services.follow_up(SYSTEM, old.pk, Warning.MsgType.CANCEL)
    services.act(SYSTEM, cancel.pk, "submit")
    services.act(SYSTEM, cancel.pk, "issue")
    # the rainstorm warning in force: issued 40 minutes ago, half answered, the rest escalated
    issued = now - dt.timedelta(minutes=40)
    rain = services.save_draft(SYSTEM, Warning(
        kind="rainstorm", level="orange", agency="铜梁区气象台", unit=bureau, drafted_by=editor,
        headline="铜梁区气象台发布暴雨橙色预警信号",
        description="预计未来6小时内，旧县街道、虎峰镇降雨量将达50毫米以上，局地100毫米以上。",
        instruction="各镇街落实防暴雨应急工作，组织雨中巡查，按转移清单做好人员转移准备。",
        onset=issued, expires=now + dt.timedelta(hours=20)), towns)
    Warning.objects.filter(pk=rain.pk).update(drafted_by=editor)
    services.act(SYSTEM, rain.pk, "submit")
    services.act(SYSTEM, rain.pk, "issue")
    Warning.objects.filter(pk=rain.pk).update(issued_at=issued, approved_by=approver, submitted_by=editor)
    people = list(Recipient.objects.filter(warning=rain).order_by("pk"))
    rng.shuffle(people)
    Recipient.objects.filter(warning=rain).update(notified_at=issued, next_escalation_at=issued + dt.timedelta(minutes=5))
    for r in people[: len(people) // 2]:
        delivery.acknowledge(r, rng.choice([Recipient.Via.LINK, Recipient.Via.LINK, Recipient.Via.REPLY]),
                             issued + dt.timedelta(minutes=rng.randint(1, 12)))
    # the clock as it ran: a second SMS at +5, calls at +10
    delivery.escalate_due(issued + dt.timedelta(minutes=6))
    delivery.escalate_due(issued + dt.timedelta(minutes=16))
    from .models import MeasureTask

    first = MeasureTask.objects.filter(warning=rain).select_related("town").first()
    if first is not None:
        hufeng = User.objects.filter(username="hufeng").first() if first.town.name == "虎峰镇" else \
            User.objects.filter(username="jiuxian").first()
        if hufeng is not None:
            services.report_measure(hufeng, first.pk, "已组织巡逻车2台、带装巡护队员12人开展巡查宣传。")
    # the weather bureau's geological warning, imported as a draft for the editor to complete
    text = SAMPLE.read_bytes().replace(b"2026-06-07T15:30:00", timezone.localtime(now).strftime(
        "%Y-%m-%dT%H:%M:%S").encode()).replace(b"2026-06-08T15:30:00", timezone.localtime(
            now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S").encode())
    services.import_cap(editor, text, origin="示例 CAP 文件")
