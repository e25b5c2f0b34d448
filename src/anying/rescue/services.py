"""Every write of rescue teams and experts: permission, scope, validation, the change and its audit
event in one transaction (ENGINEERING.md rule 1)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from anying.core import audit
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.permissions import SYSTEM, require
from anying.core.scope import covers, unit_q
from anying.places.models import Place
from anying.places.services import save_place

from .models import (
    TIER_OF,
    Assessment,
    Avoidance,
    Certificate,
    Equipment,
    EquipmentStandard,
    Expert,
    GrassrootsPerson,
    GuidanceVisit,
    InspectionExpert,
    LinkageMeeting,
    Member,
    SocialGuidance,
    StandbyReport,
    TargetValue,
    Team,
    TrainingPlan,
    TrainingRecord,
    expert_fields,
    pack,
    specialities,
)

A = AuditEvent.Action
TEAM_FIELDS = ["name", "category", "parent", "owner", "region", "base", "leader", "leader_phone", "duty_phone",
               "specialities", "authorised_strength", "vehicles", "annual_funding", "registered", "dispatchable",
               "note", "is_active"]
EXPERT_FIELDS = ["owner", "name", "fields", "title", "employer", "certificates", "phone", "availability", "office",
                 "dispatchable", "note", "is_active"]


# --- who may change what -----------------------------------------------------------------------

def _keeps_territory(user) -> bool:
    """The district's keeper (rescue.assess: 区级管理员) keeps every unit's teams and experts in
    its territory; everyone else keeps their own unit's only — a department sees a town's teams
    (core.scope.unit_q) but does not change them, nor report their standby."""
    return user.has_perm_code("rescue.assess")


def _kept(user) -> Q:
    if _keeps_territory(user):
        return unit_q(user, unit="owner")
    return Q(owner_id=user.unit_id) & unit_q(user, unit="owner")


def editable_teams(user):
    """Teams the user may change (never the dispatchable ones of the units above, which a town
    sees but does not keep)."""
    if user is SYSTEM:
        return Team.objects.all()
    return Team.objects.filter(_kept(user))


def editable_experts(user):
    if user is SYSTEM:
        return Expert.objects.all()
    return Expert.objects.filter(_kept(user))


def owner_allowed(user, owner: Organisation) -> bool:
    return user is SYSTEM or owner.pk == user.unit_id or (_keeps_territory(user) and covers(user, owner.region))


def _team_for(actor, team_or_id) -> Team:
    """A team the actor keeps (the caller has checked its permission)."""
    pk = team_or_id.pk if isinstance(team_or_id, Team) else team_or_id
    team = editable_teams(actor).filter(pk=pk).select_related("region", "owner").first()
    if team is None:
        raise PermissionDenied("该队伍不在您管理的范围内")
    return team


def _check_owner(actor, owner: Organisation, region: Region) -> None:
    if actor is SYSTEM:
        return
    if not covers(actor, owner.region):
        raise ValidationError({"owner": "主管单位不在您管理的区划范围内"})
    if not owner_allowed(actor, owner):
        raise ValidationError({"owner": "只能登记本单位主管的队伍"})
    if not covers(actor, region):
        raise ValidationError({"region": "所在区划不在您管理的范围内"})


def _clean_codes(values, choices, field: str, label: str) -> str:
    known = {c for c, _ in choices}
    unknown = [v for v in values or [] if v not in known]
    if unknown:
        raise ValidationError({field: f"未知的{label}：{'、'.join(unknown)}"})
    return pack(values)


# --- teams -------------------------------------------------------------------------------------

@transaction.atomic
def save_team(actor, team: Team, *, speciality_codes=None, base: dict | None = None) -> Team:
    """Create or update a team; `base` ({address, latitude, longitude}) keeps its 驻地 place."""
    require(actor, "rescue.edit")
    created = team.pk is None
    before = None
    if not created:
        current = _team_for(actor, team.pk)
        before = audit.snapshot(current, TEAM_FIELDS)
        team.version = current.version + 1
        team.standby_due = current.standby_due
    _check_owner(actor, team.owner, team.region)
    if speciality_codes is not None:
        team.specialities = _clean_codes(speciality_codes, specialities(), "specialities", "专业方向")
    if team.parent_id and not editable_teams(actor).filter(pk=team.parent_id).exists():
        raise ValidationError({"parent": "所属队伍不在您管理的范围内"})
    if team.category in Team.DAILY_STANDBY and team.standby_due is None:
        team.standby_due = timezone.localdate()
    team.full_clean(exclude=["base"])
    if base is not None and any(base.get(k) not in (None, "") for k in ("address", "latitude", "longitude")):
        place = team.base or Place(kind=Place.Kind.TEAM_BASE)
        place.name = f"{team.name}驻地"[:200]
        place.owner, place.region, place.dispatchable = team.owner, team.region, team.dispatchable
        place.contact_name, place.contact_phone = team.leader, team.duty_phone or team.leader_phone
        place.address = base.get("address") or ""
        place.latitude, place.longitude = base.get("latitude"), base.get("longitude")
        team.base = save_place(actor, place)
    elif team.base is not None and (team.base.dispatchable != team.dispatchable or team.base.owner_id != team.owner_id):
        team.base.dispatchable, team.base.owner, team.base.region = team.dispatchable, team.owner, team.region
        save_place(actor, team.base)
    team.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, team, before=before, after=audit.snapshot(team, TEAM_FIELDS))
    return team


MEMBER_FIELDS = ["name", "role", "phone", "skills", "joined_on", "is_active", "left_on", "left_reason"]
CERTIFICATE_FIELDS = ["name", "number", "issuer", "expires_on"]


def _member_for(actor, team: Team, member_id: int) -> Member:
    member = Member.objects.select_for_update().filter(pk=member_id, team=team).first()
    if member is None:
        raise PermissionDenied("该队员不属于此队伍")
    return member


@transaction.atomic
def save_member(actor, member: Member) -> Member:
    """Create or correct a member. 离队 and back go through `leave_member` / `rejoin_member`, so
    a correction never drops a member from the counts by accident."""
    require(actor, "rescue.edit")
    team = _team_for(actor, member.team_id)
    created = member.pk is None
    before = None
    if not created:
        current = _member_for(actor, team, member.pk)
        before = audit.snapshot(current, MEMBER_FIELDS)
        member.is_active, member.left_on, member.left_reason = current.is_active, current.left_on, current.left_reason
    elif not member.is_active and not (member.left_on and member.left_reason):
        raise ValidationError({"is_active": "登记已离队的队员须填写离队日期和原因"})
    if member.joined_on and member.joined_on > timezone.localdate():
        raise ValidationError({"joined_on": "入队日期不能晚于今天"})
    member.full_clean()
    member.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, team,
                 summary=f"{'登记' if created else '修改'}队员 {member.name}（{member.get_role_display()}）",
                 before=before, after=audit.snapshot(member, MEMBER_FIELDS))
    return member


@transaction.atomic
def leave_member(actor, team_id: int, member_id: int, left_on: dt.date, reason: str) -> Member:
    """离队: the member stays in the register with the date and reason, and counts in no rate or
    headcount from then on (rules.rates counts active members only)."""
    require(actor, "rescue.edit")
    team = _team_for(actor, team_id)
    member = _member_for(actor, team, member_id)
    reason = (reason or "").strip()
    if not member.is_active:
        raise ValidationError({"left_on": f"{member.name}已于 {member.left_on or '此前'} 离队"})
    if left_on is None:
        raise ValidationError({"left_on": "请填写离队日期"})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": "离队日期不能晚于今天"})
    if member.joined_on and left_on < member.joined_on:
        raise ValidationError({"left_on": f"离队日期不能早于入队日期（{member.joined_on:%Y-%m-%d}）"})
    if not reason:
        raise ValidationError({"left_reason": "请填写离队原因"})
    before = audit.snapshot(member, MEMBER_FIELDS)
    member.is_active, member.left_on, member.left_reason = False, left_on, reason[:200]
    member.save(update_fields=["is_active", "left_on", "left_reason"])
    audit.record(actor, A.STATE, team, summary=f"队员 {member.name} 离队（{left_on:%Y-%m-%d}，{member.left_reason}）",
                 before=before, after=audit.snapshot(member, MEMBER_FIELDS))
    return member


@transaction.atomic
def rejoin_member(actor, team_id: int, member_id: int) -> Member:
    """Back in the team (a member who left by mistake or returned): the leaving stays in the audit trail."""
    require(actor, "rescue.edit")
    team = _team_for(actor, team_id)
    member = _member_for(actor, team, member_id)
    if member.is_active:
        raise ValidationError({"is_active": f"{member.name}仍在队"})
    before = audit.snapshot(member, MEMBER_FIELDS)
    member.is_active, member.left_on, member.left_reason = True, None, ""
    member.save(update_fields=["is_active", "left_on", "left_reason"])
    audit.record(actor, A.STATE, team, summary=f"队员 {member.name} 恢复在队", before=before,
                 after=audit.snapshot(member, MEMBER_FIELDS))
    return member


@transaction.atomic
def save_certificate(actor, certificate: Certificate) -> Certificate:
    require(actor, "rescue.edit")
    member = Member.objects.select_related("team").filter(pk=certificate.member_id).first()
    if member is None:
        raise ValidationError({"member": "请选择队员"})
    team = _team_for(actor, member.team_id)
    created = certificate.pk is None
    before = None
    if not created:
        current = Certificate.objects.filter(pk=certificate.pk, member__team=team).first()
        if current is None:
            raise PermissionDenied("该证书不属于此队伍")
        before = audit.snapshot(current, CERTIFICATE_FIELDS)
    certificate.full_clean()
    certificate.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, team,
                 summary=f"{'登记' if created else '修改'} {member.name} 证书：{certificate.name}，"
                         f"有效期至 {certificate.expires_on or '长期'}",
                 before=before, after=audit.snapshot(certificate, CERTIFICATE_FIELDS))
    return certificate


@transaction.atomic
def remove_certificate(actor, team_id: int, certificate_id: int, reason: str = "") -> None:
    """A certificate entered by mistake (or withdrawn) is removed; what it said stays in the
    team's audit trail."""
    require(actor, "rescue.edit")
    team = _team_for(actor, team_id)
    item = Certificate.objects.select_related("member").filter(pk=certificate_id, member__team=team).first()
    if item is None:
        raise PermissionDenied("该证书不属于此队伍")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写删除原因"})
    before = {"member": item.member.name, **audit.snapshot(item, CERTIFICATE_FIELDS)}
    item.delete()
    audit.record(actor, A.UPDATE, team, summary=f"删除 {item.member.name} 证书：{item.name}（{reason[:80]}）"[:255],
                 before=before)


