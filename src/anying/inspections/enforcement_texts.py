"""The text of each 执法文书: a Word template per kind (core.wording; default wording in
data/wording/<kind>.txt, a unit may upload its own), filled in from the data frozen at issue
(documents._issue). Every form prints "共 N 页 第 M 页" from page fields and cites its legal basis
(data/documents.csv, frozen as `cites`; documents issued before it existed take today's)."""

from __future__ import annotations

from pathlib import Path

from anying.core import wording
from anying.core.officialdoc import COUNTED

from .models import EnforcementDocument

Kind = EnforcementDocument.Kind
WORDING = Path(__file__).resolve().parent / "data" / "wording"
COMMON = {"number": "文书编号", "unit": "发文单位全称", "date": "出具日期", "basis": "本文书的法律依据",
          "inspectors_line": "执法人员及执法证号（一行）", "inspector_names": "执法人员姓名（以顿号分隔）"}
_INSPECTORS = [["张明", "50000000001"], ["李华", "50000000002"]]
_ENTERPRISE = {"enterprise": "重庆某某机械制造有限公司", "address": "铜梁区东城街道工业园 1 号",
               "legal_representative": "王某", "phone": "023-45670000"}
_PENALTY = {"party": "重庆某某机械制造有限公司", **{k: v for k, v in _ENTERPRISE.items() if k != "enterprise"},
            "facts": "未按规定对安全设备进行经常性维护、保养", "evidence": "现场检查记录、询问笔录、照片",
            "violated": "《中华人民共和国安全生产法》第三十六条第二款", "basis": "《中华人民共和国安全生产法》第九十九条第（二）项",
            "amount": "30000.00", "procedure": "一般程序", "statement_by": "2026年12月10日", "pay_by": "2026年12月25日",
            "unit_phone": "023-45671111"}
SAMPLES = {
    Kind.SITE_RECORD: {**_ENTERPRISE, "scope": "生产车间、配电房", "started": "2026年12月7日 09:00",
                       "ended": "2026年12月7日 11:00", "summary": "发现问题 1 项。", "signatures": ["张明", "李华"],
                       "signatory": "王某", "results": [{"text": "安全出口是否畅通", "result": "不符合", "note": "堵塞"}]},
    Kind.RECTIFICATION_ORDER: {**_ENTERPRISE, "rectify_by": "2026年12月20日", "findings": [
        {"no": 1, "place": "配电房", "text": "灭火器过期", "major": False},
        {"no": 2, "place": "涂装车间", "text": "未设置可燃气体报警装置", "major": True}]},
    Kind.REVIEW_OPINION: {**_ENTERPRISE, "order_date": "2026年12月7日", "order": "铜安监责改〔2026〕1号",
                          "passed": [{"no": 1, "text": "灭火器过期"}], "failed": [{"no": 2, "text": "未设置可燃气体报警装置"}],
                          "again_by": "2026年12月30日"},
    Kind.PENALTY_NOTICE: _PENALTY,
    Kind.PENALTY_DECISION: _PENALTY,
    Kind.SITE_MEASURES: {**_ENTERPRISE, "inspected_on": "2026年12月7日", "problems": ["涂装车间未设置可燃气体报警装置"],
                         "measures": ["责令涂装车间暂时停产停业"], "until": "2026年12月20日"},
    Kind.INQUIRY: {"started": "2026年12月7日 14:00", "ended": "2026年12月7日 15:00", "place": "企业会议室",
                   "recorder": "李华", "person": "王某", "person_unit": "重庆某某机械制造有限公司", "position": "总经理",
                   "person_phone": "13800000000", "record": ["问：你的身份？", "答：总经理。"]},
    Kind.FILING: {"filed_on": "2026年12月7日", "source": "监督检查", **{k: v for k, v in _PENALTY.items()
                                                                   if k in ("party", "address", "legal_representative", "phone", "facts", "evidence", "violated")}},
    Kind.TRANSFER: {"receiver": "重庆市铜梁区公安局", "party": "王某", "suspicion": "重大责任事故罪",
                    "facts": "……", "materials": ["案件移送审批表", "询问笔录"], "copy_to": "重庆市铜梁区人民检察院"},
}
LABELS = {
    "enterprise": "被检查单位", "address": "地址", "legal_representative": "法定代表人（负责人）", "phone": "联系电话",
    "scope": "检查场所及内容", "started": "开始时间", "ended": "结束时间", "summary": "检查情况", "signatory": "现场负责人",
    "signatures": "检查人员签名（列表）", "results": "检查结果（列表：text 内容、result 结果、note 说明）",
    "results_table": "检查结果表（单独成段）", "rectify_by": "整改期限",
    "findings": "问题（列表：no 序号、place 部位、text 描述、major 是否重大）", "majors": "重大事故隐患的序号（列表）",
    "finding_numbers": "全部问题的序号（列表）", "order_date": "指令书日期", "order": "指令书编号",
    "passed": "已整改合格的问题（列表：no、text）", "failed": "未整改合格的问题（列表：no、text）", "again_by": "再次整改期限",
    "party": "当事人", "facts": "违法事实", "evidence": "证据", "violated": "违反的规定", "basis_of_penalty": "处罚依据",
    "amount": "罚款金额（元）", "procedure": "程序", "statement_by": "陈述申辩期限", "pay_by": "缴款期限",
    "unit_phone": "发文单位电话", "inspected_on": "检查日期", "problems": "事故隐患（列表）", "measures": "现场处理措施（列表）",
    "until": "措施执行至", "place": "询问地点", "recorder": "记录人", "person": "被询问人", "person_unit": "被询问人工作单位",
    "position": "职务", "person_phone": "被询问人电话", "record": "问答（列表，每行一段）", "filed_on": "立案日期",
    "source": "案件来源", "filing_table": "立案审批表格（单独成段）", "receiver": "接收单位", "suspicion": "涉嫌罪名",
    "materials": "附件材料（列表）", "copy_to": "抄送",
}
TABLES = {Kind.SITE_RECORD: ("results_table",), Kind.FILING: ("filing_table",)}


