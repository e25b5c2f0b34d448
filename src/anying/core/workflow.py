"""One engine for every lifecycle (ENGINEERING.md "the shared kit": workflow).

An app declares its lifecycle as a table — states, transitions, who may take each (parties the
app resolves for a user and a record, or permission codes), what each needs (a comment, files
new in this round, fields), separation of duties, who is told — and registers it. `run()` takes
a transition: it locks the row through the caller's scope, checks the table, compares the
version the client saw, applies the change, and writes the shared timeline event, the audit
record with before/after and the notifications, then the app's hooks — in one transaction.
`docs/lifecycles.md` is rendered from the registered tables (`markdown()`), and a test keeps it
equal to the code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from . import audit
from .errors import PermissionDenied
from .models import Attachment, AuditEvent, TimelineEvent
from .permissions import SYSTEM


class StaleVersion(ValidationError):
    """The record changed since the client read it: pages show the message like any refusal,
    the API answers 409."""

    def __init__(self, message: str = "该记录已被他人修改，请刷新后重试"):
        super().__init__(message, code="stale")


PERM = "perm:"  # a party written as "perm:<code>": anyone in scope holding that permission


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    # None: the state stays (a report); a tuple: `apply` chooses one of these (属实 or 不属实)
    target: str | tuple[str, ...] | None
    parties: frozenset[str]
    needs_comment: str = ""  # the message shown when the comment is missing; "" = optional
    needs_evidence: str = ""  # likewise for files new in this round
    needs_fields: tuple[str, ...] = ()  # record fields that must be filled once the step is applied
    separated: tuple[str, ...] = ()  # user fields of the record: who is named there may not take it
    stamp: tuple[str, ...] = ()  # user fields set to the actor ("rectified_by")
    notify: tuple[str, ...] = ()  # recipient groups the lifecycle resolves
    public_label: str = ""  # what an outside party's timeline says; "" = not shown to them
    apply: Callable | None = None  # apply(step) for what only this app knows; raises ValidationError


@dataclass
class Lifecycle:
    """A record kind's lifecycle. `parties(user, record)` returns the party names the user is for
    a record already known to be in their scope; `recipients[name](record)` the users of a group."""

    model: type[models.Model]
    label: str
    transitions: list[Transition]
    parties: Callable[[object, models.Model], set[str]] = lambda user, record: set()
    recipients: dict[str, Callable[[models.Model], Iterable]] = field(default_factory=dict)
    audited: Sequence[str] = ()
    state_field: str = "status"
    version_field: str | None = "version"
    events: dict[str, str] = field(default_factory=dict)  # labels of steps taken outside the table
    scoped: Callable | None = None  # scoped(user) -> queryset; default model.objects.visible_to
    before: list[Callable] = field(default_factory=list)  # before(step): checked, nothing changed yet
    after: list[Callable] = field(default_factory=list)  # after(step) inside the transaction
    describe: Callable[[models.Model], str] = str  # the record in a message title
    summary: Callable[[models.Model], str] | None = None  # what a message body adds (place, deadlines)
    # A part of a bigger record keeps its steps on that record's timeline (a tip's reward on the
    # tip, as "reward:approve"), so one history tells the whole case.
    timeline_of: Callable[[models.Model], models.Model] | None = None
    action_prefix: str = ""
    url: Callable[[models.Model], str] | None = None

    def __post_init__(self):
        self.table = {t.name: t for t in self.transitions}

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    def queryset(self, user):
        if user is SYSTEM:
            return self.model._default_manager.all()
        return self.scoped(user) if self.scoped else self.model._default_manager.visible_to(user)

    def state_label(self, value: str) -> str:
        choices = dict(self.model._meta.get_field(self.state_field).choices or ())
        return str(choices.get(value, value))

    def party_set(self, user, record) -> set[str]:
        if user is SYSTEM:
            return {p for t in self.transitions for p in t.parties}
        parties = set(self.parties(user, record))
        parties |= {p for t in self.transitions for p in t.parties
                    if p.startswith(PERM) and user.has_perm_code(p[len(PERM):])}
        return parties

    def available(self, user, record) -> list[Transition]:
        """The transitions this user may take now on a record in their scope (pages show only these)."""
        parties = self.party_set(user, record)
        state = getattr(record, self.state_field)
        return [t for t in self.transitions if state in t.sources and parties & t.parties
                and not _separated(t, user, record)]

    def label_of(self, action: str) -> str:
        base = action.split(":")[0]
        if base in self.table:
            return self.table[base].label
        return self.events.get(action) or self.events.get(base, action)


LIFECYCLES: dict[str, Lifecycle] = {}


def register(lifecycle: Lifecycle) -> Lifecycle:
    LIFECYCLES[lifecycle.key] = lifecycle
    return lifecycle


def event_label(content_type_id: int, action: str) -> str:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    lifecycle = LIFECYCLES.get(model._meta.label_lower) if model else None
    return lifecycle.label_of(action) if lifecycle else action


def _separated(t: Transition, user, record) -> bool:
    return user is not SYSTEM and any(getattr(record, f"{f}_id", None) == user.pk for f in t.separated)


@dataclass
class Step:
    """What a transition's `apply` and the app's `after` hooks receive."""

    lifecycle: Lifecycle
    transition: Transition
    actor: object
    record: models.Model
    comment: str
    data: dict
    previous: str
    event: TimelineEvent | None = None
    files: list = field(default_factory=list)
    scratch: dict = field(default_factory=dict)  # what a before-hook hands to an after-hook
    summary: str = ""  # the audit line, when `apply` says more than the label ("报送进展 20%")


def run(lifecycle: Lifecycle, actor, pk, name: str, *, comment: str = "", files: Sequence = (),
        evidence_ids: Sequence[int] = (), data: dict | None = None, version: int | None = None):
    """Take transition `name` on record `pk`. Of two people acting at once exactly one succeeds:
    the row is locked, and the other is told the state no longer allows the step. `files` are
    uploads to attach now; `evidence_ids` are attachments the actor uploaded to the record
    earlier in this round (the API's two-step upload). Both count as this step's evidence."""
    if name not in lifecycle.table:
        raise ValidationError({"transition": f"未知操作：{name}"})
    spec = lifecycle.table[name]
    with transaction.atomic():
        record = lock(lifecycle, actor, pk, version)
        if not lifecycle.party_set(actor, record) & spec.parties:
            raise PermissionDenied(f"您无权对该{lifecycle.label}执行“{spec.label}”")
        state = getattr(record, lifecycle.state_field)
        if state not in spec.sources:
            raise ValidationError(f"该{lifecycle.label}当前状态为“{lifecycle.state_label(state)}”，"
                                  f"不能{spec.label}（可能已被他人处理，请刷新）。")
        if _separated(spec, actor, record):
            raise PermissionDenied(f"已参与前一环节的人不能“{spec.label}”同一{lifecycle.label}（职责分离）")
        comment = (comment or "").strip()
        step = Step(lifecycle, spec, actor, record, comment, dict(data or {}), state)
        before = audit.snapshot(record, lifecycle.audited)
        evidence = _evidence(step, evidence_ids)
        errors = {}
        if spec.needs_comment and not comment:
            errors["comment"] = spec.needs_comment
        if spec.needs_evidence and not (files or evidence):
            errors["evidence"] = spec.needs_evidence
        if errors:
            raise ValidationError(errors)
        for hook in lifecycle.before:
            hook(step)
        if isinstance(spec.target, str):
            setattr(record, lifecycle.state_field, spec.target)
        for f in spec.stamp:
            setattr(record, f, actor)
        if spec.apply:
            spec.apply(step)
        if isinstance(spec.target, tuple) and getattr(record, lifecycle.state_field) not in spec.target:
            raise RuntimeError(f"{lifecycle.key}.{name}: apply() must choose one of {spec.target}")
        missing = {f: f"请填写{record._meta.get_field(f).verbose_name}" for f in spec.needs_fields
                   if getattr(record, f) in (None, "")}
        if missing:
            raise ValidationError(missing)
        if lifecycle.version_field:
            setattr(record, lifecycle.version_field, getattr(record, lifecycle.version_field) + 1)
        record.save()
        owner = lifecycle.timeline_of(record) if lifecycle.timeline_of else record
        # a part's step (a reward, an extension) changes nothing of the owner's state: no new round there
        states = (state, getattr(record, lifecycle.state_field)) if owner is record else ("", "")
        step.event = record_event(owner, lifecycle.action_prefix + name, actor=actor, previous=states[0],
                                  state=states[1], comment=step.comment, public=bool(spec.public_label))
        step.files = _attach(step, files) + _claim(step, evidence)
        audit.record(actor, AuditEvent.Action.STATE, record, summary=step.summary or spec.label, before=before,
                     after=audit.snapshot(record, lifecycle.audited), place=owner)
        _notify(step)
        for hook in lifecycle.after:
            hook(step)
    return record


def posted_version(request) -> int | None:
    """The version a page showed (its forms post it as `version`): a stale one is refused."""
    value = request.POST.get("version", "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def check_version(lifecycle: Lifecycle, record, version: int | None) -> None:
    """Refuse a stale page: also for a write outside the table (an edit, a saved investigation)
    that takes the record's lock itself. None: the client sent no version, nothing to compare."""
    if version is not None and lifecycle.version_field and getattr(record, lifecycle.version_field) != version:
        raise StaleVersion()


def lock(lifecycle: Lifecycle, actor, pk, version: int | None = None) -> models.Model:
    """The record, row-locked, if it is in the actor's scope (else DoesNotExist: a 404); with
    `version` (what the page or client showed), a stale record is refused (StaleVersion)."""
    record = lifecycle.queryset(actor).select_for_update(of=("self",)).get(pk=pk)
    check_version(lifecycle, record, version)
    return record


def event(record, action: str, *, actor=None, previous: str = "", state: str = "", comment: str = "",
          public: bool = False, at=None) -> TimelineEvent:
    """An unsaved timeline entry (loaders bulk_create many)."""
    return TimelineEvent(content_type=ContentType.objects.get_for_model(record), object_id=record.pk, action=action,
                         from_state=previous, to_state=state, actor=actor, comment=comment, public=public,
                         **({"at": at} if at else {}))


def record_event(record, action: str, **fields) -> TimelineEvent:
    """A timeline entry for a step taken outside a transition table (a registration, a 督办…)."""
    entry = event(record, action, **fields)
    entry.save()
    return entry


def timeline(record):
    return TimelineEvent.objects.filter(content_type=ContentType.objects.get_for_model(record),
                                        object_id=record.pk).select_related("actor")


def round_started(record):
    """When the record entered its current state: files uploaded before belong to an earlier round."""
    last = timeline(record).exclude(from_state=models.F("to_state")).order_by("-at", "-id").first()
    return last.at if last else None


def _evidence(step: Step, ids: Sequence[int]) -> list[Attachment]:
    if not ids:
        return []
    ids = set(ids)
    found = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(step.record),
                                      object_id=str(step.record.pk), pk__in=ids, event__isnull=True)
    if step.actor is not SYSTEM:
        found = found.filter(uploaded_by=step.actor)
    started = round_started(step.record)
    if started is not None:
        found = found.filter(uploaded_at__gte=started)
    found = list(found)
    if len(found) != len(ids):
        raise ValidationError({"evidence_ids": "只能引用您在本轮为该记录新上传、尚未使用过的附件"})
    return found


