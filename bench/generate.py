"""Fill the configured database with a realistic enterprise registry for the benchmarks.

    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/generate.py --enterprises 100000
    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/generate.py -n 100000

Migrates, loads the core demo district if absent (重庆市 → 铜梁区 → 29 towns, units, demo
logins), then inserts N enterprises with their organisations and risk tags in one transaction.
Benchmark rows carry a public_token starting with `bench-` (shown nowhere in the UI), so
`--reset` deletes exactly those and leaves everything else alone. The same --seed gives the
same rows.
"""

from __future__ import annotations

import argparse
import base64
import random
import time
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

import common

MARK = "bench-"
CHUNK = 10_000  # rows built in Python per round, to keep memory flat

# Town weights: every town has workshops, shops and sites besides the industrial enterprises
# of its 2022 standardization target (附件3), so a base share plus the target; 高新区 comes out
# heaviest (≈28%), 旧县街道 ≈3%.
TOWN_BASE = 20

# Share of each 监管行业 (per cent): mostly 工贸 manufacturing, as in 铜梁.
INDUSTRY_MIX = {
    "机械": 20, "轻工": 11, "建材": 8, "有色": 4, "冶金": 3, "纺织": 4, "商贸": 13, "烟草": 0.2, "工贸": 1,
    "危险化学品": 5, "建设施工": 10, "交通运输": 7, "燃气": 1.5, "消防重点单位": 7, "特种设备": 3,
    "烟花爆竹": 0.8, "非煤矿山": 1.5,
}
MANUFACTURING = {"机械", "轻工", "建材", "有色", "冶金", "纺织"}

# What an enterprise of the industry calls itself. Not every 机械 firm has 机械 in its name,
# so a search for 机械 finds most of them and no others — as with real names.
NAME_WORDS = {
    "机械": ["机械制造", "机械", "精密机械", "机电设备", "汽车零部件", "五金制品", "机械设备"],
    "轻工": ["食品", "家具", "塑料制品", "包装材料", "纸业", "酒业", "饮料", "印务"],
    "建材": ["建材", "水泥制品", "混凝土", "玻璃", "陶瓷", "石材"],
    "有色": ["铝业", "有色金属", "铜材", "合金材料"],
    "冶金": ["钢铁", "铸造", "特钢", "冶金"],
    "纺织": ["纺织", "服饰", "织造", "家纺"],
    "商贸": ["商贸", "超市", "仓储", "贸易", "商业管理", "冷链"],
    "烟草": ["烟草物流"],
    "工贸": ["实业", "工贸"],
    "危险化学品": ["化工", "精细化工", "气体", "石化销售", "化学试剂"],
    "建设施工": ["建设", "建筑工程", "建筑劳务", "市政工程", "路桥"],
    "交通运输": ["运输", "物流", "客运", "汽车运输", "危货运输"],
    "燃气": ["燃气", "天然气", "液化气"],
    "消防重点单位": ["酒店管理", "购物中心", "娱乐", "养老服务", "物业管理"],
    "特种设备": ["电梯", "起重设备", "锅炉", "压力容器"],
    "烟花爆竹": ["烟花爆竹经营"],
    "非煤矿山": ["矿业", "砂石", "石材开采"],
}
PLACES = [("重庆", 40), ("重庆市", 15), ("重庆市铜梁区", 15), ("铜梁", 20), ("重庆铜梁", 10)]
BRAND = "华宇鑫盛达源泰恒通兴宏利丰隆安顺德信诚金天新龙凤祥瑞海峰博远力创佳和美嘉荣昌永益明光辉腾飞中汇聚亿万晟鼎川渝巴蜀"
FORMS = [("有限公司", 85), ("有限责任公司", 10), ("股份有限公司", 5)]
INSURERS = ["中国人保财险", "中国平安财险", "太平洋财险", "中华联合财险", "国寿财险"]

# Risk tag odds per industry: the seed demo's (registry/demo.py) plus the non-工贸 hazards.
EXTRA_TAGS = {
    "危险化学品": [("hazchem_use", 0.6), ("mhi", 0.25)],
    "燃气": [("mhi", 0.3), ("confined_space", 0.2)],
    "烟花爆竹": [("mhi", 0.2)],
    "商贸": [("ammonia", 0.05), ("confined_space", 0.05)],
    "冶金": [("molten_metal", 0.9), ("gas", 0.4), ("mhi", 0.05)],
    "非煤矿山": [("hazchem_use", 0.3)],
}

