"""The response part of the incident page: activation, orders and tasks, dispatch, the field command
post, the review and the accident record (response.py holds the rules)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anying.core.http import act, submit
from anying.core.listing import parse_id
from anying.core.views import perm_required

from . import response as R
from .forms import (
    ActivateForm,
    DispatchSuppliesForm,
    DispatchTeamForm,
    EndForm,
    FeedbackForm,
    LevelForm,
    MoveForm,
    OrderForm,
    PostForm,
    ReviewForm,
)
from .models import Incident
from .models_response import CommandPost, Dispatch, Response, Task
from .views import _incident


def _back(pk):
    return redirect(reverse("incident_detail", args=[pk]) + "#response")


@perm_required("incidents.take")
@require_POST
def activate(request, pk):
    _incident(request.user, pk)
    act(request, ActivateForm(request.POST, plans=R.plans_to_activate(request.user)), lambda d: R.activate(
        request.user, pk, plan=d["plan"], plan_name=d["plan_name"], level=d["level"], commander=d["commander"],
        at=d["at"]), lambda r: f"已启动{r}，下达任务 {r.tasks.count()} 项")
    return _back(pk)


def _response(request, rid) -> Response:
    return get_object_or_404(Response.objects.visible_to(request.user), pk=rid)


@perm_required("incidents.take")
@require_POST
def response_level(request, rid):
    r = _response(request, rid)
    act(request, LevelForm(request.POST), lambda d: R.change_level(request.user, rid, d["level"], d["reason"]),
        lambda x: f"响应级别已调整为{x.get_level_display()}")
    return _back(r.incident_id)


@perm_required("incidents.take")
@require_POST
def response_end(request, rid):
    r = _response(request, rid)
    act(request, EndForm(request.POST), lambda d: R.end_response(request.user, rid, d["reason"], d["at"]), "已终止响应")
    return _back(r.incident_id)


@perm_required("incidents.take")
@require_POST
def task_issue(request, pk):
    _incident(request.user, pk)
    form = OrderForm(request.POST, units=R.task_units(request.user))
    incident = _incident(request.user, pk)

    def issue(d):
        post = incident.posts.filter(closed_at__isnull=True).first() if d["for_post"] else None
        if d["for_post"] and post is None:
            from django.core.exceptions import ValidationError

            raise ValidationError("现场指挥部未开设")
        return R.issue(request.user, pk, unit=d["unit"], text=d["text"], role=d["role"], due_at=d["due_at"],
                       source=Task.Source.POST if post else Task.Source.ORDER, post=post)
    act(request, form, issue, lambda t: f"已向{t.unit.name}下达{t.get_source_display()}")
    return _back(pk)


def _task(request, tid) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user), pk=tid)


@perm_required("incidents.view")
@require_POST
def task_receive(request, tid):
    task = _task(request, tid)
    act(request, FeedbackForm({"feedback": "签收"}), lambda d: R.receive_task(request.user, tid), "已签收任务")
    return _back(task.incident_id)


@perm_required("incidents.view")
@require_POST
def task_feedback(request, tid):
    task = _task(request, tid)
    act(request, FeedbackForm(request.POST), lambda d: R.report_task(request.user, tid, d["feedback"], d["done"]),
        lambda t: "已完成任务" if t.done_at else "已反馈")
    return _back(task.incident_id)


@perm_required("incidents.take")
@require_POST
def dispatch_team(request, pk):
    _incident(request.user, pk)
    act(request, DispatchTeamForm(request.POST), lambda d: R.dispatch_team(
        request.user, pk, d["team"], people=d["people"] or 0, vehicles=d["vehicles"] or 0, note=d["note"]),
        lambda x: f"已调派{x.team.name}")
    return _back(pk)


@perm_required("incidents.take")
@require_POST
def dispatch_supplies(request, pk):
    _incident(request.user, pk)
    act(request, DispatchSuppliesForm(request.POST), lambda d: R.dispatch_supplies(
        request.user, pk, d["warehouse"], d["item"].pk, d["quantity"], d["note"]),
        lambda x: f"已生成出库单，等待{x.warehouse.name}过账发运")
    return _back(pk)


@perm_required("incidents.take")
@require_POST
def dispatch_mark(request, did):
    d = get_object_or_404(Dispatch.objects.visible_to(request.user), pk=did)
    act(request, MoveForm(request.POST), lambda f: R.mark(request.user, did, f["move"], f["at"]),
        lambda x: "已记录")
    return _back(d.incident_id)


@perm_required("incidents.take")
@require_POST
def post_open(request, pk):
    _incident(request.user, pk)
    act(request, PostForm(request.POST), lambda d: R.open_post(
        request.user, pk, place=d["place"], commander=d["commander"], groups=d["groups"], at=d["at"]),
        "已开设现场指挥部")
    return _back(pk)


@perm_required("incidents.take")
@require_POST
def post_close(request, post_id):
    post = get_object_or_404(CommandPost.objects.visible_to(request.user), pk=post_id)
    act(request, EndForm({"reason": "撤收"}), lambda d: R.close_post(request.user, post_id), "已撤收现场指挥部")
    return _back(post.incident_id)


@perm_required("incidents.take")
@require_POST
def make_accident(request, pk):
    _incident(request.user, pk)
    act(request, EndForm({"reason": "事故"}), lambda d: R.make_accident(request.user, pk),
        lambda a: f"已生成事故记录（{a.get_grade_display()}）")
    return _back(pk)


PROBLEM_ROWS = 5


@perm_required("incidents.take")
def review(request, pk):
    """The after-action review: the timeline is on the page; problems become follow-up tasks."""
    incident = _incident(request.user, pk)
    if hasattr(incident, "review"):
        return redirect(reverse("incident_detail", args=[pk]) + "#review")
    form = ReviewForm(request.POST or None)
    units = R.task_units(request.user)
    rows = [{"text": request.POST.get(f"p{n}-text", ""), "unit": request.POST.get(f"p{n}-unit", ""),
             "due": request.POST.get(f"p{n}-due", "")} for n in range(PROBLEM_ROWS)]

    def save(data):
        import datetime as dt

        from django.core.exceptions import ValidationError

        problems = []
        for n, row in enumerate(rows, start=1):
            if not row["text"].strip():
                continue
            unit = units.filter(pk=parse_id(row["unit"])).first()
            try:
                due = dt.date.fromisoformat(row["due"])
            except ValueError:
                due = None
            if unit is None or due is None:
                raise ValidationError({"problems": f"第{n}项整改任务请选择承办单位和整改期限"})
            problems.append((row["text"].strip()[:2000], unit, due))
        return R.save_review(request.user, pk, data, problems)

    done = submit(request, form, save, lambda r: "已保存复盘评估，整改任务已下达",
                  lambda r: reverse("incident_detail", args=[pk]) + "#review")
    from anying.core import workflow

    return done or render(request, "incidents/review.html", {
        "incident": incident, "form": form, "rows": rows, "units": units,
        "timeline": workflow.timeline(incident).order_by("at", "id")})


def response_context(request, incident: Incident) -> dict:
    """What the incident page shows of the response, and the forms for it."""
    from django.utils import timezone

    user = request.user
    can_take = user.has_perm_code("incidents.take") and incident.status == Incident.Status.OPEN
    tasks = list(incident.tasks.select_related("unit", "response").order_by("issued_at", "order", "id"))
    dispatches = list(incident.dispatches.select_related("team", "warehouse", "document"))
    teams = R.nearest_teams(user, incident) if can_take else []
    warehouses = R.nearest_warehouses(user, incident) if can_take else []
    busy = {d.team_id for d in dispatches if d.team_id and d.returned_at is None}
    return {
        "responses": list(incident.responses.all()), "tasks": tasks, "dispatches": dispatches,
        "posts": list(incident.posts.prefetch_related("tasks")),
        "open_post": any(p.closed_at is None for p in incident.posts.all()), "nearest_teams": [h for h in teams if h.row["pk"] not in busy],
        "nearest_warehouses": warehouses, "can_respond": can_take,
        "own_unit_tasks": [t for t in tasks if t.unit_id == user.unit_id and t.status in ("issued", "received")],
        "activate_form": ActivateForm(initial={"level": 4}, plans=R.plans_to_activate(user)) if can_take else None,
        "level_form": LevelForm(), "end_form": EndForm(),
        "task_form": OrderForm(units=R.task_units(user)) if can_take else None, "feedback_form": FeedbackForm(),
        "team_form": DispatchTeamForm(), "supplies_form": DispatchSuppliesForm() if warehouses else None,
        "post_form": PostForm(), "arrival": R.arrival_rate(incident.dispatches.all()), "now": timezone.now(),
        "perms_take": user.has_perm_code("incidents.take"),
        "can_accident": (user.has_perm_code("accidents.record") and incident.kind == "work_safety"
                         and not incident.accident_id and not incident.is_exercise),
    }
