"""Pages of campaigns: the list, the form (with its phases), a campaign's page (phases, the table
of items, starting and closing, the statistics per phase and town) and the exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anying.core import exports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import act, error_text, submit
from anying.core.listing import paginate, query_without
from anying.core.scope import viewer
from anying.core.views import perm_required

from . import services, stats
from .filters import CampaignFilter
from .forms import CampaignForm, CloseForm, ItemForm
from .models import Campaign


def _campaigns(user):
    return Campaign.objects.visible_to(user).select_related("owner", "region")


def _campaign(request, pk) -> Campaign:
    return get_object_or_404(_campaigns(request.user).prefetch_related("phases", "industries"), pk=pk)


def _owns(user, campaign: Campaign) -> bool:
    return user.has_perm_code("campaigns.manage") and campaign.owner_id == user.unit_id


@perm_required("campaigns.view")
def campaign_list(request):
    flt = CampaignFilter.from_params(request.GET, request=request)
    page = paginate(request, flt.apply(_campaigns(request.user)).order_by("-starts_on", "-id"))
    can_new = request.user.has_perm_code("campaigns.manage") and viewer(request.user) == "government"
    return render(request, "campaigns/list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"), "statuses": Campaign.Status.choices,
        "can_new": can_new})


def _form_initial(campaign: Campaign | None) -> dict:
    if campaign is None:
        return {}
    initial = {"name": campaign.name, "starts_on": campaign.starts_on, "ends_on": campaign.ends_on,
               "goal": campaign.goal, "industries": list(campaign.industries.all())}
    for phase in campaign.phases.all():
        initial[f"{phase.kind}_starts_on"] = phase.starts_on
        initial[f"{phase.kind}_ends_on"] = phase.ends_on
    return initial


def _edit(request, campaign: Campaign | None):
    form = CampaignForm(request.POST or None, user=request.user, initial=_form_initial(campaign))

    def save(data):
        fields = {k: data[k] for k in ("name", "starts_on", "ends_on", "goal")}
        if campaign is None:
            return services.create(request.user, fields, industries=list(data["industries"]), phases=form.phases())
        return services.update(request.user, campaign.pk, fields, industries=list(data["industries"]),
                               phases=form.phases())

    done = submit(request, form, save, lambda c: f"已保存专项行动：{c.name}",
                  lambda c: reverse("campaigns:detail", args=[c.pk]))
    if done is not None:
        return done
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


@perm_required("campaigns.manage")
def campaign_new(request):
    if viewer(request.user) != "government":
        raise Forbidden()
    return _edit(request, None)


@perm_required("campaigns.manage")
def campaign_edit(request, pk):
    campaign = _campaign(request, pk)
    if not _owns(request.user, campaign) or campaign.status == Campaign.Status.CLOSED:
        raise Forbidden()
    return _edit(request, campaign)


@perm_required("campaigns.view")
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    periods = stats.periods(campaign)
    key = request.GET.get("period", "all")
    period = next((p for p in periods if p.key == key), periods[-1])
    owns = _owns(request.user, campaign)
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "phases": list(campaign.phases.all()),
        "items": list(campaign.items.select_related("industry")), "periods": periods, "period": period,
        "table": stats.table(request.user, campaign, period), "owns": owns,
        "item_form": ItemForm(campaign=campaign) if owns else None, "close_form": CloseForm(),
        "steps": services.LIFECYCLE.available(request.user, campaign), "timeline": workflow.timeline(campaign)})


@require_POST
@perm_required("campaigns.manage")
def campaign_act(request, pk):
    campaign = _campaign(request, pk)
    name = request.POST.get("step", "")
    if name not in ("start", "close"):
        raise Forbidden()
    act(request, CloseForm(request.POST), lambda data: services.step(request.user, campaign.pk, name, data["comment"]),
        "专项行动已启动" if name == "start" else "专项行动已结束")
    return redirect("campaigns:detail", pk=campaign.pk)


@require_POST
@perm_required("campaigns.manage")
def item_add(request, pk):
    campaign = _campaign(request, pk)
    act(request, ItemForm(request.POST, campaign=campaign), lambda data: services.add_item(request.user, campaign.pk, data),
        "已添加排查内容")
    return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#items")


@require_POST
@perm_required("campaigns.manage")
def item_remove(request, pk, item_pk):
    campaign = _campaign(request, pk)
    try:
        services.remove_item(request.user, campaign.pk, item_pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "已删除该条目")
    return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#items")


@perm_required("campaigns.view")
def items_export(request, pk):
    campaign = _campaign(request, pk)
    book = exports.Book()
    sheet = book.sheet("排查整治表", ["序号", "类别", "排查内容", "依据", "适用行业"],
                       title=f"{campaign.name} 隐患摸排查整治表", filters=None, grid=True)
    sheet.extend([i.number, i.category, i.content, i.basis, i.industry.name if i.industry else "全部"]
                 for i in campaign.items.select_related("industry"))
    return exports.response(request, book, exports.stamp(f"排查整治表_{campaign.name}"), obj=campaign,
                            summary=f"导出排查整治表：{campaign.name}")


@perm_required("campaigns.view")
def stats_export(request, pk):
    campaign = _campaign(request, pk)
    book = exports.Book()
    for period in stats.periods(campaign):
        table = stats.table(request.user, campaign, period)
        header = ["区域"] + [f"{group}·{label}" if group else label for _, label, group, _ in table["columns"]]
        sheet = book.sheet(period.label[:28], header, title=f"{campaign.name} 统计（{period.label}）", filters=None,
                           grid=True)
        sheet.extend([label, *values] for label, values in table["rows"])
        sheet.extend([["合计", *table["total"]]])
    return exports.response(request, book, exports.stamp(f"专项行动统计_{campaign.name}"), obj=campaign,
                            summary=f"导出专项行动统计：{campaign.name}")

