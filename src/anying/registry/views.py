import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.http import require_POST

from anying.core import audit, exports, hooks, workqueue
from anying.core.attachments import attach, attachments_by_object, serve
from anying.core.errors import ImportFileError, PermissionDenied
from anying.core.hooks import ENTERPRISE_ACTIONS, ENTERPRISE_TABS
from anying.core.http import act, error_text, form_errors_text, submit
from anying.core.links import absolute_url, local_address
from anying.core.listing import paginate, parse_id, query_without
from anying.core.permissions import is_enterprise_user
from anying.core.views import perm_required

from . import excel, services
from .forms import (
    AccountForm,
    EnterpriseForm,
    ImportForm,
    KeyPersonForm,
    PostCardForm,
    PostForm,
    ResponsiblePersonForm,
)
from .models import Enterprise, KeyPerson, Post, PostCard, ResponsiblePerson
from .queries import EnterpriseFilter, filter_choices, list_queryset

WORK_ROWS = 5  # rows of each kind of work on an enterprise's home page
TABS = [("basic", "基本信息"), ("persons", "责任人与人员"), ("standardization", "标准化与保险"),
        ("posts", "岗位与两单两卡"), ("history", "变更记录")]


def _visible(user, pk):
    return get_object_or_404(Enterprise.objects.visible_to(user).select_related("region", "industry", "organisation"), pk=pk)


def can_edit(user, ent) -> bool:
    if is_enterprise_user(user):
        return user.has_perm_code("registry.edit_own") and user.unit_id == ent.organisation_id
    return user.has_perm_code("registry.edit")


def can_open_account(user, ent) -> bool:
    return can_edit(user, ent) and user.has_perm_code("core.create_enterprise_users")


@perm_required("registry.view")
def enterprise_list(request):
    flt = EnterpriseFilter.from_params(request.GET, request=request)
    qs, current_sort = flt.sort(list_queryset(request.user, flt).prefetch_related("tags"))
    page = paginate(request, qs)
    context = {
        "page": page, "flt": flt, "choices": filter_choices(request.user), "sort": current_sort,
        "qs_sort": query_without(request, "sort", "page"), "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "sort", "per_page"),
        "can_import": request.user.has_perm_code("registry.import"),
        "can_create": request.user.has_perm_code("registry.edit"),
        "can_export": request.user.has_perm_code("registry.export"),
    }
    # htmx filtering swaps only the table (and the export link); a history restore or a plain
    # visit needs the whole page.
    partial = bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")
    template = "registry/_enterprise_table.html" if partial else "registry/enterprise_list.html"
    response = render(request, template, {**context, "oob": partial})
    patch_vary_headers(response, ["HX-Request"])  # the same URL serves a fragment and a page
    if partial:
        add_never_cache_headers(response)  # Back must never show the bare fragment
    return response


@perm_required("registry.export")
def enterprise_export(request):
    flt = EnterpriseFilter.from_params(request.GET, request=request)
    book = exports.Book()
    count = excel.write_enterprises(list_queryset(request.user, flt).order_by("region__path", "name"), book,
                                    flt.describe())
    return exports.response(request, book, exports.stamp("生产经营单位"), summary=f"导出生产经营单位 {count} 家",
                            filters=flt.values)


@perm_required("registry.import")
def enterprise_template(request):
    buffer = io.BytesIO()
    excel.write_template(buffer, request.user)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="生产经营单位导入模板.xlsx", content_type=exports.XLSX)


@perm_required("registry.import")
def enterprise_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report, file_error = None, None
    if request.method == "POST" and form.is_valid():
        try:
            report = excel.import_enterprises(request.user, form.cleaned_data["file"],
                                              valid_only=form.cleaned_data["valid_only"])
        except ImportFileError as exc:
            file_error = str(exc)
    return render(request, "registry/enterprise_import.html", {"form": form, "report": report, "file_error": file_error})


