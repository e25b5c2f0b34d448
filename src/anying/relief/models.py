"""救灾救助 (issue #18 points 4, 6, 7; seed 001 救灾和物资保障): winter-spring relief, donations
and relief funds in the open.

冬春救助: a `Round` (e.g. 2026—2027年度冬春救助 of a district, with its 公示 days), a `Survey` of
needs per village, and an `Application` per household that goes 户报 (the village officer enters
it for the household) → 村评 (the village committee's democratic review, `Minutes`) → 乡审 (the
town office) → 张榜公示 (a `Notice` of the town's list, public, for the round's days, with
`Objection`s recorded and answered) → 县定 (the district, after the notice has run its days and
every objection is answered) → paid to the person (一卡通). The ID number and the account are
kept for the staff, shown masked on their lists and never on a public page.

救灾捐赠: a `Donation` (money or goods, 定向 or 非定向) with its receipt number, goods into the
warehouse ledger on an 入库单; `Allocation`s to towns and households (goods out on an 出库单).

Relief funds: `Fund` allocations (下拨) to towns by source, their `FundUse`, balances by town,
and `Finding`s of 监督检查 (挪用, 截留私分, 虚报冒领 …) with their handling."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.models import Organisation, Region
from anying.core.scope import ScopedQuerySet


def new_token() -> str:
    return secrets.token_urlsafe(12)


class Need(models.TextChoices):
    """The needs of 冬春救助 (口粮、衣被、取暖、住房、伤病: 受灾人员冬春生活救助工作规程)."""
    FOOD = "food", "口粮"
    CLOTHING = "clothing", "衣被"
    HEATING = "heating", "取暖"
    HOUSING = "housing", "住房"
    MEDICAL = "medical", "伤病"


NEED_LABELS = dict(Need.choices)


class RoundQuerySet(ScopedQuerySet):
    """A district's round is seen by the district and by every town and village under it (they
    file into it); a district above sees its districts' rounds."""

    def visible_to(self, user):
        from .scope import round_q

        return self.filter(round_q(user))


class ByVillage(ScopedQuerySet):
    """A village's records: its committee, its town, the district (area rule, behind relief.view)."""
    scope_rule = "area"
    scope_fields = {"region": "village", "perm": "relief.view"}


class ByTown(ScopedQuerySet):
    scope_rule = "area"
    scope_fields = {"region": "town", "perm": "relief.view"}


class ByRegion(ScopedQuerySet):
    scope_rule = "area"
    scope_fields = {"region": "region", "perm": "relief.view"}


class ByDonation(ScopedQuerySet):
    scope_rule = "area"
    scope_fields = {"region": "donation__region", "perm": "relief.view"}


