"""Demo key tasks: the seed's 附件1 (demo_data/tongliang_2022_key_tasks.csv, roles instead of
names) as this year's table of 区应急局, with progress reported by its inspector (yingji) so the
table shows done, on-schedule and overdue tasks."""

from __future__ import annotations

import csv
import datetime as dt
import io
from importlib import resources

from django.db import transaction
from django.utils import timezone

from anying.core.models import Organisation, User
from anying.core.permissions import SYSTEM

from . import keytasks
from .models import KeyTask, KeyTaskTable

FILE = "demo_data/tongliang_2022_key_tasks.csv"


def rows() -> list[dict]:
    text = resources.files("anying").joinpath(FILE).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _date(year: int, month_day: str) -> dt.date:
    return dt.date.fromisoformat(f"{year}-{month_day}")


@transaction.atomic
def load(rng) -> None:
    if KeyTaskTable.objects.filter(is_demo=True).exists():
        return
    bureau = Organisation.objects.filter(name="区应急局").first()
    reporter = User.objects.filter(username="yingji").first()
    if bureau is None or reporter is None:
        return
    year = timezone.localdate().year
    table = keytasks.save_table(SYSTEM, {"year": year, "title": f"{year}年工贸行业重点任务“挂图作战”责任表",
                                         "unit": bureau, "source": "铜梁区应急管理局2022年工作要点 附件1（演示：年度改为当年）"})
    KeyTaskTable.objects.filter(pk=table.pk).update(is_demo=True)
    tasks = {}
    for row in rows():
        milestones = [(_date(year, part[:5]), part[6:].strip()) for part in row["milestones"].split("|") if part]
        tasks[int(row["number"])] = keytasks.save_task(SYSTEM, {
            "table": table, "number": int(row["number"]), "task": row["task"], "requirements": row["requirements"],
            "unit": bureau, "person": row["person"], "leader": row["leader"], "due": _date(year, row["due"])},
            milestones=milestones)
    _progress(reporter, tasks)


def _progress(user, tasks: dict[int, KeyTask]) -> None:
    today = timezone.localdate()

    def on(day: dt.date) -> dt.date:
        return max(min(day, today), dt.date(today.year, 1, 1))

    # 1: quarterly reports on time except the latest one past due, which stays overdue
    past = [m for m in tasks[1].milestones.all() if m.due < today]
    for m in past[:-1]:
        keytasks.report(user, tasks[1].pk, {"date": on(m.due - dt.timedelta(days=3)), "milestone": m,
                                            "percent": 25 * (past.index(m) + 1),
                                            "text": f"已完成{m.title}，报区安委办。"})
    # 2 and 4: every milestone already due was met
    for number, text in ((2, "召开部门联席会议，通报工贸行业安全形势，部署下阶段工作。"),
                         (4, "在区内一家机械企业召开“两单两卡”现场会，各镇街和重点企业参加。")):
        done = [m for m in tasks[number].milestones.all() if m.due < today]
        for index, m in enumerate(done, 1):
            keytasks.report(user, tasks[number].pk, {"date": on(m.due - dt.timedelta(days=5)), "milestone": m,
                                                     "percent": min(90, 50 * index), "text": text})
    keytasks.report(user, tasks[11].pk, {"date": on(today - dt.timedelta(days=10)), "percent": 65,
                                         "text": "已公示两批达标企业名单，规上工业企业达标率 62%，正在督促剩余企业创建。"})
    keytasks.report(user, tasks[6].pk, {"date": on(today - dt.timedelta(days=20)), "percent": 80,
                                        "text": "年度执法计划已完成八成，案件调查处理按期推进。"})
    keytasks.report(user, tasks[14].pk, {"date": on(dt.date(today.year, 6, 30)), "final": True,
                                         "text": "配合保险机构完成规上企业事故预防服务全覆盖，服务报告已归档。"})
