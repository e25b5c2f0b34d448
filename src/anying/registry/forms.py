from django import forms

from anying.core.forms import Styled
from anying.core.models import Industry, Region
from anying.core.permissions import is_enterprise_user
from anying.core.scope import region_subtree_q

from . import creditcode
from .models import Enterprise, KeyPerson, Post, PostCard, ResponsiblePerson, RiskTag
from .services import ENTERPRISE_OWN_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def industry_label(industry: Industry) -> str:
    return ("　" * max(industry.depth, 0)) + industry.name


class EnterpriseForm(Styled, forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(RiskTag.objects.all(), required=False, label="风险标签",
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Enterprise
        fields = [
            "name", "credit_code", "region", "industry", "scale", "employees", "status", "address",
            "legal_representative", "contact_name", "contact_phone", "tags", "longitude", "latitude", "coord_system",
            "std_grade", "std_status", "std_certificate_date", "std_expiry_date", "std_note",
            "insurer", "insurance_policy", "insurance_start", "insurance_end",
        ]
        widgets = {f: DateInput() for f in ("std_certificate_date", "std_expiry_date", "insurance_start", "insurance_end")}

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    sections = [
        ("基本信息", ["name", "credit_code", "region", "industry", "scale", "employees", "status", "address",
                  "legal_representative", "contact_name", "contact_phone", "tags"]),
        ("位置", ["longitude", "latitude", "coord_system"]),
        ("安全生产标准化", ["std_grade", "std_status", "std_certificate_date", "std_expiry_date", "std_note"]),
        ("安全生产责任保险", ["insurer", "insurance_policy", "insurance_start", "insurance_end"]),
    ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        towns = Region.objects.filter(level=Region.Level.TOWN)
        if user is not None and not is_enterprise_user(user):
            towns = towns.filter(region_subtree_q(user, ""))  # only towns the user may place a record in
        self.fields["region"].queryset = towns
        self.fields["industry"].label_from_instance = industry_label
        self.fields["credit_code"].help_text = "18 位，按 GB 32100 校验"
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.updated_at.isoformat()
        self.fields["std_expiry_date"].help_text = "留空则按证书日期加 3 年"
        if user is not None and is_enterprise_user(user):
            for name, field in self.fields.items():
                if name not in ENTERPRISE_OWN_FIELDS and name != "version":
                    field.disabled = True

    def record_data(self) -> dict:
        """The cleaned values the service stores: not the tags (set apart), the version or
        fields this user may not change (disabled)."""
        return {k: v for k, v in self.cleaned_data.items()
                if k not in ("tags", "version") and not self.fields[k].disabled}

    def clean_credit_code(self):
        code = creditcode.normalise(self.cleaned_data.get("credit_code", ""))
        reason = creditcode.problem(code)
        if reason:
            raise forms.ValidationError(reason)
        return code

    def grouped(self):
        return [(title, [self[name] for name in names]) for title, names in self.sections]


class ResponsiblePersonForm(Styled, forms.ModelForm):
    class Meta:
        model = ResponsiblePerson
        fields = ["kind", "name", "title", "phone"]


class KeyPersonForm(Styled, forms.ModelForm):
    class Meta:
        model = KeyPerson
        fields = ["kind", "name", "certificate_type", "certificate_no", "certificate_expiry", "title_level",
                  "experience_years", "field_of_study"]
        widgets = {"certificate_expiry": DateInput()}
        help_texts = {"title_level": "总工程师填写：须中级及以上", "experience_years": "总工程师填写：须五年以上"}


class PostForm(Styled, forms.ModelForm):
    class Meta:
        model = Post
        fields = ["name", "department", "headcount"]


class PostCardForm(Styled, forms.ModelForm):
    attachment = forms.FileField(label="附件（扫描件或照片）", required=False)

    class Meta:
        model = PostCard
        fields = ["kind", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 5})}


class ImportForm(Styled, forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
    valid_only = forms.BooleanField(label="仅导入无误的行（有错误的行跳过）", required=False)

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.ANYING_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(f"文件过大（上限 {settings.ANYING_MAX_UPLOAD_MB} MB），请分批导入")
        return upload


class AccountForm(Styled, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=50, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput,
                               help_text="至少 8 位，含大写字母、小写字母、数字、符号中的至少三类")
