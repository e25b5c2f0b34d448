"""The hazards' deadline clocks (core.clock): the overdue ladder of open hazards, the 5-day
answer to an extension request and the 10-day review of a submission (总局令15号 第十七条).

The rungs are data per region (core.ClockRung; defaults in data/*.csv with their sources); the
ladder's 函告 rung issues a numbered letter and its 挂牌督办 rung puts a major hazard under 督办
with its 通知书 — records, not labels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, clock, numbering, recipients, wording, workflow
from anying.core.bulk import update_column
from anying.core.clock import Clock
from anying.core.models import AuditEvent, ClockStep, Notification, Organisation, Region, TimelineEvent, User
from anying.core.notifications import notify_many

from .models import ExtensionRequest, Hazard, Supervision
from .supervision import default_prefix

DATA = Path(__file__).resolve().parent / "data"
OPEN = [Hazard.Status.REGISTERED, Hazard.Status.RECTIFYING]
LETTER = "overdue_letter"  # the document kind of the 函告 (core.numbering)
CIRCULAR = "overdue_circular"  # and of the 通报


def _enterprise_and_town(hazards: list) -> dict:
    """The enterprise's own accounts and the town office of its region, in two queries."""
    towns = {h.region_id for h in hazards}
    units = {h.organisation_id for h in hazards}
    offices = dict(Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region_id__in=towns, is_active=True)
                   .values_list("pk", "region_id"))
    by_unit: dict = {}
    for user in User.objects.filter(unit_id__in=units | set(offices), is_active=True):
        key = offices.get(user.unit_id)
        by_unit.setdefault(("town", key) if key else ("org", user.unit_id), []).append(user)
    return {h.pk: by_unit.get(("org", h.organisation_id), []) + by_unit.get(("town", h.region_id), []) for h in hazards}


def _committees(hazards: list) -> dict:
    """The nearest 安委办 above each hazard: it puts hazards under 督办 (区级督办)."""
    committees = list(Organisation.objects.filter(kind=Organisation.Kind.COMMITTEE_OFFICE, is_active=True)
                      .select_related("region"))
    out = {}
    for h in hazards:
        above = [c for c in committees if h.region.path.startswith(c.region.path)]
        out[h.pk] = max(above, key=lambda c: len(c.region.path)) if above else None
    return out


def _issuers(hazards: list) -> dict:
    """Who issues a hazard's 函告: the town office of its region (属地, under its own 字样), else
    the nearest 安委办 above it."""
    offices = {o.region_id: o for o in Organisation.objects.filter(
        kind=Organisation.Kind.TOWN_OFFICE, is_active=True, region_id__in={h.region_id for h in hazards})}
    committees = _committees([h for h in hazards if h.region_id not in offices])
    return {h.pk: offices.get(h.region_id) or committees.get(h.pk) for h in hazards}


def _numbered(kind: str, word: str, label: str):
    """A rung action that issues a numbered document per hazard (函告, 通报) in its issuer's 字样
    (旧县应急函〔2026〕3号); the .docx is rendered on request from the step (`letter`)."""
    def issue(rung, hazards: list, today: dt.date) -> None:
        issuers = _issuers(hazards)
        prefixes = {issuer: numbering.prefix_for(
            issuer, kind, word, f"{issuer.name if issuer else settings.ANYING_ENFORCEMENT_ORG + '安委办'}{word}")
            for issuer in set(issuers.values())}
        by_prefix: dict = {}
        for h in hazards:
            by_prefix.setdefault(prefixes[issuers[h.pk]], []).append(h)
        steps = dict(ClockStep.objects.filter(
            clock=HAZARD_OVERDUE.name, content_type=HAZARD_OVERDUE.content_type, code=rung.code,
            object_id__in=[h.pk for h in hazards]).values_list("object_id", "pk"))
        numbers = {}
        for prefix, group in by_prefix.items():
            for h, number in zip(group, numbering.take(prefix, today.year, len(group)), strict=True):
                numbers[steps[h.pk]] = number
        update_column(ClockStep, "document_no", numbers)
        update_column(ClockStep, "document_kind", dict.fromkeys(numbers, kind))

    issue.label = label
    return issue


_letters = _numbered(LETTER, "函", "发函告（编号文书）")
_circulars = _numbered(CIRCULAR, "通报", "发通报（编号文书）")


