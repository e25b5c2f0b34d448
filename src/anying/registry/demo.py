"""Demo enterprises: the 243 enterprises of seed 001 附件2 (names, industries and
standardization notes are real). The seed gives no credit codes or towns, so each gets a
generated credit code with a valid check character and a town drawn by the towns' 2022
targets (附件3); every such record is marked `is_demo`. Responsible persons and contacts are
invented for the demo and marked as such."""

import csv
import re
from datetime import date
from decimal import Decimal
from importlib import resources

from django.db import transaction

from anying.core.demo import DEMO_PASSWORD, town_rows
from anying.core.models import Industry, Organisation, Region
from anying.core.roles import Role
from anying.core.services import create_user

from . import creditcode
from .models import Enterprise, KeyPerson, Post, PostCard, ResponsiblePerson, RiskTag
from .services import create_enterprise

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "建国志强伟明华军平勇斌杰涛超波辉刚健峰磊洋鹏飞红霞丽芳静敏燕玲娟英秀兰"
TAGS_BY_INDUSTRY = {
    "机械": [("dust", 0.3), ("confined_space", 0.15), ("hazchem_use", 0.2)],
    "冶金": [("molten_metal", 0.9), ("gas", 0.4)],
    "有色": [("molten_metal", 0.8), ("dust", 0.3)],
    "建材": [("dust", 0.3), ("confined_space", 0.2)],
    "轻工": [("confined_space", 0.3), ("ammonia", 0.1), ("dust", 0.15)],
    "纺织": [("dust", 0.3)],
}
EXPIRED = re.compile(r"(\d{4})年(\d{1,2})月过期")


def person(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def phone(rng) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}"


def standardization(note: str) -> dict:
    if note == "正在申请中":
        return {"std_status": Enterprise.StdStatus.APPLYING}
    match = EXPIRED.match(note)
    if match:
        year, month = int(match[1]), int(match[2])
        expiry = date(year, month, 28)
        return {"std_status": Enterprise.StdStatus.EXPIRED, "std_grade": Enterprise.Grade.THIRD,
                "std_certificate_date": date(year - 3, month, 28), "std_expiry_date": expiry}
    return {"std_status": Enterprise.StdStatus.NONE}


@transaction.atomic
def load(rng) -> None:
    if Enterprise.objects.filter(is_demo=True).exists():
        return
    district = Region.objects.get(level=Region.Level.DISTRICT, name="铜梁区")
    towns = {r.name: r for r in Region.objects.filter(parent=district)}
    names = [row["town"] for row in town_rows()]
    weights = [int(row["target_industrial_enterprises"]) + 2 if row["target_industrial_enterprises"].isdigit() else 1
               for row in town_rows()]
    industries = {i.name: i for i in Industry.objects.all()}
    tags = {t.code: t for t in RiskTag.objects.all()}
    regional = {name: (person(rng), f"{name}党政主要负责人") for name in names}
    departmental = {"机械": "区经信委", "轻工": "区经信委"}
    dept_heads = {}
    text = resources.files("anying").joinpath("demo_data/tongliang_2022_enterprises_below_standard.csv")
    with text.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        town = towns[rng.choices(names, weights)[0]]
        industry = industries[row["industry"]]
        data = {
            "name": row["name"], "credit_code": creditcode.synthetic(rng), "region": town, "industry": industry,
            "scale": Enterprise.Scale.ABOVE, "employees": rng.randint(20, 600), "is_demo": True,
            "address": f"重庆市铜梁区{town.name}{rng.randint(1, 300)}号", "std_note": row["standardization_note"],
            "legal_representative": person(rng), "contact_name": person(rng), "contact_phone": phone(rng),
            "longitude": Decimal(f"{105.80 + rng.random() * 0.35:.6f}"),
            "latitude": Decimal(f"{29.70 + rng.random() * 0.35:.6f}"),
            **standardization(row["standardization_note"]),
        }
        chosen = [tags[code] for code, p in TAGS_BY_INDUSTRY.get(row["industry"], []) if rng.random() < p]
        ent = create_enterprise(None, data, tags=chosen)
        dept = departmental.get(row["industry"], "区应急局")
        dept_heads.setdefault(dept, person(rng))
        ResponsiblePerson.objects.bulk_create([
            ResponsiblePerson(enterprise=ent, kind=ResponsiblePerson.Kind.REGIONAL, name=regional[town.name][0],
                              title=regional[town.name][1], phone=f"023-4567{rng.randint(1000, 9999)}"),
            ResponsiblePerson(enterprise=ent, kind=ResponsiblePerson.Kind.DEPARTMENTAL, name=dept_heads[dept],
                              title=f"{dept}分管负责人", phone=f"023-4567{rng.randint(1000, 9999)}"),
            ResponsiblePerson(enterprise=ent, kind=ResponsiblePerson.Kind.ENTERPRISE, name=data["legal_representative"],
                              title="法定代表人、总经理", phone=phone(rng)),
        ])
        KeyPerson.objects.create(enterprise=ent, kind=KeyPerson.Kind.PRINCIPAL, name=data["legal_representative"],
                                 certificate_type="主要负责人安全生产知识和管理能力考核合格证")
        KeyPerson.objects.create(enterprise=ent, kind=KeyPerson.Kind.SAFETY_MANAGER, name=data["contact_name"],
                                 certificate_type="安全生产管理人员考核合格证",
                                 certificate_no=f"500151{rng.randrange(10**9, 10**10)}",
                                 certificate_expiry=date(2027, rng.randint(1, 12), 1))
    _enterprise_login(rng, towns["旧县街道"])


def _enterprise_login(rng, town) -> None:
    """The demo enterprise safety manager: a 机械 enterprise in 旧县街道, with posts and cards."""
    ent = (Enterprise.objects.filter(region=town, industry__name="机械").order_by("id").first()
           or Enterprise.objects.filter(region=town).order_by("id").first())
    post = Post.objects.create(enterprise=ent, name="抛丸打磨工", department="机加工车间", headcount=6)
    PostCard.objects.bulk_create([
        PostCard(post=post, kind=PostCard.Kind.RISK_LIST, content="粉尘爆炸：除尘系统积尘、明火\n机械伤害：旋转部位无防护"),
        PostCard(post=post, kind=PostCard.Kind.DUTY_LIST, content="班前检查除尘器运行和泄爆装置；每班清扫积尘"),
        PostCard(post=post, kind=PostCard.Kind.OPERATION_CARD, content="1. 开机前确认除尘器先启动\n2. 禁止带电清理"),
        PostCard(post=post, kind=PostCard.Kind.EMERGENCY_CARD, content="发生粉尘燃爆：立即停机、断电、撤离，拨打 119 并报告车间主任"),
    ])
    KeyPerson.objects.create(enterprise=ent, kind=KeyPerson.Kind.SPECIAL_OPERATOR, name=person(rng),
                             certificate_type="焊接与热切割作业", certificate_no="")
    create_user(None, username="qiye", password=DEMO_PASSWORD, role=Role.ENTERPRISE_USER,
                unit=Organisation.objects.get(pk=ent.organisation_id), display_name="企业安全员")
    # its 主要负责人, who closes the general hazards the safety manager rectified (自查自改)
    create_user(None, username="fuzeren", password=DEMO_PASSWORD, role=Role.ENTERPRISE_USER,
                unit=Organisation.objects.get(pk=ent.organisation_id), display_name="企业主要负责人")
