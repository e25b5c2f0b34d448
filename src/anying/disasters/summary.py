"""The district's view of an event: each town's latest report, the sums, the tables in the layout
of the statistics system's 快报表 (.xlsx) and the 灾情通报 (.docx, a rewordable template)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from anying.core import exports, wording

from .models import DECIMAL_FIELDS, FIGURE_FIELDS, INDICATORS, LABELS, Casualty, Event, Report

SENT = (Report.Status.SUBMITTED, Report.Status.ACCEPTED)
CIRCULAR = "disasters.circular"


def latest_reports(event: Event) -> dict[int, Report]:
    """{town id: the town's last sent report}."""
    latest: dict[int, Report] = {}
    for report in (Report.objects.filter(event=event, status__in=SENT).select_related("town")
                   .order_by("town_id", "submitted_at", "id")):
        latest[report.town_id] = report
    return latest


def totals(reports) -> dict:
    out = {f: (Decimal(0) if f in DECIMAL_FIELDS else 0) for f in FIGURE_FIELDS}
    for r in reports:
        for f in FIGURE_FIELDS:
            out[f] += getattr(r, f)
    out["loss_total"] = sum((out[f] for f, _, u in INDICATORS if f.startswith("loss_")), Decimal(0))
    return out


def town_rows(event: Event) -> list[dict]:
    """Each affected town: its last report (or none), late flags, and its figures."""
    latest = latest_reports(event)
    late = {}
    for due in event.dues.filter(flagged_at__isnull=False).values("town_id", "stage"):
        late.setdefault(due["town_id"], set()).add(due["stage"])
    late_sent = set(Report.objects.filter(event=event, late_minutes__gt=0).values_list("town_id", flat=True))
    rows = []
    for town in event.towns.order_by("sort", "path"):
        report = latest.get(town.pk)
        rows.append({"town": town, "report": report, "late": bool(late.get(town.pk)) or town.pk in late_sent})
    return rows


def _header():
    return ["行政区划代码", "镇（街道）", "报告类别", "数据截至"] + [f"{label}（{unit}）" for _, label, unit in INDICATORS] \
        + ["直接经济损失（万元）"]


def _row(code, name, stage, as_of, figures: dict) -> list:
    return [code, name, stage, as_of] + [figures[f] for f in FIGURE_FIELDS] + [figures["loss_total"]]


def workbook(event: Event, *, show_id: bool = False) -> exports.Book:
    """自然灾害损失情况统计快报表 (by town, the sum first, as the national system's import lists
    the reporting area and its townships), and the 因灾死亡失踪人口台账."""
    rows = town_rows(event)
    reports = [r["report"] for r in rows if r["report"]]
    total = totals(reports)
    book = exports.Book()
    title = f"自然灾害损失情况统计快报表（{event.name}，{event.get_kind_display()}{('·' + event.sub_kind) if event.sub_kind else ''}）"
    sheet = book.sheet("快报表", _header(), title=title,
                       filters=[("灾害发生时间", f"{timezone.localtime(event.started_at):%Y-%m-%d %H:%M}"),
                                ("填报单位", event.unit.issuer_name)], grid=True)
    sheet.extend([_row(event.region.code, f"{event.region.name}合计", "", "", total)])
    sheet.extend(_row(r["town"].code, r["town"].name, r["report"].label if r["report"] else "未报送",
                      timezone.localtime(r["report"].as_of).replace(tzinfo=None) if r["report"] else "",
                      {**r["report"].figures(), "loss_total": r["report"].loss_total} if r["report"]
                      else {f: "" for f in [*FIGURE_FIELDS, "loss_total"]})
                 for r in rows)
    ledger = book.sheet("因灾死亡失踪人口台账", ["镇（街道）", "村（社区）", "姓名", "性别", "年龄", "身份证号", "类别",
                                          "死亡（失踪）日期", "死亡（失踪）地点", "致灾原因", "户籍所在地", "备注"],
                        title=f"因灾死亡失踪人口台账（{event.name}）", grid=True)
    from .registers import mask_id

    ledger.extend([c.town.name, c.village.name if c.village else "", c.name, c.gender, c.age,
                   c.id_number if show_id else mask_id(c.id_number),
                   c.get_status_display(), c.occurred_on, c.place, c.cause, c.residence, c.note]
                  for c in Casualty.objects.filter(event=event).select_related("town", "village"))
    return book


def _fmt(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value else "0"
    return f"{value:,}"


def circular_context(event: Event, unit, *, number: str = "") -> dict:
    rows = town_rows(event)
    reports = [r["report"] for r in rows if r["report"]]
    total = totals(reports)
    now = timezone.localtime()
    stages = {r.stage for r in reports}
    stage = "核报" if stages == {"final"} else ("续报" if "update" in stages or "final" in stages else "初报")
    as_of = max((r.as_of for r in reports), default=now)
    table = (["镇（街道）", "报告", "受灾人口（人）", "死亡失踪（人）", "转移安置（人）", "倒损房屋（间）", "直接经济损失（万元）"],
             [[r["town"].name, r["report"].label if r["report"] else "未报送",
               _fmt(r["report"].affected) if r["report"] else "—",
               _fmt(r["report"].dead + r["report"].missing) if r["report"] else "—",
               _fmt(r["report"].evacuated) if r["report"] else "—",
               _fmt(r["report"].houses_collapsed + r["report"].houses_severe + r["report"].houses_general)
               if r["report"] else "—",
               _fmt(r["report"].loss_total) if r["report"] else "—"] for r in rows])
    return {"event": event.name, "kind": event.get_kind_display(), "number": number,
            "started": f"{timezone.localtime(event.started_at):%m月%d日%H时}",
            "as_of": f"{timezone.localtime(as_of):%m月%d日%H时}", "stage": stage, "towns_count": len(reports),
            **{f: _fmt(v) for f, v in total.items()}, "towns_table": table,
            "late": "、".join(r["town"].name for r in rows if r["late"]),
            "unit": unit.issuer_name if unit else "", "date": f"{now.year}年{now.month}月{now.day}日"}


def _sample() -> dict:
    figures = {f: "0" for f in [*FIGURE_FIELDS, "loss_total"]} | {"affected": "1,250", "evacuated": "320"}
    return {"event": "7·12 暴雨洪涝灾害", "kind": "洪涝灾害", "number": "", "started": "07月12日03时",
            "as_of": "07月13日09时", "stage": "续报", "towns_count": 3, **figures,
            "towns_table": (["镇（街道）", "报告"], [["旧县街道", "续报一"]]), "late": "虎峰镇",
            "unit": "重庆市铜梁区应急管理局", "date": "2026年7月13日"}


WORDINGS = [wording.Wording(CIRCULAR, "灾情通报", Path(__file__).parent / "data" / "wording" / "circular.txt", _sample,
                            tables=("towns_table",), group="灾情报送文书",
                            fields={"event": "灾害过程名称", "kind": "灾种", "number": "文号（可能为空）",
                                    "started": "发生时间", "as_of": "数据截至", "stage": "依据的报告类别",
                                    "towns_count": "已报送镇街数", **{f: LABELS[f] + "合计" for f in
                                                                   [*FIGURE_FIELDS, "loss_total"]},
                                    "towns_table": "分镇街表格", "late": "迟报镇街（可能为空）", "unit": "发文单位全称",
                                    "date": "发文日期"})]