@transaction.atomic
def set_equipment(actor, team_id: int, held: dict[int, int], extra: list[dict] | None = None) -> Team:
    """A team's equipment against the catalogue: {standard id: quantity held}; `extra` adds or
    updates items beyond the catalogue ({name, quantity, unit})."""
    require(actor, "rescue.edit")
    team = _team_for(actor, team_id)
    tier = TIER_OF.get(team.category)
    standards = {s.pk: s for s in EquipmentStandard.objects.filter(pk__in=list(held))}
    if any(pk not in standards or standards[pk].tier != tier for pk in held):
        raise ValidationError({"equipment": "装备目录条目不适用于该类队伍"})
    before = {e.name: e.quantity for e in team.equipment.all()}
    for pk, quantity in held.items():
        if quantity is None or quantity < 0:
            raise ValidationError({"equipment": "数量须为不小于0的整数"})
        s = standards[pk]
        Equipment.objects.update_or_create(team=team, standard=s, defaults={"name": s.name, "unit": s.unit,
                                                                              "quantity": quantity})
    for item in extra or []:
        name = (item.get("name") or "").strip()
        if not name:
            continue
        Equipment.objects.update_or_create(team=team, standard=None, name=name[:100], defaults={
            "quantity": int(item.get("quantity") or 0), "unit": (item.get("unit") or "件")[:10]})
    after = {e.name: e.quantity for e in team.equipment.all()}
    audit.record(actor, A.UPDATE, team, summary="更新队伍装备", before=before, after=after)
    return team


