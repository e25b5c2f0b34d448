"""Pages of drills (drills.py holds the rules): the list (annual plans and records), a drill with
its record, photos and evaluation, and the quotas with who is behind."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import attachments, exports
from anying.core.errors import PermissionDenied
from anying.core.http import act, apply_errors, submit
from anying.core.listing import paginate, query_without
from anying.core.models import Attachment, Organisation
from anying.core.permissions import is_enterprise_user
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required

from . import drills
from .filters import DrillFilter
from .forms import CancelForm, DrillEvaluationForm, DrillForm, RecordForm, WeaknessFormSet
from .models import Drill, DrillEvaluation, DrillQuota

D = Drill.Status


def _drills(user):
    return Drill.objects.visible_to(user)


def _drill(user, pk) -> Drill:
    return get_object_or_404(_drills(user).select_related("owner__region", "hazard_type", "plan", "region"), pk=pk)


@perm_required("drills.view")
def drill_list(request):
    user = request.user
    flt = DrillFilter.from_params(request.GET, request=request)
    qs, sort = flt.sort(flt.apply(_drills(user)).select_related("owner", "hazard_type", "plan"))
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("应急演练", ["演练名称", "组织单位", "形式", "灾种", "疏散逃生", "检验的预案", "计划月份", "状态",
                                     "演练日期", "地点", "参演单位", "参演人数", "协同单位"], title="应急演练", filters=flt.describe())
        count = sheet.extend([d.name, d.owner.name, d.get_kind_display(), d.hazard_type.name, "是" if d.evacuation else "",
                              d.plan.name if d.plan else "", d.planned_label, d.get_status_display(), d.held_on,
                              d.place, d.units, d.people, d.partners] for d in qs)
        return exports.response(request, book, exports.stamp("应急演练"), summary=f"导出应急演练 {count} 次",
                                filters=flt.audit_values())
    return render(request, "plans/drills.html", {
        "flt": flt, "sort": sort, "page": paginate(request, qs), "qs_page": query_without(request, "page"),
        "export_query": query_without(request, "page"), "kinds": Drill.Kind.choices, "statuses": Drill.Status.choices,
        "today": timezone.localdate(), "can_add": user.has_perm_code("drills.edit") and user.unit_id})


def _form(request, drill: Drill):
    form = DrillForm(request.POST or None, instance=drill, user=request.user)
    if drill.pk and request.method == "POST":
        form.instance.version = int(request.POST.get("version") or 0) if str(request.POST.get("version", "")).isdigit() \
            else drill.version
    done = submit(request, form, lambda _: drills.save_drill(request.user, form.instance),
                  lambda d: f"已保存演练计划：{d}", lambda d: reverse("plans:drill", args=[d.pk]))
    return done or render(request, "plans/drill_form.html", {"form": form, "drill": drill})


@perm_required("drills.edit")
def drill_new(request):
    if request.user.unit_id is None:
        raise Forbidden("您的账号不属于任何单位，不能编制演练计划")
    return _form(request, Drill(owner_id=request.user.unit_id))


@perm_required("drills.edit")
def drill_edit(request, pk):
    drill = _drill(request.user, pk)
    if not drills.keeps(request.user, drill):
        raise Forbidden("只有组织单位可以修改演练")
    return _form(request, drill)


def _units_for(user, drill: Drill):
    """Whom a weakness may be given to: the organising unit, and for an evaluator above it the
    government units of their territory."""
    units = Organisation.objects.filter(pk=drill.owner_id)
    if not is_enterprise_user(user) and user.unit_id:
        units = units | Organisation.objects.filter(region_subtree_q(user, "region"), is_active=True).exclude(
            kind__in=[Organisation.Kind.ENTERPRISE, Organisation.Kind.RESCUE_TEAM])
    return units.order_by("kind", "name")


@perm_required("drills.view")
def drill_detail(request, pk):
    user = request.user
    drill = _drill(user, pk)
    evaluation = DrillEvaluation.objects.filter(drill=drill).first()
    keeps = drills.keeps(user, drill)
    from .services import follow_ups_of

    return render(request, "plans/drill.html", {
        "drill": drill, "evaluation": evaluation, "follow_ups": follow_ups_of(evaluation) if evaluation else [],
        "keeps": keeps and evaluation is None, "can_record": keeps and evaluation is None and drill.status != D.CANCELLED,
        "can_evaluate": evaluation is None and drill.status == D.DONE and drills.evaluates(user, drill),
        "record_form": RecordForm(initial={"held_on": drill.held_on or timezone.localdate(), "place": drill.place,
                                           "units": drill.units, "people": drill.people, "text": drill.record}),
        "cancel_form": CancelForm(),
        "photos": Attachment.objects.filter(content_type__app_label="plans", content_type__model="drill",
                                            object_id=str(drill.pk)).order_by("uploaded_at"),
        "today": timezone.localdate()})


@perm_required("drills.edit")
@require_POST
def drill_record(request, pk):
    drill = _drill(request.user, pk)
    if not drills.keeps(request.user, drill):
        raise Forbidden("只有组织单位可以登记演练情况")
    form = RecordForm(request.POST, request.FILES)
    act(request, form, lambda d: drills.record(request.user, drill.pk, held_on=d["held_on"], place=d["place"],
                                               units=d["units"], people=d["people"], text=d["text"],
                                               photos=d["photos"] or ()),
        "已登记演练情况")
    return redirect("plans:drill", pk=drill.pk)


@perm_required("drills.edit")
@require_POST
def drill_cancel(request, pk):
    drill = _drill(request.user, pk)
    if not drills.keeps(request.user, drill):
        raise Forbidden("只有组织单位可以取消演练")
    act(request, CancelForm(request.POST), lambda d: drills.cancel(request.user, drill.pk, d["reason"]), "已取消演练")
    return redirect("plans:drill", pk=drill.pk)


@perm_required("drills.view")
def drill_photo(request, pk, attachment_id):
    return attachments.serve(_drills(request.user).filter(pk=pk), attachment_id, inline=True)


@perm_required("drills.evaluate")
def drill_evaluate(request, pk):
    user = request.user
    drill = _drill(user, pk)
    if not drills.evaluates(user, drill):
        raise Forbidden("只有组织单位或其上级可以评估演练")
    units = _units_for(user, drill)
    form = DrillEvaluationForm(request.POST or None)
    weaknesses = WeaknessFormSet(request.POST or None, prefix="w", form_kwargs={"units": units})
    if request.method == "POST" and form.is_valid() and weaknesses.is_valid():
        found = [drills.Weakness(w["text"], w["unit"], w["due"], w.get("revise", False))
                 for w in weaknesses.cleaned_data if w and w.get("text")]
        try:
            evaluation = drills.evaluate(user, drill.pk, form.save(commit=False), found)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已评估：{evaluation.score} 分，布置整改任务 {len(found)} 项")
            return redirect("plans:drill", pk=drill.pk)
    return render(request, "plans/drill_evaluate.html", {"drill": drill, "form": form, "weaknesses": weaknesses})


@perm_required("drills.view")
def quotas(request):
    """Drill quotas (A5.4, A5.5): each town against its quotas this period, and the enterprises in
    the reader's scope that are behind on their evacuation drills."""
    user = request.user
    today = timezone.localdate()
    town_rows = drills.town_quotas(user, today)
    behind = drills.enterprises_behind(user, today)
    if request.GET.get("format") == "xlsx":
        book = exports.Book()
        book.sheet("镇街演练指标", ["镇街", "指标", "周期", "要求次数", "已开展", "截止日期", "状态"],
                   title=f"{today:%Y年}演练指标完成情况").extend(
            [[r.town.name, r.quota.label, r.quota.period_label, r.quota.count, r.done, r.due,
              "未完成" if r.behind else "已完成"] for r in town_rows])
        count = book.sheet("企业疏散演练落后", ["企业", "镇街", "指标", "要求次数", "已开展", "截止日期"],
                           title="疏散逃生演练未达要求的企业").extend(
            [[e.name, e.region.name, e.quota_code, e.drills_needed, e.drills_done, e.work_due] for e in behind])
        return exports.response(request, book, exports.stamp("演练指标"), summary=f"导出演练指标（企业 {count} 家）")
    quotas_list = list(DrillQuota.objects.filter(active=True).select_related("hazard_type"))
    by_town: dict = {}
    for r in town_rows:
        by_town.setdefault(r.town, []).append(r)
    return render(request, "plans/quotas.html", {
        "quotas": quotas_list, "town_quotas": [q for q in quotas_list if q.applies_to == DrillQuota.AppliesTo.TOWN],
        "towns": list(by_town.items()), "towns_behind": sorted({r.town.name for r in town_rows if r.behind}),
        "behind": paginate(request, behind, capped=True), "qs_page": query_without(request, "page"), "today": today,
        "enterprise": is_enterprise_user(user)})
