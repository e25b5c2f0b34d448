"""专项行动 (issue #19 point 7; SEED-REQUIREMENTS F38): a campaign a government unit runs over
some industries of its territory, in phases — the enterprises' self-check first, then the
government's enforcement (003「先请各企业集中开展全面自查自改…然后再开展精准严格执法」) — with
its own table of items (003「各行业分别制定出台隐患摸排查整治表」). Hazards, inspections,
penalties and stoppages carry the campaign they were found or made under, so its statistics
count records rather than figures typed in.

The app sits just above `registry` so that the registers above it can point at a campaign; it
counts them through `hooks.COUNTERS`, which those apps fill in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from anying.core.models import Industry, Organisation, Region
from anying.core.scope import ENTERPRISE, GOVERNMENT, ScopedQuerySet, ancestor_paths, unit_region_path, viewer


class CampaignQuerySet(ScopedQuerySet):
    # handed down from the units above (a district's campaign reaches its towns and the
    # enterprises there), the unit's own, and for the government those of the units below
    scope_rule = "shared"
    scope_fields = {"owner": "owner"}

    def visible_to(self, user):
        """A campaign in preparation is the business of its unit and the units above it: announcing a
        planned sweep early would warn those it sweeps. An enterprise sees only the announced
        campaigns over its own industry (or over every industry)."""
        qs = super().visible_to(user)
        kind = viewer(user)
        if kind == GOVERNMENT:
            return qs.filter(~Q(status=Campaign.Status.DRAFT) | Q(owner_id=user.unit_id)
                             | Q(owner__region__path__startswith=unit_region_path(user)))
        if kind == ENTERPRISE:
            from anying.registry.models import Enterprise

            industry = Enterprise.objects.filter(organisation_id=user.unit_id).values_list("industry__path", flat=True).first()
            over = Q(industries__isnull=True) | Q(industries__path__in=ancestor_paths(industry or "/0/"))
            return qs.exclude(status=Campaign.Status.DRAFT).filter(
                pk__in=Campaign.objects.filter(over).values("pk"))
        return qs


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "筹备"
        ACTIVE = "active", "进行中"
        CLOSED = "closed", "已结束"

    name = models.CharField("名称", max_length=100)
    owner = models.ForeignKey(Organisation, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    industries = models.ManyToManyField(Industry, verbose_name="涉及行业", blank=True, related_name="+",
                                        help_text="不选即本辖区全部行业")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    goal = models.TextField("工作目标与重点", blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "专项行动"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    def phase_on(self, day) -> Phase | None:
        return next((p for p in self.phases.all() if p.starts_on <= day <= p.ends_on), None)


class Phase(models.Model):
    class Kind(models.TextChoices):
        SELF_CHECK = "self_check", "企业自查自改"
        ENFORCEMENT = "enforcement", "精准执法"
        CONSOLIDATION = "consolidation", "巩固提升"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField("阶段类别", max_length=14, choices=Kind.choices)
    name = models.CharField("阶段名称", max_length=50)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")

    class Meta:
        verbose_name = verbose_name_plural = "行动阶段"
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """A row of the campaign's 隐患摸排查整治表: what to check, and on what basis."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField("序号")
    category = models.CharField("类别", max_length=50, blank=True)
    content = models.CharField("排查内容", max_length=300)
    basis = models.CharField("依据", max_length=300, blank=True)
    industry = models.ForeignKey(Industry, verbose_name="适用行业", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "排查整治表条目"
        ordering = ["number", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="campaign_item_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.content}"
