"""Warning pages: the list, a warning with its sign-off, 叫应 progress and measures, the editor,
CAP import and download, the duty desk's call tasks and the 责任人名册."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import audit, exports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import error_text
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required

from . import cap, delivery, services
from .filters import ContactFilter, WarningFilter
from .forms import CallForm, ContactForm, ImportForm, MeasureForm, StepForm, WarningForm
from .models import CallTask, Contact, MeasureTask, Recipient, Warning

HEADER = ["编号", "类型", "级别", "消息", "标题", "发布机构", "发布单位", "区域", "生效", "失效", "状态", "发布时间",
          "通知人数", "已确认", "叫应率%"]


def visible(user):
    return Warning.objects.visible_to(user).select_related("unit", "references")


def _towns(user):
    return Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(user, ""))


@perm_required("warning.view")
def warning_list(request):
    flt = WarningFilter.from_params(request.GET, request=request)
    qs = flt.apply(visible(request.user)).annotate(
        told=Count("recipients", distinct=True),
        acked=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False), distinct=True)).order_by(
        "-issued_at", "-created_at", "-pk")
    if request.GET.get("export") == "xlsx":
        shown = ["q", "status", "kind", "level", "region", "in_force"]
        local = timezone.localtime
        book = exports.Book()
        count = book.sheet("预警", HEADER, title="预警", filters=flt.describe(shown)).extend(
            [w.number, w.kind_label(), w.get_level_display(), w.get_msg_type_display(), w.headline, w.agency,
             w.unit.name, w.area_desc or "、".join(r.name for r in w.regions.all()), local(w.onset), local(w.expires),
             w.get_status_display(), w.issued_at and local(w.issued_at), w.told, w.acked,
             round(100 * w.acked / w.told, 1) if w.told else ""] for w in qs.prefetch_related("regions").iterator(2000))
        return exports.response(request, book, exports.stamp("预警"), summary=f"导出预警 {count} 条",
                                filters=flt.audit_values(shown))
    page = paginate(request, qs)
    return render(request, "warning/list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "statuses": Warning.Status.choices,
        "kinds": flt.filters["kind"].extra["choices"], "levels": Warning._meta.get_field("level").choices,
        "towns": _towns(request.user), "can_edit": request.user.has_perm_code("warning.edit")})


def _warning(user, pk) -> Warning:
    return get_object_or_404(visible(user), pk=pk)


@perm_required("warning.view")
def warning_detail(request, pk):
    warning = _warning(request.user, pk)
    user = request.user
    steps = services.LIFECYCLE.available(user, warning)
    seen = delivery.recipients_seen_by(user, warning)  # a town: its own people; an enterprise: none
    recipients = seen.select_related("town", "region", "call")
    town = request.GET.get("town", "")
    if town.isascii() and town.isdigit() and len(town) < 12:
        recipients = recipients.filter(town_id=int(town))
    if request.GET.get("silent"):
        recipients = recipients.filter(acknowledged_at__isnull=True)
    page = paginate(request, recipients.order_by("acknowledged_at", "town__path", "name"), per_page=50)
    mine = warning.recipients.filter(user=user, acknowledged_at__isnull=True).first() \
        if warning.status == Warning.Status.ISSUED else None
    measures = list(warning.measures.select_related("town", "reported_by").annotate(
        today=Count("reports", filter=Q(reports__day=timezone.localdate()))))
    from anying.core.scope import covers

    for m in measures:
        m.mine = user.has_perm_code("warning.measure") and covers(user, m.town, None) and warning.status != "draft"
        m.done_today = m.today > 0 if m.daily else m.done_at is not None
    from anying.core.scope import ENTERPRISE, viewer

    outside = viewer(user) == ENTERPRISE  # an enterprise reads the warning, not the officials' ledger
    return render(request, "warning/detail.html", {
        "warning": warning, "steps": steps, "form": StepForm(), "outside": outside,
        "events": [] if outside else workflow.timeline(warning),
        "progress": delivery.progress(warning, seen), "totals": delivery.totals(warning, seen), "page": page,
        "qs_page": query_without(request, "page"), "town": town, "mine": mine, "measures": measures,
        "measure_form": MeasureForm(), "regions": warning.regions.order_by("path"),
        "followers": visible(user).filter(references=warning).order_by("created_at"),
        "can_edit": warning.editable and services.drafts(user, warning),
        "can_follow": warning.status == Warning.Status.ISSUED and services.drafts(user, warning),
        "can_call": user.has_perm_code("warning.call"),
        "measures_done": sum(1 for m in measures if m.done_today), "clock": delivery.ack_clock()[warning.level]})


@perm_required("warning.edit")
def warning_new(request):
    return _edit(request, Warning())


@perm_required("warning.edit")
def warning_edit(request, pk):
    warning = _warning(request.user, pk)
    if not services.drafts(request.user, warning):
        raise Forbidden("只有发布单位可以修改预警")
    if not warning.editable:
        messages.error(request, "已发布的预警不能修改，请使用“更新”或“解除”另发消息")
        return redirect("warning:detail", pk=pk)
    return _edit(request, warning)


def _edit(request, warning):
    form = WarningForm(request.POST or None, instance=warning, user=request.user)
    if request.method == "POST" and form.is_valid():
        draft = form.save(commit=False)
        draft.version = workflow.posted_version(request) or draft.version
        try:
            saved = services.save_draft(request.user, draft, form.cleaned_data["regions"])
        except PermissionDenied as exc:
            raise Forbidden(str(exc)) from None
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, f"预警草稿已保存（{saved.number}），完成后请提交签发")
            return redirect("warning:detail", pk=saved.pk)
    return render(request, "warning/form.html", {"form": form, "warning": warning})


@perm_required("warning.view")
@require_POST
def warning_act(request, pk):
    if not services.LIFECYCLE.party_set(request.user, _warning(request.user, pk)):
        raise Forbidden("您不能办理该预警")
    form = StepForm(request.POST)
    name = request.POST.get("step", "")
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("warning:detail", pk=pk)
    try:
        warning = services.act(request.user, pk, name, comment=form.cleaned_data["comment"],
                               version=workflow.posted_version(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"{services.LIFECYCLE.label_of(name)}完成，当前状态：{warning.get_status_display()}")
    return redirect("warning:detail", pk=pk)


@perm_required("warning.edit")
@require_POST
def warning_follow_up(request, pk, msg_type):
    _warning(request.user, pk)
    try:
        draft = services.follow_up(request.user, pk, msg_type)
    except PermissionDenied as exc:
        raise Forbidden(str(exc)) from None
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("warning:detail", pk=pk)
    messages.success(request, f"已生成{draft.get_msg_type_display()}消息草稿，请核对后提交签发")
    return redirect("warning:edit", pk=draft.pk)


@perm_required("warning.view")
def warning_cap(request, pk):
    warning = _warning(request.user, pk)
    response = HttpResponse(cap.to_xml(warning), content_type="application/cap+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{warning.number}.xml"'
    return response


@perm_required("warning.edit")
def warning_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data.get("file"):
                created = [services.import_cap(request.user, form.cleaned_data["file"].read(),
                                               origin=f"文件 {form.cleaned_data['file'].name}")]
            else:
                created = services.import_url(request.user, form.cleaned_data["url"])
        except PermissionDenied as exc:
            raise Forbidden(str(exc)) from None
        except (ValidationError, cap.CapError) as exc:
            form.add_error(None, error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        else:
            if not created:
                messages.info(request, "订阅源中没有新的预警消息")
                return redirect("warning:list")
            messages.success(request, f"已导入 {len(created)} 条预警草稿，请补充区域和措施后提交签发")
            return redirect("warning:edit", pk=created[0].pk) if len(created) == 1 else redirect("warning:list")
    return render(request, "warning/import.html", {"form": form})


@perm_required("warning.view")
@require_POST
def recipient_ack(request, pk, rid):
    """我已收到 (the person themselves), or 已电话叫应 by the duty desk."""
    _warning(request.user, pk)
    via = Recipient.Via.APP if request.POST.get("via") != "call" else Recipient.Via.CALL
    try:
        services.acknowledge_for(request.user, rid, via=via, note=request.POST.get("note", ""))
    except PermissionDenied as exc:
        raise Forbidden(str(exc)) from None
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "已登记叫应确认")
    return redirect("warning:detail", pk=pk)


@perm_required("warning.call")
def call_list(request):
    """电话叫应: the calls this desk must make (silent after two messages), oldest first."""
    visible_ids = visible(request.user).values("pk")
    tasks = (CallTask.objects.filter(recipient__warning_id__in=visible_ids).filter(desk_q(request.user))
             .select_related("recipient", "recipient__warning", "recipient__town", "unit", "done_by"))
    open_only = request.GET.get("all") != "1"
    if open_only:
        tasks = tasks.filter(outcome="", recipient__warning__status=Warning.Status.ISSUED)
    page = paginate(request, tasks.order_by("outcome", "created_at"), per_page=50)
    return render(request, "warning/calls.html", {"page": page, "open_only": open_only, "form": CallForm(),
                                                  "qs_page": query_without(request, "page")})


def desk_q(user) -> Q:
    """The calls of the desks in the user's territory (a town its own; the district every desk's)."""
    return region_subtree_q(user, "unit__region")


@perm_required("warning.call")
@require_POST
def call_done(request, pk):
    form = CallForm(request.POST)
    task = CallTask.objects.filter(pk=pk).select_related("recipient").first()
    if task is None or not form.is_valid():
        messages.error(request, "找不到该叫应任务" if task is None else "情况说明过长")
        return redirect("warning:calls")
    try:
        if request.POST.get("outcome") == "reached":
            services.acknowledge_for(request.user, task.recipient_id, via=Recipient.Via.CALL,
                                     note=form.cleaned_data["note"] or "电话已接通，本人确认收到")
        else:
            services.call_failed(request.user, pk, form.cleaned_data["note"])
    except PermissionDenied as exc:
        raise Forbidden(str(exc)) from None
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"{task.recipient.name}：已登记")
    return redirect("warning:calls")


@perm_required("warning.measure")
@require_POST
def measure_report(request, pk):
    task = get_object_or_404(MeasureTask.objects.filter(warning__in=visible(request.user)), pk=pk)
    form = MeasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写落实情况（2000 字以内）")
        return redirect("warning:detail", pk=task.warning_id)
    try:
        services.report_measure(request.user, pk, form.cleaned_data["report"])
    except PermissionDenied as exc:
        raise Forbidden(str(exc)) from None
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已报告：{task.text}")
    return redirect("warning:detail", pk=task.warning_id)


# --- 责任人名册 ---------------------------------------------------------------------------------

@perm_required("warning.view")
def contact_list(request):
    flt = ContactFilter.from_params(request.GET, request=request)
    qs = flt.apply(Contact.objects.visible_to(request.user).select_related("region", "superior"))
    if request.GET.get("export") == "xlsx":
        shown = ["q", "duty", "region", "family"]
        book = exports.Book()
        count = book.sheet("预警责任人", ["姓名", "手机号", "身份", "职务", "负责区域", "灾种", "上级", "在岗"], title="预警责任人名册",
                           filters=flt.describe(shown)).extend(
            [c.name, c.phone, c.get_role_display(), c.title, c.region.name, c.families,
             c.superior.name if c.superior else "", "是" if c.is_active else "否"] for c in qs.iterator(2000))
        return exports.response(request, book, exports.stamp("预警责任人"), summary=f"导出预警责任人 {count} 条",
                                filters=flt.audit_values(shown))
    return render(request, "warning/contacts.html", {
        "page": paginate(request, qs), "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "roles": Contact.Role.choices,
        "towns": _towns(request.user), "can_edit": request.user.has_perm_code("warning.contacts")})


@perm_required("warning.contacts")
def contact_new(request):
    return _contact(request, Contact())


@perm_required("warning.contacts")
def contact_edit(request, pk):
    return _contact(request, get_object_or_404(Contact.objects.visible_to(request.user), pk=pk))


def _contact(request, contact):
    form = ContactForm(request.POST or None, instance=contact, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_contact(request.user, form.save(commit=False))
        except PermissionDenied as exc:
            raise Forbidden(str(exc)) from None
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, "已保存")
            return redirect("warning:contacts")
    return render(request, "warning/contact_form.html", {"form": form, "contact": contact,
                                                         "history": audit.history(contact)[:20] if contact.pk else []})

