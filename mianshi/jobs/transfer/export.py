"""Exports (reads): the question bank and competency models the user may see, as a file."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from mianshi.accounts.actor import Actor
from mianshi.jobs.selectors import (
    competency_model_get_for,
    competency_model_list_for,
    question_list_for,
)
from mianshi.jobs.transfer import competency as model_io
from mianshi.jobs.transfer import questions as question_io
from mianshi.jobs.transfer.files import CONTENT_TYPES, ExportFile, write_csv, write_json, write_xlsx


def question_bank_export(
    *, user: Actor, fmt: str, filters: dict[str, Any] | None = None
) -> ExportFile:
    """The questions `user` may read (optionally filtered like the list) as json/csv/xlsx."""
    questions = list(question_list_for(user=user, **(filters or {})).order_by("id"))
    if fmt == "json":
        return _file(write_json(question_io.questions_document(questions)), fmt, "questions")
    rows = [question_io.question_to_row(q) for q in questions]
    header = question_io.row_header(rows)
    return _table(header, rows, fmt, "questions")


def competency_models_export(*, user: Actor, fmt: str, q: str = "") -> ExportFile:
    """The competency models `user` may read as json/csv/xlsx."""
    ids = competency_model_list_for(user=user, q=q).order_by("id").values_list("id", flat=True)
    models = [competency_model_get_for(user=user, pk=pk) for pk in ids]
    if fmt == "json":
        return _file(write_json(model_io.models_document(models)), fmt, "competency-models")
    rows = [row for m in models for row in model_io.model_to_rows(m)]
    return _table(model_io.COLUMNS, rows, fmt, "competency-models")


def _table(header: list[str], rows: list[dict[str, Any]], fmt: str, stem: str) -> ExportFile:
    content = write_csv(header, rows) if fmt == "csv" else write_xlsx(header, rows, stem)
    return _file(content, fmt, stem)


def _file(content: bytes, fmt: str, stem: str) -> ExportFile:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportFile(content, CONTENT_TYPES[fmt], f"mianshi-{stem}-{stamp}.{fmt}")
