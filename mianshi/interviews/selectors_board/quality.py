"""The quality figures HR sees for an answer, read from the report the quality check stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mianshi.interviews.models import Answer, QualityStatus


@dataclass(frozen=True)
class AnswerQuality:
    """Data quality of one answer as measured on the server (empty until checked)."""

    position: int
    status: str
    status_label: str
    fps: float | None
    width: int | None
    height: int | None
    audio_db: float | None
    issues: tuple[str, ...]
    notes: tuple[str, ...] = ()  # the issues' messages, as the check stored them


def answer_quality(answer: Answer) -> AnswerQuality | None:
    """The quality figures of a checked answer (None until the check stored its verdict)."""
    if answer.quality_status in (QualityStatus.PENDING, QualityStatus.CHECKING):
        return None
    report = answer.quality if isinstance(answer.quality, dict) else {}
    width, height = _number(report.get("width")), _number(report.get("height"))
    return AnswerQuality(
        position=answer.position,
        status=answer.quality_status,
        status_label=answer.get_quality_status_display(),
        fps=_number(report.get("fps")),
        width=int(width) if width else None,
        height=int(height) if height else None,
        audio_db=_number(report.get("audio_level_dbfs", report.get("audio_db"))),
        issues=issue_codes(report),
        notes=issue_notes(report),
    )


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None


def issue_notes(report: dict[str, Any]) -> tuple[str, ...]:
    """The stored message of each quality issue (its code when it has none)."""
    items = report.get("issues")
    notes = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            note = item.get("message") or item.get("code")
            if isinstance(note, str) and note:
                notes.append(note)
    return tuple(notes)


def issue_codes(report: Any) -> tuple[str, ...]:
    """Codes of the quality issues (and integrity signals) in a stored report."""
    if not isinstance(report, dict):
        return ()
    codes: list[str] = []
    for key in ("issues", "signals", "integrity"):
        items = report.get(key)
        for item in items if isinstance(items, list) else []:
            code = item.get("code") if isinstance(item, dict) else item
            if isinstance(code, str) and code not in codes:
                codes.append(code)
    return tuple(codes)
