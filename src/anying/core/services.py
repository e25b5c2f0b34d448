"""Every write to core records: units, users, tokens, logins. Each checks permission,
validates, writes and audits in one transaction (ENGINEERING.md rule 1)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import audit
from .errors import PermissionDenied
from .models import ApiToken, AuditEvent, LoginFailure, Organisation, Region, User
from .permissions import is_enterprise_user, require
from .roles import ENTERPRISE as ENTERPRISE_SIDE
from .roles import GOVERNMENT, SIDES, Role
from .scope import covers

UNIT_FIELDS = ["name", "kind", "region", "contact_phone", "full_name", "doc_prefix", "is_active"]
USER_FIELDS = ["username", "display_name", "role", "unit", "phone", "email", "is_active"]


def _org_snapshot(org: Organisation) -> dict:
    data = audit.snapshot(org, UNIT_FIELDS)
    data["supervised_industries"] = sorted(i.name for i in org.supervised_industries.all()) if org.pk else []
    data["document_template"] = "已上传" if org.document_template else ""
    return data


def _check_in_territory(actor, region: Region, field: str) -> None:
    if not covers(actor, region):
        raise ValidationError({field: "不在您管理的区划范围内"})


def _check_role_unit(role: str, unit: Organisation | None) -> None:
    side = SIDES.get(role)
    if side is None:
        raise ValidationError({"role": "未知角色"})
    if unit is None:
        raise ValidationError({"unit": "请选择所属单位"})
    if not side.unit_fits(unit):
        raise ValidationError({"unit": side.misfit})


REGION_FIELDS = ["name", "level", "code", "parent", "is_park", "sort"]


@transaction.atomic
def save_region(actor, region: Region) -> Region:
    """Create or update a region. Moving a region under a new parent rewrites its subtree's paths."""
    require(actor, "core.manage_units")
    if region.parent_id is None and actor is not None:
        raise ValidationError({"parent": "请选择上级区划"})
    stored_parent = Region.objects.filter(pk=region.pk).values_list("parent_id", flat=True).first() if region.pk else None
    if region.pk and region.parent_id == stored_parent:
        _check_in_territory(actor, region, "name")  # editing in place: the region itself must be ours
    elif region.parent_id:
        _check_in_territory(actor, region.parent, "parent")
    before = audit.snapshot(Region.objects.get(pk=region.pk), REGION_FIELDS) if region.pk else None
    if region.parent_id and region.pk and region.parent.path.startswith(Region.objects.get(pk=region.pk).path):
        raise ValidationError({"parent": "上级区划不能是它自己或它的下级"})
    if region.code and not (region.code.isdigit() and len(region.code) == 12):
        raise ValidationError({"code": "区划代码应为 12 位数字（统计用区划代码）"})
    region.full_clean()
    created = region.pk is None
    old_path = None if created else Region.objects.get(pk=region.pk).path
    region.save()
    if old_path and old_path != region.path:
        for child in Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk).order_by("path"):
            child.save()  # recomputes its path from its (already moved) parent
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, region,
                 before=before, after=audit.snapshot(region, REGION_FIELDS))
    return region


@transaction.atomic
def save_organisation(actor, org: Organisation, industries=None) -> Organisation:
    """Create or update a government unit (enterprise units are kept by the registry)."""
    require(actor, "core.manage_units")
    if org.kind == Organisation.Kind.ENTERPRISE:
        raise ValidationError({"kind": "生产经营单位在企业档案中维护"})
    _check_in_territory(actor, org.region, "region")
    before = None
    if org.pk:
        before = _org_snapshot(Organisation.objects.get(pk=org.pk))
        # a unit's kind decides which roles may sit in it (roles.SIDES): its users must still fit
        sides = [(u, SIDES.get(u.role)) for u in User.objects.filter(unit=org)]
        misfits = [u for u, side in sides if side is not None and not side.unit_fits(org)]
        if misfits:
            raise ValidationError({"kind": f"本单位有 {len(misfits)} 个账号（如 {misfits[0]}，{misfits[0].role_label}）"
                                           f"不能属于该类型的单位，请先调整这些账号"})
    org.full_clean()
    created = org.pk is None
    org.save()
    if industries is not None:
        org.supervised_industries.set(industries)
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, org,
                 before=before, after=_org_snapshot(org))
    return org


@transaction.atomic
def create_user(actor, *, username: str, password: str, role: str, unit: Organisation, **fields) -> User:
    require(actor, SIDES.get(role, GOVERNMENT).created_with)
    _check_role_unit(role, unit)
    _check_in_territory(actor, unit.region, "unit")
    return _new_user(actor, username=username, password=password, role=role, unit=unit, **fields)


