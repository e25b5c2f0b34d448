"""执法文书: issue the documents of an inspection with gap-free numbers, and render them.

Numbers come from `core.numbering.next_number` — one counter row per 文号字样 and year taken
under a row lock, so two documents issued at the same moment get consecutive numbers and a
failed issue rolls its number back with everything else. The 字样 (安监现记, 安监责改 …) are read
from data/enforcement_docs_fields.csv; the prefix before them is ANYING_ENFORCEMENT_ORG."""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.numbering import next_number
from anying.core.officialdoc import OfficialDocument
from anying.core.workflow import Lifecycle, Transition
from anying.hazards.models import Hazard

from .models import EnforcementDocument, Inspection

Kind = EnforcementDocument.Kind
FIELDS_FILE = Path(__file__).resolve().parent / "data" / "enforcement_docs_fields.csv"


@cache
def words() -> dict[str, str]:
    """Document title → its 文号字样, from the reference table."""
    out = {}
    with open(FIELDS_FILE, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            match = re.search(r"）(.+?)〔", row["文号字样(样例系统)"])
            if match:
                out[row["文书"].split("(")[0]] = match.group(1)
    return out


def prefix(kind: str) -> str:
    return f"{settings.ANYING_ENFORCEMENT_ORG}{words()[Kind(kind).label]}"


def _issue(actor, inspection: Inspection | None, kind: str, data: dict, on: dt.date, penalty=None) -> EnforcementDocument:
    record = penalty or inspection
    document = EnforcementDocument.objects.create(
        inspection=inspection, penalty=penalty, kind=kind, number=next_number(prefix(kind), on.year), issued_on=on,
        issued_by=actor, unit=record.unit, data=data)
    audit.record(actor, AuditEvent.Action.CREATE, record, summary=f"出具{document}")
    return document


def issue_for_penalty(actor, penalty, kind: str, on: dt.date) -> EnforcementDocument:
    """行政处罚告知书 or 行政处罚决定书, inside the penalty service's transaction."""
    ent = penalty.enterprise
    data = {"party": penalty.party_name, "address": ent.address, "legal_representative": ent.legal_representative,
            "phone": ent.contact_phone, "unit": penalty.unit.name, "unit_phone": penalty.unit.contact_phone,
            "facts": penalty.facts,
            "evidence": penalty.evidence, "violated": penalty.violated, "basis": penalty.legal_basis,
            "amount": str(penalty.amount), "procedure": penalty.get_procedure_display(),
            "statement_by": f"{penalty.statement_by:%Y年%m月%d日}" if penalty.statement_by else "",
            "pay_by": f"{penalty.pay_by:%Y年%m月%d日}" if penalty.pay_by else "",
            "inspectors": [[i.name, i.certificate_no] for i in penalty.inspection.inspectors.all()]
            if penalty.inspection else []}
    return _issue(actor, penalty.inspection, kind, data, on, penalty=penalty)


def _finding_rows(inspection: Inspection) -> list[dict]:
    rows = []
    for n, r in enumerate(inspection.results.filter(hazard__isnull=False).select_related("hazard", "item"), 1):
        rows.append({"no": n, "hazard": r.hazard_id, "text": r.hazard.description, "place": r.hazard.place,
                     "major": r.hazard.level == Hazard.Level.MAJOR, "status": r.hazard.status})
    return rows


def _base(inspection: Inspection) -> dict:
    ent = inspection.enterprise
    return {"enterprise": ent.name, "address": ent.address, "legal_representative": ent.legal_representative,
            "phone": ent.contact_phone, "unit": inspection.unit.name,
            "inspectors": [[i.name, i.certificate_no] for i in inspection.inspectors.all()]}


def issue_for_new_inspection(actor, inspection: Inspection) -> list[EnforcementDocument]:
    """现场检查记录 always; 责令限期整改指令书 when there are findings. Inside record()'s transaction."""
    on = inspection.inspected_on
    findings = _finding_rows(inspection)
    base = _base(inspection)
    results = [{"text": r.item.text, "result": r.get_result_display(), "note": r.note}
               for r in inspection.results.select_related("item")]
    docs = [_issue(actor, inspection, Kind.SITE_RECORD, {
        **base, "scope": inspection.scope_text, "summary": inspection.summary, "results": results,
        "started": f"{timezone.localtime(inspection.started_at):%Y年%m月%d日%H时%M分}",
        "ended": f"{timezone.localtime(inspection.ended_at):%d日%H时%M分}",
        "signatures": inspection.inspector_signatures, "signatory": inspection.enterprise_signatory}, on)]
    if findings:
        docs.append(_issue(actor, inspection, Kind.RECTIFICATION_ORDER, {
            **base, "findings": findings, "rectify_by": f"{inspection.rectify_by:%Y年%m月%d日}",
            "site_record": docs[0].number}, on))
    return docs


def _reviewing(step) -> None:
    """整改复查意见书: which findings passed review (closed) and which did not, with a new deadline.
    The inspection's state stays: it follows its findings (records.refresh_status)."""
    inspection, today, again_by = step.record, step.data["today"], step.data.get("again_by")
    order = inspection.documents.filter(kind=Kind.RECTIFICATION_ORDER).first()
    if order is None:
        raise ValidationError("该次检查没有责令限期整改指令书，无需复查")
    findings = _finding_rows(inspection)
    failed = [f for f in findings if f["status"] != Hazard.Status.CLOSED]
    if failed and (again_by is None or again_by <= today):
        raise ValidationError({"again_by": "仍有未整改合格的问题，须再次限定整改期限（晚于今天）"})
    document = _issue(step.actor, inspection, Kind.REVIEW_OPINION, {
        **_base(inspection), "order": order.number, "order_date": f"{order.issued_on:%Y年%m月%d日}",
        "passed": [f for f in findings if f["status"] == Hazard.Status.CLOSED], "failed": failed,
        "again_by": f"{again_by:%Y年%m月%d日}" if failed else ""}, today)
    step.summary = f"出具{document}"
    step.comment = step.comment or (f"{len(failed)} 项未整改合格，责令于 {again_by:%Y-%m-%d} 前整改" if failed
                                    else "全部整改合格")
    step.data["issued"].append(document)


INSPECTING_UNIT = "inspecting_unit"  # an enforcement officer of the unit that inspected


def _parties(user, inspection: Inspection) -> set[str]:
    if user.has_perm_code("inspections.inspect") and user.unit_id == inspection.unit_id:
        return {INSPECTING_UNIT}
    return set()


_S = Inspection.Status
LIFECYCLE = workflow.register(Lifecycle(
    model=Inspection, label="执法检查", parties=_parties, transitions=[
        # the state is derived from the findings (records.refresh_status): a review only reports
        Transition("review", "复查", (_S.OPEN, _S.CLEARED), None, frozenset({INSPECTING_UNIT}), apply=_reviewing,
                   notify=("enterprise",)),
    ],
    recipients={"enterprise": lambda i: recipients.members([i.organisation_id])},
    audited=["status", "rectify_by"], version_field=None,
    events={"record": "记录现场检查"},
    describe=lambda i: f"{i.enterprise.name}（{i.inspected_on:%Y-%m-%d}）",
    url=lambda i: reverse("inspection_detail", args=[i.pk])))


def issue_review(actor, inspection_id: int, *, again_by: dt.date | None, today: dt.date | None = None):
    """整改复查意见书 through the inspection's lifecycle; returns the document."""
    issued: list[EnforcementDocument] = []  # the step's apply hands the document back here
    try:
        workflow.run(LIFECYCLE, actor, inspection_id, "review",
                     data={"again_by": again_by, "today": today or timezone.localdate(), "issued": issued})
    except Inspection.DoesNotExist:
        raise PermissionDenied("只有检查单位可以出具复查意见") from None
    return issued[0]


def render(document: EnforcementDocument) -> bytes:
    d = document.data
    sign = ["执法人员：" + "、".join(f"{name}（执法证号 {no}）" for name, no in d["inspectors"])]
    if document.kind == Kind.SITE_RECORD:
        return OfficialDocument(
            title="现场检查记录", number=document.number,
            paragraphs=[f"被检查单位：{d['enterprise']}", f"地址：{d['address'] or '—'}",
                        f"法定代表人（负责人）：{d['legal_representative'] or '—'}　联系电话：{d['phone'] or '—'}",
                        f"检查场所及内容：{d['scope']}", f"检查时间：{d['started']}至{d['ended']}",
                        "我们是" + d["unit"] + "执法人员，已出示执法证件。检查情况如下：", d["summary"] or ""],
            tables=[(["序号", "检查内容", "结果", "情况说明"],
                     [[str(n), r["text"], r["result"], r["note"]] for n, r in enumerate(d["results"], 1)])],
            signatures=[*sign, "检查人员签名：" + "、".join(d["signatures"]),
                        f"被检查单位现场负责人签名：{d['signatory']}", "（共 1 页 第 1 页）"],
            unit=d["unit"], date=document.issued_on).render()
    if document.kind == Kind.RECTIFICATION_ORDER:
        majors = [str(f["no"]) for f in d["findings"] if f["major"]]
        return OfficialDocument(
            title="责令限期整改指令书", number=document.number, addressee=d["enterprise"],
            paragraphs=["经查，你单位存在下列问题：",
                        *[f"{f['no']}. {f['place']}：{f['text']}" for f in d["findings"]],
                        *([f"其中第{'、'.join(majors)}项属于重大事故隐患。"] if majors else []),
                        f"现责令你单位对上述第{'、'.join(str(f['no']) for f in d['findings'])}项问题于{d['rectify_by']}"
                        "前整改完毕，达到有关法律法规规章和标准规定的要求。整改期间，你单位应当采取措施，确保安全生产。",
                        "如果不服本指令，可以依法在60日内向人民政府或者上一级部门申请行政复议，或者在6个月内依法向"
                        "人民法院提起行政诉讼，但本指令不停止执行，法律另有规定的除外。"],
            signatures=[*sign, "被检查单位负责人签名：　　　　", "（一式两份，一份交被检查单位，一份存档）"],
            unit=d["unit"], date=document.issued_on).render()
    if document.kind == Kind.PENALTY_NOTICE:
        return OfficialDocument(
            title="行政处罚告知书", number=document.number, addressee=d["party"],
            paragraphs=[f"经查，你（单位）{d['facts']}", f"以上事实有{d['evidence']}等证据为证。",
                        f"你（单位）的上述行为违反了{d['violated']}的规定，依据{d['basis']}的规定，"
                        f"本部门拟作出罚款人民币 {d['amount']} 元的行政处罚。",
                        f"根据《中华人民共和国行政处罚法》第四十五条、第六十三条、第六十四条的规定，你（单位）有权进行陈述和申辩，"
                        f"有权在{d['statement_by']}前提出听证申请。逾期视为放弃上述权利。",
                        f"联系单位：{d['unit']}　联系电话：{d.get('unit_phone') or '—'}"],
            signatures=["（一式两份，一份交当事人，一份存档）"], unit=d["unit"], date=document.issued_on).render()
    if document.kind == Kind.PENALTY_DECISION:
        return OfficialDocument(
            title="行政处罚决定书", number=document.number, addressee=d["party"],
            paragraphs=[f"当事人：{d['party']}　地址：{d['address'] or '—'}　法定代表人（负责人）：{d['legal_representative'] or '—'}",
                        f"违法事实及证据：{d['facts']}（证据：{d['evidence']}）", f"违反的规定：{d['violated']}",
                        f"处罚依据及内容：依据{d['basis']}，决定给予罚款人民币 {d['amount']} 元的行政处罚（{d['procedure']}）。",
                        f"罚款限于{d['pay_by']}前（收到本决定书之日起十五日内）缴至指定银行。到期不缴纳罚款的，"
                        "每日按罚款数额的百分之三加处罚款，加处罚款的数额不超过罚款的数额。",
                        "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起"
                        "行政诉讼，但本决定不停止执行，法律另有规定的除外。逾期不申请行政复议、不提起行政诉讼又不履行的，"
                        "本部门将依法申请人民法院强制执行。"],
            signatures=[*sign] if d["inspectors"] else [], unit=d["unit"], date=document.issued_on).render()
    return OfficialDocument(
        title="整改复查意见书", number=document.number, addressee=d["enterprise"],
        paragraphs=[f"本部门于{d['order_date']}作出了{d['order']}责令限期整改指令书，经对你单位整改情况进行复查，提出如下意见：",
                    "一、已整改合格的问题：" + ("；".join(f"{f['no']}. {f['text']}" for f in d["passed"]) or "无"),
                    "二、未整改合格的问题：" + ("；".join(f"{f['no']}. {f['text']}" for f in d["failed"]) or "无")
                    + (f"，责令于{d['again_by']}前整改完毕。" if d["failed"] else "。"),
                    "逾期未整改或者整改不合格的，依法给予行政处罚。"],
        signatures=[*sign, "被复查单位负责人签名：　　　　", "（一式两份）"], unit=d["unit"], date=document.issued_on).render()
