"""Pages of 森林防火 (thin: services write, filters and scope read)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import exports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import act, apply_errors, error_text, submit
from anying.core.links import absolute_url
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.views import perm_required
from anying.warning.models import Contact

from . import board as pictures
from . import lifecycles, reference, services
from .filters import EntryFilter, FireUseFilter, LevelFilter, ReportFilter
from .forms import (
    CheckpointDutyForm,
    DangerImportForm,
    DangerLevelForm,
    FireBanForm,
    FireCheckForm,
    FireReportForm,
    FireSeasonForm,
    FireUseApplicationForm,
    FireUseDecisionForm,
    ForestAreaForm,
    ForestCheckpointForm,
    ForestRangerForm,
    ForestResponsibilityForm,
    IllegalFireForm,
    RangerPatrolForm,
)
from .models import (
    Checkpoint,
    Entry,
    FireBan,
    FireDanger,
    FireReport,
    FireSeason,
    FireUse,
    ForestArea,
    IllegalFireUse,
    Patrol,
    Ranger,
    Responsibility,
)


def _district(user) -> Region | None:
    from anying.core.scope import unit_region_path

    path = unit_region_path(user) if user.unit_id else ""
    ids = [int(p) for p in path.strip("/").split("/") if p]
    return Region.objects.filter(pk__in=ids, level=Region.Level.DISTRICT).first() or \
        Region.objects.filter(level=Region.Level.DISTRICT).filter(pk__in=ids).first()


# --- the picture -------------------------------------------------------------------------------

@perm_required("forestfire.view")
def board(request):
    user, today = request.user, timezone.localdate()
    district = _district(user)
    days = pictures.checkpoint_days(user)
    rangers = list(Ranger.objects.visible_to(user).filter(is_active=True).select_related("contact", "region"))
    week = today - dt.timedelta(days=today.weekday())
    behind = [s for s in services.standings(rangers, week) if s.behind]
    return render(request, "forestfire/board.html", {
        "levels": pictures.level_rows(user), "days": days, "today": today,
        "reports": list(pictures.open_reports(user).order_by("-reported_at")[:10]),
        "rate": services.burnt_rate(district, today.year) if district else None,
        "behind": behind, "rangers": len(rangers), "threshold": reference.checkpoint_level(),
        "season": district and services.in_season(district, today), "district": district,
        "pending": FireUse.objects.visible_to(user).filter(status=FireUse.Status.SUBMITTED).count(),
        "bans": list(FireBan.objects.visible_to(user).filter(ends_at__gt=timezone.now()).select_related("region")[:5])})


# --- levels ------------------------------------------------------------------------------------

@perm_required("forestfire.view")
def levels(request):
    user = request.user
    flt = LevelFilter.from_params(request.GET, request=request)
    qs = flt.apply(FireDanger.objects.visible_to(user).select_related("region")).order_by("-day", "region__path")
    if request.GET.get("export") == "xlsx":
        shown = ["region", "since", "until", "level"]
        book = exports.Book()
        count = book.sheet("森林火险等级", ["日期", "区域", "火险等级", "名称", "颜色", "来源", "发布单位"],
                           title="森林火险气象等级", filters=flt.describe(shown)).extend(
            [d.day, d.region.name, d.level, reference.level(d.level).name, reference.level(d.level).colour,
             d.get_source_display(), d.issuer] for d in qs.iterator())
        return exports.response(request, book, exports.stamp("森林火险等级"), summary=f"导出森林火险等级 {count} 条",
                                filters=flt.audit_values(shown))
    can = request.user.has_perm_code("forestfire.level")
    form = DangerLevelForm(request.POST or None, user=user, initial={"day": timezone.localdate()}) if can else None
    upload = DangerImportForm() if can else None
    if request.method == "POST":
        if not can:
            raise Forbidden
        if "file" in request.FILES:
            upload = DangerImportForm(request.POST, request.FILES)
            if upload.is_valid():
                try:
                    report = services.import_levels(user, upload.cleaned_data["file"])
                    messages.success(request, report.summary())
                    return redirect("forestfire:levels")
                except (ValidationError, PermissionDenied) as exc:
                    apply_errors(upload, exc)
        else:
            done = submit(request, form, lambda d: services.set_level(user, d["region"].pk, d["day"], d["level"]),
                          lambda r: f"已保存：{r.region.name} {r.day:%Y-%m-%d} {reference.level(r.level).label}",
                          lambda r: reverse("forestfire:levels"))
            if done:
                return done
    page = paginate(request, qs)
    for d in page:
        d.danger = reference.level(d.level)
    return render(request, "forestfire/levels.html", {
        "page": page, "flt": flt, "form": form, "upload": upload, "reference": reference.levels().values(),
        "qs_page": query_without(request, "page"), "qs_export": query_without(request, "page", "export"),
        "towns": pictures.towns(user), "threshold": reference.checkpoint_level()}, status=400 if request.method == "POST" else 200)


# --- seasons, bans, forest areas ----------------------------------------------------------------

@perm_required("forestfire.view")
def bans(request):
    user = request.user
    can = request.user.has_perm_code("forestfire.level")
    which = request.POST.get("which") if request.method == "POST" else None
    season_form = FireSeasonForm(request.POST if which == "season" else None, user=user) if can else None
    ban_form = FireBanForm(request.POST if which == "ban" else None, user=user) if can else None
    area_form = ForestAreaForm(request.POST if which == "area" else None, user=user,
                         initial={"year": timezone.localdate().year}) if can else None
    if request.method == "POST":
        if not can:
            raise Forbidden
        if which == "season":
            done = submit(request, season_form, lambda d: services.save_season(user, season_form.service_data()),
                          lambda s: f"已设定：{s}", lambda s: reverse("forestfire:bans"))
        elif which == "ban":
            done = submit(request, ban_form, lambda d: services.issue_ban(user, ban_form.service_data()),
                          lambda b: "已发布禁火令；覆盖范围内待审批和已批准的野外用火已自动不予批准或撤销",
                          lambda b: reverse("forestfire:bans"))
        elif which == "area":
            done = submit(request, area_form, lambda d: services.save_forest_area(
                user, d["region"].pk, d["year"], d["area_ha"], d.get("source") or ""),
                lambda a: f"已保存：{a.region.name} {a.year}年森林面积 {a.area_ha} 公顷", lambda a: reverse("forestfire:bans"))
        else:
            done = None
        if done:
            return done
    return render(request, "forestfire/bans.html", {
        "seasons": FireSeason.objects.visible_to(user).select_related("region")[:50],
        "bans": FireBan.objects.visible_to(user).select_related("region")[:50],
        "areas": ForestArea.objects.visible_to(user).select_related("region")[:50],
        "season_form": season_form, "ban_form": ban_form, "area_form": area_form, "now": timezone.now()},
        status=400 if request.method == "POST" else 200)


# --- checkpoints and entries --------------------------------------------------------------------

def _checkpoints(user):
    return Checkpoint.objects.visible_to(user).select_related("place__region")


@perm_required("forestfire.view")
def checkpoints(request):
    user = request.user
    day = _day(request)
    days = services.checkpoint_days(list(_checkpoints(user).filter(is_active=True)), day)
    return render(request, "forestfire/checkpoints.html", {"days": days, "day": day,
                                                           "can_manage": request.user.has_perm_code("forestfire.manage")})


def _day(request) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
        return day if dt.date(2000, 1, 1) <= day <= dt.date(2100, 1, 1) else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@perm_required("forestfire.manage")
def checkpoint_new(request):
    form = ForestCheckpointForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda d: services.save_checkpoint(request.user, form.service_data()),
                  lambda c: f"已登记检查站：{c.place.name}", lambda c: reverse("forestfire:checkpoint_detail", args=[c.pk]))
    return done or render(request, "forestfire/form.html", {"form": form, "title": "登记森林防火检查站",
                                                            "back": reverse("forestfire:checkpoints")})


@perm_required("forestfire.view")
def checkpoint_detail(request, pk):
    user = request.user
    cp = get_object_or_404(_checkpoints(user), pk=pk)
    day = _day(request)
    info = services.checkpoint_days([cp], day)[0]
    entries = list(Entry.objects.filter(checkpoint=cp, day=day).order_by("-time_in")[:300])
    now = timezone.now()
    for e in entries:
        e.dark = services.after_dark(e, now)
    today = timezone.localdate()
    week = [today + dt.timedelta(days=n) for n in range(7)]
    roster = {d: [] for d in week}
    for d in cp.duties.filter(day__in=week).select_related("contact"):
        roster[d.day].append(d.contact)
    levels = services.levels_on({cp.place.region_id: cp.place.region.path}, today)
    can = request.user.has_perm_code("forestfire.manage")
    people = Contact.objects.visible_to(user).filter(is_active=True, region__path__startswith=cp.place.region.path) \
        .select_related("region") if can else Contact.objects.none()
    duty_form = CheckpointDutyForm(people=people, initial={"day": today}) if can else None
    return render(request, "forestfire/checkpoint_detail.html", {
        "cp": cp, "info": info, "entries": entries, "day": day, "roster": roster.items(),
        "level_today": reference.level(levels.get(cp.place.region_id)), "duty_form": duty_form, "can_manage": can,
        "public_url": absolute_url(request, reverse("forestfire:public_entry", args=[cp.token])),
        "threshold": reference.checkpoint_level()})


@require_POST
@perm_required("forestfire.manage")
def checkpoint_duty(request, pk):
    user = request.user
    cp = get_object_or_404(_checkpoints(user), pk=pk)
    people = Contact.objects.visible_to(user).filter(is_active=True, region__path__startswith=cp.place.region.path)
    form = CheckpointDutyForm(request.POST, people=people)
    act(request, form, lambda d: services.set_duty(user, cp.pk, d["day"], [c.pk for c in d["contacts"]], d["shift"]),
        "已保存值守安排")
    return redirect("forestfire:checkpoint_detail", pk=cp.pk)


@perm_required("forestfire.view")
def checkpoint_poster(request, pk):
    cp = get_object_or_404(_checkpoints(request.user), pk=pk)
    return render(request, "forestfire/poster.html", {
        "cp": cp, "url": absolute_url(request, reverse("forestfire:public_entry", args=[cp.token]))})


ENTRY_HEADER = ["检查站", "镇街", "日期", "姓名", "手机号", "身份证号（脱敏）", "人数", "事由", "火种", "当日火险", "须登记",
                "进山时间", "下山时间", "天黑未下山"]


@perm_required("forestfire.view")
def entries(request):
    user = request.user
    flt = EntryFilter.from_params(request.GET, request=request)
    qs = flt.apply(Entry.objects.visible_to(user).select_related("checkpoint__place__region")).order_by("-time_in", "-id")
    purposes, fires = dict(reference.PURPOSES), dict(reference.FIRE_SOURCES)
    now = timezone.now()
    if request.GET.get("export") == "xlsx":
        shown = ["q", "checkpoint", "region", "day", "inside"]
        book = exports.Book()
        count = book.sheet("进山登记", ENTRY_HEADER, title="进山登记", filters=flt.describe(shown)).extend(
            [e.checkpoint.place.name, e.checkpoint.place.region.name, e.day, e.name, e.phone, e.id_masked, e.people,
             purposes.get(e.purpose, e.purpose), fires.get(e.fire_source, e.fire_source), e.level,
             "是" if e.required else "否", timezone.localtime(e.time_in),
             timezone.localtime(e.time_out) if e.time_out else "", "是" if services.after_dark(e, now) else ""]
            for e in qs.iterator())
        return exports.response(request, book, exports.stamp("进山登记"), summary=f"导出进山登记 {count} 条",
                                filters=flt.audit_values(shown))
    page = paginate(request, qs)
    for e in page:
        e.dark = services.after_dark(e, now)
        e.purpose_label = purposes.get(e.purpose, e.purpose)
        e.fire_label = fires.get(e.fire_source, e.fire_source)
    return render(request, "forestfire/entries.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "checkpoints": _checkpoints(user)})


# --- rangers and patrols ------------------------------------------------------------------------

def _rangers(user):
    return Ranger.objects.visible_to(user).select_related("contact", "region")


@perm_required("forestfire.view")
def rangers(request):
    user = request.user
    today = timezone.localdate()
    week = today - dt.timedelta(days=today.weekday())
    qs = list(_rangers(user).order_by("region__path", "contact__name")[:500])
    rows = services.standings(qs, week)
    if request.GET.get("behind"):
        rows = [s for s in rows if s.behind]
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        count = book.sheet("护林员", ["姓名", "电话", "管护区域", "管护范围", "聘用起", "聘用止", "在岗", "本周应巡护", "本周已巡护", "落后"],
                           title=f"护林员（{week:%Y-%m-%d}起一周）", filters=[]).extend(
            [s.ranger.contact.name, s.ranger.contact.phone, s.ranger.region.name, s.ranger.area, s.ranger.contract_from,
             s.ranger.contract_to, "是" if s.ranger.is_active else "否", s.required, s.done, "是" if s.behind else ""]
            for s in rows)
        return exports.response(request, book, exports.stamp("护林员"), summary=f"导出护林员 {count} 人", filters={})
    return render(request, "forestfire/rangers.html", {"rows": rows, "week": week, "today": today,
                                                       "can_manage": request.user.has_perm_code("forestfire.manage")})


@perm_required("forestfire.manage")
def ranger_new(request):
    form = ForestRangerForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda d: services.save_ranger(request.user, form.service_data()),
                  lambda r: f"已登记护林员：{r.contact.name}", lambda r: reverse("forestfire:ranger_detail", args=[r.pk]))
    return done or render(request, "forestfire/form.html", {"form": form, "title": "登记护林员",
                                                            "back": reverse("forestfire:rangers")})


@perm_required("forestfire.view")
def ranger_detail(request, pk):
    user = request.user
    ranger = get_object_or_404(_rangers(user), pk=pk)
    can = request.user.has_perm_code("forestfire.patrol")
    form = RangerPatrolForm(request.POST or None) if can else None
    if request.method == "POST":
        if not can:
            raise Forbidden
        done = submit(request, form, lambda d: services.record_patrol(user, ranger.pk, d),
                      lambda p: "已录入巡护记录", lambda p: reverse("forestfire:ranger_detail", args=[ranger.pk]))
        if done:
            return done
    today = timezone.localdate()
    standing = services.standings([ranger], today - dt.timedelta(days=today.weekday()))[0]
    return render(request, "forestfire/ranger_detail.html", {
        "ranger": ranger, "patrols": ranger.patrols.order_by("-started_at")[:60], "form": form, "standing": standing},
        status=400 if request.method == "POST" else 200)


# --- outdoor fire use ----------------------------------------------------------------------------

def _fire_uses(user):
    return FireUse.objects.visible_to(user).select_related("region", "ban", "submitted_by", "decided_by")


@perm_required("forestfire.view")
def fire_uses(request):
    user = request.user
    flt = FireUseFilter.from_params(request.GET, request=request)
    qs = flt.apply(_fire_uses(user)).order_by("-created_at", "-id")
    if request.GET.get("export") == "xlsx":
        shown = ["q", "status", "region", "since"]
        book = exports.Book()
        count = book.sheet("野外用火", ["编号", "地点", "具体位置", "申请人", "电话", "事由", "用火开始", "用火结束", "防火措施", "看守人",
                                     "状态", "审批意见", "依据的禁火令"], title="野外用火申请", filters=flt.describe(shown)).extend(
            [a.number, a.region.name, a.place, a.applicant, a.phone, a.kind, timezone.localtime(a.starts_at),
             timezone.localtime(a.ends_at), a.precautions, f"{a.watcher} {a.watcher_phone}", a.get_status_display(),
             a.decision, str(a.ban) if a.ban else ""] for a in qs.iterator())
        return exports.response(request, book, exports.stamp("野外用火申请"), summary=f"导出野外用火申请 {count} 条",
                                filters=flt.audit_values(shown))
    illegal = IllegalFireUse.objects.visible_to(user).select_related("region")[:20]
    return render(request, "forestfire/fire_uses.html", {
        "page": paginate(request, qs), "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "statuses": FireUse.Status.choices,
        "illegal": illegal, "penalties": reference.penalties(), "can_apply": request.user.has_perm_code("forestfire.apply"),
        "can_patrol": request.user.has_perm_code("forestfire.patrol")})


@perm_required("forestfire.apply")
def fire_use_new(request):
    form = FireUseApplicationForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda d: lifecycles.submit_fire_use(request.user, form.service_data()),
                  lambda a: f"已登记 {a.number}" + ("；禁火令期间，已自动不予批准" if a.status == FireUse.Status.REFUSED else ""),
                  lambda a: reverse("forestfire:fire_use_detail", args=[a.pk]))
    return done or render(request, "forestfire/form.html", {"form": form, "title": "登记野外用火申请",
                                                            "back": reverse("forestfire:fire_uses")})


@perm_required("forestfire.view")
def fire_use_detail(request, pk):
    app = get_object_or_404(_fire_uses(request.user), pk=pk)
    return render(request, "forestfire/fire_use_detail.html", {
        "app": app, "actions": lifecycles.FIRE_USE.available(request.user, app), "form": FireUseDecisionForm(),
        "timeline": workflow.timeline(app)})


@require_POST
@perm_required("forestfire.view")
def fire_use_act(request, pk):
    app = get_object_or_404(_fire_uses(request.user), pk=pk)
    name = request.POST.get("name", "")
    if name not in lifecycles.FIRE_USE.table:
        raise Http404
    form = FireUseDecisionForm(request.POST)
    act(request, form, lambda d: lifecycles.run_fire_use(request.user, app.pk, name, comment=d.get("comment") or "",
                                                         version=workflow.posted_version(request)),
        lambda a: f"已{lifecycles.FIRE_USE.table[name].label}")
    return redirect("forestfire:fire_use_detail", pk=app.pk)


@perm_required("forestfire.patrol")
def illegal_new(request):
    form = IllegalFireForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda d: services.record_illegal(request.user, form.service_data()),
                  lambda r: "已登记违规用火", lambda r: reverse("forestfire:fire_uses"))
    return done or render(request, "forestfire/form.html", {"form": form, "title": "登记违规野外用火",
                                                            "back": reverse("forestfire:fire_uses")})


# --- fire reports --------------------------------------------------------------------------------

def _reports(user):
    return FireReport.objects.visible_to(user).select_related("region", "town", "unit")


@perm_required("forestfire.view")
def reports(request):
    user = request.user
    flt = ReportFilter.from_params(request.GET, request=request)
    qs = flt.apply(_reports(user)).order_by("-reported_at", "-id")
    if request.GET.get("export") == "xlsx":
        shown = ["q", "status", "source", "region", "since"]
        book = exports.Book()
        count = book.sheet("火情报告", ["编号", "来源", "报告时间", "核查镇街", "位置", "报告内容", "状态", "受害森林面积（公顷）",
                                     "死亡", "重伤", "等级", "核查情况"], title="火情报告", filters=flt.describe(shown)).extend(
            [r.number, r.get_source_display(), timezone.localtime(r.reported_at), r.town.name, r.place, r.description,
             r.get_status_display(), r.burnt_ha, r.deaths, r.injuries, r.grade_label, r.check_note] for r in qs.iterator())
        return exports.response(request, book, exports.stamp("火情报告"), summary=f"导出火情报告 {count} 条",
                                filters=flt.audit_values(shown))
    district = _district(user)
    year = timezone.localdate().year
    return render(request, "forestfire/reports.html", {
        "page": paginate(request, qs), "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "statuses": FireReport.Status.choices,
        "sources": FireReport.Source.choices, "rate": services.burnt_rate(district, year) if district else None,
        "basis": reference.grade_basis(), "can_report": request.user.has_perm_code("forestfire.patrol")})


@perm_required("forestfire.patrol")
def report_new(request):
    form = FireReportForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda d: lifecycles.report_fire(request.user, form.service_data()),
                  lambda r: f"已登记火情 {r.number}，已通知{r.town.name}核查",
                  lambda r: reverse("forestfire:report_detail", args=[r.pk]))
    return done or render(request, "forestfire/form.html", {"form": form, "title": "登记火情报告",
                                                            "back": reverse("forestfire:reports")})


@perm_required("forestfire.view")
def report_detail(request, pk):
    report = get_object_or_404(_reports(request.user), pk=pk)
    return render(request, "forestfire/report_detail.html", {
        "report": report, "actions": lifecycles.FIRE_REPORT.available(request.user, report), "form": FireCheckForm(),
        "timeline": workflow.timeline(report), "basis": reference.grade_basis()})


@require_POST
@perm_required("forestfire.check")
def report_check(request, pk):
    report = get_object_or_404(_reports(request.user), pk=pk)
    form = FireCheckForm(request.POST)

    def run(d):
        return lifecycles.run_report(request.user, report.pk, "check", comment=d.get("comment") or "",
                                     version=workflow.posted_version(request),
                                     data={"outcome": d["outcome"], "burnt_ha": d.get("burnt_ha"),
                                           "deaths": d.get("deaths") or 0, "injuries": d.get("injuries") or 0,
                                           "extinguished_at": d.get("extinguished_at")})
    act(request, form, run, "已登记核查结果")
    return redirect("forestfire:report_detail", pk=report.pk)


# --- 责任人 ----------------------------------------------------------------------------------------

@perm_required("forestfire.view")
def responsibilities(request):
    user = request.user
    can = request.user.has_perm_code("forestfire.manage")
    form = ForestResponsibilityForm(request.POST or None, user=user) if can else None
    if request.method == "POST":
        if not can:
            raise Forbidden
        done = submit(request, form, lambda d: services.save_responsibility(user, form.service_data()),
                      lambda r: f"已确定：{r.region.name} {r.get_kind_display()} {r.contact.name}",
                      lambda r: reverse("forestfire:responsibilities"))
        if done:
            return done
    rows = Responsibility.objects.visible_to(user).select_related("region", "contact").order_by("region__path", "kind")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        count = book.sheet("森林防火责任人", ["区域", "责任类别", "姓名", "职务", "电话", "包保范围", "责任书签订"],
                           title="森林防火责任人", filters=[]).extend(
            [r.region.name, r.get_kind_display(), r.contact.name, r.contact.title, r.contact.phone, r.zone,
             r.letter_signed_on] for r in rows.iterator())
        return exports.response(request, book, exports.stamp("森林防火责任人"), summary=f"导出森林防火责任人 {count} 人",
                                filters={})
    return render(request, "forestfire/responsibilities.html", {
        "page": paginate(request, rows, 50), "form": form, "can_manage": can, "towns": pictures.towns(user),
        "qs_page": query_without(request, "page")}, status=400 if request.method == "POST" else 200)


@require_POST
@perm_required("forestfire.manage")
def responsibility_remove(request, pk):
    row = get_object_or_404(Responsibility.objects.visible_to(request.user), pk=pk)
    try:
        services.remove_responsibility(request.user, row.pk)
        messages.success(request, "已撤销")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("forestfire:responsibilities")


__all__ = ["Patrol"]
