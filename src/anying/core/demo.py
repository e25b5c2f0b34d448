"""Demo data for core: 重庆市 → 铜梁区 → its 29 town-level units (seed 001 附件3), the
district's committee, departments with the industries each supervises, one 应急办 per town,
and one demo login per government role."""

import csv
from importlib import resources

from django.db import transaction

from .models import Industry, Organisation, Region, User
from .roles import Role
from .services import create_user

DEMO_PASSWORD = "Anying@2026"
DISTRICT = "铜梁区"

# Department → industries it supervises (行业监管). 区经信委 supervises 机械 and 轻工, as in
# the journeys (J1, J8); the others follow their statutory remits.
DEPARTMENTS = [
    ("区应急局", ["工贸", "危险化学品", "烟花爆竹", "非煤矿山"]),
    ("区经信委", ["机械", "轻工"]),
    ("区住建委", ["建设施工", "燃气"]),
    ("区交通局", ["交通运输"]),
    ("区消防救援支队", ["消防重点单位"]),
    ("区市场监管局", ["特种设备"]),
]

# (username, display name, role, unit name)
GOVERNMENT_LOGINS = [
    ("admin", "王安委", Role.DISTRICT_ADMIN, "区安委办"),
    ("leader", "李分管", Role.LEADER, "区安委办"),
    ("yingji", "陈执法", Role.DEPT_INSPECTOR, "区应急局"),
    ("jingxin", "赵经信", Role.DEPT_INSPECTOR, "区经信委"),
    ("jiuxian", "刘旧县", Role.TOWN_INSPECTOR, "旧县街道应急办"),
    ("hufeng", "周虎峰", Role.TOWN_INSPECTOR, "虎峰镇应急办"),
    ("duty", "孙值班", Role.DUTY_OFFICER, "区应急局"),
]


# The accounts `anying demo` prints, in this order (one line each; a missing one is skipped): the
# government roles, then the enterprise's, which registry/demo.py creates. Add a username here to
# print another.
DEMO_LOGINS = [username for username, *_ in GOVERNMENT_LOGINS] + ["cunyuan", "qiye", "fuzeren", "weihua", "weihua2"]
# cunyuan is 玉泉村's 灾害信息员 (disasters/villages.py), who reports the village's figures from a phone;
# fuzeren is an enterprise account like qiye: its 主要负责人, who closes what qiye submits (自查自改);
# weihua the safety manager of the hazardous-chemicals enterprise with the monitored installations
# (monitoring/demo.py)
LOGIN_LABELS = {"fuzeren": "企业主要负责人", "weihua": "危化企业安全员", "weihua2": "危化企业安全主管（审批作业票）"}


def printed_logins() -> list[tuple[str, str, str]]:
    """(role, username, unit) of each demo account that exists."""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_LOGINS).select_related("unit")}
    return [(LOGIN_LABELS.get(name, users[name].role_label), name, users[name].unit.name if users[name].unit else "")
            for name in DEMO_LOGINS if name in users]


def town_rows() -> list[dict]:
    text = resources.files("anying").joinpath("demo_data/tongliang_2022_town_standardization_targets.csv")
    with text.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def load(rng) -> None:
    if Region.objects.filter(name=DISTRICT, level=Region.Level.DISTRICT).exists():
        return
    city = Region.objects.create(name="重庆市", level=Region.Level.PROVINCE, code="500000000000")
    district = Region.objects.create(name=DISTRICT, level=Region.Level.DISTRICT, code="500151000000", parent=city)
    for sort, row in enumerate(town_rows()):
        name = row["town"]
        town = Region.objects.create(name=name, level=Region.Level.TOWN, parent=district, sort=sort,
                                     is_park=name.endswith("区"))
        Organisation.objects.create(name=f"{name}应急办", kind=Organisation.Kind.TOWN_OFFICE, region=town)
    Organisation.objects.create(name="区安委会", kind=Organisation.Kind.COMMITTEE, region=district)
    Organisation.objects.create(name="区安委办", kind=Organisation.Kind.COMMITTEE_OFFICE, region=district)
    industries = {i.name: i for i in Industry.objects.all()}
    for name, supervised in DEPARTMENTS:
        dept = Organisation.objects.create(name=name, kind=Organisation.Kind.DEPARTMENT, region=district)
        dept.supervised_industries.set([industries[n] for n in supervised])
    units = {o.name: o for o in Organisation.objects.all()}
    for username, display, role, unit in GOVERNMENT_LOGINS:
        create_user(None, username=username, password=DEMO_PASSWORD, role=role, unit=units[unit],
                    display_name=display)
    User.objects.filter(username="admin").update(is_staff=True)
