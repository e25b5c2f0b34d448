"""Pages of 冬春救助: the applications (list with filters and export, 户报 on a phone, detail with
the steps), the village's review (村评), the town's notices and objections, the rounds, the needs
surveys and the coverage by town."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anying.core import attachments, exports, masking, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import act, apply_errors, submit
from anying.core.links import absolute_url
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required

from . import reference, reports, services
from .filters import ApplicationFilter
from .forms import (
    AnswerForm,
    ApplicationEditForm,
    ApplicationForm,
    MinutesForm,
    NoticeForm,
    ObjectionForm,
    PayForm,
    ReliefRoundForm,
    StepForm,
    SurveyForm,
)
from .models import Application, Minutes, Need, Notice, Objection, Round, Survey

S = Application.Status
HEADER = ["申请编号", "冬春救助", "镇街", "村（社区）", "户主", "身份证号", "联系电话", "家庭人口", "救助需求", "申请金额（元）",
          "核定金额（元）", "状态", "户报日期", "县定日期", "一卡通账号", "发放金额（元）", "发放日期"]
SHOWN = ["q", "round", "status", "need", "region", "objection"]


def _apps(user):
    return Application.objects.visible_to(user)


def _towns(user):
    return Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(user, "")).order_by("path")


@perm_required("relief.view")
def application_list(request):
    flt = ApplicationFilter.from_params(request.GET, request=request)
    qs = flt.apply(_apps(request.user)).select_related("village", "town", "round").order_by("-filed_at", "-id")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        # the export is a working register for the staff who may see it: ID numbers and accounts stay masked
        count = book.sheet("冬春救助申请", HEADER, title="冬春救助申请台账", filters=flt.describe(SHOWN)).extend(
            [a.number, a.round.name, a.town.name, a.village.name, a.head, masking.id_number(a.id_number),
             masking.phone(a.phone), a.members, a.needs_label, a.requested, a.approved, a.get_status_display(),
             a.filed_at, a.decided_on, masking.account(a.account) if a.account else "", a.paid_amount, a.paid_on]
            for a in qs.iterator(chunk_size=500))
        return exports.response(request, book, exports.stamp("冬春救助申请"), summary=f"导出冬春救助申请 {count} 条",
                                filters=flt.audit_values(SHOWN))
    page = paginate(request, qs)
    for a in page:
        a.id_masked = masking.id_number(a.id_number)
    user = request.user
    return render(request, "relief/application_list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "statuses": [("open", "办理中"), *S.choices],
        "needs": Need.choices, "towns": _towns(user), "rounds": Round.objects.visible_to(user),
        "can_file": user.has_perm_code("relief.village_review"),
        "can_notice": user.has_perm_code("relief.town_review"), "can_manage": user.has_perm_code("relief.manage")})


@perm_required("relief.village_review")
def application_new(request):
    form = ApplicationForm(request.POST or None, request.FILES or None, user=request.user)
    done = submit(request, form,
                  lambda data: services.file_application(request.user, data, photos=data.pop("photos", [])),
                  lambda a: f"已户报：{a.head}户（{a.number}）",
                  lambda a: reverse("relief:application_new") if "again" in request.POST
                  else reverse("relief:application_detail", args=[a.pk]))
    return done or render(request, "relief/application_form.html", {"form": form, "title": "户报：冬春救助申请"})


@perm_required("relief.village_review")
def application_edit(request, pk):
    application = get_object_or_404(_apps(request.user), pk=pk)
    if application.status != S.FILED:
        raise Forbidden
    initial = {f: getattr(application, f) for f in ("head", "id_number", "phone", "members", "situation", "requested")}
    initial["needs"] = application.need_list
    form = ApplicationEditForm(request.POST or None, initial=initial)
    shown = workflow.posted_version(request) if request.method == "POST" else application.version
    done = submit(request, form, lambda data: services.update_application(request.user, pk, data, version=shown),
                  lambda a: f"已修改：{a.head}户", lambda a: reverse("relief:application_detail", args=[a.pk]))
    return done or render(request, "relief/application_form.html", {
        "form": form, "title": f"修改户报 {application.number}", "application": application, "shown_version": shown})


@perm_required("relief.view")
def application_detail(request, pk):
    application = get_object_or_404(_apps(request.user).select_related(
        "village", "town", "round", "notice", "minutes", "filed_by", "town_by", "decided_by", "paid_by"), pk=pk)
    user = request.user
    steps = services.steps_for(user, application)
    objections = list(application.objections.select_related("answered_by"))
    can_object = application.status == S.NOTICE and (user.has_perm_code("relief.town_review")
                                                     or user.has_perm_code("relief.village_review"))
    return render(request, "relief/application_detail.html", {
        "a": application, "id_masked": masking.id_number(application.id_number),
        "phone_masked": masking.phone(application.phone),
        "account_masked": masking.account(application.account) if application.account else "",
        "steps": [t for t in steps if t.name != "pay"], "can_pay": any(t.name == "pay" for t in steps),
        "step_form": StepForm(initial={"approved": application.amount}),
        "pay_form": PayForm(initial={"amount": application.amount, "paid_on": services.today()}),
        "objections": objections, "can_object": can_object, "objection_form": ObjectionForm(),
        "can_answer": user.has_perm_code("relief.town_review"), "answer_form": AnswerForm(),
        "photos": list(attachments.attachments_of(application)),
        "can_edit": application.status == S.FILED and "village" in services.APPLICATIONS.party_set(user, application),
        "timeline": workflow.timeline(application)[:30],
        "notice_url": absolute_url(request, reverse("relief:public_notice", args=[application.notice.public_token]))
        if application.notice else ""})


@perm_required("relief.view")
def application_file(request, pk, attachment_id):
    return attachments.serve(_apps(request.user).filter(pk=pk), attachment_id, inline=True)


@require_POST
@perm_required("relief.view")
def application_act(request, pk):
    application = get_object_or_404(_apps(request.user), pk=pk)
    name = request.POST.get("step", "")
    if name not in services.APPLICATIONS.table or name in ("village_pass", "village_reject", "publish"):
        raise Forbidden
    if not services.APPLICATIONS.party_set(request.user, application) & services.APPLICATIONS.table[name].parties:
        raise Forbidden
    form = PayForm(request.POST) if name == "pay" else StepForm(request.POST)

    def run(data):
        extra = {"account": data["account"], "amount": data["amount"], "paid_on": data["paid_on"]} if name == "pay" \
            else {"approved": data.get("approved")}
        return services.run(request.user, application.pk, name, comment=data.get("comment", ""), data=extra,
                            version=workflow.posted_version(request))
    act(request, form, run, f"已{services.APPLICATIONS.table[name].label}")
    return redirect("relief:application_detail", pk=application.pk)


@require_POST
@perm_required("relief.view")
def objection_new(request, pk):
    application = get_object_or_404(_apps(request.user), pk=pk)
    if not (request.user.has_perm_code("relief.town_review") or request.user.has_perm_code("relief.village_review")):
        raise Forbidden
    act(request, ObjectionForm(request.POST),
        lambda data: services.record_objection(request.user, application.pk, data), "已登记公示异议")
    return redirect(reverse("relief:application_detail", args=[application.pk]) + "#objections")


@require_POST
@perm_required("relief.town_review")
def objection_answer(request, pk):
    objection = get_object_or_404(Objection.objects.visible_to(request.user), pk=pk)
    act(request, AnswerForm(request.POST),
        lambda data: services.answer_objection(request.user, objection.pk, data,
                                               version=workflow.posted_version(request)), "已答复公示异议")
    return redirect(reverse("relief:application_detail", args=[objection.application_id]) + "#objections")


# ----- 村评 -----

@perm_required("relief.village_review")
def minutes_new(request):
    user = request.user
    form = MinutesForm(request.POST or None, request.FILES or None, user=user)
    filed = list(_apps(user).filter(status=S.FILED).select_related("village").order_by("village__path", "filed_at"))
    if request.method == "POST" and form.is_valid():
        decisions = {a.pk: request.POST.get(f"d{a.pk}") for a in filed if request.POST.get(f"d{a.pk}") in ("pass",
                                                                                                             "reject")}
        try:
            minutes = services.record_minutes(user, form.cleaned_data, sheet=form.cleaned_data["sheet"],
                                              decisions=decisions)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记民主评议：{len(decisions)} 户")
            return redirect(reverse("relief:application_list") + f"?region={minutes.village_id}")
    return render(request, "relief/minutes_form.html", {"form": form, "filed": filed})


@perm_required("relief.view")
def minutes_file(request, pk, attachment_id):
    return attachments.serve(Minutes.objects.visible_to(request.user).filter(pk=pk), attachment_id)


# ----- notices -----

@perm_required("relief.view")
def notice_list(request):
    user = request.user
    notices = Notice.objects.visible_to(user).select_related("town", "round").order_by("-starts_on", "-id")
    waiting = _apps(user).filter(status=S.TOWN_PASSED).select_related("village", "town").order_by("town__path",
                                                                                                  "village__path")
    page = paginate(request, notices)
    today = services.today()
    for n in page:
        n.state = "公示中" if n.running(today) else ("已期满" if n.over(today) else "未开始")
        n.url = absolute_url(request, reverse("relief:public_notice", args=[n.public_token]))
    return render(request, "relief/notice_list.html", {
        "page": page, "waiting": waiting[:200], "qs_page": query_without(request, "page"),
        "can_notice": user.has_perm_code("relief.town_review")})


@perm_required("relief.town_review")
def notice_new(request):
    user = request.user
    form = NoticeForm(request.POST or None, user=user)
    waiting = list(_apps(user).filter(status=S.TOWN_PASSED).select_related("village", "town")
                   .order_by("town__path", "village__path", "id")[:500])
    if request.method == "POST" and form.is_valid():
        ids = [v for v in request.POST.getlist("applications") if v.isascii() and v.isdigit() and len(v) < 12]
        try:
            notice = services.publish_notice(user, form.cleaned_data["round"], form.cleaned_data["town"], ids,
                                             contact=form.cleaned_data["contact"])
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已张榜公示：{notice.title}（至 {notice.ends_on:%Y-%m-%d}）")
            return redirect("relief:notice_list")
    return render(request, "relief/notice_form.html", {"form": form, "waiting": waiting})


# ----- rounds and surveys -----

@perm_required("relief.view")
def round_list(request):
    rounds = Round.objects.visible_to(request.user).select_related("region")
    return render(request, "relief/round_list.html", {
        "rounds": rounds, "can_manage": request.user.has_perm_code("relief.manage"),
        "rule": reference.rules()["notice_days"]})


@perm_required("relief.manage")
def round_edit(request, pk=None):
    rnd = get_object_or_404(Round.objects.visible_to(request.user), pk=pk) if pk else None
    initial = {f: getattr(rnd, f) for f in ("name", "starts_on", "ends_on", "notice_days")} if rnd else \
        {"notice_days": reference.notice_days()}
    form = ReliefRoundForm(request.POST or None, initial=initial)
    shown = workflow.posted_version(request) if request.method == "POST" else (rnd.version if rnd else None)
    done = submit(request, form, lambda data: services.save_round(request.user, data, pk=rnd.pk if rnd else None,
                                                                  version=shown),
                  lambda r: f"已保存：{r.name}", lambda r: reverse("relief:round_list"))
    return done or render(request, "relief/simple_form.html", {
        "form": form, "shown_version": shown, "title": f"修改 {rnd.name}" if rnd else "设立冬春救助工作",
        "back": reverse("relief:round_list"), "back_label": "冬春救助工作"})


def _surveyor(user) -> bool:
    """The village, the town or the district enters a village's needs survey."""
    return (user.has_perm_code("relief.village_review") or user.has_perm_code("relief.town_review")
            or user.has_perm_code("relief.manage"))


