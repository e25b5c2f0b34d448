"""The pages of rescue teams and experts: lists with filters and export, detail, edit, standby on a
phone, training, the district overview, experts, guidance visits and 执法+专家."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.forms import Form
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import audit, exports, imports
from anying.core.attachments import attach, attachments_of, serve
from anying.core.errors import PermissionDenied
from anying.core.http import act, apply_errors, error_text, submit
from anying.core.listing import paginate, parse_id, query_without
from anying.core.models import Region
from anying.core.pickers import Picker, respond
from anying.core.views import perm_required

from . import excel, rules, services
from .filters import ExpertFilter, TeamFilter, VisitFilter
from .forms import (
    AssessmentForm,
    AvoidanceForm,
    CertificateEditForm,
    CertificateForm,
    ExpertForm,
    GuidanceForm,
    InspectionExpertForm,
    LeaveForm,
    MemberForm,
    PlanForm,
    RemoveForm,
    StandbyForm,
    TeamForm,
    TrainingForm,
    VisitForm,
    available_experts,
)
from .models import (
    TIER_OF,
    Assessment,
    Certificate,
    EquipmentStandard,
    Expert,
    GrassrootsPerson,
    GuidanceVisit,
    InspectionExpert,
    Member,
    SocialGuidance,
    StandbyReport,
    Team,
    TrainingPlan,
    TrainingRecord,
)


def _team(user, pk) -> Team:
    return get_object_or_404(Team.objects.visible_to(user).select_related("region", "owner", "base", "parent"), pk=pk)


def _editable(user, pk) -> Team:
    """A team the user keeps; one they only see (dispatchable) or none: 404."""
    _team(user, pk)
    team = services.editable_teams(user).filter(pk=pk).select_related("region", "owner", "base").first()
    if team is None:
        raise Http404
    return team


def _towns(user):
    from anying.core.scope import region_subtree_q

    return Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(user, "")).order_by("path")


# --- teams -------------------------------------------------------------------------------------

@perm_required("rescue.view")
def team_list(request):
    flt = TeamFilter.from_params(request.GET, request=request)
    qs = flt.apply(Team.objects.visible_to(request.user)).select_related("region", "owner", "parent") \
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
    qs, sort = flt.sort(qs)
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        count = excel.write_teams(qs, book, flt.describe())
        return exports.response(request, book, exports.stamp("救援队伍"), summary=f"导出救援队伍 {count} 支",
                                filters=flt.audit_values())
    return render(request, "rescue/team_list.html", {
        "page": paginate(request, qs), "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "flt": flt, "sort": sort,
        "categories": Team.Category.choices, "specialities": TeamFilter.base_filters["speciality"].extra["choices"],
        "towns": _towns(request.user), "can_edit": request.user.has_perm_code("rescue.edit"),
        "can_import": request.user.has_perm_code("rescue.import")})


def _team_form_page(request, team: Team | None):
    form = TeamForm(request.POST or None, instance=team, user=request.user)
    done = submit(request, form,
                  lambda data: services.save_team(request.user, form.save(commit=False),
                                                  speciality_codes=data["speciality_codes"], base=form.base_data()),
                  lambda item: f"已保存：{item.name}", lambda item: reverse("rescue_team_detail", args=[item.pk]))
    return done or render(request, "rescue/team_form.html", {"form": form, "team": team})


@perm_required("rescue.edit")
def team_new(request):
    return _team_form_page(request, None)


@perm_required("rescue.edit")
def team_edit(request, pk):
    return _team_form_page(request, _editable(request.user, pk))


@perm_required("rescue.view")
def team_detail(request, pk):
    team = _team(request.user, pk)
    user = request.user
    can_edit = user.has_perm_code("rescue.edit") and services.editable_teams(user).filter(pk=pk).exists()
    today = timezone.localdate()
    members = list(team.members.prefetch_related("certificates").order_by("-is_active", "role", "name"))
    active = [m for m in members if m.is_active]
    left = [m for m in members if not m.is_active]
    rates = rules.rates([team])[team.pk]
    standards = EquipmentStandard.objects.filter(tier=TIER_OF.get(team.category)) if team.category in TIER_OF else []
    held = {e.standard_id: e for e in team.equipment.filter(standard__isnull=False)}
    return render(request, "rescue/team_detail.html", {
        "team": team, "can_edit": can_edit, "members": active, "left_members": left, "rates": rates, "today": today,
        "soon": today + dt.timedelta(days=60),
        "catalogue": [(s, held.get(s.pk)) for s in standards],
        "extra_equipment": team.equipment.filter(standard__isnull=True),
        "branches": Team.objects.visible_to(user).filter(parent=team),
        "standby": team.standby.order_by("-day")[:14], "trainings": team.trainings.order_by("-day")[:10],
        "assessments": team.assessments.order_by("-year"),
        "member_form": MemberForm(prefix="m") if can_edit else None,
        "guidance": team.guidance.select_related("unit") if team.category == Team.Category.SOCIAL else None,
        "guidance_form": GuidanceForm(prefix="g", initial={"day": today})
        if can_edit and team.category == Team.Category.SOCIAL else None,
        "cert_form": CertificateForm(team=team, prefix="c") if can_edit else None,
        "history": audit.history(team)[:20] if can_edit else [],
        "can_standby": user.has_perm_code("rescue.standby") and services.standby_teams(user).filter(pk=pk).exists(),
    })


@perm_required("rescue.edit")
@require_POST
def member_add(request, pk):
    team = _editable(request.user, pk)
    form = MemberForm(request.POST, instance=Member(team=team), prefix="m")
    act(request, form, lambda data: services.save_member(request.user, form.save(commit=False)),
        lambda m: f"已保存队员：{m.name}")
    return redirect(reverse("rescue_team_detail", args=[team.pk]) + "#members")


@perm_required("rescue.edit")
@require_POST
def certificate_add(request, pk):
    team = _editable(request.user, pk)
    form = CertificateForm(request.POST, team=team, prefix="c")
    act(request, form, lambda data: services.save_certificate(request.user, form.save(commit=False)),
        lambda c: f"已登记证书：{c.member.name} · {c.name}")
    member_id = parse_id(request.POST.get("c-member"))
    if request.POST.get("back") == "member" and member_id and team.members.filter(pk=member_id).exists():
        return redirect(reverse("rescue_member_detail", args=[team.pk, member_id]) + "#certificates")
    return redirect(reverse("rescue_team_detail", args=[team.pk]) + "#members")


def _member(team, member_id) -> Member:
    return get_object_or_404(Member.objects.filter(team=team), pk=member_id)


@perm_required("rescue.edit")
def member_detail(request, pk, member_id):
    """A member's page: correct the particulars, 离队 (or back), certificates corrected or removed."""
    team = _editable(request.user, pk)
    member = _member(team, member_id)
    form = MemberForm(request.POST or None, instance=member, prefix="m")
    done = submit(request, form, lambda data: services.save_member(request.user, form.save(commit=False)),
                  lambda m: f"已保存队员：{m.name}", lambda m: reverse("rescue_member_detail", args=[team.pk, m.pk]))
    if done:
        return done
    member.refresh_from_db()  # an invalid POST leaves the form's instance changed
    certificates = list(member.certificates.all())
    return render(request, "rescue/member_detail.html", {
        "team": team, "member": member, "form": form, "today": timezone.localdate(),
        "leave_form": LeaveForm(prefix="l", initial={"left_on": timezone.localdate()}),
        "certificates": [(c, CertificateEditForm(instance=c, prefix=f"c{c.pk}")) for c in certificates],
        "new_certificate": CertificateForm(team=team, prefix="c", initial={"member": member.pk}),
        "remove_form": RemoveForm(prefix="r")})


