"""Writes of 森林防火 (permission, scope, validation, audit in one transaction) and the readings
the pages share: today's level of a place, whether checkpoint duty is required, counts per
checkpoint, patrol standings, the burnt-area rate."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from anying.core import audit, numbering
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.permissions import SYSTEM, require
from anying.core.scope import ancestor_paths, covers
from anying.places.models import Place
from anying.places.services import save_place
from anying.warning.models import Contact

from . import reference
from .models import (
    Checkpoint,
    CheckpointDuty,
    Entry,
    FireBan,
    FireDanger,
    FireSeason,
    FireUse,
    ForestArea,
    IllegalFireUse,
    Patrol,
    Ranger,
    Responsibility,
)

A = AuditEvent.Action


def _region(user, region_id, field="region") -> Region:
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    if region is None:
        raise ValidationError({field: "请选择区域"})
    if not covers(user, region):
        raise ValidationError({field: "不在您管理的区划范围内"})
    return region


def _text(data: dict, key: str, label: str, errors: dict, limit: int, required: bool = True) -> str:
    value = (data.get(key) or "").strip()
    if required and not value:
        errors[key] = f"请填写{label}"
    elif len(value) > limit:
        errors[key] = f"{label}不超过{limit}字"
    return value


def _actor(user):
    return None if user is SYSTEM else user


# --- the danger level --------------------------------------------------------------------------

def levels_on(region_ids_paths: dict[int, str], day: dt.date) -> dict[int, int]:
    """The day's level of each region: its own entry, else the nearest region above it that has
    one (a district-wide forecast covers every town). One query for all of them."""
    wanted = {int(p) for path in region_ids_paths.values() for p in path.strip("/").split("/") if p}
    found = dict(FireDanger.objects.filter(day=day, region_id__in=wanted).values_list("region_id", "level"))
    out = {}
    for rid, path in region_ids_paths.items():
        for p in reversed([int(x) for x in path.strip("/").split("/") if x]):
            if p in found:
                out[rid] = found[p]
                break
    return out


def level_of(region: Region, day: dt.date | None = None) -> int | None:
    return levels_on({region.pk: region.path}, day or timezone.localdate()).get(region.pk)


def required(level: int | None) -> bool:
    """At level ≥ 3 (data: rules.csv, seed 001) checkpoint duty and QR registration are required."""
    return level is not None and level >= reference.checkpoint_level()


@transaction.atomic
def set_level(user, region_id: int, day: dt.date, level: int, *, source: str = FireDanger.Source.MANUAL,
              issuer: str = "") -> FireDanger:
    require(user, "forestfire.level")
    region = _region(user, region_id)
    if level not in reference.levels():
        raise ValidationError({"level": "火险等级须为1至5级"})
    today = timezone.localdate()
    if not (today - dt.timedelta(days=366) <= day <= today + dt.timedelta(days=10)):
        raise ValidationError({"day": "日期须在一年内，预报最多提前10天"})
    row = FireDanger.objects.select_for_update().filter(region=region, day=day).first()
    before = audit.snapshot(row, ["level", "source", "issuer"]) if row else None
    row = row or FireDanger(region=region, day=day)
    row.level, row.source, row.entered_by = level, source, _actor(user)
    row.issuer = (issuer or row.issuer or "区气象局、区林业局")[:100]
    row.save()
    from . import entry

    entry.forget()  # this process's public form shows the new level at once
    audit.record(user, A.CREATE if before is None else A.UPDATE, row, before=before,
                 after=audit.snapshot(row, ["level", "source", "issuer"]),
                 summary=f"森林火险等级：{region.name} {day:%Y-%m-%d} {reference.level(level).label}")
    return row


HEAD_DAY, HEAD_REGION, HEAD_LEVEL = ("日期", "date"), ("区域", "region"), ("火险等级", "level")


@dataclass
class ImportReport:
    saved: int = 0
    errors: list = None

    def summary(self) -> str:
        return f"导入森林火险等级 {self.saved} 条" if not self.errors else f"有 {len(self.errors)} 行错误，未导入"


def _read_table(upload) -> list[list[str]]:
    name = (getattr(upload, "name", "") or "").lower()
    raw = upload.read()
    if len(raw) > 2 * 1024 * 1024:
        raise ValidationError({"file": "文件不超过2MB"})
    if name.endswith(".xlsx"):
        import io

        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's to fix
            raise ValidationError({"file": "无法读取该Excel文件"}) from exc
        return [["" if v is None else (v.date().isoformat() if isinstance(v, dt.datetime) else str(v)).strip()
                 for v in row] for row in book.active.iter_rows(values_only=True)]
    if name.endswith(".csv"):
        import csv
        import io

        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError({"file": "无法识别文件编码（请用UTF-8或GBK）"})
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    raise ValidationError({"file": "请上传 .xlsx 或 .csv 文件"})


@transaction.atomic
def import_levels(user, upload) -> ImportReport:
    """The weather bureau's daily forecast as a table (日期, 区域, 火险等级): all rows or none."""
    require(user, "forestfire.level")
    rows = _read_table(upload)
    if not rows:
        raise ValidationError({"file": "文件是空的"})
    head = [c.lower() for c in rows[0]]
    try:
        cols = [next(i for i, h in enumerate(head) if h in names) for names in (HEAD_DAY, HEAD_REGION, HEAD_LEVEL)]
    except StopIteration:
        raise ValidationError({"file": "第一行须有列名：日期、区域、火险等级"}) from None
    names = {}
    for r in Region.objects.filter(level__in=[Region.Level.DISTRICT, Region.Level.TOWN, Region.Level.VILLAGE]):
        names.setdefault(r.name, r)
        if r.code:
            names.setdefault(r.code, r)
    errors, parsed = [], []
    for n, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        cells = [row[c] if c < len(row) else "" for c in cols]
        try:
            day = dt.date.fromisoformat(cells[0].replace("/", "-")[:10])
        except ValueError:
            errors.append(f"第{n}行：日期“{cells[0]}”无法识别（如 2026-03-01）")
            continue
        region = names.get(cells[1])
        if region is None or not covers(user, region):
            errors.append(f"第{n}行：区域“{cells[1]}”不存在或不在您的管辖范围内")
            continue
        level = cells[2].replace("级", "").strip()
        if level not in {"1", "2", "3", "4", "5"}:
            errors.append(f"第{n}行：火险等级“{cells[2]}”须为1至5")
            continue
        parsed.append((region.pk, day, int(level)))
    if errors:
        raise ValidationError({"file": errors[:50]})
    for region_id, day, level in parsed:
        set_level(user, region_id, day, level, source=FireDanger.Source.IMPORT)
    return ImportReport(saved=len(parsed), errors=[])


