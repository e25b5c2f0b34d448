"""Grassroots forces and the district's own settings (A6.7, A6.8, A6.10): the registers of
应急协管员, 灾害信息员 and volunteers, the team-building targets a district sets from its own
documents, and the yearly 全区应急救援联动联席会议 with its minutes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied as Forbidden
from django.db import transaction
from django.forms import Form
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import exports
from anying.core.attachments import attach, attachments_by_object, serve
from anying.core.http import act, submit
from anying.core.listing import paginate, parse_id, query_without
from anying.core.views import perm_required

from . import rules, services
from .filters import GrassrootsFilter
from .forms import GrassrootsForm, MeetingForm, TargetForm
from .models import GrassrootsPerson, LinkageMeeting, TargetValue
from .views import _towns

# --- 应急协管员, 灾害信息员, volunteers ----------------------------------------------------------

HEADER = ["类别", "姓名", "所在村（社区）", "所属镇街", "联系电话", "任职日期", "职责或特长", "管理单位", "在岗", "离岗日期", "备注"]


@perm_required("rescue.view")
def grassroots_list(request):
    user = request.user
    flt = GrassrootsFilter.from_params(request.GET, request=request)
    qs = flt.apply(GrassrootsPerson.objects.visible_to(user)).select_related("region__parent", "owner")
    qs, sort = flt.sort(qs)
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        count = book.sheet("基层应急力量", HEADER, title="应急协管员、灾害信息员和应急志愿者", filters=flt.describe()).extend(
            [p.get_role_display(), p.name, p.region.name, p.region.parent.name if p.region.parent_id else "", p.phone,
             p.since, p.duties, p.owner.name, "是" if p.is_active else "否", p.left_on, p.note] for p in qs.iterator())
        return exports.response(request, book, exports.stamp("基层应急力量"), summary=f"导出基层应急力量 {count} 人",
                                filters=flt.audit_values())
    page = paginate(request, qs)
    editable = set(services.editable_grassroots(user).filter(pk__in=[p.pk for p in page])
                   .values_list("pk", flat=True)) if user.has_perm_code("rescue.edit") else set()
    return render(request, "rescue/grassroots_list.html", {
        "page": page, "editable": editable, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "flt": flt, "sort": sort,
        "roles": GrassrootsPerson.Role.choices, "towns": _towns(user), "can_edit": user.has_perm_code("rescue.edit")})


@perm_required("rescue.edit")
def grassroots_edit(request, pk: int | None = None):
    user = request.user
    person = get_object_or_404(services.editable_grassroots(user).filter(
        pk__in=GrassrootsPerson.objects.visible_to(user).values("pk")), pk=pk) if pk else None
    initial = {}
    if person is None and request.GET.get("kind") in GrassrootsPerson.Role.values:
        initial["role"] = request.GET["kind"]
    form = GrassrootsForm(request.POST or None, instance=person, user=user, initial=initial)
    done = submit(request, form, lambda data: services.save_grassroots(user, form.save(commit=False)),
                  lambda p: f"已保存{p.get_role_display()}：{p.name}", lambda p: reverse("rescue_grassroots_list"))
    return done or render(request, "rescue/grassroots_form.html", {"form": form, "person": person})


# --- the district's targets ------------------------------------------------------------------

def _is_district_keeper(user) -> bool:
    district = services.district_of(user)
    return (user.has_perm_code("rescue.assess") and district is not None and user.unit is not None
            and user.unit.region_id == district.pk)


@perm_required("rescue.view")
def targets(request):
    user = request.user
    district = services.district_of(user)
    year = timezone.localdate().year
    can = _is_district_keeper(user)
    form = TargetForm(request.POST or None, initial={"from_year": year}) if can else None
    if request.method == "POST":
        if not can:
            raise Forbidden("队伍建设目标由区级管理员设置")
        done = submit(request, form, lambda d: services.set_target(user, d["code"], d["from_year"], d["value"],
                                                                     d["source"]),
                      lambda t: f"已设置本区目标：{rules.target_codes()[t.code]} {t.from_year}年起 {t.value}",
                      lambda t: reverse("rescue_targets"))
        if done:
            return done
    in_force = rules.targets(district, year)
    return render(request, "rescue/targets.html", {
        "year": year, "district": district, "in_force": in_force.values(), "defaults": rules.default_targets(),
        "own": TargetValue.objects.filter(region=district).select_related("set_by") if district else [],
        "form": form, "can": can, "labels": rules.target_codes()})


@perm_required("rescue.assess")
@require_POST
def target_remove(request, target_id):
    get_object_or_404(TargetValue, pk=target_id, region=services.district_of(request.user))  # another district's: 404
    act(request, Form(request.POST), lambda d: services.remove_target(request.user, target_id),
        "已撤销本区目标，恢复默认值")
    return redirect("rescue_targets")


# --- the annual linkage meeting ----------------------------------------------------------------

def meeting_status(meeting: LinkageMeeting | None, year: int, today: dt.date) -> dict:
    """The deadline of a year's meeting as the pages show it."""
    due = meeting.due_on if meeting else services.meeting_due(year)
    if meeting is not None and meeting.held_on:
        late = meeting.held_on > due
        return {"state": "late" if late else "held", "due": due, "text": f"已于 {meeting.held_on:%Y-%m-%d} 召开"
                + ("（逾期召开）" if late else "")}
    if today > due:
        return {"state": "overdue", "due": due, "text": f"已逾期 {(today - due).days} 天未召开（应于 {due:%m月%d日} 前召开）"}
    return {"state": "due", "due": due, "text": f"应于 {due:%Y年%m月%d日} 前召开，还有 {(due - today).days} 天"}


@perm_required("rescue.view")
def meetings(request):
    user = request.user
    today = timezone.localdate()
    year = parse_id(request.POST.get("year") or request.GET.get("year")) or today.year
    if not 2000 <= year <= today.year:
        year = today.year
    can = _is_district_keeper(user)
    visible = LinkageMeeting.objects.visible_to(user)
    current = visible.filter(year=year, region=services.district_of(user)).first()
    initial = {"held_on": current.held_on, "place": current.place, "chaired_by": current.chaired_by,
               "participants": current.participants, "decisions": current.decisions} if current and current.held_on \
        else {"held_on": today if year == today.year else None}
    form = MeetingForm(request.POST or None, request.FILES or None, initial=initial) if can else None
    if request.method == "POST":
        if not can:
            raise Forbidden("联动联席会议由区级登记")

        def save(data):
            with transaction.atomic():  # a refused minutes file leaves the meeting as it was
                meeting = services.record_meeting(user, year, data)
                if data.get("minutes"):
                    attach(user, meeting, data["minutes"])
            return meeting

        done = submit(request, form, save, lambda m: f"已登记{m.year}年全区应急救援联动联席会议（{m.held_on:%Y-%m-%d}）",
                      lambda m: reverse("rescue_meetings") + f"?year={m.year}")
        if done:
            return done
    rows = list(visible.select_related("recorded_by").order_by("-year")[:20])
    files = attachments_by_object(rows)
    return render(request, "rescue/meetings.html", {
        "year": year, "today": today, "form": form, "can": can, "current": current,
        "status": meeting_status(current, year, today),
        "rows": [(m, meeting_status(m, m.year, today), files.get(m.pk, [])) for m in rows],
        "source": "区应急管理局2022年工作要点（seed 001）「5月底前，召开全区应急救援联动联席会议」"})


@perm_required("rescue.view")
def meeting_file(request, pk, attachment_id):
    return serve(LinkageMeeting.objects.visible_to(request.user).filter(pk=pk), attachment_id)