@perm_required("rescue.edit")
@require_POST
def member_leave(request, pk, member_id):
    team = _editable(request.user, pk)
    member = _member(team, member_id)
    form = LeaveForm(request.POST, prefix="l")
    act(request, form, lambda d: services.leave_member(request.user, team.pk, member.pk, d["left_on"], d["left_reason"]),
        lambda m: f"{m.name}已离队（{m.left_on:%Y-%m-%d}），保留在队员名册的离队记录中")
    return redirect("rescue_member_detail", pk=team.pk, member_id=member.pk)


@perm_required("rescue.edit")
@require_POST
def member_rejoin(request, pk, member_id):
    team = _editable(request.user, pk)
    member = _member(team, member_id)
    act(request, Form(request.POST), lambda d: services.rejoin_member(request.user, team.pk, member.pk),
        lambda m: f"{m.name}已恢复在队")
    return redirect("rescue_member_detail", pk=team.pk, member_id=member.pk)


def _certificate(team, certificate_id) -> Certificate:
    return get_object_or_404(Certificate.objects.filter(member__team=team).select_related("member"), pk=certificate_id)


@perm_required("rescue.edit")
@require_POST
def certificate_edit(request, pk, certificate_id):
    team = _editable(request.user, pk)
    cert = _certificate(team, certificate_id)
    form = CertificateEditForm(request.POST, instance=cert, prefix=f"c{cert.pk}")
    act(request, form, lambda d: services.save_certificate(request.user, form.save(commit=False)),
        lambda c: f"已修改证书：{c.name}")
    return redirect(reverse("rescue_member_detail", args=[team.pk, cert.member_id]) + "#certificates")