def _attach(step: Step, files: Sequence) -> list[Attachment]:
    from .attachments import attach

    stored = [attach(step.actor, step.record, f) for f in files]
    for a in stored:
        a.event = step.event
    Attachment.objects.filter(pk__in=[a.pk for a in stored]).update(event=step.event)
    return stored


def _claim(step: Step, evidence: list[Attachment]) -> list[Attachment]:
    Attachment.objects.filter(pk__in=[a.pk for a in evidence]).update(event=step.event)
    return evidence


def _notify(step: Step) -> None:
    if step.transition.notify:
        tell(step.lifecycle, step.record, step.transition.notify, step.transition.label, actor=step.actor,
             comment=step.comment)


def tell(lifecycle: Lifecycle, record, groups: Sequence[str], what: str, *, actor=SYSTEM, comment: str = "") -> int:
    """Tell the users of the named recipient groups what happened to a record (also for steps
    outside the table: a new record, a request). The actor is never told of their own step."""
    from .notifications import notify_many

    users = {}
    for group in groups:
        for user in lifecycle.recipients[group](record):
            users.setdefault(user.pk, user)
    if actor is not SYSTEM:
        users.pop(actor.pk, None)
    title = f"{lifecycle.label}{what}：{lifecycle.describe(record)}"
    body = f"当前状态：{lifecycle.state_label(getattr(record, lifecycle.state_field))}"
    extra = lifecycle.summary(record) if lifecycle.summary else ""
    if extra:
        body += f"；{extra}"
    if comment:
        body += f"；说明：{comment[:100]}"
    url = lifecycle.url(record) if lifecycle.url else ""
    return len(notify_many((u, title, body, url) for u in users.values()))