# --- seasons and bans ---------------------------------------------------------------------------

@transaction.atomic
def save_season(user, data: dict) -> FireSeason:
    require(user, "forestfire.level")
    region = _region(user, data.get("region_id"))
    errors: dict = {}
    name = _text(data, "name", "名称", errors, 60)
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not starts or not ends or ends < starts:
        errors["ends_on"] = "结束日期不能早于开始日期"
    elif (ends - starts).days > 366:
        errors["ends_on"] = "一个防火期不超过一年"
    if errors:
        raise ValidationError(errors)
    season = FireSeason.objects.create(region=region, name=name, starts_on=starts, ends_on=ends)
    audit.record(user, A.CREATE, season, after=audit.snapshot(season, ["region", "name", "starts_on", "ends_on"]),
                 summary=f"森林防火期：{season}")
    return season


def in_season(region: Region, day: dt.date) -> bool:
    return FireSeason.objects.filter(region__path__in=ancestor_paths(region.path), starts_on__lte=day,
                                     ends_on__gte=day).exists()


def bans_covering(region: Region, starts_at: dt.datetime, ends_at: dt.datetime):
    """The bans over this region (its own or a region above it) that overlap the time."""
    return FireBan.objects.filter(region__path__in=ancestor_paths(region.path), starts_at__lt=ends_at,
                                  ends_at__gt=starts_at).order_by("starts_at")


@transaction.atomic
def issue_ban(user, data: dict) -> FireBan:
    """A 禁火令. Pending applications it covers are refused and approved ones revoked, citing it."""
    require(user, "forestfire.level")
    region = _region(user, data.get("region_id"))
    errors: dict = {}
    issuer = _text(data, "issuer", "发布单位", errors, 100)
    number = _text(data, "number", "文号", errors, 60, required=False)
    text = _text(data, "text", "禁火令内容", errors, 5000)
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not starts or not ends or ends <= starts:
        errors["ends_at"] = "截止时间须晚于起始时间"
    if errors:
        raise ValidationError(errors)
    ban = FireBan.objects.create(region=region, issuer=issuer, number=number, text=text, starts_at=starts,
                                 ends_at=ends, created_by=_actor(user))
    audit.record(user, A.CREATE, ban, after=audit.snapshot(ban, ["region", "number", "issuer", "starts_at", "ends_at"]),
                 summary=f"发布禁火令：{ban}")
    from . import lifecycles

    hit = FireUse.objects.filter(region__path__startswith=region.path, starts_at__lt=ends, ends_at__gt=starts,
                                 status__in=[FireUse.Status.SUBMITTED, FireUse.Status.APPROVED])
    for app in hit:
        name = "refuse" if app.status == FireUse.Status.SUBMITTED else "revoke"
        lifecycles.run_fire_use(SYSTEM, app.pk, name, comment=ban_reason(ban), data={"ban": ban})
    return ban


