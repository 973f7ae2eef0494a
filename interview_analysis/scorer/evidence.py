"""Evidence that explains the general scorer: which features moved the score, each with the
sentence that shows it and its time ("结果: 出库效率提高百分之十二 @1:42").

Per dimension every sentence is quoted once, its features merged ("measured_result+specificity"),
and only the sentences that speak to that dimension (see `assign`).
Suggestions reuse advice.py's texts: the Django feedback e-mail recognises exactly those.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from interview_analysis import text as tx
from interview_analysis.scorer import advice, semantic
from interview_analysis.scorer.signals import Signals
from interview_analysis.types import DimensionScore, Evidence, Language, Question, Transcript

MIN_POINTS = 0.3  # a feature that added less than this to the score is not worth quoting
MAX_EVIDENCE = 10
PER_FEATURE = 2
# Dimension names as the embedding model reads them best; chosen on 11 sentences of 4 invented
# answers (argmax right for 11, against 10 for the bare name): names alone are one or two words.
DIMENSION_QUERY = "competency: {}"
# Centred cosines closer than this to a quote's best dimension count as a tie (the centred
# values of one quote spread over 0.02–0.06).
AMBIGUOUS = 0.01

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
    "not_generic": {"zh": "用实例而非空谈", "en": "examples rather than slogans"},
    "no_red_flag": {"zh": "无推诿、违规或放弃", "en": "no blaming, rule-bending or giving up"},
    "red_flag": {
        "zh": "负面表现：推诿、违规或放弃",
        "en": "red flag: blaming, bending rules or giving up",
    },
    "hypothetical": {"zh": "假设性回答", "en": "hypothetical answer"},
    "hypothetical_only": {
        "zh": "只有假设、没有真实经历",
        "en": "only what would be done, no episode",
    },
    "no_example": {"zh": "没有具体事例", "en": "no concrete example"},
    "slogans_only": {"zh": "只有口号、没有具体做法", "en": "slogans instead of a plan"},
    "keyword_stuffing": {"zh": "堆砌关键词", "en": "keyword list instead of an answer"},
}
# A feature the scorer gained after LABELS was written still reads as words, never as a code.
GENERIC: dict[Language, str] = {"zh": "评分依据", "en": "scoring evidence"}
# Other scorers' elements carry a prefix; what follows it is the rubric's or HR's own words.
PREFIXES: dict[str, dict[Language, str]] = {
    "keyword": {"zh": "关键词", "en": "keyword"},
    "rubric": {"zh": "评分要点", "en": "rubric point"},
    "llm": {"zh": "AI 评审", "en": "AI reviewer"},  # only when it named no element
}
JOIN = "+"  # merged features of one sentence: "measured_result+specificity"
_SEPARATOR: dict[Language, str] = {"zh": "、", "en": ", "}
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
    """The feature's name for a reviewer, in the question's language; merged features
    ("a+b") name each one, an unknown feature gets the generic name, never its code."""
    names = [_label_one(f.lstrip("-"), language) for f in feature.split(JOIN) if f]
    return _SEPARATOR[language].join(dict.fromkeys(names)) or GENERIC[language]


def _label_one(code: str, language: Language) -> str:
    if code in LABELS:
        return LABELS[code][language]
    kind, sep, detail = code.partition(":")
    if kind == "llm" and detail:  # the LLM names the rubric's element in the answer's language
        return detail
    return PREFIXES[kind][language] if sep and kind in PREFIXES else GENERIC[language]


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
        for sentence in _quoted(spans, sentences):
            start, end = tx.time_span(offsets, sentence.start, sentence.end)
            out.append(Evidence(sentence.text, feature, start, end))
    against = {"hypothetical": "no_hypothetical", "red_flag": "no_red_flag"}
    for code, feature in against.items():
        if sig.values.get(feature, 1.0) < 1.0:
            for sentence in _quoted(sig.spans.get(code, [])[:1], sentences):
                start, end = tx.time_span(offsets, sentence.start, sentence.end)
                out.append(Evidence(sentence.text, "-" + code, start, end))
    for cap in [c for c in sig.caps if c not in against] if sentences else []:
        start, end = tx.time_span(offsets, sentences[0].start, sentences[0].end)
        out.insert(0, Evidence(sentences[0].text, "-" + cap, start, end))
    return tuple(out[:MAX_EVIDENCE])


def _quoted(spans: list[tuple[int, int]], sentences: list[tx.Sentence]) -> list[tx.Sentence]:
    """The first PER_FEATURE distinct sentences holding the spans: two sentences let the
    dimensions a feature speaks to each find their own quote."""
    found = [s for a, _ in spans for s in sentences if s.start <= a < s.end]
    return list(dict.fromkeys(found))[:PER_FEATURE]


_FALLBACK = {
    "structure": "situation",
    "episode": "sequence",
    "concrete": "specificity",
    "agency": "episode",
    "level_contrast": "clause_contrast",
}


def line(e: Evidence, language: Language) -> str:
    """ "结果: 出库效率提高百分之十二 @1:42" — the feature, the quote, the time when known."""
    name = label(e.element, language)
    at = f" @{int(e.start // 60)}:{int(e.start % 60):02d}" if e.start is not None else ""
    return f"{name}: {e.quote}{at}"


def dimension_scores(
    question: Question, total: float, quotes: tuple[Evidence, ...]
) -> tuple[DimensionScore, ...]:
    """Every dimension carries the total — the model has one score, and inventing
    per-dimension differences it cannot measure would mislead a reviewer — and the
    evidence that speaks to it, each sentence once."""
    dims = question.dimensions or {"overall": 1.0}
    weight_sum = sum(dims.values()) or 1.0
    shown = assign(list(dims), merge(quotes))
    return tuple(
        DimensionScore(name=n, weight=round(w / weight_sum, 4), score=total, evidence=shown[n])
        for n, w in dims.items()
    )


def merge(quotes: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    """One Evidence per quoted sentence, its features joined in the order given (most
    points first): a sentence that shows four features is read once, not four times; the
    same words said again later are quoted once, at the first time given."""
    merged: dict[str, Evidence] = {}
    for e in quotes:
        known = merged.get(e.quote)
        if known is None:
            merged[e.quote] = e
        elif e.element not in known.element.split(JOIN):
            merged[e.quote] = replace(known, element=known.element + JOIN + e.element)
    return tuple(merged.values())


def assign(names: list[str], quotes: tuple[Evidence, ...]) -> dict[str, tuple[Evidence, ...]]:
    """name → the quotes that speak to that dimension, in the given order.

    A quote goes to the dimension(s) the embedding model finds it closest to, after taking
    out each dimension's pull on every sentence (cosines of this model are narrow and some
    names sit closer to everything); ties within AMBIGUOUS go to each. Every dimension keeps
    its closest quote. A rule that held the whole score down ("-…") belongs to all. Without
    the model, or with one dimension, every dimension gets every quote."""
    sims = _dimension_similarity(names, quotes)
    if sims is None:
        return {n: quotes for n in names}
    centred = sims - sims.mean(axis=1, keepdims=True)
    near = centred >= centred.max(axis=0, keepdims=True) - AMBIGUOUS
    near[np.arange(len(names)), centred.argmax(axis=1)] = True
    near[:, [e.element.startswith("-") for e in quotes]] = True
    return {
        n: tuple(e for e, ok in zip(quotes, near[i], strict=True) if ok)
        for i, n in enumerate(names)
    }


def _dimension_similarity(names: list[str], quotes: tuple[Evidence, ...]) -> np.ndarray | None:
    if len(names) < 2 or len(quotes) < 2:
        return None
    queries = [DIMENSION_QUERY.format(n.replace("_", " ").replace("-", " ")) for n in names]
    return semantic.similarity_matrix(queries, [e.quote for e in quotes])


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