class Round(models.Model):
    """One year's winter-spring relief of a district (冬春救助时段为每年12月至次年5月)."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        CLOSED = "closed", "已结束"

    name = models.CharField("名称", max_length=80, help_text="如：2026—2027年度冬春救助")
    region = models.ForeignKey(Region, verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField("救助时段自")
    ends_on = models.DateField("救助时段至")
    notice_days = models.PositiveSmallIntegerField("公示天数", help_text="张榜公示期满（整日）后方可县定")
    notice_source = models.CharField("公示天数依据", max_length=300, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "冬春救助工作"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Survey(models.Model):
    """需求摸底 of one village: households and persons needing help by need (a household may have
    several needs, so the totals are entered too: they are what coverage counts against)."""
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="surveys")
    village = models.ForeignKey(Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+", editable=False)
    households = models.PositiveIntegerField("需救助户数", default=0)
    persons = models.PositiveIntegerField("需救助人数", default=0)
    food_households = models.PositiveIntegerField("口粮困难户数", default=0)
    food_persons = models.PositiveIntegerField("口粮困难人数", default=0)
    clothing_households = models.PositiveIntegerField("衣被困难户数", default=0)
    clothing_persons = models.PositiveIntegerField("衣被困难人数", default=0)
    heating_households = models.PositiveIntegerField("取暖困难户数", default=0)
    heating_persons = models.PositiveIntegerField("取暖困难人数", default=0)
    housing_households = models.PositiveIntegerField("住房困难户数", default=0)
    housing_persons = models.PositiveIntegerField("住房困难人数", default=0)
    medical_households = models.PositiveIntegerField("伤病困难户数", default=0)
    medical_persons = models.PositiveIntegerField("伤病困难人数", default=0)
    note = models.CharField("说明", max_length=300, blank=True)
    surveyed_on = models.DateField("摸底日期")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = ByVillage.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "冬春救助需求摸底"
        ordering = ["round", "town__path", "village__path"]
        constraints = [models.UniqueConstraint(fields=["round", "village"], name="relief_survey_once")]

    def __str__(self) -> str:
        return f"{self.village.name} 需求摸底"


class Minutes(models.Model):
    """村评: the village's democratic review meeting, with its minutes (text and the signed sheet)."""
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="minutes")
    village = models.ForeignKey(Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+", editable=False)
    held_on = models.DateField("评议日期")
    attendees = models.PositiveSmallIntegerField("参会人数")
    text = models.TextField("评议记录", help_text="参会人员、评议过程、表决结果")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ByVillage.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "村民主评议记录"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.village.name} {self.held_on} 民主评议"


class Notice(models.Model):
    """张榜公示 of a town's list: public from `starts_on` for the round's days (ends_on is the last
    day); the decision may be taken from the day after it."""

    class Status(models.TextChoices):
        POSTED = "posted", "公示中"
        ENDED = "ended", "已结束"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="notices")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=120)
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示截止（含当日）")
    days = models.PositiveSmallIntegerField("公示天数")
    contact = models.CharField("监督电话", max_length=40, blank=True, help_text="公开：镇街办公电话，不是个人手机")
    public_token = models.CharField(max_length=24, unique=True, default=new_token, editable=False)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    posted_at = models.DateTimeField(default=timezone.now)

    objects = ByTown.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "张榜公示"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def running(self, today) -> bool:
        return self.starts_on <= today <= self.ends_on

    def over(self, today) -> bool:
        return today > self.ends_on


