"""The monthly report as a Word document (core.wording: a template per unit, 企业安全生产月报)."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from anying.core import wording

from . import services

KEY = "monthly.report"


def _figures_table(figures: dict) -> tuple:
    rows = [[block_label, label, str(figures.get(block, {}).get(key, "—")), unit]
            for block, block_label, key, label, unit in services.figure_labels()]
    return (["类别", "项目", "数量", "单位"], rows)


def _details_table(details: dict) -> tuple:
    from anying.core.hooks import MONTHLY_SOURCES

    source = MONTHLY_SOURCES.get("hazards")
    columns = source.detail_columns if source is not None else ()
    rows = [[str(row.get(key, "")) for key, _ in columns] for row in details.get("hazards", [])]
    return ([label for _, label in columns], rows or [["本月无隐患记录"] + [""] * (len(columns) - 1)])


def context(enterprise, month, report, figures: dict, details: dict) -> dict:
    now = timezone.localtime()
    status = (f"已于{timezone.localtime(report.confirmed_at):%Y年%m月%d日}由企业确认" + ("（逾期）" if report.late else "")
              if report is not None else "尚未经企业确认")
    return {"enterprise": enterprise.name, "month": f"{month:%Y年%m月}", "credit_code": enterprise.credit_code,
            "town": enterprise.region.name, "industry": enterprise.industry.name, "status": status,
            "figures_table": _figures_table(figures), "details_table": _details_table(details),
            "note": report.note if report is not None else "", "date": f"{now.year}年{now.month}月{now.day}日"}


def _sample() -> dict:
    return {"enterprise": "重庆某某化工有限公司", "month": "2026年11月", "credit_code": "91500151MA5XXXXXX0",
            "town": "旧县街道", "industry": "危险化学品", "status": "已于2026年12月03日由企业确认",
            "figures_table": (["类别", "项目", "数量", "单位"], [["隐患排查治理", "新发现一般隐患", "3", "项"]]),
            "details_table": (["发现日期", "部位"], [["2026-11-03", "储罐区"]]), "note": "", "date": "2026年12月3日"}


WORDINGS = [wording.Wording(KEY, "安全生产月报", Path(__file__).parent / "data" / "wording" / "report.txt", _sample,
                            tables=("figures_table", "details_table"), group="企业月报",
                            fields={"enterprise": "企业名称", "month": "月份", "credit_code": "统一社会信用代码",
                                    "town": "所在镇街", "industry": "行业", "status": "确认情况",
                                    "figures_table": "汇总数据表", "details_table": "隐患排查治理明细表",
                                    "note": "企业说明（可能为空）", "date": "生成日期"})]