# --- standby -----------------------------------------------------------------------------------

def standby_teams(user):
    """Teams the user may report standby for: the ones they keep, an enterprise its own."""
    if user is SYSTEM:
        return Team.objects.all()
    from anying.core.permissions import is_enterprise_user

    if is_enterprise_user(user):
        return Team.objects.filter(owner_id=user.unit_id)
    return editable_teams(user)


@transaction.atomic
def report_standby(actor, team_id: int, day: dt.date, *, people: int, vehicles: int = 0, equipment: str = "",
                   on_duty: str = "", note: str = "") -> StandbyReport:
    """One day's 值班备勤. A report may be corrected the same day or the next; a day ahead is refused."""
    require(actor, "rescue.standby")
    team = standby_teams(actor).filter(pk=team_id, is_active=True).first()
    if team is None:
        raise PermissionDenied("该队伍不在您填报的范围内")
    today = timezone.localdate()
    if day > today:
        raise ValidationError({"day": "不能填报今天以后的备勤"})
    if people is None or people < 0 or (vehicles or 0) < 0:
        raise ValidationError({"people": "人数和车辆数须为不小于0的整数"})
    if team.authorised_strength and people > team.authorised_strength * 2:
        raise ValidationError({"people": f"备勤人数（{people}）远超队伍编制（{team.authorised_strength}），请核对"})
    report = StandbyReport.objects.select_for_update().filter(team=team, day=day).first()
    before = None
    if report is not None:
        if (today - day).days > 1:
            raise ValidationError({"day": "已报告的备勤只能在当日或次日更正"})
        before = audit.snapshot(report, ["people", "vehicles", "equipment", "on_duty", "note"])
    else:
        report = StandbyReport(team=team, day=day)
    report.people, report.vehicles, report.equipment = people, vehicles or 0, equipment[:300]
    report.on_duty, report.note = on_duty[:50], note[:300]
    report.reported_by, report.reported_at = (actor if actor is not SYSTEM else None), timezone.now()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise ValidationError({"day": "该队伍当日的备勤已由他人报告，请刷新后更正"}) from exc
    if team.category in Team.DAILY_STANDBY:
        # the clock runs on the day the next report is due; a late report for an old day does not move it back
        nxt = day + dt.timedelta(days=1)
        if team.standby_due is None or nxt > team.standby_due:
            Team.objects.filter(pk=team.pk).update(standby_due=nxt)
    audit.record(actor, A.CREATE if before is None else A.UPDATE, team,
                 summary=f"值班备勤 {day:%Y-%m-%d}：{report.people}人、{report.vehicles}车", before=before,
                 after=audit.snapshot(report, ["people", "vehicles", "equipment", "on_duty", "note"]))
    return report


