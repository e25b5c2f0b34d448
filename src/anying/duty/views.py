"""Pages of the duty desk (services.py holds the rules, rules.py the requirements)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import audit, exports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import act, apply_errors, error_text, submit
from anying.core.listing import parse_id
from anying.core.models import AuditEvent, Organisation
from anying.core.officialdoc import OfficialDocument, download
from anying.core.scope import ancestor_paths, covers, unit_region_path
from anying.core.views import perm_required

from . import rules, services
from .forms import (
    AssignForm,
    CheckForm,
    HandoverForm,
    LogForm,
    PeriodForm,
    PlanForm,
    ReceiveForm,
    RuleForm,
    SwapForm,
)
from .models import Assignment, DutyPost, Handover, KeyPeriod, LogEntry, Shift, SpotCheck, StaffingRule, Swap

WEEKDAYS = "一二三四五六日"
DESK_KINDS = [Organisation.Kind.COMMITTEE_OFFICE, Organisation.Kind.DEPARTMENT, Organisation.Kind.TOWN_OFFICE]


def desks(user):
    """The duty desks whose rosters the user may read: their unit's and those below it."""
    qs = Organisation.objects.filter(is_active=True, kind__in=DESK_KINDS).select_related("region")
    if user.unit_id is None:  # a superuser outside any unit (the install's first account)
        return qs.order_by("kind", "name") if user.is_superuser else qs.none()
    return qs.filter(Q(pk=user.unit_id) | Q(region__path__startswith=unit_region_path(user))).order_by("kind", "name")


