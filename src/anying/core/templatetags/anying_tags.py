from django import template

from anying.core import amounts

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ dict|get_item:key }}`: templates cannot index a dict by a variable otherwise."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def is_enterprise_user(user) -> bool:
    """`{% if user|is_enterprise_user %}`: core.permissions.is_enterprise_user, for templates."""
    from anying.core.permissions import is_enterprise_user

    return is_enterprise_user(user)


@register.filter
def audit_value(value):
    """An audited value as a clerk reads it: lists joined, booleans and blanks in words."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "（无）"
    return value


@register.simple_tag(takes_context=True)
def related_records(context, record):
    """[(label, url)] that upper apps link from this record's page (core.hooks.RELATED_RECORDS)."""
    from anying.core.hooks import RELATED_RECORDS

    user = context.get("user")
    return [link for provider in RELATED_RECORDS for link in provider(record, user)]



# --- money and rates, as a clerk writes them: anying.core.amounts ------------------------------

@register.filter
def money(value) -> str:
    """`{{ amount|money }}` → 50,000.00, for a column whose header already says （元）."""
    return amounts.money(value)


@register.filter
def yuan(value) -> str:
    """`{{ amount|yuan }}` → 50,000.00 元."""
    return amounts.yuan(value)


@register.filter
def percent(value) -> str:
    """`{{ rate|percent }}`: a fraction as a percentage — 0.1500 → 15%."""
    return amounts.percent(value)


@register.filter
def pct(value) -> str:
    """`{{ closure_rate|pct }}`: a figure already in percent — 85.50 → 85.50%."""
    return amounts.pct(value)


@register.filter
def provenance(source) -> str:
    """`{{ x.source|provenance }}`: a figure's source without file names or project references."""
    from anying.core.provenance import for_users

    return for_users(source)


@register.filter
def verification(text) -> str:
    """`{{ c.verification|verification }}`: how a criteria text was checked, in Chinese."""
    from anying.core.provenance import verification_for_users

    return verification_for_users(text)
