"""The 待办 page (/todo/): every module's work for the signed-in user (core/workqueue.py), with
filters (module, source, overdue, due before), an .xlsx export, and the menu's badges."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from . import exports, workqueue
from .filters import ChoiceFilter, DateFilter, FlagFilter, ListFilter
from .listing import paginate, query_without

SECTION_ROWS = 10  # rows per source when the page shows every source; a source alone is paginated


class WorkFilter(ListFilter):
    """The 待办 page's filter and its export's. The choices are the registered modules and
    sources (filled by the apps' ready(), read when the page builds its form)."""

    module = ChoiceFilter(label="模块", choices=workqueue.MODULES, method="none")
    source = ChoiceFilter(label="事项", choices=workqueue.SOURCE_CHOICES, method="none")
    overdue = FlagFilter(label="仅逾期", method="none")
    due_before = DateFilter(label="期限不晚于", method="none")

    def none(self, qs, name, value):  # the filters apply per source (workqueue.filtered), not here
        return qs


def _selected(user, flt: WorkFilter) -> list[workqueue.WorkSource]:
    return [s for s in workqueue.sources_for(user)
            if (not flt["module"] or s.module == flt["module"]) and (not flt["source"] or s.key == flt["source"])]


@login_required
def todo(request):
    user, today = request.user, timezone.localdate()
    flt = WorkFilter.from_params(request.GET, request=request)
    selected = _selected(user, flt)
    filters = {"overdue": bool(flt["overdue"]), "due_before": flt["due_before"]}
    if request.GET.get("format") == "xlsx":
        return _export(request, flt, selected, today, filters)
    sections = []
    page = None
    if len(selected) == 1 and flt["source"]:  # one source: its whole list, page by page
        source = selected[0]
        page = paginate(request, workqueue.filtered(source, user, today, **filters), capped=True)
        sections.append({"source": source, "rows": workqueue.rows(source, page.object_list, today),
                         "count": page.paginator.count})
    else:
        for source in selected:
            qs = workqueue.filtered(source, user, today, **filters)
            records = list(qs[:SECTION_ROWS + 1])
            count = len(records) if len(records) <= SECTION_ROWS else qs.order_by().count()
            sections.append({"source": source, "rows": workqueue.rows(source, records[:SECTION_ROWS], today),
                             "count": count, "more": count > SECTION_ROWS})
    mine = workqueue.sources_for(user)
    # every kind at once: those with nothing waiting on one line; one module or kind: shown even if empty
    show_empty = bool(flt["module"] or flt["source"])
    idle = [] if show_empty else [s["source"].label for s in sections if not s["count"]]
    sections = sections if show_empty else [s for s in sections if s["count"]]
    return render(request, "core/todo.html", {"idle": idle,
        "flt": flt, "work_sections": sections, "page": page, "today": today,
        "modules": [(m, label) for m, label in workqueue.MODULES if any(s.module == m for s in mine)],
        "sources": mine,
        "qs_page": query_without(request, "page"), "qs_export": query_without(request, "page", "format"),
        "qs_source": query_without(request, "page", "source", "module")})


def _export(request, flt, selected, today, filters):
    book = exports.Book()
    sheet = book.sheet("待办", ["模块", "事项", "内容", "说明", "期限", "是否逾期"], title="待办", filters=flt.describe())
    count = 0
    for source in selected:
        for row in workqueue.rows(source, workqueue.filtered(source, request.user, today, **filters).iterator(
                chunk_size=2000), today):
            sheet.append([source.module_label, source.label, row["title"], row["detail"], row["due"],
                          "逾期" if row["overdue"] else ""])
            count += 1
    return exports.response(request, book, exports.stamp("待办"), summary=f"导出待办 {count} 条",
                            filters=flt.audit_values())


@login_required
def badges(request):
    """The menu's counts, loaded after the page (htmx) so that no page waits for them: one
    COUNT per source the user holds."""
    counts = workqueue.module_counts(request.user)
    # without the context processors: a fragment needs no menu, no unread count
    return HttpResponse(render_to_string("core/work_badges.html", {"counts": counts}))
