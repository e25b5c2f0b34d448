"""Demo permits (`anying demo`, order 112, after monitoring which opens the 危化 enterprise's
`weihua` account): the demo's first 危化 enterprise gets a second account, `weihua2` (安全主管,
who approves what `weihua` fills in — an account never approves its own permit), and permits of
several kinds in several states: a 一级动火 closed after two gas analyses, a 受限空间 job under
way, a 特级动火 with one of its two approvals, an approved 高处 job not yet started, a 临时用电
job stopped by a failing analysis, a cancelled 吊装, and a 盲板抽堵 job under way at the second
危化 enterprise. Names are invented."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anying.core.models import Organisation, User
from anying.core.permissions import SYSTEM
from anying.core.roles import Role

from . import services
from .models import Permit

SECOND = "weihua2"


def _account(username: str, ent, display: str) -> User:
    from anying.core.demo import DEMO_PASSWORD
    from anying.core.services import create_user

    user = User.objects.filter(username=username).first()
    return user or create_user(None, username=username, password=DEMO_PASSWORD, role=Role.ENTERPRISE_USER,
                               unit=Organisation.objects.get(pk=ent.organisation_id), display_name=display)


def _workers(ent_name: str, contractor: str = "") -> list[dict]:
    rows = [{"name": "张建华", "company": ent_name, "certificate": "T512224198003150011"},
            {"name": "李志强", "company": ent_name, "certificate": ""}]
    if contractor:
        rows.append({"name": "王永福", "company": contractor, "certificate": "T510212199001010033", "contractor": True})
    return rows


def _permit(actor, ent, kind, level, place, content, hazards, details, *, hours=8, guardian="陈国平",
            contractor="", confirm=True, measures=None):
    from . import rules
    now = timezone.now()
    data = {"kind": kind, "level": level, "place": place, "content": content, "hazards": hazards,
            "details": details, "applicant_name": "刘明", "leader_name": "周志刚", "guardian_name": guardian,
            "guardian_cert": "JH-2026-018" if guardian else "", "valid_from": now - dt.timedelta(hours=1),
            "valid_until": now + dt.timedelta(hours=hours),
            "measures": measures if measures is not None else [m.code for m in rules.measures_of(kind)],
            "measures_confirmed": confirm, "workers": _workers(ent.name, contractor)}
    return services.save_permit(actor, data, enterprise=ent, is_demo=True)


def _gas(actor, permit, minutes_ago: int, readings: dict, point: str):
    services.record_analysis(actor, permit.pk, {
        "taken_at": timezone.now() - dt.timedelta(minutes=minutes_ago), "point": point, "analyst": "赵晓燕",
        "readings": readings})


def load(rng) -> None:
    if Permit.objects.filter(is_demo=True).exists():
        return
    from anying.registry.models import Enterprise

    chem = list(Enterprise.objects.filter(is_demo=True, tags__code="hazchem_use").order_by("id")[:2])
    if not chem:
        return
    # the monitoring demo's weihua works at a 危化 enterprise: that one, else the first
    weihua = User.objects.filter(username="weihua").first()
    ent = Enterprise.objects.filter(organisation_id=weihua.unit_id).first() if weihua else None
    if ent is None:
        ent = chem[0]
        weihua = _account("weihua", ent, "危化企业安全员")
    chem = [ent] + [c for c in chem if c.pk != ent.pk]
    second = _account(SECOND, ent, "危化企业安全主管")
    ok_fire = {"lel": "0", "o2": "20.8"}
    # 一级动火: two analyses (before and during), approved by the other account, closed
    fire = _permit(weihua, ent, "hot_work", "1", "罐区T-102储罐东侧管廊", "更换DN100进料管线法兰，电焊",
                   "可燃气体泄漏遇明火爆炸；焊渣飞溅引燃；灼烫", {"fire_method": "电焊"}, contractor="重庆恒安设备安装有限公司")
    _gas(weihua, fire, 20, ok_fire, "动火点下风向1m")
    services.run(second, fire.pk, "approve", comment="措施落实，同意动火", data={"title": "安全管理部门负责人"})
    services.run(weihua, fire.pk, "start")
    _gas(weihua, fire, 0, {"lel": "1", "o2": "20.9"}, "动火点下风向1m")
    services.run(weihua, fire.pk, "close", comment="焊口检验合格，现场无遗留火种，已清理")
    # 受限空间: ventilated, tested, under way
    space = _permit(weihua, ent, "confined", "", "甲醇储罐V-201", "罐内检查清理", "缺氧窒息；甲醇蒸气中毒、爆炸",
                    {}, hours=10)
    _gas(weihua, space, 15, {"o2": "20.6", "lel": "2", "co": "3"}, "罐内上、中、下部")
    services.run(second, space.pk, "approve", comment="已通风置换，检测合格", data={"title": "车间主任"})
    services.run(weihua, space.pk, "start")
    # 特级动火: one of its two approvals
    special = _permit(weihua, ent, "hot_work", "special", "合成装置区P-301泵出口管线", "带压不置换开孔",
                      "管线内可燃介质泄漏；爆炸；灼烫", {"fire_method": "带压开孔、焊接"}, hours=6)
    _gas(weihua, special, 10, {"lel": "0", "o2": "20.9"}, "开孔点周围")
    services.run(second, special.pk, "approve", comment="方案已论证", data={"title": "安全管理部门负责人"})
    # 二级高处: approved, not started
    height = _permit(weihua, ent, "height", "2", "甲类仓库屋面", "屋面彩钢瓦检修", "高处坠落；物体打击",
                     {"height_m": "8"}, hours=24, contractor="重庆恒安设备安装有限公司")
    services.run(second, height.pk, "approve", comment="同意", data={"title": "车间主任"})
    # 临时用电: stopped by a failing analysis during the work
    power = _permit(weihua, ent, "temp_power", "", "循环水泵房", "检修照明临时接电", "触电；电火花引燃",
                    {"voltage": "380V", "power_kw": "5"}, hours=12)
    _gas(weihua, power, 10, {"lel": "0"}, "接电点")
    services.run(second, power.pk, "approve", comment="同意", data={"title": "电气车间主任"})
    services.run(weihua, power.pk, "start")
    _gas(weihua, power, 0, {"lel": "12"}, "接电点")
    # 吊装: cancelled; 动土: waiting for its guardian
    lift = _permit(weihua, ent, "lifting", "3", "装卸站台", "吊装更换换热器管束", "起重伤害；物体打击",
                   {"load_t": "6.5"}, hours=6)
    services.run(second, lift.pk, "cancel", comment="吊车未到场，改期重新办理")
    _permit(weihua, ent, "excavation", "", "厂区东门道路", "开挖检修消防水管道", "挖断地下电缆；坍塌",
            {"area_m2": "12"}, hours=48, guardian="", confirm=False, measures=[])
    if len(chem) > 1:
        other = chem[1]
        applicant = User.objects.filter(unit_id=other.organisation_id, is_active=True).first()
        blind = _permit(applicant or SYSTEM, other, "blind_plate", "", "液氯汽化器进口管线", "加堵DN50盲板",
                        "氯气泄漏中毒", {"medium": "液氯", "plate_spec": "DN50 PN16"}, hours=8)
        services.run(SYSTEM, blind.pk, "approve", comment="同意")
        services.run(SYSTEM, blind.pk, "start")