# --- training and assessment -------------------------------------------------------------------

@transaction.atomic
def save_plan(actor, plan: TrainingPlan) -> TrainingPlan:
    require(actor, "rescue.training")
    if actor is not SYSTEM:
        plan.owner_id = plan.owner_id or actor.unit_id
        if plan.team_id:
            _team_for(actor, plan.team_id)
        elif plan.period != TrainingPlan.Period.ANNUAL:
            raise ValidationError({"team": "月度、周训练计划须指定队伍"})
        if plan.owner_id != actor.unit_id:
            raise PermissionDenied("只能制定本单位的训练计划")
    s = plan.starts_on
    if plan.period == TrainingPlan.Period.ANNUAL and (s.month, s.day) != (1, 1):
        raise ValidationError({"starts_on": "年度计划的起始日期须为1月1日"})
    if plan.period == TrainingPlan.Period.MONTHLY and s.day != 1:
        raise ValidationError({"starts_on": "月度计划的起始日期须为当月1日"})
    if plan.period == TrainingPlan.Period.WEEKLY and s.weekday() != 0:
        raise ValidationError({"starts_on": "周计划的起始日期须为周一"})
    created = plan.pk is None
    plan.full_clean()
    plan.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, plan,
                 after=audit.snapshot(plan, ["period", "starts_on", "title", "hours", "team"]))
    return plan


@transaction.atomic
def record_training(actor, record: TrainingRecord) -> TrainingRecord:
    require(actor, "rescue.training")
    team = _team_for(actor, record.team_id)
    if record.day > timezone.localdate():
        raise ValidationError({"day": "训练日期不能晚于今天"})
    if record.plan_id and not TrainingPlan.objects.visible_to(actor).filter(pk=record.plan_id).exists() \
            and actor is not SYSTEM:
        raise ValidationError({"plan": "训练计划不在您的范围内"})
    record.created_by = actor if actor is not SYSTEM else None
    record.full_clean(exclude=["created_by"])
    record.save()
    audit.record(actor, A.CREATE, team, summary=f"训练 {record.day:%Y-%m-%d} {record.subject}（{record.participants}人）")
    return record


