from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ dict|get_item:key }}`: templates cannot index a dict by a variable otherwise."""
    if mapping is None:
        return None
    return mapping.get(key)
