"""Evidence that explains the general scorer: which features moved the score, each with the
sentence that shows it and its time ("结果: 出库效率提高百分之十二 @1:42").

Suggestions reuse advice.py's texts: the Django feedback e-mail recognises exactly those.
"""

from __future__ import annotations

from interview_analysis import text as tx
from interview_analysis.scorer import advice
from interview_analysis.scorer.signals import Signals
from interview_analysis.types import DimensionScore, Evidence, Language, Question, Transcript

MIN_POINTS = 0.3  # a feature that added less than this to the score is not worth quoting
MAX_EVIDENCE = 8

LABELS: dict[str, dict[Language, str]] = {
    "level_contrast": {"zh": "贴合高分档评分细则", "en": "matches the top rubric level"},
    "clause_contrast": {"zh": "评分要点", "en": "rubric point"},
    "keywords": {"zh": "关键词", "en": "keyword"},
    "rubric_terms": {"zh": "评分要点用词", "en": "rubric term"},
    "structure": {"zh": "结构完整", "en": "complete structure"},
    "situation": {"zh": "情境", "en": "situation"},
    "episode": {"zh": "本人行动", "en": "own action"},
    "sequence": {"zh": "步骤", "en": "steps"},
    "specificity": {"zh": "具体事实", "en": "specific fact"},
    "agency": {"zh": "本人作用", "en": "own part"},
    "measured_result": {"zh": "结果", "en": "result"},
    "reflection": {"zh": "反思", "en": "reflection"},
    "concrete": {"zh": "具体内容", "en": "concrete content"},
    "no_hypothetical": {"zh": "真实经历", "en": "real episode"},
    "not_weak": {"zh": "无低分档表现", "en": "no bottom-level moves"},
    "on_topic": {"zh": "切题", "en": "on topic"},
    "length": {"zh": "篇幅", "en": "length"},
    "hypothetical": {"zh": "假设性回答", "en": "hypothetical answer"},
    "hypothetical_only": {
        "zh": "只有假设、没有真实经历",
        "en": "only what would be done, no episode",
    },
    "no_example": {"zh": "没有具体事例", "en": "no concrete example"},
    "keyword_stuffing": {"zh": "堆砌关键词", "en": "keyword list instead of an answer"},
}
# Missing feature → the advice.py suggestion that fixes it.
_ADVICE_FOR = {
    "episode": "own_action",
    "agency": "own_action",
    "specificity": "number",
    "measured_result": "result",
    "reflection": "reflection",
    "no_hypothetical": "hypothetical",
    "concrete": "generic",
    "structure": "situation",
}


def label(feature: str, language: Language) -> str:
    """The feature's name for a reviewer, in the question's language."""
    return LABELS.get(feature, {}).get(language, feature)


def explain(
    sig: Signals, weights: dict[str, float], transcript: Transcript, language: Language
) -> tuple[Evidence, ...]:
    """One Evidence per feature that moved the score (most points first), quoting the
    sentence where it was seen; `element` is the feature's code, `quote` the sentence."""
    sentences = tx.split_sentences(transcript.text)
    offsets = tx.segment_offsets(transcript)
    moved = sorted(weights, key=lambda f: -weights[f] * sig.values.get(f, 0.0))
    out: list[Evidence] = []
    for feature in moved:
        if weights[feature] * sig.values.get(feature, 0.0) < MIN_POINTS:
            continue
        spans = sig.spans.get(feature) or sig.spans.get(_FALLBACK.get(feature, ""), [])
        sentence = next((s for a, _ in spans for s in sentences if s.start <= a < s.end), None)
        if sentence is None:
            continue
        start, end = tx.time_span(offsets, sentence.start, sentence.end)
        out.append(Evidence(sentence.text, feature, start, end))
    hyp = sig.spans.get("hypothetical") or []
    hyp_sentence = next((s for a, _ in hyp for s in sentences if s.start <= a < s.end), None)
    if hyp_sentence is not None and sig.values.get("no_hypothetical", 1.0) < 1.0:
        start, end = tx.time_span(offsets, hyp_sentence.start, hyp_sentence.end)
        out.append(Evidence(hyp_sentence.text, "-hypothetical", start, end))
    for cap in sig.caps if sentences else []:
        start, end = tx.time_span(offsets, sentences[0].start, sentences[0].end)
        out.insert(0, Evidence(sentences[0].text, "-" + cap, start, end))
    return tuple(out[:MAX_EVIDENCE])


_FALLBACK = {
    "structure": "situation",
    "episode": "sequence",
    "concrete": "specificity",
    "agency": "episode",
    "level_contrast": "clause_contrast",
}


def line(e: Evidence, language: Language) -> str:
    """ "结果: 出库效率提高百分之十二 @1:42" — the feature, the quote, the time when known."""
    name = label(e.element.lstrip("-"), language)
    at = f" @{int(e.start // 60)}:{int(e.start % 60):02d}" if e.start is not None else ""
    return f"{name}: {e.quote}{at}"


def dimension_scores(
    question: Question, total: float, quotes: tuple[Evidence, ...]
) -> tuple[DimensionScore, ...]:
    """Every dimension carries the total and the evidence behind it: the model has one score,
    and inventing per-dimension differences it cannot measure would mislead a reviewer."""
    dims = question.dimensions or {"overall": 1.0}
    weight_sum = sum(dims.values()) or 1.0
    return tuple(
        DimensionScore(name=n, weight=round(w / weight_sum, 4), score=total, evidence=quotes)
        for n, w in dims.items()
    )


def suggestions(missing: tuple[str, ...], question: Question) -> tuple[str, ...]:
    """Up to three improvement suggestions for the most valuable missing features."""
    lang = question.language
    keys = [_ADVICE_FOR[f] for f in missing if f in _ADVICE_FOR]
    if question.type == "situational":
        keys = [
            "sequence" if k in ("own_action", "situation") else k
            for k in keys
            if k not in ("hypothetical", "reflection")
        ]
    texts = [advice._ADVICE[k][lang] for k in dict.fromkeys(keys)]
    return tuple(texts[:3]) or (advice._POLISH[lang],)
