import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import exports, services
from .context import client_ip
from .errors import PermissionDenied
from .forms import (
    EnterpriseAccountForm,
    LoginForm,
    NotificationPreferenceForm,
    OrganisationForm,
    OwnPasswordForm,
    PasswordForm,
    RegionForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
    WordingForm,
)
from .http import apply_errors, error_text, submit
from .list_filters import AuditFilter, UnitFilter, UserFilter
from .listing import paginate, parse_id, query_without
from .models import (
    ApiToken,
    AuditEvent,
    ClockRung,
    Notification,
    NotificationPreference,
    Organisation,
    Region,
    User,
)
from .roles import Role
from .scope import audit_trail_q, region_subtree_q


def perm_required(code: str):
    """Views behind a permission answer 404 to those without it, as for records out of scope."""
    def decorator(view):
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm_code(code):
                raise Http404
            return view(request, *args, **kwargs)
        wrapped.__name__ = view.__name__
        return wrapped
    return decorator


def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        remaining = services.lockout_remaining(username)
        if services.address_blocked(client_ip(request)):
            form.add_error(None, "该网络地址登录失败次数过多，请稍后再试。")
        elif remaining:
            minutes = int(remaining.total_seconds() // 60) + 1
            form.add_error(None, f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试或联系管理员。")
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                services.login_failed(username, client_ip(request))
                form.add_error(None, "用户名或密码错误。")
            else:
                login(request, user)
                services.login_succeeded(user)
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
                    target = "home"
                return redirect(target)
    return render(request, "core/login.html", {"form": form, "max_failures": settings.ANYING_LOGIN_MAX_FAILURES,
                                               "lockout_minutes": settings.ANYING_LOGIN_LOCKOUT_MINUTES})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        from . import audit

        audit.record(request.user, AuditEvent.Action.LOGOUT, request.user, summary="退出登录")
    logout(request)
    return redirect("login")


# --- units -----------------------------------------------------------------------------------

@perm_required("core.manage_units")
def unit_list(request):
    qs = (Organisation.objects.exclude(kind=Organisation.Kind.ENTERPRISE).filter(region_subtree_q(request.user, "region"))
          .select_related("region").prefetch_related("supervised_industries")
          .annotate(user_count=Count("users")))
    flt = UnitFilter.from_params(request.GET, request=request)
    qs, current_sort = flt.sort(flt.apply(qs))
    page = paginate(request, qs, per_page=50)
    return render(request, "core/unit_list.html", {
        "page": page, "kinds": Organisation.Kind.choices, "kind": flt["kind"], "q": flt["q"],
        "sort": current_sort, "qs_sort": query_without(request, "sort", "page"), "qs_page": query_without(request, "page"),
    })


@perm_required("core.manage_units")
def unit_edit(request, pk=None):
    units = Organisation.objects.exclude(kind=Organisation.Kind.ENTERPRISE).filter(region_subtree_q(request.user, "region"))
    org = get_object_or_404(units, pk=pk) if pk else None
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=org, user=request.user)
    done = submit(request, form,
                  lambda data: services.save_organisation(request.user, form.save(commit=False), data["supervised_industries"]),
                  lambda saved: f"已保存单位：{saved.name}", lambda saved: reverse("unit_list"))
    return done or render(request, "core/unit_form.html", {"form": form, "org": org})


@perm_required("core.manage_units")
def unit_document_template(request):
    """The default base .docx (A4, GB/T 9704), for a unit to adjust in Word and upload as its own."""
    from .officialdoc import TEMPLATE, download

    return download(TEMPLATE.read_bytes(), "文书版式模板（默认）.docx")


def _managed_unit(request, pk: int) -> Organisation:
    units = Organisation.objects.exclude(kind=Organisation.Kind.ENTERPRISE).filter(region_subtree_q(request.user, "region"))
    return get_object_or_404(units, pk=pk)


@perm_required("core.manage_units")
def unit_wordings(request, pk: int):
    """The wording of every document kind the unit issues: default or its own, to download,
    reword in Word and upload (core.wording)."""
    from . import wording
    from .models import DocumentWording

    org = _managed_unit(request, pk)
    own = {w.key: w for w in DocumentWording.objects.filter(unit=org).select_related("updated_by")}
    kinds = [(w, own.get(w.key)) for w in wording.REGISTRY.values()]  # each module's in its own order
    return render(request, "core/unit_wordings.html", {"org": org, "kinds": kinds, "form": WordingForm()})


@perm_required("core.manage_units")
def unit_wording_download(request, pk: int, key: str):
    from . import wording
    from .officialdoc import download

    org = _managed_unit(request, pk)
    if key not in wording.REGISTRY:
        raise Http404
    kind = wording.get(key)
    return download(wording.template_for(kind, org), f"{kind.label}（{org.name}措辞模板）.docx")


@require_POST
@perm_required("core.manage_units")
def unit_wording_upload(request, pk: int, key: str):
    from . import wording

    org = _managed_unit(request, pk)
    if key not in wording.REGISTRY:
        raise Http404
    form = WordingForm(request.POST, request.FILES)
    label = wording.get(key).label
    if not form.is_valid():
        messages.error(request, f"{label}：请选择要上传的 .docx 文件")
    else:
        try:
            services.save_wording(request.user, org, key, form.cleaned_data["file"])
            messages.success(request, f"已上传{label}的措辞模板，本单位此后出具的该文书按新措辞生成")
        except ValidationError as exc:
            messages.error(request, f"{label}：{error_text(exc)}（未保存）")
    return redirect("unit_wordings", pk=org.pk)


@require_POST
@perm_required("core.manage_units")
def unit_wording_reset(request, pk: int, key: str):
    from . import wording

    org = _managed_unit(request, pk)
    if key not in wording.REGISTRY:
        raise Http404
    if services.reset_wording(request.user, org, key):
        messages.success(request, f"{wording.get(key).label}已恢复默认措辞")
    return redirect("unit_wordings", pk=org.pk)


@perm_required("core.manage_units")
def region_list(request):
    regions = Region.objects.filter(region_subtree_q(request.user, "")).annotate(unit_count=Count("organisations", distinct=True))
    return render(request, "core/region_list.html", {"regions": regions})


@perm_required("core.manage_units")
def region_edit(request, pk=None):
    region = get_object_or_404(Region.objects.filter(region_subtree_q(request.user, "")), pk=pk) if pk else None
    initial = {"parent": parse_id(request.GET.get("parent"))} if request.GET.get("parent") else None
    form = RegionForm(request.POST or None, instance=region, initial=initial, user=request.user)
    done = submit(request, form, lambda data: services.save_region(request.user, form.save(commit=False)),
                  lambda saved: f"已保存区划：{saved.name}", lambda saved: reverse("region_list"))
    return done or render(request, "core/region_form.html", {"form": form, "region": region})


# --- users -----------------------------------------------------------------------------------

@perm_required("core.manage_users")
def user_list(request):
    qs = _users(request.user).select_related("unit", "unit__region")
    flt = UserFilter.from_params(request.GET, request=request)
    qs, current_sort = flt.sort(flt.apply(qs))
    page = paginate(request, qs, per_page=50)
    return render(request, "core/user_list.html", {
        "page": page, "roles": Role.choices, "role": flt["role"], "q": flt["q"], "sort": current_sort, "now": timezone.now(),
        "qs_sort": query_without(request, "sort", "page"), "qs_page": query_without(request, "page"),
    })


@perm_required("core.manage_users")
def user_create(request):
    form = UserCreateForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: services.create_user(request.user, **data),
                  lambda user: f"已创建用户：{user.username}", lambda user: reverse("user_list"))
    return done or render(request, "core/user_form.html", {"form": form, "creating": True})


