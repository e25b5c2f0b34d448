"""The list kit's filters (issue #12 point 4): one `ListFilter` (a django-filter FilterSet) per
list, read by its page, its export and its API list alike, so the three always filter the same.

- **Pages are lenient** (`from_params`): every value is cleaned with `textinput.lenient` and cut
  at `TEXT_LIMIT` characters, and a value that does not validate (an id like ², a date like
  2026-13-01, an unknown choice) is ignored — the list is unfiltered for that parameter, never a
  500 — because links and bookmarks in the wild carry whatever they carry. `ignored` names them.
- **The API is strict** (`from_api`): the same FilterSet validates, and an invalid value is a
  422 with the field's Chinese message at `["query", name]`, so an integration never gets a
  silently wider list. `Params` — a pydantic schema generated from the filters — is what the
  ninja view declares (`filters: Query[HazardFilter.Params]`), so the OpenAPI docs list every
  parameter with its type, range and choices without a second, hand-kept copy.
- **Sorting** stays under the URL key `sort` (`-found_on`): `sort_columns` whitelists the
  columns and `default_sort` is used for anything else (`core.listing.order`).

Every filter has a Chinese `label` (the export's title row and the API docs read it) and may
take `help_text` (the API docs' description). `page_default` gives a page the value it shows
when the parameter is absent or ignored (this year's accidents); the API has no such default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django_filters.constants import EMPTY_VALUES
from django_filters.filterset import FilterSetMetaclass
from ninja.errors import ValidationError as RequestValidationError
from pydantic import Field, create_model

from . import exports, textinput
from .api_input import InputSchema
from .listing import MAX_ID, order, parse_id

TEXT_LIMIT = 100


# --- form fields: what one parameter accepts -----------------------------------------------------

class TextField(forms.CharField):
    """Single-line text under the input policy: line-break look-alikes become spaces, control
    characters are refused."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return textinput.clean(value, multiline=False).strip()
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code=textinput.CODE) from None