class Application(models.Model):
    class Status(models.TextChoices):
        FILED = "filed", "已户报"
        VILLAGE_PASSED = "village_passed", "村评通过"
        TOWN_PASSED = "town_passed", "乡审通过"
        NOTICE = "notice", "公示中"
        DECIDED = "decided", "县定（已核定）"
        PAID = "paid", "已发放"
        REJECTED = "rejected", "未通过"

    round = models.ForeignKey(Round, verbose_name="冬春救助", on_delete=models.PROTECT, related_name="applications")
    village = models.ForeignKey(Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+", editable=False)
    number = models.CharField("申请编号", max_length=40, editable=False)
    head = models.CharField("户主姓名", max_length=40)
    id_number = models.CharField("户主身份证号", max_length=18)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    members = models.PositiveSmallIntegerField("家庭人口")
    situation = models.TextField("受灾和困难情况")
    needs = models.CharField("救助需求", max_length=60, help_text="口粮、衣被、取暖、住房、伤病，逗号分隔的代码")
    requested = models.DecimalField("申请金额（元）", max_digits=10, decimal_places=2)
    approved = models.DecimalField("核定金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.FILED)
    minutes = models.ForeignKey(Minutes, verbose_name="村评记录", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="applications")
    notice = models.ForeignKey(Notice, verbose_name="张榜公示", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="applications")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    filed_at = models.DateTimeField("户报时间", default=timezone.now)
    village_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="村评登记人", on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    town_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="乡审人", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="县定人", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    decided_on = models.DateField("县定日期", null=True, blank=True)
    account = models.CharField("一卡通账号", max_length=30, blank=True)
    paid_amount = models.DecimalField("发放金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发放登记人", on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = ByVillage.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "冬春救助申请"
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["round", "town", "status"], name="relief_app_town"),
                   models.Index(fields=["notice", "village"], name="relief_app_notice"),
                   models.Index(fields=["village", "status"], name="relief_app_village")]

    def __str__(self) -> str:
        return f"{self.number} {self.head}户"

    @property
    def need_list(self) -> list[str]:
        return [c for c in self.needs.split(",") if c]

    @property
    def needs_label(self) -> str:
        return "、".join(NEED_LABELS.get(c, c) for c in self.need_list)

    @property
    def amount(self) -> Decimal:
        """What the notice and the decision name: the town's approved figure, else the request."""
        return self.approved if self.approved is not None else self.requested


class Objection(models.Model):
    """异议 to a name on a notice: recorded by staff for a person, or sent from the public page.
    It must be answered before the decision; the objector's contact is kept for the answer and
    never shown on a public page."""

    class Source(models.TextChoices):
        STAFF = "staff", "工作人员代为登记"
        PUBLIC = "public", "公示页面提交"

    class Status(models.TextChoices):
        OPEN = "open", "待答复"
        ANSWERED = "answered", "已答复"

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="objections")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+", editable=False)
    source = models.CharField("来源", max_length=8, choices=Source.choices)
    content = models.TextField("异议内容")
    objector = models.CharField("异议人", max_length=40, blank=True)
    contact = models.CharField("联系方式", max_length=40, blank=True)
    received_at = models.DateTimeField("收到时间", default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    upheld = models.BooleanField("异议成立", null=True, blank=True)
    answer = models.TextField("核实和答复", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = ByTown.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "公示异议"
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["application", "status"], name="relief_objection_open")]

    def __str__(self) -> str:
        return f"对{self.application.head}户的异议"


# ----- 救灾捐赠 -----

