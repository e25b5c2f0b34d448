"""The filters of 系统管理's lists: units, users and the audit log (core/filters.py)."""

from __future__ import annotations

import ipaddress

from django.db.models import Q

from .filters import ChoiceFilter, DateFilter, IdFilter, ListFilter, TextFilter
from .models import AuditEvent, Organisation
from .roles import Role


class UnitFilter(ListFilter):
    kind = ChoiceFilter(label="类型", choices=Organisation.Kind.choices)
    q = TextFilter(label="搜索", method="search", help_text="单位或区划名称包含")

    sort_columns = {"name": "name", "region": "region__path", "kind": "kind"}
    default_sort = "region"

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(region__name__icontains=value))


class UserFilter(ListFilter):
    role = ChoiceFilter(label="角色", choices=Role.choices)
    unit = IdFilter(label="单位", record=Organisation, field_name="unit_id")
    q = TextFilter(label="搜索", method="search", help_text="用户名、姓名或单位包含")

    sort_columns = {"username": "username", "unit": "unit__name", "role": "role", "last_login": "last_login"}
    default_sort = "username"

    def search(self, qs, name, value):
        return qs.filter(Q(username__icontains=value) | Q(display_name__icontains=value) | Q(unit__name__icontains=value))


class AuditFilter(ListFilter):
    actor = TextFilter(label="操作人", method="by_actor")
    action = ChoiceFilter(label="操作", choices=AuditEvent.Action.choices)
    q = TextFilter(label="对象或摘要", method="search")
    ip = TextFilter(label="IP", method="by_ip")
    date_from = DateFilter(label="起始日期", field_name="at__date", lookup_expr="gte")
    date_to = DateFilter(label="截止日期", field_name="at__date", lookup_expr="lte")

    def by_actor(self, qs, name, value):
        return qs.filter(Q(actor__username__icontains=value) | Q(actor__display_name__icontains=value))

    def search(self, qs, name, value):
        return qs.filter(Q(object_repr__icontains=value) | Q(summary__icontains=value))

    def by_ip(self, qs, name, value):
        # not an address: nothing was done from it (the column holds addresses only)
        try:
            ipaddress.ip_address(value)
        except ValueError:
            return qs.none()
        return qs.filter(ip=value)
