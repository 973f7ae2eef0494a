"""One answer as the workbench shows it: its recording parts, transcript, analysis runs,
AI detail, quality and integrity signals and marked moments.

Everything here works on objects `selectors.workbench` loaded with prefetches, so building
the views of any number of answers costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.interviews.flow import spec_of
from mianshi.interviews.models import Answer, EventKind, Recording, RecordingStatus
from mianshi.interviews.selectors_board.quality import AnswerQuality, answer_quality
from mianshi.jobs.models import RECORDED_TYPES, AnswerType, QuestionLanguage
from mianshi.reviews.selectors.ai_labels import (
    JOIN,
    SIGNALS,
    element_label,
    element_tags,
    keyword_tags,
    reason_labels,
)

# The reason stored on a run HR started from the workbench (shown translated).
RERUN_REASON = "re-run by HR"
# Below this the AI's own confidence is too low to lean on (the engine's threshold too).
LOW_CONFIDENCE = 0.5
PENDING = frozenset({RunStatus.QUEUED, RunStatus.RUNNING})
# Browser events shown as integrity signals; the others (online, resumed, device) as context.
INTEGRITY_EVENTS = frozenset(
    {
        EventKind.TAB_HIDDEN,
        EventKind.WINDOW_BLUR,
        EventKind.FULLSCREEN_EXIT,
        EventKind.PASTE,
        EventKind.OFFLINE,
    }
)


@dataclass(frozen=True)
class Part:
    """One playable recording of the answer (a reload mid-answer makes several)."""

    recording: Recording
    number: int  # 1-based, in recording order
    url: str
    duration_s: float | None


@dataclass(frozen=True)
class Sentence:
    """One transcript segment: a button that seeks the player to `start`."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Quote:
    """An evidence quote with the rubric element it shows; clicking seeks to `start`."""

    answer_id: int
    position: int
    quote: str
    element: str
    label: str
    start: float | None
    end: float | None
    part: int = 1  # the recording part the times refer to
    rank: int = 0  # its place in the answer's evidence (0: the feature worth most points)
    language: str = QuestionLanguage.ZH_HANS  # the question's: pages mark the quote with it


@dataclass(frozen=True)
class Moment:
    """A time-stamped thing on the answer: an integrity signal, a mark, another event."""

    kind: str
    label: str
    offset_s: float | None
    end_s: float | None = None
    at: datetime | None = None
    source: str = "browser"  # browser (a SessionEvent) or analysis (the engine found it)
    part: int = 1  # the recording part `offset_s` falls in, `offset_s` counted within it


@dataclass(frozen=True)
class RunView:
    """One analysis run as a line of the history."""

    run: AnalysisRun
    result: AnalysisResult | None

    @property
    def reason_label(self) -> str:
        if self.run.reason == RERUN_REASON:
            return _("re-run by HR")
        return self.run.reason or _("after the recording was checked")

    @property
    def pending(self) -> bool:
        return self.run.status in PENDING


@dataclass
class AnswerAI:
    """What the engine said about one answer (from the latest done run)."""

    level: int | None
    levels: int
    total: float | None
    confidence: float | None
    found: list[str]  # the engine's elements, translated
    missing: list[str]
    suggestions: list[str]
    evidence: list[Quote]
    needs_review: bool
    reasons: list[str]
    superseded: bool  # the result is from an older run; a newer one is pending or failed
    dimensions: list[str] = field(default_factory=list)  # codes of the dimensions it scores
    # HR's keywords and rubric points the answer shows / lacks, in the question's language.
    keywords: list[str] = field(default_factory=list)
    keywords_missing: list[str] = field(default_factory=list)


@dataclass
class AnswerView:
    """One answer on the workbench."""

    answer: Answer
    question: str
    parts: list[Part]
    transcript_part: int  # number of the part the transcript's times refer to (0: none)
    sentences: list[Sentence]
    run: RunView | None
    history: list[RunView]
    ai: AnswerAI | None
    quality: AnswerQuality | None
    integrity: list[Moment]
    marks: list[Moment]
    other_events: list[Moment] = field(default_factory=list)
    choices: list[tuple[str, str, bool]] = field(default_factory=list)  # key, text, chosen

    @property
    def recorded(self) -> bool:
        return self.answer.answer_type in RECORDED_TYPES

    @property
    def language(self) -> str:
        """The question's language: its text, transcript and quotes are marked with it."""
        return question_language(self.answer)

    @property
    def audio_only(self) -> bool:
        return self.answer.answer_type == AnswerType.AUDIO

    @property
    def run_status(self) -> str:
        return self.run.run.status if self.run else "none"

    @property
    def failed(self) -> bool:
        return self.run is not None and self.run.run.status == RunStatus.FAILED

    @property
    def pending(self) -> bool:
        return self.run is not None and self.run.pending


