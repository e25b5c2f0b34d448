"""Writes of the training archive: a session with its attendees and their scores, a trainee, a
plan item — and the figures read from them: each person's hours against the minimum, the
coverage per town and industry, the monthly report's block. Every write checks the permission
and that the enterprise is the actor's own (an enterprise keeps its own archive; its town and
departments read it), validates with Chinese messages keyed by field (nothing is written on a
refusal) and records the audit event, in one transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from anying.core import audit
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Industry
from anying.core.permissions import SYSTEM, require
from anying.registry.models import Enterprise, KeyPerson

from . import rules
from .models import COVERED_KINDS, Attendance, Kind, Plan, PlanItem, Session, Trainee

A = AuditEvent.Action
SESSION_FIELDS = ["kind", "topic", "held_on", "hours", "trainer", "place", "has_exam", "pass_mark"]
TRAINEE_FIELDS = ["name", "post", "hired_on", "is_active"]
MAX_ATTENDEES = 500
SPLIT = re.compile(r"[\s,，、;；\t]+")


def _text(data: dict, key: str, limit: int) -> str:
    return " ".join(str(data.get(key) or "").split())[:limit]


def own_enterprise(actor, enterprise) -> Enterprise:
    """The enterprise the actor writes for: its own (scope gives an enterprise user nothing else)."""
    require(actor, "training.record", "无权登记培训记录")
    pk = getattr(enterprise, "pk", enterprise)
    scope = Enterprise.objects.all() if actor is SYSTEM else Enterprise.objects.visible_to(actor)
    found = scope.filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise PermissionDenied("只能登记本企业的培训记录")
    return found


def _hours(value, errors: dict, key: str = "hours") -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        errors[key] = "学时须为数字，如 8 或 2.5"
        return Decimal(0)
    if not Decimal("0.5") <= hours <= Decimal(200) or hours % Decimal("0.5"):
        errors[key] = "学时须在0.5到200之间，以0.5为单位"
    return hours


def parse_roster(text: str) -> list[dict]:
    """The attendees typed one per line: 姓名 岗位 成绩 (岗位 and 成绩 may be left out; a number
    is the score). Blank lines are skipped."""
    rows = []
    for line in (text or "").splitlines():
        parts = [p for p in SPLIT.split(line.strip()) if p]
        if not parts:
            continue
        score = None
        if parts[-1].isascii() and parts[-1].isdigit() and len(parts) > 1:
            score = int(parts.pop()) if len(parts[-1]) <= 3 else -1
        rows.append({"name": parts[0], "post": " ".join(parts[1:]), "score": score})
    return rows


def _resolve(ent: Enterprise, row: dict, held_on: dt.date, kind: str, is_demo: bool) -> Trainee:
    """The archive's person for a roster line: the trainee of that name (and post, when two share
    a name), else the active key person of that name, else a new trainee. A new hire's 厂级
    session dates their 上岗."""
    name, post = row["name"], row.get("post", "")
    found = list(Trainee.objects.filter(enterprise=ent, name=name).select_related("key_person"))
    if len(found) > 1 and post:
        found = [t for t in found if t.post == post] or found
    if found:
        return found[0]
    key = KeyPerson.objects.filter(enterprise=ent, name=name, is_active=True).order_by("kind").first()
    if key is not None:
        existing = Trainee.objects.filter(key_person=key).first()
        if existing is not None:
            return existing
        return Trainee.objects.create(enterprise=ent, key_person=key, name=name, post=post or key.get_kind_display(),
                                      is_demo=is_demo)
    return Trainee.objects.create(enterprise=ent, name=name, post=post, is_demo=is_demo,
                                  hired_on=held_on if kind == Kind.LEVEL_COMPANY else None)


@transaction.atomic
def save_session(actor, enterprise, data: dict, *, is_demo: bool = False) -> Session:
    """Record a training session held by the enterprise and who attended it, with each exam score
    (合格 when the score reaches the session's pass mark; without an exam, 合格 as recorded)."""
    ent = own_enterprise(actor, enterprise)
    errors: dict = {}
    kind = data.get("kind")
    if kind not in Kind.values:
        errors["kind"] = "请选择培训类别"
    topic = _text(data, "topic", 200)
    if not topic:
        errors["topic"] = "请填写培训内容"
    held_on = data.get("held_on")
    if not isinstance(held_on, dt.date):
        errors["held_on"] = "请填写培训日期"
    elif held_on > timezone.localdate():
        errors["held_on"] = "培训日期不能晚于今天"
    elif held_on.year < 2000:
        errors["held_on"] = "培训日期不正确"
    hours = _hours(data.get("hours"), errors)
    trainer = _text(data, "trainer", 100)
    if not trainer:
        errors["trainer"] = "请填写授课人或培训机构"
    has_exam = bool(data.get("has_exam", True))
    pass_mark = data.get("pass_mark") if data.get("pass_mark") not in (None, "") else 60
    if not isinstance(pass_mark, int) or isinstance(pass_mark, bool) or not 0 <= pass_mark <= 100:
        errors["pass_mark"] = "合格分数须为0到100之间的整数"
    roster = data.get("attendees")
    if isinstance(roster, str):
        roster = parse_roster(roster)
    roster = list(roster or [])
    names = set()
    if not roster:
        errors["attendees"] = "请填写参训人员（每行一人：姓名 岗位 成绩）"
    elif len(roster) > MAX_ATTENDEES:
        errors["attendees"] = f"一次最多登记{MAX_ATTENDEES}名参训人员"
    else:
        for i, row in enumerate(roster, 1):
            name = " ".join(str(row.get("name") or "").split())[:50]
            score = row.get("score")
            if not name:
                errors["attendees"] = f"第{i}行缺少姓名"
            elif (name, row.get("post", "")) in names:
                errors["attendees"] = f"第{i}行：{name} 重复"
            elif score is not None and (not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100):
                errors["attendees"] = f"第{i}行：{name} 的成绩须为0到100之间的整数"
            elif has_exam and score is None:
                errors["attendees"] = f"第{i}行：{name} 缺少考试成绩（无考试的培训请取消“有考试”）"
            names.add((name, row.get("post", "")))
            if "attendees" in errors:
                break
    if errors:
        raise ValidationError(errors)
    session = Session.objects.create(enterprise=ent, kind=kind, topic=topic, held_on=held_on, hours=hours,
                                     trainer=trainer, place=_text(data, "place", 100), has_exam=has_exam,
                                     pass_mark=pass_mark, created_by=None if actor is SYSTEM else actor,
                                     is_demo=is_demo)
    rows, failed = [], 0
    for row in roster:
        row = {**row, "name": " ".join(str(row["name"]).split())[:50], "post": _text(row, "post", 100)}
        trainee = _resolve(ent, row, held_on, kind, is_demo)
        score = row.get("score")
        passed = score >= pass_mark if has_exam else bool(row.get("passed", True))
        failed += not passed
        rows.append(Attendance(session=session, trainee=trainee, score=score, passed=passed))
    Attendance.objects.bulk_create(rows)
    audit.record(actor, A.CREATE, session, after={**audit.snapshot(session, SESSION_FIELDS),
                                                  "参训人员": [r["name"] for r in roster]},
                 summary=f"培训记录：{session.get_kind_display()}“{topic}”，{len(rows)} 人参训"
                         + (f"，{failed} 人不合格" if failed else ""))
    return session


@transaction.atomic
def save_trainee(actor, enterprise, data: dict, *, pk: int | None = None) -> Trainee:
    """Add or correct a person of the archive (a new hire before their first session, a post
    change, leaving). The principal and safety managers are kept in the registry."""
    ent = own_enterprise(actor, enterprise)
    trainee = Trainee.objects.select_for_update().filter(enterprise=ent, pk=pk).first() if pk else Trainee(enterprise=ent)
    if pk and trainee is None:
        raise PermissionDenied("只能修改本企业的培训档案")
    before = audit.snapshot(trainee, TRAINEE_FIELDS) if pk else None
    errors = {}
    name = _text(data, "name", 50)
    if not name:
        errors["name"] = "请填写姓名"
    hired_on = data.get("hired_on")
    if hired_on is not None and (not isinstance(hired_on, dt.date) or hired_on > timezone.localdate()):
        errors["hired_on"] = "上岗日期不能晚于今天"
    if trainee.key_person_id and name != trainee.name:
        errors["name"] = "主要负责人、安全管理人员的姓名请在企业档案的关键人员中修改"
    if errors:
        raise ValidationError(errors)
    trainee.name, trainee.post, trainee.hired_on = name, _text(data, "post", 100), hired_on
    trainee.is_active = bool(data.get("is_active", True))
    trainee.save()
    audit.record(actor, A.UPDATE if before else A.CREATE, trainee, before=before,
                 after=audit.snapshot(trainee, TRAINEE_FIELDS), summary=f"培训档案：{trainee.name}（{trainee.post or '—'}）")
    return trainee


@transaction.atomic
def save_plan_item(actor, enterprise, year: int, data: dict, *, is_demo: bool = False) -> PlanItem:
    """Add an item to the enterprise's plan of `year` (the plan is made with its first item)."""
    ent = own_enterprise(actor, enterprise)
    errors = {}
    today = timezone.localdate()
    if not isinstance(year, int) or not today.year - 1 <= year <= today.year + 1:
        errors["year"] = f"计划年度须为{today.year - 1}到{today.year + 1}年"
    month = data.get("month")
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        errors["month"] = "计划月份须为1到12"
    if data.get("kind") not in Kind.values:
        errors["kind"] = "请选择培训类别"
    topic, audience = _text(data, "topic", 200), _text(data, "audience", 100)
    if not topic:
        errors["topic"] = "请填写培训内容"
    if not audience:
        errors["audience"] = "请填写培训对象，如：新入职员工、全体从业人员"
    hours = _hours(data.get("hours"), errors)
    if errors:
        raise ValidationError(errors)
    plan, _ = Plan.objects.get_or_create(enterprise=ent, year=year, defaults={"is_demo": is_demo})
    item = PlanItem.objects.create(plan=plan, month=month, kind=data["kind"], topic=topic, audience=audience,
                                   hours=hours)
    audit.record(actor, A.UPDATE, plan, after=audit.snapshot(item, ["month", "kind", "topic", "audience", "hours"]),
                 summary=f"{year}年度培训计划：新增 {month}月“{topic}”")
    return item


# ----- the figures -----

def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def industry_codes() -> dict[int, list[str]]:
    """industry id → its code and its ancestors' codes, nearest first (one query)."""
    rows = {i: (code, path) for i, code, path in Industry.objects.values_list("id", "code", "path")}
    by_path = {path: code for code, path in rows.values()}
    out = {}
    for pk, (_, path) in rows.items():
        parts = [p for p in path.split("/") if p]
        out[pk] = [by_path["/" + "/".join(parts[:n]) + "/"] for n in range(len(parts), 0, -1)
                   if "/" + "/".join(parts[:n]) + "/" in by_path]
    return out


def with_hours(trainees, year: int):
    """Trainees annotated with `year_hours` (sessions of that year). A correlated subquery, not a
    join with GROUP BY: a page of 20 people sums 20 people's sessions, however large the archive
    (bench/run_training.py)."""
    start, end = year_range(year)
    hours = (Attendance.objects.filter(trainee=OuterRef("pk"), session__held_on__range=(start, end)).order_by()
             .values("trainee").annotate(total=Sum("session__hours")).values("total"))
    return trainees.annotate(year_hours=Coalesce(Subquery(hours), Value(Decimal(0)),
                                                 output_field=DecimalField(max_digits=8, decimal_places=1)))


def compliance(trainee: Trainee, year: int, codes: dict[int, list[str]], industry_id: int) -> dict:
    """Hours of the year against the minimum: 初次/岗前 in the year of 上岗, 再培训 after it."""
    group = rules.group_of(codes.get(industry_id, []))
    initial = trainee.hired_on is not None and trainee.hired_on.year == year
    leader = trainee.is_leader
    rule = rules.minimum(leader, group, initial)
    need = rule.initial if initial else rule.annual
    have = getattr(trainee, "year_hours", Decimal(0)) or Decimal(0)
    return {"need": need, "have": have, "short": have < need, "initial": initial, "rule": rule,
            "label": ("初次" if initial else "每年再培训") if leader else ("岗前" if initial else "每年再培训")}


def coverage(enterprises, year: int) -> dict:
    """Per town and per industry: operating enterprises, those whose active 主要负责人 and
    安全生产管理人员 (at least one of them registered) all attended a session in `year`, the share
    and the target (data/coverage_targets.csv). An enterprise with none registered is not
    covered: nobody can be shown trained."""
    start, end = year_range(year)
    leaders = KeyPerson.objects.filter(enterprise=OuterRef("pk"), kind__in=COVERED_KINDS, is_active=True)
    trained = Attendance.objects.filter(trainee__key_person=OuterRef("pk"), session__held_on__range=(start, end))
    untrained = KeyPerson.objects.filter(enterprise=OuterRef("pk"), kind__in=COVERED_KINDS, is_active=True).exclude(
        Exists(trained))
    rows = (enterprises.filter(status=Enterprise.Status.OPERATING).order_by()
            .annotate(has_leaders=Exists(leaders), has_untrained=Exists(untrained))
            .values_list("region_id", "region__name", "region__path", "industry_id", "industry__name", "has_leaders",
                         "has_untrained"))
    codes = industry_codes()
    towns, industries = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    names, total = {}, [0, 0]
    for region_id, region_name, path, industry_id, industry_name, has_leaders, has_untrained in rows:
        covered = has_leaders and not has_untrained
        for bucket, key in ((towns, (path, region_id)), (industries, industry_id)):
            bucket[key][0] += 1
            bucket[key][1] += covered
        names[("r", region_id)], names[("i", industry_id)] = region_name, industry_name
        total[0] += 1
        total[1] += covered

    def row(name, n, c, target=None):
        pct = round(c * 100 / n, 1) if n else None
        return {"name": name, "enterprises": n, "covered": c, "pct": pct, "target": target,
                "behind": target is not None and pct is not None and pct < target.coverage_pct}

    return {
        "towns": [row(names[("r", rid)], *towns[(path, rid)]) | {"id": rid} for path, rid in sorted(towns)],
        "industries": sorted((row(names[("i", iid)], *v, rules.target_for(codes.get(iid, []), year)) | {"id": iid}
                              for iid, v in industries.items()), key=lambda r: (r["target"] is None, r["name"])),
        "total": row("合计", *total),
    }


def monthly(enterprise, start: dt.date, end: dt.date) -> dict:
    """The 企业月报 block (core.hooks.MonthlySource "training"): sessions held, person-times
    trained, hours of training given (session hours, not per person)."""
    sessions = Session.objects.filter(enterprise=enterprise, held_on__range=(start, end))
    figures = sessions.aggregate(n=Count("id"), hours=Sum("hours"))
    people = Attendance.objects.filter(session__in=sessions).count()
    return {"sessions": figures["n"] or 0, "person_times": people, "hours": figures["hours"] or Decimal(0)}


def pass_rate(sessions) -> tuple[int, int]:
    """(attendances, passed) of the given sessions."""
    got = Attendance.objects.filter(session__in=sessions).aggregate(n=Count("id"), p=Count("id", filter=Q(passed=True)))
    return got["n"] or 0, got["p"] or 0