def ban_reason(ban: FireBan) -> str:
    return (f"禁火令期间禁止一切野外用火：{ban}（{timezone.localtime(ban.starts_at):%Y-%m-%d %H:%M}至"
            f"{timezone.localtime(ban.ends_at):%Y-%m-%d %H:%M}）")


# --- checkpoints --------------------------------------------------------------------------------

@transaction.atomic
def save_checkpoint(user, data: dict, *, pk: int | None = None) -> Checkpoint:
    require(user, "forestfire.manage")
    region = _region(user, data.get("region_id"))
    errors: dict = {}
    name = _text(data, "name", "名称", errors, 200)
    if errors:
        raise ValidationError(errors)
    if pk:
        cp = Checkpoint.objects.visible_to(user).select_related("place").filter(pk=pk).first() \
            if user is not SYSTEM else Checkpoint.objects.select_related("place").get(pk=pk)
        if cp is None:
            raise PermissionDenied("找不到该检查站")
        place = cp.place
    else:
        cp, place = None, Place(kind=Place.Kind.CHECKPOINT)
    owner = data.get("owner") or (user.unit if user is not SYSTEM else None) or \
        Organisation.objects.filter(region=region).first() or \
        Organisation.objects.filter(region_id__in=[int(p) for p in region.path.strip("/").split("/")]).first()
    place.name, place.region, place.owner = name, region, owner
    place.address = (data.get("address") or "")[:300]
    place.latitude, place.longitude = data.get("latitude"), data.get("longitude")
    place.contact_name = (data.get("contact_name") or "")[:60]
    place.contact_phone = (data.get("contact_phone") or "")[:40]
    try:
        save_place(user, place)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
    if cp is None:
        cp = Checkpoint.objects.create(place=place, token=secrets.token_urlsafe(16)[:22],
                                       forest=(data.get("forest") or "")[:100])
        audit.record(user, A.CREATE, cp, summary=f"登记森林防火检查站：{name}")
    else:
        cp.forest = (data.get("forest") or "")[:100]
        cp.version += 1
        cp.save()
        audit.record(user, A.UPDATE, cp, summary=f"修改森林防火检查站：{name}")
    return cp


@transaction.atomic
def set_duty(user, checkpoint_id: int, day: dt.date, contact_ids: list[int], shift: str = "全天") -> list[CheckpointDuty]:
    """The roster of a checkpoint for a day: exactly these people."""
    require(user, "forestfire.manage")
    cp = (Checkpoint.objects.all() if user is SYSTEM else Checkpoint.objects.visible_to(user)) \
        .select_related("place__region").filter(pk=checkpoint_id).first()
    if cp is None:
        raise PermissionDenied("找不到该检查站，或不在您的管辖范围内")
    people = list((Contact.objects.all() if user is SYSTEM else Contact.objects.visible_to(user))
                  .filter(pk__in=contact_ids, is_active=True))
    if len(people) != len(set(contact_ids)):
        raise ValidationError({"contacts": "有人员不存在、已离岗或不在您的管辖范围内"})
    before = sorted(CheckpointDuty.objects.filter(checkpoint=cp, day=day).values_list("contact__name", flat=True))
    CheckpointDuty.objects.filter(checkpoint=cp, day=day).delete()
    rows = CheckpointDuty.objects.bulk_create([CheckpointDuty(checkpoint=cp, day=day, contact=c, shift=shift[:30])
                                               for c in people])
    audit.record(user, A.UPDATE, cp, before={"值守": before}, after={"值守": sorted(c.name for c in people)},
                 summary=f"检查站值守：{cp.place.name} {day:%Y-%m-%d} " + ("、".join(c.name for c in people) or "无人"))
    return rows