# --- building ------------------------------------------------------------------------------


def answer_view(answer: Answer, runs: list[AnalysisRun], events: list[Any]) -> AnswerView:
    """The view of `answer` (recordings prefetched), its runs (newest first) and events."""
    parts = _parts(answer)
    current = next((r for r in runs if r.is_current), None)
    done = next((r for r in runs if r.status == RunStatus.DONE and _result(r)), None)
    result = _result(done) if done else None
    part = _transcript_part(parts, result)
    moments = [_event(e, parts) for e in events]
    spec = spec_of(answer)
    return AnswerView(
        answer=answer,
        question=spec.text,
        parts=parts,
        transcript_part=part,
        sentences=_sentences(result),
        run=RunView(current, _result(current)) if current else None,
        history=[RunView(r, _result(r)) for r in runs if r is not current],
        ai=_ai(answer, result, part, superseded=done is not current) if result else None,
        quality=answer_quality(answer),
        integrity=[m for m in moments if m.kind in INTEGRITY_EVENTS] + _signals(result, part),
        marks=[m for m in moments if m.kind == EventKind.MARK],
        other_events=[m for m in moments if m.kind not in INTEGRITY_EVENTS | {EventKind.MARK}],
        choices=_choices(answer, spec.choices),
    )


def _choices(answer: Answer, offered: tuple[dict[str, str], ...]) -> list[tuple[str, str, bool]]:
    chosen = {str(k) for k in answer.choice} if isinstance(answer.choice, list) else set()
    return [(c["key"], c["text"], c["key"] in chosen) for c in offered]


def locate(parts: list[Part], offset_s: float) -> tuple[int, float]:
    """(part, seconds into it) of a moment `offset_s` into the answer. The browser counts
    from the answer's start across reloads, so the parts are laid end to end."""
    before = 0.0
    for p in parts:
        if p.duration_s is None or offset_s < before + p.duration_s:
            return p.number, max(0.0, offset_s - before)
        before += p.duration_s
    return (
        (parts[-1].number, offset_s - before + (parts[-1].duration_s or 0.0))
        if parts
        else (1, offset_s)
    )


def _result(run: AnalysisRun | None) -> AnalysisResult | None:
    try:
        return run.result if run is not None else None
    except AnalysisResult.DoesNotExist:
        return None


def _parts(answer: Answer) -> list[Part]:
    playable = [r for r in answer.recordings.all() if r.status == RecordingStatus.VERIFIED]
    # Only the latest attempt counts; earlier attempts stay listed nowhere on the workbench.
    latest = max((r.attempt for r in playable), default=0)
    ordered = sorted((r for r in playable if r.attempt == latest), key=lambda r: r.segment)
    return [
        Part(
            recording=r,
            number=i,
            url=reverse("interviews:recording_media", args=[r.pk]),
            duration_s=r.duration_ms / 1000 if r.duration_ms else None,
        )
        for i, r in enumerate(ordered, start=1)
    ]


def _transcript_part(parts: list[Part], result: AnalysisResult | None) -> int:
    """The part the transcript belongs to. The engine keeps the segment with the longest
    transcript without naming it, so the part whose length matches the analysed duration
    is taken (the first one when nothing is known)."""
    if not parts:
        return 0
    analysed = (result.quality or {}).get("duration_s") if result is not None else None
    if len(parts) == 1 or not isinstance(analysed, int | float):
        return 1
    known = [p for p in parts if p.duration_s is not None]
    if not known:
        return 1
    return min(known, key=lambda p: abs((p.duration_s or 0.0) - float(analysed))).number


def _sentences(result: AnalysisResult | None) -> list[Sentence]:
    if result is None or not isinstance(result.segments, list):
        return []
    out = []
    for seg in result.segments:
        if isinstance(seg, dict) and str(seg.get("text") or "").strip():
            start, end = _float(seg.get("start")), _float(seg.get("end"))
            if start is not None and end is not None:
                out.append(Sentence(start, end, str(seg["text"]).strip()))
    return out


