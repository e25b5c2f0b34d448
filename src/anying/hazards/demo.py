"""Demo hazards for the demo district: a clearly labelled generator (`is_demo`), deterministic,
spread over towns, industries, channels and states, some overdue and escalated, some major."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anying.core import numbering, workflow
from anying.core.models import DocumentCounter, Organisation, TimelineEvent, User
from anying.core.permissions import roles_with
from anying.registry.models import Enterprise
from anying.standards.models import Criterion

from . import rollups
from .models import Hazard, ProgressReport, RectificationPlan, Supervision
from .supervision import SUPERVISION, WORD, default_prefix

PLACES = ["喷涂车间", "抛丸房", "除尘器", "配电房", "危化品库", "锅炉房", "有限空间（污水池）", "叉车通道", "熔炼炉", "冷库"]
PROBLEMS = ["安全出口堵塞", "消防通道被占用", "防护罩缺失", "未设置警示标识", "电气线路私拉乱接", "积尘未及时清理",
            "作业未办理审批", "应急照明损坏", "气体检测报警仪失效", "操作人员未佩戴防护用品"]
FINDERS = {"self": "企业安全员", "inspection": "执法检查组", "covert": "明查暗访组", "tip": "12350 举报核查",
           "expert": "安全专家", "assigned": "市应急局交办"}


@transaction.atomic
def load(rng, count: int = 3000) -> None:
    if Hazard.objects.filter(is_demo=True).exists():
        return
    enterprises = list(Enterprise.objects.filter(is_demo=True).select_related("industry"))
    if not enterprises:
        return
    criteria = list(Criterion.objects.filter(criteria_set__code="gongmao_2023", is_item=True))
    today = timezone.localdate()
    hazards = []
    for _ in range(count):
        ent = rng.choice(enterprises)
        found = today - dt.timedelta(days=rng.randint(0, 360))
        major = rng.random() < 0.06
        channel = rng.choices(list(FINDERS), weights=[45, 30, 8, 7, 6, 4])[0]
        status = rng.choices(["registered", "rectifying", "submitted", "closed"], weights=[8, 17, 10, 65])[0]
        deadline = found + dt.timedelta(days=rng.choice([7, 15, 30, 60] if not major else [60, 90]))
        hazards.append(Hazard(
            enterprise=ent, region_id=ent.region_id, industry_id=ent.industry_id, organisation_id=ent.organisation_id,
            place=rng.choice(PLACES), description=rng.choice(PROBLEMS), level="major" if major else "general",
            criterion=rng.choice(_matching(criteria, ent)) if major else None, channel=channel, found_by=FINDERS[channel],
            found_on=found, status=status, responsible_person="安全主管" if status != "registered" else "",
            measures="按要求整改" if status != "registered" else "", deadline=deadline if status != "registered" else None,
            closed_on=min(deadline, today) if status == "closed" else None, is_demo=True))
    Hazard.objects.bulk_create(hazards, batch_size=500)
    TimelineEvent.objects.bulk_create([workflow.event(h, "register", state="registered", comment="演示数据")
                                       for h in hazards], batch_size=500)
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
    ProgressReport.objects.bulk_create([r for r in reports if r.reported_on <= today])


def _matching(criteria: list, enterprise) -> list:
    """Items of the enterprise's own industry article, the general article or the dust-explosion
    article — never, say, a steel-works item for a food factory."""
    own = [c for c in criteria if c.category in (enterprise.industry.name, "通用") or c.category.startswith("粉尘")]
    return own or criteria
