"""Demo hazards for the demo district: a clearly labelled generator (`is_demo`), deterministic,
spread over towns, industries, channels and states, some overdue and escalated, some major.

Each hazard tells one coherent story: the place fits the problem (a general hazard) or the
判定标准 item it matches (a major one, only items that apply to the enterprise's industry and
risk tags); every hazard has its 整改期限; its timeline has one entry per step its status
implies, in order, none later than today (found → 开始整改 → 提交复查 → 审核销号)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anying.core import numbering, workflow
from anying.core.models import DocumentCounter, Organisation, TimelineEvent, User
from anying.core.permissions import roles_with
from anying.registry.models import Enterprise

from . import rollups
from .criteria import criteria_for
from .deadlines import REVIEW_DAYS
from .models import Hazard, ProgressReport, RectificationPlan, Supervision
from .supervision import SUPERVISION, WORD, default_prefix

S, M = Hazard.Category.SITE, Hazard.Category.MANAGEMENT
# (place, what was found, category): general hazards any industrial enterprise may have
GENERAL = [
    ("车间安全出口", "安全出口被成品堆放堵塞", S), ("厂区消防通道", "消防通道被货车占用", S),
    ("配电房", "配电柜前未铺设绝缘垫", S), ("配电房", "电缆沟盖板缺失", S),
    ("生产车间", "砂轮机防护罩缺失", S), ("生产车间", "操作人员未佩戴护目镜", S),
    ("成品仓库", "应急照明灯损坏", S), ("成品仓库", "灭火器压力不足未及时更换", S),
    ("叉车通道", "叉车通道未设置警示标识", S), ("生产车间", "临时电气线路私拉乱接", S),
    ("安全管理", "隐患排查记录未按月归档", M), ("安全管理", "特种作业人员证书过期未复审", M),
    ("安全管理", "新员工三级安全教育记录不完整", M),
]
# where a major hazard of each 判定标准 category is found
MAJOR_PLACES = {"冶金": "炼钢车间", "有色": "熔炼车间", "建材": "窑炉区域", "机械": "铸造车间", "轻工": "生产车间",
                "纺织": "生产车间", "烟草": "制丝车间", "通用": "安全管理", "粉尘涉爆": "除尘系统",
                "使用液氨制冷": "液氨制冷机房", "有限空间": "污水处理池（有限空间）"}
# a 专项 category applies only to an enterprise with the matching risk tag
TAGGED = {"粉尘涉爆": "dust", "使用液氨制冷": "ammonia", "有限空间": "confined_space"}
FINDERS = {"self": "企业安全员", "inspection": "执法检查组", "covert": "明查暗访组",
           "tip": "执法检查组",  # a tip's hazard is found on the inspectors' check: nothing names the tip
           "expert": "安全专家", "assigned": "市应急局交办"}


def _place(category: str) -> str:
    return next((place for key, place in MAJOR_PLACES.items() if category.startswith(key)), "生产现场")


def _applicable(enterprise, tags: set, by_industry: dict) -> list:
    """Items of 判定标准 that apply to the enterprise (criteria_for), narrowed to its own trade,
    the general article and the 专项 of its risk tags — never a steel-works item for a food factory."""
    if enterprise.industry_id not in by_industry:
        by_industry[enterprise.industry_id] = list(criteria_for(enterprise))
    items = by_industry[enterprise.industry_id]
    fit = [c for c in items if (c.category.startswith(enterprise.industry.name)
                                or (c.category == "通用" and "金属冶炼" not in c.text)
                                or any(c.category.startswith(k) and code in tags for k, code in TAGGED.items()))]
    return fit or [c for c in items if not c.category]  # a set without categories (化工): any item


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


@transaction.atomic
def load(rng, count: int = 3000) -> None:
    if Hazard.objects.filter(is_demo=True).exists():
        return
    enterprises = list(Enterprise.objects.filter(is_demo=True).select_related("industry").prefetch_related("tags"))
    if not enterprises:
        return
    tags = {e.pk: {t.code for t in e.tags.all()} for e in enterprises}
    closer = User.objects.filter(role__in=roles_with("hazards.supervise"),
                                 unit__kind=Organisation.Kind.COMMITTEE_OFFICE).first()
    today = timezone.localdate()
    by_industry: dict = {}
    hazards, steps = [], []
    for _ in range(count):
        ent = rng.choice(enterprises)
        status = rng.choices(["registered", "rectifying", "submitted", "closed"], weights=[8, 17, 10, 65])[0]
        # a hazard still only registered was found lately (some are overdue all the same)
        found = today - dt.timedelta(days=rng.randint(0, 45 if status == "registered" else 360))
        channel = rng.choices(list(FINDERS), weights=[45, 30, 8, 7, 6, 4])[0]
        items = _applicable(ent, tags[ent.pk], by_industry) if rng.random() < 0.06 else []
        criterion = rng.choice(items) if items else None
        if criterion is not None:
            category = M if criterion.category == "通用" else S
            place, description = _place(criterion.category), criterion.text.rstrip("。；;的")
        else:
            place, description, category = rng.choice(GENERAL)
        deadline = found + dt.timedelta(days=rng.choice([60, 90] if criterion else [7, 15, 30, 60]))
        # the steps its status implies, in order and never after today
        started = min(found + dt.timedelta(days=rng.randint(0, 3)), today)
        submitted = min(started + dt.timedelta(days=rng.randint(1, (deadline - found).days)), today)
        closed = min(submitted + dt.timedelta(days=rng.randint(1, REVIEW_DAYS)), today)
        done = ["register", "start", "submit", "close"][:["registered", "rectifying", "submitted", "closed"].index(status) + 1]
        self_closed = channel == "self" and criterion is None
        hazard = Hazard(
            enterprise=ent, region_id=ent.region_id, industry_id=ent.industry_id, organisation_id=ent.organisation_id,
            place=place, description=description, category=category, level="major" if criterion else "general",
            criterion=criterion, channel=channel, found_by=FINDERS[channel], found_on=found, status=status,
            responsible_person="安全主管" if status != "registered" else "",
            measures="按要求整改" if status != "registered" else "", deadline=deadline,
            review_due=submitted + dt.timedelta(days=REVIEW_DAYS) if status == "submitted" else None,
            closed_on=closed if status == "closed" else None,
            closed_by=closer if status == "closed" and not self_closed else None, is_demo=True)
        hazards.append(hazard)
        steps.append((hazard, list(zip(done, [found, started, submitted, closed], strict=False))))
    Hazard.objects.bulk_create(hazards, batch_size=500)
    states = ["registered", "rectifying", "submitted", "closed"]
    TimelineEvent.objects.bulk_create([
        workflow.event(h, action, previous=states[i - 1] if i else "", state=states[i], at=_at(day),
                       actor=closer if action == "close" and h.closed_by_id else None, comment="演示数据")
        for h, taken in steps for i, (action, day) in enumerate(taken)], batch_size=500)
    RectificationPlan.objects.bulk_create([
        RectificationPlan(hazard=h, objectives="消除重大事故隐患", methods="停产整改，加装防护设施", funds_and_materials="企业自筹",
                          organisation_and_staff="企业主要负责人牵头", time_limit="限期内完成",
                          safety_and_emergency="整改期间落实监护和应急措施")
        for h in hazards if h.level == "major" and h.status != "registered"])
    _supervise(rng, [h for h in hazards if h.level == "major" and h.status != "closed"], today)
    rollups.rebuild()  # bulk-created above, past the services that keep the tallies


def _supervise(rng, majors: list, today: dt.date) -> None:
    """Half of the open major hazards are under 督办 by the district, with some weekly reports."""
    office = Organisation.objects.filter(kind=Organisation.Kind.COMMITTEE_OFFICE).first()
    admin = User.objects.filter(role__in=roles_with("hazards.supervise"), unit=office).first()
    if office is None or admin is None:
        return
    prefix = numbering.prefix_for(office, SUPERVISION, WORD, default_prefix())
    chosen = majors[::2]
    counter, _ = DocumentCounter.objects.get_or_create(prefix=prefix, year=today.year)
    records, reports = [], []
    for h in chosen:
        counter.last += 1
        issued = max(h.found_on, today - dt.timedelta(days=rng.randint(10, 60)))
        records.append(Supervision(hazard=h, unit=office, document_no=f"{prefix}〔{today.year}〕{counter.last}号",
                                   issued_on=issued, requirements="立即制定治理方案，落实防范措施，限期完成治理",
                                   due=issued + dt.timedelta(days=60), created_by=admin))
        for week in range(rng.randint(0, 4)):
            reports.append(ProgressReport(hazard=h, reported_on=issued + dt.timedelta(days=7 * (week + 1)),
                                          content=f"第{week + 1}周：按方案推进治理（演示数据）", reported_by=admin))
    counter.save(update_fields=["last"])
    Supervision.objects.bulk_create(records)
    reports = [r for r in reports if r.reported_on <= today]
    ProgressReport.objects.bulk_create(reports)
    # on the timeline too, on their own days, as the lifecycle's `supervise` and `progress` write them
    TimelineEvent.objects.bulk_create(
        [workflow.event(s.hazard, "supervise", actor=admin, previous=s.hazard.status, state=s.hazard.status,
                        comment=f"{s.get_level_display()} {s.document_no}", at=_at(s.issued_on)) for s in records]
        + [workflow.event(r.hazard, "progress", actor=admin, previous=r.hazard.status, state=r.hazard.status,
                          comment=r.content, at=_at(r.reported_on)) for r in reports], batch_size=500)
