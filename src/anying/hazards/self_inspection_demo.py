"""Demo routine self-inspection: clearly labelled (`is_demo`) example checklists for the daily,
weekly and monthly checks, the major-hazard checklists built from the loaded 判定标准, a
schedule set for every demo enterprise, and a month of rounds — most enterprises diligent, some
behind — so the town's 日周月排查 page has something true to show."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anying.core import periods
from anying.core.models import Organisation
from anying.core.permissions import SYSTEM
from anying.registry.models import Enterprise
from anying.standards.models import CriteriaSet

from . import checklists, self_inspection
from .models import ChecklistTemplate, RoundResult, SelfInspectionRound, SelfInspectionSchedule

# Example items (not a standard): what a team, a department and a manager typically check.
EXAMPLE_ITEMS = {
    ChecklistTemplate.Use.DAILY: ("班组日排查表（示例）", [
        "作业人员按规定佩戴劳动防护用品", "设备安全防护装置齐全有效", "安全出口、疏散通道畅通",
        "作业现场无违章指挥、违章作业", "电气线路、开关无破损裸露", "消防器材在位完好", "交接班记录完整"]),
    ChecklistTemplate.Use.WEEKLY: ("部门周排查表（示例）", [
        "本部门日排查记录完整，发现的问题已整改", "特种作业人员持证上岗", "动火、有限空间等危险作业审批手续齐全",
        "安全警示标志齐全醒目", "设备设施按计划维护保养", "应急物资和器材完好"]),
    ChecklistTemplate.Use.MONTHLY: ("厂长（经理）月排查表（示例）", [
        "全员安全生产责任制落实", "安全教育培训按计划开展", "上月隐患整改闭环", "安全投入按计划使用",
        "应急预案演练按计划开展", "相关方（外包）作业安全管理到位", "重点部位、重大危险源监控正常"]),
}
WINDOW_DAYS = 30


@transaction.atomic
def load(rng) -> None:
    if ChecklistTemplate.objects.filter(is_demo=True).exists():
        return
    enterprises = list(Enterprise.objects.filter(is_demo=True).select_related("industry", "region"))
    owner = Organisation.objects.filter(name="区应急局").first()
    if not enterprises or owner is None:
        return
    for use, (name, items) in EXAMPLE_ITEMS.items():
        template = checklists.create(SYSTEM, name=name, use=use, industry=None, items_text="\n".join(items),
                                     owner=owner, is_demo=True)
        checklists.publish(SYSTEM, template.pk)
    for criteria_set in CriteriaSet.objects.filter(industries__isnull=False).distinct():
        template = checklists.build_from_criteria(SYSTEM, criteria_set, owner=owner, is_demo=True)
        checklists.publish(SYSTEM, template.pk)
    today = timezone.localdate()
    for ent in enterprises:
        self_inspection.generate(SYSTEM, ent, starts_on=today - dt.timedelta(days=WINDOW_DAYS))
    _rounds(rng, today)


def _rounds(rng, today: dt.date) -> None:
    """Past rounds in bulk: ~80% of enterprises diligent, the rest skipping often, all results
    符合 or 不涉及 (the demo's self-reported hazards come from the hazard demo)."""
    schedules = list(SelfInspectionSchedule.objects.filter(enterprise__is_demo=True).select_related("checklist"))
    items = {}
    for s in schedules:
        items.setdefault(s.checklist_id, list(s.checklist.items.values_list("pk", flat=True)))
    diligence = {e: (0.97 if rng.random() < 0.8 else 0.55) for e in {s.enterprise_id for s in schedules}}
    rounds, last_done = [], {}
    for s in schedules:
        for period in periods.due_between(s.frequency, s.workdays, s.starts_on, s.starts_on, today):
            if rng.random() < diligence[s.enterprise_id]:
                rounds.append(SelfInspectionRound(
                    schedule=s, enterprise_id=s.enterprise_id, checklist_id=s.checklist_id, period_start=period,
                    done_on=periods.end(s.frequency, period), inspectors=f"{s.assignee}安全员", note="演示数据"))
                last_done[s.pk] = max(period, last_done.get(s.pk, period))
    SelfInspectionRound.objects.bulk_create(rounds, batch_size=1000)
    RoundResult.objects.bulk_create([
        RoundResult(round=r, item_id=item, result="na" if rng.random() < 0.05 else "ok")
        for r in rounds for item in items[r.checklist_id]], batch_size=2000)
    for pk, period in last_done.items():
        SelfInspectionSchedule.objects.filter(pk=pk).update(last_done_period=period)
