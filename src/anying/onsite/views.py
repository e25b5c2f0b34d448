"""Pages of the on-site register: the month's table per mine (the town's view), the days on site
(the enterprise records them here), the meetings with their minutes. Lists have filters,
paging and an .xlsx export."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from anying.core import attachments, exports
from anying.core.http import submit
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required
from anying.registry.models import Enterprise

from . import rules, services
from .forms import DayForm, MeetingForm
from .models import Meeting, OnsiteDay


def _month(request) -> dt.date:
    """?month=2026-11; this month when absent or malformed."""
    raw = request.GET.get("month", "")
    today = timezone.localdate()
    if len(raw) == 7 and raw.isascii() and raw[:4].isdigit() and raw[4] == "-" and raw[5:].isdigit():
        year, month = int(raw[:4]), int(raw[5:])
        if 2000 <= year <= today.year and 1 <= month <= 12 and dt.date(year, month, 1) <= today:
            return dt.date(year, month, 1)
    return today.replace(day=1)


def _region(request, user) -> Region | None:
    raw = request.GET.get("region", "")
    if raw.isascii() and raw.isdigit() and len(raw) < 12:
        return Region.objects.filter(region_subtree_q(user, "")).filter(pk=int(raw)).first()
    return None


def _own(user) -> Enterprise | None:
    if not user.has_perm_code("onsite.record"):
        return None
    return Enterprise.objects.visible_to(user).order_by("id").first()


def _towns(user):
    return Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(user, "")).order_by("path")


def _months(today: dt.date) -> list[dt.date]:
    out, day = [], today.replace(day=1)
    for _ in range(13):
        out.append(day)
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return out


@perm_required("onsite.view")
def month_table(request):
    user = request.user
    month = _month(request)
    region = _region(request, user)
    ents = Enterprise.objects.visible_to(user)
    if region is not None:
        ents = ents.filter(region__path__startswith=region.path)
    rows = services.month_table(ents, month)
    if request.GET.get("short") == "1":
        rows = [r for r in rows if r["short"]]
    start, end = rules.month_bounds(month)
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("在岗履职", ["企业", "镇街", "人员", "类别", "工作日在岗（天）", "在岗（天）", "其中补录", "要求（天）",
                                     "是否达标", "会议纪要（次）", "说明"],
                           title=f"{month:%Y年%m月}矿山实际控制人、总工程师在岗履职", filters=[("月份", f"{month:%Y-%m}")])
        for r in rows:
            base = [r["enterprise"].name, r["enterprise"].region.name]
            for p in r["persons"]:
                sheet.append(base + [p["person"].name, p["person"].get_kind_display(), p["working_days"], p["days"],
                                     p["late"], p["minimum"], "达标" if p["met"] else ("未达标" if r["closed"] else "进行中"),
                                     r["meetings"], "；".join(p["gaps"])])
            if r["missing"]:
                sheet.append(base + ["", "、".join(r["missing"]), "", "", "", "", "未登记", r["meetings"], "未登记人员"])
        return exports.response(request, book, exports.stamp(f"在岗履职_{month:%Y%m}"),
                                summary=f"导出{month:%Y年%m月}在岗履职 {len(rows)} 家矿山",
                                filters={"month": f"{month:%Y-%m}", "region": region.pk if region else ""})
    return render(request, "onsite/months.html", {
        "rows": rows, "month": month, "months": _months(timezone.localdate()), "region": region,
        "towns": _towns(user), "short": request.GET.get("short") == "1", "mins": rules.minimums(),
        "working_days": rules.working_days(start, end), "qs_export": query_without(request, "export")})


@perm_required("onsite.view")
def day_list(request):
    user = request.user
    month = _month(request)
    start, end = rules.month_bounds(month)
    qs = OnsiteDay.objects.visible_to(user).filter(day__range=(start, end)).select_related("enterprise", "person")
    region = _region(request, user)
    if region is not None:
        qs = qs.filter(enterprise__region__path__startswith=region.path)
    raw = request.GET.get("enterprise", "")
    if raw.isascii() and raw.isdigit() and len(raw) < 12:
        qs = qs.filter(enterprise_id=int(raw))
    qs = qs.order_by("-day", "person_id")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("在岗履职登记", ["企业", "日期", "工作日", "人员", "类别", "履职内容", "补录"],
                           title=f"{month:%Y年%m月}在岗履职登记", filters=[("月份", f"{month:%Y-%m}")])
        count = sheet.extend([d.enterprise.name, d.day, "是" if rules.is_working_day(d.day) else "否", d.person.name,
                              d.person.get_kind_display(), d.work, "是" if d.late else ""] for d in qs.iterator(chunk_size=2000))
        return exports.response(request, book, exports.stamp(f"在岗履职登记_{month:%Y%m}"), summary=f"导出在岗履职登记 {count} 条",
                                filters={"month": f"{month:%Y-%m}"})
    ent = _own(user)
    form = None
    if ent is not None:
        form = DayForm(request.POST or None, enterprise=ent, initial={"day": timezone.localdate()})
        done = submit(request, form, lambda data: services.record_day(user, ent, data),
                      lambda d: f"已登记：{d.person.name} {d.day}" + ("（补录）" if d.late else ""),
                      lambda d: reverse("onsite_days") + f"?month={d.day:%Y-%m}")
        if done:
            return done
    elif request.method == "POST":
        raise Forbidden
    page = paginate(request, qs)
    return render(request, "onsite/days.html", {
        "page": page, "month": month, "months": _months(timezone.localdate()), "region": region, "towns": _towns(user),
        "form": form, "qs_page": query_without(request, "page"), "qs_export": query_without(request, "page", "export"),
        "workday": rules.is_working_day})


@perm_required("onsite.view")
def meeting_list(request):
    user = request.user
    qs = Meeting.objects.visible_to(user).select_related("enterprise")
    region = _region(request, user)
    if region is not None:
        qs = qs.filter(enterprise__region__path__startswith=region.path)
    q = " ".join(request.GET.get("q", "").split())[:50]
    if q:
        qs = qs.filter(topics__icontains=q)
    qs = qs.order_by("-held_on", "-id")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("会议纪要", ["企业", "会议日期", "研究的安全生产重大问题", "参会人员", "会议纪要"], title="安全生产重大问题会议纪要",
                           filters=[("关键字", q)] if q else None)
        count = sheet.extend([m.enterprise.name, m.held_on, m.topics, m.attendees, m.minutes] for m in qs.iterator())
        return exports.response(request, book, exports.stamp("安全生产重大问题会议纪要"), summary=f"导出会议纪要 {count} 份",
                                filters={"q": q, "region": region.pk if region else ""})
    page = paginate(request, qs)
    return render(request, "onsite/meetings.html", {
        "page": page, "q": q, "region": region, "towns": _towns(user), "can_record": _own(user) is not None,
        "qs_page": query_without(request, "page"), "qs_export": query_without(request, "page", "export")})


@perm_required("onsite.record")
def meeting_new(request):
    user = request.user
    ent = _own(user)
    if ent is None:
        raise Forbidden
    form = MeetingForm(request.POST or None, request.FILES or None, initial={"held_on": timezone.localdate()})
    done = submit(request, form, lambda data: services.save_meeting(user, ent, data, files=data.get("files") or []),
                  lambda m: f"已登记会议纪要：{m.held_on}", lambda m: reverse("onsite_meeting", args=[m.pk]))
    return done or render(request, "onsite/form.html", {"form": form, "title": "登记安全生产重大问题会议纪要",
                                                        "enterprise": ent})


@perm_required("onsite.view")
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("enterprise", "created_by"),
                                pk=pk)
    return render(request, "onsite/meeting.html", {"meeting": meeting,
                                                   "files": list(attachments.attachments_of(meeting))})


@perm_required("onsite.view")
def meeting_file(request, pk, attachment_id):
    return attachments.serve(Meeting.objects.visible_to(request.user).filter(pk=pk), attachment_id)
