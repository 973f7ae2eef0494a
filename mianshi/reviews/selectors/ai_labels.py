"""The engine's codes as a reviewer reads them: rubric elements and scoring features, review
reasons and integrity signals, translated. One home for the workbench, its API and the PDF.

A code the engine gained after these tables were written (the scorer's feature set grows)
reads as a generic phrase, never as the code: a reviewer should not see `tense_shift_v3`.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from mianshi.interviews.services.quality import ISSUE_LABELS

ELEMENTS = {
    "situation": gettext_lazy("situation"),
    "task": gettext_lazy("task"),
    "action": pgettext_lazy("answer element", "action"),
    "own_action": gettext_lazy("own action"),
    "result": gettext_lazy("result"),
    "reflection": gettext_lazy("reflection"),
    "number": gettext_lazy("numbers"),
    "sequence": gettext_lazy("steps in order"),
    "timebound": gettext_lazy("time frame"),
    # The general scorer's features (interview_analysis.scorer.evidence).
    "level_contrast": gettext_lazy("matches the top rubric level"),
    "clause_contrast": gettext_lazy("rubric point"),
    "keywords": gettext_lazy("keywords"),
    "rubric_terms": gettext_lazy("rubric terms"),
    "structure": gettext_lazy("complete structure"),
    "episode": gettext_lazy("own actions"),
    "specificity": gettext_lazy("specific facts"),
    "agency": gettext_lazy("own part"),
    "measured_result": gettext_lazy("measured result"),
    "concrete": gettext_lazy("concrete content"),
    "no_hypothetical": gettext_lazy("a real episode"),
    "not_weak": gettext_lazy("no bottom-level moves"),
    "on_topic": gettext_lazy("on topic"),
    "length": gettext_lazy("length"),
    "not_generic": gettext_lazy("examples rather than slogans"),
    "no_red_flag": gettext_lazy("no blaming, rule-bending or giving up"),
    "-red_flag": gettext_lazy("red flag: blaming, bending rules or giving up"),
    "-hypothetical": gettext_lazy("hypothetical answer"),
    "-hypothetical_only": gettext_lazy("only what would be done, no episode"),
    "-keyword_stuffing": gettext_lazy("keyword list instead of an answer"),
    "-no_example": gettext_lazy("no concrete example"),
    "-slogans_only": gettext_lazy("slogans instead of a plan"),
}
SIGNALS = {
    "multiple_faces": gettext_lazy("More than one face"),
    "no_face": gettext_lazy("No face in view"),
    "camera_covered": gettext_lazy("Camera covered or dark"),
    "second_voice": gettext_lazy("A second voice"),
}
REVIEW_REASONS = {
    "low_transcript_confidence": gettext_lazy("the speech was hard to recognise"),
    "empty_transcript": gettext_lazy("no speech was recognised"),
    "short_answer": gettext_lazy("the answer is very short"),
    "low_score_confidence": gettext_lazy("the AI is not confident about the score"),
    "low_confidence": gettext_lazy("the AI is not confident about the score"),
    "no_audio_track": gettext_lazy("the recording has no sound"),
    "no_speech": gettext_lazy("no speech was heard"),
    "prompt_injection": gettext_lazy("the answer contains text addressed to the AI grader"),
    "score:needs_review": gettext_lazy("the AI is not confident about the level"),
    "score:short_answer": gettext_lazy("the answer is very short"),
    "score:off_topic": gettext_lazy("the answer seems off-topic"),
    "score:wrong_language": gettext_lazy("the answer is not in the question's language"),
    "score:asr_unsure": gettext_lazy("the speech was hard to recognise"),
    "score:features_disagree": gettext_lazy(
        "the answer's content and structure point different ways"
    ),
}
# An engine code: lower-case words joined by "_" (HR's own clause text never looks like this).
_CODE = re.compile(r"-?[a-z][a-z0-9_]*")
# A prefixed element: a rubric keyword, an LLM's element or the scorer's copy of a clause.
_PREFIXED = re.compile(r"(?:keyword|llm|rubric):.+")
JOIN = "+"  # the engine's merged features of one quoted sentence: "measured_result+specificity"


def element_label(code: str) -> str:
    """A rubric element or scoring feature for people: the engine's codes translated (merged
    ones "a+b" each named once), HR's own clauses and keywords as they wrote them."""
    parts = code.split(JOIN)
    if len(parts) < 2 or not all(_CODE.fullmatch(p) or _PREFIXED.fullmatch(p) for p in parts):
        return _element(code)
    return pgettext("list separator", ", ").join(dict.fromkeys(_element(p) for p in parts))