class Donation(models.Model):
    class Form(models.TextChoices):
        MONEY = "money", "资金"
        GOODS = "goods", "物资"

    class Intent(models.TextChoices):
        OPEN = "open", "非定向"
        DIRECTED = "directed", "定向"

    class DonorKind(models.TextChoices):
        PERSON = "person", "个人"
        COMPANY = "company", "企业"
        ORGANISATION = "organisation", "社会组织"
        OTHER = "other", "其他"

    number = models.CharField("收据编号", max_length=40, editable=False)
    unit = models.ForeignKey(Organisation, verbose_name="接收单位", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    received_on = models.DateField("接收日期")
    donor = models.CharField("捐赠人", max_length=100)
    donor_kind = models.CharField("捐赠人类型", max_length=16, choices=DonorKind.choices, default=DonorKind.COMPANY)
    anonymous = models.BooleanField("匿名", default=False, help_text="公开页面显示为“爱心人士（匿名）”")
    form = models.CharField("捐赠形式", max_length=8, choices=Form.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, default=Decimal(0))
    intent = models.CharField("意向", max_length=10, choices=Intent.choices, default=Intent.OPEN)
    directed_town = models.ForeignKey(Region, verbose_name="定向镇街", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    directed_note = models.CharField("定向说明", max_length=200, blank=True, help_text="如：定向用于某村受灾户")
    warehouse = models.ForeignKey("supplies.Warehouse", verbose_name="入库仓库", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    document = models.ForeignKey("supplies.StockDocument", verbose_name="入库单", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    goods_value = models.DecimalField("物资折价（元）", max_digits=14, decimal_places=2, default=Decimal(0))
    note = models.CharField("备注", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ByRegion.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "救灾捐赠"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.donor_shown}"

    @property
    def donor_shown(self) -> str:
        return "爱心人士（匿名）" if self.anonymous else self.donor


class DonationLine(models.Model):
    """One kind of goods received: the item of the supplies catalogue and the quantity."""
    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("supplies.Item", verbose_name="物资", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField("数量", max_digits=14, decimal_places=3)

    class Meta:
        verbose_name = verbose_name_plural = "捐赠物资明细"
        ordering = ["donation", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"


class Allocation(models.Model):
    """Where a donation went: to a town (and a household there), money or goods (out of the
    warehouse on an 出库单 its keepers post)."""
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="allocations")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    household = models.CharField("受助户", max_length=40, blank=True, help_text="发放到户时填户主姓名（公开时部分隐去）")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, default=Decimal(0))
    item = models.ForeignKey("supplies.Item", verbose_name="物资", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    quantity = models.DecimalField("数量", max_digits=14, decimal_places=3, default=Decimal(0))
    document = models.ForeignKey("supplies.StockDocument", verbose_name="出库单", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    purpose = models.CharField("用途", max_length=200)
    allocated_on = models.DateField("分配日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = ByDonation.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "捐赠分配"
        ordering = ["-allocated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.donation.number} → {self.town.name}"


# ----- relief funds -----

class Source(models.TextChoices):
    CENTRAL = "central", "中央"
    CITY = "city", "市级"
    DISTRICT = "district", "区级"
    DONATION = "donation", "捐赠"


class Fund(models.Model):
    """下拨: relief money sent down to a town, by source."""
    region = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("资金来源", max_length=10, choices=Source.choices)
    amount = models.DecimalField("下拨金额（元）", max_digits=14, decimal_places=2)
    allocated_on = models.DateField("下拨日期")
    reference = models.CharField("文号", max_length=60, blank=True, help_text="如：铜应急发〔2026〕12号")
    purpose = models.CharField("用途", max_length=200, help_text="如：冬春救助、倒损住房恢复重建")
    round = models.ForeignKey(Round, verbose_name="冬春救助", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="funds")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ByRegion.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "救灾资金下拨"
        ordering = ["-allocated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.region.name} {self.get_source_display()} {self.amount}"


class FundUse(models.Model):
    """How a town used its relief money: to households or to projects."""

    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", "发放到户"
        PROJECT = "project", "项目支出"

    region = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("资金来源", max_length=10, choices=Source.choices)
    kind = models.CharField("使用方式", max_length=12, choices=Kind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    used_on = models.DateField("支出日期")
    description = models.CharField("说明", max_length=200, help_text="如：冬春救助发放 38 户；临时安置点被褥采购")
    households = models.PositiveIntegerField("受益户数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ByRegion.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "救灾资金使用"
        ordering = ["-used_on", "-id"]

    def __str__(self) -> str:
        return f"{self.region.name} {self.description}"


class Finding(models.Model):
    """监督检查发现的问题 (seed 001「对监督检查中发现的贪污挪用、截留私分、虚报冒领救灾款物等行为，
    坚决依法依规处理」): what, where, how much, and how it was dealt with."""

    class Kind(models.TextChoices):
        EMBEZZLEMENT = "embezzlement", "贪污挪用"
        WITHHOLDING = "withholding", "截留私分"
        FALSE_CLAIM = "false_claim", "虚报冒领"
        FAVOURITISM = "favouritism", "优亲厚友"
        DELAY = "delay", "滞留延压"
        OTHER = "other", "其他违规"

    class Status(models.TextChoices):
        OPEN = "open", "处理中"
        CLOSED = "closed", "已办结"

    region = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("问题类型", max_length=16, choices=Kind.choices)
    unit_name = models.CharField("涉及单位", max_length=100, help_text="如：某村村民委员会")
    amount = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, default=Decimal(0))
    found_on = models.DateField("发现日期")
    description = models.TextField("问题描述")
    handling = models.TextField("处理情况", blank=True, help_text="追回款物、党纪政务处分、移送司法机关等")
    follow_up = models.TextField("整改跟踪", blank=True)
    recovered = models.DecimalField("已追回金额（元）", max_digits=14, decimal_places=2, default=Decimal(0))
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ByRegion.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "监督检查发现的问题"
        ordering = ["-found_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.unit_name}"
