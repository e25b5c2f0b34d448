"""Hazard values whose display depends on who looks (models.shown_channel)."""

from django import template

register = template.Library()


@register.filter
def channel_for(hazard, user) -> str:
    """{{ h|channel_for:user }}: 来源 as this user may see it (an enterprise never sees 群众举报)."""
    return hazard.channel_label_for(user)
