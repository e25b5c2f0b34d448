"""Periodic reports (PRODUCT.md §4.4): 周调度 (weekly dispatch), 月分析 (monthly analysis),
季通报 (quarterly bulletin) and 年度考核 (annual assessment), as .docx with tables and chart
images, generated on demand or by `anying tick` after each period, and archived with the
parameters they were made from.

A report reads through the scope of the unit it is made for — the signed-in user's unit, or
the district's 安委办 for scheduled ones — so a town's report never counts another town.
Hazard figures come from the rollups and the enforcement figures from the 三个强度 queries,
which keeps a district's monthly report to a few seconds at ten million hazards
(bench/run_dashboard.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from anying.core import amounts, audit, charts
from anying.core.models import AuditEvent, Organisation, User
from anying.core.officialdoc import OfficialDocument, Section
from anying.core.permissions import require
from anying.core.roles import Role
from anying.core.scope import user_industry_ids
from anying.hazards.models import Hazard, HazardDueTally, HazardMonthTally, HazardTally
from anying.inspections import intensity
from anying.registry import standardization
from anying.tips import stats as tip_stats
from anying.tips.models import Tip

from . import accidents, keytasks, rankings
from .dashboard import months_back, rate
from .indicators import Period
from .models import PeriodKind, RankingScheme, Report
from .regions import Rows

Kind = Report.Kind
PERIOD_OF_KIND = {Kind.WEEKLY: PeriodKind.WEEK, Kind.MONTHLY: PeriodKind.MONTH, Kind.QUARTERLY: PeriodKind.QUARTER,
                  Kind.ANNUAL: PeriodKind.YEAR}
TITLES = {Kind.WEEKLY: "安全生产工作周调度", Kind.MONTHLY: "安全生产形势月度分析", Kind.QUARTERLY: "安全生产工作季度通报",
          Kind.ANNUAL: "安全生产工作年度考核"}
ROLE_OF_UNIT = {Organisation.Kind.COMMITTEE: Role.DISTRICT_ADMIN, Organisation.Kind.COMMITTEE_OFFICE: Role.DISTRICT_ADMIN,
                Organisation.Kind.DEPARTMENT: Role.DEPT_INSPECTOR, Organisation.Kind.TOWN_OFFICE: Role.TOWN_INSPECTOR}
H = Hazard.Status


def reader_for(unit: Organisation) -> User:
    """Who a scheduled report reads as: an unsaved user of the unit, so the one scope rule
    (which depends on the unit alone) applies exactly as for the unit's staff."""
    return User(username=f"report:{unit.pk}", role=ROLE_OF_UNIT.get(unit.kind, Role.TOWN_INSPECTOR), unit=unit,
                is_active=True)


# --- sections -----------------------------------------------------------------------------------

def _months(period: Period) -> bool:
    """Whether the period is made of whole months (then the month tallies answer it)."""
    return period.start.day == 1 and (period.end + dt.timedelta(days=1)).day == 1


def _period_counts(reader, period: Period, kind: str) -> tuple[dict[int, int], dict[int, int]]:
    """(all, major) hazards found (kind "found") or closed ("closed") in the period, by region."""
    if _months(period):
        qs = HazardMonthTally.objects.visible_to(reader).filter(
            kind=kind, month__gte=period.start, month__lte=period.end)
        rows = qs.values("region_id").annotate(c=Sum("n"), major=Sum("n", filter=Q(level=Hazard.Level.MAJOR)))
    else:  # a week: straight from the register, a week's rows through the date indexes
        field = "found_on" if kind == "found" else "closed_on"
        qs = Hazard.objects.visible_to(reader).filter(**{f"{field}__range": (period.start, period.end)})
        if kind == "closed":
            qs = qs.filter(status=H.CLOSED)
        rows = qs.values("region_id").annotate(c=Count("id"), major=Count("id", filter=Q(level=Hazard.Level.MAJOR)))
    rows = list(rows.order_by())
    return {r["region_id"]: r["c"] or 0 for r in rows}, {r["region_id"]: r["major"] or 0 for r in rows}