@perm_required("registry.view")
def enterprise_detail(request, pk):
    ent = _visible(request.user, pk)
    records = record_tabs(request.user)
    tabs = [*TABS[:-1], *((t.key, t.label) for t in records), TABS[-1]]  # 变更记录 last
    tab = request.GET.get("tab", "basic")
    if tab not in dict(tabs):
        tab = "basic"
    context = {"ent": ent, "tab": tab, "tabs": tabs, "can_edit": can_edit(request.user, ent),
               "tags": list(ent.tags.all()),
               "record_actions": [(a, reverse(a.url_name, args=[ent.pk])) for a in ENTERPRISE_ACTIONS
                                  if request.user.has_perm_code(a.perm)]}
    if tab in ("basic", "persons"):
        context["responsible"] = {p.kind: p for p in ent.responsible_persons.all()}
        context["responsible_kinds"] = ResponsiblePerson.Kind.choices
    if tab == "persons":
        context["key_persons"] = list(ent.key_persons.all())
        context["accounts"] = list(ent.organisation.users.all())
        context["can_open_account"] = can_open_account(request.user, ent)
        context["account_form"] = AccountForm()
        context["key_form"] = KeyPersonForm(prefix="key_person")
        context["responsible_form"] = ResponsiblePersonForm(prefix="responsible")
    if tab == "posts":
        order = {kind: i for i, kind in enumerate(PostCard.Kind.values)}  # 两单 first, then 两卡
        posts = list(ent.posts.prefetch_related("cards"))
        for post in posts:
            post.ordered_cards = sorted(post.cards.all(), key=lambda c: order[c.kind])
            post.card_form = PostCardForm(prefix=f"card{post.pk}")
        files = attachments_by_object(c for p in posts for c in p.ordered_cards)
        context.update(posts=posts, files=files, post_form=PostForm(prefix="post"),
                       card_kinds=PostCard.Kind.choices)
    if tab == "history":
        context["events"] = list(audit.history(ent)[:200])
    if is_enterprise_user(request.user) and tab == "basic":
        context["work"], context["today"] = enterprise_work(request.user), timezone.localdate()
    if tab in ENTERPRISE_TABS:
        context.update(record_tab(request, ENTERPRISE_TABS[tab], ent))
    return render(request, "registry/enterprise_detail.html", context)


def record_tabs(user) -> list:
    """一企一档: the record tabs the apps add (core.hooks.ENTERPRISE_TABS) that the user may open."""
    return sorted((t for t in ENTERPRISE_TABS.values() if user.has_perm_code(t.perm)), key=lambda t: t.order)


def record_tab(request, tab, ent) -> dict:
    """One page of a record tab's list, each row a link to its record."""
    page = paginate(request, tab.records(ent, request.user))
    rows = [{"url": tab.url(r), "cells": [column(r) for _, column in tab.columns]} for r in page.object_list]
    return {"record_tab": tab, "page": page, "rows": rows, "headers": [h for h, _ in tab.columns],
            "qs_page": query_without(request, "page"), "template_tab": "records"}


def enterprise_work(user) -> list[dict]:
    """The enterprise's own 待办 (core/workqueue.py) on its home page: each kind of work with its
    first rows — hazards to rectify and their deadlines, this period's checks, 督办 reports."""
    today = timezone.localdate()
    sections = []
    for source in workqueue.sources_for(user):
        qs = source.items(user, today)
        records = list(qs[:WORK_ROWS + 1])
        count = len(records) if len(records) <= WORK_ROWS else qs.order_by().count()
        sections.append({"source": source, "count": count, "more": count > WORK_ROWS,
                         "rows": workqueue.rows(source, records[:WORK_ROWS], today)})
    return sections


@perm_required("registry.edit")
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None, user=request.user)
    done = submit(request, form,
                  lambda data: services.create_enterprise(request.user, form.record_data(), tags=data["tags"]),
                  lambda ent: f"已登记：{ent.name}", lambda ent: reverse("enterprise_detail", args=[ent.pk]))
    return done or render(request, "registry/enterprise_form.html", {"form": form})


@login_required
def enterprise_edit(request, pk):
    ent = _visible(request.user, pk)
    if not can_edit(request.user, ent):
        raise Http404
    form = EnterpriseForm(request.POST or None, instance=ent, user=request.user,
                          initial={"tags": list(ent.tags.all())})
    done = submit(request, form,
                  lambda data: services.update_enterprise(request.user, ent, form.record_data(), tags=data["tags"],
                                                          version=data["version"]),
                  lambda saved: f"已保存：{saved.name}", lambda saved: reverse("enterprise_detail", args=[saved.pk]))
    return done or render(request, "registry/enterprise_form.html", {"form": form, "ent": ent})


# --- records that belong to an enterprise ---------------------------------------------------

# kind → (form, model, tab); the kind is also the form prefix, so two forms on one tab never
# share input ids.
DETAIL_FORMS = {
    "responsible": (ResponsiblePersonForm, ResponsiblePerson, "persons"),
    "key_person": (KeyPersonForm, KeyPerson, "persons"),
    "post": (PostForm, Post, "posts"),
}