def _supervise(rung, hazards: list, today: dt.date) -> list[int]:
    """挂牌督办: a major hazard still open this long is put under 督办 with its 通知书 — in a
    constant number of queries per batch (numbers taken per issuer, rows created together).

    A 督办 is a record issued by a unit, not a label: where no 安委办 stands at or above the
    hazard's region, none is made up — the rung is not taken for that hazard (returned, so the
    clock withdraws its step and the next tick tries again) and the district admins are told
    that no 督办 unit is configured there."""
    from .supervision import SUPERVISION, WORD

    already = set(Supervision.objects.filter(hazard_id__in=[h.pk for h in hazards]).values_list("hazard_id", flat=True))
    issuers = _committees([h for h in hazards if h.pk not in already])
    unissued = [h for h in hazards if h.pk not in already and issuers.get(h.pk) is None]
    due = today + dt.timedelta(days=settings.ANYING_AUTO_SUPERVISION_DAYS)
    by_issuer: dict = {}
    for h in hazards:
        if h.pk not in already and issuers.get(h.pk) is not None:
            by_issuer.setdefault(issuers[h.pk], []).append(h)
    made, events, audits = [], [], []
    for issuer, group in by_issuer.items():
        prefix = numbering.prefix_for(issuer, SUPERVISION, WORD, default_prefix())
        for h, number in zip(group, numbering.take(prefix, today.year, len(group)), strict=True):
            made.append(Supervision(
                hazard_id=h.pk, level=Supervision.Level.DISTRICT, unit=issuer, document_no=number, issued_on=today,
                due=due, created_by=None,
                requirements=f"该重大事故隐患整改逾期 {(today - h.deadline).days} 天，予以挂牌督办：立即落实治理方案和防范"
                             "措施，每周报告治理进展，限期完成治理并申请销号"))
            events.append(workflow.event(h, "supervise", previous=h.status, state=h.status,
                                         comment=f"挂牌督办（逾期升级）{number}"))
            audits.append(audit.build(None, AuditEvent.Action.CREATE, h, summary=f"挂牌督办（逾期升级）{number}",
                                      after={"level": Supervision.Level.DISTRICT.label, "unit": issuer.name,
                                             "document_no": number, "issued_on": today.isoformat(),
                                             "due": due.isoformat()}))
    Supervision.objects.bulk_create(made)
    TimelineEvent.objects.bulk_create(events)
    AuditEvent.objects.bulk_create(audits)
    if unissued:
        _tell_no_issuer(rung, unissued, today)
    return [h.pk for h in unissued]


UNITS_ADMIN = "core.manage_units"  # who can set up the missing 安委办: the district admin


def _tell_no_issuer(rung, hazards: list, today: dt.date) -> None:
    """One message per region and admin, at most once a day (the tick runs every few minutes):
    the admins who keep the units at or above the region (else the platform's superusers)."""
    by_region: dict = {}
    for h in hazards:
        by_region.setdefault(h.region_id, []).append(h)
    regions = Region.objects.in_bulk(list(by_region))
    above = {int(p) for r in regions.values() for p in r.path.strip("/").split("/") if p}
    admins = [u for u in User.objects.filter(unit__region_id__in=above, unit__is_active=True, is_active=True)
              .select_related("unit__region") if u.has_perm_code(UNITS_ADMIN)]
    superusers = None
    messages = []
    for region_id, group in by_region.items():
        region = regions[region_id]
        told = [u for u in admins if region.path.startswith(u.unit.region.path)]
        if not told:
            if superusers is None:
                superusers = list(User.objects.filter(is_superuser=True, is_active=True))
            told = superusers
        # the first batch of the day speaks for the day: it names examples, not a total it cannot know
        places = "；".join(f"{h.enterprise.name} {h.place}" for h in group[:5]) + ("等" if len(group) > 5 else "")
        title = f"未能挂牌督办：{region.name}未配置督办单位（安委办）"
        body = (f"重大事故隐患整改逾期已到“{rung.label}”，但{region.name}及其上级区域没有在用的安委办，系统没有生成督办，"
                f"也没有记为已督办。请在 系统管理 › 单位 中配置安委办，之后的定时任务会自动补办督办。涉及：{places}")
        messages += [(u, title, body, reverse("unit_list")) for u in told]
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    sent = set(Notification.objects.filter(user__in={m[0].pk for m in messages}, title__in={m[1] for m in messages},
                                           created_at__gte=start).values_list("user_id", "title"))
    notify_many(m for m in messages if (m[0].pk, m[1]) not in sent)


_supervise.label = "挂牌督办（生成督办及通知书）"

HAZARD_OVERDUE = clock.register(Clock(
    name="hazard_overdue", label="隐患整改逾期", model=Hazard, due="deadline", open=Q(status__in=OPEN),
    defaults=DATA / "overdue_ladder.csv", conditions={"major": Q(level=Hazard.Level.MAJOR)},
    condition_labels={"major": "仅重大事故隐患"},
    fields=("status", "place", "level", "organisation_id", "enterprise__name"), related=("enterprise",),
    recipients=_enterprise_and_town, actions={"letter": _letters, "circular": _circulars, "supervise": _supervise},
    describe=lambda h: f"{h.enterprise.name} {h.place}（整改期限 {h.deadline:%Y-%m-%d}）",
    url=lambda h: reverse("hazard_detail", args=[h.pk])))


def _answerers(extensions: list) -> dict:
    places = _supervisors_by_place({(e.hazard.region_id, e.hazard.industry_id) for e in extensions})
    return {e.pk: places[(e.hazard.region_id, e.hazard.industry_id)] for e in extensions}


