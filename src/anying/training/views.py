"""Pages of the training archive: the sessions (list, record, one session), the people with
their hours against the minimum (list, one person), an enterprise's yearly plan, and the
coverage page the town reads. Lists have filters, paging and an .xlsx export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from anying.core import exports
from anying.core.http import submit
from anying.core.listing import paginate, query_without
from anying.core.models import Industry, Region
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required
from anying.registry.models import Enterprise

from . import rules, services
from .filters import SessionFilter, TraineeFilter
from .forms import PlanItemForm, SessionForm, TraineeForm
from .models import Attendance, Kind, Plan, Session, Trainee

SESSION_SHOWN = ["q", "kind", "enterprise", "region", "industry", "date_from", "date_to"]
TRAINEE_SHOWN = ["q", "enterprise", "region", "industry", "who"]


def _year(request) -> int:
    raw = request.GET.get("year", "")
    this = timezone.localdate().year
    if raw.isascii() and raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= this + 1:
        return int(raw)
    return this


def _own(user) -> Enterprise | None:
    """The enterprise a recording user keeps the archive of (None for readers)."""
    if not user.has_perm_code("training.record"):
        return None
    return Enterprise.objects.visible_to(user).order_by("id").first()


def _choices(user) -> dict:
    return {"towns": Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(user, "")).order_by("path"),
            "industries": Industry.objects.order_by("path"), "kinds": Kind.choices}


@perm_required("training.view")
def session_list(request):
    user = request.user
    flt = SessionFilter.from_params(request.GET, request=request)
    qs = flt.apply(Session.objects.visible_to(user)).select_related("enterprise").order_by("-held_on", "-id")
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("培训记录", ["企业", "培训日期", "培训类别", "培训内容", "学时", "授课人（机构）", "参训人数", "合格人数"],
                           title="企业安全培训记录", filters=flt.describe(SESSION_SHOWN))
        labels = dict(Kind.choices)
        rows = qs.annotate(n=Count("attendances"), p=Count("attendances", filter=Q(attendances__passed=True))).values_list(
            "enterprise__name", "held_on", "kind", "topic", "hours", "trainer", "n", "p")
        count = sheet.extend([e, d, labels[k], t, h, tr, n, p] for e, d, k, t, h, tr, n, p in rows.iterator(chunk_size=2000))
        return exports.response(request, book, exports.stamp("企业安全培训记录"), summary=f"导出培训记录 {count} 条",
                                filters=flt.audit_values(SESSION_SHOWN))
    page = paginate(request, qs)
    return render(request, "training/list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "can_record": _own(user) is not None, **_choices(user)})


@perm_required("training.record")
def session_new(request):
    user = request.user
    ent = _own(user)
    if ent is None:
        raise Forbidden
    initial = {"held_on": timezone.localdate(), "has_exam": True, "pass_mark": 60}
    raw = request.GET.get("kind", "")
    if raw in Kind.values:
        initial["kind"] = raw
    form = SessionForm(request.POST or None, initial=initial)
    done = submit(request, form, lambda data: services.save_session(user, ent, data),
                  lambda s: f"已登记培训记录：{s.topic}（{s.attendances.count()} 人）",
                  lambda s: reverse("training_session", args=[s.pk]))
    return done or render(request, "training/form.html", {"form": form, "title": "登记培训记录", "enterprise": ent})


@perm_required("training.view")
def session_detail(request, pk):
    session = get_object_or_404(Session.objects.visible_to(request.user).select_related("enterprise", "created_by"),
                                pk=pk)
    rows = session.attendances.select_related("trainee", "trainee__key_person").order_by("trainee__name")
    n, p = services.pass_rate(Session.objects.filter(pk=session.pk))
    return render(request, "training/detail.html", {"session": session, "rows": rows, "n": n, "passed": p})


@perm_required("training.view")
def trainee_list(request):
    user = request.user
    year = _year(request)
    flt = TraineeFilter.from_params(request.GET, request=request)
    qs = flt.apply(Trainee.objects.visible_to(user).filter(is_active=True))
    qs = services.with_hours(qs, year).select_related("enterprise", "key_person").order_by("enterprise_id", "name", "id")
    codes = services.industry_codes()
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        sheet = book.sheet("培训档案", ["企业", "姓名", "岗位", "类别", "上岗日期", f"{year}年学时", "要求学时", "要求", "是否达标"],
                           title=f"{year}年度从业人员安全培训学时", filters=flt.describe(TRAINEE_SHOWN))

        def rows():
            for t in qs.iterator(chunk_size=2000):
                c = services.compliance(t, year, codes, t.enterprise.industry_id)
                yield [t.enterprise.name, t.name, t.post, t.key_person.get_kind_display() if t.key_person_id else "从业人员",
                       t.hired_on, c["have"], c["need"], c["label"], "未达标" if c["short"] else "达标"]

        count = sheet.extend(rows())
        return exports.response(request, book, exports.stamp("安全培训档案"), summary=f"导出培训档案 {count} 人",
                                filters=flt.audit_values(TRAINEE_SHOWN))
    page = paginate(request, qs)
    people = [(t, services.compliance(t, year, codes, t.enterprise.industry_id)) for t in page]
    return render(request, "training/people.html", {
        "page": page, "people": people, "flt": flt, "year": year, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "can_record": _own(user) is not None,
        "hours": rules.hours_table().values(), **_choices(user)})


@perm_required("training.view")
def trainee_detail(request, pk):
    user = request.user
    trainee = get_object_or_404(Trainee.objects.visible_to(user).select_related("enterprise", "key_person"), pk=pk)
    year = _year(request)
    annotated = services.with_hours(Trainee.objects.filter(pk=trainee.pk), year).select_related("key_person").get()
    rows = (Attendance.objects.filter(trainee=trainee).select_related("session").order_by("-session__held_on"))
    form = None
    if _own(user) is not None and trainee.enterprise_id == _own(user).pk:
        form = TraineeForm(request.POST or None, initial={"name": trainee.name, "post": trainee.post,
                                                          "hired_on": trainee.hired_on, "is_active": trainee.is_active})
        done = submit(request, form, lambda data: services.save_trainee(user, trainee.enterprise, data, pk=trainee.pk),
                      lambda t: f"已保存：{t.name}", lambda t: reverse("trainee_detail", args=[t.pk]))
        if done:
            return done
    elif request.method == "POST":
        raise Forbidden
    return render(request, "training/person.html", {
        "trainee": trainee, "rows": rows, "year": year, "form": form,
        "c": services.compliance(annotated, year, services.industry_codes(), trainee.enterprise.industry_id)})


@perm_required("training.record")
def trainee_new(request):
    user = request.user
    ent = _own(user)
    if ent is None:
        raise Forbidden
    form = TraineeForm(request.POST or None, initial={"is_active": True})
    done = submit(request, form, lambda data: services.save_trainee(user, ent, data),
                  lambda t: f"已加入培训档案：{t.name}", lambda t: reverse("trainee_detail", args=[t.pk]))
    return done or render(request, "training/form.html", {"form": form, "title": "新增培训档案人员", "enterprise": ent})


@perm_required("training.view")
def plan(request, enterprise_id):
    user = request.user
    ent = get_object_or_404(Enterprise.objects.visible_to(user), pk=enterprise_id)
    year = _year(request)
    found = Plan.objects.visible_to(user).filter(enterprise=ent, year=year).first()
    items = list(found.items.all()) if found else []
    form = None
    if _own(user) is not None and _own(user).pk == ent.pk:
        form = PlanItemForm(request.POST or None)
        done = submit(request, form, lambda data: services.save_plan_item(user, ent, year, data),
                      lambda i: f"已加入{year}年度培训计划：{i.topic}",
                      lambda i: reverse("training_plan", args=[ent.pk]) + f"?year={year}")
        if done:
            return done
    elif request.method == "POST":
        raise Forbidden
    held = {k: n for k, n in Session.objects.filter(enterprise=ent, held_on__year=year).values_list("kind")
            .annotate(n=Count("id"))}
    return render(request, "training/plan.html", {"ent": ent, "year": year, "plan": found, "items": items,
                                                  "form": form, "held": held, "this_year": timezone.localdate().year})


@perm_required("training.view")
def coverage(request):
    user = request.user
    year = _year(request)
    data = services.coverage(Enterprise.objects.visible_to(user), year)
    if request.GET.get("export") == "xlsx":
        book = exports.Book()
        for key, title in (("towns", "按镇街"), ("industries", "按行业")):
            sheet = book.sheet(title, ["名称", "企业数", "已覆盖", "覆盖率（%）", "目标（%）", "目标依据"],
                               title=f"{year}年主要负责人和安全管理人员培训覆盖率（{title}）", filters=[("年度", str(year))])
            sheet.extend([r["name"], r["enterprises"], r["covered"], r["pct"],
                          r["target"].coverage_pct if r["target"] else None,
                          f"{r['target'].source} {r['target'].clause}" if r["target"] else ""]
                         for r in data[key] + [data["total"]])
        return exports.response(request, book, exports.stamp("安全培训覆盖率"), summary=f"导出{year}年培训覆盖率",
                                filters={"year": year})
    return render(request, "training/coverage.html", {"data": data, "year": year,
                                                      "years": range(timezone.localdate().year, 2022, -1),
                                                      "qs_export": query_without(request, "export")})