def _new_user(actor, *, username: str, password: str, role: str, unit: Organisation, **fields) -> User:
    """The account itself, once the caller has checked who may open it where."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "用户名已存在"})
    user = User(username=username, role=role, unit=unit, **fields)
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor, AuditEvent.Action.CREATE, user, after=audit.snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def update_user(actor, user: User, **changes) -> User:
    require(actor, "core.manage_users")
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user, USER_FIELDS)
    for key, value in changes.items():
        setattr(user, key, value)
    _check_role_unit(user.role, user.unit)
    _check_in_territory(actor, user.unit.region, "unit")
    if user.pk == actor.pk and not user.is_active:
        raise ValidationError({"is_active": "不能停用自己的账号"})
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor, AuditEvent.Action.UPDATE, user, before=before, after=audit.snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def set_password(actor, user: User, password: str) -> None:
    if actor is not None and actor.pk != user.pk:
        require(actor, "core.manage_users")
    _store_password(actor, user, password)


def _store_password(actor, user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.locked_until = None
    user.save(update_fields=["password", "password_changed_at", "locked_until"])
    LoginFailure.objects.filter(username=user.username.lower()).delete()  # a reset starts a clean count
    own = actor is not None and actor.pk == user.pk
    audit.record(actor, AuditEvent.Action.UPDATE, user, summary="修改密码" if own else "重置密码")


def change_own_password(user: User, *, current: str, password: str, ip: str | None = None) -> None:
    """A user's own change: the current password first. A wrong one counts as a failed login
    (audited), so guessing it from an open session runs into the same lockout as the login page;
    a locked account changes nothing until the lock ends."""
    remaining = lockout_remaining(user.username)
    if remaining:
        minutes = int(remaining.total_seconds() // 60) + 1
        raise ValidationError({"current": f"当前密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试。"})
    if not user.check_password(current):
        login_failed(user.username, ip, summary="修改密码时当前密码错误")
        raise ValidationError({"current": "当前密码不正确"})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    set_password(user, user, password)


# --- an enterprise's own accounts --------------------------------------------------------------
# A general hazard the enterprise found itself is closed by the enterprise (自查自改), but never
# by whoever rectified or submitted it: so the enterprise needs a second account, typically its
# 主要负责人's. Its safety manager opens and keeps these itself, only in its own unit and only with
# an enterprise role; government accounts stay with the district admin.

def enterprise_accounts(actor):
    """The accounts of the actor's own enterprise (none for anyone else)."""
    if not _keeps_own_accounts(actor):
        return User.objects.none()
    # an enterprise's unit holds only enterprise accounts (_check_role_unit), so its unit is the scope
    return User.objects.filter(unit_id=actor.unit_id, unit__kind=Organisation.Kind.ENTERPRISE)


def _keeps_own_accounts(actor) -> bool:
    return (actor is not None and is_enterprise_user(actor) and actor.unit_id is not None
            and actor.unit.is_active and actor.has_perm_code("core.manage_own_accounts"))


def _check_colleague(actor, target: User) -> User:
    require(actor, "core.manage_own_accounts")
    if not _keeps_own_accounts(actor) or not enterprise_accounts(actor).filter(pk=target.pk).exists():
        raise PermissionDenied("只能管理本企业的账号")
    return User.objects.select_for_update().get(pk=target.pk)


@transaction.atomic
def create_enterprise_account(actor, *, username: str, password: str, display_name: str = "", phone: str = "",
                              role: str = Role.ENTERPRISE_USER) -> User:
    """Another account of the actor's own enterprise (its 主要负责人's, say)."""
    require(actor, "core.manage_own_accounts")
    if not _keeps_own_accounts(actor):
        raise PermissionDenied("只有企业账号才能为本企业开通账号")
    if SIDES.get(role) is not ENTERPRISE_SIDE:
        raise ValidationError({"role": "企业只能开通企业账号"})
    unit = Organisation.objects.get(pk=actor.unit_id)
    _check_role_unit(role, unit)
    return _new_user(actor, username=username, password=password, role=role, unit=unit,
                     display_name=display_name, phone=phone)


@transaction.atomic
def set_enterprise_account_active(actor, target: User, active: bool) -> User:
    user = _check_colleague(actor, target)
    if user.pk == actor.pk:
        raise ValidationError({"is_active": "不能停用自己的账号"})
    before = audit.snapshot(user, USER_FIELDS)
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(actor, AuditEvent.Action.UPDATE, user, summary="启用账号" if active else "停用账号",
                 before=before, after=audit.snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def reset_enterprise_account_password(actor, target: User, password: str) -> None:
    user = _check_colleague(actor, target)
    if user.pk == actor.pk:
        raise ValidationError({"password": "修改自己的密码请在“我的账号”中进行（须输入当前密码）"})
    _store_password(actor, user, password)


# --- login throttling -----------------------------------------------------------------------

def address_blocked(ip: str | None) -> bool:
    """Too many failures from one address, whatever usernames it tried."""
    if not ip:
        return False
    window = timezone.now() - timedelta(minutes=settings.ANYING_LOGIN_LOCKOUT_MINUTES)
    return LoginFailure.objects.filter(ip=ip, at__gte=window).count() >= settings.ANYING_LOGIN_MAX_FAILURES_PER_IP


def password_expired(user: User) -> bool:
    days = settings.ANYING_PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=days)


