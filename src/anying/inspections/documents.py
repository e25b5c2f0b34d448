"""执法文书: issue the documents of an inspection with gap-free numbers, and render them.

Numbers come from `core.numbering` — the issuing unit's 发文机关代字 (铜安监, 旧县应急) and the
document's word (现记, 责改 …), one counter row per 字样 and year taken under a row lock, so two
documents issued at the same moment get consecutive numbers and a failed issue rolls its number
back with everything else. The 字样 and the legal basis each document cites are data
(data/documents.csv); a unit above the towns without a 代字 issues under the district's
abbreviation (ANYING_ENFORCEMENT_ORG), a town office never does."""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.numbering import next_number, prefix_for
from anying.core.workflow import Lifecycle, Transition
from anying.hazards.models import Hazard

from .models import EnforcementDocument, Inspection

Kind = EnforcementDocument.Kind
CATALOGUE = Path(__file__).resolve().parent / "data" / "documents.csv"
AGENCY = "安监"  # the 代字 inside the sample 字样 (安监现记): a unit's own 代字 replaces it


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Document title → its row of data/documents.csv (文号字样, 法律依据, 核对, 来源)."""
    with open(CATALOGUE, encoding="utf-8") as fh:
        return {row["文书"]: row for row in csv.DictReader(line for line in fh if not line.startswith("#"))}


def words() -> dict[str, str]:
    """Document title → its 文号字样 as in the sample system (安监现记)."""
    return {title: row["文号字样"] for title, row in catalogue().items()}


def legal_basis(kind: str) -> str:
    """The articles a document of `kind` cites (printed as 法律依据)."""
    return catalogue()[Kind(kind).label]["法律依据"]


def prefix(kind: str, unit=None) -> str:
    """The 字样 of `unit`'s documents of `kind`: its 代字 + the document's word (旧县应急现记), else
    the district's (铜安监现记) for a unit above the towns."""
    sample = words()[Kind(kind).label]
    return prefix_for(unit, f"enforcement:{kind}", sample.removeprefix(AGENCY),
                      f"{settings.ANYING_ENFORCEMENT_ORG}{sample}")


def _issue(actor, inspection: Inspection | None, kind: str, data: dict, on: dt.date, penalty=None) -> EnforcementDocument:
    """Number and store a document; its data frozen with the unit's full name and the legal basis
    in force on the day, so a later download says what was issued."""
    record = penalty or inspection
    unit = record.unit
    data = {**data, "unit": unit.issuer_name, "unit_phone": unit.contact_phone, "cites": legal_basis(kind)}
    document = EnforcementDocument.objects.create(
        inspection=inspection, penalty=penalty, kind=kind, number=next_number(prefix(kind, unit), on.year), issued_on=on,
        issued_by=actor, unit=unit, data=data)
    audit.record(actor, AuditEvent.Action.CREATE, record, summary=f"出具{document}")
    return document


def issue_for_penalty(actor, penalty, kind: str, on: dt.date) -> EnforcementDocument:
    """行政处罚告知书 or 行政处罚决定书, inside the penalty service's transaction."""
    ent = penalty.enterprise
    data = {"party": penalty.party_name, "address": ent.address, "legal_representative": ent.legal_representative,
            "phone": ent.contact_phone, "facts": penalty.facts,
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
            "phone": ent.contact_phone,
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
    from .enforcement_texts import render as text

    return text(document)