def markdown() -> str:
    """Every registered lifecycle as Markdown tables: docs/lifecycles.md is this text."""
    out = ["# Lifecycles", "",
           "Generated from the code (`anying lifecycles`); a test keeps this file equal to it.", ""]
    for key in sorted(LIFECYCLES):
        lc = LIFECYCLES[key]
        out += [f"## {lc.label} (`{key}`)", "",
                "| transition | from | to | who | needs | separated from | notifies |",
                "|---|---|---|---|---|---|---|"]
        for t in lc.transitions:
            needs = [x for x in ("comment" if t.needs_comment else "", "new evidence" if t.needs_evidence else "",
                                 *t.needs_fields) if x]
            out.append(f"| {t.label} `{t.name}` | {'、'.join(lc.state_label(s) for s in t.sources)} "
                       f"| {_targets(lc, t)} | {', '.join(sorted(t.parties))} "
                       f"| {', '.join(needs) or '—'} | {', '.join(t.separated) or '—'} "
                       f"| {', '.join(t.notify) or '—'} |")
        out.append("")
    return "\n".join(out)


def _targets(lc: Lifecycle, t: Transition) -> str:
    if t.target is None:
        return "（不变）"
    return " 或 ".join(lc.state_label(s) for s in ((t.target,) if isinstance(t.target, str) else t.target))
