"""The documents of hazard governance as rewordable Word templates (core.wording): the
重大事故隐患督办通知书 and the 函 and 通报 of the overdue ladder; default wording in data/wording/."""

from __future__ import annotations

from pathlib import Path

from anying.core import wording

TEXTS = Path(__file__).resolve().parent / "data" / "wording"
SUPERVISION = "hazards.supervision_notice"
LETTER = "hazards.overdue_letter"
CIRCULAR = "hazards.overdue_circular"

_HAZARD = {"number": "文书编号", "unit": "发文单位全称", "date": "发文日期", "enterprise": "企业名称",
           "found_on": "发现日期", "channel": "发现途径（如“企业自查”“监督检查”）", "place": "隐患部位",
           "description": "隐患描述"}
_SAMPLE = {"number": "铜安委办督〔2026〕1号", "unit": "重庆市铜梁区应急管理局", "date": "2026年12月7日",
           "enterprise": "重庆某某化工有限公司", "found_on": "2026年11月02日", "channel": "监督检查",
           "place": "罐区", "description": "储罐区未设置紧急切断装置"}


def _supervision_sample() -> dict:
    return {**_SAMPLE, "criterion": "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（安监总管三〔2017〕121号）第十二项",
            "level": "区级挂牌督办", "requirements": "制定治理方案，落实责任人和资金", "due": "2027年02月28日"}


def _overdue_sample() -> dict:
    return {**_SAMPLE, "deadline": "2026年11月30日", "days": 7, "major": True}


_OVERDUE = {**_HAZARD, "deadline": "整改期限", "days": "已逾期天数", "major": "是否重大事故隐患（真/假）"}
WORDINGS = [
    wording.Wording(SUPERVISION, "重大事故隐患督办通知书", TEXTS / "supervision_notice.txt", _supervision_sample, group="隐患治理文书",
                    fields={**_HAZARD, "criterion": "判定依据（判定标准及条款，可能为空）", "level": "督办级别",
                            "requirements": "督办要求", "due": "治理期限"}),
    wording.Wording(LETTER, "关于督促整改逾期事故隐患的函", TEXTS / "overdue_letter.txt", _overdue_sample, fields=_OVERDUE,
                    group="隐患治理文书"),
    wording.Wording(CIRCULAR, "关于逾期未整改事故隐患的通报", TEXTS / "overdue_circular.txt", _overdue_sample, fields=_OVERDUE,
                    group="隐患治理文书"),
]


def hazard_context(hazard, *, number: str, unit: str, on) -> dict:
    """The fields every hazard letter shares."""
    from .models import enterprise_channel_label

    return {"number": number, "unit": unit, "date": f"{on.year}年{on.month}月{on.day}日",
            "enterprise": hazard.enterprise.name, "found_on": f"{hazard.found_on:%Y年%m月%d日}",
            "channel": enterprise_channel_label(hazard.channel), "place": hazard.place, "description": hazard.description}