@transaction.atomic
def save_assessment(actor, team_id: int, year: int, score, remarks: str = "") -> Assessment:
    require(actor, "rescue.assess")
    team = _team_for(actor, team_id)
    if score is None or not 0 <= score <= 100:
        raise ValidationError({"score": "考核得分须在0到100之间"})
    unit_id = actor.unit_id if actor is not SYSTEM else team.owner_id
    item, created = Assessment.objects.update_or_create(team=team, year=year, defaults={
        "score": score, "remarks": remarks[:300], "assessed_by_id": unit_id})
    audit.record(actor, A.CREATE if created else A.UPDATE, team, summary=f"{year}年度考核得分 {score}")
    return item


# --- experts -----------------------------------------------------------------------------------

@transaction.atomic
def save_expert(actor, expert: Expert, *, field_codes=None, office: dict | None = None) -> Expert:
    require(actor, "rescue.experts")
    created = expert.pk is None
    before = None
    if not created:
        current = editable_experts(actor).filter(pk=expert.pk).first()
        if current is None:
            raise PermissionDenied("该专家不在您管理的范围内")
        before = audit.snapshot(current, EXPERT_FIELDS)
        expert.version = current.version + 1
    if actor is not SYSTEM and not (covers(actor, expert.owner.region) and owner_allowed(actor, expert.owner)):
        raise ValidationError({"owner": "只能登记本单位管理的专家"})
    if field_codes is not None:
        expert.fields = _clean_codes(field_codes, expert_fields(), "fields", "专业领域")
    if not expert.fields:
        raise ValidationError({"fields": "请至少选择一个专业领域"})
    expert.full_clean(exclude=["office"])
    if office is not None and office.get("latitude") not in (None, ""):
        place = expert.office or Place(kind=Place.Kind.OFFICE)
        place.name = f"{expert.name}（{expert.employer or '专家'}）"[:200]
        place.owner, place.region = expert.owner, expert.owner.region
        place.dispatchable = expert.dispatchable
        place.address = office.get("address") or expert.employer
        place.latitude, place.longitude = office.get("latitude"), office.get("longitude")
        expert.office = save_place(actor, place)
    expert.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, expert, before=before,
                 after=audit.snapshot(expert, EXPERT_FIELDS))
    return expert


@transaction.atomic
def add_avoidance(actor, expert_id: int, enterprise, reason: str) -> Avoidance:
    require(actor, "rescue.experts")
    expert = editable_experts(actor).filter(pk=expert_id).first()
    if expert is None:
        raise PermissionDenied("该专家不在您管理的范围内")
    if not reason.strip():
        raise ValidationError({"reason": "请填写回避原因"})
    item, _ = Avoidance.objects.update_or_create(expert=expert, enterprise=enterprise,
                                                 defaults={"reason": reason.strip()[:200]})
    audit.record(actor, A.UPDATE, expert, summary=f"回避企业：{enterprise.name}（{item.reason}）")
    return item


@transaction.atomic
def remove_avoidance(actor, expert_id: int, enterprise_id: int) -> None:
    require(actor, "rescue.experts")
    expert = editable_experts(actor).filter(pk=expert_id).first()
    if expert is None:
        raise PermissionDenied("该专家不在您管理的范围内")
    gone = Avoidance.objects.filter(expert=expert, enterprise_id=enterprise_id).select_related("enterprise").first()
    if gone is not None:
        gone.delete()
        audit.record(actor, A.UPDATE, expert, summary=f"取消回避：{gone.enterprise.name}")


def check_avoidance(experts, enterprise) -> None:
    """回避: an expert who must not serve the enterprise cannot be taken to it."""
    ids = [e.pk for e in experts]
    clash = Avoidance.objects.filter(expert_id__in=ids, enterprise=enterprise).select_related("expert")
    names = [f"{a.expert.name}（{a.reason}）" for a in clash]
    if names:
        raise ValidationError({"experts": f"以下专家须回避{enterprise.name}：{'、'.join(names)}"})


