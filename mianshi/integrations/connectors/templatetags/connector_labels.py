"""Connector pages show record kinds and stages by their names, not their codes (issue 14)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from mianshi.candidates.pipeline import Stage

register = template.Library()

# The record kinds of mapping.KINDS; templates and payloads keep the codes.
KIND_LABELS = {
    "assessment": _("Interview assessment"),
    "candidate": _("Candidate"),
    "application": _("Application"),
    "employee": _("Employee"),
    "post_hire": _("Post-hire data"),
    "hire": _("Hire"),
}


@register.filter
def record_kind_label(kind: str) -> str:
    """`{{ sync.kind|record_kind_label }}`: "post_hire" → "入职后数据"; unknown kinds as written."""
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


@register.filter
def stage_label(stage: str) -> str:
    """`{{ trigger.to_stage|stage_label }}`: a pipeline stage by its name."""
    return str(Stage(stage).label) if stage in Stage.values else stage
