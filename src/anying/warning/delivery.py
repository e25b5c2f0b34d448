"""Who a warning reaches and the 叫应 clock (B3.2, B3.3).

Recipients are computed when the warning is issued, from its area: the 责任人名册 of the area's
regions whose hazard families match the warning; what upper apps register (the risk points' 三个
责任人, the forest zones); the enterprises of the affected industries (data/industries.csv); the
duty desks of the towns in the area and of the issuing unit. One person is one row however many
roles they hold (deduplicated by phone). Each gets an SMS with a link to acknowledge (or may
reply), and account holders an inbox message.

Silence escalates on the clock of data/ack_clock.csv: a second channel (the notification kit's
outbound channels for account holders, a second SMS for the rest), then a call task on the duty
desk of the person's town, then the person's superior. `escalate_due` is a tick job written in
set operations: 20,000 silent recipients are a few bulk statements, not 20,000 round trips."""

from __future__ import annotations

import datetime as dt
import hmac
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from anying.core import notifications
from anying.core.links import absolute_or_relative
from anying.core.models import Organisation, Region, User
from anying.core.recipients import on_duty
from anying.core.scope import ancestor_paths, region_subtree_q

from .hooks import RECIPIENT_SOURCES, Area, RecipientSpec
from .models import CallTask, Contact, Recipient, Warning
from .reference import ack_clock, industry_measures, kinds
from .sms import queue

SPEC_FIELDS = ("name", "phone", "region_id", "role", "contact_id", "user_id", "superior_name", "superior_phone",
               "superior_user_id")


def area_of(warning: Warning) -> Area:
    """The regions the warning names and every region below them. A warning drawn only as a
    polygon covers the issuing unit's territory, narrowed by the polygon where sources know
    coordinates (points, checkpoints)."""
    roots = list(warning.regions.values_list("path", flat=True)) or \
        [Region.objects.only("path").get(pk=warning.unit.region_id).path]
    q = Q()
    for path in roots:
        q |= Q(path__startswith=path)
    ids = frozenset(Region.objects.filter(q).values_list("id", flat=True))
    kind = kinds().get(warning.kind) or kinds()["other"]
    return Area(region_ids=ids, polygon=warning.polygon or None, families=frozenset(kind.families | {"general"}))


def _towns(region_ids) -> dict[int, int | None]:
    """Each region's town (itself when a town; None above the towns)."""
    paths = dict(Region.objects.filter(pk__in=region_ids).values_list("id", "path"))
    prefixes = {a for path in paths.values() for a in ancestor_paths(path)}
    town_by_path = dict(Region.objects.filter(level=Region.Level.TOWN, path__in=prefixes).values_list("path", "id"))
    return {pk: next((town_by_path[a] for a in ancestor_paths(path) if a in town_by_path), None)
            for pk, path in paths.items()}


def _contacts(area: Area):
    for c in Contact.objects.filter(region_id__in=area.region_ids, is_active=True).select_related("superior"):
        if c.family_set & area.families:
            sup = c.superior
            yield RecipientSpec(c.name, c.phone, c.region_id, c.get_role_display(), contact_id=c.pk, user_id=c.user_id,
                                superior_name=sup.name if sup else "", superior_phone=sup.phone if sup else "",
                                superior_user_id=sup.user_id if sup else None)


def _enterprises(warning: Warning, area: Area):
    from anying.core.models import Industry

    measures = {m.industry_code: m.measure for m in industry_measures().get(warning.kind, [])}
    codes = list(measures)
    if not codes:
        return
    roots = dict(Industry.objects.filter(code__in=codes).values_list("path", "code"))
    q = Q()
    for path in roots:
        q |= Q(industry__path__startswith=path)
    if not q:
        return
    from anying.registry.models import Enterprise
    for e in (Enterprise.objects.filter(q, region_id__in=area.region_ids, status="operating").exclude(contact_phone="")
              .select_related("industry")):
        code = next((c for p, c in roots.items() if e.industry.path.startswith(p)), "")
        yield RecipientSpec(e.contact_name or e.name, e.contact_phone, e.region_id,
                            f"{e.name} 联系人（{measures.get(code, '')}）"[:120])


def _desks(warning: Warning, area: Area):
    units = list(Organisation.objects.filter(Q(kind=Organisation.Kind.TOWN_OFFICE, region_id__in=area.region_ids)
                                             | Q(pk=warning.unit_id), is_active=True))
    for unit in units:
        for user in on_duty([unit.pk]) or []:
            yield RecipientSpec(user.get_full_name() or user.username, user.phone, unit.region_id,
                                f"{unit.name} 值班", user_id=user.pk)