@dataclass
class CheckpointDay:
    checkpoint: Checkpoint
    level: int | None
    required: bool
    on_duty: list
    entries: int = 0
    people: int = 0
    inside: int = 0
    after_dark: int = 0

    @property
    def duty_missing(self) -> bool:
        return self.required and not self.on_duty

    @property
    def danger(self):
        return reference.level(self.level)


def checkpoint_days(checkpoints: list[Checkpoint], day: dt.date, now: dt.datetime | None = None) -> list[CheckpointDay]:
    """Level, duty and counts of each checkpoint for a day, in a constant number of queries."""
    now = now or timezone.now()
    ids = [c.pk for c in checkpoints]
    levels = levels_on({c.place.region_id: c.place.region.path for c in checkpoints}, day)
    duty = defaultdict(list)
    for d in CheckpointDuty.objects.filter(checkpoint_id__in=ids, day=day).select_related("contact"):
        duty[d.checkpoint_id].append(d.contact)
    dark = dark_time(day)
    counts = {r["checkpoint_id"]: r for r in Entry.objects.filter(checkpoint_id__in=ids, day=day)
              .values("checkpoint_id").annotate(n=Count("pk"), people=Sum("people"),
                                                inside=Count("pk", filter=Q(time_out__isnull=True)),
                                                late=Count("pk", filter=Q(time_out__isnull=True)))}
    out = []
    for c in checkpoints:
        level = levels.get(c.place.region_id)
        r = counts.get(c.pk, {})
        out.append(CheckpointDay(c, level, required(level), duty.get(c.pk, []), r.get("n", 0), r.get("people") or 0,
                                 r.get("inside", 0), r.get("late", 0) if now >= dark else 0))
    return out


def dark_time(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(reference.rule("dark_hour"))))


def after_dark(entry: Entry, now: dt.datetime | None = None) -> bool:
    return entry.time_out is None and (now or timezone.now()) >= dark_time(entry.day)


# --- rangers and patrols -------------------------------------------------------------------------

@transaction.atomic
def save_ranger(user, data: dict, *, pk: int | None = None) -> Ranger:
    require(user, "forestfire.manage")
    region = _region(user, data.get("region_id"))
    errors: dict = {}
    roster = (Contact.objects.all() if user is SYSTEM else Contact.objects.visible_to(user)) \
        .filter(pk=data.get("contact_id"))
    contact = roster.first()
    if contact is None:
        errors["contact"] = "请从责任人名册中选择护林员"
    elif not roster.filter(role=Contact.Role.RANGER).exists():  # the roster's 身份, not a user role
        errors["contact"] = "所选人员在名册中的身份不是护林员"
    start, end = data.get("contract_from"), data.get("contract_to")
    if not start or not end or end < start:
        errors["contract_to"] = "聘用止日不能早于聘用起日"
    area = _text(data, "area", "管护范围", errors, 200, required=False)
    if errors:
        raise ValidationError(errors)
    ranger = Ranger.objects.select_for_update().filter(pk=pk).first() if pk else None
    if pk and (ranger is None or not (user is SYSTEM or Ranger.objects.visible_to(user).filter(pk=pk).exists())):
        raise PermissionDenied("找不到该护林员")
    fields = ["contact", "region", "area", "contract_from", "contract_to", "is_active"]
    before = audit.snapshot(ranger, fields) if ranger else None
    ranger = ranger or Ranger()
    ranger.contact, ranger.region, ranger.area = contact, region, area
    ranger.contract_from, ranger.contract_to = start, end
    ranger.is_active = data.get("is_active", True)
    if pk:
        ranger.version += 1
    ranger.save()
    audit.record(user, A.CREATE if before is None else A.UPDATE, ranger, before=before,
                 after=audit.snapshot(ranger, fields), summary=f"护林员：{contact.name}（{region.name}）")
    return ranger