# 安全生产标准化: most enterprises have not started; certified ones mostly 三级.
STD_MIX = [("none", 68), ("applying", 6), ("certified", 19), ("expired", 7)]
GRADES = [("3", 85), ("2", 13), ("1", 2)]


def pick(rng: random.Random, weighted: list[tuple]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


class Faker:
    """Draws enterprise field values from the towns, industries and tags in the database."""

    def __init__(self, rng: random.Random, towns, industries: dict, tags: dict, taken_codes: set[str]):
        from anying.core.demo import town_rows
        from anying.registry import creditcode
        from anying.registry.demo import TAGS_BY_INDUSTRY, person, phone
        from anying.registry.services import add_years

        self.rng, self.today = rng, timezone.localdate()
        self.synthetic, self.person, self.phone, self.add_years = creditcode.synthetic, person, phone, add_years
        self.codes = taken_codes
        targets = {r["town"]: r["target_industrial_enterprises"] for r in town_rows()}
        self.towns = list(towns)
        self.town_weights = [TOWN_BASE + int(t) if (t := targets.get(town.name, "")).isdigit() else TOWN_BASE
                             for town in self.towns]
        self.industries = [industries[name] for name in INDUSTRY_MIX]
        self.industry_weights = list(INDUSTRY_MIX.values())
        self.tag_odds = {**TAGS_BY_INDUSTRY, **EXTRA_TAGS}
        self.tags = tags

    def credit_code(self) -> str:
        while (code := self.synthetic(self.rng)) in self.codes:
            pass
        self.codes.add(code)
        return code

    def standardization(self) -> dict:
        rng, status = self.rng, pick(self.rng, STD_MIX)
        if status in ("none", "applying"):
            return {"std_status": status}
        # Certificates run three years: a certified one was issued within the last three,
        # an expired one three to six years ago.
        issued = self.today - timedelta(days=rng.randrange(30, 1090) + (1095 if status == "expired" else 0))
        return {"std_status": status, "std_grade": pick(rng, GRADES), "std_certificate_date": issued,
                "std_expiry_date": self.add_years(issued, 3)}

    def enterprise(self) -> tuple[dict, list]:
        """Field values for Enterprise(**values), and the enterprise's risk tags."""
        rng = self.rng
        town = rng.choices(self.towns, self.town_weights)[0]
        industry = rng.choices(self.industries, self.industry_weights)[0]
        brand = "".join(rng.choice(BRAND) for _ in range(rng.choice((2, 2, 2, 3))))
        name = f"{pick(rng, PLACES)}{brand}{rng.choice(NAME_WORDS[industry.name])}{pick(rng, FORMS)}"
        above = rng.random() < (0.2 if industry.name in MANUFACTURING else 0.06)
        values = {
            "name": name, "credit_code": self.credit_code(), "region": town, "industry": industry,
            "address": f"重庆市铜梁区{town.name}{rng.choice(('工业园', '大道', '路', '街', '村'))}{rng.randint(1, 999)}号",
            "scale": "above" if above else "below",
            "employees": min(5000, int(rng.lognormvariate(5 if above else 2.5, 0.8)) + 1),
            "status": pick(rng, [("operating", 90), ("suspended", 7), ("closed", 3)]),
            "legal_representative": self.person(rng), "contact_name": self.person(rng),
            "contact_phone": self.phone(rng),
            "longitude": Decimal(f"{105.80 + rng.random() * 0.35:.6f}"),
            "latitude": Decimal(f"{29.70 + rng.random() * 0.35:.6f}"),
            **self.standardization(),
        }
        if rng.random() < 0.6:
            start = self.today - timedelta(days=rng.randrange(365))
            values.update(insurer=rng.choice(INSURERS), insurance_policy=f"P{rng.randrange(10**15, 10**16)}",
                          insurance_start=start, insurance_end=start + timedelta(days=364))
        tags = [self.tags[code] for code, p in self.tag_odds.get(industry.name, []) if rng.random() < p]
        return values, tags


def make_faker(rng: random.Random) -> Faker:
    from anying.core.models import Industry, Region
    from anying.registry.models import Enterprise, RiskTag

    towns = Region.objects.filter(level=Region.Level.TOWN, parent__name="铜梁区").order_by("sort")
    industries = {i.name: i for i in Industry.objects.all()}
    tags = {t.code: t for t in RiskTag.objects.all()}
    taken = set(Enterprise.objects.values_list("credit_code", flat=True))
    return Faker(rng, towns, industries, tags, taken)


def insert(faker: Faker, count: int) -> int:
    """Bulk-insert `count` enterprises with their organisations and tags; returns rows written."""
    from django.db import transaction
    from django.utils import timezone

    from anying.core.models import Organisation
    from anying.registry.models import Enterprise
    from anying.registry.services import validate

    through = Enterprise.tags.through
    now, rng, rows = timezone.now(), faker.rng, 0
    with transaction.atomic():  # one transaction: SQLite would otherwise sync on every batch
        for start in range(0, count, CHUNK):
            drawn = [faker.enterprise() for _ in range(min(CHUNK, count - start))]
            orgs = Organisation.objects.bulk_create(
                [Organisation(name=v["name"], kind=Organisation.Kind.ENTERPRISE, region=v["region"]) for v, _ in drawn],
                batch_size=1000)
            # public_token from the seeded rng (not secrets) keeps runs reproducible; created_at
            # spread over six years so "recently registered" sorts are not all ties.
            ents = [Enterprise(organisation=org, public_token=MARK + base64.urlsafe_b64encode(rng.randbytes(18)).decode(),
                               created_at=now - timedelta(days=rng.randrange(2190)), **values)
                    for org, (values, _) in zip(orgs, drawn, strict=True)]
            for ent in ents[::500]:  # bulk_create skips validation: spot-check the forms' rules
                validate(ent, check_unique=False)
            Enterprise.objects.bulk_create(ents, batch_size=1000)
            links = through.objects.bulk_create(
                [through(enterprise_id=e.pk, risktag_id=t.pk) for e, (_, tags) in zip(ents, drawn, strict=True)
                 for t in tags], batch_size=2000)
            rows += len(orgs) + len(ents) + len(links)
            print(f"  {start + len(drawn):>8,} enterprises", flush=True)
    return rows


def reset() -> int:
    from django.db import transaction

    from anying.core.models import Organisation
    from anying.registry.models import Enterprise

    bench = Enterprise.objects.filter(public_token__startswith=MARK)
    with transaction.atomic():
        org_ids = list(bench.values_list("organisation_id", flat=True))
        bench.delete()
        for start in range(0, len(org_ids), 5000):  # SQLite caps the number of parameters per query
            Organisation.objects.filter(pk__in=org_ids[start:start + 5000]).delete()
    return len(org_ids)


def analyze() -> None:
    """PostgreSQL's autovacuum would analyze the new rows within a minute anyway; doing it now
    makes the benchmark right after generation see the plans production sees. SQLite never
    analyzes by itself, so it is left as a deployment would have it."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="delete earlier benchmark enterprises first")
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command
    from django.db import connection

    from anying.core import demo
    from anying.registry.models import Enterprise

    call_command("migrate", verbosity=0, interactive=False)
    demo.load(random.Random(args.seed))
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    if args.reset:
        started = time.perf_counter()
        print(f"reset: deleted {reset():,} benchmark enterprises in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    rows = insert(make_faker(random.Random(args.seed)), args.enterprises)
    elapsed = time.perf_counter() - started
    print(f"generated {args.enterprises:,} enterprises ({rows:,} rows with organisations and tags) in {elapsed:.1f} s: "
          f"{args.enterprises / elapsed:,.0f} enterprises/s, {rows / elapsed:,.0f} rows/s")
    started = time.perf_counter()
    analyze()
    print(f"analyze: {time.perf_counter() - started:.1f} s; enterprises in database: {Enterprise.objects.count():,} "
          f"(generated at {datetime.now():%Y-%m-%d %H:%M})")


if __name__ == "__main__":
    main()
