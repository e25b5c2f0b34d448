from functools import partial

from django import forms

from . import textinput
from .models import Industry, NotificationPreference, Organisation, Region, User
from .permissions import is_enterprise_user
from .roles import Role


class ScopedChoices:
    """Forms whose region or unit choices are limited to the acting admin's region subtree.
    Subclasses set their base querysets in __init__ and then call `scope_choices()`."""

    scoped_fields: dict[str, str] = {}  # form field → path to its region, "" for a Region field

    def __init__(self, *args, user=None, **kwargs):
        self.scope_user = user
        super().__init__(*args, **kwargs)

    def scope_choices(self) -> None:
        if self.scope_user is None:
            return
        from .scope import region_subtree_q

        for name, region_field in self.scoped_fields.items():
            field = self.fields[name]
            field.queryset = field.queryset.filter(region_subtree_q(self.scope_user, region_field))


class CleanText:
    """The input policy (core/textinput.py) on every text field of the form: a field whose widget
    is a text area is multi-line, every other text field single-line. Fields are wrapped when the
    form is cleaned, so fields a subclass adds in its __init__ are covered too."""

    def full_clean(self):
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not getattr(field, "text_policy", False):
                field.text_policy = True
                field.to_python = _policed(field.to_python, isinstance(field.widget, forms.Textarea))
        super().full_clean()


def _policed(to_python, multiline: bool):
    def to_python_then_clean(value):
        value = to_python(value)
        return textinput.clean(value, multiline=multiline) if isinstance(value, str) else value

    return to_python_then_clean