@perm_required("relief.view")
def survey_list(request):
    user = request.user
    surveys = Survey.objects.visible_to(user).select_related("village", "town", "round").order_by(
        "-round__starts_on", "town__path", "village__path")
    page = paginate(request, surveys)
    return render(request, "relief/survey_list.html", {
        "page": page, "qs_page": query_without(request, "page"), "needs": Need.choices,
        "can_edit": _surveyor(user)})


@perm_required("relief.view")
def survey_edit(request):
    user = request.user
    if not _surveyor(user):
        raise Forbidden
    form = SurveyForm(request.POST or None, user=user, initial={"surveyed_on": services.today()})
    done = submit(request, form, lambda data: services.save_survey(user, data),
                  lambda s: f"已保存 {s.village.name} 需求摸底", lambda s: reverse("relief:survey_list"))
    return done or render(request, "relief/simple_form.html", {
        "form": form, "title": "冬春救助需求摸底（逐村）", "back": reverse("relief:survey_list"), "back_label": "需求摸底"})


# ----- coverage -----

@perm_required("relief.view")
def coverage(request):
    user = request.user
    rounds = list(Round.objects.visible_to(user))
    chosen = next((r for r in rounds if str(r.pk) == request.GET.get("round", "")), rounds[0] if rounds else None)
    result = reports.coverage(user, chosen) if chosen else None
    if chosen and request.GET.get("export") == "xlsx":
        book = exports.Book()
        header = ["镇街", "需救助户数", "需救助人数", "申请户数", "办理中", "公示中", "已发放户数", "已救助人数", "发放金额（元）",
                  "“五有”保障率（%）"]
        sheet = book.sheet("救助覆盖率", header, title=f"{chosen.name} 救助覆盖率和“五有”保障率")
        count = sheet.extend([c.town.name, c.households_needing, c.persons_needing, c.applications, c.in_progress,
                              c.noticed, c.households_aided, c.persons_aided, c.paid,
                              c.rate * 100 if c.rate is not None else None] for c in result.towns)
        t = result.total
        sheet.note(["合计", t.households_needing, t.persons_needing, t.applications, t.in_progress, t.noticed,
                    t.households_aided, t.persons_aided, t.paid, t.rate * 100 if t.rate is not None else None],
                   gap=False)
        return exports.response(request, book, exports.stamp("救助覆盖率"), summary=f"导出救助覆盖率 {count} 个镇街")
    return render(request, "relief/coverage.html", {
        "rounds": rounds, "chosen": chosen, "result": result, "target": reference.five_haves_target(),
        "target_source": reference.rules()["five_haves_target"].source})