class IdField(forms.Field):
    """A record id: ASCII digits, 1 to the largest bigint (not ², 1e9 or an overflow)."""

    default_error_messages = {"invalid": "应为有效的 id"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = parse_id(str(value))
        if found is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return found


class FlagField(forms.Field):
    """A tick box: 1 (what the pages send) or true (what the API takes) is set. Unset is None, so
    an unticked flag filters nothing."""

    default_error_messages = {"invalid": "应为 1 或 0"}
    TRUE, FALSE = {"1", "true", "on", "yes"}, {"", "0", "false", "off", "no"}

    def to_python(self, value):
        if isinstance(value, bool) or value is None:
            return value or None
        value = str(value).strip().lower()
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return None
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class DateField(forms.Field):
    """An ISO date (2026-01-31); a longer value is read up to its date (2026-01-31T08:00)."""

    default_error_messages = {"invalid": "日期格式应为 2026-01-31"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class IntField(forms.IntegerField):
    default_error_messages = {"invalid": "应为整数", "min_value": "不能小于 %(limit_value)s",
                              "max_value": "不能大于 %(limit_value)s"}


class YearField(IntField):
    """A year; `all_value` (the accident list's 全部年度) passes as itself."""

    def __init__(self, *, all_value: str | None = None, **kwargs):
        self.all_value = all_value
        super().__init__(**kwargs)

    def to_python(self, value):
        if self.all_value is not None and value == self.all_value:
            return value
        return super().to_python(value)

    def validate(self, value):
        if value is None or value != self.all_value:
            super().validate(value)

    def run_validators(self, value):
        if value is None or value != self.all_value:
            super().run_validators(value)


# --- filters: one parameter, its form field, its API type and how it reads in an export ----------

class _Kit:
    """What every kit filter adds to django-filter's: the page default, the API schema field and
    how `describe` shows the value."""

    empty: Any = None

    def __init__(self, *args, page_default=None, **kwargs):
        self.page_default = page_default
        super().__init__(*args, **kwargs)

    def schema_field(self) -> tuple[Any, Any]:
        """(type, pydantic Field) of the API parameter; every kit filter class declares its own."""
        raise NotImplementedError(f"{type(self).__name__} declares no API parameter type")

    def describe_how(self):
        return None

    @property
    def description(self) -> str:
        return str(self.extra.get("help_text") or self.label)


class TextFilter(_Kit, django_filters.CharFilter):
    """Free text, at most `max_length` characters (a page cuts longer text to that)."""

    field_class = TextField
    empty = ""

    def __init__(self, *args, max_length: int = TEXT_LIMIT, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    def schema_field(self):
        return str, Field("", max_length=self.extra["max_length"], description=self.description)


class ChoiceFilter(_Kit, django_filters.ChoiceFilter):
    """One of `choices` (a Django choices class's `.choices`, plus any list-only value such as
    open = not closed, given a `method`)."""

    field_class = forms.ChoiceField
    empty = ""

    def schema_field(self):
        values = [str(value) for value, _ in self.extra["choices"]]
        return str, Field("", description=f"{self.description}：{' / '.join(values)}",
                          json_schema_extra={"enum": values})

    def describe_how(self):
        return {str(value): str(label) for value, label in self.extra["choices"]}


class IdFilter(_Kit, django_filters.Filter):
    """A record's id. `record` is the model the id names (for the export's title row)."""

    field_class = IdField

    def __init__(self, *args, record: type[models.Model] | None = None, **kwargs):
        self.record = record
        super().__init__(*args, **kwargs)

    def schema_field(self):
        return int | None, Field(None, ge=1, le=MAX_ID, description=self.description)

    def describe_how(self):
        return self.record


class IntFilter(_Kit, django_filters.Filter):
    """A whole number between `min_value` and `max_value`."""

    field_class = IntField

    def schema_field(self):
        return int | None, Field(None, ge=self.extra.get("min_value"), le=self.extra.get("max_value"),
                                 description=self.description)


class YearFilter(IntFilter):
    """A year, 2000–2100; a page may also accept `all_value`."""

    field_class = YearField

    def __init__(self, *args, all_value: str | None = None, **kwargs):
        super().__init__(*args, min_value=2000, max_value=2100, all_value=all_value, **kwargs)

    def filter(self, qs, value):
        return qs if value == self.extra["all_value"] else super().filter(qs, value)


class DateFilter(_Kit, django_filters.Filter):
    field_class = DateField

    def schema_field(self):
        return dt.date | None, Field(None, description=f"{self.description}（2026-01-31）")


class FlagFilter(_Kit, django_filters.Filter):
    """A tick box: filters only when set (`method`, or `field_name` = True)."""

    field_class = FlagField
    empty = False

    def schema_field(self):
        return bool, Field(False, description=self.description)


class _TreeFilter(IdFilter):
    """An id in a tree of records with a `path` (regions, industries): the records of its
    subtree; an id no record has lists nothing rather than everything."""

    tree, default_label, default_help = "", "", ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", self.default_label)
        kwargs.setdefault("help_text", self.default_help)
        super().__init__(*args, record=self._model(), **kwargs)

    def _model(self):
        from . import models

        return getattr(models, self.tree)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        path = self._model().objects.filter(pk=value).values_list("path", flat=True).first()
        return self.narrow(qs, path) if path else qs.none()

    def narrow(self, qs, path: str):
        """The records under `path`; RegionFilter and IndustryFilter each say how."""
        raise NotImplementedError(f"{type(self).__name__} does not say how to narrow to a subtree")


class RegionFilter(_TreeFilter):
    """A region id: the records of its subtree, by path (`field_name` being the region field)."""

    tree, default_label, default_help = "Region", "镇街", "区划 id（含下级）"

    def narrow(self, qs, path: str):
        return qs.filter(**{f"{self.field_name}__path__startswith": path})


class IndustryFilter(_TreeFilter):
    """An industry id: the records of it and its sub-industries, as literal ids (so an index on
    industry_id serves the list)."""

    tree, default_label, default_help = "Industry", "行业", "行业 id（含子行业）"

    def narrow(self, qs, path: str):
        from .models import Industry

        ids = list(Industry.objects.filter(path__startswith=path).values_list("id", flat=True))
        return qs.filter(**{f"{self.field_name}_id__in": ids})


# --- the FilterSet ---------------------------------------------------------------------------

class _NoQueryset:
    """Stands in when a filter is built before its queryset: `apply(qs)` then filters a scoped
    queryset; `.qs` has nothing to filter."""

    model = None

    def all(self):
        raise TypeError("give the scoped queryset: ListFilter(data, queryset) or flt.apply(queryset)")


def _raw(params: Mapping, name: str) -> str:
    value = params.get(name)
    return "" if value is None else str(value)


def _as_param(value) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class ListFilterMetaclass(FilterSetMetaclass):
    def __new__(mcs, name, bases, attrs):
        cls = super().__new__(mcs, name, bases, attrs)
        for key, f in cls.base_filters.items():
            if not isinstance(f, _Kit) or not f._label:
                raise TypeError(f"{name}.{key}: use a core.filters filter, with a Chinese label")
        fields = {key: f.schema_field() for key, f in cls.base_filters.items()}
        cls.Params = create_model(f"{name}Params", __base__=InputSchema, **fields)
        return cls


class ListFilter(django_filters.FilterSet, metaclass=ListFilterMetaclass):
    """Base of every list's filter. Build it with `from_params` (a page) or `from_api` (the API);
    read `values` (or `flt["q"]`, which templates use as `flt.q`), filter with `apply(qs)` (or `.qs`
    when built with the queryset), order with `sort(qs)`."""

    sort_columns: Mapping[str, str] = {}
    default_sort = ""

    def __init__(self, data=None, queryset=None, *, request=None, page: bool = False):
        super().__init__({} if data is None else data, _NoQueryset() if queryset is None else queryset,
                         request=request)
        self.page = page  # built for a page: page defaults apply
        self.sort_key = ""

    @classmethod
    def from_params(cls, params: Mapping, queryset=None, *, request=None) -> ListFilter:
        """A page's filter from its query string (lenient, see the module)."""
        data = {name: textinput.lenient(_raw(params, name)).strip()[:f.extra.get("max_length") or TEXT_LIMIT]
                for name, f in cls.base_filters.items()}
        flt = cls(data, queryset, request=request, page=True)
        flt.sort_key = textinput.lenient(_raw(params, "sort")).strip()
        return flt

    @classmethod
    def from_api(cls, params: InputSchema, queryset=None, *, request=None) -> ListFilter:
        """The API's filter from the validated `Params`; an invalid value is a 422."""
        data = {name: _as_param(value) for name, value in params.model_dump().items() if value is not None}
        flt = cls(data, queryset, request=request)
        if not flt.is_valid():
            raise RequestValidationError([{"loc": ["query", name], "msg": message, "type": "value_error"}
                                          for name, messages in flt.errors.items() for message in messages])
        return flt

    @cached_property
    def values(self) -> dict[str, Any]:
        """Every parameter's value: cleaned, or its page default, or empty ("", None, False)."""
        self.form.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        values = {}
        for name, f in self.filters.items():
            value = cleaned.get(name)
            if value in EMPTY_VALUES and self.page and f.page_default is not None:
                value = f.page_default() if callable(f.page_default) else f.page_default
            values[name] = f.empty if value in EMPTY_VALUES else value
        return values

    def __getitem__(self, name: str):
        return self.values[name]

    @property
    def ignored(self) -> list[str]:
        """The page parameters given a value that did not validate (and so filter nothing)."""
        self.form.is_valid()
        return [name for name in self.form.errors if name in self.filters]

    @property
    def active(self) -> bool:
        """Whether a parameter given filters the list (for a 清除条件 link; page defaults aside)."""
        self.form.is_valid()
        return any(value not in EMPTY_VALUES for value in getattr(self.form, "cleaned_data", {}).values())

    def apply(self, queryset, **overrides):
        """`queryset` (already scoped) filtered by the values; `overrides` replace some of them
        (a page that resolves a parameter itself, such as the key-task table shown)."""
        for name, value in {**self.values, **overrides}.items():
            # an unticked flag is False for templates, but filters nothing
            queryset = self.filters[name].filter(queryset, None if value is False else value)
        return queryset

    def filter_queryset(self, queryset):
        return self.apply(queryset)

    def sort(self, queryset):
        """The queryset ordered by the page's `sort` (whitelisted) and that sort's key."""
        return order(queryset, self.sort_key or self.default_sort, self.sort_columns, self.default_sort)

    def describe(self, only: list[str] | None = None) -> list[tuple[str, str]]:
        """The filter in use as (label, text) pairs for an export's title row; records named
        only within the requesting user's scope."""
        fields = {name: (str(f.label), f.describe_how()) for name, f in self.filters.items()
                  if only is None or name in only}
        user = getattr(self.request, "user", None) if self.request is not None else None
        return exports.describe(self.values, fields, user)

    def audit_values(self, only: list[str] | None = None) -> dict[str, Any]:
        """The values for the export's audit event."""
        return {name: value for name, value in self.values.items() if only is None or name in only}