class Styled(CleanText):
    """Gives every widget its Bootstrap class, so templates render fields uniformly (and, through
    CleanText, the input policy to every text field)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if getattr(field, "empty_label", None):
                field.empty_label = "请选择"
            elif isinstance(field, forms.ChoiceField) and field.choices and list(field.choices)[0] == ("", "---------"):
                field.choices = [("", "请选择"), *list(field.choices)[1:]]
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):  # and CheckboxSelectMultiple
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:  # outline the input itself, not only the message under it
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class LoginForm(Styled, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


class OrganisationForm(ScopedChoices, Styled, forms.ModelForm):
    scoped_fields = {"region": ""}

    supervised_industries = forms.ModelMultipleChoiceField(
        Industry.objects.all(), required=False, label="监管行业",
        widget=forms.CheckboxSelectMultiple, help_text="部门按行业监管时勾选；镇街应急办留空（属地监管全部行业）",
    )
    remove_template = forms.BooleanField(label="恢复默认版式（删除本单位上传的模板）", required=False)

    class Meta:
        model = Organisation
        fields = ["name", "kind", "region", "supervised_industries", "contact_phone", "full_name", "doc_prefix",
                  "document_template", "is_active"]
        widgets = {"document_template": forms.FileInput(attrs={"accept": ".docx"})}  # no stored file name shown

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in Organisation.Kind.choices
                                       if c[0] not in (Organisation.Kind.ENTERPRISE, Organisation.Kind.RESCUE_TEAM)]
        self.fields["region"].queryset = Region.objects.all()  # a village committee sits on its village
        self.fields["supervised_industries"].label_from_instance = lambda i: ("— " * max(i.depth, 0)) + i.name
        self.scope_choices()

    def clean(self):
        data = super().clean()
        region, kind = data.get("region"), data.get("kind")
        if region is not None and kind:
            at_village = region.level == Region.Level.VILLAGE
            if at_village != (kind == Organisation.Kind.VILLAGE_COMMITTEE):
                self.add_error("region", "村（社区）委员会设在村（社区）；其他单位不能设在村（社区）")
        if data.get("remove_template"):
            data["document_template"] = False  # FileField.save_form_data clears the field
        return data

    def clean_document_template(self):
        from .officialdoc import check_template

        upload = self.cleaned_data.get("document_template")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            check_template(upload)
        return upload


class UserCreateForm(ScopedChoices, Styled, forms.ModelForm):
    scoped_fields = {"unit": "region"}

    password = forms.CharField(label="初始密码", widget=forms.PasswordInput(render_value=False),
                               help_text="至少 8 位，含大写字母、小写字母、数字、符号中的至少三类")

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "unit", "phone", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "请选择")] + list(Role.choices)
        self.fields["unit"].queryset = Organisation.objects.filter(is_active=True).exclude(
            kind__in=[Organisation.Kind.RESCUE_TEAM, Organisation.Kind.ENTERPRISE]).select_related("region")
        self.fields["unit"].help_text = "企业用户请在该企业详情页“责任人与人员”中开通账号"
        self.fields["unit"].required = True
        self.fields["role"].required = True
        self.scope_choices()


class UserEditForm(ScopedChoices, Styled, forms.ModelForm):
    scoped_fields = {"unit": "region"}

    class Meta:
        model = User
        fields = ["display_name", "role", "unit", "phone", "email", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organisation.objects.exclude(kind=Organisation.Kind.RESCUE_TEAM)
        if not is_enterprise_user(self.instance):
            self.fields["unit"].queryset = self.fields["unit"].queryset.exclude(kind=Organisation.Kind.ENTERPRISE)
        else:
            self.fields["unit"].queryset = Organisation.objects.filter(pk=self.instance.unit_id)
        self.scope_choices()
        self.fields["unit"].required = True


class PasswordForm(Styled, forms.Form):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput)
    confirm = forms.CharField(label="确认新密码", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("confirm"):
            self.add_error("confirm", "两次输入的密码不一致")
        return data


class OwnPasswordForm(PasswordForm):
    """A user changing their own password first proves they know the current one (as Django's
    PasswordChangeForm), so a session left open is not enough to take the account over. The
    service checks it, counting wrong guesses towards the login lockout."""

    current = forms.CharField(label="当前密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    field_order = ["current", "password", "confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("password", "confirm"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"


class EnterpriseAccountForm(PasswordForm):
    """Another account of the user's own enterprise (its 主要负责人's): no role or unit to choose,
    both follow from the enterprise user who opens it."""

    display_name = forms.CharField(label="姓名", max_length=50, help_text="如主要负责人的姓名")
    username = forms.CharField(label="用户名", max_length=150, help_text="登录用，字母、数字或 @ . + - _")
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    field_order = ["display_name", "username", "phone", "password", "confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "初始密码"
        self.fields["password"].help_text = "至少 8 位，含大写字母、小写字母、数字、符号中的至少三类"
        self.fields["confirm"].label = "确认初始密码"


class TokenForm(Styled, forms.Form):
    name = forms.CharField(label="用途", max_length=100, help_text="例如：企业数据对接、物联网网关")


class RegionForm(ScopedChoices, Styled, forms.ModelForm):
    scoped_fields = {"parent": ""}

    class Meta:
        model = Region
        fields = ["name", "level", "parent", "code", "is_park", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Region.objects.exclude(level=Region.Level.VILLAGE)
        self.fields["parent"].label_from_instance = lambda r: ("　" * max(r.depth, 0)) + r.name
        self.fields["code"].help_text = "12 位统计用区划代码，未知可留空"
        self.scope_choices()
        if self.instance.parent_id:  # an admin's own top region keeps its (out-of-territory) parent
            field = self.fields["parent"]
            field.queryset = field.queryset | Region.objects.filter(pk=self.instance.parent_id)


class NotificationPreferenceForm(Styled, forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email", "webhook", "webhook_url", "digest"]
        field_classes = {"webhook_url": partial(forms.URLField, assume_scheme="https")}

    def clean_webhook_url(self):
        from django.conf import settings

        from .notifications import robot_address_allowed

        url = self.cleaned_data["webhook_url"].strip()
        if url:
            if not robot_address_allowed(url):
                raise forms.ValidationError("只能填写企业微信或钉钉群机器人的 https 地址（"
                                            + "、".join(settings.ANYING_WEBHOOK_HOSTS) + "）")
        return url


class WordingForm(Styled, forms.Form):
    file = forms.FileField(label="措辞模板（.docx）", help_text="在默认模板上用 Word 修改措辞后上传；{{ }} 与 {% %} 标记须保留成对")