@perm_required("core.manage_users")
def user_edit(request, pk):
    target = get_object_or_404(_users(request.user), pk=pk)
    form = UserEditForm(request.POST or None, instance=target, user=request.user)
    password_form = PasswordForm(prefix="pw")
    done = submit(request, form, lambda data: services.update_user(request.user, target, **data),
                  lambda user: f"已保存用户：{user.username}", lambda user: reverse("user_list"))
    return done or render(request, "core/user_form.html", {"form": form, "target": target, "password_form": password_form})


@perm_required("core.manage_users")
@require_POST
def user_password(request, pk):
    target = get_object_or_404(_users(request.user), pk=pk)
    form = PasswordForm(request.POST, prefix="pw")
    if form.is_valid():
        try:
            services.set_password(request.user, target, form.cleaned_data["password"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已重置 {target.username} 的密码，并解除锁定")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("user_edit", pk=pk)


def _users(admin):
    return User.objects.filter(region_subtree_q(admin, "unit__region"))


# --- audit log -------------------------------------------------------------------------------

@perm_required("core.view_audit")
def audit_log(request):
    qs = AuditEvent.objects.filter(audit_trail_q(request.user))
    qs = qs.select_related("actor", "content_type")
    flt = AuditFilter.from_params(request.GET, request=request)
    qs = flt.apply(qs)
    for name in flt.ignored:
        if name in ("date_from", "date_to"):
            messages.error(request, f"日期格式应为 2026-01-31：{request.GET.get(name)}")
    if request.GET.get("format") == "xlsx":
        return _audit_export(request, qs, flt)
    page = paginate(request, qs, per_page=50)
    return render(request, "core/audit_log.html", {
        "page": page, "f": flt, "actions": AuditEvent.Action.choices, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "format")})


def _audit_export(request, qs, flt: AuditFilter):
    from .templatetags.anying_tags import audit_value

    book = exports.Book()
    sheet = book.sheet("审计日志", ["时间", "操作人", "IP", "操作", "对象类型", "对象", "摘要", "变更"], title="审计日志",
                       filters=flt.describe())
    count = sheet.extend([e.at, str(e.actor) if e.actor else "系统", e.ip, e.get_action_display(),
                          e.content_type.name if e.content_type else "", e.object_repr, e.summary,
                          "\n".join(f"{key}：{audit_value(old)} → {audit_value(new)}" for key, old, new in e.changes())]
                         for e in qs.iterator(chunk_size=2000))
    return exports.response(request, book, exports.stamp("审计日志"), summary=f"导出审计日志 {count} 条", filters=flt.values)


# --- own account: password and API tokens ----------------------------------------------------

@login_required
def account(request):
    token_form = TokenForm(request.POST if "create_token" in request.POST else None)
    password_form = OwnPasswordForm(request.POST if "change_password" in request.POST else None)
    new_secret = None
    if services.password_expired(request.user):
        token_form = None  # no new way in until the password is changed
    if request.method == "POST" and "create_token" in request.POST and token_form and token_form.is_valid():
        token, new_secret = services.create_token(request.user, request.user, token_form.cleaned_data["name"])
        messages.success(request, f"已创建令牌：{token.name}。请立即复制，令牌只显示这一次。")
        token_form = TokenForm()
    if request.method == "POST" and "change_password" in request.POST and password_form.is_valid():
        try:
            services.change_own_password(request.user, current=password_form.cleaned_data["current"],
                                         password=password_form.cleaned_data["password"], ip=client_ip(request))
        except ValidationError as exc:
            apply_errors(password_form, exc)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改")
            return redirect("account")
    preference = NotificationPreference.objects.filter(user=request.user).first() \
        or NotificationPreference(user=request.user)
    notify_form = NotificationPreferenceForm(request.POST if "save_notifications" in request.POST else None,
                                             instance=preference)
    if request.method == "POST" and "save_notifications" in request.POST and notify_form.is_valid():
        services.save_notification_preference(request.user, notify_form.cleaned_data)
        messages.success(request, "消息设置已保存")
        return redirect("account")
    if services.password_expired(request.user):
        messages.warning(request, f"密码已使用超过 {settings.ANYING_PASSWORD_MAX_AGE_DAYS} 天，请先修改密码。")
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "core/account.html", {
        "token_form": token_form, "password_form": password_form, "tokens": tokens, "new_secret": new_secret,
        "notify_form": notify_form, "channels": settings.ANYING_NOTIFY_CHANNELS,
        "can_manage_accounts": request.user.has_perm_code("core.manage_own_accounts")})


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(request.user, token)
    messages.success(request, f"已吊销令牌：{token.name}")
    return redirect("account")