def _usable_experts(actor, ids) -> list[Expert]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    qs = Expert.objects.all() if actor is SYSTEM else Expert.objects.visible_to(actor)
    found = list(qs.filter(pk__in=ids, is_active=True))
    if len(found) != len(ids):
        raise ValidationError({"experts": "所选专家不存在、已出库或不在您的范围内"})
    return found


@transaction.atomic
def add_inspection_expert(actor, inspection_id: int, expert_id: int, findings: str = "") -> InspectionExpert:
    """执法+专家: the expert joins the inspection's record; never its 执法人员."""
    from anying.inspections.models import Inspection

    require(actor, "rescue.guidance")
    qs = Inspection.objects.all() if actor is SYSTEM else Inspection.objects.visible_to(actor)
    inspection = qs.select_related("enterprise").filter(pk=inspection_id).first()
    if inspection is None:
        raise PermissionDenied("该检查不在您的范围内")
    (expert,) = _usable_experts(actor, [expert_id])
    check_avoidance([expert], inspection.enterprise)
    item, created = InspectionExpert.objects.get_or_create(
        inspection=inspection, expert=expert,
        defaults={"findings": findings[:5000], "added_by": actor if actor is not SYSTEM else None})
    if not created and findings:
        item.findings = findings[:5000]
        item.save(update_fields=["findings"])
    audit.record(actor, A.UPDATE, inspection, summary=f"执法+专家：{expert.name}参加检查（不作为执法人员）")
    return item


@transaction.atomic
def save_visit(actor, visit: GuidanceVisit, expert_ids) -> GuidanceVisit:
    require(actor, "rescue.guidance")
    from anying.registry.models import Enterprise

    if actor is not SYSTEM:
        if not Enterprise.objects.visible_to(actor).filter(pk=visit.enterprise_id).exists():
            raise PermissionDenied("该企业不在您的范围内")
        visit.unit_id = actor.unit_id
    experts = _usable_experts(actor, expert_ids)
    if not experts:
        raise ValidationError({"experts": "请至少选择一名专家"})
    check_avoidance(experts, visit.enterprise)
    if visit.visited_on and visit.visited_on > timezone.localdate() + dt.timedelta(days=365):
        raise ValidationError({"visited_on": "服务日期不合理"})
    created = visit.pk is None
    visit.created_by = visit.created_by or (actor if actor is not SYSTEM else None)
    visit.full_clean(exclude=["created_by"])
    visit.save()
    visit.experts.set(experts)
    audit.record(actor, A.CREATE if created else A.UPDATE, visit,
                 after={**audit.snapshot(visit, ["enterprise", "visited_on", "topic", "contract", "findings"]),
                        "experts": [e.name for e in experts]})
    return visit


def keeps_visit(user, visit: GuidanceVisit) -> bool:
    """Who adds reports and findings to a visit: the unit that registered it, or the district's keeper."""
    return user is SYSTEM or visit.unit_id == user.unit_id or _keeps_territory(user)


@transaction.atomic
def register_finding(actor, source: GuidanceVisit | InspectionExpert, data: dict):
    """An expert's finding becomes a hazard with channel 专家指导服务 (hazards.services.register
    checks the actor may register hazards of the enterprise), linked to the visit or inspection."""
    from anying.hazards import services as hazard_services
    from anying.hazards.models import Hazard

    if isinstance(source, GuidanceVisit) and not keeps_visit(actor, source):
        raise PermissionDenied("只有登记该服务的单位可以登记其发现的隐患")

    require(actor, "rescue.guidance")
    if isinstance(source, GuidanceVisit):
        enterprise, names = source.enterprise, "、".join(e.name for e in source.experts.all())
    else:
        enterprise, names = source.inspection.enterprise, source.expert.name
    data = {**data, "enterprise": enterprise, "channel": Hazard.Channel.EXPERT,
            "found_by": (data.get("found_by") or f"专家 {names}")[:50]}
    hazard = hazard_services.register(actor, data)
    source.hazards.add(hazard)
    return hazard


def visits_q(user) -> Q:
    return Q(pk__in=GuidanceVisit.objects.visible_to(user).values("pk"))


# --- social forces: guidance --------------------------------------------------------------------

