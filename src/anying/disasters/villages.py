"""The demo's village committees and their 灾害信息员 (one login per village), made once and
reused by every loader that needs them (disasters, relief, houses)."""

from __future__ import annotations

from anying.core.demo import DEMO_PASSWORD
from anying.core.models import Organisation, User
from anying.core.roles import Role
from anying.core.services import create_user
from anying.warning.demo import villages as demo_villages

# username of the first village's officer in each town; the demo prints `cunyuan`
LOGINS = {"玉泉村": ("cunyuan", "何玉泉"), "龙洞湾村": ("cunyuan2", "罗龙洞"), "幸福社区": ("cunyuan3", "梁幸福"),
          "太平村": ("cunyuan4", "宋太平"), "石牛村": ("cunyuan5", "郑石牛"), "虎峰社区": ("cunyuan6", "谢虎峰")}


def committees() -> dict[str, tuple]:
    """{village name: (village Region, committee Organisation, officer User)}."""
    out = {}
    for villages in demo_villages().values():
        for village in villages:
            unit, _ = Organisation.objects.get_or_create(
                name=f"{village.name}委员会", region=village,
                defaults={"kind": Organisation.Kind.VILLAGE_COMMITTEE})
            username, display = LOGINS.get(village.name, (f"cun{village.pk}", f"{village.name}信息员"))
            user = User.objects.filter(username=username).first() or create_user(
                None, username=username, password=DEMO_PASSWORD, role=Role.VILLAGE_OFFICER, unit=unit,
                display_name=display, phone=f"1390000{village.pk:04d}")
            out[village.name] = (village, unit, user)
    return out
