"""待办 across every module: the work sources each app registers, read by the home page, the
menu's badges and the 待办 page (/todo/).

An app says what waits for a user in its terms — hazards to review, extension requests to
answer, tips assigned to the user's unit, rewards to approve … — by registering a `WorkSource`
from its `AppConfig.ready()`, the way it registers menu entries (core/navigation.py). core names
no upper app: it only counts, filters, orders and lists what the sources return.

A source's `items(user, today)` returns a queryset that is already scoped (`visible_to`) and
annotated with `work_due`, the date the work is due (None: no date), so that the 待办 page can
filter every source the same way in the database (逾期: work_due < today; 期限在…之前) and sort
by it. `describe(record)` gives the row: what it is and the page to open.

Counting runs one COUNT query per source the user holds the permission of, once per request
(`counts`, cached on the request's user object).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone


@dataclass(frozen=True)
class WorkItem:
    """One row of the 待办 list."""
    title: str  # what: "旧县街道 · 某某公司 · 配电房"
    url: str  # the record's page, where the work is done
    detail: str = ""  # a short second line: the status, the party, the amount


@dataclass(frozen=True)
class WorkSource:
    key: str  # "hazards.review": unique, used in the page's `source` filter
    module: str  # "hazards": the `module` filter and the menu entry's badge
    module_label: str  # "隐患"
    label: str  # "待复查的隐患"
    items: Callable[..., QuerySet]  # items(user, today) -> scoped queryset annotated with work_due
    describe: Callable[..., WorkItem]  # describe(record) -> WorkItem
    perm: str | tuple[str, ...] | None = None  # any of these codes; None: every signed-in user
    list_url: str = ""  # url name of the module's own list, for "全部"
    due_label: str = "期限"  # what work_due means here: 整改期限, 答复期限, 计划月末 …
    order: int = 100
    # applies(user) -> bool: for a source of one side only (an enterprise's hazards to rectify,
    # core.permissions.is_enterprise_user), where the permission alone does not decide
    applies: Callable | None = None

    def allowed(self, user) -> bool:
        if self.applies is not None and not self.applies(user):
            return False
        if self.perm is None:
            return True
        codes = (self.perm,) if isinstance(self.perm, str) else self.perm
        return any(user.has_perm_code(code) for code in codes)


SOURCES: list[WorkSource] = []
MODULES: list[tuple[str, str]] = []  # (module, label) in registration order: the filter's choices
SOURCE_CHOICES: list[tuple[str, str]] = []


def register(*sources: WorkSource) -> None:
    """Called from an app's ready(); registering a key again replaces it (tests reload apps)."""
    for source in sources:
        SOURCES[:] = [s for s in SOURCES if s.key != source.key]
        SOURCES.append(source)
        if (source.module, source.module_label) not in MODULES:
            MODULES.append((source.module, source.module_label))
    SOURCES.sort(key=lambda s: (s.order, s.key))
    SOURCE_CHOICES[:] = [(s.key, s.label) for s in SOURCES]


def sources_for(user) -> list[WorkSource]:
    """The sources this user holds the permission of."""
    if user is None or not user.is_authenticated:
        return []
    return [s for s in SOURCES if s.allowed(user)]


def filtered(source: WorkSource, user, today: dt.date, *, overdue: bool = False,
             due_before: dt.date | None = None) -> QuerySet:
    qs = source.items(user, today)
    if overdue:
        qs = qs.filter(work_due__lt=today)
    if due_before is not None:
        qs = qs.filter(work_due__lte=due_before)
    return qs


def counts(user, today: dt.date | None = None) -> dict[str, dict]:
    """{source key: {"n": how many, "late": of which overdue}} for the user's sources: one query
    each, once per request (kept on the user object, which lives as long as the request)."""
    cached = getattr(user, "_work_counts", None)
    if cached is not None:
        return cached
    today = today or timezone.localdate()
    result = {}
    for source in sources_for(user):
        # an empty queryset (.none()) answers without a query
        result[source.key] = source.items(user, today).order_by().aggregate(n=Count("pk"), late=Count("pk", filter=Q(work_due__lt=today)))
    try:
        user._work_counts = result
    except AttributeError:  # AnonymousUser and the like
        pass
    return result


def module_counts(user) -> dict[str, int]:
    """{module: how many} and "all": the menu's badges."""
    by_source = counts(user)
    result = {"all": sum(c["n"] for c in by_source.values())}
    for source in sources_for(user):
        result[source.module] = result.get(source.module, 0) + by_source[source.key]["n"]
    return result


def overdue(record, today: dt.date) -> bool:
    due = getattr(record, "work_due", None)
    return due is not None and due < today


def rows(source: WorkSource, records, today: dt.date) -> list[dict]:
    """The template's rows for records of one source."""
    result = []
    for record in records:
        item = source.describe(record)
        due = getattr(record, "work_due", None)
        result.append({"title": item.title, "url": item.url, "detail": item.detail, "due": due,
                       "overdue": overdue(record, today), "source": source})
    return result
