"""Routine checks on a calendar (日周月): a schedule owes one round per period — a day (on its
working days), a week, a month or a quarter — and is *behind* when the last period that ended
has no round. The enterprise's 日周月排查 (hazards/self_inspection.py) and the warehouse checks
(supplies/rounds.py) are two uses of these rules; each binds a `Routine` to its own schedule and
round models and keeps what is particular to it (who records, what a round holds, what a failed
item leads to).

The pure date arithmetic (which period a day falls in, the last one due, the national holiday
calendar) is `core.periods`; this module adds what needs the models: the days a round may be
recorded for, the refusals of a day, "behind" as one filter, what is due now (待办), and the
`ScheduleState` view-model the pages show.

What is due is computed, never stored: a year of daily checks over 100,000 schedules is not 36
million placeholder rows. The schedule keeps `last_done_period` (set with each round) so "behind"
is one comparison per schedule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, DateField, Q, Value, When
from django.utils import timezone

from . import periods

# A check done on paper (a night shift, no signal in the workshop or the store) may be entered up
# to a week later with the day it was done (补录); older gaps stay gaps, so the rate shown to the
# town is not rewritten after the fact.
BACKFILL_DAYS = 7
LOOKBACK_DAYS = 30  # the window of the completion rate (已查 / 应查)


class Frequency(models.TextChoices):
    DAILY = "daily", "每日"
    WEEKLY = "weekly", "每周"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"


ORDER = [Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.QUARTERLY]


class RoutineSchedule(models.Model):
    """The fields the rules read. A concrete schedule adds what it belongs to (an enterprise, a
    warehouse), its name, who checks and what is checked; it may redeclare `workdays` to word
    the help text in its own terms."""

    frequency = models.CharField("频次", max_length=10, choices=Frequency.choices)
    workdays = models.CharField("工作日", max_length=7, default="12345",
                                help_text="仅每日排查：星期几需要排查，1=周一 … 7=周日")
    starts_on = models.DateField("起始日期")
    active = models.BooleanField("启用", default=True)
    # the start of the latest period with a recorded round, kept by `Routine.mark_done` so
    # "behind" is one comparison per schedule rather than a scan of its rounds
    last_done_period = models.DateField(null=True, blank=True, editable=False)

    Frequency = Frequency

    class Meta:
        abstract = True


@dataclass
class ScheduleState:
    """Where one schedule stands today, for the pages."""

    schedule: RoutineSchedule
    current: dt.date  # start of the period now open
    done_now: bool  # this period's round is recorded
    last_due: dt.date | None
    behind: bool  # the last period that ended was missed
    expected: int  # periods due in the look-back window
    done: int  # of which recorded
    recordable: list  # the days a round may be recorded for now, newest first (recordable_days)
    today: dt.date

    @property
    def today_open(self) -> bool:
        """开始检查 is offered: a round may be recorded for today."""
        return bool(self.recordable) and self.recordable[0] == self.today

    @property
    def catch_up(self) -> dt.date | None:
        """The latest earlier day still open for 补录, when today is not."""
        return None if self.today_open or not self.recordable else self.recordable[0]

    @property
    def rest_day(self) -> bool:
        """No daily check is owed today (not one of the schedule's working days)."""
        return self.schedule.frequency == Frequency.DAILY and not periods.is_workday(self.today,
                                                                                   self.schedule.workdays)

    @property
    def workdays_label(self) -> str:
        return periods.workdays_label(self.schedule.workdays)

    @property
    def current_label(self) -> str:
        return periods.label(self.schedule.frequency, self.current)

    @property
    def last_due_label(self) -> str:
        return periods.label(self.schedule.frequency, self.last_due) if self.last_due else ""

    @property
    def missed(self) -> int:
        return self.expected - self.done

    @property
    def short_name(self) -> str:
        return self.schedule.name


@dataclass(frozen=True)
class Routine:
    """The rules of one kind of routine check, bound to its models: `schedule_model` (a
    `RoutineSchedule`) and `round_model` (with a `schedule` foreign key and a `period_start`
    date, unique together). `noun` words the refusals: 排查 for the enterprise's self-inspection,
    检查 for a warehouse."""

    schedule_model: type
    round_model: type
    noun: str = "检查"
    state_class: type = ScheduleState
    backfill_days: int = BACKFILL_DAYS
    lookback_days: int = LOOKBACK_DAYS

    # ----- one schedule: its working days, which days a round may be recorded for -----

    def workdays_refused(self, schedule) -> str | None:
        """A daily check needs its working days (some of 1–7); None when the schedule is fine."""
        if schedule.frequency == Frequency.DAILY and not (schedule.workdays and set(schedule.workdays) <= set("1234567")):
            return f"请填写需要{self.noun}的星期几，如 12345 或 123456"
        return None

    def day_refused(self, schedule, day: dt.date, today: dt.date) -> str | None:
        """Why a round may not be recorded for `day` (leaving aside a round already there), or None."""
        noun = self.noun
        if day > today:
            return f"{noun}日期不能晚于今天"
        earliest = today - dt.timedelta(days=self.backfill_days)
        if day < earliest:
            return f"只能补录 {self.backfill_days} 天内的{noun}（最早 {earliest:%Y-%m-%d}）"
        if day < schedule.starts_on:
            return f"该{noun}计划自 {schedule.starts_on} 起执行"
        if schedule.frequency == Frequency.DAILY and not periods.is_workday(day, schedule.workdays):
            when = "今天" if day == today else f"{day.month}月{day.day}日"
            festival = periods.holiday(day, schedule.workdays)
            return (f"{when}（{periods.weekday(day)}{f'，{festival}假期' if festival else ''}）不是该日{noun}计划的工作日"
                    f"（{periods.workdays_label(schedule.workdays)}）")
        return None

    def recordable_days(self, schedule, today: dt.date | None = None, done: set[dt.date] | None = None) -> list[dt.date]:
        """The days a round of this schedule may be recorded for now, newest first: today and the
        backfill days before it, from the schedule's start, for a daily check only its working
        days, and only in periods without a round. The page offers exactly these (and 开始检查
        only when today is one), so it never offers a day that `open_period` would refuse.
        `done`: the period starts already recorded, when the caller has them."""
        today = today or timezone.localdate()
        if not schedule.active:
            return []
        if done is None:
            earliest = periods.start(schedule.frequency, today - dt.timedelta(days=self.backfill_days))
            done = set(self.round_model.objects.filter(schedule=schedule, period_start__gte=earliest)
                       .values_list("period_start", flat=True))
        days = []
        for back in range(self.backfill_days + 1):
            day = today - dt.timedelta(days=back)
            if self.day_refused(schedule, day, today) is None and periods.start(schedule.frequency, day) not in done:
                days.append(day)
        return days

    def already_text(self, schedule, period: dt.date) -> str:
        return f"{periods.label(schedule.frequency, period)}的{schedule.name}已经记录过了"

    def open_period(self, schedule, day: dt.date, today: dt.date) -> dt.date:
        """The period a round done on `day` covers, or ValidationError: the schedule stopped, a
        day refused (`day_refused`), or the period already recorded. Call it with the schedule
        row locked; the unique (schedule, period_start) constraint is the last guard."""
        if not schedule.active:
            raise ValidationError(f"该{self.noun}计划已停用")
        period = periods.start(schedule.frequency, day)
        refused = self.day_refused(schedule, day, today)
        if refused:
            raise ValidationError({"day": refused})
        if self.round_model.objects.filter(schedule=schedule, period_start=period).exists():
            raise ValidationError({"day": self.already_text(schedule, period)})
        return period

    def mark_done(self, schedule, period: dt.date) -> None:
        """A round of `period` was saved: keep `last_done_period` (never moved back by a 补录)."""
        self.schedule_model.objects.filter(pk=schedule.pk).filter(
            Q(last_done_period__isnull=True) | Q(last_done_period__lt=period)).update(last_done_period=period)

    # ----- many schedules: where they stand, who is behind, what is due -----

    def states(self, schedules, today: dt.date | None = None) -> list[ScheduleState]:
        """Where each schedule stands today; one query whatever the number of schedules."""
        today = today or timezone.localdate()
        schedules = sorted(schedules, key=lambda s: (not s.active, ORDER.index(s.frequency), s.pk))
        since = today - dt.timedelta(days=self.lookback_days)
        done_in_window: dict[int, set] = {}
        for sid, period in self.round_model.objects.filter(
                schedule__in=[s.pk for s in schedules], period_start__gte=since - dt.timedelta(days=92)).values_list(
                "schedule_id", "period_start"):
            done_in_window.setdefault(sid, set()).add(period)
        result = []
        for s in schedules:
            current = periods.start(s.frequency, today)
            due = periods.due_between(s.frequency, s.workdays, s.starts_on, since, today) if s.active else []
            last = periods.last_due(s.frequency, s.workdays, s.starts_on, today) if s.active else None
            done = done_in_window.get(s.pk, set())
            result.append(self.state_class(
                schedule=s, current=current, done_now=current in done, last_due=last,
                behind=last is not None and (s.last_done_period is None or s.last_done_period < last),
                expected=len(due), done=sum(1 for p in due if p in done),
                recordable=self.recordable_days(s, today, done), today=today))
        return result

    def behind_q(self, today: dt.date | None = None) -> Q:
        """Schedules whose last ended period has no round, as one filter: the last due period is
        the same for every schedule of one frequency and working-day pattern, so there are only a
        few distinct conditions, whatever the number of schedules."""
        today = today or timezone.localdate()
        q = Q(pk__in=[])
        patterns = (self.schedule_model.objects.filter(active=True).order_by()
                    .values_list("frequency", "workdays").distinct())
        for frequency, workdays in patterns:
            # starts_on only matters when the schedule is newer than the last due period
            last = periods.last_due(frequency, workdays, dt.date(2000, 1, 1), today)
            if last is None:
                continue
            missed = Q(last_done_period__isnull=True) | Q(last_done_period__lt=last)
            q |= Q(frequency=frequency, workdays=workdays, starts_on__lte=periods.end(frequency, last)) & missed
        return Q(active=True) & q

    def due_now_q(self, today: dt.date) -> Q:
        """Active schedules whose current period has no round yet (a daily check only on one of
        its working days), for the 待办."""
        current = Q(pk__in=[])
        for frequency in Frequency.values:
            start = periods.start(frequency, today)
            of_this = Q(frequency=frequency) & (Q(last_done_period__isnull=True) | Q(last_done_period__lt=start))
            if frequency == Frequency.DAILY:
                of_this &= Q(workdays__contains=str(today.isoweekday()))
            current |= of_this
        return current & Q(active=True, starts_on__lte=today)

    @staticmethod
    def period_end(today: dt.date) -> Case:
        """The end of the current period of each schedule's frequency, as an annotation (the 待办's
        `work_due`)."""
        return Case(*(When(frequency=f, then=Value(periods.end(f, periods.start(f, today)))) for f in Frequency.values),
                    output_field=DateField())
