"""Registries that upper apps fill in, so core's commands (`demo`, `tick`, `import`,
`export`) serve every module without importing any app above core (ENGINEERING.md layering).
Apps register in their AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLoader:
    name: str
    order: int
    load: Callable  # load(rng) -> None; must be idempotent by checking what exists


@dataclass(frozen=True)
class TickJob:
    name: str
    run: Callable  # run(now) -> int (records changed); idempotent


@dataclass(frozen=True)
class Register:
    """An Excel import/export of one register: `anying import NAME FILE`."""
    name: str
    label: str
    importer: Callable  # importer(actor, fileobj, valid_only) -> report with summary()/error_lines()
    exporter: Callable  # exporter(actor, target) -> count


DEMO_LOADERS: dict[str, DemoLoader] = {}
TICK_JOBS: dict[str, TickJob] = {}
REGISTERS: dict[str, Register] = {}


def register_demo(name: str, order: int, load: Callable) -> None:
    DEMO_LOADERS[name] = DemoLoader(name, order, load)


def register_tick(name: str, run: Callable) -> None:
    TICK_JOBS[name] = TickJob(name, run)


def register_register(register: Register) -> None:
    REGISTERS[register.name] = register


@dataclass(frozen=True)
class RecordAction:
    """A link an upper app adds to a record page of a lower app (e.g. 登记隐患 on an enterprise)."""
    label: str
    url_name: str  # reversed with the record's pk
    icon: str
    perm: str


ENTERPRISE_ACTIONS: list[RecordAction] = []


# Links an upper app adds to a lower app's record page ("来源举报 …" on a hazard): each provider
# takes (record, user) and returns [(label, url)] of what the user may open; the page shows them
# with the `related_records` template tag.
RELATED_RECORDS: list[Callable] = []


@dataclass(frozen=True)
class EnterpriseTab:
    """一企一档: a tab an app adds to the enterprise page (?tab=key) listing the enterprise's
    records of one kind. `records(enterprise, user)` returns them scoped to the viewer
    (`visible_to`) and ordered; `columns` are (header, record -> text) and `url(record)` the
    record's page. The registry pages the list and renders every tab with one template."""
    key: str
    label: str
    perm: str
    records: Callable
    columns: tuple
    url: Callable
    order: int = 100
    empty: str = "暂无记录。"


ENTERPRISE_TABS: dict[str, EnterpriseTab] = {}


def register_enterprise_tab(*tabs: EnterpriseTab) -> None:
    for tab in tabs:
        ENTERPRISE_TABS[tab.key] = tab


@dataclass(frozen=True)
class PublicPerson:
    role: str  # "技术负责人"
    name: str  # "" when nobody is named yet
    title: str = ""
    phone: str = ""


@dataclass(frozen=True)
class PublicGroup:
    heading: str  # "液氨制冷机房（四级重大危险源）"
    people: tuple[PublicPerson, ...]


# Sections an upper app adds to an enterprise's public 公示 page (reached by its QR code, no
# login): key → provider(enterprise) -> (title, [PublicGroup]); an empty list shows nothing. What
# a provider returns is public, so it returns only what the law asks to be posted.
PUBLIC_SECTIONS: dict[str, Callable] = {}


def register_public_section(key: str, provider: Callable) -> None:
    PUBLIC_SECTIONS[key] = provider


@dataclass(frozen=True)
class MonthlySource:
    """One block of an enterprise's 企业月报 (issue #19 point 1), compiled from the app's own
    records — never typed in — so the report says what the records say.

    `compile(enterprise, start, end)` returns {figure key: number} for the month [start, end]
    (dates, inclusive), counting only that enterprise's records; numbers are int or Decimal.
    `figures` names every key it may return, in display order, as (key, label, unit). The report
    freezes the figures when the enterprise confirms it, and the town sums them by industry."""
    key: str  # "permits"
    label: str  # "特殊作业"
    order: int
    figures: tuple  # ((key, label, unit), ...)
    compile: Callable
    # optional: details(enterprise, start, end) -> [row dict]; detail_columns ((key, label), ...) —
    # the records behind the figures that the report lists (each hazard's measures and people)
    details: Callable | None = None
    detail_columns: tuple = ()


MONTHLY_SOURCES: dict[str, MonthlySource] = {}


def register_monthly_source(source: MonthlySource) -> None:
    MONTHLY_SOURCES[source.key] = source
