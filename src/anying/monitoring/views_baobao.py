"""Pages of the 包保责任人: the section on an installation's page, naming a person, recording a
履职, a 履职 with the hazards it led to, and the district's list (docs/monitoring.md)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as Forbidden
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import exports
from anying.core.attachments import attach, attachments_of, serve
from anying.core.http import act, submit
from anying.core.listing import paginate, query_without
from anying.core.models import Region, User
from anying.core.permissions import is_enterprise_user
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required

from . import baobao, services_baobao
from .filters import GuarantorFilter
from .forms import DutyRecordForm, GuarantorForm
from .models import Installation
from .models_baobao import KIND_ORDER, DutyRecord, Guarantor, Kind

RECENT = 20


def may_record(user, g: Guarantor) -> bool:
    return (user.has_perm_code("monitoring.duty") and is_enterprise_user(user) and g.until is None
            and (g.user_id is None or g.user_id == user.pk))


def section(user, inst: Installation) -> dict:
    """The 包保责任人 part of an installation's page (three kinds, history, recent 履职)."""
    if not inst.is_major:
        return {"baobao": None}
    people = list(Guarantor.objects.filter(installation=inst).select_related("user"))
    current = [g for g in people if g.until is None]
    by_kind = {s.kind: s for s in baobao.standings(current, installations=[inst])}
    freq = baobao.frequencies()
    kinds = [{"kind": kind, "label": label, "standing": by_kind.get(kind), "frequency": freq[kind],
              "history": [g for g in people if g.kind == kind and g.until is not None],
              "may_record": (g := by_kind[kind].guarantor) is not None and may_record(user, g)}
             for kind, label in Kind.choices]
    records = list(DutyRecord.objects.filter(installation=inst).select_related("guarantor")[:RECENT])
    return {"baobao": {"kinds": kinds, "records": records, "can_assign": user.has_perm_code("monitoring.edit")
                       and not inst.retired_on}}


def _accounts(inst: Installation):
    return User.objects.filter(unit_id=inst.enterprise.organisation_id, is_active=True).order_by("username")


@perm_required("monitoring.edit")
def guarantor_edit(request, pk, kind):
    inst = get_object_or_404(Installation.objects.visible_to(request.user).select_related("enterprise"), pk=pk,
                             is_major=True)
    if kind not in Kind.values:
        raise Http404
    current = Guarantor.objects.filter(installation=inst, kind=kind, until__isnull=True).first()
    initial = {"kind": kind, "since": timezone.localdate()}
    if current:
        initial.update(name=current.name, position=current.position, phone=current.phone, user=current.user_id)
    form = GuarantorForm(request.POST or None, initial=initial, accounts=_accounts(inst))
    done = submit(request, form,
                  lambda d: services_baobao.assign_guarantor(request.user, inst.pk, kind, d),
                  lambda g: f"已确定{g.get_kind_display()}：{g.name}",
                  lambda g: reverse("installation_detail", args=[inst.pk]) + "#baobao")
    return done or render(request, "monitoring/guarantor_form.html", {
        "form": form, "inst": inst, "current": current, "kind_label": Kind(kind).label,
        "frequency": baobao.frequencies()[kind]})


@perm_required("monitoring.duty")
def duty_record_new(request, pk):
    g = get_object_or_404(Guarantor.objects.visible_to(request.user).select_related("installation__enterprise"), pk=pk)
    if not may_record(request.user, g):
        raise Forbidden("履职记录由企业录入；已绑定账号的包保责任人须本人录入")
    form = DutyRecordForm(request.POST or None, request.FILES or None, kind=g.kind,
                          initial={"done_on": timezone.localdate()})

    def save(data):
        photos = data.pop("photos", None) or []
        with transaction.atomic():
            record = services_baobao.record_duty(request.user, g.pk, data)
            for photo in photos:
                attach(request.user, record, photo)
        return record

    done = submit(request, form, save, lambda r: f"已录入履职记录（{r.done_on:%Y-%m-%d}）",
                  lambda r: reverse("duty_record_detail", args=[r.pk]))
    return done or render(request, "monitoring/duty_record_form.html", {
        "form": form, "g": g, "inst": g.installation, "frequency": baobao.frequencies()[g.kind]})


def _record(user, pk) -> DutyRecord:
    return get_object_or_404(DutyRecord.objects.visible_to(user).select_related(
        "guarantor", "installation__enterprise", "created_by"), pk=pk)


def _hazard_form(record: DutyRecord, user, **kwargs):
    """The hazard form without its channel: a problem a 履职 found is the enterprise's own (企业自查)."""
    from anying.hazards.forms import HazardForm

    form = HazardForm(enterprise=record.installation.enterprise, user=user, **kwargs)
    del form.fields["channel"]
    return form


@perm_required("monitoring.view")
def duty_record_detail(request, pk):
    record = _record(request.user, pk)
    labels = {d.clause: d.label for d in baobao.duties()[record.kind]}
    context = {"record": record, "inst": record.installation, "files": attachments_of(record),
               "items": [(clause, labels.get(clause, "")) for clause in record.items],
               "hazards": record.hazards.visible_to(request.user).order_by("-found_on", "-id")}
    if is_enterprise_user(request.user) and request.user.has_perm_code("hazards.act"):
        context["hazard_form"] = _hazard_form(record, request.user, initial={
            "place": record.installation.name[:200], "description": record.problems,
            "found_by": record.guarantor.name, "found_on": record.done_on})
    return render(request, "monitoring/duty_record_detail.html", context)