@perm_required("rescue.edit")
@require_POST
def certificate_remove(request, pk, certificate_id):
    team = _editable(request.user, pk)
    cert = _certificate(team, certificate_id)
    form = RemoveForm(request.POST, prefix="r")
    act(request, form, lambda d: services.remove_certificate(request.user, team.pk, cert.pk, d["reason"]),
        f"已删除证书：{cert.name}（删除前的内容保留在变更记录中）")
    return redirect(reverse("rescue_member_detail", args=[team.pk, cert.member_id]) + "#certificates")


@perm_required("rescue.edit")
@require_POST
def team_guidance(request, pk):
    """A guidance record of a social rescue force (A6.9)."""
    team = _editable(request.user, pk)
    form = GuidanceForm(request.POST, instance=SocialGuidance(team=team), prefix="g")
    act(request, form, lambda d: services.add_guidance(request.user, form.save(commit=False)),
        lambda g: f"已登记指导记录：{g.day:%Y-%m-%d}")
    return redirect(reverse("rescue_team_detail", args=[team.pk]) + "#guidance")


@perm_required("rescue.edit")
def team_equipment(request, pk):
    team = _editable(request.user, pk)
    tier = TIER_OF.get(team.category)
    standards = list(EquipmentStandard.objects.filter(tier=tier)) if tier else []
    held = {e.standard_id: e.quantity for e in team.equipment.filter(standard__isnull=False)}
    if request.method == "POST":
        values, bad = {}, []
        for s in standards:
            raw = (request.POST.get(f"s{s.pk}") or "0").strip()
            if not re.fullmatch(r"[0-9]{1,6}", raw):  # not isdigit(): "²" is a digit to it
                bad.append(s.name)
            else:
                values[s.pk] = int(raw)
        extra = [{"name": request.POST.get("extra_name", ""), "quantity": request.POST.get("extra_quantity") or 0,
                  "unit": request.POST.get("extra_unit") or "件"}]
        if not re.fullmatch(r"[0-9]{1,6}", str(extra[0]["quantity"]).strip()):
            bad.append("其他装备数量")
        if bad:
            messages.error(request, f"数量须为不小于0的整数：{'、'.join(bad)}")
        else:
            try:
                services.set_equipment(request.user, team.pk, values, extra)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, "已更新装备")
                return redirect(reverse("rescue_team_detail", args=[team.pk]) + "#equipment")
    return render(request, "rescue/team_equipment.html", {
        "team": team, "rows": [(s, held.get(s.pk, 0)) for s in standards],
        "extra": team.equipment.filter(standard__isnull=True)})


# --- standby -----------------------------------------------------------------------------------

