"""Rescue teams (救援队伍, the "2+7+14+N" structure) and experts (专家库), issue #14 points 2 and 3.

A team is its own record with an owner unit (the unit that builds and manages it: 区应急局 for
the district's teams, a town's 应急办 for its full-time or part-time team and its village
stations, a department, an enterprise's organisation for its own team), not an `Organisation`:
most teams (village stations, militia, social forces) have no accounts of their own, and the
unit lists, scope and 文号 must not fill up with them. A team that does keep its own accounts
is owned by an Organisation of kind 救援队伍 (docs/rescue.md, "Scope").

Every team has a base (`places.Place`, kind 队伍驻地) for the map and the nearest search.
Specialities and expert fields are data (data/specialities.csv, data/expert_fields.csv), stored
as ",code,code," so a filter is one LIKE on both databases (SQLite has no JSON contains)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from anying.core.models import Organisation, Region
from anying.core.scope import ScopedQuerySet
from anying.places.models import Place

DATA = Path(__file__).resolve().parent / "data"


@cache
def _codes(name: str) -> tuple[tuple[str, str], ...]:
    with open(DATA / name, encoding="utf-8") as fh:
        return tuple((row["code"], row["label"]) for row in csv.DictReader(line for line in fh if not line.startswith("#")))


def specialities() -> tuple[tuple[str, str], ...]:
    return _codes("specialities.csv")


def expert_fields() -> tuple[tuple[str, str], ...]:
    return _codes("expert_fields.csv")


def pack(codes) -> str:
    codes = [c for c in dict.fromkeys(codes or []) if c]
    return f",{','.join(codes)}," if codes else ""


def unpack(text: str) -> list[str]:
    return [c for c in (text or "").split(",") if c]


def labels(text: str, choices) -> str:
    names = dict(choices)
    return "、".join(names.get(c, c) for c in unpack(text))


class ResourceQuerySet(ScopedQuerySet):
    """Teams and experts: the owner unit's and its superiors', the dispatchable ones of the units
    above, an enterprise its own (core.scope.resource_q)."""
    scope_rule = "resource"
    scope_fields = {"unit": "owner", "shared": "dispatchable"}


class TeamQuerySet(ResourceQuerySet):
    def structure(self):
        """Teams that count in the structure: active and not a branch (分队)."""
        return self.filter(is_active=True, parent__isnull=True)


class Team(models.Model):
    class Category(models.TextChoices):
        FIRE = "fire", "区消防救援支队"
        DISTRICT = "district", "区应急救援中队"
        CENTRAL_TOWN = "central_town", "中心镇（街）专职救援队"
        TOWN = "town", "镇（街）兼职救援队"
        VILLAGE = "village", "村（社区）救援站（点）"
        DEPARTMENT = "department", "行业部门救援队"
        ENTERPRISE = "enterprise", "企业救援队"
        SOCIAL = "social", "社会应急救援力量"
        MILITIA = "militia", "民兵、驻地部队"

    # the "2+7+14+N" groups (seed 000): N are the social forces; department, enterprise and
    # militia teams are counted beside the structure, not in it
    PROFESSIONAL = (Category.FIRE, Category.DISTRICT)
    # teams that report 值班备勤 every day (the professional and the full-time ones)
    DAILY_STANDBY = (Category.FIRE, Category.DISTRICT, Category.CENTRAL_TOWN)

    name = models.CharField("队伍名称", max_length=200)
    category = models.CharField("队伍类别", max_length=20, choices=Category.choices)
    parent = models.ForeignKey("self", verbose_name="所属队伍（分队填写）", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="branches")
    owner = models.ForeignKey(Organisation, verbose_name="主管单位", on_delete=models.PROTECT, related_name="rescue_teams")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="rescue_teams",
                               help_text="镇街队伍填镇街；村（社区）救援站填所在村（社区）")
    base = models.ForeignKey(Place, verbose_name="驻地", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="rescue_teams")
    leader = models.CharField("队长", max_length=50, blank=True)
    leader_phone = models.CharField("队长电话", max_length=40, blank=True)
    duty_phone = models.CharField("值班电话", max_length=40, blank=True)
    specialities = models.CharField("专业方向", max_length=200, blank=True)
    authorised_strength = models.PositiveIntegerField("编制（核定）人数", default=0)
    vehicles = models.PositiveIntegerField("车辆数", default=0)
    annual_funding = models.DecimalField("年度经费（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    registered = models.BooleanField("已依法登记", default=False, help_text="社会应急救援力量填写")
    dispatchable = models.BooleanField("可供下级调度", default=False,
                                       help_text="勾选后，下级镇街在调度时可以看到并调用该队伍")
    note = models.TextField("备注", blank=True)
    is_active = models.BooleanField("在册", default=True)
    # the day the next 值班备勤 report is due (teams in DAILY_STANDBY): the clock runs on it
    standby_due = models.DateField("下次备勤报告日期", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "救援队伍"
        ordering = ["category", "region__path", "name"]
        indexes = [models.Index(fields=["category", "region"], name="rescue_team_cat_region"),
                   models.Index(fields=["owner", "is_active"], name="rescue_team_owner")]

    def __str__(self) -> str:
        return self.name

    @property
    def speciality_labels(self) -> str:
        return labels(self.specialities, specialities())

    @property
    def needs_daily_standby(self) -> bool:
        return self.category in self.DAILY_STANDBY and self.is_active

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "队伍不能是自己的分队"})
        if self.parent is not None and self.parent.parent_id:
            raise ValidationError({"parent": "分队只能隶属于一支队伍，不能再设下级分队"})
        if self.category == self.Category.VILLAGE and self.region_id and self.region.level != Region.Level.VILLAGE:
            raise ValidationError({"region": "村（社区）救援站的所在区划须为村（社区）"})


class Member(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", "队长"
        DEPUTY = "deputy", "副队长"
        MEMBER = "member", "队员"
        DRIVER = "driver", "驾驶员"
        MEDIC = "medic", "医护员"
        SIGNAL = "signal", "通信员"
        TECHNICIAN = "technician", "专业技术人员"

    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("职务", max_length=12, choices=Role.choices, default=Role.MEMBER)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    skills = models.CharField("技能特长", max_length=200, blank=True)
    joined_on = models.DateField("入队日期", null=True, blank=True)
    is_active = models.BooleanField("在队", default=True)
    # 离队: kept in the register (history, certificates), counted in no rate or headcount
    left_on = models.DateField("离队日期", null=True, blank=True)
    left_reason = models.CharField("离队原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "队员"
        ordering = ["team", "role", "name"]

    def __str__(self) -> str:
        return f"{self.team} · {self.name}"


class Certificate(models.Model):
    member = models.ForeignKey(Member, verbose_name="队员", on_delete=models.CASCADE, related_name="certificates")
    name = models.CharField("证书名称", max_length=100)
    number = models.CharField("证书编号", max_length=60, blank=True)
    issuer = models.CharField("发证机关", max_length=100, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "队员证书"
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["expires_on"], name="rescue_cert_expiry")]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.name}"


class EquipmentStandard(models.Model):
    """One line of the equipment catalogue (装备配备指导目录) for a tier of teams, with its source.
    The catalogue is data a district loads from the document in force (docs/rescue.md: the
    Chongqing catalogue could not be verified, so none is shipped)."""

    class Tier(models.TextChoices):
        DISTRICT = "district", "区县综合应急救援队伍"
        TOWN = "town", "乡镇（街道）综合应急救援队伍"

    tier = models.CharField("适用队伍", max_length=12, choices=Tier.choices)
    category = models.CharField("装备类别", max_length=40)
    name = models.CharField("装备名称", max_length=100)
    unit = models.CharField("计量单位", max_length=10, default="件")
    quantity = models.PositiveIntegerField("配备数量")
    required = models.BooleanField("必配", default=True)
    source = models.CharField("依据", max_length=300)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "装备配备目录"
        ordering = ["tier", "category", "name"]
        constraints = [models.UniqueConstraint(fields=["tier", "name"], name="rescue_standard_tier_name")]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} · {self.name}"


TIER_OF = {Team.Category.DISTRICT: EquipmentStandard.Tier.DISTRICT,
           Team.Category.CENTRAL_TOWN: EquipmentStandard.Tier.TOWN,
           Team.Category.TOWN: EquipmentStandard.Tier.TOWN}


class Equipment(models.Model):
    """What a team holds: a catalogue line (`standard`) or an item beyond it."""
    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.CASCADE, related_name="equipment")
    standard = models.ForeignKey(EquipmentStandard, verbose_name="目录条目", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="held")
    name = models.CharField("装备名称", max_length=100)
    quantity = models.PositiveIntegerField("数量", default=0)
    unit = models.CharField("计量单位", max_length=10, default="件")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "队伍装备"
        ordering = ["team", "name"]
        constraints = [models.UniqueConstraint(fields=["team", "standard"], name="rescue_equipment_team_standard",
                                               condition=models.Q(standard__isnull=False))]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"


class StandbyReport(models.Model):
    """值班备勤: one team's people, vehicles and equipment on standby for one day."""
    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.CASCADE, related_name="standby")
    day = models.DateField("日期")
    people = models.PositiveIntegerField("备勤人数")
    vehicles = models.PositiveIntegerField("备勤车辆", default=0)
    equipment = models.CharField("备勤装备", max_length=300, blank=True)
    on_duty = models.CharField("带班人员", max_length=50, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "值班备勤"
        ordering = ["-day", "team"]
        constraints = [models.UniqueConstraint(fields=["team", "day"], name="rescue_standby_team_day")]
        indexes = [models.Index(fields=["day", "team"], name="rescue_standby_day")]

    def __str__(self) -> str:
        return f"{self.team} {self.day:%Y-%m-%d}"


class PlanQuerySet(ScopedQuerySet):
    """A training plan is its unit's business and its superiors' (core.scope.unit_q)."""
    scope_rule = "unit"
    scope_fields = {"unit": "owner"}


class TrainingPlan(models.Model):
    class Period(models.TextChoices):
        ANNUAL = "annual", "年度"
        MONTHLY = "monthly", "月度"
        WEEKLY = "weekly", "周"

    owner = models.ForeignKey(Organisation, verbose_name="制定单位", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, verbose_name="队伍", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="training_plans", help_text="全区年度训练计划不填队伍")
    period = models.CharField("计划类型", max_length=8, choices=Period.choices)
    starts_on = models.DateField("起始日期", help_text="年度计划填1月1日，月度计划填当月1日，周计划填周一")
    title = models.CharField("计划名称", max_length=200)
    content = models.TextField("训练内容", blank=True)
    hours = models.PositiveIntegerField("计划学时", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "训练计划"
        ordering = ["-starts_on", "period"]

    def __str__(self) -> str:
        return self.title


class TrainingRecord(models.Model):
    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.CASCADE, related_name="trainings")
    plan = models.ForeignKey(TrainingPlan, verbose_name="训练计划", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="records")
    day = models.DateField("训练日期")
    subject = models.CharField("训练科目", max_length=200)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, default=0)
    participants = models.PositiveIntegerField("参训人数", default=0)
    joint_with = models.CharField("共训共练单位", max_length=200, blank=True,
                                  help_text="与消防救援支队、驻地部队、民兵等共训共练时填写")
    note = models.CharField("备注", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "训练记录"
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.team} {self.day:%Y-%m-%d} {self.subject}"