def _supervisors_by_place(places: set) -> dict:
    """The supervisors of each (region, industry) once: a batch costs queries per place, not per record."""
    return {place: recipients.supervisors(place[0], place[1], "hazards.supervise") for place in places}


EXTENSION_ANSWER = clock.register(Clock(
    name="extension_answer", label="延期申请待答复", model=ExtensionRequest, due="answer_due",
    # a request stops waiting when its hazard leaves 整改中 (submitted or closed meanwhile)
    open=Q(status=ExtensionRequest.Status.PENDING, hazard__status=Hazard.Status.RECTIFYING), region="hazard__region", defaults=DATA / "extension_answer_clock.csv",
    fields=("new_deadline", "hazard__place", "hazard__industry", "hazard__enterprise__name"),
    related=("hazard", "hazard__enterprise"), recipients=_answerers, event="answer",
    describe=lambda e: f"{e.hazard.enterprise.name} {e.hazard.place} 申请延期至 {e.new_deadline:%Y-%m-%d}",
    url=lambda e: reverse("hazard_detail", args=[e.hazard_id])))


def run(now: dt.datetime | None = None) -> int:
    """The overdue ladder alone (tests and the bench); `anying tick` runs every clock."""
    return clock.run(now, [HAZARD_OVERDUE])


def letter(hazard: Hazard, step: ClockStep) -> bytes:
    """The numbered document of the rung taken, as .docx in the issuing unit's wording
    (hazards/wordings.py): 关于督促整改逾期事故隐患的函 to the enterprise, or the 通报 of the
    overdue hazard to the units of the area."""
    from .wordings import CIRCULAR as CIRCULAR_TEXT
    from .wordings import LETTER, hazard_context

    issuer = _issuers([hazard])[hazard.pk]
    on = timezone.localtime(step.at).date()
    values = {**hazard_context(hazard, number=step.document_no, unit=issuer.issuer_name if issuer else "", on=on),
              "deadline": f"{hazard.deadline:%Y年%m月%d日}", "days": step.days,
              "major": hazard.level == Hazard.Level.MAJOR}
    return wording.render(CIRCULAR_TEXT if step.document_kind == CIRCULAR else LETTER, values, issuer)


def _reviewers(hazards: list) -> dict:
    """Who reviews a submission: the enterprise itself for its own general hazard (自查自改),
    otherwise the supervising unit — looked up once per enterprise and per place."""
    own = {h.pk for h in hazards if h.level == Hazard.Level.GENERAL and h.channel == Hazard.Channel.SELF}
    enterprises = {org: recipients.members([org]) for org in {h.organisation_id for h in hazards if h.pk in own}}
    # under 督办 only the supervising unit reviews (authority.py)
    supervised = dict(Supervision.objects.filter(hazard_id__in=[h.pk for h in hazards if h.pk not in own])
                      .values_list("hazard_id", "unit_id"))
    units = {unit: recipients.members([unit], "hazards.supervise") for unit in set(supervised.values())}
    places = _supervisors_by_place({(h.region_id, h.industry_id) for h in hazards
                                    if h.pk not in own and h.pk not in supervised})
    return {h.pk: enterprises[h.organisation_id] if h.pk in own else units[supervised[h.pk]] if h.pk in supervised
            else places[(h.region_id, h.industry_id)] for h in hazards}


REVIEW = clock.register(Clock(
    name="hazard_review", label="隐患复查期限", model=Hazard, due="review_due",
    open=Q(status=Hazard.Status.SUBMITTED), defaults=DATA / "review_clock.csv",
    fields=("status", "place", "level", "channel", "industry_id", "organisation_id", "enterprise__name"),
    related=("enterprise",), recipients=_reviewers,
    describe=lambda h: f"{h.enterprise.name} {h.place}（复查期限 {h.review_due:%Y-%m-%d}）",
    url=lambda h: reverse("hazard_detail", args=[h.pk])))


# 复查 also falls due when the deadline passes without a request for review (总局令15号 第十七条:
# within 10 days of 整改限期届满). The clock runs on the deadline of hazards still to rectify and
# tells the reviewers before the 10 days run out and when they have; a deadline moved by an
# approved extension starts it again (cycles). `Hazard.review_due_on` and
# `Hazard.objects.review_overdue()` give the same dates to the pages.
REVIEW_LAPSED = clock.register(Clock(
    name="hazard_review_lapsed", label="整改期限届满待复查", model=Hazard, due="deadline",
    open=Q(status__in=OPEN), defaults=DATA / "review_lapsed_clock.csv", cycles=True,
    fields=("status", "place", "level", "channel", "industry_id", "organisation_id", "enterprise__name"),
    related=("enterprise",), recipients=_reviewers,
    describe=lambda h: f"{h.enterprise.name} {h.place}（整改期限 {h.deadline:%Y-%m-%d}，未申请复查）",
    url=lambda h: reverse("hazard_detail", args=[h.pk])))