def lockout_remaining(username: str) -> timedelta | None:
    user = User.objects.filter(username__iexact=username).only("locked_until").first()
    if user and user.locked_until and user.locked_until > timezone.now():
        return user.locked_until - timezone.now()
    return None


@transaction.atomic
def login_failed(username: str, ip: str | None, summary: str = "登录失败") -> None:
    """Count a failure; at the limit the account (if it exists) is locked for a while."""
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip)
    window = timezone.now() - timedelta(minutes=settings.ANYING_LOGIN_LOCKOUT_MINUTES)
    failures = LoginFailure.objects.filter(username=username.lower(), at__gte=window).count()
    user = User.objects.filter(username__iexact=username).first()
    audit.record(None, AuditEvent.Action.LOGIN_FAILED, user, summary=f"用户名 {username[:50]} {summary}（{failures} 次）")
    if user and failures >= settings.ANYING_LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + timedelta(minutes=settings.ANYING_LOGIN_LOCKOUT_MINUTES)
        user.save(update_fields=["locked_until"])


@transaction.atomic
def login_succeeded(user: User) -> None:
    LoginFailure.objects.filter(username=user.username.lower()).delete()
    audit.record(user, AuditEvent.Action.LOGIN, user, summary="登录成功")


# --- API tokens ----------------------------------------------------------------------------

def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is never stored and shown only now."""
    if actor is not None and actor.pk != user.pk:
        require(actor, "core.manage_users")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写令牌用途"})
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=secret[:10], key_hash=hash_token(secret))
    audit.record(actor, AuditEvent.Action.TOKEN, token, summary=f"创建 API 令牌 {token.name}")
    return token, secret


@transaction.atomic
def revoke_token(actor, token: ApiToken) -> None:
    if actor.pk != token.user_id:
        require(actor, "core.manage_users")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, AuditEvent.Action.TOKEN, token, summary=f"吊销 API 令牌 {token.name}")


def authenticate_token(secret: str) -> User | None:
    token = (ApiToken.objects.select_related("user", "user__unit")
             .filter(key_hash=hash_token(secret), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # throttled: not on every call
    return token.user


@transaction.atomic
def save_notification_preference(actor, data: dict):
    """A user's own choice of channels and digest (nobody else's), audited."""
    from .models import NotificationPreference

    preference, _ = NotificationPreference.objects.get_or_create(user=actor)
    fields = ["email", "webhook", "webhook_url", "digest"]
    before = _masked(audit.snapshot(preference, fields))
    for key in fields:
        setattr(preference, key, data[key])
    preference.save()
    audit.record(actor, AuditEvent.Action.UPDATE, actor, summary="修改消息设置", before=before,
                 after=_masked(audit.snapshot(preference, fields)))
    return preference


def _masked(snapshot: dict) -> dict:
    """A robot address carries its secret key in the query: the trail keeps only where it points."""
    from urllib.parse import urlsplit

    url = snapshot.get("webhook_url") or ""
    if url:
        parts = urlsplit(url)
        snapshot["webhook_url"] = f"{parts.scheme}://{parts.hostname}{parts.path}（密钥已隐去）"
    return snapshot


# --- document wording (core.wording) ---------------------------------------------------------------

@transaction.atomic
def save_wording(actor, unit: Organisation, key: str, upload):
    """A unit's own wording of one document kind, checked against the kind's sample first; an
    upload that fails the check changes nothing."""
    from django.core.files.base import ContentFile

    from . import wording
    from .models import DocumentWording

    require(actor, "core.manage_units")
    _check_in_territory(actor, unit.region, "unit")
    kind = wording.get(key)
    content = wording.check_upload(kind, upload)
    own, created = DocumentWording.objects.get_or_create(unit=unit, key=key, defaults={"updated_by": actor})
    old = own.file.name if not created and own.file else ""
    own.file.save(f"{key}.docx", ContentFile(content), save=False)
    if old:  # only once the new one is committed: a rollback must not leave the row without its file
        storage = own.file.storage
        transaction.on_commit(lambda: storage.delete(old))
    own.updated_by = actor
    own.save()
    audit.record(actor, AuditEvent.Action.UPDATE, unit, summary=f"上传文书措辞模板：{kind.label}")
    return own


@transaction.atomic
def reset_wording(actor, unit: Organisation, key: str) -> bool:
    """Back to the default wording of the kind; False when the unit had none of its own."""
    from . import wording
    from .models import DocumentWording

    require(actor, "core.manage_units")
    _check_in_territory(actor, unit.region, "unit")
    kind = wording.get(key)
    own = DocumentWording.objects.filter(unit=unit, key=key).first()
    if own is None:
        return False
    name, storage = own.file.name, own.file.storage
    own.delete()
    transaction.on_commit(lambda: storage.delete(name))
    audit.record(actor, AuditEvent.Action.UPDATE, unit, summary=f"恢复默认文书措辞：{kind.label}")
    return True
