"""A mine's key people on site (issue #19 point 8; docs/onsite.md).

`OnsiteDay` is one day the 实际控制人 or the 总工程师 (registry.KeyPerson of those kinds) was on
site, with what they did; `Meeting` is the monthly meeting on major safety questions with its
minutes (the scan is an attachment). The month's table (services.month_table) counts the
working days of each person against the minimums of data/minimums.csv (seed 001)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise, KeyPerson


class ByEnterprise(ScopedQuerySet):
    scope_fields = {"region": "enterprise__region", "industry": "enterprise__industry",
                    "organisation": "enterprise__organisation"}


ONSITE_KINDS = (KeyPerson.Kind.ACTUAL_CONTROLLER, KeyPerson.Kind.CHIEF_ENGINEER)


class OnsiteDay(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="onsite_days")
    person = models.ForeignKey(KeyPerson, verbose_name="人员", on_delete=models.PROTECT, related_name="onsite_days")
    day = models.DateField("日期")
    work = models.CharField("履职内容", max_length=300, help_text="如：带班下井检查采场顶板、主持安全例会")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "在岗履职登记"
        ordering = ["-day", "person_id"]
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="onsite_day_once")]
        indexes = [models.Index(fields=["enterprise", "day"], name="onsite_enterprise_day")]

    def __str__(self) -> str:
        return f"{self.person.name} {self.day}"

    @property
    def late(self) -> bool:
        """Recorded after its month had ended (补录): shown, and counted, but flagged."""
        recorded = self.created_at.date()
        return (recorded.year, recorded.month) > (self.day.year, self.day.month)


class Meeting(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="onsite_meetings")
    held_on = models.DateField("会议日期")
    topics = models.CharField("研究的安全生产重大问题", max_length=500)
    attendees = models.CharField("参会人员", max_length=300)
    minutes = models.TextField("会议纪要", max_length=5000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "安全生产重大问题会议纪要"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "held_on"], name="onsite_meeting_day")]

    def __str__(self) -> str:
        return f"{self.held_on} 会议纪要"
