"""Demo relief for 铜梁区 (`anying demo`, after the supplies and the village committees): the
2026—2027 winter-spring relief (公示 7 days by default) with the needs survey of the six demo
villages; applications at every step — filed and waiting for 村评 in 玉泉村, passed by the village
and waiting for 乡审, 旧县街道's list on notice now (one objection received from the public page and
answered: not upheld), 虎峰镇's list whose notice has run its days, some decided and some paid
through 一卡通 — donations of money (one anonymous, one directed to 虎峰镇) and of goods (棉被 into
the district store, part allocated to 旧县街道 on an 出库单 draft), fund allocations by source
with their use, and one finding of 监督检查 (虚报冒领, being handled).

Every step is taken by the login that takes it in the product (cunyuan, jiuxian, leader, admin),
through the services. Names, ID numbers and accounts are invented (the ID numbers carry a valid
check digit)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from anying.core.models import Organisation, Region, User
from anying.core.permissions import SYSTEM

from . import donations, funds, services
from .models import Application, Donation, Round

SURNAMES = "张王李刘陈杨黄赵周吴徐孙胡朱高林何郭罗梁宋郑谢唐许邓冯韩曹曾彭"
GIVEN = ["国华", "建平", "红梅", "志强", "秀英", "德明", "春燕", "永刚", "丽华", "海涛", "桂兰", "文军", "明亮", "晓燕",
         "光荣", "玉兰", "大富", "桂芳"]
SITUATIONS = ["7月暴雨致房屋一般损坏，秋粮减产七成，家中有老人常年服药", "山洪冲毁承包地，口粮不足，冬季缺少棉被",
              "房屋严重损坏，暂住亲戚家，取暖困难", "户主因灾受伤住院，家庭无其他劳动力", "滑坡损毁住房，分散安置，衣被不足"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def id_number(rng) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 50))
    body = f"500224{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def sheet() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), (250, 250, 245)).save(buffer, format="PNG")
    return SimpleUploadedFile("民主评议记录签字页.png", buffer.getvalue(), content_type="image/png")


def round_name(today: dt.date) -> tuple[str, dt.date, dt.date]:
    first = today.year if today.month >= 9 else today.year - 1
    return f"{first}—{first + 1}年度冬春救助", dt.date(first, 12, 1), dt.date(first + 1, 5, 31)


def load(rng) -> None:
    district = Region.objects.filter(name="铜梁区", level=Region.Level.DISTRICT).first()
    if district is None or Round.objects.exists() or not User.objects.filter(username="jiuxian").exists():
        return
    from anying.disasters.villages import committees

    with transaction.atomic():
        villages = committees()
        if not villages:
            return
        _relief(rng, district, villages)
        _donations(rng, district)
        _funds(rng, district)


def _relief(rng, district, villages) -> None:
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "leader", "jiuxian", "hufeng"])}
    name, starts, ends = round_name(today)
    rnd = services.save_round(SYSTEM, {"name": name, "region": district, "starts_on": starts, "ends_on": ends,
                                       "unit": Organisation.objects.get(name="区应急局")})
    used = set()

    def person():
        while True:
            n = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if n not in used:
                used.add(n)
                return n

    def file(village_name, n):
        village, _unit, officer = villages[village_name]
        made = []
        for _ in range(n):
            members = rng.randint(1, 6)
            needs = rng.sample(["food", "clothing", "heating", "housing", "medical"], rng.randint(1, 3))
            made.append(services.file_application(officer, {
                "round": rnd, "village": village, "head": person(), "id_number": id_number(rng),
                "phone": f"13{rng.randint(5, 9)}{rng.randint(10_000_000, 99_999_999)}", "members": members,
                "situation": rng.choice(SITUATIONS), "needs": needs,
                "requested": Decimal(rng.choice([300, 500, 800, 1000, 1200, 1500]))}))
        return made

    def review(village_name, apps, reject=()):
        village, _unit, officer = villages[village_name]
        services.record_minutes(officer, {
            "round": rnd, "village": village, "held_on": today - dt.timedelta(days=20), "attendees": rng.randint(15, 40),
            "text": f"{village_name}村民代表会议：村“两委”成员、村民代表和驻村干部参加，逐户介绍受灾和困难情况，"
                    f"举手表决，评议结果当场公布。"},
            sheet=sheet(), decisions={a.pk: "reject" if a in reject else "pass" for a in apps})

    for _village_name, (village, _unit, _officer) in villages.items():
        households = rng.randint(8, 20)
        persons = households * rng.randint(2, 3)
        services.save_survey(_officer, {
            "round": rnd, "village": village, "households": households, "persons": persons,
            "food_households": households // 2, "food_persons": persons // 2,
            "clothing_households": households // 3, "clothing_persons": persons // 3,
            "heating_households": households // 2, "heating_persons": persons // 2,
            "housing_households": households // 4, "housing_persons": persons // 4,
            "medical_households": households // 5, "medical_persons": persons // 5,
            "surveyed_on": today - dt.timedelta(days=40), "note": "9月下旬起逐户调查摸底"})

    # 旧县街道: 玉泉村 — two filed (村评 to do), two passed by the village (乡审 to do), a list on notice
    jiuxian, hufeng, leader, admin = users["jiuxian"], users["hufeng"], users["leader"], users["admin"]
    file("玉泉村", 2)
    waiting = file("玉泉村", 2)
    review("玉泉村", waiting)
    on_notice = file("玉泉村", 3) + file("龙洞湾村", 2)
    refused = on_notice[-1]
    review("玉泉村", on_notice[:3])
    review("龙洞湾村", on_notice[3:], reject=[refused])
    for a in on_notice[:4]:
        services.run(jiuxian, a.pk, "town_pass")
    services.publish_notice(jiuxian, rnd, villages["玉泉村"][0].parent, [a.pk for a in on_notice[:4]],
                                     contact="023-45600000", starts_on=today - dt.timedelta(days=2))
    objection = services.record_objection(SYSTEM, on_notice[0].pk, {
        "content": "该户儿子在城里买了房，家庭条件不差，不应享受救助", "objector": "", "contact": ""}, public=True)
    services.answer_objection(jiuxian, objection.pk, {
        "upheld": False, "answer": "经镇村干部入户核实：该户儿子已分户另居，户主夫妇年迈多病，房屋因灾严重损坏，"
                                   "符合救助条件，异议不成立。已电话告知反映人。"})
    # 虎峰镇: 太平村 and 石牛村 — the notice has run its days: decided, some paid
    done = file("太平村", 3) + file("石牛村", 2)
    review("太平村", done[:3])
    review("石牛村", done[3:])
    for a in done:
        services.run(hufeng, a.pk, "town_pass")
    services.publish_notice(hufeng, rnd, villages["太平村"][0].parent, [a.pk for a in done],
                            contact="023-45611111", starts_on=today - dt.timedelta(days=rnd.notice_days + 3))
    for a in done:
        services.run(leader, a.pk, "decide")
    for a in done[:3]:
        services.run(admin, a.pk, "pay", data={"account": f"6217{rng.randint(10**11, 10**12 - 1)}",
                                               "amount": Application.objects.get(pk=a.pk).amount, "paid_on": today})


def _donations(rng, district) -> None:
    from anying.supplies import services as supplies
    from anying.supplies.models import Item, Warehouse

    admin = User.objects.get(username="admin")
    jiuxian_town = Region.objects.get(name="旧县街道", level=Region.Level.TOWN)
    hufeng_town = Region.objects.get(name="虎峰镇", level=Region.Level.TOWN)
    bureau = Organisation.objects.get(name="区应急局")
    today = timezone.localdate()
    first = donations.record_donation(admin, {
        "unit": bureau, "donor": "重庆某建设集团有限公司", "donor_kind": Donation.DonorKind.COMPANY, "form": "money",
        "amount": Decimal("200000"), "received_on": today - dt.timedelta(days=60), "note": "7·12 暴雨灾后捐赠"})
    donations.record_donation(admin, {
        "unit": bureau, "donor": "张某某", "donor_kind": Donation.DonorKind.PERSON, "anonymous": True, "form": "money",
        "amount": Decimal("5000"), "received_on": today - dt.timedelta(days=50)})
    directed = donations.record_donation(admin, {
        "unit": bureau, "donor": "铜梁区慈善会", "donor_kind": Donation.DonorKind.ORGANISATION, "form": "money",
        "amount": Decimal("80000"), "intent": Donation.Intent.DIRECTED, "directed_town": hufeng_town,
        "directed_note": "定向用于虎峰镇受灾群众冬春生活救助", "received_on": today - dt.timedelta(days=45)})
    donations.allocate(admin, first.pk, {"town": jiuxian_town, "amount": Decimal("120000"),
                                         "purpose": "旧县街道受灾群众过渡期生活救助", "allocated_on": today - dt.timedelta(days=40)})
    donations.allocate(admin, directed.pk, {"town": hufeng_town, "household": "谢大富", "amount": Decimal("3000"),
                                            "purpose": "房屋倒塌户临时生活救助", "allocated_on": today - dt.timedelta(days=30)})
    store = Warehouse.objects.filter(name="铜梁区应急物资储备库").first()
    quilt = Item.objects.filter(code="SH-003").first()
    if store is None or quilt is None:
        return
    goods = donations.record_donation(admin, {
        "unit": bureau, "donor": "重庆某纺织有限公司", "donor_kind": Donation.DonorKind.COMPANY, "form": "goods",
        "warehouse": store, "goods_value": Decimal("36000"), "received_on": today - dt.timedelta(days=20)},
        [{"item": quilt, "quantity": 300}])
    supplies.post(SYSTEM, goods.document_id)
    donations.allocate(admin, goods.pk, {"town": jiuxian_town, "item": quilt, "quantity": 120,
                                         "purpose": "冬春救助衣被发放", "allocated_on": today})


def _funds(rng, district) -> None:
    admin = User.objects.get(username="admin")
    rnd = Round.objects.first()
    today = timezone.localdate()
    towns = {t.name: t for t in Region.objects.filter(name__in=["旧县街道", "虎峰镇", "安居镇"], level=Region.Level.TOWN)}
    for name, central, local in (("旧县街道", "300000", "60000"), ("虎峰镇", "260000", "50000"), ("安居镇", "120000", "30000")):
        if name not in towns:
            continue
        funds.allocate_fund(admin, {"region": towns[name], "source": "central", "amount": Decimal(central),
                                    "allocated_on": today - dt.timedelta(days=25), "round": rnd,
                                    "reference": "铜应急发〔2026〕48号", "purpose": "中央自然灾害救灾资金（冬春救助）"})
        funds.allocate_fund(admin, {"region": towns[name], "source": "district", "amount": Decimal(local),
                                    "allocated_on": today - dt.timedelta(days=24), "round": rnd,
                                    "reference": "铜应急发〔2026〕49号", "purpose": "区级冬春救助配套资金"})
    if "虎峰镇" in towns:
        funds.record_use(admin, {"region": towns["虎峰镇"], "source": "central", "kind": "households",
                                 "amount": Decimal("3900"), "used_on": today, "households": 3,
                                 "description": "冬春救助一卡通发放（太平村）"})
        funds.save_finding(admin, {
            "region": towns["虎峰镇"], "kind": "false_claim", "unit_name": "虎峰镇石牛村村民委员会",
            "amount": Decimal("2400"), "found_on": today - dt.timedelta(days=10),
            "description": "2025—2026年度冬春救助中，村干部亲属以虚报家庭人口方式多领救助金2400元。",
            "handling": "责令退回多领资金；对相关村干部进行诫勉谈话，移交镇纪委处理。",
            "follow_up": "已追回1200元，余款限期退回。", "recovered": Decimal("1200"), "status": "open"})
    if "旧县街道" in towns:
        funds.record_use(admin, {"region": towns["旧县街道"], "source": "central", "kind": "project",
                                 "amount": Decimal("45000"), "used_on": today - dt.timedelta(days=5),
                                 "description": "集中安置点取暖设备和被褥采购"})