@login_required
@require_POST
def detail_save(request, pk, kind):
    """Add or change a 三个责任人 entry, key person or post from the detail page's tabs."""
    ent = _visible(request.user, pk)
    if kind not in DETAIL_FORMS or not can_edit(request.user, ent):
        raise Http404
    form_class, model, tab = DETAIL_FORMS[kind]
    instance = None
    if request.POST.get("id"):
        instance = get_object_or_404(model, pk=parse_id(request.POST["id"]) or 0, enterprise=ent)
    elif model is ResponsiblePerson:
        instance = ResponsiblePerson.objects.filter(enterprise=ent, kind=request.POST.get(f"{kind}-kind")).first()
    form = form_class(request.POST, instance=instance, prefix=kind)
    if form.is_valid():
        record = form.save(commit=False)
        record.enterprise = ent
        try:
            services.save_detail(request.user, ent, record)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"已保存{model._meta.verbose_name}：{record}")
    else:
        messages.error(request, form_errors_text(form))
    return redirect(f"{reverse('enterprise_detail', args=[ent.pk])}?tab={tab}")


@login_required
@require_POST
def detail_remove(request, pk, kind, item):
    ent = _visible(request.user, pk)
    models_by_kind = {"key_person": KeyPerson, "post": Post}
    if kind not in models_by_kind or not can_edit(request.user, ent):
        raise Http404
    record = get_object_or_404(models_by_kind[kind], pk=item, enterprise=ent)
    services.delete_detail(request.user, ent, record)
    messages.success(request, f"已处理：{record}")
    return redirect(f"{reverse('enterprise_detail', args=[ent.pk])}?tab={DETAIL_FORMS[kind][2]}")


@login_required
@require_POST
def card_save(request, pk, post_id):
    ent = _visible(request.user, pk)
    if not can_edit(request.user, ent):
        raise Http404
    post = get_object_or_404(Post, pk=post_id, enterprise=ent)
    prefix = f"card{post.pk}"
    instance = PostCard.objects.filter(post=post, kind=request.POST.get(f"{prefix}-kind")).first()
    form = PostCardForm(request.POST, request.FILES, instance=instance, prefix=prefix)
    if form.is_valid():
        card = form.save(commit=False)
        card.post = post
        try:
            with transaction.atomic():
                services.save_detail(request.user, ent, card)
                if form.cleaned_data.get("attachment"):
                    attach(request.user, card, form.cleaned_data["attachment"], audit_on=ent)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"已保存 {post.name} 的{card.get_kind_display()}")
    else:
        messages.error(request, form_errors_text(form))
    return redirect(f"{reverse('enterprise_detail', args=[ent.pk])}?tab=posts")


@login_required
def card_file(request, pk, attachment_id):
    """Attachments are served only through the enterprise's scope, never from a public URL."""
    ent = _visible(request.user, pk)
    return serve(PostCard.objects.filter(post__enterprise=ent), attachment_id)


@login_required
@require_POST
def account_open(request, pk):
    ent = _visible(request.user, pk)
    if not can_open_account(request.user, ent):
        raise Http404
    act(request, AccountForm(request.POST), lambda data: services.open_account(request.user, ent, **data),
        lambda user: f"已为 {ent.name} 开通企业账号：{user.username}")
    return redirect(f"{reverse('enterprise_detail', args=[ent.pk])}?tab=persons")


# --- public 公示 page ------------------------------------------------------------------------

def public_page(request, token):
    ent = get_object_or_404(Enterprise.objects.select_related("region", "industry"), public_token=token)
    persons = {p.kind: p for p in ent.responsible_persons.all()}
    sections = [(title, groups) for title, groups in (provider(ent) for provider in hooks.PUBLIC_SECTIONS.values())
                if groups]
    return render(request, "registry/public.html", {
        "ent": ent, "persons": [(label, persons.get(kind)) for kind, label in ResponsiblePerson.Kind.choices],
        "sections": sections})


@perm_required("registry.view")
def public_sign(request, pk):
    """A printable 公示牌: the enterprise's name and the QR code of its public page (journey J1)."""
    ent = _visible(request.user, pk)
    url = absolute_url(request, reverse("enterprise_public", args=[ent.public_token]))
    return render(request, "registry/public_sign.html", {"ent": ent, "url": url, "local_address": local_address(url)})


@perm_required("registry.view")
def public_qr(request, pk):
    ent = _visible(request.user, pk)
    url = absolute_url(request, reverse("enterprise_public", args=[ent.public_token]))
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    fmt = request.GET.get("format", "png")
    if fmt == "svg":
        qr.save(buffer, kind="svg", scale=8, border=2)
        return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    qr.save(buffer, kind="png", scale=10, border=2)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    if request.GET.get("download"):
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{ent.pk}-qr.png"
    return response
