"""Inspection records and penalties as .xlsx, with the columns a clerk files them by."""

from anying.core import exports

INSPECTION_COLUMNS = ["检查日期", "被检查单位", "镇街", "行业", "执法单位", "检查场所及内容", "检查情况", "发现问题数",
                      "未销号问题", "责令整改期限", "状态"]
PENALTY_COLUMNS = ["立案日期", "当事人", "当事人单位", "镇街", "执法单位", "程序", "违法事实", "违反的规定", "处罚依据",
                   "罚款金额（元）", "状态", "决定日期", "缴款期限", "缴款日期", "实缴金额（元）"]


def write_inspections(book: exports.Book, qs, filters: list[tuple[str, str]]) -> int:
    """`qs` carries `open_count` (records.with_open_findings), as on the list page; `filters` is
    the filter's `describe()`."""
    sheet = book.sheet("执法检查记录", INSPECTION_COLUMNS, title="执法检查记录", filters=filters)
    return sheet.extend([i.inspected_on, i.enterprise.name, i.region.name, i.industry.name, i.unit.name, i.scope_text,
                         i.summary, i.findings, i.open_count, i.rectify_by, i.get_status_display()]
                        for i in qs.select_related("industry").iterator(chunk_size=2000))


def write_penalties(book: exports.Book, qs, filters: list[tuple[str, str]]) -> int:
    sheet = book.sheet("行政处罚", PENALTY_COLUMNS, title="行政处罚案件", filters=filters)
    return sheet.extend([p.filed_on, p.party_name, p.enterprise.name, p.region.name, p.unit.name,
                         p.get_procedure_display(), p.facts, p.violated, p.legal_basis, p.amount, p.get_status_display(),
                         p.decided_on, p.pay_by, p.paid_on, p.paid_amount]
                        for p in qs.select_related("region").iterator(chunk_size=2000))
