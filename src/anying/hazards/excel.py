"""Hazard tables as .xlsx: the filtered register and the 问题清单 (open major hazards)."""

from openpyxl import Workbook

from anying.registry.excel import as_text

COLUMNS = [
    ("发现日期", lambda h: h.found_on), ("镇街", lambda h: h.region.name), ("行业", lambda h: h.industry.name),
    ("企业", lambda h: h.enterprise.name), ("隐患部位", lambda h: h.place), ("隐患描述", lambda h: h.description),
    ("等级", lambda h: h.get_level_display()), ("判定依据", lambda h: h.criterion.reference if h.criterion_id else ""),
    ("来源", lambda h: h.get_channel_display()), ("发现人", lambda h: h.found_by), ("状态", lambda h: h.get_status_display()),
    ("整改责任人", lambda h: h.responsible_person), ("整改措施", lambda h: h.measures),
    ("整改资金（元）", lambda h: float(h.funds) if h.funds is not None else None), ("整改期限", lambda h: h.deadline),
    ("销号日期", lambda h: h.closed_on),
]


def _append_hazards(ws, queryset) -> int:
    """The header and one row per hazard; returns the number of hazards written."""
    ws.append([name for name, _ in COLUMNS])
    count = 0
    for hazard in queryset.select_related("region", "industry", "enterprise", "criterion").iterator(chunk_size=2000):
        ws.append([as_text(ws, get(hazard)) for _, get in COLUMNS])
        count += 1
    return count


def write_hazards(queryset, target, title: str = "隐患台账") -> int:
    wb = Workbook(write_only=True)
    count = _append_hazards(wb.create_sheet(title), queryset)
    wb.save(target)
    return count


def write_issue_list(matrix: dict, queryset, target) -> int:
    """Sheet 1: counts by 镇街 × 行业; sheet 2: every open major hazard behind them."""
    wb = Workbook(write_only=True)
    summary = wb.create_sheet("问题清单汇总")
    summary.append(["镇街", *matrix["industries"], "合计"])
    for row in matrix["rows"]:
        summary.append([row["region"], *row["counts"], row["total"]])
    summary.append(["合计", *matrix["totals"], matrix["total"]])
    count = _append_hazards(wb.create_sheet("重大事故隐患明细"), queryset)
    wb.save(target)
    return count