@transaction.atomic
def record_patrol(user, ranger_id: int, data: dict) -> Patrol:
    require(user, "forestfire.patrol")
    ranger = (Ranger.objects.all() if user is SYSTEM else Ranger.objects.visible_to(user)) \
        .select_related("contact").filter(pk=ranger_id).first()
    if ranger is None:
        raise PermissionDenied("找不到该护林员，或不在您的管辖范围内")
    errors: dict = {}
    route = _text(data, "route", "巡护路线", errors, 300)
    findings = _text(data, "findings", "发现情况", errors, 2000, required=False)
    start, end = data.get("started_at"), data.get("ended_at")
    now = timezone.now()
    if not start or not end or end <= start:
        errors["ended_at"] = "结束时间须晚于开始时间"
    elif end > now + dt.timedelta(minutes=10) or (end - start) > dt.timedelta(hours=24):
        errors["ended_at"] = "巡护不能晚于现在，单次不超过24小时"
    track = data.get("track")
    if track is not None:
        ok = isinstance(track, list) and len(track) <= 5000 and all(
            isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(v, (int, float)) for v in p)
            and 73 <= p[0] <= 136 and 3.5 <= p[1] <= 54 for p in track)
        if not ok:
            errors["track"] = "轨迹须为[[经度, 纬度], …]，最多5000个点，且在中国境内"
    for key in ("fire_use_stopped", "fires_reported"):
        if not 0 <= int(data.get(key) or 0) <= 100:
            errors[key] = "次数须在0到100之间"
    if errors:
        raise ValidationError(errors)
    patrol = Patrol.objects.create(ranger=ranger, started_at=start, ended_at=end, route=route, track=track or None,
                                   findings=findings, fire_use_stopped=int(data.get("fire_use_stopped") or 0),
                                   fires_reported=int(data.get("fires_reported") or 0), recorded_by=_actor(user))
    audit.record(user, A.CREATE, patrol, summary=f"巡护记录：{ranger.contact.name} {timezone.localtime(start):%m-%d %H:%M}")
    return patrol


@dataclass
class Standing:
    ranger: Ranger
    required: int
    done: int
    in_season: bool

    @property
    def behind(self) -> bool:
        return self.done < self.required


RAISED: dict[int, dt.datetime] = {}  # region id → until when a 橙/红 森林火险 warning raises patrols


def required_patrols(region: Region, week_start: dt.date, seasonal: bool) -> int:
    raised = raised_until(region, week_start)
    if raised:
        return reference.rule("patrols_on_red_warning")
    return reference.rule("patrols_in_season" if seasonal else "patrols_off_season")


def raised_until(region: Region, day: dt.date) -> bool:
    """Whether an issued 森林火险 warning at 橙/红 covers the region during the week (warning hook)."""
    from anying.warning.models import Warning

    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return Warning.objects.filter(kind="forest_fire", level__in=["orange", "red"], status="issued",
                                  onset__lt=start + dt.timedelta(days=7), expires__gt=start,
                                  regions__path__in=ancestor_paths(region.path)).exists()


def standings(rangers: list[Ranger], week_start: dt.date) -> list[Standing]:
    """Patrols of each ranger in the week (Monday to Sunday) against the week's requirement."""
    ids = [r.pk for r in rangers]
    start = timezone.make_aware(dt.datetime.combine(week_start, dt.time()))
    done = dict(Patrol.objects.filter(ranger_id__in=ids, started_at__gte=start,
                                      started_at__lt=start + dt.timedelta(days=7))
                .values("ranger_id").annotate(n=Count("pk")).values_list("ranger_id", "n"))
    seasons = list(FireSeason.objects.filter(starts_on__lte=week_start + dt.timedelta(days=6), ends_on__gte=week_start)
                   .values_list("region__path", flat=True))
    out, memo = [], {}
    for r in rangers:
        seasonal = any(r.region.path.startswith(p) for p in seasons)
        key = (r.region.path, seasonal)
        if key not in memo:
            memo[key] = required_patrols(r.region, week_start, seasonal)
        out.append(Standing(r, memo[key], done.get(r.pk, 0), seasonal))
    return out


# --- illegal fire use, forest areas, 责任人 -------------------------------------------------------

@transaction.atomic
def record_illegal(user, data: dict) -> IllegalFireUse:
    require(user, "forestfire.patrol")
    region = _region(user, data.get("region_id"))
    errors: dict = {}
    place = _text(data, "place", "具体位置", errors, 200)
    description = _text(data, "description", "情况", errors, 2000)
    person = _text(data, "person", "行为人", errors, 60, required=False)
    action = _text(data, "action", "处理结果", errors, 200, required=False)
    occurred = data.get("occurred_at")
    if not occurred or occurred > timezone.now() + dt.timedelta(minutes=10):
        errors["occurred_at"] = "请填写发现时间（不晚于现在）"
    penalty = data.get("penalty") or ""
    if penalty not in reference.penalties():
        errors["penalty"] = "请选择处理依据"
    fine = data.get("fine")
    if fine is not None and not (Decimal(0) <= fine <= Decimal(100000)):
        errors["fine"] = "罚款须在0到100000元之间"
    if errors:
        raise ValidationError(errors)
    ban = bans_covering(region, occurred, occurred + dt.timedelta(seconds=1)).first()
    if ban and penalty == "other":
        penalty = "ban"
    row = IllegalFireUse.objects.create(region=region, place=place, occurred_at=occurred, person=person,
                                        description=description, penalty=penalty, action=action, fine=fine, ban=ban,
                                        patrol_id=data.get("patrol_id"), recorded_by=_actor(user))
    audit.record(user, A.CREATE, row, summary=f"违规用火：{region.name}{place}（{reference.penalties()[penalty].label}）")
    return row


