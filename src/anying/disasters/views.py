"""Pages of disaster reporting: the events, an event's board (towns, their reports and deadlines,
the villages' returns), the village officer's phone form, a town report, the 零报告 of the day,
and the exports of the district's tables and 灾情通报."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import attachments, exports, wording, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import act, error_text
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.officialdoc import download_as
from anying.core.scope import covers
from anying.core.views import perm_required

from . import registers, rules, services, summary
from .filters import EventFilter
from .forms import CommentForm, EventForm, NoteForm, ReportTextForm, ZeroForm
from .models import CROPS, HOUSES, LOSSES, PEOPLE, Event, Report, VillageReturn, ZeroReport

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
GROUPS = [("人员", PEOPLE), ("房屋", HOUSES), ("农作物", CROPS), ("直接经济损失（分行业）", LOSSES)]


def _events(user):
    return Event.objects.visible_to(user).select_related("region", "unit")


def _event(request, pk) -> Event:
    return get_object_or_404(_events(request.user), pk=pk)


@perm_required("disasters.view")
def event_list(request):
    flt = EventFilter.from_params(request.GET, request=request)
    qs = flt.apply(_events(request.user)).annotate(town_count=Count("towns", distinct=True)).order_by("-started_at", "-id")
    page = paginate(request, qs)
    return render(request, "disasters/list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"), "kinds": Event._meta.get_field("kind").choices,
        "statuses": Event.Status.choices, "can_open": request.user.has_perm_code("disasters.manage"),
        "can_zero": request.user.has_perm_code("disasters.report")})


@perm_required("disasters.manage")
def event_new(request):
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.open_event(request.user, name=data["name"], kind=data["kind"], sub_kind=data["sub_kind"],
                                        started_at=data["started_at"], towns=list(data["towns"]),
                                        description=data["description"], response_triggered=data["response_triggered"],
                                        warnings=list(data["warnings"]), incidents=list(data["incidents"]))
        except (ValidationError, PermissionDenied) as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"已登记灾害过程 {event.number}，已通知受灾镇街报送初报")
            return redirect("disasters:event", pk=event.pk)
    return render(request, "disasters/event_form.html", {"form": form})


def error_map(exc) -> dict:
    """Errors by indicator for the figures pages; those of no field under "general" (templates
    cannot read "__all__")."""
    if isinstance(exc, PermissionDenied):
        return {"general": [exc.message]}
    errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {"general": exc.messages}
    if "__all__" in errors:
        errors["general"] = errors.pop("__all__")
    return errors


def _errors_to_form(form, exc) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error_text(exc))


def _town_board(event: Event, user) -> list[dict]:
    rows = summary.town_rows(event)
    dues = {}
    for due in event.dues.filter(met_at__isnull=True, cancelled=False).order_by("due_at"):
        dues.setdefault(due.town_id, due)
    drafts = {r.town_id: r for r in Report.objects.filter(event=event, status__in=(Report.Status.DRAFT,
                                                                                 Report.Status.RETURNED))}
    for row in rows:
        row["due"] = dues.get(row["town"].pk)
        row["draft"] = drafts.get(row["town"].pk)
        row["mine"] = user.has_perm_code("disasters.report") and covers(user, row["town"])
    return rows


@perm_required("disasters.view")
def event_detail(request, pk):
    event = _event(request, pk)
    user = request.user
    # a town sees its own row, the district every town's; a village officer none (their village's
    # own returns are listed below)
    board = [r for r in _town_board(event, user) if covers(user, r["town"])]
    returns = (VillageReturn.objects.visible_to(user).filter(event=event).select_related("village", "submitted_by")
               [:30])
    own_reports = Report.objects.visible_to(user).filter(event=event)
    total = summary.totals([r["report"] for r in board if r["report"]])
    return render(request, "disasters/event.html", {
        "event": event, "board": board, "returns": returns, "total": total, "groups": GROUPS,
        "reports": own_reports.select_related("town").order_by("-created_at")[:50],
        "is_village": user.has_perm_code("disasters.village"),
        "can_manage": user.has_perm_code("disasters.manage") and covers(user, event.region),
        "can_review": user.has_perm_code("disasters.review") and covers(user, event.region),
        "needs": registers.basic_needs(event, towns=[r["town"] for r in board]), "now": timezone.now(),
        "deadlines": rules.deadlines(), "timeline": workflow.timeline(event)[:30],
        "linked_warnings": _linked(event.warnings, user), "linked_incidents": _linked(event.incidents, user)})


def _linked(relation, user):
    """The linked warnings or incidents this reader may open (each its own scope)."""
    return relation.model.objects.visible_to(user).filter(pk__in=relation.values("pk"))


@require_POST
@perm_required("disasters.manage")
def event_act(request, pk):
    event = _event(request, pk)
    step = request.POST.get("step")
    actions = {"stable": (services.declare_stable, "已宣布灾情稳定，各镇街开始核报"),
               "close": (services.close_event, "灾害过程已结束")}
    if step not in actions:
        raise Forbidden()
    fn, done = actions[step]
    try:
        fn(request.user, event.pk, version=workflow.posted_version(request))
        messages.success(request, done)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("disasters:event", pk=event.pk)


@perm_required("disasters.village")
def village_return(request, pk):
    """The village 灾害信息员's phone form: the village's cumulative figures and photos."""
    event = _event(request, pk)
    errors, values = {}, {}
    form = NoteForm(request.POST or None)
    if request.method == "POST":
        values = request.POST
        photos = request.FILES.getlist("photos")
        if form.is_valid():
            try:
                services.file_village_return(request.user, event, figures=request.POST, note=form.cleaned_data["note"],
                                             photos=photos)
            except (ValidationError, PermissionDenied) as exc:
                errors = error_map(exc)
            else:
                messages.success(request, "灾情已报送镇街")
                return redirect("disasters:village", pk=event.pk)
    last = VillageReturn.objects.visible_to(request.user).filter(event=event).order_by("-submitted_at").first()
    shown = values or (last.figures() if last else {})
    return render(request, "disasters/village.html", {
        "event": event, "form": form, "errors": errors, "groups": GROUPS, "values": shown, "last": last,
        "mine": VillageReturn.objects.visible_to(request.user).filter(event=event)[:10]})


@require_POST
@perm_required("disasters.report")
def report_start(request, pk, town_pk):
    event = _event(request, pk)
    town = get_object_or_404(event.towns.all(), pk=town_pk)
    try:
        report = services.draft_report(request.user, event, town)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("disasters:event", pk=event.pk)
    return redirect("disasters:report", pk=report.pk)


def _report(request, pk) -> Report:
    return get_object_or_404(Report.objects.visible_to(request.user).select_related("event", "town"), pk=pk)


@perm_required("disasters.view")
def report_detail(request, pk):
    report = _report(request, pk)
    user = request.user
    editable = not report.is_frozen and user.has_perm_code("disasters.report") and covers(user, report.town)
    errors = {}
    form = ReportTextForm(request.POST or None, initial={
        "situation": report.situation, "relief_work": report.relief_work,
        "change_explanation": report.change_explanation})
    values = None
    if request.method == "POST":
        if not editable:
            raise Forbidden()
        values = request.POST
        if form.is_valid():
            try:
                report = services.save_report(user, report.pk, figures=request.POST, version=workflow.posted_version(request),
                                              **form.cleaned_data)
                if request.POST.get("then") == "submit":
                    report = services.submit(user, report.pk, photos=request.FILES.getlist("photos"),
                                             version=report.version)
                    messages.success(request, f"{report.label}已报送区县" + (
                        f"（迟报 {report.late_minutes} 分钟）" if report.late_minutes else ""))
                    return redirect("disasters:report", pk=report.pk)
                for upload in request.FILES.getlist("photos"):
                    attachments.check_upload(upload)
                    attachments.attach(user, report, upload)
                messages.success(request, "已保存")
                return redirect("disasters:report", pk=report.pk)
            except (ValidationError, PermissionDenied) as exc:
                errors = error_map(exc)
                report.refresh_from_db()
    previous = services.previous_report(report.event, report.town, exclude=report.pk)
    changes = services.large_changes(previous.figures(), report.figures()) if previous else []
    villages = services.village_totals(report.event, report.town) if editable else None
    return render(request, "disasters/report.html", {
        "report": report, "event": report.event, "form": form, "errors": errors, "groups": GROUPS,
        "values": values or report.figures(), "editable": editable, "previous": previous, "changes": changes,
        "villages": villages, "photos": attachments.attachments_of(report),
        "photos_needed": int(rules.checks()["photos_when_response"]) if report.event.response_triggered else 0,
        "steps": [t for t in services.LIFECYCLE.available(user, report) if t.name != "submit"],
        "timeline": workflow.timeline(report)})


@require_POST
@perm_required("disasters.review")
def report_act(request, pk):
    report = _report(request, pk)
    name = request.POST.get("step", "")
    if name not in ("accept", "return"):
        raise Forbidden()
    act(request, CommentForm(request.POST),
        lambda data: services.review(request.user, report.pk, accept=name == "accept", comment=data["comment"],
                                     version=workflow.posted_version(request)),
        "已审核通过" if name == "accept" else "已退回镇街修改")
    return redirect("disasters:report", pk=report.pk)


@perm_required("disasters.view")
def report_photo(request, pk, attachment_id):
    return attachments.serve(Report.objects.visible_to(request.user).filter(pk=pk), attachment_id, inline=True)


@perm_required("disasters.view")
def return_photo(request, pk, attachment_id):
    return attachments.serve(VillageReturn.objects.visible_to(request.user).filter(pk=pk), attachment_id, inline=True)


@perm_required("disasters.review")
def event_export(request, pk):
    event = _event(request, pk)
    if not covers(request.user, event.region):
        raise Forbidden()
    book = summary.workbook(event, show_id=request.user.has_perm_code("disasters.report"))
    return exports.response(request, book, exports.stamp(f"自然灾害损失情况统计快报表_{event.name}"), obj=event,
                            summary=f"导出灾情统计表：{event.name}")


@perm_required("disasters.review")
def event_circular(request, pk):
    event = _event(request, pk)
    if not covers(request.user, event.region):
        raise Forbidden()
    unit = request.user.unit
    data = wording.render(summary.CIRCULAR, summary.circular_context(event, unit), unit)
    from anying.core import audit
    from anying.core.models import AuditEvent

    audit.record(request.user, AuditEvent.Action.EXPORT, event, summary=f"生成灾情通报：{event.name}")
    return download_as(data, f"灾情通报_{event.name}.docx", DOCX)


@perm_required("disasters.view")
def zero_reports(request):
    """Today's 零报告: which towns filed, which are late; a town files its own."""
    user = request.user
    today = timezone.localdate()
    form = ZeroForm(request.POST or None, user=user)
    if request.method == "POST":
        if not user.has_perm_code("disasters.report"):
            raise Forbidden()
        if form.is_valid():
            try:
                services.file_zero(user, form.cleaned_data["town"], nothing_happened=form.cleaned_data["nothing_happened"],
                                   note=form.cleaned_data["note"])
                messages.success(request, "今日零报告已报送")
                return redirect("disasters:zero")
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc)
    towns = list(Region.objects.filter(level=Region.Level.TOWN, organisations__kind="town_office")
                 .filter(_territory(user)).distinct().order_by("sort", "path"))
    filed = {z.town_id: z for z in ZeroReport.objects.visible_to(user).filter(day=today).select_related("filed_by")}
    busy = services._ongoing_towns(today)
    rows = [{"town": t, "zero": filed.get(t.pk), "event": t.pk in busy} for t in towns]
    history = (ZeroReport.objects.visible_to(user).filter(day__lt=today).values("day")
               .annotate(filed=Count("pk", filter=Q(filed_at__isnull=False)),
                         late=Count("pk", filter=Q(late_minutes__gt=0) | Q(filed_at__isnull=True)))
               .order_by("-day")[:14])
    return render(request, "disasters/zero.html", {
        "rows": rows, "form": form, "today": today, "due": rules.zero_due(today), "in_season": rules.in_season(today),
        "season": next(d for d in rules.deadlines() if d.rule == "season"), "history": history,
        "can_file": user.has_perm_code("disasters.report"), "now": timezone.now()})


def _territory(user):
    from anying.core.scope import region_subtree_q

    return region_subtree_q(user, "")