def hazard_section(reader, period: Period, label: str, today: dt.date, number: str) -> Section:
    rows_of = Rows(reader)
    found, found_major = (rows_of.fold(d) for d in _period_counts(reader, period, "found"))
    closed, _ = (rows_of.fold(d) for d in _period_counts(reader, period, "closed"))
    state = {r["region_id"]: r for r in HazardTally.objects.visible_to(reader).values("region_id").annotate(
        open=Sum("n", filter=~Q(status=H.CLOSED)), major=Sum("n", filter=~Q(status=H.CLOSED) & Q(level="major")),
        closed=Sum("n", filter=Q(status=H.CLOSED)), total=Sum("n")).order_by()}
    late = {r["region_id"]: r["s"] for r in HazardDueTally.objects.visible_to(reader).filter(deadline__lt=today)
            .values("region_id").annotate(s=Sum("n")).order_by()}
    per = {key: rows_of.fold({k: (v[key] or 0) for k, v in state.items()}) for key in ("open", "major", "closed", "total")}
    overdue = rows_of.fold(late)
    rows, totals = [], dict.fromkeys(["found", "found_major", "closed", "open", "major", "overdue", "c", "t"], 0)
    for c in rows_of.all:
        if rows_of.is_direct(c) and not (per["total"][c.pk] or found[c.pk]):
            continue
        figures = (found[c.pk], found_major[c.pk], closed[c.pk], per["open"][c.pk], per["major"][c.pk], overdue[c.pk])
        for key, value in zip(("found", "found_major", "closed", "open", "major", "overdue"), figures, strict=True):
            totals[key] += value
        totals["c"] += per["closed"][c.pk]
        totals["t"] += per["total"][c.pk]
        rows.append([rows_of.label(c), *figures, _pct_text(rate(per["closed"][c.pk], per["total"][c.pk]))])
    rows.append(["合计", totals["found"], totals["found_major"], totals["closed"], totals["open"], totals["major"],
                 totals["overdue"], _pct_text(rate(totals["c"], totals["t"]))])
    section = Section(f"{number}、隐患排查治理")
    section.p(f"{label}，新登记隐患 {totals['found']} 项（其中重大事故隐患 {totals['found_major']} 项），销号 {totals['closed']} 项；"
              f"截至 {today:%Y年%m月%d日}，未销号隐患 {totals['open']} 项（其中重大 {totals['major']} 项），"
              f"逾期未整改 {totals['overdue']} 项，累计销号率 {_pct_text(rate(totals['c'], totals['t']))}。")
    section.table(["区划", "期内新增", "其中重大", "期内销号", "未销号", "其中重大", "逾期", "累计销号率"], rows)
    months = months_back(period.end, 12)
    trend = HazardMonthTally.objects.visible_to(reader).filter(month__gte=months[0], month__lte=period.end) \
        .values("month", "kind").annotate(s=Sum("n")).order_by()
    series = {"found": dict.fromkeys(months, 0), "closed": dict.fromkeys(months, 0)}
    for r in trend:
        if r["month"] in series[r["kind"]]:
            series[r["kind"]][r["month"]] = r["s"] or 0
    section.image(charts.bars([f"{m:%Y-%m}" for m in months],
                              [("发现", list(series["found"].values())), ("销号", list(series["closed"].values()))]),
                  "图：近 12 个月隐患发现（红）与销号（绿）数量")
    return section


def _pct_text(value) -> str:
    return "—" if value is None else f"{value}%"


