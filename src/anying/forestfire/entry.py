"""进山扫码: the public register at a checkpoint (no account). A visitor scans the checkpoint's QR,
gives name, phone, ID number, purpose and fire sources, ticks the pledge, and later checks out
from the same phone (a cookie holds the entry's key) or, from another phone, with the phone
number and the last four characters of the ID.

Below the required level (rules.csv: 3, seed 001) the form still takes entries and says that
registration is not required today: a voluntary entry costs the visitor a minute and gives the
town a name and phone to call if a fire starts — and counts stay comparable from day to day.

The ID number is never stored: only masked (first 4, last 4) and an HMAC with the site's secret,
so a repeat visitor can be recognised without the number being readable from the database.
This path is kept short (a few queries): it must answer p95 < 100 ms under 50 phones at once
(bench/run_forest_entry.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anying.core import ratelimit

from . import reference, services
from .models import Checkpoint, Entry

ADDRESS_LIMIT = ratelimit.Limit("forest_entry_ip", 120, 600)  # a mountain road shares one carrier address
PHONE_LIMIT = ratelimit.Limit("forest_entry_phone", 6, 3600)
OUT_LIMIT = ratelimit.Limit("forest_out", 60, 600)
COOKIE = "ff_out"
PHONE = re.compile(r"^1[3-9]\d{9}$")
ID18 = re.compile(r"^\d{17}[\dX]$")
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def valid_id(number: str) -> bool:
    """GB 11643-1999 citizen ID: 18 characters, date of birth, ISO 7064 MOD 11-2 check digit."""
    if not ID18.match(number):
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= timezone.localdate():
        return False
    return CHECK[sum(int(c) * w for c, w in zip(number[:17], WEIGHTS, strict=True)) % 11] == number[17]


def mask(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def id_hash(number: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"forest-id:{number}".encode(), hashlib.sha256).hexdigest()


# The form is read by every phone at the barrier: the checkpoint and the day's level are kept in
# this process for a few seconds (a change shows within CACHE_SECONDS; writes never read these).
CACHE_SECONDS = 30
_checkpoints: dict[str, tuple[float, Checkpoint | None]] = {}
_levels: dict[tuple[int, dt.date], tuple[float, int | None]] = {}


def by_token(token: str) -> Checkpoint | None:
    if not token or len(token) > 32:
        return None
    now = time.monotonic()
    hit = _checkpoints.get(token)
    if hit and hit[0] > now:
        return hit[1]
    cp = Checkpoint.objects.select_related("place__region").filter(token=token, is_active=True).order_by().first()
    if len(_checkpoints) > 10_000:
        _checkpoints.clear()
    _checkpoints[token] = (now + CACHE_SECONDS, cp)
    return cp


def today_level(cp: Checkpoint) -> int | None:
    now, day = time.monotonic(), timezone.localdate()
    key = (cp.place.region_id, day)
    hit = _levels.get(key)
    if hit and hit[0] > now:
        return hit[1]
    level = services.level_of(cp.place.region, day)
    if len(_levels) > 10_000:
        _levels.clear()
    _levels[key] = (now + CACHE_SECONDS, level)
    return level


def forget() -> None:
    """Drop the cached checkpoints and levels (tests; a level just entered in this process)."""
    _checkpoints.clear()
    _levels.clear()


def clean(data: dict, level: int | None) -> dict:
    errors: dict = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写姓名"
    elif len(name) > 40:
        errors["name"] = "姓名不超过40字"
    phone = re.sub(r"[\s-]", "", data.get("phone") or "")
    if not PHONE.match(phone):
        errors["phone"] = "请填写11位手机号"
    id_number = (data.get("id_number") or "").strip().upper().replace(" ", "")
    if not valid_id(id_number):
        errors["id_number"] = "身份证号不正确（18位，末位可为X）"
    purpose = data.get("purpose") or ""
    if purpose not in dict(reference.PURPOSES):
        errors["purpose"] = "请选择进山事由"
    fire = data.get("fire_source") or ""
    if fire not in dict(reference.FIRE_SOURCES):
        errors["fire_source"] = "请选择是否携带火种"
    elif services.required(level) and fire in ("incense", "other"):
        errors["fire_source"] = "火险等级较高，禁止携带香烛、纸钱、鞭炮等火种进山，请交检查站保管后选择“已交检查站保管”"
    try:
        people = int(data.get("people") or 1)
    except (TypeError, ValueError):
        people = 0
    if not 1 <= people <= 50:
        errors["people"] = "同行人数须在1到50之间"
    if not data.get("pledge"):
        errors["pledge"] = "请阅读并勾选防火承诺"
    if errors:
        raise ValidationError(errors)
    return {"name": name, "phone": phone, "id_number": id_number, "purpose": purpose, "fire_source": fire,
            "people": people}


def register(cp: Checkpoint, data: dict, address: str) -> Entry:
    """One entry: checked, rate-limited per address and per phone, stored with the day's level."""
    level = today_level(cp)
    values = clean(data, level)
    with transaction.atomic():
        ratelimit.check(PHONE_LIMIT, values["phone"])
        ratelimit.hit(ADDRESS_LIMIT, address)
        ratelimit.hit(PHONE_LIMIT, values["phone"])
        now = timezone.now()
        return Entry.objects.create(
            checkpoint=cp, day=timezone.localdate(now), name=values["name"], phone=values["phone"],
            id_masked=mask(values["id_number"]), id_hash=id_hash(values["id_number"]), people=values["people"],
            purpose=values["purpose"], fire_source=values["fire_source"], pledge=True, level=level,
            required=services.required(level), time_in=now, out_key=secrets.token_urlsafe(16)[:22])


def open_entry(key: str) -> Entry | None:
    if not key or len(key) > 32:
        return None
    since = timezone.localdate() - dt.timedelta(days=1)
    return Entry.objects.select_related("checkpoint__place").filter(out_key=key, day__gte=since).first()


def open_entries(keys: list[str]) -> list[Entry]:
    if not keys:
        return []
    since = timezone.localdate() - dt.timedelta(days=1)
    return list(Entry.objects.select_related("checkpoint__place").filter(out_key__in=keys, day__gte=since)
                .order_by("-time_in"))


def check_out(key: str, address: str) -> Entry:
    """下山登记 from the phone that entered (the cookie's key)."""
    ratelimit.hit(OUT_LIMIT, address)
    entry = open_entry(key)
    if entry is None:
        raise ValidationError("找不到您的进山登记，请用手机号和身份证后四位登记下山")
    if entry.time_out is None:
        Entry.objects.filter(pk=entry.pk, time_out__isnull=True).update(time_out=timezone.now())
        entry.refresh_from_db(fields=["time_out"])
    return entry


def check_out_by_phone(phone: str, last4: str, address: str) -> int:
    """下山登记 from another phone: the open entries of today and yesterday with this phone whose
    ID ends with these four characters. Returns how many were closed."""
    ratelimit.hit(OUT_LIMIT, address)
    phone = re.sub(r"[\s-]", "", phone or "")
    last4 = (last4 or "").strip().upper()
    if not PHONE.match(phone) or not re.match(r"^\d{3}[\dX]$", last4):
        raise ValidationError("请填写11位手机号和身份证号后四位")
    since = timezone.localdate() - dt.timedelta(days=1)
    done = Entry.objects.filter(phone=phone, day__gte=since, id_masked__endswith=last4, time_out__isnull=True) \
        .update(time_out=timezone.now())
    if not done:
        raise ValidationError("没有找到未下山的进山登记（手机号或身份证后四位不符，或已登记下山）")
    return done
