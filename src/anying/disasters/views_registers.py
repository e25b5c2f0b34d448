"""Pages of the registers behind the figures and the relief of an event: 因灾死亡失踪人员, 转移安置
by shelter, the "five haves" checks and the aid given from the warehouses (the 8-hour share)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anying.core import exports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import error_text
from anying.core.scope import covers
from anying.core.views import perm_required

from . import registers
from .forms import AidForm, CasualtyForm, CheckForm, StayForm
from .models import Aid, Casualty, ShelterCheck, Stay
from .views import _errors_to_form, _event

CASUALTY_HEADER = ["镇（街道）", "村（社区）", "姓名", "性别", "年龄", "身份证号", "类别", "死亡（失踪）日期", "死亡（失踪）地点",
                   "致灾原因", "户籍所在地", "备注"]


def _shelters(user):
    from anying.places.models import Place

    return list(Place.objects.visible_to(user).filter(kind=Place.Kind.SHELTER).order_by("region__path", "name"))


@perm_required("disasters.view")
def casualties(request, pk):
    event = _event(request, pk)
    user = request.user
    rows = Casualty.objects.visible_to(user).filter(event=event).select_related("town", "village")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        count = book.sheet("因灾死亡失踪人口台账", CASUALTY_HEADER, title=f"因灾死亡失踪人口台账（{event.name}）",
                           grid=True).extend(
            [c.town.name, c.village.name if c.village else "", c.name, c.gender, c.age,
             c.id_number if user.has_perm_code("disasters.report") else registers.mask_id(c.id_number),
             c.get_status_display(), c.occurred_on, c.place, c.cause, c.residence, c.note] for c in rows)
        return exports.response(request, book, exports.stamp("因灾死亡失踪人口台账"), obj=event,
                                summary=f"导出因灾死亡失踪人员 {count} 人")
    can_edit = user.has_perm_code("disasters.report") and event.status != event.Status.CLOSED
    form = CasualtyForm(request.POST or None, event=event, user=user)
    if request.method == "POST":
        if not can_edit:
            raise Forbidden()
        if request.POST.get("change"):
            try:
                raw = request.POST["change"]
                registers.change_casualty(user, int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0,
                                          status=request.POST.get("status", ""), note=request.POST.get("note", ""),
                                          version=workflow.posted_version(request))
                messages.success(request, "已更新")
            except Casualty.DoesNotExist:
                raise Forbidden() from None
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
            return redirect("disasters:casualties", pk=event.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registers.add_casualty(user, event, {**data, "town": data["town"].pk,
                                                     "village": data["village"].pk if data["village"] else None})
                messages.success(request, f"已登记：{data['name']}")
                return redirect("disasters:casualties", pk=event.pk)
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc)
    return render(request, "disasters/casualties.html", {"event": event, "rows": rows, "form": form,
                                                         "can_edit": can_edit,
                                                         "show_id": user.has_perm_code("disasters.report")})


@perm_required("disasters.view")
def relief(request, pk):
    """Relief during the event: who is where, the "five haves", the aid and the 8-hour share."""
    from anying.supplies.models import Item, Warehouse

    event = _event(request, pk)
    user = request.user
    shelters = _shelters(user)
    in_use = registers.shelters_in_use(event, user)
    return render(request, "disasters/relief.html", {
        "event": event, "in_use": in_use, "five_rate": registers.five_haves_rate(in_use),
        "needs": registers.basic_needs(event, towns=[t for t in event.towns.all() if covers(user, t)]),
        "stays": Stay.objects.visible_to(user).filter(event=event).select_related("shelter", "town")[:200],
        "checks": ShelterCheck.objects.visible_to(user).filter(event=event).select_related("shelter", "checked_by")[:50],
        "aids": Aid.objects.visible_to(user).filter(event=event).select_related("shelter", "document", "town")[:100],
        "stay_form": StayForm(event=event, user=user, shelters=shelters),
        "check_form": CheckForm(event=event, user=user, shelters=shelters),
        "aid_form": AidForm(event=event, user=user, shelters=shelters,
                            warehouses=Warehouse.objects.visible_to(user).filter(is_active=True).order_by("name"),
                            items=Item.objects.filter(is_active=True).order_by("category", "name")),
        "can_stay": user.has_perm_code("disasters.report") and event.status != event.Status.CLOSED,
        "can_relief": user.has_perm_code("disasters.relief") and event.status != event.Status.CLOSED})


def _post(request, pk, form_class, action, done, **form_kwargs):
    """A register's small form posted from the relief page (the view's decorator checked the right)."""
    event = _event(request, pk)
    form = form_class(request.POST, event=event, user=request.user, **form_kwargs)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}{'：' if f in form.fields else ''}"
                                         f"{'，'.join(e)}" for f, e in form.errors.items()))
    else:
        data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in form.cleaned_data.items()}
        try:
            action(request.user, event, data)
            messages.success(request, done)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
    return redirect("disasters:relief", pk=event.pk)


@require_POST
@perm_required("disasters.report")
def stay_add(request, pk):
    return _post(request, pk, StayForm, registers.add_stay, "已登记转移安置",
                 shelters=_shelters(request.user))


def _row_step(request, pk, model, row_pk, step, done):
    """A one-button step on a row of the relief page (返家, 送达): the row must be of this event."""
    event = _event(request, pk)
    if not model.objects.visible_to(request.user).filter(pk=row_pk, event=event).exists():
        raise Forbidden()
    try:
        step(request.user, row_pk, version=workflow.posted_version(request))
        messages.success(request, done)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("disasters:relief", pk=event.pk)


@require_POST
@perm_required("disasters.report")
def stay_end(request, pk, stay_pk):
    return _row_step(request, pk, Stay, stay_pk, registers.end_stay, "已登记返家")


@require_POST
@perm_required("disasters.relief")
def check_add(request, pk):
    return _post(request, pk, CheckForm, registers.check_shelter, "已记录“五有”检查",
                 shelters=_shelters(request.user))


@require_POST
@perm_required("disasters.relief")
def aid_add(request, pk):
    from anying.supplies.models import Item, Warehouse

    user = request.user
    return _post(request, pk, AidForm, registers.give_aid, "已生成出库单，待仓库过账",
                 shelters=_shelters(user), warehouses=Warehouse.objects.visible_to(user).filter(is_active=True),
                 items=Item.objects.filter(is_active=True))


@require_POST
@perm_required("disasters.relief")
def aid_deliver(request, pk, aid_pk):
    return _row_step(request, pk, Aid, aid_pk, registers.deliver, "已登记送达")