class Assessment(models.Model):
    """年度考核 (and 比武竞赛) of a team: a score out of 100."""
    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveIntegerField("年度")
    score = models.DecimalField("考核得分", max_digits=5, decimal_places=1)
    remarks = models.CharField("考核评语", max_length=300, blank=True)
    assessed_by = models.ForeignKey(Organisation, verbose_name="考核单位", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度考核"
        ordering = ["-year", "-score"]
        constraints = [models.UniqueConstraint(fields=["team", "year"], name="rescue_assessment_team_year")]

    def __str__(self) -> str:
        return f"{self.team} {self.year}年 {self.score}"


class Expert(models.Model):
    class Availability(models.TextChoices):
        AVAILABLE = "available", "可派"
        BUSY = "busy", "任务中"
        AWAY = "away", "暂不可派"

    owner = models.ForeignKey(Organisation, verbose_name="管理单位", on_delete=models.PROTECT, related_name="experts")
    name = models.CharField("姓名", max_length=50)
    fields = models.CharField("专业领域", max_length=200)
    title = models.CharField("职称", max_length=60, blank=True)
    employer = models.CharField("工作单位", max_length=200, blank=True)
    certificates = models.CharField("资格证书", max_length=300, blank=True, help_text="如注册安全工程师；多个用顿号分隔")
    phone = models.CharField("联系电话", max_length=40, blank=True)
    availability = models.CharField("可派状态", max_length=10, choices=Availability.choices, default=Availability.AVAILABLE)
    office = models.ForeignKey(Place, verbose_name="办公地点", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="experts")
    dispatchable = models.BooleanField("可供下级调用", default=True,
                                       help_text="勾选后，下级镇街可以查看并邀请该专家")
    avoid = models.ManyToManyField("registry.Enterprise", verbose_name="回避企业", blank=True, through="Avoidance",
                                   related_name="+")
    note = models.TextField("备注", blank=True)
    is_active = models.BooleanField("在库", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "专家"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def field_labels(self) -> str:
        return labels(self.fields, expert_fields())


class Avoidance(models.Model):
    """回避: an enterprise the expert must not serve (employer, relative, earlier consultancy)."""
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="avoidances")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="回避企业", on_delete=models.CASCADE,
                                   related_name="+")
    reason = models.CharField("回避原因", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "专家回避"
        constraints = [models.UniqueConstraint(fields=["expert", "enterprise"], name="rescue_avoid_unique")]

    def __str__(self) -> str:
        return f"{self.expert} 回避 {self.enterprise}"


class InspectionExpert(models.Model):
    """执法+专家: an expert who took part in an inspection. Experts are not 执法人员 and never sign
    the inspection's documents; their findings become hazards with channel 专家指导服务."""
    inspection = models.ForeignKey("inspections.Inspection", verbose_name="执法检查", on_delete=models.CASCADE,
                                   related_name="rescue_experts")
    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.PROTECT, related_name="inspections")
    findings = models.TextField("专家意见", blank=True)
    hazards = models.ManyToManyField("hazards.Hazard", blank=True, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查专家"
        constraints = [models.UniqueConstraint(fields=["inspection", "expert"], name="rescue_inspection_expert")]

    def __str__(self) -> str:
        return f"{self.inspection} · 专家 {self.expert}"


class VisitQuerySet(ScopedQuerySet):
    scope_rule = "enterprise"
    scope_fields = {"region": "enterprise__region", "industry": "enterprise__industry",
                    "organisation": "enterprise__organisation"}


class GuidanceVisit(models.Model):
    """专家指导服务 bought by a unit (政府购买服务): an enterprise, the experts, the contract, findings
    (hazards with channel 专家指导服务) and the report (an attachment)."""
    unit = models.ForeignKey(Organisation, verbose_name="购买服务单位", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="服务企业", on_delete=models.PROTECT,
                                   related_name="+")
    experts = models.ManyToManyField(Expert, verbose_name="专家", related_name="visits")
    visited_on = models.DateField("服务日期")
    topic = models.CharField("服务主题", max_length=200, blank=True, help_text="如有限空间作业、重点转移项目")
    contract = models.CharField("服务合同", max_length=200, help_text="合同名称或编号")
    findings = models.TextField("发现问题", blank=True)
    hazards = models.ManyToManyField("hazards.Hazard", blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "专家指导服务"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on:%Y-%m-%d} 专家指导服务"


class SocialGuidance(models.Model):
    """对社会应急救援力量的指导 (seed 001「有序开展对社会力量的指导协调和调度指挥」): a record of
    guidance given to a social rescue team — date, who gave it, what was covered."""
    team = models.ForeignKey(Team, verbose_name="社会应急救援力量", on_delete=models.CASCADE, related_name="guidance")
    day = models.DateField("指导日期")
    unit = models.ForeignKey(Organisation, verbose_name="指导单位", on_delete=models.PROTECT, related_name="+")
    given_by = models.CharField("指导人员", max_length=100)
    content = models.TextField("指导内容")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "社会力量指导记录"
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.team} {self.day:%Y-%m-%d} 指导"


