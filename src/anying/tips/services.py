"""Every write to tips: public submission, the handling steps, links to what a tip led to.
Each is checked (scope, party, state), locked, audited and put on the tip's timeline in one
transaction, as for hazards."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anying.core import attachments, audit, ratelimit, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.permissions import SYSTEM, require
from anying.registry.models import Enterprise

from . import codes, routing
from .models import Tip
from .rules import deadlines, rules_for
from .workflow import LIFECYCLE, parties_of

AUDITED = ["category", "description", "place", "region", "enterprise", "enterprise_text", "status", "unit",
           "substantiated", "reply"]
PIN_DIGITS = 6
MAX_PHOTOS = 5
PHOTO_TYPES = {"image/jpeg", "image/png"}
DESCRIPTION_LIMITS = (10, 2000)
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")

# Abuse control of the public pages (no outside services): submissions per address, lookups per
# address, and wrong PINs per tracking code — 5 a day, so a PIN (10^6) cannot be walked.
SUBMIT_LIMIT = ratelimit.Limit("tip_submit", 5, 3600)
LOOKUP_LIMIT = ratelimit.Limit("tip_lookup", 30, 3600)
PIN_LIMIT = ratelimit.Limit("tip_pin", 5, 86400)


def places():
    """The regions a reporter may choose: the towns, and the district for "not sure"."""
    return Region.objects.filter(level__in=[Region.Level.DISTRICT, Region.Level.TOWN]).order_by("path")


# --- public submission ------------------------------------------------------------------------

def _clean(data: dict, photos: list) -> dict:
    errors: dict[str, str] = {}
    data = {**data}
    for key in ("description", "place", "enterprise_text", "reporter_name", "reporter_phone"):
        data[key] = str(data.get(key) or "").strip()
    if data.get("category") not in Tip.Category.values:
        errors["category"] = "请选择举报类别"
    low, high = DESCRIPTION_LIMITS
    if not low <= len(data["description"]) <= high:
        errors["description"] = f"请用 {low}–{high} 个字说明举报内容"
    if not data["place"]:
        errors["place"] = "请填写地点"
    elif len(data["place"]) > 200:
        errors["place"] = "地点最多 200 字"
    if len(data["enterprise_text"]) > 200:
        errors["enterprise_text"] = "单位名称最多 200 字"
    region = data.get("region")
    if not isinstance(region, Region) or region.level not in (Region.Level.DISTRICT, Region.Level.TOWN):
        errors["region"] = "请选择所在镇街（不清楚可选区县）"
    enterprise = data.get("enterprise")
    if enterprise is not None and not isinstance(enterprise, Enterprise):
        # the form and the API pass the id the reporter picked from the name search
        enterprise = data["enterprise"] = Enterprise.objects.filter(pk=enterprise).first()
        if enterprise is None:
            errors["enterprise"] = "被举报单位不存在"
    happened = data.get("happened_at")
    if happened is not None and timezone.is_naive(happened):
        happened = data["happened_at"] = timezone.make_aware(happened)  # a time without zone is local (API)
    if happened is not None and happened > timezone.now() + dt.timedelta(minutes=5):
        errors["happened_at"] = "时间不能晚于现在"
    if data.get("anonymous", True):
        data["reporter_name"] = data["reporter_phone"] = ""  # 匿名: nothing that identifies is kept
    else:
        if not data["reporter_name"] or len(data["reporter_name"]) > 50:
            errors["reporter_name"] = "实名举报请填写姓名（最多 50 字）"
        if not PHONE.match(data["reporter_phone"].replace(" ", "")):
            errors["reporter_phone"] = "请填写正确的手机号或固定电话（如 13800000000 或 023-45678901）"
        data["reporter_phone"] = data["reporter_phone"].replace(" ", "")
    photo_errors = check_photos(photos)
    if photo_errors:
        errors["photos"] = "；".join(photo_errors)
    if errors:
        raise ValidationError(errors)
    return data


def check_photos(photos: list) -> list[str]:
    """Every problem with the photos, before anything is stored (a bad photo saves nothing)."""
    if len(photos) > MAX_PHOTOS:
        return [f"最多上传 {MAX_PHOTOS} 张照片"]
    problems = []
    limit = settings.ANYING_TIP_MAX_PHOTO_MB * 1024 * 1024
    for photo in photos:
        if photo.size > limit:
            problems.append(f"照片过大：{photo.name}（每张不超过 {settings.ANYING_TIP_MAX_PHOTO_MB} MB）")
            continue
        try:
            mime = attachments.check_upload(photo)
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        if mime not in PHOTO_TYPES:
            problems.append(f"只能上传 JPG 或 PNG 照片：{photo.name}")
    return problems


def _new_code() -> str:
    for _ in range(10):
        code = codes.new_code()
        if not Tip.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not draw a free tracking code")  # 2^40 codes: never in practice


@transaction.atomic
def submit(actor, data: dict, photos: list | None = None, *, address: str | None = None,
           source: str = Tip.Source.WEB) -> tuple[Tip, str]:
    """A new tip, from the public form (`actor` None, `address` rate-limited) or taken by the
    12350 desk on the phone. Returns the tip and its PIN, which is shown once and kept hashed."""
    photos = list(photos or [])
    if actor is not SYSTEM:
        require(actor, "tips.assign", "只有 12350 受理人员可以登记举报")
    elif address is not None:  # from the web; None is the system itself (demo, imports)
        ratelimit.check(SUBMIT_LIMIT, address)
    data = _clean(data, photos)
    enterprise: Enterprise | None = data.get("enterprise")
    region = enterprise.region if enterprise else data["region"]
    if actor is not SYSTEM and not region.path.startswith(actor.unit.region.path):
        raise PermissionDenied("地点不在本单位辖区内")
    rules = rules_for(region)
    today = timezone.localdate()
    verify_due, reply_due = deadlines(rules, today)
    pin = "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))
    industry_id = enterprise.industry_id if enterprise else None
    tip = Tip(code=_new_code(), pin_hash=make_password(pin), source=source, category=data["category"],
              description=data["description"], place=data["place"], region=region, industry_id=industry_id,
              enterprise=enterprise, enterprise_text=data["enterprise_text"], happened_at=data.get("happened_at"),
              anonymous=bool(data.get("anonymous", True)), reporter_name=data["reporter_name"],
              reporter_phone=data["reporter_phone"], verify_due=verify_due, reply_due=reply_due,
              suggested_unit=routing.suggest(region, industry_id), created_by=actor)
    tip.save()
    for photo in photos:
        attachments.attach(actor, tip, photo)
    workflow.record_event(tip, "receive", actor=actor, state=tip.status, public=True,
                          comment=f"{tip.get_source_display()}受理")
    audit.record(actor, AuditEvent.Action.CREATE, tip, summary=f"受理举报（{tip.get_source_display()}）")
    if actor is SYSTEM and address is not None:
        ratelimit.hit(SUBMIT_LIMIT, address)
    _notify_desk(tip)
    return tip, pin


def _notify_desk(tip: Tip) -> None:
    from django.urls import reverse

    from anying.core.notifications import notify

    notify(recipients.over(tip.region, "tips.assign"), f"新举报 {tip.display_code}：{tip.get_category_display()}",
           tip.place, reverse("tip_detail", args=[tip.pk]))


# --- public status ----------------------------------------------------------------------------

class NotFound(Exception):
    """The code and PIN do not match a tip (the message never says which one was wrong)."""


def lookup(code: str, pin: str, *, address: str | None) -> Tip:
    """The tip for a code and PIN. Every lookup counts against the address; a wrong PIN also
    counts against the code, so neither codes nor PINs can be walked."""
    ratelimit.hit(LOOKUP_LIMIT, address or "unknown")
    code = codes.normalize(code)
    if not codes.is_valid(code):
        raise ValidationError({"code": "举报编号有误：请核对（共 9 位，最后一位是校验位）"})
    ratelimit.check(PIN_LIMIT, code)
    tip = Tip.objects.filter(code=code).first()
    if tip is None or not check_password(str(pin or "").strip(), tip.pin_hash):
        ratelimit.hit(PIN_LIMIT, code)
        raise NotFound
    return tip


def public_view(tip: Tip) -> dict:
    """Everything the reporter may see — and nothing else: no unit, no handler, no notes."""
    from .workflow import public_label

    events = [{"at": e.at, "label": public_label(e.action)}
              for e in workflow.timeline(tip).filter(public=True)]
    concluded = tip.substantiated is not None and tip.status in (Tip.Status.REPLIED, Tip.Status.CLOSED)
    view = {"code": tip.display_code, "category": tip.get_category_display(), "received_at": tip.received_at,
            "status": tip.get_status_display() if tip.status not in (Tip.Status.SUBSTANTIATED,
                                                                     Tip.Status.UNSUBSTANTIATED) else "核查完毕，待答复",
            "timeline": events, "conclusion": ("属实" if tip.substantiated else "不属实") if concluded else None,
            "reply": tip.reply if concluded else "", "replied_at": tip.replied_at if concluded else None,
            "reward": None}
    reward = getattr(tip, "reward", None)
    if reward is not None and reward.status in (reward.Status.APPROVED, reward.Status.PAID):
        view["reward"] = {"amount": reward.amount, "status": reward.get_status_display(), "paid_on": reward.paid_on,
                          "claim": reward.status == reward.Status.APPROVED}
    return view


# --- handling ---------------------------------------------------------------------------------

def _event(actor, tip: Tip, action: str, previous: str, comment: str = "", public: bool = False) -> None:
    workflow.record_event(tip, action, actor=actor, previous=previous, state=tip.status, comment=comment, public=public)


def step(actor, tip_id: int, name: str, *, unit: Organisation | None = None, substantiated: bool | None = None,
         text: str = "", version: int | None = None) -> Tip:
    """Take step `name` of the workflow table (core.workflow). `unit` for assign; `substantiated`
    and `text` (the internal findings) for conclude; `text` is the official reply for reply and an
    internal note otherwise."""
    return workflow.run(LIFECYCLE, actor, tip_id, name, comment=text,
                        data={"unit": unit, "substantiated": substantiated}, version=version)


def _handler(actor, tip: Tip) -> None:
    if not parties_of(actor, tip):
        raise PermissionDenied("只有承办单位或 12350 受理人员可以办理")
    if tip.status == Tip.Status.CLOSED:
        raise ValidationError("举报已办结")


@transaction.atomic
def set_enterprise(actor, tip_id: int, enterprise: Enterprise) -> Tip:
    """The handler names the enterprise the reporter meant; its region and industry then route
    and scope the tip."""
    tip = workflow.lock(LIFECYCLE, actor, tip_id)
    _handler(actor, tip)
    if actor is not SYSTEM and not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied("该单位不在您的监管范围内")
    before = audit.snapshot(tip, AUDITED)
    tip.enterprise, tip.region_id, tip.industry_id = enterprise, enterprise.region_id, enterprise.industry_id
    tip.version += 1
    tip.save()
    _event(actor, tip, "enterprise", tip.status, enterprise.name)
    audit.record(actor, AuditEvent.Action.UPDATE, tip, summary=f"确认被举报单位：{enterprise.name}", before=before,
                 after=audit.snapshot(tip, AUDITED))
    return tip


@transaction.atomic
def create_hazard(actor, tip_id: int, data: dict):
    """A verified tip registers its hazard (channel 群众举报), linked both ways."""
    from anying.hazards import services as hazard_services
    from anying.hazards.models import Hazard

    tip = workflow.lock(LIFECYCLE, actor, tip_id)
    _handler(actor, tip)
    if tip.status not in (Tip.Status.VERIFYING, Tip.Status.SUBSTANTIATED):
        raise ValidationError("核查中或核查属实的举报才能登记隐患")
    if tip.enterprise_id is None:
        raise ValidationError("请先确认被举报单位")
    hazard = hazard_services.register(actor, {**data, "enterprise": tip.enterprise, "channel": Hazard.Channel.TIP})
    tip.hazards.add(hazard)
    _event(actor, tip, "link", tip.status, f"登记隐患 #{hazard.pk}")
    audit.record(actor, AuditEvent.Action.UPDATE, tip, summary=f"登记隐患 #{hazard.pk}")
    return hazard


LINKS = {"hazard": ("hazards", "hazards", "Hazard", "隐患"),
         "inspection": ("inspections", "inspections", "Inspection", "执法检查"),
         "penalty": ("penalties", "inspections", "Penalty", "行政处罚")}


@transaction.atomic
def link(actor, tip_id: int, kind: str, object_id: int, *, remove: bool = False) -> Tip:
    """Link (or unlink) a hazard, inspection or penalty the tip led to; the record must be in the
    actor's own scope."""
    from django.apps import apps

    if kind not in LINKS:
        raise ValidationError({"kind": "未知的关联类型"})
    field, app, model_name, label = LINKS[kind]
    tip = workflow.lock(LIFECYCLE, actor, tip_id)
    _handler(actor, tip)
    model = apps.get_model(app, model_name)
    target = model.objects.visible_to(actor).filter(pk=object_id).first()
    if target is None:
        raise ValidationError({"object_id": f"所选{label}不存在或不在您的范围内，请从列表中选择"})
    if tip.enterprise_id and getattr(target, "enterprise_id", None) != tip.enterprise_id:
        raise ValidationError({"object_id": f"该{label}不属于被举报单位"})
    manager = getattr(tip, field)
    if remove:
        manager.remove(target)
    else:
        manager.add(target)
    action = "unlink" if remove else "link"
    _event(actor, tip, action, tip.status, f"{label} {target}")
    audit.record(actor, AuditEvent.Action.UPDATE, tip, summary=f"{'取消关联' if remove else '关联'}{label} {target}"[:300])
    return tip
