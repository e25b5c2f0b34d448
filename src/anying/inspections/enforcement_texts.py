"""The text of each 执法文书, from the data frozen at issue (documents._issue), laid out by
core.officialdoc: every form prints "共 N 页 第 M 页" from page fields and cites its legal basis
(data/documents.csv, frozen as `cites`; documents issued before it existed take today's)."""

from __future__ import annotations

from anying.core.officialdoc import COUNTED, OfficialDocument, unit_template

from .models import EnforcementDocument

Kind = EnforcementDocument.Kind
APPEAL = ("如果不服本{what}，可以依法在60日内向人民政府或者上一级部门申请行政复议，或者在6个月内依法向人民法院提起"
          "行政诉讼，但本{what}不停止执行，法律另有规定的除外。")


def _inspectors(d: dict) -> str:
    return "执法人员：" + "、".join(f"{name}（执法证号 {no}）" for name, no in d.get("inspectors", []))


def _or_dash(value) -> str:
    return value or "—"


def _site_record(d: dict) -> dict:
    return dict(
        title="现场检查记录",
        paragraphs=[f"被检查单位：{d['enterprise']}", f"地址：{_or_dash(d['address'])}",
                    f"法定代表人（负责人）：{_or_dash(d['legal_representative'])}　联系电话：{_or_dash(d['phone'])}",
                    f"检查场所及内容：{d['scope']}", f"检查时间：{d['started']}至{d['ended']}",
                    "我们是" + d["unit"] + "执法人员，已出示执法证件。检查情况如下：", d["summary"] or ""],
        tables=[(["序号", "检查内容", "结果", "情况说明"],
                 [[str(n), r["text"], r["result"], r["note"]] for n, r in enumerate(d["results"], 1)])],
        signatures=[_inspectors(d), "检查人员签名：" + "、".join(d["signatures"]),
                    f"被检查单位现场负责人签名：{d['signatory']}"])


def _rectification_order(d: dict) -> dict:
    majors = [str(f["no"]) for f in d["findings"] if f["major"]]
    return dict(
        title="责令限期整改指令书", addressee=d["enterprise"],
        paragraphs=["经查，你单位存在下列问题：",
                    *[f"{f['no']}. {f['place']}：{f['text']}" for f in d["findings"]],
                    *([f"其中第{'、'.join(majors)}项属于重大事故隐患。"] if majors else []),
                    f"现责令你单位对上述第{'、'.join(str(f['no']) for f in d['findings'])}项问题于{d['rectify_by']}"
                    "前整改完毕，达到有关法律法规规章和标准规定的要求。整改期间，你单位应当采取措施，确保安全生产。",
                    APPEAL.format(what="指令")],
        signatures=[_inspectors(d), "被检查单位负责人签名：　　　　", "（一式两份，一份交被检查单位，一份存档）"])


def _review_opinion(d: dict) -> dict:
    return dict(
        title="整改复查意见书", addressee=d["enterprise"],
        paragraphs=[f"本部门于{d['order_date']}作出了{d['order']}责令限期整改指令书，经对你单位整改情况进行复查，提出如下意见：",
                    "一、已整改合格的问题：" + ("；".join(f"{f['no']}. {f['text']}" for f in d["passed"]) or "无"),
                    "二、未整改合格的问题：" + ("；".join(f"{f['no']}. {f['text']}" for f in d["failed"]) or "无")
                    + (f"，责令于{d['again_by']}前整改完毕。" if d["failed"] else "。"),
                    "逾期未整改或者整改不合格的，依法给予行政处罚。"],
        signatures=[_inspectors(d), "被复查单位负责人签名：　　　　", "（一式两份）"])


def _penalty_notice(d: dict) -> dict:
    return dict(
        title="行政处罚告知书", addressee=d["party"],
        paragraphs=[f"经查，你（单位）{d['facts']}", f"以上事实有{d['evidence']}等证据为证。",
                    f"你（单位）的上述行为违反了{d['violated']}的规定，依据{d['basis']}的规定，"
                    f"本部门拟作出罚款人民币 {d['amount']} 元的行政处罚。",
                    "根据《中华人民共和国行政处罚法》第四十五条、第六十三条、第六十四条的规定，你（单位）有权进行陈述和申辩，"
                    f"有权在{d['statement_by']}前提出听证申请。逾期视为放弃上述权利。",
                    f"联系单位：{d['unit']}　联系电话：{_or_dash(d.get('unit_phone'))}"],
        signatures=["（一式两份，一份交当事人，一份存档）"])


