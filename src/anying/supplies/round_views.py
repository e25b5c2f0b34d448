"""Pages of the warehouse 日周月 checks (rounds.py): the list of warehouses and who is behind, a
schedule's settings, recording a round, a round. The warehouse page's card is `card()`. Thin:
reads are scoped (the books' rule), writes are rounds.py's services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import exports, periods
from anying.core.errors import PermissionDenied
from anying.core.forms import Styled
from anying.core.http import apply_errors, error_text, submit
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.views import perm_required

from . import rounds
from .filters import CheckFilter
from .models import CheckResult, CheckRound, CheckSchedule, Warehouse
from .services import manages

# ----- forms -----


class ScheduleForm(Styled, forms.ModelForm):
    items_text = forms.CharField(label="检查项", widget=forms.Textarea(attrs={"rows": 10}),
                                 help_text="每行一项；删去的项目不再检查，已有记录中的结果保留")

    class Meta:
        model = CheckSchedule
        fields = ["name", "frequency", "workdays", "assignee", "active"]


class RoundForm(Styled, forms.Form):
    """A round: the day (among the days it may be recorded for), who checked, and per item
    符合/不符合 with what was found (numbered fields result_<item id>, note_<item id>)."""

    day = forms.DateField(label="检查日期", required=False, widget=forms.Select)
    inspectors = forms.CharField(label="检查人员", max_length=100)
    note = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, items=(), days=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["day"].widget.choices = [
            (d.isoformat(), f"{d:%Y-%m-%d}（{periods.weekday(d)}{'，今天' if d == today else ''}）") for d in days]
        self.fields["day"].help_text = f"只列出可以记录的日期：{rounds.ROUTINE.backfill_days} 天内、未记录过的周期"
        small = {"class": "form-control form-control-sm"}
        for item in self.items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.text, choices=CheckResult.Result.choices, initial="ok",
                widget=forms.RadioSelect(attrs={"class": "btn-check"}))
            self.fields[f"note_{item.pk}"] = forms.CharField(label="情况说明", max_length=500, required=False,
                                                             widget=forms.TextInput(attrs=small))

    def rows(self):
        return [(item, self[f"result_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def answers(self) -> dict[int, rounds.Answer]:
        data = self.cleaned_data
        return {i.pk: rounds.Answer(data[f"result_{i.pk}"], data[f"note_{i.pk}"]) for i in self.items}


# ----- reads -----

def _schedule(user, pk) -> CheckSchedule:
    return get_object_or_404(CheckSchedule.objects.visible_to(user).select_related(
        "warehouse__owner__region", "warehouse__place__region"), pk=pk)


def _warehouse(user, pk) -> Warehouse:
    return get_object_or_404(rounds.checked_warehouses(user).select_related("owner__region"), pk=pk)


def card(user, warehouse: Warehouse, today: dt.date) -> dict | None:
    """The 日周月检查 card of the warehouse page; None when the user does not read its checks (a
    town looking at a shared district warehouse)."""
    if not rounds.checked_warehouses(user).filter(pk=warehouse.pk).exists():
        return None
    schedules = CheckSchedule.objects.filter(warehouse=warehouse).order_by("-active", "id")
    states = rounds.states(schedules, today)
    return {"states": states, "rounds": rounds.recent_rounds(warehouse),
            "behind": any(s.behind for s in states), "keeps": manages(user, warehouse),
            "lookback": rounds.ROUTINE.lookback_days}


@perm_required("supplies.view")
def check_list(request):
    """The warehouses whose checks the user reads (a town: its own), the ones behind first."""
    today = timezone.localdate()
    flt = CheckFilter.from_params(request.GET, request=request)
    behind = rounds.behind_q(today)
    warehouses = flt.apply(rounds.overview(request.user, behind))
    if request.GET.get("format") == "xlsx":
        return _export(request, warehouses, today, flt)
    page = paginate(request, warehouses)
    by_warehouse = rounds.states_by_warehouse(page.object_list, today)
    return render(request, "supplies/check_list.html", {
        "flt": flt, "page": page, "rows": [(w, by_warehouse.get(w.pk, [])) for w in page.object_list],
        "summary": rounds.summary(request.user, behind), "levels": Warehouse.Level.choices,
        "towns": Region.objects.filter(level=Region.Level.TOWN).order_by("path"),
        "qs_page": query_without(request, "page"), "export_query": query_without(request, "page", "format"),
        "lookback": rounds.ROUTINE.lookback_days})


def _export(request, warehouses, today, flt):
    book = exports.Book()
    sheet = book.sheet("日周月检查", ["仓库名称", "层级", "管理单位", "所在区划", "保管员", "检查", "频次", "本期",
                                      f"近{rounds.ROUTINE.lookback_days}天应查", "已查", "落后"],
                       title=f"应急物资仓库日周月检查（{today:%Y-%m-%d}）", filters=flt.describe())
    count = 0
    chunk: list[Warehouse] = []

    def flush():
        states = rounds.states_by_warehouse(chunk, today)
        for w in chunk:
            for st in states.get(w.pk, []):
                s = st.schedule
                sheet.append([w.name, w.get_level_display(), w.owner.name, w.place.region.name, w.keeper, s.name,
                              s.get_frequency_display(), f"{st.current_label}：{'已检查' if st.done_now else '未检查'}",
                              st.expected, st.done, "落后" if st.behind else ""])
        chunk.clear()

    for w in warehouses.iterator(chunk_size=500):
        chunk.append(w)
        count += 1
        if len(chunk) == 500:
            flush()
    flush()
    return exports.response(request, book, exports.stamp("仓库日周月检查"), summary=f"导出仓库日周月检查 {count} 个仓库",
                            filters=flt.audit_values())


@perm_required("supplies.view")
def round_detail(request, pk):
    round_ = get_object_or_404(CheckRound.objects.visible_to(request.user).select_related(
        "schedule", "warehouse", "recorded_by"), pk=pk)
    results = list(round_.results.all())
    return render(request, "supplies/check_round.html", {
        "round": round_, "results": results, "period": periods.label(round_.schedule.frequency, round_.period_start),
        "late": timezone.localdate(round_.recorded_at) > round_.done_on})


# ----- writes -----

def _forbidden(warehouse: Warehouse):
    from django.core.exceptions import PermissionDenied as Forbidden

    raise Forbidden(f"您无权管理“{warehouse.name}”的日周月检查")


@perm_required("supplies.keep")
def round_create(request, schedule_id):
    """Record a round, on one of the days it may be recorded for (today, or a missed day of the
    last week); a refused save keeps the answers."""
    schedule = _schedule(request.user, schedule_id)
    if not manages(request.user, schedule.warehouse):  # reads the checks (a superior), does not keep them
        _forbidden(schedule.warehouse)
    today = timezone.localdate()
    days = rounds.ROUTINE.recordable_days(schedule, today)
    items = list(schedule.items.filter(active=True))
    asked = _parse_day(request.GET.get("day"))
    form = RoundForm(request.POST or None, items=items, days=days, today=today, initial={
        "inspectors": schedule.assignee or schedule.warehouse.keeper or request.user.display_name,
        "day": asked if asked in days else (days[0] if days else None)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = rounds.record_round(request.user, schedule.pk, inspectors=data["inspectors"],
                                         results=form.answers(), note=data["note"], day=data["day"] or today)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            found = f"，不符合 {round_.fails} 项" if round_.fails else "，全部符合"
            messages.success(request, f"已记录{schedule.name}（{periods.label(schedule.frequency, round_.period_start)}）{found}")
            return redirect("supplies:check_round", pk=round_.pk)
    chosen = _parse_day(str(form["day"].value() or ""))
    shown = chosen if chosen in days else (days[0] if days else today)
    return render(request, "supplies/check_round_form.html", {
        "form": form, "schedule": schedule, "days": days, "today": today,
        "workdays": periods.workdays_label(schedule.workdays), "backfill_days": rounds.ROUTINE.backfill_days,
        "period": periods.label(schedule.frequency, periods.start(schedule.frequency, shown))})


def _parse_day(value):
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@perm_required("supplies.keep")
def schedule_edit(request, pk):
    schedule = _schedule(request.user, pk)
    if not manages(request.user, schedule.warehouse):
        _forbidden(schedule.warehouse)
    # the form edits a copy: the service reloads and locks the row itself
    form = ScheduleForm(request.POST or None, instance=CheckSchedule.objects.get(pk=schedule.pk),
                        initial={"items_text": rounds.items_text(schedule)})
    done = submit(request, form, lambda d: rounds.update_schedule(request.user, schedule.pk, d),
                  lambda s: f"已保存：{s.name}", lambda s: reverse("supplies:warehouse_detail", args=[s.warehouse_id])
                  + "#checks")
    return done or render(request, "supplies/check_schedule_form.html", {"form": form, "schedule": schedule})


@perm_required("supplies.keep")
@require_POST
def defaults(request, pk):
    """Give a warehouse the standard 日检/周检/月检 it lacks (a warehouse registered before the checks)."""
    warehouse = _warehouse(request.user, pk)
    try:
        created = rounds.ensure_defaults(request.user, warehouse)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        if created:
            messages.success(request, "已生成日周月检查计划：" + "、".join(s.name for s in created))
        else:
            messages.info(request, "日检、周检、月检计划都已存在")
    return redirect(reverse("supplies:warehouse_detail", args=[warehouse.pk]) + "#checks")