def specs(warning: Warning, area: Area | None = None) -> list[RecipientSpec]:
    """Everyone the warning reaches, one entry per person (roles joined)."""
    area = area or area_of(warning)
    merged: dict[str, dict] = {}
    sources = [_contacts(area), _enterprises(warning, area), _desks(warning, area)]
    sources += [provider(warning, area) for provider in RECIPIENT_SOURCES]
    for source in sources:
        for spec in source:
            key = spec.phone.strip() or f"user:{spec.user_id}"
            if key == "user:None":
                continue  # nobody to reach
            if key in merged:
                entry = merged[key]
                label, held = spec.role, entry["role"].split("；")  # why they are told, not a user's role
                if label not in held:
                    entry["role"] = "；".join([*held, label])
                for f in ("contact_id", "user_id", "superior_name", "superior_phone", "superior_user_id"):
                    entry[f] = entry[f] or getattr(spec, f)
            else:
                merged[key] = {f: getattr(spec, f) for f in SPEC_FIELDS}
                merged[key]["phone"] = spec.phone.strip()
    return [RecipientSpec(**{**e, "role": e["role"][:300]}) for e in merged.values()]


def token(recipient_id: int) -> str:
    """The acknowledgement link's key: the id and a keyed digest of it (80 bits; nothing stored)."""
    digest = salted_hmac("anying.warning.ack", str(recipient_id), algorithm="sha256").hexdigest()
    return f"{recipient_id}-{digest[:20]}"


def recipient_of(key: str) -> Recipient | None:
    pk, _, _ = key.partition("-")
    if not key.isascii() or not pk.isdigit() or len(pk) > 12 or not hmac.compare_digest(token(int(pk)), key):
        return None
    return Recipient.objects.select_related("warning").filter(pk=int(pk)).first()


def ack_url(recipient_id: int) -> str:
    return absolute_or_relative(f"/w/{token(recipient_id)}/")


def message(warning: Warning, recipient_id: int, *, again: bool = False) -> str:
    head = "【再次提醒】" if again else ""
    return (f"{head}【{warning.agency}】{warning.headline}。请确认收到：{ack_url(recipient_id)} 或回复1。")


@transaction.atomic
def deliver(warning: Warning, now: dt.datetime | None = None) -> int:
    """Build the 叫应 ledger of an issued warning and queue its first messages."""
    now = now or timezone.now()
    found = specs(warning)
    towns = _towns({s.region_id for s in found})
    clock = ack_clock()[warning.level]
    first_due = now + dt.timedelta(minutes=clock.second)
    rows = [Recipient(warning=warning, contact_id=s.contact_id, user_id=s.user_id, name=s.name[:60], phone=s.phone[:20],
                      roles=s.role, region_id=s.region_id, town_id=towns.get(s.region_id),
                      superior_name=s.superior_name[:60], superior_phone=s.superior_phone[:20],
                      superior_user_id=s.superior_user_id, notified_at=now, next_escalation_at=first_due)
            for s in found]
    Recipient.objects.bulk_create(rows, batch_size=2000)
    created = list(Recipient.objects.filter(warning=warning).values_list("pk", "phone", "user_id"))
    queue((phone, message(warning, pk), pk) for pk, phone, _ in created)
    users = User.objects.in_bulk([u for _, _, u in created if u])
    url = f"/warnings/{warning.pk}/"
    # the inbox copy only: the outbound channels are the second step of the clock
    from anying.core.models import Notification

    Notification.objects.bulk_create([Notification(user=users[u], title=f"预警：{warning.headline}"[:200],
                                                   body="请在预警页面点击“我已收到”。", url=url)
                                      for _, _, u in created if u in users], batch_size=2000)
    return len(created)


def tell_cancelled(cancel: Warning, previous: Warning) -> int:
    """A 解除 message goes to everyone the warning reached; nobody is asked to answer it."""
    phones = previous.recipients.exclude(phone="").values_list("phone", flat=True)
    return queue((p, f"【{cancel.agency}】{cancel.headline}", None) for p in phones)


def acknowledge(recipient: Recipient, via: str, now: dt.datetime | None = None) -> bool:
    """Record an answer. The first one counts; later ones change nothing."""
    now = now or timezone.now()
    changed = Recipient.objects.filter(pk=recipient.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, via=via, next_escalation_at=None)
    if changed:
        CallTask.objects.filter(recipient=recipient, outcome="").update(
            outcome=CallTask.Outcome.REACHED, note=f"本人已{Recipient.Via(via).label}确认", done_at=now)
    return bool(changed)


def acknowledge_reply(phone: str, text: str, now: dt.datetime | None = None) -> int:
    """An inbound SMS: "1", "收到" or "确认" acknowledges every warning in force awaiting that phone."""
    if text.strip().lower() not in {"1", "收到", "确认", "已收到", "ok", "y"}:
        return 0
    now = now or timezone.now()
    pending = Recipient.objects.filter(phone=phone.strip(), acknowledged_at__isnull=True,
                                       warning__status=Warning.Status.ISSUED, warning__expires__gt=now)
    return sum(acknowledge(r, Recipient.Via.REPLY, now) for r in pending)