def _or_dash(value) -> str:
    return value or "—"


def _results_table(d: dict):
    return (["序号", "检查内容", "结果", "情况说明"],
            [[str(n), r["text"], r["result"], r["note"]] for n, r in enumerate(d["results"], 1)])


def _filing_table(d: dict):
    rows = [["案件来源", d["source"]], ["当事人", d["party"]], ["地址", _or_dash(d["address"])],
            ["法定代表人（负责人）", _or_dash(d["legal_representative"])], ["联系电话", _or_dash(d["phone"])],
            ["简要案情", d["facts"]], ["主要证据", d["evidence"]], ["涉嫌违反的规定", d["violated"]],
            ["承办人", "、".join(f"{n}（{no}）" for n, no in d["inspectors"]) or "—"],
            ["承办人意见", "建议立案调查。　　　　签名：　　　　　年　月　日"],
            ["审核意见", "　　　　　　　　　　　签名：　　　　　年　月　日"],
            ["审批意见", "　　　　　　　　　　　签名：　　　　　年　月　日"]]
    return (["项目", "内容"], rows)


def context(kind: str, d: dict, *, number: str = "", date=None, cites: str = "") -> dict:
    """What a template of `kind` is filled in with: the frozen data, the 文书's own fields and the
    lines every form shares. The penalty's own 处罚依据 is `basis_of_penalty`; `basis` is the
    legal basis of the form itself."""
    inspectors = d.get("inspectors", [])
    values = {**d, "number": number, "date": f"{date.year}年{date.month}月{date.day}日" if date else "",
              "basis": cites, "basis_of_penalty": d.get("basis", ""), "inspectors": inspectors,
              "inspectors_line": "执法人员：" + "、".join(f"{name}（执法证号 {no}）" for name, no in inspectors),
              "inspector_names": "、".join(name for name, _ in inspectors)}
    if kind == Kind.RECTIFICATION_ORDER:
        values["majors"] = [str(f["no"]) for f in d["findings"] if f["major"]]
        values["finding_numbers"] = [str(f["no"]) for f in d["findings"]]
    if kind == Kind.SITE_RECORD:
        values["results_table"] = _results_table(d)
    if kind == Kind.FILING:
        values["filing_table"] = _filing_table(d)
    return values


def _sample(kind: str):
    def build() -> dict:
        import datetime as dt

        from .documents import legal_basis

        d = {**SAMPLES[kind], "unit": "重庆市铜梁区应急管理局", "unit_phone": "023-45671111", "inspectors": _INSPECTORS}
        return context(kind, d, number="铜安监某〔2026〕1号", date=dt.date(2026, 12, 7), cites=legal_basis(kind))
    return build


WORDINGS = [wording.Wording(key=f"inspections.{kind.value}", label=kind.label, text=WORDING / f"{kind.value}.txt",
                            sample=_sample(kind), pages=COUNTED, tables=TABLES.get(kind, ()), group="执法文书",
                            fields={**COMMON, **{k: LABELS[k] for k in _sample(kind)() if k in LABELS}})
            for kind in Kind]


def render(document: EnforcementDocument) -> bytes:
    from .documents import legal_basis

    d = document.data
    values = context(document.kind, d, number=document.number, date=document.issued_on,
                     cites=d.get("cites") or legal_basis(document.kind))
    return wording.render(f"inspections.{document.kind}", values, document.unit)