@transaction.atomic
def save_forest_area(user, region_id: int, year: int, area_ha: Decimal, source: str = "") -> ForestArea:
    require(user, "forestfire.level")
    region = _region(user, region_id)
    if not (2000 <= year <= 2100):
        raise ValidationError({"year": "年度须在2000到2100之间"})
    if area_ha is None or not (Decimal("0.01") <= area_ha <= Decimal("100000000")):
        raise ValidationError({"area_ha": "森林面积须大于0（公顷）"})
    row, created = ForestArea.objects.update_or_create(region=region, year=year,
                                                       defaults={"area_ha": area_ha, "source": source[:200]})
    audit.record(user, A.CREATE if created else A.UPDATE, row, after={"area_ha": str(area_ha)},
                 summary=f"森林面积：{region.name} {year}年 {area_ha} 公顷")
    return row


@dataclass
class BurntRate:
    year: int
    region: Region
    forest_ha: Decimal | None
    burnt_ha: Decimal
    fires: int
    target: Decimal

    @property
    def rate(self) -> Decimal | None:
        """Per mille (‰)."""
        if not self.forest_ha:
            return None
        return (self.burnt_ha / self.forest_ha * 1000).quantize(Decimal("0.0001"))

    @property
    def over(self) -> bool:
        return self.rate is not None and self.rate > self.target


def burnt_rate(region: Region, year: int) -> BurntRate:
    """受害率 = burnt forest area of the fires in the region and year ÷ its forest area (the
    region's own entry, else the sum of its towns'), against ≤ 0.3‰ (seed 001)."""
    from .models import FireReport

    own = ForestArea.objects.filter(region=region, year=year).values_list("area_ha", flat=True).first()
    if own is None:
        own = ForestArea.objects.filter(region__parent=region, year=year).aggregate(s=Sum("area_ha"))["s"]
    fires = FireReport.objects.filter(status=FireReport.Status.FIRE, region__path__startswith=region.path,
                                      reported_at__year=year).aggregate(s=Sum("burnt_ha"), n=Count("pk"))
    return BurntRate(year, region, own, fires["s"] or Decimal(0), fires["n"], reference.burnt_rate_target())


@transaction.atomic
def save_responsibility(user, data: dict) -> Responsibility:
    require(user, "forestfire.manage")
    region = _region(user, data.get("region_id"))
    errors: dict = {}
    kind = data.get("kind")
    if kind not in Responsibility.Kind.values:
        errors["kind"] = "请选择责任类别"
    contact = (Contact.objects.all() if user is SYSTEM else Contact.objects.visible_to(user)) \
        .filter(pk=data.get("contact_id")).first()
    if contact is None:
        errors["contact"] = "请从责任人名册中选择"
    zone = _text(data, "zone", "包保范围", errors, 200, required=False)
    if errors:
        raise ValidationError(errors)
    if Responsibility.objects.filter(region=region, kind=kind, contact=contact).exists():
        raise ValidationError({"contact": "该人员已是此区域的该类责任人"})
    row = Responsibility.objects.create(region=region, kind=kind, contact=contact, zone=zone,
                                        letter_signed_on=data.get("letter_signed_on"))
    audit.record(user, A.CREATE, row, summary=f"森林防火责任人：{region.name} {row.get_kind_display()} {contact.name}")
    return row


@transaction.atomic
def remove_responsibility(user, pk: int) -> None:
    require(user, "forestfire.manage")
    row = Responsibility.objects.visible_to(user).select_related("contact", "region").filter(pk=pk).first()
    if row is None:
        raise PermissionDenied("找不到该责任人")
    audit.record(user, A.UPDATE, row.region, summary=f"撤销森林防火责任人：{row.region.name} {row.get_kind_display()} "
                                                     f"{row.contact.name}")
    row.delete()


def number(prefix: str) -> str:
    return numbering.next_number(prefix, timezone.localdate().year)
