import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.campaigns.models import Campaign
from anying.campaigns.services import taggable
from anying.core import attachments
from anying.core.forms import Styled
from anying.core.models import Industry
from anying.core.permissions import is_enterprise_user
from anying.registry.forms import DateInput

from .criteria import criteria_for
from .models import (
    ChecklistTemplate,
    Hazard,
    RectificationPlan,
    RoundResult,
    SelfInspectionSchedule,
    Supervision,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one input; each is checked by core.attachments when stored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError("请上传至少一个文件")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def offer_campaigns(form, user, enterprise, field: str = "campaign") -> None:
    """The 专项行动 a record of `enterprise` may be tagged with today; the field goes when none runs."""
    running = taggable(user, enterprise, timezone.localdate()) if user is not None and enterprise is not None else []
    if not running:
        del form.fields[field]
        return
    form.fields[field].queryset = Campaign.objects.filter(pk__in=[c.pk for c in running])
    form.fields[field].help_text = "在专项行动中发现的，请选择，计入该行动的统计"


class HazardForm(Styled, forms.ModelForm):
    photos = MultipleFileField(label="现场照片", required=False)

    class Meta:
        model = Hazard
        fields = ["place", "description", "category", "accident_type", "level", "criterion", "channel",
                  "found_by", "found_on", "campaign"]
        widgets = {"found_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, enterprise=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria_for(enterprise)
        self.fields["criterion"].label_from_instance = lambda c: f"{c.reference} {c.text[:60]}"
        self.fields["criterion"].help_text = "重大事故隐患必选；只列出适用于本企业行业的判定标准"
        offer_campaigns(self, user, enterprise)
        if user is not None and is_enterprise_user(user):
            self.fields["channel"].choices = [(Hazard.Channel.SELF, Hazard.Channel.SELF.label)]
        else:
            self.fields["channel"].choices = [c for c in Hazard.Channel.choices if c[0] != Hazard.Channel.SELF]


class TransitionForm(Styled, forms.Form):
    comment = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    evidence = MultipleFileField(label="整改后照片或材料", required=False)
    responsible_person = forms.CharField(label="整改责任人", max_length=50, required=False)
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    funds = forms.DecimalField(label="整改资金（元）", max_digits=12, decimal_places=2, required=False, min_value=0)
    deadline = forms.DateField(label="整改期限", widget=DateInput(), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)  # what the page showed: stale → refused


class PlanForm(Styled, forms.ModelForm):
    class Meta:
        model = RectificationPlan
        fields = RectificationPlan.ELEMENTS
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in RectificationPlan.ELEMENTS}


class ExtensionForm(Styled, forms.Form):
    new_deadline = forms.DateField(label="申请延至", widget=DateInput())
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(Styled, forms.Form):
    approve = forms.TypedChoiceField(label="答复", choices=[("1", "同意延期"), ("0", "不同意")], coerce=lambda v: v == "1")
    answer = forms.CharField(label="答复意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SupervisionForm(Styled, forms.Form):
    level = forms.ChoiceField(label="督办级别", choices=Supervision.Level.choices)
    requirements = forms.CharField(label="督办要求", widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.DateField(label="办结期限", widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # only the levels the user's unit may issue (authority.py)
            from .authority import supervision_levels

            self.fields["level"].choices = supervision_levels(user)


class ProgressForm(Styled, forms.Form):
    content = forms.CharField(label="本周治理进展", widget=forms.Textarea(attrs={"rows": 2}))


class ChecklistForm(Styled, forms.Form):
    name = forms.CharField(label="清单名称", max_length=100)
    use = forms.ChoiceField(label="用途", choices=ChecklistTemplate.Use.choices)
    industry = forms.ModelChoiceField(label="适用行业", queryset=Industry.objects.all(), required=False,
                                      help_text="留空表示适用于所有行业；选中的行业含其下级行业")
    items_text = forms.CharField(label="检查项（每行一项）", widget=forms.Textarea(attrs={"rows": 10}), required=False,
                                 help_text="依据判定标准生成的条目（标为重大）保留在清单中，这里只填写自定义检查项")

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["use"]
        elif user is not None and not user.has_perm_code("hazards.supervise"):
            self.fields["use"].choices = [c for c in ChecklistTemplate.Use.choices
                                          if c[0] != ChecklistTemplate.Use.INSPECTION]


class ScheduleForm(Styled, forms.ModelForm):
    class Meta:
        model = SelfInspectionSchedule
        fields = ["name", "frequency", "workdays", "checklist", "assignee", "active"]

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = ChecklistTemplate.objects.filter(pk__in=[c.pk for c in choices])


class ChecklistResults:
    """A form's fields for answering a checklist: a result per item; a 不符合 needs what was
    found, and may say where and bring photos (it becomes a hazard). Used by self-inspection
    rounds and by inspections.

    A refused save keeps the photos (a browser never fills a file input back in): the view calls
    `held_photos(user)` on every request, which holds each post's uploads under the form's random
    token (core.attachments.hold) and drops those ticked 移除; the page lists them
    (hazards/_held_photos.html) and carries the token; `findings` hands them to the service, which
    attaches them, and `release_photos` drops the unused ones once the record is saved."""

    RESULTS = RoundResult.Result.choices
    HELD_AS = "checklist"  # what the form is, in the key its photos are held under

    def add_item_fields(self, items) -> None:
        self.items = list(items)
        self.held = None  # item id → held photos, once `held_photos` has run
        token = self.data.get("form_token", "") if self.is_bound else ""
        self.token = token if FORM_TOKEN.fullmatch(token) else secrets.token_urlsafe(16)
        small = {"class": "form-control form-control-sm"}  # added after Styled has run
        for item in self.items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.text, choices=self.RESULTS, initial="ok", widget=forms.RadioSelect(attrs={"class": "btn-check"}))
            self.fields[f"note_{item.pk}"] = forms.CharField(label="发现的问题", max_length=500, required=False,
                                                             widget=forms.TextInput(attrs=small))
            self.fields[f"place_{item.pk}"] = forms.CharField(label="部位", max_length=200, required=False,
                                                              widget=forms.TextInput(attrs=small))
            self.fields[f"photos_{item.pk}"] = MultipleFileField(
                label="照片", required=False, widget=MultipleFileInput(attrs={**small, "accept": "image/*"}))

    def rows(self):
        """(item, result, note, place, photos) bound fields, for the template."""
        return [(item, self[f"result_{item.pk}"], self[f"note_{item.pk}"], self[f"place_{item.pk}"],
                 self[f"photos_{item.pk}"]) for item in self.items]

    def findings(self, finding_class) -> dict:
        """item id → finding_class(result, note, place, photos) from the cleaned data; the photos
        are the held ones (this post's new ones are among them)."""
        if self.held is None:
            raise RuntimeError("ChecklistResults.held_photos must run before findings")
        data = self.cleaned_data
        return {i.pk: finding_class(result=data[f"result_{i.pk}"], note=data[f"note_{i.pk}"],
                                    place=data[f"place_{i.pk}"], photos=tuple(self.held[i.pk]))
                for i in self.items}

    def _photo_key(self, item_pk: int | None = None) -> str:
        return f"{self.HELD_AS}:{self.token}:" + (f"{item_pk}:" if item_pk is not None else "")

    def held_photos(self, user) -> dict[int, list]:
        """Hold this post's new photos and drop those ticked 移除; item id → the photos `user`
        holds for this form (only the uploader's: a token posted by anyone else finds nothing)."""
        if self.is_bound:
            drop = [int(v) for v in _values(self.data, "drop_photo") if v.isdigit()]
            if drop:
                attachments.release(user, self._photo_key(), only=drop)
            for item in self.items:
                name = f"photos_{item.pk}"
                if name in self.errors:
                    continue
                for upload in _values(self.files, name):
                    try:
                        attachments.hold(user, upload, self._photo_key(item.pk))
                    except ValidationError as exc:
                        self.add_error(name, exc)
        self.held = {item.pk: [] for item in self.items}
        for photo in attachments.held(user, self._photo_key()):
            item_pk = photo.object_id.rsplit(":", 2)[-2]
            if item_pk.isdigit() and int(item_pk) in self.held:
                self.held[int(item_pk)].append(photo)
        return self.held

    def release_photos(self, user) -> None:
        """After a save: drop what is still held (photos of items not found 不符合)."""
        attachments.release(user, self._photo_key())


FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,32}")


def _values(multi, name: str) -> list:
    """All values of `name` in request data (a plain dict, as tests pass, has no getlist)."""
    return multi.getlist(name) if hasattr(multi, "getlist") else []


class RoundForm(ChecklistResults, Styled, forms.Form):
    """One self-inspection round, done on one of the days it may be recorded for."""

    HELD_AS = "round"

    day = forms.DateField(label="排查日期", required=False, widget=forms.Select)
    inspectors = forms.CharField(label="排查人员", max_length=100)
    note = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, items=(), days=(), today=None, **kwargs):
        from anying.core import periods

        from .self_inspection import BACKFILL_DAYS

        super().__init__(*args, **kwargs)
        self.fields["day"].widget.choices = [
            (d.isoformat(), f"{d:%Y-%m-%d}（{periods.weekday(d)}{'，今天' if d == today else ''}）") for d in days]
        self.fields["day"].help_text = f"只列出可以记录的日期：{BACKFILL_DAYS} 天内、未记录过的工作日"
        self.add_item_fields(items)
