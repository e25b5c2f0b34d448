"""Demo credit records (`anying demo`, order 115, after the inspections demo's penalties):
the decided penalties published (one late), an enterprise proposed, approved and published on
the 严重失信主体名单 with its 主要负责人 (ID number invented, valid check digit), one proposal
waiting for approval. Idempotent: nothing is made twice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from anying.core.models import Organisation
from anying.core.permissions import SYSTEM
from anying.inspections.models import Penalty
from anying.registry.models import Enterprise

from . import reference, services
from .models import Listing, PenaltyNotice

PERSON_ID = "500222198001010010"  # invented; check digit valid


@transaction.atomic
def load(rng) -> None:
    for n, penalty in enumerate(Penalty.objects.filter(decided_on__isnull=False).order_by("decided_on", "id")[:20]):
        if PenaltyNotice.objects.filter(penalty=penalty).exists():
            continue
        due = reference.publish_due(penalty.decided_on)
        on = due + dt.timedelta(days=3) if n == 0 else max(penalty.decided_on, due - dt.timedelta(days=2))
        services.publish_penalty(SYSTEM, penalty.pk, on=min(on, services.today()))
    if Listing.objects.filter(is_demo=True).exists():
        return
    unit = Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT, is_active=True).order_by("id").first()
    ents = list(Enterprise.objects.filter(is_demo=True).order_by("id")[:3])
    if unit is None or len(ents) < 2:
        return
    listed = services.propose(SYSTEM, {
        "enterprise": ents[0].pk, "ground": "no_licence", "decision_unit": unit,
        "reason": "在安全生产许可证被暂扣期间擅自组织生产，经责令停止后拒不停止。",
        "legal_basis": "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）；《中华人民共和国安全生产法》",
        "decision_number": "演示应急失信〔2026〕1号"}, is_demo=True)
    person = services.propose(SYSTEM, {
        "enterprise": ents[0].pk, "subject": "person", "person_name": "张建国", "person_id_number": PERSON_ID,
        "person_role": "主要负责人", "ground": "no_licence", "decision_unit": unit,
        "reason": "作为主要负责人组织在许可证暂扣期间生产。",
        "legal_basis": "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）",
        "decision_number": "演示应急失信〔2026〕2号"}, is_demo=True)
    for g in (listed, person):
        services.run(SYSTEM, g.pk, "approve", data={"day": services.today() - dt.timedelta(days=40)})
        services.run(SYSTEM, g.pk, "publish")
    services.propose(SYSTEM, {
        "enterprise": ents[1].pk, "ground": "accident_concealed", "decision_unit": unit,
        "reason": "发生一起轻伤事故后未按规定报告，经核查属瞒报。",
        "legal_basis": "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）"}, is_demo=True)
