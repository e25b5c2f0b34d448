"""Monitoring API (`/api/v1/monitoring`): GB 18218-2018 identification and grading of any unit's
chemicals, the register of major hazard installations, and their 包保责任人 with their 履职."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import HttpBearer
from pydantic import Field

from anying.core.api_input import InputSchema, MultiLine
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import baobao, gb18218, ingest, services, services_baobao
from .models import Installation
from .models_baobao import DutyRecord, Guarantor

router = Router(tags=["监测预警"])


def _may(request) -> None:
    if not request.user.has_perm_code("monitoring.view"):
        raise PermissionDenied("无权查看重大危险源")


def _may_edit(request) -> None:
    if not request.user.has_perm_code("monitoring.edit"):
        raise PermissionDenied("无权登记重大危险源")


class ChemicalIn(InputSchema):
    chemical: str = Field(min_length=1, max_length=120, description="表1序号、名称、别名或CAS号；不在表1的填名称并给出 category")
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3, description="设计最大量（吨）")
    category: str = Field("", max_length=8, description="表2危险性类别符号，如 W5.4、J2；表1中非表3毒性气体须填写（确定β）")


class EvaluateIn(InputSchema):
    people_within_500m: int = Field(ge=0, le=10_000_000, description="厂区边界外500m范围内常住人口（表5，确定α）")
    chemicals: list[ChemicalIn] = Field(min_length=1, max_length=200)


class LineOut(Schema):
    chemical: str
    table1_number: int | None
    category: str
    quantity: Decimal
    critical: Decimal
    ratio: Decimal
    beta: Decimal
    beta_from: str


class EvaluateOut(Schema):
    s: Decimal = Field(description="Σq/Q，四位小数（判定用精确值）")
    is_major: bool
    alpha: Decimal
    r: Decimal = Field(description="α·Σβq/Q，四位小数（分级用精确值）")
    grade: int | None
    grade_label: str
    lines: list[LineOut]


def _result(result: gb18218.Result) -> dict:
    return {"s": gb18218.shown(result.s), "is_major": result.is_major, "alpha": result.alpha,
            "r": gb18218.shown(result.r), "grade": result.grade, "grade_label": result.grade_label,
            "lines": [{"chemical": x.chemical, "table1_number": x.named.number if x.named else None,
                       "category": x.category, "quantity": x.quantity, "critical": x.critical,
                       "ratio": gb18218.shown(x.ratio), "beta": x.beta, "beta_from": x.beta_from} for x in result.lines]}


@router.post("/gb18218", response=EvaluateOut, summary="GB 18218-2018 重大危险源辨识与分级（一个单元的危险化学品）")
def evaluate(request, payload: EvaluateIn):
    _may(request)
    return _result(gb18218.evaluate([(c.chemical, c.quantity, c.category) for c in payload.chemicals],
                                    payload.people_within_500m))


class InstallationOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str = Field(alias="enterprise.name")
    name: str
    kind: str
    people_within_500m: int
    s_value: Decimal
    r_value: Decimal
    is_major: bool
    grade: int | None
    commissioned_on: dt.date | None
    filed_on: dt.date | None
    assessed_on: dt.date | None
    retired_on: dt.date | None
    latitude: Decimal | None
    longitude: Decimal | None


class InstallationChemicalOut(Schema):
    chemical: str
    table1_number: int | None
    category: str
    quantity: Decimal
    critical: Decimal
    beta: Decimal
    beta_from: str


class InstallationDetailOut(InstallationOut):
    chemicals: list[InstallationChemicalOut] = Field(alias="chemical_list")


class InstallationIn(EvaluateIn):
    enterprise_id: int = Field(gt=0)
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(max_length=12, description="production 生产单元 / storage 储存单元")
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    commissioned_on: dt.date | None = None
    filed_on: dt.date | None = None
    filing_number: str = Field("", max_length=60)
    assessed_on: dt.date | None = None
    oil_gas_storage: bool = False
    has_gas_detection: bool = False
    has_video: bool = False
    has_emergency_shutoff: bool = False
    has_lightning_warning: bool = False


def _scoped(request):
    _may(request)
    return Installation.objects.visible_to(request.user).select_related("enterprise")


@router.get("/installations", response=list[InstallationOut], summary="重大危险源（本人范围）")
@paginate(BoundedPagination)
def list_installations(request):
    return _scoped(request).filter(retired_on__isnull=True).order_by("-is_major", "grade", "enterprise__name", "id")


@router.get("/installations/{int:installation_id}", response=InstallationDetailOut, summary="重大危险源：危险化学品及辨识分级")
def get_installation(request, installation_id: int):
    inst = get_object_or_404(_scoped(request), pk=installation_id)
    inst.chemical_list = list(inst.chemicals.all())
    return inst


@router.post("/installations", response={201: InstallationDetailOut}, summary="登记重大危险源（按GB 18218-2018计算辨识和分级）")
def create_installation(request, payload: InstallationIn):
    _may_edit(request)
    data = payload.dict()
    chemicals = data.pop("chemicals")
    enterprise_id = data.pop("enterprise_id")
    inst = services.save_installation(request.user, enterprise_id, data,
                                      [(c["chemical"], c["quantity"], c["category"]) for c in chemicals])
    inst = Installation.objects.select_related("enterprise").get(pk=inst.pk)
    inst.chemical_list = list(inst.chemicals.all())
    return Status(201, inst)


# --- readings in (devices) -------------------------------------------------------------------------

class DeviceAuth(HttpBearer):
    """`Authorization: Bearer ayd_…`: a device's token (采集设备), not a person's."""

    def authenticate(self, request, token):
        device = ingest.device_for(token)
        if device is not None:
            request.device = device
        return device


class ReadingsOut(Schema):
    received: int
    stored: int
    duplicates: int
    rejected_count: int
    rejected: list[dict] = Field(description="至多前100条：index（批内序号，从0起）和 reason")
    alarms_raised: int
    alarms_updated: int


@router.post("/readings", auth=DeviceAuth(), response={200: ReadingsOut, 422: dict},
             summary="上报监测读数（采集设备令牌；JSON数组或CSV，每批至多20000条）",
             description="JSON：`[{\"sensor\": \"LT-101\", \"ts\": 1765101600000, \"value\": 3.21}, …]`，ts 为毫秒时间戳"
                         "（小于10¹¹按秒）或 ISO 8601 时间（无时区按北京时间）；也接受 s/t/v 简写。CSV："
                         "`Content-Type: text/csv`，表头 `sensor,ts,value`。同一点位同一时间的重复读数被忽略；"
                         "无法识别的行逐条拒收并说明原因，其余照常入库。",
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "array"}},
                                                        "text/csv": {"schema": {"type": "string"}}}}})
def post_readings(request):
    try:
        _, items = ingest.parse(request.body, request.content_type or "")
    except ingest.BatchError as exc:
        return Status(422, {"detail": [{"loc": ["body"], "msg": str(exc), "type": "value_error"}]})
    return Status(200, ingest.ingest(request.device, items).as_dict())


# --- 包保责任人 ---------------------------------------------------------------------------------------

class GuarantorOut(Schema):
    id: int
    kind: str = Field(description="principal 主要负责人 / technical 技术负责人 / operational 操作负责人")
    kind_label: str
    name: str
    position: str
    phone: str
    since: dt.date
    until: dt.date | None = Field(description="卸任日期；为空表示现任")
    current: bool
    required: str = Field(description="规定频次，如“每季度至少1次”")
    frequency_basis: str = Field(description="频次依据（文件与条款）")
    frequency_verified: bool = Field(description="频次依据的原文是否已核实")
    period: str | None = Field(None, description="现任：本期（如“2026年第4季度”）")
    done_this_period: int | None = None
    last_period: str | None = None
    done_last_period: int | None = None
    behind: bool | None = Field(None, description="现任：上一周期履职次数低于规定频次")
    missed_in_a_row: int | None = None


@router.get("/installations/{int:installation_id}/guarantors", response=list[GuarantorOut],
            summary="重大危险源的包保责任人（现任及历任）和履职情况")
def list_guarantors(request, installation_id: int):
    inst = get_object_or_404(_scoped(request), pk=installation_id)
    people = list(Guarantor.objects.filter(installation=inst).order_by("kind", "-since", "-id"))
    standing = {s.guarantor.pk: s for s in baobao.standings([g for g in people if g.until is None])
                if s.guarantor is not None}
    freq = baobao.frequencies()
    out = []
    for g in people:
        f, s = freq[g.kind], standing.get(g.pk)
        row = {"id": g.pk, "kind": g.kind, "kind_label": g.get_kind_display(), "name": g.name, "position": g.position,
               "phone": g.phone, "since": g.since, "until": g.until, "current": g.until is None, "required": f.label,
               "frequency_basis": f"{f.source}{f.article}", "frequency_verified": f.verified}
        if s is not None:
            row.update(period=s.current_label, done_this_period=s.done_now, last_period=s.last_label,
                       done_last_period=s.done_last, behind=s.behind, missed_in_a_row=s.missed_in_a_row)
        out.append(row)
    return out


class DutyRecordIn(InputSchema):
    done_on: dt.date = Field(description="履职日期（不晚于今天，最多补录7天）")
    checked: MultiLine = Field(min_length=1, max_length=2000, description="检查内容")
    items: list[str] = Field([], max_length=20, description="对照的职责条款，如“第五条（五）”（见页面）")
    result: str = Field("", max_length=10, description="normal 未发现问题 / problems 发现问题；为空时按是否填写问题确定")
    problems: MultiLine = Field("", max_length=2000, description="发现的问题")


class DutyRecordOut(Schema):
    id: int
    guarantor_id: int
    installation_id: int
    kind: str
    done_on: dt.date
    checked: str
    items: list[str]
    result: str
    problems: str
    hazard_ids: list[int] = []


@router.post("/guarantors/{int:guarantor_id}/duty-records", response={201: DutyRecordOut},
             summary="录入包保责任人履职记录（企业；已绑定账号的须本人）")
def create_duty_record(request, guarantor_id: int, payload: DutyRecordIn):
    if not request.user.has_perm_code("monitoring.duty"):
        raise PermissionDenied("无权录入履职记录")
    get_object_or_404(Guarantor.objects.visible_to(request.user), pk=guarantor_id)
    record = services_baobao.record_duty(request.user, guarantor_id, payload.dict())
    return Status(201, DutyRecord.objects.get(pk=record.pk))
