"""Pages of the house ledger: the list with filters, totals per town and the .xlsx in the layout
of the 因灾倒塌损坏住房户台账; a household's page (assessment, plan and site check, milestones,
acceptance, payment, photos, timeline); the forms; the subsidy standard."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import attachments, exports, workflow
from anying.core.http import act, submit
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import ancestor_paths, region_subtree_q, unit_region_path
from anying.core.views import perm_required
from anying.disasters.models import Event

from . import services, standards
from .filters import DEGREES, HouseFilter
from .forms import HouseholdForm, PlanForm, StandardForm, StepForm
from .models import Household, Mode, Situation, Standard, mask_id

HEADER = ["镇街", "村（社区）", "户主", "身份证号", "家庭人口", "家庭类别", "倒塌（间）", "严重损坏（间）", "一般损坏（间）",
          "致灾原因", "评估日期", "重建方式", "补助金额（元）", "进度"]
SHOWN = ["q", "event", "region", "degree", "status", "mode", "situation", "date_from", "date_to"]


def _houses(user):
    return Household.objects.visible_to(user)


def _towns(user):
    return Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(user, "")).order_by("path")


def _rows(qs, full_id: bool):
    """Plain values, not model instances: 50,000 rows export in a few seconds (bench/run_houses.py)."""
    labels = {f: dict(Household._meta.get_field(f).choices) for f in ("situation", "mode", "status")}
    for (town, village, head, number, members, situation, collapsed, severe, general, cause, assessed, mode,
         subsidy, status) in qs.values_list("town__name", "village__name", "head", "id_number", "members", "situation",
                                            "rooms_collapsed", "rooms_severe", "rooms_general", "cause", "assessed_on",
                                            "mode", "subsidy", "status").iterator(chunk_size=2000):
        yield [town, village, head, number if full_id else mask_id(number), members, labels["situation"][situation],
               collapsed, severe, general, cause, assessed, labels["mode"].get(mode, ""), subsidy,
               labels["status"][status]]


def _totals(qs) -> dict:
    return qs.order_by().aggregate(households=Count("id"), collapsed=Sum("rooms_collapsed"),
                                   severe=Sum("rooms_severe"), general=Sum("rooms_general"), subsidy=Sum("subsidy"),
                                   paid=Sum("paid_amount"))


@perm_required("houses.view")
def house_list(request):
    user = request.user
    flt = HouseFilter.from_params(request.GET, request=request)
    qs = flt.apply(_houses(user)).select_related("town", "village")
    qs = qs.order_by("town_id", "village_id", "id")
    if request.GET.get("export") == "xlsx":
        full = user.has_perm_code("houses.view_id")
        book = exports.Book()
        sheet = book.sheet("倒损住房户台账", HEADER, title="因灾倒塌损坏住房户台账", filters=flt.describe(SHOWN))
        count = sheet.extend(_rows(qs, full))
        t = _totals(flt.apply(_houses(user)))
        sheet.note(["合计", "", f"{t['households']} 户", "", "", "", t["collapsed"] or 0, t["severe"] or 0,
                    t["general"] or 0, "", "", "", t["subsidy"] or 0, ""])
        return exports.response(request, book, exports.stamp("因灾倒塌损坏住房户台账"),
                                summary=f"导出倒损住房户 {count} 户" + ("（含完整身份证号）" if full else ""),
                                filters=flt.audit_values(SHOWN))
    page = paginate(request, qs)
    by_town = (flt.apply(_houses(user)).order_by().values("town__name", "town__path")
               .annotate(households=Count("id"), collapsed=Sum("rooms_collapsed"), severe=Sum("rooms_severe"),
                         general=Sum("rooms_general"), subsidy=Sum("subsidy")).order_by("town__path"))
    return render(request, "houses/list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "by_town": by_town,
        "events": Event.objects.visible_to(user).order_by("-started_at")[:50], "towns": _towns(user),
        "degrees": DEGREES, "statuses": [("open", "未发放补助"), *Household.Status.choices], "modes": Mode.choices,
        "situations": Situation.choices, "can_record": user.has_perm_code("houses.record")})


@perm_required("houses.view")
def house_detail(request, pk):
    user = request.user
    house = get_object_or_404(_houses(user).select_related(
        "event", "town", "village", "standard", "site_override_by", "plan_approved_by", "accepted_by", "paid_by"), pk=pk)
    standard, subsidy = standards.for_household(house)
    photos = list(attachments.attachments_of(house))
    return render(request, "houses/detail.html", {
        "house": house, "standard": standard, "estimate": subsidy, "photos": photos,
        "steps": services.HOUSES.available(user, house), "step_form": StepForm(),
        "timeline": workflow.timeline(house)[:40],
        # the full ID and phone for those who keep or pay the record; masked for readers
        "show_id": user.has_perm_code("houses.record") or user.has_perm_code("houses.view_id"),
        "can_edit": user.has_perm_code("houses.record") and house.status == Household.Status.ASSESSED,
        "distance": standards.site_distance_m(house.village, timezone.localdate())})


def _held_photos(request) -> tuple[str, list, list]:
    """The assessment photos survive a refused save (a phone cannot fill a file input back in):
    each upload is held under the form's random token (core.attachments.hold) and attached when
    the household is saved; 移除 drops one."""
    token = request.POST.get("form_token", "")
    if not (len(token) == 32 and all(c in "0123456789abcdef" for c in token)):
        token = secrets.token_hex(16)
    key = f"houses:{token}:"
    refused = []
    if request.method == "POST":
        drop = [int(v) for v in request.POST.getlist("drop_photo") if v.isascii() and v.isdigit() and len(v) < 19]
        if drop:
            attachments.release(request.user, key, only=drop)
        for upload in request.FILES.getlist("photos"):
            try:
                attachments.hold(request.user, upload, key)
            except ValidationError as exc:
                refused += exc.messages
    # a new form (GET) holds nothing yet
    return key, list(attachments.held(request.user, key)) if request.method == "POST" else [], refused


@perm_required("houses.record")
def house_edit(request, pk=None):
    user = request.user
    house = get_object_or_404(_houses(user), pk=pk) if pk else None
    if house is not None and house.status != Household.Status.ASSESSED:
        raise Forbidden
    initial = {f: getattr(house, f) for f in services.HOUSE_FIELDS if f != "subsidy"} if house else {}
    raw_event = request.GET.get("event", "")
    if house is None and raw_event.isascii() and raw_event.isdigit() and len(raw_event) < 10:
        initial["event"] = int(raw_event)
    form = HouseholdForm(request.POST or None, initial=initial, user=user, new=house is None)
    key, kept, refused = _held_photos(request)
    # a new household needs the assessment photos: those held from a refused save count
    form.fields["photos"].required = house is None and not kept
    if request.method == "POST" and form.is_valid() and refused:
        form.add_error("photos", refused)  # a file that is no photo: nothing saved
    shown = workflow.posted_version(request) if request.method == "POST" else (house.version if house else None)
    done = submit(request, form,
                  lambda data: services.save_household(user, data, pk=house.pk if house else None, version=shown,
                                                       photos=kept),
                  lambda h: f"已登记：{h.head}户（{h.degree}），按标准预计补助 {h.subsidy:,.2f} 元",
                  lambda h: reverse("house_detail", args=[h.pk]))
    if done:
        attachments.release(user, key)
        return done
    return render(request, "houses/form.html", {
        "form": form, "house": house, "shown_version": shown, "multipart": True, "form_token": key.split(":")[1],
        "kept": kept, "title": f"修改 {house.head}户" if house else "登记倒损住房户"})


@perm_required("houses.record")
def house_plan(request, pk):
    user = request.user
    house = get_object_or_404(_houses(user).select_related("village"), pk=pk)
    if house.status != Household.Status.ASSESSED:
        raise Forbidden
    initial = {"mode": house.mode, "site_address": house.site_address, "latitude": house.site_lat,
               "longitude": house.site_lon, "plan_note": house.plan_note, "site_override": house.site_override}
    form = PlanForm(request.POST or None, initial=initial, user=user)
    shown = workflow.posted_version(request) if request.method == "POST" else house.version
    limit = standards.site_distance_m(house.village, timezone.localdate())
    near = []
    if request.method == "POST" and form.is_valid() and None not in (form.cleaned_data.get("latitude"),
                                                                     form.cleaned_data.get("longitude")):
        # the points to show beside a refusal (the service refuses; the page lists them with links)
        near = services.nearby(form.cleaned_data["latitude"], form.cleaned_data["longitude"], limit)
    done = submit(request, form, lambda data: services.save_plan(user, house.pk, data, version=shown),
                  lambda h: f"已保存方案：{h.get_mode_display()}" + ("（选址例外已记录）" if h.site_override else ""),
                  lambda h: reverse("house_detail", args=[h.pk]) + "#plan")
    return done or render(request, "houses/form.html", {
        "form": form, "house": house, "shown_version": shown, "near": near, "distance": limit,
        "title": f"{house.head}户 · 恢复重建（维修）方案"})


@require_POST
@perm_required("houses.view")
def house_act(request, pk):
    house = get_object_or_404(_houses(request.user), pk=pk)
    name = request.POST.get("step", "")
    if name not in services.HOUSES.table:
        raise Forbidden
    if not services.HOUSES.party_set(request.user, house) & services.HOUSES.table[name].parties:
        raise Forbidden  # no party to this step at all: 403, as for every step view
    form = StepForm(request.POST, request.FILES)
    act(request, form,
        lambda data: services.run(request.user, house.pk, name, comment=data["comment"], files=data["photos"],
                                  data={"day": data["day"], "account": data["account"], "bank": data["bank"]},
                                  version=workflow.posted_version(request)),
        f"已{services.HOUSES.table[name].label}")
    return redirect("house_detail", pk=house.pk)


@perm_required("houses.view")
def house_photo(request, pk, attachment_id):
    return attachments.serve(_houses(request.user).filter(pk=pk), attachment_id,
                             inline=request.GET.get("inline") == "1")


@perm_required("houses.view")
def standard_list(request):
    user = request.user
    # the district above the user's unit: its versions and the product default
    district = Region.objects.filter(level=Region.Level.DISTRICT, path__in=ancestor_paths(unit_region_path(user))).first()
    rows = Standard.objects.filter(Q(region=None) | Q(region=district)) if district else Standard.objects.filter(region=None)
    form = None
    if user.has_perm_code("houses.configure") and district is not None:
        current = standards.in_force(district, timezone.localdate())
        initial = {f: getattr(current, f) for f in standards.FIGURES} if current else {}
        form = StandardForm(request.POST or None, initial=initial)
        done = submit(request, form, lambda data: services.save_standard(user, district, data),
                      lambda s: f"已保存{district.name}补助标准（{s.effective_from} 起施行）",
                      lambda s: reverse("house_standards"))
        if done:
            return done
    current = standards.in_force(district, timezone.localdate()) if district else None
    return render(request, "houses/standards.html", {
        "rows": rows.select_related("region", "created_by").order_by("region__path", "-effective_from"),
        "current": current, "district": district, "form": form, "figures": standards.FIGURES,
        "labels": {f: Standard._meta.get_field(f).verbose_name for f in ["effective_from", *standards.FIGURES]}})
