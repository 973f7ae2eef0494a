"""Audit codes in words on every page that lists them (labels in compliance/actions.py)."""

from __future__ import annotations

from django import template

from mianshi.compliance import actions

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """`{{ event.action|action_label }}`: "login.success" → "登录成功"."""
    return actions.action_label(code)


@register.filter
def actor_label(label: str) -> str:
    """`{{ event.actor_label|actor_label }}`: "candidate" → "候选人本人"; usernames as is."""
    return actions.actor_label(label)


@register.filter
def object_type_label(code: str) -> str:
    """`{{ event.object_type|object_type_label }}`: "candidates.candidate" → "候选人"."""
    return actions.object_type_label(code)


@register.filter
def changed_field_labels(event: object) -> list[str]:
    """The event's changed fields as the model names them."""
    kind = str(getattr(event, "object_type", ""))
    return [actions.field_label(kind, name) for name in getattr(event, "changed_fields", [])]