def _element(code: str) -> str:
    if code in ELEMENTS:
        return str(ELEMENTS[code])
    kind, sep, detail = code.partition(":")
    if sep and kind in ("keyword", "llm") and detail:
        return detail
    if sep and kind == "rubric":  # the scorer's shortened copy of HR's clause
        return str(ELEMENTS["clause_contrast"])
    if code.startswith("-") and _CODE.fullmatch(code):
        return _("a rule that held the score down")
    return _("other scoring evidence") if _CODE.fullmatch(code) else code


# Han characters: a Chinese word has at least one, an English one none.
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Where the scorer ends a rubric clause (its copy of one is cut at 60 characters).
_CLAUSE_END = re.compile(r"[；;。]|\.(?:\s|$)")
KEYWORD_KINDS = ("keyword", "llm")


def is_code(code: str) -> bool:
    """Whether an element is the engine's (translated for the reader) rather than HR's own
    words: a rubric clause or keyword as HR wrote it."""
    kind, sep, _detail = code.partition(":")
    if sep and kind in (*KEYWORD_KINDS, "rubric"):
        return kind == "rubric"  # "rubric:…" is the scorer's cut copy: "rubric point"
    return code in ELEMENTS or bool(_CODE.fullmatch(code))


def in_language(text: str, language: str) -> bool:
    """Whether HR's words are in the question's language: a Chinese question's keywords
    carry Han characters, an English question's carry none (a rubric that lists both shows
    the reviewer the ones that fit the answer's language)."""
    return bool(_HAN.search(text)) == language.lower().startswith("zh")


def keyword_tags(codes: object, language: str) -> list[str]:
    """The rubric keywords among an answer's elements ("keyword:方案"), in the question's
    language, each once."""
    items = codes if isinstance(codes, list | tuple) else []
    words = (str(c).partition(":") for c in items)
    found = (w for kind, sep, w in words if sep and kind in KEYWORD_KINDS and w)
    return list(dict.fromkeys(w for w in found if in_language(w, language)))


def clause_text(label: str, rubric: list[str]) -> str:
    """HR's whole rubric clause for the scorer's copy of it, cut at 60 characters."""
    for description in rubric:
        at = description.find(label)
        if at >= 0:
            end = _CLAUSE_END.search(description, at + len(label))
            return description[at : end.start() if end else len(description)].strip()
    return label


def element_tags(codes: object, language: str, rubric: list[str]) -> list[str]:
    """An answer's found (or missing) elements for the reader: the engine's translated, HR's
    rubric clauses whole and in the question's language; keywords are keyword_tags'."""
    out = []
    for code in (str(c) for c in (codes if isinstance(codes, list | tuple) else [])):
        if is_code(code):
            out.append(element_label(code))
        elif code.partition(":")[0] not in KEYWORD_KINDS and in_language(code, language):
            out.append(clause_text(code, rubric))
    return list(dict.fromkeys(out))


def reason_label(code: str) -> str:
    """Why the engine wants a person to look, as a phrase in the reader's language."""
    if code in REVIEW_REASONS:
        return str(REVIEW_REASONS[code])
    kind, _sep, detail = code.partition(":")
    if kind == "integrity":
        return str(SIGNALS.get(detail) or _("an integrity signal"))
    if kind == "quality":
        issue = ISSUE_LABELS.get(detail) or _("a problem with the recording")
        return _("recording quality: %(code)s") % {"code": issue}
    return _("another check of the analysis")


def reason_labels(codes: object) -> list[str]:
    """The reasons of one result, each phrase once ("short_answer" and "score:short_answer"
    say the same)."""
    items = codes if isinstance(codes, list) else []
    return list(dict.fromkeys(reason_label(str(c)) for c in items))