def _desk(user, unit_id) -> Organisation:
    unit = desks(user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def _month(request) -> dt.date:
    raw = request.GET.get("month") or request.POST.get("month") or ""
    try:
        return dt.date.fromisoformat(raw + "-01") if len(raw) == 7 else timezone.localdate().replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


# --- today ---------------------------------------------------------------------------------------

@perm_required("duty.view")
def today(request):
    """Who is on duty now: the user's own desk, the desks below, and the desks above (to report up:
    a town sees the district's duty leader and phone, never its roster)."""
    user = request.user
    below = list(desks(user))
    above = list(Organisation.objects.filter(is_active=True, kind__in=DESK_KINDS,
                                             region__path__in=ancestor_paths(unit_region_path(user)) if user.unit_id else [])
                 .exclude(pk__in=[u.pk for u in below]).select_related("region").order_by("kind", "name"))
    now = timezone.now()
    current = {s.unit_id: s for s in Shift.objects.filter(unit__in=below + above, starts_at__lte=now, ends_at__gt=now)}
    people = defaultdict(list)
    for a in services.on_duty([u.pk for u in below + above], now):
        people[a.shift.unit_id].append(a)

    def rows(units, full):
        return [{"unit": u, "shift": current.get(u.pk), "people": people.get(u.pk, []), "full": full} for u in units]

    mine = Assignment.objects.filter(person=user, shift__ends_at__gt=now).select_related("shift__unit", "post") \
        .order_by("shift__starts_at")[:5]
    week = Shift.objects.filter(unit_id=user.unit_id, date__range=(timezone.localdate(),
                                                                   timezone.localdate() + dt.timedelta(days=7)))
    gaps = rules.gaps(week.select_related("unit__region")) if services.keeps(user, user.unit_id) else []
    return render(request, "duty/today.html", {
        "above": rows(above, False), "below": rows(below, True), "mine": mine, "gaps": gaps, "now": now,
        "own_shift": current.get(user.unit_id)})


# --- the roster ----------------------------------------------------------------------------------

def _roster_data(unit, month):
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    shifts = list(Shift.objects.filter(unit=unit, date__range=(month, last)).select_related("unit__region")
                  .prefetch_related("assignments__post", "assignments__person").order_by("starts_at"))
    found = rules.gaps(shifts)
    by_shift = defaultdict(list)
    for g in found:
        by_shift[g.shift.pk].append(g)
    posts = list(DutyPost.objects.filter(is_active=True))
    rows = []
    for s in shifts:
        cells = {p.pk: [] for p in posts}
        for a in s.assignments.all():
            cells.setdefault(a.post_id, []).append(a)
        rows.append({"shift": s, "cells": [cells.get(p.pk, []) for p in posts], "gaps": by_shift.get(s.pk, []),
                     "weekday": WEEKDAYS[s.date.weekday()]})
    periods = KeyPeriod.objects.filter(starts_on__lte=last, ends_on__gte=month,
                                       region__path__in=ancestor_paths(unit.region.path))
    return last, posts, rows, found, periods


@perm_required("duty.view")
def roster(request):
    user = request.user
    unit = _desk(user, parse_id(request.GET.get("unit") or request.POST.get("unit")) or user.unit_id)
    month = _month(request)
    keeps = services.keeps(user, unit.pk)
    plan = PlanForm(request.POST if request.POST.get("action") == "plan" else None,
                    initial={"first": max(month, timezone.localdate()), "handover": services.DEFAULT_HANDOVER,
                             "last": month.replace(day=calendar.monthrange(month.year, month.month)[1])})
    if request.method == "POST":
        if not keeps:
            raise Forbidden("只有本单位值班管理人员可以编排值班表")
        action = request.POST.get("action")
        try:
            if action == "plan" and plan.is_valid():
                d = plan.cleaned_data
                made = services.plan_shifts(user, unit, d["first"], d["last"], handover=d["handover"],
                                            duty_phone=d["duty_phone"])
                messages.success(request, f"已生成 {len(made)} 个班次，请逐班安排人员或复制上周")
            elif action == "copy":
                source, target = (dt.date.fromisoformat(request.POST.get(k, "")) for k in ("source", "target"))
                count = services.copy_week(user, unit, source, target)
                messages.success(request, f"已复制 {count} 人次")
            elif action == "publish":
                last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
                count = services.publish(user, unit, month, last)
                messages.success(request, f"已发布 {count} 个班次，值班人员已收到通知")
            if action != "plan" or plan.is_valid():
                return redirect(f"{reverse('duty_roster')}?unit={unit.pk}&month={month:%Y-%m}")
        except (ValueError, OverflowError):
            messages.error(request, "请选择有效的日期")
        except (ValidationError, PermissionDenied) as exc:
            if action == "plan":
                apply_errors(plan, exc)
            else:
                messages.error(request, error_text(exc))
    last, posts, rows, found, periods = _roster_data(unit, month)
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("值班表", ["日期", "星期", *[p.name for p in posts], "值班电话", "缺岗"],
                           title=f"{unit.name}{month:%Y年%m月}值班表")
        sheet.extend([[r["shift"].date, r["weekday"],
                       *["、".join(f"{a.name} {a.phone}" for a in cell) for cell in r["cells"]], r["shift"].duty_phone,
                       "；".join(g.reason for g in r["gaps"])] for r in rows])
        return exports.response(request, book, exports.stamp(f"{unit.name}值班表"), summary=f"导出{unit.name}{month:%Y年%m月}值班表")
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    return render(request, "duty/roster.html", {
        "unit": unit, "units": desks(user), "month": month, "rows": rows, "posts": posts, "gaps": found,
        "periods": periods, "keeps": keeps, "plan": plan, "prev": (month - dt.timedelta(days=1)).replace(day=1),
        "next": last + dt.timedelta(days=1), "this_monday": monday, "next_monday": monday + dt.timedelta(days=7),
        "unpublished": sum(1 for r in rows if not r["shift"].published)})


@perm_required("duty.view")
def roster_print(request):
    """The month's 值班表 as a Word document in 公文 layout, for the wall and the file."""
    unit = _desk(request.user, parse_id(request.GET.get("unit")) or request.user.unit_id)
    month = _month(request)
    _last, posts, rows, _found, periods = _roster_data(unit, month)
    table = [[f"{r['shift'].date:%m月%d日}", r["weekday"],
              *["、".join(f"{a.name}（{a.phone}）" for a in cell) or "—" for cell in r["cells"]]] for r in rows]
    notes = [f"值班电话：{rows[0]['shift'].duty_phone}" if rows and rows[0]["shift"].duty_phone else "",
             f"交接班时间：每日 {timezone.localtime(rows[0]['shift'].starts_at):%H:%M}" if rows else ""]
    notes += [f"{p.name}（{p.starts_on:%m月%d日}至{p.ends_on:%m月%d日}）：{p.note}" for p in periods if p.note]
    content = OfficialDocument(title=f"{unit.name}{month:%Y年%m月}值班表", paragraphs=[n for n in notes if n],
                               tables=[(["日期", "星期", *[p.name for p in posts]], table)], unit=unit.name,
                               date=timezone.localdate()).render()
    audit.record(request.user, AuditEvent.Action.EXPORT, unit, summary=f"导出{unit.name}{month:%Y年%m月}值班表（Word）")
    return download(content, f"{unit.name}{month:%Y年%m月}值班表.docx")


# --- a shift -------------------------------------------------------------------------------------

def _shift(user, pk) -> Shift:
    return get_object_or_404(Shift.objects.visible_to(user).select_related("unit__region"), pk=pk)


@perm_required("duty.view")
def shift_detail(request, pk):
    user = request.user
    shift = _shift(user, pk)
    now = timezone.now()
    assignments = list(shift.assignments.select_related("post", "person"))
    swaps = list(Swap.objects.filter(shift=shift).select_related("assignment__post", "requested_by", "decided_by"))
    handover = Handover.objects.filter(shift=shift).select_related("handed_by", "received_by").first()
    previous = Handover.objects.filter(next_shift=shift).select_related("shift", "handed_by", "received_by").first()
    writes = services.on_shift(user, shift)
    open_items = LogEntry.objects.filter(shift__unit=shift.unit, open=True).select_related("shift").order_by("at")
    return render(request, "duty/shift.html", {
        "shift": shift, "assignments": assignments, "swaps": [(s, workflow.LIFECYCLES["duty.swap"].available(user, s))
                                                               for s in swaps],
        "log": shift.log.select_related("recorded_by", "closed_by"), "handover": handover, "previous": previous,
        "open_items": open_items, "running": shift.starts_at <= now < shift.ends_at, "started": shift.starts_at <= now,
        "ended": shift.ends_at <= now, "keeps": services.keeps(user, shift.unit_id) and shift.starts_at > now,
        "writes": writes and shift.starts_at <= now and not (handover and handover.received_at),
        "can_hand_over": writes and shift.starts_at <= now and handover is None,
        "can_receive": handover is not None and handover.received_at is None and handover.handed_by_id != user.pk
        and ((handover.next_shift and services.on_shift(user, handover.next_shift)) or
             (user.unit_id == shift.unit_id and user.has_perm_code("duty.log"))),
        "assign_form": AssignForm(unit=shift.unit), "log_form": LogForm(), "swap_form": SwapForm(),
        "handover_form": HandoverForm(), "receive_form": ReceiveForm(), "carried": services.carried_items(shift.unit)
        if handover is None else handover.carried, "gaps": rules.gaps([shift]), "now": now})


@perm_required("duty.keep")
@require_POST
def shift_assign(request, pk):
    shift = _shift(request.user, pk)
    if not services.keeps(request.user, shift.unit_id):
        raise Forbidden("只有本单位值班管理人员可以编排值班表")
    form = AssignForm(request.POST, unit=shift.unit)
    act(request, form, lambda d: services.assign(request.user, shift.pk, post=d["post"], person=d["person"],
                                                 name=d["name"], phone=d["phone"], title=d["title"], side=d["side"]),
        lambda a: f"已安排{a.post.name} {a.name}")
    return redirect("duty_shift", pk=shift.pk)


@perm_required("duty.keep")
@require_POST
def assignment_remove(request, pk):
    a = get_object_or_404(Assignment.objects.visible_to(request.user).select_related("shift"), pk=pk)
    if not services.keeps(request.user, a.shift.unit_id):
        raise Forbidden("只有本单位值班管理人员可以编排值班表")
    try:
        services.unassign(request.user, a.pk)
        messages.success(request, f"已取消 {a.name} 的排班")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("duty_shift", pk=a.shift_id)


@perm_required("duty.view")
@require_POST
def swap_request(request, pk):
    a = get_object_or_404(Assignment.objects.visible_to(request.user), pk=pk)
    form = SwapForm(request.POST)
    act(request, form, lambda d: services.request_swap(request.user, a.pk, name=d["name"], phone=d["phone"],
                                                       reason=d["reason"]),
        "换班申请已提交，待审批")
    return redirect("duty_shift", pk=a.shift_id)


@perm_required("duty.view")
@require_POST
def swap_act(request, pk):
    swap = get_object_or_404(Swap.objects.visible_to(request.user), pk=pk)
    name = request.POST.get("step", "")
    try:
        done = services.act_swap(request.user, swap.pk, name, comment=request.POST.get("comment", ""),
                                 version=workflow.posted_version(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"换班申请：{services.SWAPS.label_of(name)}完成（{done.get_status_display()}）")
    return redirect("duty_shift", pk=swap.shift_id)


@perm_required("duty.view")
@require_POST
def log_add(request, pk):
    shift = _shift(request.user, pk)
    form = LogForm(request.POST)
    act(request, form, lambda d: services.add_entry(request.user, shift.pk, LogEntry(**d)), "已记入值班日志")
    return redirect(f"{reverse('duty_shift', args=[shift.pk])}#log")


@perm_required("duty.view")
@require_POST
def log_close(request, pk):
    entry = get_object_or_404(LogEntry.objects.visible_to(request.user), pk=pk)
    try:
        services.close_entry(request.user, entry.pk, request.POST.get("note", ""))
        messages.success(request, "已办结")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    back = parse_id(request.POST.get("back")) or entry.shift_id
    return redirect(f"{reverse('duty_shift', args=[back])}#log")


@perm_required("duty.view")
@require_POST
def handover(request, pk):
    shift = _shift(request.user, pk)
    act(request, HandoverForm(request.POST), lambda d: services.hand_over(request.user, shift.pk, d["summary"]),
        "已交班，等待下一班接班签字")
    return redirect("duty_shift", pk=shift.pk)


@perm_required("duty.view")
@require_POST
def handover_receive(request, pk):
    shift = _shift(request.user, pk)
    act(request, ReceiveForm(request.POST), lambda d: services.receive(request.user, shift.pk, d["note"]), "已接班")
    return redirect("duty_shift", pk=shift.pk)


# --- spot checks ---------------------------------------------------------------------------------

@perm_required("duty.view")
def checks(request):
    user = request.user
    month = _month(request)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    qs = SpotCheck.objects.visible_to(user).filter(called_at__date__range=(month, last)).select_related("unit",
                                                                                                          "checked_by")
    form = None
    if user.has_perm_code("duty.check"):
        form = CheckForm(request.POST or None, user=user)
        done = submit(request, form, lambda _: services.record_check(user, form.instance),
                      lambda c: f"已记录抽查：{c.unit.name} {c.score} 分", lambda c: f"{reverse('duty_checks')}?month={month:%Y-%m}")
        if done:
            return done
    scores = services.monthly_scores(qs)
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        book.sheet("月度得分", ["单位", "抽查次数", "接听次数", "接听率%", "平均接听用时（秒）", "平均得分"],
                   title=f"{month:%Y年%m月}值班抽查讲评").extend(
            [[r["unit"].name, r["checks"], r["answered"], r["rate"], r["seconds"], r["score"]] for r in scores])
        book.sheet("抽查记录", ["单位", "拨打时间", "号码", "接听", "用时（秒）", "接听人", "在值班表上", "熟悉流程", "得分", "说明"]).extend(
            [[c.unit.name, timezone.localtime(c.called_at), c.phone, "是" if c.answered else "否", c.seconds, c.answered_by,
              "是" if c.on_roster else "否", "是" if c.knows_procedure else "否", c.score, c.note] for c in qs])
        return exports.response(request, book, exports.stamp(f"{month:%Y年%m月}值班抽查"), summary=f"导出{month:%Y年%m月}值班抽查")
    return render(request, "duty/checks.html", {
        "month": month, "checks": qs, "scores": scores, "form": form,
        "prev": (month - dt.timedelta(days=1)).replace(day=1), "next": last + dt.timedelta(days=1)})


# --- setup ---------------------------------------------------------------------------------------

@perm_required("duty.view")
def setup(request):
    user = request.user
    can = user.has_perm_code("duty.configure")
    form = RuleForm(request.POST or None, user=user) if can else None
    if request.method == "POST":
        if not can:
            raise Forbidden("您无权设置值班配置")
        act(request, form, lambda d: services.save_rule(user, post=d["post"], minimum=d["minimum"], kind=d["kind"],
                                                        unit=d["unit"]), "已保存值班配置")
        return redirect("duty_setup")
    path = unit_region_path(user) if user.unit_id else "/"  # a superuser outside any unit sees all
    visible_units = Q(unit__isnull=True) | Q(unit__region__path__startswith=path) | Q(unit=user.unit_id)
    return render(request, "duty/setup.html", {
        "posts": DutyPost.objects.all(), "rules": StaffingRule.objects.filter(visible_units)
        .select_related("post", "unit").order_by("unit", "kind", "post__order"),
        "periods": KeyPeriod.objects.filter(region__path__in=ancestor_paths(path))
        | KeyPeriod.objects.filter(region__path__startswith=path),
        "form": form, "can": can})


@perm_required("duty.configure")
def period_edit(request, pk=None):
    user = request.user
    period = get_object_or_404(KeyPeriod, pk=pk) if pk else KeyPeriod()
    if pk and not covers(user, period.region):
        raise Http404
    form = PeriodForm(request.POST or None, instance=period, user=user)
    done = submit(request, form, lambda _: services.save_period(user, form.instance), lambda p: f"已保存重点时期：{p}",
                  lambda p: "duty_setup")
    return done or render(request, "duty/period_form.html", {"form": form, "period": period})


@perm_required("duty.configure")
@require_POST
def period_delete(request, pk):
    period = get_object_or_404(KeyPeriod, pk=pk)
    if not covers(request.user, period.region):
        raise Http404
    services.delete_period(request.user, period)
    messages.success(request, f"已删除重点时期：{period.name}")
    return redirect("duty_setup")
