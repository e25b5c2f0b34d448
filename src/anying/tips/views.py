"""The staff pages of 12350 tips: the list, a tip with its handling, the desk's phone form,
statistics with export, the QR poster and the jurisdiction's rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import amounts, audit, clock, exports, workflow
from anying.core.attachments import attachments_of, serve
from anying.core.errors import PermissionDenied
from anying.core.http import act, apply_errors, error_text
from anying.core.links import absolute_url, local_address
from anying.core.listing import paginate, query_without
from anying.core.models import AuditEvent, Region
from anying.core.views import perm_required
from anying.hazards.forms import HazardForm
from anying.inspections import pickers as inspection_pickers

from . import rewards, routing, services, stats
from .filters import TipFilter
from .forms import (
    AssignForm,
    ConcludeForm,
    DecideRewardForm,
    EnterpriseForm,
    LinkForm,
    PayRewardForm,
    ReplyForm,
    RewardForm,
    RulesForm,
    StatsForm,
    StepForm,
    TipForm,
)
from .models import Reward, Tip, TipRules
from .rules import rules_for
from .workflow import available


def _visible(user, pk) -> Tip:
    return get_object_or_404(Tip.objects.visible_to(user).select_related("region", "unit", "enterprise",
                                                                         "suggested_unit"), pk=pk)


@perm_required("tips.view")
def tip_list(request):
    flt = TipFilter.from_params(request.GET, request=request)
    qs = flt.apply(Tip.objects.visible_to(request.user).select_related("region", "unit", "enterprise"))
    return render(request, "tips/tip_list.html", {
        "page": paginate(request, qs.order_by("-received_at", "-id")), "qs_page": query_without(request, "page"),
        "statuses": Tip.Status.choices, "categories": Tip.Category.choices, "status": flt["status"],
        "category": flt["category"], "q": flt["q"], "towns": Region.objects.filter(level=Region.Level.TOWN).order_by("path"),
        "region": flt["region"], "can_take": request.user.has_perm_code("tips.assign")})


@perm_required("tips.assign")
def tip_phone(request):
    """The 12350 desk records a tip taken on the phone; the caller is told code and PIN."""
    form = TipForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        source = request.POST.get("source") if request.POST.get("source") in Tip.Source.values else Tip.Source.PHONE
        try:
            tip, pin = services.submit(request.user, form.service_data(), form.cleaned_data.get("photos") or [],
                                       source=source)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已受理。请告知举报人：举报编号 {tip.display_code}，查询密码 {pin}（只显示这一次）")
            return redirect("tip_detail", pk=tip.pk)
    return render(request, "tips/tip_phone.html", {"form": form, "sources": Tip.Source.choices})


def _detail_context(request, tip: Tip) -> dict:
    user = request.user
    steps = {s.name for s in available(user, tip)}
    reward = Reward.objects.filter(tip=tip).select_related("proposed_by", "decided_by").first()
    handling = bool(steps) or (tip.is_open and (user.has_perm_code("tips.assign") or
                                               (tip.unit_id == user.unit_id and user.has_perm_code("tips.handle"))))
    context = {
        "tip": tip, "steps": steps, "events": workflow.timeline(tip), "photos": attachments_of(tip),
        "can_see_contact": user.has_perm_code("tips.view_contact"), "handling": handling,
        "hazards": tip.hazards.visible_to(user).select_related("enterprise"),
        "inspections": tip.inspections.visible_to(user).select_related("enterprise"),
        "penalties": tip.penalties.visible_to(user),
        "escalations": clock.steps_of(tip), "reward": reward, "rules": rules_for(tip.region),
    }
    if "assign" in steps:
        units = routing.assignable(tip.region, tip.industry_id, user)
        suggested = routing.suggest(tip.region, tip.industry_id)
        context["assign_form"] = AssignForm(units=units, initial={"unit": tip.unit_id or (suggested.pk if suggested else None)})
        context["suggested"] = suggested
    context["step_form"], context["conclude_form"], context["reply_form"] = StepForm(), ConcludeForm(), ReplyForm()
    if handling:
        context["enterprise_form"] = EnterpriseForm(initial={"enterprise": tip.enterprise_id})
        context["link_form"] = LinkForm()
        # pickers, not typed ids (issue #13): the most recent in scope, of the tip's enterprise once known
        narrow = {"enterprise": tip.enterprise_id} if tip.enterprise_id else {}
        query = f"?enterprise={tip.enterprise_id}" if tip.enterprise_id else ""
        context["link_pickers"] = [
            ("inspection", "执法检查", reverse("pick_inspection") + query, inspection_pickers.INSPECTIONS.options(user, **narrow)),
            ("penalty", "行政处罚", reverse("pick_penalty") + query, inspection_pickers.PENALTIES.options(user, **narrow))]
        if tip.enterprise_id and tip.status in (Tip.Status.VERIFYING, Tip.Status.SUBSTANTIATED):
            context["hazard_form"] = _hazard_form(tip, user, initial={
                "place": tip.place[:200], "description": tip.description,
                "found_by": user.display_name or user.username, "found_on": timezone.localdate()})
    if tip.substantiated and user.has_perm_code("tips.reward") and (reward is None or reward.status == Reward.Status.REFUSED):
        basis = Reward.Basis.DEATHS if tip.category == Tip.Category.CONCEALED else Reward.Basis.FINE
        context["reward_form"] = RewardForm(initial={"basis": basis})
        try:
            context["reward_preview"] = rewards.compute(tip, basis) if basis == Reward.Basis.FINE else None
        except ValidationError as exc:
            context["reward_problem"] = error_text(exc)
    if reward and reward.status == Reward.Status.PROPOSED and user.has_perm_code("tips.approve_reward"):
        context["decide_form"] = DecideRewardForm()
    if reward and reward.status == Reward.Status.APPROVED and user.has_perm_code("tips.reward"):
        context["pay_form"] = PayRewardForm(initial={"paid_on": timezone.localdate()})
    return context


def _hazard_form(tip: Tip, user, **kwargs) -> HazardForm:
    """The hazard form without its channel: a hazard registered from a tip is always 群众举报."""
    form = HazardForm(enterprise=tip.enterprise, user=user, **kwargs)
    del form.fields["channel"]
    return form


@perm_required("tips.view")
def tip_detail(request, pk):
    tip = _visible(request.user, pk)
    return render(request, "tips/tip_detail.html", _detail_context(request, tip))


@perm_required("tips.view")
@require_POST
def tip_step(request, pk, name):
    tip = _visible(request.user, pk)
    seen = workflow.posted_version(request)
    if name == "assign":
        form = AssignForm(request.POST, units=routing.assignable(tip.region, tip.industry_id, request.user))
        act(request, form, lambda d: services.step(request.user, tip.pk, "assign", unit=d["unit"], text=d["text"], version=seen),
            lambda t: f"已交办 {t.unit.name}")
    elif name == "conclude":
        form = ConcludeForm(request.POST)
        act(request, form, lambda d: services.step(request.user, tip.pk, "conclude", substantiated=d["substantiated"],
                                                   text=d["text"], version=seen), lambda t: f"核查结论：{t.get_status_display()}")
    elif name == "reply":
        act(request, ReplyForm(request.POST), lambda d: services.step(request.user, tip.pk, "reply", text=d["text"], version=seen),
            "已答复举报人")
    elif name in ("start", "close"):
        act(request, StepForm(request.POST), lambda d: services.step(request.user, tip.pk, name, text=d["text"], version=seen),
            lambda t: f"已{ {'start': '开始核查', 'close': '办结'}[name] }")
    else:
        raise Http404
    return redirect("tip_detail", pk=tip.pk)


@perm_required("tips.handle")
@require_POST
def tip_enterprise(request, pk):
    tip = _visible(request.user, pk)
    act(request, EnterpriseForm(request.POST),
        lambda d: services.set_enterprise(request.user, tip.pk, d["enterprise"]), "已确认被举报单位")
    return redirect("tip_detail", pk=tip.pk)


@perm_required("tips.handle")
@require_POST
def tip_hazard(request, pk):
    tip = _visible(request.user, pk)
    if tip.enterprise_id is None:
        messages.error(request, "请先确认被举报单位")
        return redirect("tip_detail", pk=tip.pk)
    form = _hazard_form(tip, request.user, data=request.POST, files=request.FILES)

    def save(data):
        from anying.core.attachments import attach

        photos = data.pop("photos", []) or []
        hazard = services.create_hazard(request.user, tip.pk, data)
        for photo in photos:
            attach(request.user, hazard, photo)
        return hazard

    act(request, form, save, lambda h: f"已登记隐患 #{h.pk}（来源：群众举报）")
    return redirect("tip_detail", pk=tip.pk)


@perm_required("tips.handle")
@require_POST
def tip_link(request, pk):
    tip = _visible(request.user, pk)
    act(request, LinkForm(request.POST),
        lambda d: services.link(request.user, tip.pk, d["kind"], d["object_id"], remove=d["remove"]),
        "已更新关联")
    return redirect("tip_detail", pk=tip.pk)


@perm_required("tips.view")
@require_POST
def tip_reward(request, pk, action):
    tip = _visible(request.user, pk)
    if action == "propose":
        act(request, RewardForm(request.POST), lambda d: rewards.propose(
            request.user, tip.pk, d["basis"], grade=d["grade"], deaths=d["deaths"]),
            lambda r: f"已提出奖励 {amounts.yuan(r.amount)}，待审批")
    elif action == "decide":
        act(request, DecideRewardForm(request.POST),
            lambda d: rewards.decide(request.user, tip.pk, d["approve"], d["note"],
                                     version=workflow.posted_version(request)),
            lambda r: f"奖励{r.get_status_display()}")
    elif action == "pay":
        act(request, PayRewardForm(request.POST),
            lambda d: rewards.pay(request.user, tip.pk, paid_on=d["paid_on"], reference=d["reference"],
                                  version=workflow.posted_version(request)),
            "已登记发放")
    else:
        raise Http404
    return redirect("tip_detail", pk=tip.pk)


@perm_required("tips.view")
def tip_file(request, pk, attachment_id):
    return serve(Tip.objects.visible_to(request.user).filter(pk=pk), attachment_id, inline=True)


@perm_required("tips.view")
def tip_stats(request):
    form = StatsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    group = data.get("group") or "category"
    table = stats.rows(Tip.objects.visible_to(request.user), group, start=data.get("start"), end=data.get("end"))
    total = stats.total(table)
    if request.GET.get("export") == "xlsx":
        return _export_stats(request, group, table, total, data)
    return render(request, "tips/tip_stats.html", {
        "form": form, "group": group, "group_label": stats.GROUPS[group], "rows": table, "total": total,
        "headers": stats.HEADERS, "export_qs": query_without(request, "export"),
        "chart": {"labels": [r.label for r in table], "total": [r.total for r in table],
                  "substantiated": [r.substantiated for r in table]}})


def _export_stats(request, group: str, table, total, data: dict):
    title = f"举报统计（{stats.GROUPS[group]}）"
    book = exports.Book()
    sheet = book.sheet(title, [stats.GROUPS[group], *stats.HEADERS], title=title, filters=exports.describe(
        data, {"start": ("受理日期自", None), "end": ("受理日期至", None)}))
    sheet.extend(stats.as_table(table))
    sheet.note(stats.as_table([total])[0], gap=False)
    return exports.response(request, book, exports.stamp(f"举报统计_{stats.GROUPS[group]}"), summary=f"导出{title}",
                            filters={k: v for k, v in data.items() if v})


@perm_required("tips.view")
def tip_poster(request):
    """A printable poster: hotline, QR code and web address of the public form."""
    url = absolute_url(request, reverse("tip_new"))
    return render(request, "tips/poster.html", {"url": url, "local_address": local_address(url)})


@perm_required("tips.configure")
def tip_rules(request):
    """The rules of the admin's own region: its own row, created from the applicable one."""
    region = Region.objects.get(pk=request.user.unit.region_id)
    current = rules_for(region)
    own = TipRules.objects.filter(region=region).first()
    form = RulesForm(request.POST or None, instance=own or TipRules(
        region=region, **{f: getattr(current, f) for f in RulesForm.Meta.fields}))
    if request.method == "POST" and form.is_valid():
        before = audit.snapshot(own, RulesForm.Meta.fields) if own else None
        saved = form.save()
        audit.record(request.user, AuditEvent.Action.UPDATE if own else AuditEvent.Action.CREATE, saved,
                     summary=f"{region.name}举报处理与奖励规则", before=before,
                     after=audit.snapshot(saved, RulesForm.Meta.fields))
        messages.success(request, "已保存。新受理的举报和新提出的奖励按此规则计算。")
        return redirect("tip_rules")
    return render(request, "tips/rules.html", {"form": form, "region": region, "own": own, "current": current})