@transaction.atomic
def add_guidance(actor, guidance: SocialGuidance) -> SocialGuidance:
    """A record of guidance given to a social rescue team (A6.9) by the unit that keeps it."""
    require(actor, "rescue.edit")
    team = _team_for(actor, guidance.team_id)
    if team.category != Team.Category.SOCIAL:
        raise ValidationError({"team": "指导记录只适用于社会应急救援力量"})
    if guidance.day and guidance.day > timezone.localdate():
        raise ValidationError({"day": "指导日期不能晚于今天"})
    guidance.unit_id = actor.unit_id if actor is not SYSTEM else team.owner_id
    guidance.created_by = actor if actor is not SYSTEM else None
    guidance.full_clean(exclude=["created_by"])
    guidance.save()
    audit.record(actor, A.CREATE, team, summary=f"指导社会应急救援力量 {guidance.day:%Y-%m-%d}（{guidance.given_by}）",
                 after=audit.snapshot(guidance, ["day", "unit", "given_by", "content"]))
    return guidance


# --- grassroots registers: 应急协管员, 灾害信息员, volunteers -------------------------------------

GRASSROOTS_FIELDS = ["owner", "role", "name", "region", "phone", "since", "duties", "is_active", "left_on", "note"]


def editable_grassroots(user):
    if user is SYSTEM:
        return GrassrootsPerson.objects.all()
    return GrassrootsPerson.objects.filter(_kept(user))


@transaction.atomic
def save_grassroots(actor, person: GrassrootsPerson) -> GrassrootsPerson:
    """Create or update a village's 协管员, 信息员 or volunteer: kept by the owner unit (a town's
    应急办) and the district's keeper; the village lies in the owner's territory."""
    require(actor, "rescue.edit")
    created = person.pk is None
    before = None
    if not created:
        current = editable_grassroots(actor).select_for_update().filter(pk=person.pk).first()
        if current is None:
            raise PermissionDenied("该人员不在您管理的范围内")
        before = audit.snapshot(current, GRASSROOTS_FIELDS)
        person.version = current.version + 1
    if person.owner_id is None:
        raise ValidationError({"owner": "请选择管理单位"})
    if person.region_id is None:
        raise ValidationError({"region": "请选择所在村（社区）"})
    _check_owner(actor, person.owner, person.region)
    if person.region.level not in (Region.Level.VILLAGE, Region.Level.TOWN):
        raise ValidationError({"region": "所在区划须为村（社区）或镇街"})
    if not person.region.path.startswith(person.owner.region.path):
        raise ValidationError({"region": f"所在村（社区）不在管理单位（{person.owner.name}）的辖区内"})
    today = timezone.localdate()
    if person.since and person.since > today:
        raise ValidationError({"since": "任职日期不能晚于今天"})
    if person.is_active:
        person.left_on = None
    elif person.left_on is None:
        person.left_on = today
    if person.left_on and person.since and person.left_on < person.since:
        raise ValidationError({"left_on": "离岗日期不能早于任职日期"})
    person.full_clean()
    person.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, person, before=before,
                 after=audit.snapshot(person, GRASSROOTS_FIELDS))
    return person


# --- the district's targets ----------------------------------------------------------------------

def district_of(actor) -> Region | None:
    from .rules import _district

    return _district(actor, None)


@transaction.atomic
def set_target(actor, code: str, from_year: int, value, source: str) -> TargetValue:
    """The district's own value of a figure (its document instead of the default), from a year."""
    from .rules import target_codes

    require(actor, "rescue.assess")
    district = district_of(actor)
    if district is None:
        raise PermissionDenied("未找到您所在的区县")
    if actor is not SYSTEM and actor.unit.region_id != district.pk:
        raise PermissionDenied("队伍建设目标由区级设置")
    if code not in target_codes():
        raise ValidationError({"code": "未知的指标"})
    if value is None or value < 0:
        raise ValidationError({"value": "目标值须为不小于0的数"})
    if code.endswith("_rate") and value > 100:
        raise ValidationError({"value": "比率不能超过100%"})
    if not 2000 <= (from_year or 0) <= 2100:
        raise ValidationError({"from_year": "起始年度须在2000年至2100年之间"})
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": "请填写依据（文件名称和文号）"})
    item = TargetValue.objects.select_for_update().filter(region=district, code=code, from_year=from_year).first()
    before = audit.snapshot(item, ["value", "source"]) if item else None
    item = item or TargetValue(region=district, code=code, from_year=from_year)
    item.value, item.source = value, source[:300]
    item.set_by = actor if actor is not SYSTEM else None
    item.full_clean(exclude=["set_by"])
    item.save()
    audit.record(actor, A.UPDATE if before else A.CREATE, item,
                 summary=f"队伍建设目标：{target_codes()[code]} {from_year}年起 {value}（{item.source}）"[:255],
                 before=before, after=audit.snapshot(item, ["value", "source"]))
    return item