# --- the enterprise's own further accounts (主要负责人) -----------------------------------------

@perm_required("core.manage_own_accounts")
def enterprise_accounts(request):
    accounts = services.enterprise_accounts(request.user)
    form = EnterpriseAccountForm(request.POST or None)
    done = submit(request, form, lambda data: services.create_enterprise_account(
                      request.user, username=data["username"], password=data["password"],
                      display_name=data["display_name"], phone=data["phone"]),
                  lambda user: f"已开通账号：{user.username}（{user}）。请将用户名和初始密码告知本人，登录后在“我的账号”中修改密码。",
                  lambda user: reverse("enterprise_accounts"))
    return done or render(request, "core/enterprise_accounts.html", {
        "form": form, "accounts": accounts.order_by("-is_active", "date_joined"), "password_form": PasswordForm(prefix="pw"),
        "now": timezone.now()})


def _enterprise_account(request, pk) -> User:
    return get_object_or_404(services.enterprise_accounts(request.user), pk=pk)


@perm_required("core.manage_own_accounts")
@require_POST
def enterprise_account_active(request, pk):
    target = _enterprise_account(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_enterprise_account_active(request.user, target, active)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已{'启用' if active else '停用'}账号：{target.username}")
    return redirect("enterprise_accounts")


@perm_required("core.manage_own_accounts")
@require_POST
def enterprise_account_password(request, pk):
    target = _enterprise_account(request, pk)
    form = PasswordForm(request.POST, prefix="pw")
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("enterprise_accounts")
    try:
        services.reset_enterprise_account_password(request.user, target, form.cleaned_data["password"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已重置 {target.username} 的密码，并解除锁定")
    return redirect("enterprise_accounts")


# --- inbox -----------------------------------------------------------------------------------

@login_required
def inbox(request):
    from .notifications import mark_read

    if request.method == "POST":
        ids = [parse_id(v) for v in request.POST.getlist("id")]
        if request.POST.get("record"):  # a grouped row: every message about that record
            Notification.objects.filter(user=request.user, url=request.POST["record"], read_at__isnull=True) \
                .update(read_at=timezone.now())
        else:
            mark_read(request.user, [i for i in ids if i] if request.POST.get("id") else None)
        return redirect("inbox")
    mine = Notification.objects.filter(user=request.user)
    record = request.GET.get("record", "")
    if record:  # every message about one record; the link back is the stored one, never the parameter
        messages_ = mine.filter(url=record).exclude(url="")
        first = messages_.first()
        page = paginate(request, messages_, per_page=20)
        return render(request, "core/inbox.html", {"page": page, "record": first.url if first else "",
                                                   "filtered": True, "qs_page": query_without(request, "page")})
    page = paginate(request, notification_groups(mine), per_page=20)
    return render(request, "core/inbox.html", {"page": page, "grouped": True, "qs_page": query_without(request, "page")})


def notification_groups(qs):
    """The inbox by record: one row per record a message links to (the newest message, how many
    there are, how many unread); a message without a record is a row of its own."""
    from django.db.models import Case, CharField, Max, When
    from django.db.models.functions import Cast, Concat

    key = Case(When(url="", then=Concat(Value("#"), Cast("id", CharField()))), default="url", output_field=CharField())
    groups = qs.annotate(record=key).values("record").annotate(
        latest=Max("id"), total=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True))).order_by("-latest")
    return GroupPage(groups, qs)


class GroupPage:
    """A sliceable list of inbox groups that fetches each page's newest messages in one query."""

    def __init__(self, groups, qs):
        self.groups, self.qs = groups, qs

    def count(self):
        return self.groups.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        rows = list(self.groups[item])
        latest = {n.pk: n for n in self.qs.filter(pk__in=[r["latest"] for r in rows])}
        for row in rows:
            row["message"] = latest[row["latest"]]
        return rows


# --- deadline clocks (期限与升级规则) ------------------------------------------------------------

@perm_required("core.configure_clocks")
def clock_list(request):
    """Every clock's ladder in force for the admin's district and each town override, and versions
    that come into force later."""
    from . import clock

    today = timezone.localdate()
    territory = Region.objects.filter(region_subtree_q(request.user, "")).order_by("path")
    visible = {r.pk for r in territory}
    home = territory.first()
    ladders = clock.all_ladders(today)
    later: dict = {}
    for v in ClockRung.objects.filter(effective_from__gt=today, region_id__in=visible) \
            .values("clock", "region__name", "effective_from").distinct().order_by("effective_from"):
        later.setdefault(v["clock"], []).append(v)
    clocks = []
    for c in clock.CLOCKS.values():
        in_force = {ladder.region.pk if ladder.region else None: ladder for ladder in ladders.get(c.name, [])}
        rows = [{"region": None, "ladder": in_force.get(None)}] + [
            {"region": r, "ladder": in_force[r.pk]} for r in territory if r.pk in in_force]
        clocks.append({"clock": c, "rows": rows, "later": later.get(c.name, []), "actions": clock.action_labels(c)})
    towns = [r for r in territory if r.level == Region.Level.TOWN]
    return render(request, "core/clock_list.html", {"clocks": clocks, "home": home, "towns": towns})


@perm_required("core.configure_clocks")
def clock_edit(request, name):
    from . import clock

    found = clock.CLOCKS.get(name)
    if found is None:
        raise Http404
    region = get_object_or_404(Region.objects.filter(region_subtree_q(request.user, "")), pk=parse_id(request.GET.get("region")))
    current = clock.ladder_for(name, region)
    rows = [{"code": r.code, "label": r.label, "days": r.days, "condition": r.condition, "action": r.action,
             "source": r.source} for r in (current.rungs if current else [])]
    effective_from, errors = timezone.localdate().isoformat(), {}
    if request.method == "POST":
        effective_from = request.POST.get("effective_from", "")
        rows = [{"code": request.POST.get(f"code_{i}", ""), "label": request.POST.get(f"label_{i}", ""),
                 "days": _int(request.POST.get(f"days_{i}")), "condition": request.POST.get(f"condition_{i}", ""),
                 "action": request.POST.get(f"action_{i}", "notify"), "source": request.POST.get(f"source_{i}", "")}
                for i in range(clock.MAX_RUNGS)]
        try:
            day = dt.date.fromisoformat(effective_from)
        except ValueError:
            errors = {"effective_from": "请填写生效日期"}
        else:
            try:
                clock.save_ladder(request.user, name, region, day, rows)
            except (ValidationError, PermissionDenied) as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"": error_text(exc)}
            else:
                messages.success(request, f"已保存{region.name}的{found.label}规则，{day:%Y-%m-%d} 起执行")
                return redirect("clock_list")
    rows = (rows + [{}] * clock.MAX_RUNGS)[: max(len([r for r in rows if r.get("code")]) + 3, 6)]
    return render(request, "core/clock_form.html", {
        "clock": found, "region": region, "current": current, "rows": rows, "effective_from": effective_from,
        "errors": errors, "actions": clock.action_labels(found), "conditions": found.condition_labels})


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