@perm_required("monitoring.duty")
@require_POST
def duty_record_hazard(request, pk):
    record = _record(request.user, pk)
    form = _hazard_form(record, request.user, data=request.POST, files=request.FILES)

    def save(data):
        photos = data.pop("photos", []) or []
        with transaction.atomic():
            hazard = services_baobao.register_hazard(request.user, record.pk, data)
            for photo in photos:
                attach(request.user, hazard, photo)
        return hazard

    act(request, form, save, lambda h: f"已登记隐患 #{h.pk}（来源：包保责任人履职）")
    return redirect("duty_record_detail", pk=record.pk)


@perm_required("monitoring.view")
def duty_record_file(request, pk, attachment_id):
    return serve(DutyRecord.objects.visible_to(request.user).filter(pk=pk), attachment_id,
                 inline=request.GET.get("inline") == "1")


# --- the district's list -------------------------------------------------------------------------

HEADER = ["企业", "所在镇街", "重大危险源", "级别"] + [f"{label}{part}" for _, label in Kind.choices
                                               for part in ("", "职务", "电话", "履职情况")]


def _rows(installations, today):
    """Each installation with its three standings (a kind without a person: guarantor None)."""
    installations = list(installations)
    guarantors = baobao.in_force(Guarantor.objects.filter(installation__in=[i.pk for i in installations]))
    by_inst: dict = {}
    for s in baobao.standings(guarantors, today, installations=installations):
        by_inst.setdefault(s.installation_id, {})[s.kind] = s
    for inst in installations:
        inst.standings = sorted(by_inst.get(inst.pk, {}).values(), key=lambda s: KIND_ORDER[s.kind])
    return installations


@perm_required("monitoring.view")
def guarantor_list(request):
    flt = GuarantorFilter.from_params(request.GET, request=request)
    qs = flt.apply(baobao_installations(request.user)).order_by("enterprise__region__path", "enterprise__name", "id")
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        shown = ["q", "region", "kind", "behind"]
        book = exports.Book()
        sheet = book.sheet("包保责任人", HEADER, title="重大危险源包保责任人及履职情况",
                           filters=[*flt.describe(shown), ("统计日", f"{today:%Y-%m-%d}")])
        count = sheet.extend(
            [i.enterprise.name, i.enterprise.region.name, i.name, i.get_grade_display() or "",
             *[cell for s in i.standings for cell in (
                 s.guarantor.name if s.guarantor else "未确定", s.guarantor.position if s.guarantor else "",
                 s.guarantor.phone if s.guarantor else "",
                 s.status + ("" if s.frequency.verified else f"（{baobao.UNVERIFIED}）"))]]
            for i in _rows(qs, today))
        return exports.response(request, book, exports.stamp("包保责任人"), summary=f"导出包保责任人 {count} 个重大危险源",
                                filters=flt.audit_values(shown))
    page = paginate(request, qs)
    _rows(page.object_list, today)
    return render(request, "monitoring/guarantor_list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "kinds": Kind.choices,
        "frequencies": [(label, baobao.frequencies()[r]) for r, label in Kind.choices],
        "towns": Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(request.user, ""))})


def baobao_installations(user):
    """The major installations in service the user may see (the list's rows)."""
    return Installation.objects.visible_to(user).filter(is_major=True, retired_on__isnull=True) \
        .select_related("enterprise__region")


# --- hooks -----------------------------------------------------------------------------------------

def related(record, user) -> list[tuple[str, str]]:
    """A hazard registered from a 履职 links back to it (core.hooks.RELATED_RECORDS)."""
    manager = getattr(record, "duty_records", None)
    if manager is None or getattr(manager, "model", None) is not DutyRecord or user is None \
            or not user.has_perm_code("monitoring.view"):
        return []
    return [(f"来源：{r.installation.name}{r.get_kind_display()}履职（{r.done_on:%Y-%m-%d}）",
             reverse("duty_record_detail", args=[r.pk]))
            for r in manager.visible_to(user).select_related("installation")]


def public_section(enterprise) -> tuple[str, list]:
    """The enterprise's 公示 page: each major installation's three 包保责任人 (name, kind, title,
    phone — the page shows the enterprise's responsible persons' phones too). 第九条 of the 2021
    办法 asks for a 公示牌 with names, duties and contacts (docs/research/issue-16-baobao.md)."""
    from anying.core.hooks import PublicGroup, PublicPerson

    installations = list(Installation.objects.filter(enterprise=enterprise, is_major=True, retired_on__isnull=True)
                         .order_by("grade", "name"))
    people = {}
    for g in Guarantor.objects.filter(installation__in=installations, until__isnull=True):
        people[(g.installation_id, g.kind)] = g
    groups = []
    for inst in installations:
        persons = []
        for kind, label in Kind.choices:
            g = people.get((inst.pk, kind))
            persons.append(PublicPerson(label, g.name if g else "", g.position if g else "", g.phone if g else ""))
        groups.append(PublicGroup(f"{inst.name}（{inst.get_grade_display()}重大危险源）", tuple(persons)))
    return "重大危险源包保责任人", groups