def escalate_due(now: dt.datetime | None = None) -> int:
    """One tick of the 叫应 clock over every silent recipient whose time has come."""
    now = now or timezone.now()
    clocks = ack_clock()
    moved = 0
    with transaction.atomic():
        due = list(Recipient.objects.select_for_update(**_skip_locked()).filter(
            acknowledged_at__isnull=True, next_escalation_at__lte=now, warning__status=Warning.Status.ISSUED,
            warning__expires__gt=now).values("pk", "stage", "phone", "user_id", "town_id", "region_id", "name",
                                             "superior_name", "superior_phone", "superior_user_id",
                                             "warning_id", "warning__level", "warning__unit_id"))
        if not due:
            return 0
        by_stage = defaultdict(list)
        for row in due:
            by_stage[row["stage"]].append(row)
        warnings = Warning.objects.in_bulk({r["warning_id"] for r in due})
        desks = _town_desks({r["town_id"] for r in due if r["town_id"]})
        for stage, rows in by_stage.items():
            if stage == Recipient.Stage.FIRST:
                _second_channel(rows, warnings)
                nxt = Recipient.Stage.SECOND
            elif stage == Recipient.Stage.SECOND:
                CallTask.objects.bulk_create([CallTask(recipient_id=r["pk"], unit_id=desks.get(r["town_id"]) or
                                                       r["warning__unit_id"]) for r in rows],
                                             batch_size=2000, ignore_conflicts=True)
                nxt = Recipient.Stage.CALL
            else:
                _superiors(rows, warnings)
                nxt = Recipient.Stage.SUPERIOR
            for level in {r["warning__level"] for r in rows}:
                ids = [r["pk"] for r in rows if r["warning__level"] == level]
                wait = {Recipient.Stage.SECOND: clocks[level].call, Recipient.Stage.CALL: clocks[level].superior}.get(nxt)
                for start in range(0, len(ids), 2000):
                    Recipient.objects.filter(pk__in=ids[start:start + 2000], stage=stage).update(
                        stage=nxt, next_escalation_at=now + dt.timedelta(minutes=wait) if wait else None)
            moved += len(rows)
    return moved


def _skip_locked() -> dict:
    from django.db import connection

    # of=self: the due rows are read with their warning and town (outer joins), only the rows are locked
    return {"skip_locked": True, "of": ("self",)} if connection.features.has_select_for_update_skip_locked else {}


def _town_desks(town_ids) -> dict[int, int]:
    """Each town's office (whose duty desk makes the calls)."""
    return dict(Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region_id__in=town_ids, is_active=True)
                .order_by("pk").values_list("region_id", "pk"))


def _second_channel(rows, warnings) -> None:
    users = User.objects.in_bulk([r["user_id"] for r in rows if r["user_id"]])
    notifications.notify_many((users[r["user_id"]], f"【请确认】预警：{warnings[r['warning_id']].headline}",
                               f"请确认收到：{ack_url(r['pk'])}", f"/warnings/{r['warning_id']}/")
                              for r in rows if r["user_id"] in users)
    queue((r["phone"], message(warnings[r["warning_id"]], r["pk"], again=True), r["pk"]) for r in rows)


def _superiors(rows, warnings) -> None:
    text = "【叫应未果】{name}（{phone}）未确认收到预警“{headline}”，请督促。"
    queue((r["superior_phone"], text.format(name=r["name"], phone=r["phone"] or "无手机号",
                                            headline=warnings[r["warning_id"]].headline), r["pk"])
          for r in rows if r["superior_phone"])
    users = User.objects.in_bulk([r["superior_user_id"] for r in rows if r["superior_user_id"]])
    notifications.notify_many((users[r["superior_user_id"]], f"叫应未果：{r['name']}",
                               f"{r['name']}未确认收到预警“{warnings[r['warning_id']].headline}”，请督促。",
                               f"/warnings/{r['warning_id']}/") for r in rows if r["superior_user_id"] in users)


def progress(warning: Warning, recipients=None) -> list[dict]:
    """叫应率 per town: told, acknowledged, silent at each stage (of `recipients`, default all)."""
    qs = warning.recipients.all() if recipients is None else recipients
    rows = (qs.values("town_id", "town__name")
            .annotate(total=Count("pk"), acked=Count("pk", filter=Q(acknowledged_at__isnull=False)),
                      calls=Count("pk", filter=Q(acknowledged_at__isnull=True, stage__gte=Recipient.Stage.CALL)))
            .order_by("town__path"))
    out = []
    for r in rows:
        r["rate"] = round(100 * r["acked"] / r["total"], 1) if r["total"] else None
        r["town"] = r.pop("town__name") or "区级"
        out.append(r)
    return out


def recipients_seen_by(user, warning: Warning):
    """The part of the 叫应 ledger a user may read: a unit the people of its territory (a town its own
    villages', the district everyone's); an enterprise none — the list is officials' phone numbers."""
    from anying.core.scope import ENTERPRISE, viewer

    if viewer(user) == ENTERPRISE:
        return warning.recipients.none()
    return warning.recipients.filter(region_subtree_q(user, "region"))


def totals(warning: Warning, recipients=None) -> dict:
    qs = warning.recipients.all() if recipients is None else recipients
    t = qs.aggregate(total=Count("pk"), acked=Count("pk", filter=Q(acknowledged_at__isnull=False)))
    t["rate"] = round(100 * t["acked"] / t["total"], 1) if t["total"] else None
    return t