@perm_required("rescue.view")
def standby(request):
    user = request.user
    day = _day(request.GET.get("day")) or timezone.localdate()
    teams = Team.objects.visible_to(user).filter(is_active=True, category__in=Team.DAILY_STANDBY) \
        .select_related("region").prefetch_related(Prefetch("standby", queryset=StandbyReport.objects.filter(day=day),
                                                            to_attr="today_reports")).order_by("category", "name")
    month_start = day.replace(day=1)
    return render(request, "rescue/standby.html", {
        "day": day, "teams": teams, "missing": sum(1 for t in teams if not t.today_reports),
        "week": rules.person_times(user, day - dt.timedelta(days=6), day),
        "month": rules.person_times(user, month_start, day),
        "others": StandbyReport.objects.filter(day=day, team__in=Team.objects.visible_to(user))
        .exclude(team__category__in=Team.DAILY_STANDBY).select_related("team"),
        "can_report": user.has_perm_code("rescue.standby")})


def _day(value):
    try:
        return dt.date.fromisoformat((value or "").strip()[:10]) if value else None
    except ValueError:
        return None


@perm_required("rescue.standby")
def standby_report(request):
    """The phone form: one team, today, a few numbers."""
    user = request.user
    teams = services.standby_teams(user).filter(is_active=True).order_by("category", "name")
    today = timezone.localdate()
    initial = {"day": today}
    team_id = parse_id(request.GET.get("team"))
    if team_id and teams.filter(pk=team_id).exists():
        initial["team"] = team_id
        last = StandbyReport.objects.filter(team_id=team_id).order_by("-day").first()
        if last is not None:  # yesterday's figures as a start: most days are alike
            initial.update(people=last.people, vehicles=last.vehicles, equipment=last.equipment, on_duty=last.on_duty)
    form = StandbyForm(request.POST or None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_standby(user, data["team"].pk, data["day"], people=data["people"],
                                             vehicles=data["vehicles"] or 0, equipment=data["equipment"],
                                             on_duty=data["on_duty"], note=data["note"])
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已报告 {report.team.name} {report.day:%m月%d日} 值班备勤：{report.people}人、{report.vehicles}车")
            return redirect("rescue_standby")
    return render(request, "rescue/standby_form.html", {"form": form, "has_teams": teams.exists()})


# --- training ----------------------------------------------------------------------------------

@perm_required("rescue.view")
def training(request):
    user = request.user
    teams = Team.objects.visible_to(user)
    keep = services.editable_teams(user).filter(is_active=True).order_by("name")
    year = timezone.localdate().year
    can_train = user.has_perm_code("rescue.training")
    can_assess = user.has_perm_code("rescue.assess")
    plans = TrainingPlan.objects.visible_to(user).select_related("team").order_by("-starts_on")[:30]
    forms = {}
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "plan" and can_train:
                form = PlanForm(request.POST, teams=keep)
                if form.is_valid():
                    services.save_plan(user, form.save(commit=False))
                    messages.success(request, "已保存训练计划")
                    return redirect("rescue_training")
                forms["plan"] = form
            elif which == "record" and can_train:
                form = TrainingForm(request.POST, teams=keep, plans=TrainingPlan.objects.visible_to(user))
                if form.is_valid():
                    services.record_training(user, form.save(commit=False))
                    messages.success(request, "已登记训练")
                    return redirect("rescue_training")
                forms["record"] = form
            elif which == "assess" and can_assess:
                form = AssessmentForm(request.POST, teams=keep)
                if form.is_valid():
                    d = form.cleaned_data
                    services.save_assessment(user, d["team"].pk, d["year"], d["score"], d["remarks"])
                    messages.success(request, "已登记考核成绩")
                    return redirect("rescue_training")
                forms["assess"] = form
            else:
                raise Http404
        except (ValidationError, PermissionDenied) as exc:
            form = forms.get(which) or locals().get("form")
            apply_errors(form, exc)
            forms[which] = form
    return render(request, "rescue/training.html", {
        "plans": plans, "year": year,
        "records": TrainingRecord.objects.filter(team__in=teams).select_related("team", "plan").order_by("-day")[:50],
        "assessments": Assessment.objects.filter(team__in=teams, year__gte=year - 1).select_related("team")
        .order_by("-year", "-score"),
        "plan_form": forms.get("plan") or (PlanForm(teams=keep, initial={"starts_on": dt.date(year, 1, 1)}) if can_train else None),
        "record_form": forms.get("record") or (TrainingForm(teams=keep, plans=TrainingPlan.objects.visible_to(user),
                                                            initial={"day": timezone.localdate()}) if can_train else None),
        "assess_form": forms.get("assess") or (AssessmentForm(teams=keep, initial={"year": year - 1}) if can_assess else None),
    })


# --- overview ----------------------------------------------------------------------------------

@perm_required("rescue.view")
def overview(request):
    from .models import LinkageMeeting
    from .views_forces import meeting_status

    user = request.user
    o = rules.overview(user)
    today = timezone.localdate()
    district = services.district_of(user)
    meeting = LinkageMeeting.objects.visible_to(user).filter(region=district, year=today.year).first() \
        if district is not None else None
    # the meeting is the district's: its units see the deadline, a town does not
    sees_meeting = meeting is not None or (district is not None and getattr(user, "unit", None) is not None
                                           and user.unit.region_id == district.pk)
    return render(request, "rescue/overview.html", {
        "o": o, "targets": o.targets, "village_target": o.village_target, "today": today,
        "categories": [(value, label, o.counts[value]) for value, label in Team.Category.choices],
        "missing_standby": rules.missing_standby(user, today).count(),
        "week": rules.person_times(user, today - dt.timedelta(days=6), today),
        "catalogue_loaded": EquipmentStandard.objects.exists(),
        "catalogue_demo": EquipmentStandard.objects.filter(is_demo=True).exists(),
        "roles": GrassrootsPerson.Role.choices,
        "meeting": meeting_status(meeting, today.year, today) if sees_meeting else None})


@perm_required("rescue.view")
def catalogue(request):
    can = request.user.has_perm_code("rescue.assess")
    if request.method == "POST":
        if not can:
            raise Http404
        try:
            item = EquipmentStandard(
                tier=request.POST.get("tier", ""), category=request.POST.get("category", "").strip()[:40],
                name=request.POST.get("name", "").strip()[:100], unit=(request.POST.get("unit") or "件").strip()[:10],
                quantity=int(request.POST.get("quantity") or 0), source=request.POST.get("source", "").strip()[:300])
            item.full_clean()
        except (ValueError, ValidationError) as exc:
            messages.error(request, error_text(exc) if isinstance(exc, ValidationError) else "数量须为整数")
        else:
            item.save()
            audit.record(request.user, "create", item, summary=f"装备配备目录：{item}（依据：{item.source}）")
            messages.success(request, "已加入目录")
            return redirect("rescue_catalogue")
    return render(request, "rescue/catalogue.html", {
        "items": EquipmentStandard.objects.all(), "tiers": EquipmentStandard.Tier.choices, "can": can})


# --- import ------------------------------------------------------------------------------------

@perm_required("rescue.import")
def import_page(request):
    return imports.page(request, excel.KINDS, title="导入救援队伍、队员和专家",
                        back=(reverse("rescue_team_list"), "救援队伍"))


# --- experts -----------------------------------------------------------------------------------

def _expert(user, pk) -> Expert:
    return get_object_or_404(Expert.objects.visible_to(user).select_related("owner", "office"), pk=pk)


@perm_required("rescue.experts_view")
def expert_list(request):
    flt = ExpertFilter.from_params(request.GET, request=request)
    qs = flt.apply(Expert.objects.visible_to(request.user).filter(is_active=True)).select_related("owner")
    qs, sort = flt.sort(qs)
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        count = excel.write_experts(qs, book, flt.describe())
        return exports.response(request, book, exports.stamp("专家库"), summary=f"导出专家 {count} 名",
                                filters=flt.audit_values())
    return render(request, "rescue/expert_list.html", {
        "page": paginate(request, qs), "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "flt": flt, "sort": sort,
        "fields": ExpertFilter.base_filters["field"].extra["choices"], "availabilities": Expert.Availability.choices,
        "can_edit": request.user.has_perm_code("rescue.experts")})


def _expert_form_page(request, expert: Expert | None):
    form = ExpertForm(request.POST or None, instance=expert, user=request.user)
    done = submit(request, form,
                  lambda data: services.save_expert(request.user, form.save(commit=False),
                                                    field_codes=data["field_codes"], office=form.office_data()),
                  lambda item: f"已保存：{item.name}", lambda item: reverse("rescue_expert_detail", args=[item.pk]))
    return done or render(request, "rescue/expert_form.html", {"form": form, "expert": expert})


@perm_required("rescue.experts")
def expert_new(request):
    return _expert_form_page(request, None)


@perm_required("rescue.experts")
def expert_edit(request, pk):
    _expert(request.user, pk)
    expert = services.editable_experts(request.user).filter(pk=pk).first()
    if expert is None:
        raise Http404
    return _expert_form_page(request, expert)


@perm_required("rescue.experts_view")
def expert_detail(request, pk):
    expert = _expert(request.user, pk)
    user = request.user
    can_edit = user.has_perm_code("rescue.experts") and services.editable_experts(user).filter(pk=pk).exists()
    from anying.registry.models import Enterprise

    visible = Enterprise.objects.visible_to(user)
    return render(request, "rescue/expert_detail.html", {
        "expert": expert, "can_edit": can_edit,
        "avoidances": expert.avoidances.filter(enterprise__in=visible).select_related("enterprise"),
        "hidden_avoidances": expert.avoidances.exclude(enterprise__in=visible).count(),
        "inspections": InspectionExpert.objects.filter(expert=expert).filter(
            inspection__in=_inspections(user)).select_related("inspection__enterprise").order_by("-added_at")[:20],
        "visits": GuidanceVisit.objects.visible_to(user).filter(experts=expert).select_related("enterprise")[:20],
        "avoid_form": AvoidanceForm() if can_edit else None,
        "enterprise_options": ENTERPRISES.options(user) if can_edit else [],
        "history": audit.history(expert)[:20] if can_edit else []})


def _inspections(user):
    from anying.inspections.models import Inspection

    return Inspection.objects.visible_to(user)


def _enterprises(user):
    from anying.registry.models import Enterprise

    return Enterprise.objects.visible_to(user).order_by("name", "id")


ENTERPRISES = Picker(scoped=_enterprises, search=lambda text: Q(name__contains=text) | Q(credit_code=text.upper()),
                     label=lambda e: e.name)


@perm_required("rescue.view")
def pick_enterprise(request):
    return respond(request, ENTERPRISES)


@perm_required("rescue.experts")
@require_POST
def expert_avoid(request, pk):
    _expert(request.user, pk)
    if not services.editable_experts(request.user).filter(pk=pk).exists():
        raise Http404
    enterprise = _enterprises(request.user).filter(pk=parse_id(request.POST.get("enterprise"))).first()
    if enterprise is None:
        messages.error(request, "请选择回避的企业")
    else:
        try:
            services.add_avoidance(request.user, pk, enterprise, request.POST.get("reason", ""))
            messages.success(request, f"已登记回避：{enterprise.name}")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
    return redirect("rescue_expert_detail", pk=pk)


@perm_required("rescue.experts")
@require_POST
def expert_unavoid(request, pk, enterprise_id):
    _expert(request.user, pk)
    if not services.editable_experts(request.user).filter(pk=pk).exists():
        raise Http404
    if not _enterprises(request.user).filter(pk=enterprise_id).exists():
        raise Http404
    services.remove_avoidance(request.user, pk, enterprise_id)
    messages.success(request, "已取消回避")
    return redirect("rescue_expert_detail", pk=pk)


# --- 执法+专家 ---------------------------------------------------------------------------------

@perm_required("rescue.guidance")
def inspection_experts(request, inspection_id):
    from anying.inspections.models import Inspection

    inspection = get_object_or_404(Inspection.objects.visible_to(request.user).select_related("enterprise"),
                                   pk=inspection_id)
    experts = available_experts(request.user)
    form = InspectionExpertForm(request.POST or None, experts=experts)
    hazard_for = None
    if request.method == "POST" and request.POST.get("form") == "hazard":
        link = get_object_or_404(InspectionExpert, pk=parse_id(request.POST.get("link")), inspection=inspection)
        hazard_for = _finding(request, link)
        if hazard_for is None:
            return redirect("rescue_inspection_experts", inspection_id=inspection.pk)
    elif request.method == "POST" and form.is_valid():
        try:
            services.add_inspection_expert(request.user, inspection.pk, form.cleaned_data["expert"].pk,
                                           form.cleaned_data["findings"])
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已记录参加检查的专家（专家不作为执法人员签名）")
            return redirect("rescue_inspection_experts", inspection_id=inspection.pk)
    links = InspectionExpert.objects.filter(inspection=inspection).select_related("expert").prefetch_related("hazards")
    return render(request, "rescue/inspection_experts.html", {
        "inspection": inspection, "form": form, "links": links, "hazard_error": hazard_for,
        "today": timezone.localdate()})


def _finding(request, source):
    """Registers an expert finding as a hazard; returns an error text, or None when done."""
    place = (request.POST.get("place") or "").strip()[:200]
    description = (request.POST.get("description") or "").strip()
    deadline = _day(request.POST.get("deadline"))
    if not place or not description:
        messages.error(request, "请填写隐患部位和隐患描述")
        return None
    try:
        hazard = services.register_finding(request.user, source, {
            "place": place, "description": description, "found_on": timezone.localdate(), "deadline": deadline})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return None
    messages.success(request, f"已登记隐患（来源：专家指导服务）：{hazard.place}")
    return None


# --- guidance visits ---------------------------------------------------------------------------

def _visit(user, pk) -> GuidanceVisit:
    return get_object_or_404(GuidanceVisit.objects.visible_to(user).select_related("enterprise", "unit"), pk=pk)


@perm_required("rescue.guidance")
def visit_list(request):
    flt = VisitFilter.from_params(request.GET, request=request)
    qs = flt.apply(GuidanceVisit.objects.visible_to(request.user)).select_related("enterprise", "unit") \
        .prefetch_related("experts").order_by("-visited_on", "-id")
    return render(request, "rescue/visit_list.html", {
        "page": paginate(request, qs), "qs_page": query_without(request, "page"), "flt": flt})


@perm_required("rescue.guidance")
def visit_new(request):
    user = request.user
    form = VisitForm(request.POST or None, request.FILES or None, experts=available_experts(user),
                     initial={"visited_on": timezone.localdate()})
    enterprise_id = parse_id(request.POST.get("enterprise")) if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        enterprise = _enterprises(user).filter(pk=enterprise_id).first()
        if enterprise is None:
            form.add_error(None, "请选择服务企业")
        else:
            visit = form.save(commit=False)
            visit.enterprise = enterprise
            try:
                with transaction.atomic():  # a refused report file leaves no visit behind
                    visit = services.save_visit(user, visit, [e.pk for e in form.cleaned_data["expert_ids"]])
                    if request.FILES.get("report"):
                        attach(user, visit, request.FILES["report"])
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已登记专家指导服务")
                return redirect("rescue_visit_detail", pk=visit.pk)
    return render(request, "rescue/visit_form.html", {"form": form, "enterprise_options": ENTERPRISES.options(user)})


@perm_required("rescue.guidance")
def visit_detail(request, pk):
    visit = _visit(request.user, pk)
    if request.method == "POST":
        if not services.keeps_visit(request.user, visit):
            from django.core.exceptions import PermissionDenied as Forbidden

            raise Forbidden("只有登记该服务的单位可以补充报告和隐患")
        if request.POST.get("form") == "hazard":
            _finding(request, visit)
        elif request.FILES.get("report"):
            try:
                attach(request.user, visit, request.FILES["report"])
                messages.success(request, "已上传服务报告")
            except ValidationError as exc:
                messages.error(request, error_text(exc))
        return redirect("rescue_visit_detail", pk=pk)
    from anying.hazards.models import Hazard

    return render(request, "rescue/visit_detail.html", {
        "visit": visit, "experts": visit.experts.all(), "files": attachments_of(visit),
        "hazards": Hazard.objects.visible_to(request.user).filter(pk__in=visit.hazards.values("pk")),
        "today": timezone.localdate()})


@perm_required("rescue.guidance")
def visit_file(request, pk, attachment_id):
    return serve(GuidanceVisit.objects.visible_to(request.user).filter(pk=pk), attachment_id)
