"""The 执法文书 of the case beyond the inspection record and the penalty steps: 现场处理措施决定书
and 询问笔录 (on an inspection), 立案审批表 and 案件移送书 (on a penalty case; the 移送 to the public
security organ is 行刑衔接, 行政处罚法 第二十七条). Each is issued by the unit that inspected or filed
the case, numbered, audited and frozen like the others (documents._issue)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.hazards.models import Hazard

from .documents import Kind, _base, _issue
from .models import Inspection, Penalty

MEASURES = {
    "evacuate": "责令从危险区域内撤出作业人员",
    "suspend": "责令暂时停产停业",
    "stop_use": "责令停止使用相关设施、设备",
    "stop_work": "责令停止建设、停止施工",
}  # 安全生产法 第六十五条第一款第（三）项 and 15号令's 现场处理措施 (data/documents.csv)


def _own(actor, model, pk: int):
    """The record, in the actor's scope and of the actor's unit, locked for the issue."""
    record = model.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=pk).first()
    if record is None or not actor.has_perm_code("inspections.inspect") or actor.unit_id != record.unit_id:
        raise PermissionDenied("只有检查（立案）单位的执法人员可以出具该文书")
    return record


def _date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _moment(value: dt.datetime) -> str:
    value = timezone.localtime(value)
    return f"{_date(value)}{value.hour}时{value.minute:02d}分"


@transaction.atomic
def issue_site_measures(actor, inspection_id: int, *, measures: list[str], until: dt.date | None = None,
                        today: dt.date | None = None):
    """现场处理措施决定书 for the inspection's open major findings."""
    inspection = _own(actor, Inspection, inspection_id)
    today = today or timezone.localdate()
    majors = list(inspection.results.filter(hazard__level=Hazard.Level.MAJOR).exclude(
        hazard__status=Hazard.Status.CLOSED).select_related("hazard"))
    errors = {}
    if not majors:
        errors["measures"] = "该次检查没有未销号的重大事故隐患，无需采取现场处理措施"
    chosen = [MEASURES[m] for m in measures if m in MEASURES]
    if not chosen or len(chosen) != len(measures):
        errors.setdefault("measures", "请选择现场处理措施")
    if until is not None and until <= today:
        errors["until"] = "执行期限须晚于今天"
    if errors:
        raise ValidationError(errors)
    return _issue(actor, inspection, Kind.SITE_MEASURES, {
        **_base(inspection), "inspected_on": _date(inspection.inspected_on),
        "problems": [f"{r.hazard.place}：{r.hazard.description}" for r in majors], "measures": chosen,
        "until": _date(until) if until else ""}, today)


@transaction.atomic
def record_inquiry(actor, inspection_id: int, *, person: str, position: str = "", person_unit: str = "",
                   person_phone: str = "", place: str, started: dt.datetime, ended: dt.datetime, record: str,
                   today: dt.date | None = None):
    """询问笔录: who was asked, when and where, and the questions and answers, line by line."""
    inspection = _own(actor, Inspection, inspection_id)
    lines = [line.strip() for line in record.splitlines() if line.strip()]
    errors = {}
    if not person.strip():
        errors["person"] = "请填写被询问人"
    if not place.strip():
        errors["place"] = "请填写询问地点"
    if ended <= started:
        errors["ended"] = "结束时间须晚于开始时间"
    if not any(line.startswith("问") for line in lines) or not any(line.startswith("答") for line in lines):
        errors["record"] = "请按“问：……”“答：……”逐行记录询问内容"
    if inspection.inspectors.count() < 2:
        errors["__all__"] = "询问须由两名以上执法人员进行，该次检查的执法人员不足两名"
    if errors:
        raise ValidationError(errors)
    return _issue(actor, inspection, Kind.INQUIRY, {
        **_base(inspection), "person": person.strip(), "position": position.strip(), "person_unit": person_unit.strip(),
        "person_phone": person_phone.strip(), "place": place.strip(), "started": _moment(started),
        "ended": _moment(ended), "recorder": str(actor), "record": lines}, today or timezone.localdate())


def _case(penalty: Penalty) -> dict:
    ent = penalty.enterprise
    return {"party": penalty.party_name, "address": ent.address, "legal_representative": ent.legal_representative,
            "phone": ent.contact_phone, "facts": penalty.facts, "evidence": penalty.evidence,
            "violated": penalty.violated, "filed_on": _date(penalty.filed_on),
            "source": f"执法检查（{_date(penalty.inspection.inspected_on)}）" if penalty.inspection else "其他",
            "inspectors": [[i.name, i.certificate_no] for i in penalty.inspection.inspectors.all()]
            if penalty.inspection else []}


@transaction.atomic
def issue_filing(actor, penalty_id: int, today: dt.date | None = None):
    """立案审批表 of a case, once: the case as filed, with blank approval boxes to sign."""
    penalty = _own(actor, Penalty, penalty_id)
    if penalty.documents.filter(kind=Kind.FILING).exists():
        raise ValidationError("该案件已出具立案审批表")
    return _issue(actor, penalty.inspection, Kind.FILING, _case(penalty), today or penalty.filed_on, penalty=penalty)


@transaction.atomic
def issue_transfer(actor, penalty_id: int, *, receiver: str, suspicion: str, materials: str, copy_to: str = "",
                   today: dt.date | None = None):
    """案件移送书 to the public security organ (行刑衔接)."""
    penalty = _own(actor, Penalty, penalty_id)
    listed = [m.strip() for m in materials.splitlines() if m.strip()]
    errors = {}
    if not receiver.strip():
        errors["receiver"] = "请填写接收移送的公安机关"
    if not suspicion.strip():
        errors["suspicion"] = "请填写涉嫌的罪名或犯罪事实"
    if not listed:
        errors["materials"] = "请逐行列出随案移送的材料"
    if errors:
        raise ValidationError(errors)
    return _issue(actor, penalty.inspection, Kind.TRANSFER, {
        **_case(penalty), "receiver": receiver.strip(), "suspicion": suspicion.strip(), "materials": listed,
        "copy_to": copy_to.strip()}, today or timezone.localdate(), penalty=penalty)