def question_language(answer: Answer) -> str:
    """The language `answer`'s question was asked in ("zh-hans", "en"): content in it is
    marked `lang` so screen readers speak it right and a zh-Hans page's English is known."""
    snapshot = answer.template_question.snapshot or {}
    return str(snapshot.get("language") or QuestionLanguage.ZH_HANS)


def _float(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return round(float(value), 3) if ok else None


def quotes(answer: Answer, items: Any, part: int = 1) -> list[Quote]:
    """Evidence dicts {quote, element, start, end} of one answer as Quotes, each sentence
    once (at its first time) with its elements merged — results stored before the engine
    merged them quote a sentence per feature — bad ones dropped."""
    merged: dict[str, dict[str, Any]] = {}
    for ev in items if isinstance(items, list) else []:
        if isinstance(ev, dict) and ev.get("quote"):
            first = merged.setdefault(str(ev["quote"]), {**ev, "codes": []})
            first["codes"] += str(ev.get("element") or "").split(JOIN)
    return [
        _quote(answer, quote, ev, rank=i, part=part) for i, (quote, ev) in enumerate(merged.items())
    ]


def by_element(items: list[Quote]) -> list[tuple[str, list[Quote]]]:
    """Quotes grouped by the rubric elements they show (label → quotes), a group where its
    strongest quote stood: the reader sees "own action" once over its two sentences."""
    groups: dict[str, list[Quote]] = {}
    for quote in items:
        groups.setdefault(quote.label, []).append(quote)
    return list(groups.items())


def _quote(answer: Answer, quote: str, ev: dict[str, Any], *, rank: int, part: int) -> Quote:
    element = JOIN.join(dict.fromkeys(c for c in ev["codes"] if c))
    return Quote(
        answer_id=answer.pk, position=answer.position, quote=quote, element=element,
        label=element_label(element), start=_float(ev.get("start")), end=_float(ev.get("end")),
        part=part, rank=rank, language=question_language(answer),
    )  # fmt: skip


def _ai(answer: Answer, result: AnalysisResult, part: int, *, superseded: bool) -> AnswerAI:
    score = result.score if isinstance(result.score, dict) else {}
    snapshot = answer.template_question.snapshot
    rubric = snapshot.get("rubric") or []
    low = result.confidence is not None and result.confidence < LOW_CONFIDENCE
    # Tags in the question's language: the answer was scored against its rubric's words.
    language = str(snapshot.get("language") or result.language or "zh")
    clauses = [str(r.get("description") or "") for r in _dicts(rubric)]
    hits = [*(score.get("found") or []), *_hit_elements(score.get("evidence"))]
    return AnswerAI(
        level=result.level,
        levels=len(rubric),
        total=result.total,
        confidence=result.confidence,
        found=element_tags(score.get("found"), language, clauses),
        missing=element_tags(score.get("missing"), language, clauses),
        suggestions=[str(s) for s in score.get("suggestions") or []],
        evidence=quotes(answer, score.get("evidence"), part),
        needs_review=result.needs_human_review or low,
        reasons=reason_labels(result.review_reasons),
        superseded=superseded,
        dimensions=[str(d.get("name")) for d in _dicts(score.get("dimensions"))],
        keywords=keyword_tags(hits, language),
        keywords_missing=keyword_tags(score.get("missing"), language),
    )


def _hit_elements(evidence: Any) -> list[str]:
    """The elements quoted as evidence, merged ones split ("keyword:客户+number")."""
    return [c for ev in _dicts(evidence) for c in str(ev.get("element") or "").split(JOIN)]


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _event(event: Any, parts: list[Part]) -> Moment:
    label = event.get_kind_display()
    if event.offset_ms is None:
        return Moment(event.kind, label, None, at=event.at)
    part, offset = locate(parts, event.offset_ms / 1000)
    return Moment(event.kind, label, round(offset, 3), at=event.at, part=part)


def _signals(result: AnalysisResult | None, part: int) -> list[Moment]:
    """What the engine saw in the video (faces, a covered camera): signals, not verdicts."""
    if result is None or not isinstance(result.integrity, list):
        return []
    out = []
    for sig in result.integrity:
        if isinstance(sig, dict) and sig.get("code"):
            code = str(sig["code"])
            label = str(SIGNALS.get(code, code))
            start, end = _float(sig.get("start")), _float(sig.get("end"))
            out.append(Moment(code, label, start, end, source="analysis", part=part))
    return out