def overdue_major_section(reader, today: dt.date, number: str, limit: int = 30) -> Section:
    qs = Hazard.objects.visible_to(reader).filter(level=Hazard.Level.MAJOR, status__in=[H.REGISTERED, H.RECTIFYING],
                                                  deadline__lt=today).select_related("enterprise", "region") \
        .order_by("deadline", "id")
    total = qs.count()
    section = Section(f"{number}、逾期重大事故隐患（需重点调度）")
    if not total:
        return section.p("目前没有逾期未整改的重大事故隐患。")
    section.p(f"目前逾期未整改的重大事故隐患共 {total} 项" + (f"，下表列出逾期最久的 {limit} 项" if total > limit else "") + "，请属地和行业部门督促按期销号。")
    section.table(["序号", "企业", "镇街", "隐患部位", "整改期限", "逾期天数"],
                  [[i, h.enterprise.name, h.region.name, h.place, f"{h.deadline:%Y-%m-%d}", (today - h.deadline).days]
                   for i, h in enumerate(qs[:limit], 1)])
    return section


def enforcement_section(reader, period: Period, number: str) -> Section:
    """三个强度 summed over the period's months (per town office and department)."""
    sums: dict[int, intensity.Row] = {}
    for first in Period(period.start, period.end).months:
        for rows in intensity.report(reader, first.year, first.month).values():
            for row in rows:
                acc = sums.setdefault(row.unit_id, intensity.Row(row.unit_id, row.unit, row.kind))
                acc.inspections += row.inspections
                acc.findings += row.findings
                acc.fines += row.fines
    ordered = sorted(sums.values(), key=lambda r: (r.kind != Organisation.Kind.TOWN_OFFICE, -r.inspections, r.unit))
    total_n, total_f = sum(r.inspections for r in ordered), sum(r.findings for r in ordered)
    fines = sum((r.fines for r in ordered), Decimal(0))
    section = Section(f"{number}、执法检查（三个强度）")
    section.p(f"期内各镇街、部门开展执法检查 {total_n} 次，发现问题 {total_f} 项，作出罚款 {fines:,.2f} 元。")
    section.table(["单位", "检查次数", "发现问题", "每次检查发现问题", "罚款（元）"],
                  [[r.unit, r.inspections, r.findings, r.per_inspection, f"{r.fines:,.2f}"] for r in ordered])
    return section


def tips_section(reader, period: Period, number: str) -> Section:
    rows = tip_stats.rows(Tip.objects.visible_to(reader), "category", start=period.start, end=period.end)
    total = tip_stats.total(rows)
    section = Section(f"{number}、群众举报（12350）")
    section.p(f"期内受理举报 {total.total} 件，已有结论 {total.concluded} 件，其中属实 {total.substantiated} 件；"
              f"已答复 {total.replied} 件，逾期 {total.overdue} 件。")
    if rows:
        section.table(["举报类别", "受理", "已有结论", "属实", "已答复", "逾期"],
                      [[r.label, r.total, r.concluded, r.substantiated, r.replied, r.overdue] for r in [*rows, total]])
    return section


def accident_section(reader, period: Period, number: str) -> Section:
    figures = accidents.summary(reader, period.start, period.end)
    section = Section(f"{number}、生产安全事故")
    section.p(f"期内发生生产安全事故 {figures['count']} 起，死亡 {figures['deaths']} 人，重伤 {figures['serious_injuries']} 人，"
              f"直接经济损失 {figures['direct_loss']:,.2f} 元。")
    since, until = accidents.day_range(period.start, period.end)
    listed = accidents.visible(reader).filter(occurred_at__gte=since, occurred_at__lt=until) \
        .select_related("region", "accident_type").order_by("occurred_at")[:50]
    if figures["count"]:
        section.table(["时间", "镇街", "地点", "类型", "死亡", "重伤", "等级"],
                      [[f"{timezone.localtime(a.occurred_at):%m-%d %H:%M}", a.region.name, a.place,
                        a.accident_type.name if a.accident_type else "", a.deaths, a.serious_injuries,
                        a.get_grade_display()] for a in listed])
    return section


