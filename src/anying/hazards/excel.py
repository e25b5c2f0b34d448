"""Hazard tables as .xlsx: the filtered register, the 问题清单 (open major hazards) and 待办."""

from itertools import islice

from anying.core.exports import Book

from . import self_inspection
from .models import Hazard


def criterion_text(hazard: Hazard) -> str:
    """判定依据 in full: the standard, the item and its text, not just 第十一条（三）."""
    c = hazard.criterion
    return f"{c.criteria_set.name}（{c.criteria_set.document}）{c.reference}：{c.text}" if c is not None else ""


def _channel(h: Hazard, user=None) -> str:
    return h.channel_label_for(user)  # an enterprise never sees 群众举报 (models.shown_channel)


COLUMNS = [
    ("发现日期", lambda h: h.found_on), ("镇街", lambda h: h.region.name), ("行业", lambda h: h.industry.name),
    ("企业", lambda h: h.enterprise.name), ("隐患部位", lambda h: h.place), ("隐患描述", lambda h: h.description),
    ("等级", lambda h: h.get_level_display()), ("判定依据", criterion_text),
    ("来源", _channel), ("发现人", lambda h: h.found_by), ("状态", lambda h: h.get_status_display()),
    ("整改责任人", lambda h: h.responsible_person), ("整改措施", lambda h: h.measures),
    ("整改资金（元）", lambda h: float(h.funds) if h.funds is not None else None), ("整改期限", lambda h: h.deadline),
    ("销号日期", lambda h: h.closed_on),
]


def _append_hazards(sheet, queryset, user=None) -> int:
    """One row per hazard, as `user` may see it; returns the number of hazards written."""
    rows = queryset.select_related("region", "industry", "enterprise", "criterion__criteria_set")
    return sheet.extend([_channel(h, user) if get is _channel else get(h) for _, get in COLUMNS]
                        for h in rows.iterator(chunk_size=2000))


def write_hazards(queryset, book: Book, *, title: str = "隐患台账", filters=None, user=None) -> int:
    return _append_hazards(book.sheet(title, [name for name, _ in COLUMNS], title=title, filters=filters), queryset,
                           user)


def write_issue_list(matrix: dict, queryset, book: Book, user=None) -> int:
    """Sheet 1: counts by 镇街 × 行业; sheet 2: every open major hazard behind them."""
    summary = book.sheet("问题清单汇总", ["镇街", *matrix["industries"], "合计"], title="问题清单汇总（未销号重大事故隐患）")
    summary.extend([row["region"], *row["counts"], row["total"]] for row in matrix["rows"])
    summary.note(["合计", *matrix["totals"], matrix["total"]], gap=False)
    return _append_hazards(book.sheet("重大事故隐患明细", [name for name, _ in COLUMNS], title="重大事故隐患明细"),
                           queryset, user)


def _standing(state) -> str:
    """One schedule as its badge on the 日周月排查 page reads."""
    if state.expected:
        text = f"{state.short_name} {state.done}/{state.expected}"
    else:
        text = f"{state.short_name} 本期{'已查' if state.done_now else '未到期'}"
    return text + (" 落后" if state.behind else "")


def write_self_inspection(book: Book, enterprises, today, filters) -> int:
    """日周月排查 status: each enterprise of the page's list with where its schedules stand."""
    sheet = book.sheet("日周月排查", ["生产经营单位", "镇街", "行业", f"各项排查（近{self_inspection.LOOKBACK_DAYS}天已查/应查）",
                                  "状态"], title="日周月排查情况", filters=filters)
    rows = enterprises.iterator(chunk_size=500)
    while chunk := list(islice(rows, 500)):
        states = self_inspection.states_by_enterprise(chunk, today)
        sheet.extend([e.name, e.region.name, e.industry.name, "；".join(_standing(s) for s in states.get(e.pk, [])),
                      "排查落后" if e.behind else "正常"] for e in chunk)
    return sheet.count
