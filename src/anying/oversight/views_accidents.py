"""Pages of 生产安全事故: the list with filters and export, a record with its investigation and
回头看, the record/edit form and the 约谈 list. Enterprise users have no accident pages
(oversight.view); writes need accidents.record and go through `accidents`."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import audit, exports, workflow
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.views import perm_required
from anying.registry.models import Enterprise
from anying.standards.models import AccidentType

from . import accidents
from .filters import AccidentFilter, InterviewFilter
from .forms_accidents import AccidentForm, CloseForm, InterviewForm, InvestigationForm, LookBackForm
from .models import Accident, AccidentGradeRule, Grade, Investigation


@perm_required("oversight.view")
def accident_list(request):
    flt = AccidentFilter.from_params(request.GET, request=request)
    year = None if flt["year"] == "all" else flt["year"]
    qs = flt.apply(accidents.visible(request.user)).select_related("region", "industry", "enterprise", "accident_type")
    if request.GET.get("export") == "xlsx":
        title = f"{year}年生产安全事故台账" if year else "生产安全事故台账"
        shown = ["grade", "region", "type", "enterprise", "fatal"]  # the year is in the title
        book = exports.Book()
        count = accidents.xlsx(book, qs, title, flt.describe(shown))
        return exports.response(request, book, exports.stamp("生产安全事故"), summary=f"导出{title} {count} 起",
                                filters=flt.audit_values(shown))
    today = timezone.localdate()
    return render(request, "oversight/accident_list.html", {
        "page": paginate(request, qs), "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"),
        "year": year, "years": range(today.year, today.year - 6, -1), "grade": flt["grade"], "grades": Grade.choices,
        "region": flt["region"], "type": flt["type"], "types": AccidentType.objects.filter(group="基本事故类型"),
        "towns": Region.objects.filter(level=Region.Level.TOWN).filter(_town_scope(request.user)).order_by("path"),
        "can_record": request.user.has_perm_code(accidents.PERM),
        "totals": accidents.totals(qs),
        "rules": AccidentGradeRule.objects.all(),
    })


def _town_scope(user) -> Q:
    from anying.core.scope import region_subtree_q

    return region_subtree_q(user, "")


def _visible(user, pk) -> Accident:
    return get_object_or_404(accidents.visible(user).select_related(
        "region", "industry", "enterprise", "accident_type", "unit", "created_by"), pk=pk)


@perm_required("oversight.view")
def accident_detail(request, pk):
    accident = _visible(request.user, pk)
    investigation = Investigation.objects.filter(accident=accident).select_related("recorded_by").first()
    can = request.user.has_perm_code(accidents.PERM)
    year = timezone.localtime(accident.occurred_at).year
    context = {
        "accident": accident, "investigation": investigation, "can_record": can,
        "lookbacks": accident.lookbacks.select_related("recorded_by"), "history": audit.history(accident)[:30],
        "flagged": accident.enterprise_id and accidents.flagged_for_interview(accident.enterprise, year),
        "year": year,
    }
    if can and accident.status != Accident.Status.CLOSED:
        context["investigation_form"] = InvestigationForm(initial={
            k: getattr(investigation, k) for k in accidents.INVESTIGATION_FIELDS} if investigation else
            {"report_date": timezone.localdate()})
        context["close_form"] = CloseForm(initial={"closed_on": timezone.localdate()})
    if can and accident.status == Accident.Status.CLOSED:
        context["lookback_form"] = LookBackForm(initial={"date": timezone.localdate()})
    return render(request, "oversight/accident_detail.html", context)


@perm_required(accidents.PERM)
def accident_edit(request, pk=None):
    from anying.core.http import submit

    accident = _visible(request.user, pk) if pk else None
    if accident and accident.status == Accident.Status.CLOSED:
        raise Http404
    form = AccidentForm(request.POST or None, user=request.user,
                        initial=AccidentForm.initial_of(accident) if accident else {"reported_by": ""})
    # the version the form was first shown with stays through a re-render with errors
    shown = workflow.posted_version(request) if request.method == "POST" else accident.version if accident else None
    if accident:
        save = lambda data: accidents.update(request.user, accident.pk, form.service_data(), version=shown)  # noqa: E731
    else:
        save = lambda data: accidents.record(request.user, form.service_data())  # noqa: E731
    done = submit(request, form, save, lambda a: f"已保存事故记录（{a.get_grade_display()}）",
                  lambda a: reverse("accident_detail", args=[a.pk]))
    return done or render(request, "oversight/accident_form.html", {
        "form": form, "accident": accident, "shown_version": shown,
        "picked": accident.enterprise if accident and accident.enterprise_id else None})


@perm_required(accidents.PERM)
def accident_enterprise_search(request):
    """Registered enterprises of the user's scope by name, for the form's 事故单位 field."""
    return enterprise_choices(request)


def enterprise_choices(request):
    """The enterprises named like ?party=… in the user's scope, as choices under a party field (also
    the incident form's)."""
    q = request.GET.get("party", "").strip()[:50]
    found = list(Enterprise.objects.visible_to(request.user).filter(name__contains=q).select_related("region")
                 .only("pk", "name", "region__name").order_by("name")[:8]) if len(q) >= 2 else []
    return render(request, "oversight/_enterprise_choices.html", {"found": found, "q": q})


# every action takes the version the page showed (`version`): a stale page is refused, nothing changed
ACTIONS = {
    "investigation": (InvestigationForm, lambda user, pk, data, version: accidents.save_investigation(
        user, pk, data, version=version), "已保存调查记录"),
    "start": (None, lambda user, pk, data, version: accidents.start_investigation(user, pk, version=version),
              "已开始调查"),
    "close": (CloseForm, lambda user, pk, data, version: accidents.close(user, pk, data["closed_on"], version=version),
              "已结案，一年后提醒回头看"),
    "lookback": (LookBackForm, lambda user, pk, data, version: accidents.record_lookback(
        user, pk, data, version=version), "已记录回头看"),
}


@perm_required(accidents.PERM)
@require_POST
def accident_act(request, pk, name):
    from django import forms

    from anying.core.http import act

    if name not in ACTIONS:
        raise Http404
    _visible(request.user, pk)
    form_class, action, message = ACTIONS[name]
    form = form_class(request.POST) if form_class else forms.Form(request.POST)
    seen = workflow.posted_version(request)
    act(request, form, lambda data: action(request.user, pk, data, seen), message)
    return redirect("accident_detail", pk=pk)


@perm_required("oversight.view")
def interview_list(request):
    year = InterviewFilter.from_params(request.GET, request=request)["year"]
    today = timezone.localdate()
    return render(request, "oversight/accident_interviews.html", {
        "rows": accidents.interview_candidates(request.user, year), "year": year,
        "years": range(today.year, today.year - 6, -1), "form": InterviewForm(initial={"held_on": today}),
        "can_record": request.user.has_perm_code(accidents.PERM)})


@perm_required(accidents.PERM)
@require_POST
def interview_record(request, year, enterprise_id):
    from anying.core.http import act

    get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_id)
    act(request, InterviewForm(request.POST),
        lambda data: accidents.record_interview(request.user, enterprise_id, year, data), "已记录约谈")
    return redirect(f"{reverse('accident_interviews')}?year={year}")


@perm_required("oversight.view")
def enterprise_accidents(request, enterprise_id):
    """The enterprise page's 生产安全事故 button: the accident list of that enterprise, all years."""
    get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_id)
    return redirect(f"{reverse('accident_list')}?year=all&enterprise={enterprise_id}")