def standardization_section(reader, year: int, today: dt.date, number: str) -> Section:
    rows = standardization.by_town(reader, year, today)
    total = standardization.totals(rows)
    section = Section(f"{number}、安全生产标准化")
    section.p(f"在册企业 {total['enterprises']} 家，达标 {total['certified']} 家，达标率 {_pct_text(total['rate'])}；"
              f"{year} 年新达标 {total['achieved']} 家" + (f"，目标 {total['target']} 家，完成 {_pct_text(total['completion'])}"
                                                        if total["target"] is not None else "") +
              f"；证书 90 天内到期 {total['expiring_90']} 家。")
    section.table(["镇街", "企业", "达标", "达标率", "今年新达标", "目标", "完成率"],
                  [[r["label"], r["enterprises"], r["certified"], _pct_text(r["rate"]), r["achieved"],
                    r["target"] if r["target"] is not None else "/", _pct_text(r["completion"])] for r in rows])
    return section


def keytask_section(reader, year: int, today: dt.date, number: str) -> Section:
    figures = keytasks.summary(reader, year)
    section = Section(f"{number}、重点任务挂图作战")
    section.p(f"{year} 年重点任务 {figures['total']} 项，已完成 {figures['done']} 项，逾期 {figures['overdue']} 项，"
              f"按期推进 {figures['in_progress']} 项。")
    late = keytasks.visible(reader).filter(table__year=year).filter(keytasks.overdue_q(today)) \
        .select_related("unit").order_by("due", "number")
    if figures["overdue"]:
        section.table(["序号", "重点任务", "责任单位", "责任人", "完成时限", "进度"],
                      [[t.number, t.task, t.unit.name, t.person, f"{t.due:%Y-%m-%d}", f"{t.percent}%"] for t in late])
    return section


def ranking_sections(reader, unit: Organisation, period: Period, today: dt.date, purpose: str, number: int) -> list:
    """Each active scheme of `purpose` measured over the report's period: table and chart."""
    out = []
    for scheme in RankingScheme.objects.filter(is_active=True, purpose=purpose).order_by("subject", "code"):
        indicators, rows, unranked = rankings.measure(scheme, unit, period, today)
        if not rows:
            continue
        section = Section(f"{_cn(number)}、{scheme.name}")
        weights = "、".join(f"{i['label']}（权重 {i['weight']}）" for i in indicators)
        section.p(f"按{weights}计分：每项指标最好的单位得 100 分、最差的 0 分，其间按比例计分（越高越好的指标为零的不得分），"
                  "总分为各项得分的加权平均。")
        if unranked:
            section.p("无监管对象，不参与排名：" + "、".join(u["unit"] for u in unranked) + "。")
        header = ["名次", "单位", *[f"{i['label']}（{i['unit']}）" for i in indicators], "总分"]
        section.table(header, [[r["rank"], r["unit"], *[_value(r["values"][i["code"]], i["unit"]) for i in indicators], r["total"]]
                               for r in rows])
        section.image(charts.bars([r["unit"] for r in rows], [("总分", [float(r["total"]) for r in rows])],
                                  fallback_labels=[str(r["rank"]) for r in rows]),
                      f"图：{scheme.name}总分（{'按单位' if charts.has_cjk_font() else '横轴为名次，对应上表'}）")
        out.append(section)
        number += 1
    return out


def _value(value, unit: str = "") -> str:
    """A measured value as the report's table shows it: 50,000.00 under （元）."""
    if value is None:
        return "不适用"
    return amounts.money(value) if unit == "元" else str(value)


CN = "零一二三四五六七八九十"


def _cn(n: int) -> str:
    return CN[n] if n <= 10 else f"十{CN[n - 10]}"


# --- generation -----------------------------------------------------------------------------------