@transaction.atomic
def remove_target(actor, target_id: int) -> None:
    """Back to the default: the district's value goes, the audit trail keeps it."""
    require(actor, "rescue.assess")
    district = district_of(actor)
    item = TargetValue.objects.filter(pk=target_id, region=district).first() if district else None
    if item is None or (actor is not SYSTEM and actor.unit.region_id != district.pk):
        raise PermissionDenied("该目标不在您设置的范围内")
    from .rules import target_codes

    # recorded on the value before it goes, so the trail keeps its region (the district's audit log)
    audit.record(actor, A.UPDATE, item, before=audit.snapshot(item, ["code", "from_year", "value", "source"]),
                 summary=f"撤销本区队伍建设目标：{target_codes().get(item.code, item.code)} {item.from_year}年起，恢复默认值")
    item.delete()


# --- the annual linkage meeting ------------------------------------------------------------------

def meeting_due(year: int) -> dt.date:
    """seed 001「5月底前，召开全区应急救援联动联席会议」."""
    return dt.date(year, 5, 31)


def ensure_meetings(now=None) -> int:
    """The tick job: this year's meeting record of every district, so the clock has a deadline to
    run on before anyone records anything. Returns the records made."""
    year = timezone.localdate(now).year if now is not None else timezone.localdate().year
    made = 0
    for district in Region.objects.filter(level=Region.Level.DISTRICT):
        _, created = LinkageMeeting.objects.get_or_create(region=district, year=year,
                                                          defaults={"due_on": meeting_due(year)})
        made += created
    return made


MEETING_FIELDS = ["held_on", "place", "chaired_by", "participants", "decisions"]


@transaction.atomic
def record_meeting(actor, year: int, data: dict, district: Region | None = None) -> LinkageMeeting:
    """The district records (or corrects) the year's meeting: date, participants, decisions."""
    require(actor, "rescue.assess")
    district = district if actor is SYSTEM and district is not None else district_of(actor)
    if district is None or (actor is not SYSTEM and actor.unit.region_id != district.pk):
        raise PermissionDenied("联动联席会议由区级登记")
    today = timezone.localdate()
    held_on = data.get("held_on")
    if held_on is None:
        raise ValidationError({"held_on": "请填写召开日期"})
    if held_on > today:
        raise ValidationError({"held_on": "召开日期不能晚于今天"})
    if held_on.year != year:
        raise ValidationError({"held_on": f"召开日期须在{year}年内"})
    if not (data.get("participants") or "").strip():
        raise ValidationError({"participants": "请填写参会单位和人员"})
    if not (data.get("decisions") or "").strip():
        raise ValidationError({"decisions": "请填写议定事项"})
    meeting, _ = LinkageMeeting.objects.select_for_update().get_or_create(
        region=district, year=year, defaults={"due_on": meeting_due(year)})
    first = meeting.held_on is None
    before = None if first else audit.snapshot(meeting, MEETING_FIELDS)
    meeting.held_on = held_on
    for field in MEETING_FIELDS[1:]:
        setattr(meeting, field, (data.get(field) or "").strip())
    meeting.recorded_by = actor if actor is not SYSTEM else None
    meeting.version += 0 if first else 1
    meeting.full_clean(exclude=["recorded_by"])
    meeting.save()
    late = "（逾期召开）" if held_on > meeting.due_on else ""
    audit.record(actor, A.STATE if first else A.UPDATE, meeting,
                 summary=f"{'登记' if first else '修改'}{year}年全区应急救援联动联席会议：{held_on:%Y-%m-%d}{late}",
                 before=before, after=audit.snapshot(meeting, MEETING_FIELDS))
    return meeting