def _penalty_decision(d: dict) -> dict:
    return dict(
        title="行政处罚决定书", addressee=d["party"],
        paragraphs=[f"当事人：{d['party']}　地址：{_or_dash(d['address'])}　法定代表人（负责人）：{_or_dash(d['legal_representative'])}",
                    f"违法事实及证据：{d['facts']}（证据：{d['evidence']}）", f"违反的规定：{d['violated']}",
                    f"处罚依据及内容：依据{d['basis']}，决定给予罚款人民币 {d['amount']} 元的行政处罚（{d['procedure']}）。",
                    f"罚款限于{d['pay_by']}前（收到本决定书之日起十五日内）缴至指定银行。到期不缴纳罚款的，"
                    "每日按罚款数额的百分之三加处罚款，加处罚款的数额不超过罚款的数额。",
                    "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起"
                    "行政诉讼，但本决定不停止执行，法律另有规定的除外。逾期不申请行政复议、不提起行政诉讼又不履行的，"
                    "本部门将依法申请人民法院强制执行。"],
        signatures=[_inspectors(d)] if d["inspectors"] else [])


def _site_measures(d: dict) -> dict:
    return dict(
        title="现场处理措施决定书", addressee=d["enterprise"],
        paragraphs=[f"本机关于{d['inspected_on']}在对你单位进行安全生产监督检查时，发现你单位存在下列事故隐患：",
                    *[f"{n}. {text}" for n, text in enumerate(d["problems"], 1)],
                    "重大事故隐患排除前或者排除过程中无法保证安全，现作出如下现场处理决定：",
                    *[f"（{n}）{m}" for n, m in enumerate(d["measures"], 1)],
                    *([f"上述措施执行至{d['until']}；"] if d.get("until") else []),
                    "重大事故隐患排除后，经本机关审查同意，方可恢复生产经营和使用。", APPEAL.format(what="决定")],
        signatures=[_inspectors(d), "被检查单位负责人签名：　　　　", "（一式两份，一份交被检查单位，一份存档）"])


def _inquiry(d: dict) -> dict:
    names = "、".join(name for name, _ in d["inspectors"])
    lines = [f"询问时间：{d['started']}至{d['ended']}", f"询问地点：{d['place']}",
             f"询问人：{names}　记录人：{d['recorder']}",
             f"被询问人：{d['person']}　工作单位：{_or_dash(d['person_unit'])}　职务：{_or_dash(d['position'])}"
             f"　联系电话：{_or_dash(d['person_phone'])}",
             f"我们是{d['unit']}的执法人员{names}，这是我们的执法证件（出示证件）。现依法向你了解有关情况，"
             "你应当如实回答，并协助调查，不得阻挠。你有权申请与本案有直接利害关系的执法人员回避。", *d["record"],
             "以上笔录我已看过（或已向我宣读过），与我所说的一致。"]
    return dict(title="询问笔录", paragraphs=lines,
                signatures=["被询问人签名：　　　　　　　　年　　月　　日", "询问人签名：　　　　", f"记录人签名：{d['recorder']}"])


def _filing(d: dict) -> dict:
    rows = [["案件来源", d["source"]], ["当事人", d["party"]], ["地址", _or_dash(d["address"])],
            ["法定代表人（负责人）", _or_dash(d["legal_representative"])], ["联系电话", _or_dash(d["phone"])],
            ["简要案情", d["facts"]], ["主要证据", d["evidence"]], ["涉嫌违反的规定", d["violated"]],
            ["承办人", "、".join(f"{n}（{no}）" for n, no in d["inspectors"]) or "—"],
            ["承办人意见", "建议立案调查。　　　　签名：　　　　　年　月　日"],
            ["审核意见", "　　　　　　　　　　　签名：　　　　　年　月　日"],
            ["审批意见", "　　　　　　　　　　　签名：　　　　　年　月　日"]]
    return dict(title="立案审批表", paragraphs=[f"立案日期：{d['filed_on']}"], tables=[(["项目", "内容"], rows)])


def _transfer(d: dict) -> dict:
    return dict(
        title="案件移送书", addressee=d["receiver"],
        paragraphs=[f"{d['party']}涉嫌{d['suspicion']}一案，经本机关调查，有关事实如下：{d['facts']}",
                    "依照《中华人民共和国行政处罚法》第二十七条和《行政执法机关移送涉嫌犯罪案件的规定》的规定，"
                    "该案已涉嫌构成犯罪，依法需要追究刑事责任，现移送你单位依法处理，并请将处理结果书面告知本机关。",
                    "附件：" + "；".join(d["materials"]),
                    *([f"抄送：{d['copy_to']}"] if d.get("copy_to") else [])],
        signatures=[_inspectors(d)] if d["inspectors"] else [])


TEXTS = {Kind.SITE_RECORD: _site_record, Kind.RECTIFICATION_ORDER: _rectification_order,
         Kind.REVIEW_OPINION: _review_opinion, Kind.PENALTY_NOTICE: _penalty_notice,
         Kind.PENALTY_DECISION: _penalty_decision, Kind.SITE_MEASURES: _site_measures, Kind.INQUIRY: _inquiry,
         Kind.FILING: _filing, Kind.TRANSFER: _transfer}


def document_for(document: EnforcementDocument) -> OfficialDocument:
    from .documents import legal_basis

    d = document.data
    return OfficialDocument(number=document.number, unit=d["unit"], date=document.issued_on, pages=COUNTED,
                            basis=d.get("cites") or legal_basis(document.kind), template=unit_template(document.unit),
                            **TEXTS[document.kind](d))