def build(reader, unit: Organisation, kind: str, period: Period, label: str, today: dt.date) -> bytes:
    sections: list[Section] = []

    def add(factory, *args):
        sections.append(factory(*args, _cn(len(sections) + 1)))

    add(hazard_section, reader, period, label, today)
    if kind == Kind.WEEKLY:
        add(overdue_major_section, reader, today)
        add(tips_section, reader, period)
        add(keytask_section, reader, period.end.year, today)
    else:
        add(enforcement_section, reader, period)
        add(tips_section, reader, period)
        add(accident_section, reader, period)
        add(standardization_section, reader, period.end.year, today)
        if kind in (Kind.QUARTERLY, Kind.ANNUAL):
            add(keytask_section, reader, period.end.year, today)
        # Rankings measure each unit over its whole territory: only a reader without an industry
        # restriction may see them in a report (a department reads the published rankings instead).
        purpose = {Kind.QUARTERLY: RankingScheme.Purpose.RANKING, Kind.ANNUAL: RankingScheme.Purpose.ASSESSMENT}
        if kind in purpose and user_industry_ids(reader) is None:
            sections += ranking_sections(reader, unit, period, today, purpose[kind], len(sections) + 1)
    intro = (f"现将{label}{unit.region.name}安全生产有关情况{'调度' if kind == Kind.WEEKLY else '通报'}如下。"
             f"数据截至 {today:%Y年%m月%d日}，由安应平台根据各单位登记的记录自动汇总。")
    return OfficialDocument(title=f"{label}{TITLES[kind]}", paragraphs=[intro], sections=sections, unit=unit.name,
                            date=today).render()


def generate(actor, kind: str, day: dt.date, *, unit: Organisation | None = None, record: bool = True,
             today: dt.date | None = None, scheduled: bool = False):
    """The report of `kind` for the period containing `day`, for the actor's unit (or `unit`
    when the system makes it). Returns the archived Report, or the bytes when record=False."""
    if kind not in Kind.values:
        raise ValidationError({"kind": "未知的报告类型"})
    require(actor, "reports.generate", "无权生成定期报告")
    rankings.check_day(day)
    today = today or timezone.localdate()
    unit = unit if actor is None else actor.unit
    reader = actor if actor is not None else reader_for(unit)
    period, label = rankings.period_of(PERIOD_OF_KIND[kind], day)
    if period.start > today:
        raise ValidationError({"day": "该期间尚未开始"})
    content = build(reader, unit, kind, period, label, today)
    if not record:
        return content
    return _archive(actor, unit, kind, period, label, content, today, scheduled)


@transaction.atomic
def _archive(actor, unit, kind, period, label, content: bytes, today: dt.date, scheduled: bool) -> Report:
    report = Report(kind=kind, unit=unit, period_start=period.start, period_end=period.end, label=label,
                    parameters={"period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
                                "data_as_of": today.isoformat(), "unit": unit.name,
                                "schemes": list(RankingScheme.objects.filter(is_active=True)
                                                .values("code", "indicators"))},
                    size=len(content), scheduled=scheduled, generated_by=actor)
    report.file.save(f"{period.start:%Y%m%d}-{kind}.docx", ContentFile(content), save=False)
    report.save()
    audit.record(actor, AuditEvent.Action.CREATE, report, summary=f"生成{report}")
    return report


def run(now: dt.datetime | None = None) -> int:
    """Tick: the district's reports of every kind for the last complete period, once each."""
    today = timezone.localdate(now) if now else timezone.localdate()
    office = Organisation.objects.filter(kind=Organisation.Kind.COMMITTEE_OFFICE, is_active=True) \
        .select_related("region").order_by("region__path").first()
    if office is None:
        return 0
    made = 0
    for kind in Kind.values:
        period, _ = rankings.last_complete(PERIOD_OF_KIND[kind], today)
        if Report.objects.filter(kind=kind, unit=office, period_start=period.start, scheduled=True).exists():
            continue
        generate(None, kind, period.start, unit=office, today=today, scheduled=True)
        made += 1
    return made