class GrassrootsQuerySet(ScopedQuerySet):
    """A village's 协管员, 信息员 and volunteers are the town's register (its owner unit) and its
    superiors' (core.scope.unit_q): a town sees its own, the district all, never another town's."""
    scope_rule = "unit"
    scope_fields = {"unit": "owner"}


class GrassrootsPerson(models.Model):
    """基层应急力量 (A6.7, E6): a village's 应急协管员 (seed 000「建立社区（村）应急协管员队伍」),
    灾害信息员 (「强化基层灾害信息员、社会工作者和志愿者等队伍建设」) and volunteers."""

    class Role(models.TextChoices):
        ASSISTANT = "assistant", "应急协管员"
        INFORMANT = "informant", "灾害信息员"
        VOLUNTEER = "volunteer", "应急志愿者"

    owner = models.ForeignKey(Organisation, verbose_name="管理单位", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("类别", max_length=12, choices=Role.choices)
    name = models.CharField("姓名", max_length=50)
    region = models.ForeignKey(Region, verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+",
                               help_text="村（社区）；在镇街层面任职的填镇街")
    phone = models.CharField("联系电话", max_length=40)
    since = models.DateField("任职（加入）日期", null=True, blank=True)
    duties = models.CharField("职责或特长", max_length=200, blank=True)
    is_active = models.BooleanField("在岗", default=True)
    left_on = models.DateField("离岗日期", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GrassrootsQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "基层应急力量"
        ordering = ["region__path", "role", "name", "id"]
        indexes = [models.Index(fields=["owner", "role", "is_active"], name="rescue_grassroots_owner")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class TargetValue(models.Model):
    """A district's own value of a team-building figure (data/targets.csv holds the defaults, each
    cited): the district's document replaces 荣昌's 2+7+14+N, the village-station target rises from
    90% to 100%, the funding standard changes. In force from a year; the newest not later than
    the year asked for counts."""
    region = models.ForeignKey(Region, verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("指标", max_length=40)
    from_year = models.PositiveIntegerField("起始年度")
    value = models.DecimalField("目标值", max_digits=12, decimal_places=2)
    source = models.CharField("依据", max_length=300)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "队伍建设目标"
        ordering = ["code", "-from_year"]
        constraints = [models.UniqueConstraint(fields=["region", "code", "from_year"], name="rescue_target_unique")]

    def __str__(self) -> str:
        return f"{self.region} {self.code} {self.from_year}年起 {self.value}"


class MeetingQuerySet(ScopedQuerySet):
    """The district's linkage meeting: seen by the district's units (its region's territory),
    not by the towns (core.scope.area_q on the district region)."""
    scope_rule = "area"
    scope_fields = {"region": "region"}


class LinkageMeeting(models.Model):
    """全区应急救援联动联席会议, one a year per district, due by 31 May (seed 001「5月底前，召开全区
    应急救援联动联席会议」): the clock `rescue_linkage_meeting` runs on `due_on` until `held_on` is set.
    The year's record is made by the tick (`rules.ensure_meetings`), so the deadline exists before
    anyone records anything. The minutes are attachments (core.attachments)."""
    region = models.ForeignKey(Region, verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    due_on = models.DateField("应召开日期（不晚于）")
    held_on = models.DateField("召开日期", null=True, blank=True)
    place = models.CharField("会议地点", max_length=200, blank=True)
    chaired_by = models.CharField("主持人", max_length=100, blank=True)
    participants = models.TextField("参会单位和人员", blank=True)
    decisions = models.TextField("议定事项", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "应急救援联动联席会议"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="rescue_meeting_region_year")]
        indexes = [models.Index(fields=["held_on", "due_on"], name="rescue_meeting_due")]

    def __str__(self) -> str:
        return f"{self.year}年全区应急救援联动联席会议"
