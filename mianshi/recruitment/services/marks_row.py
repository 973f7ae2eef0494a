"""A candidate's row of the panel-scoring sheet entered at once: every mark of the row or
none. HR types a row from the paper sheets; a half-stored row would let the interview score
be computed while a typed mark was refused, so one refused cell refuses the row."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.candidates.models import Application
from mianshi.recruitment.models import Examiner, Mark, Panel
from mianshi.recruitment.services.marks import mark_enter


def marks_row_enter(
    *, actor: Actor, panel: Panel, application: Application, scores: Mapping[int, Decimal]
) -> list[Mark]:
    """Enter the marks {examiner pk: score} for one candidate through mark_enter, all or
    none; a refusal names every refused examiner (error dict keyed by examiner pk)."""
    examiners = Examiner.objects.in_bulk(list(scores))
    errors: dict[str, list[str]] = {}
    marks: list[Mark] = []
    with transaction.atomic():
        for pk, score in scores.items():
            examiner = examiners.get(pk)
            if examiner is None:
                errors[str(pk)] = [_("No such examiner.")]
                continue
            try:
                marks.append(mark_enter(actor=actor, panel=panel, examiner=examiner,
                                        application=application, score=score))  # fmt: skip
            except ValidationError as exc:
                errors[str(pk)] = exc.messages
        if errors:
            raise ValidationError(errors)  # leaves the block: the row's marks roll back
    return marks
