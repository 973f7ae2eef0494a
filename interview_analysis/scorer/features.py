"""Interpretable features of one answer against one question's rubric (all in 0–1).

The rubric's top level is read into *elements* (one per clause HR wrote); each element is
found through the general concept it names (情境/result/反思 …) or through its own content
words. Everything else is general-language cues from lexicon.py.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from interview_analysis import text as tx
from interview_analysis.scorer import lexicon as lx
from interview_analysis.types import Language, Question

# What a complete answer contains, by question type (behavioural = a past episode, STAR;
# situational = a plan for a hypothetical case).
STRUCTURE: dict[str, tuple[str, ...]] = {
    "behavioural": ("situation", "task", "own_action", "result", "reflection"),
    "situational": ("own_action", "sequence", "timebound", "reflection"),
}
DEFAULT_STRUCTURE = ("situation", "own_action", "result")
LATE = frozenset({"result", "reflection"})
_CLAUSE = re.compile(r"[；;。]|(?<=[a-z)])\.(?:\s|$)")
_PAREN = re.compile(r"[（(]([^）)]*)[）)]")


@dataclass(frozen=True)
class Element:
    """One clause of the top rubric level: what it says and how it is detected."""

    label: str
    concepts: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass
class Hit:
    """Where something was found: a character span of the answer."""

    element: str
    start: int
    end: int


@dataclass
class Features:
    """Feature values (0–1) plus the hits behind them, for evidence and suggestions."""

    values: dict[str, float]
    hits: list[Hit] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    units: int = 0
    language_match: float = 1.0
    cue_count: int = 0
    weak_moves: list[str] = field(default_factory=list)


def rubric_elements(question: Question) -> list[Element]:
    """The clauses of the highest rubric level, each with its concepts and content terms."""
    if not question.rubric:
        return []
    top = max(question.rubric, key=lambda r: r.level)
    out: list[Element] = []
    for clause in _CLAUSE.split(top.description):
        clause = clause.strip(" ，,、")
        if len(clause) < 2:
            continue
        low = clause.lower()
        concepts = tuple(
            c for c, words in lx.RUBRIC_CONCEPTS.items() if any(w in low for w in words)
        )
        inner = " ".join(_PAREN.findall(clause))
        terms = _element_terms(clause + " " + inner, question)
        out.append(Element(_PAREN.sub("", clause).strip()[:60], concepts, terms))
    return out


def _element_terms(clause: str, question: Question) -> tuple[str, ...]:
    """Content words of a rubric clause, minus rubric meta-words, concept words and words the
    question itself uses (an answer echoing the question proves nothing)."""
    lang = question.language
    concept_words = {w for words in lx.RUBRIC_CONCEPTS.values() for w in words}
    asked = tx.content_terms(question.text, lang)
    out = []
    for term in tx.content_terms(clause, lang):
        low = term.lower()
        if low in lx.RUBRIC_META or any(low.startswith(w) for w in concept_words):
            continue
        if any(low == a.lower() or tx.same_stem(low, a) for a in asked):
            continue
        out.append(tx.stem(low) if lang == "en" else term)
    return tuple(dict.fromkeys(out))


def term_spans(term: str, answer: str, words: list[tuple[str, int, int]], lang: Language) -> list:
    """Spans where a rubric term or HR keyword occurs (English: stem match, phrases in order)."""
    if lang == "zh" or re.search(r"[\u4e00-\u9fff]", term):
        return [(m.start(), m.end()) for m in re.finditer(re.escape(term), answer)]
    parts = [p for p in re.findall(r"[a-z]+", term.lower())]
    if not parts:
        return []
    spans = []
    for i, (w, s, e) in enumerate(words):
        if not tx.same_stem(w, parts[0]):
            continue
        pos, end = i, e
        for part in parts[1:]:
            window = words[pos + 1 : pos + 5]
            nxt = next((j for j, (w2, _, _) in enumerate(window) if tx.same_stem(w2, part)), None)
            if nxt is None:
                break
            pos += nxt + 1
            end = words[pos][2]
        else:
            spans.append((s, end))
    return spans


def _en_words(answer: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in re.finditer(r"[A-Za-z]+", answer)]


def _concept_spans(concept: str, answer: str, lang: Language) -> list[tuple[int, int]]:
    if concept == "number":
        return tx.numbers(answer, lang)
    return lx.find(concept, answer, lang)


def extract(question: Question, answer: str) -> Features:
    """All features of `answer` for `question`."""
    lang = question.language
    sentences = tx.split_sentences(answer) or [tx.Sentence(answer, 0, len(answer))]
    words = _en_words(answer)
    feats = Features(values={})
    feats.units = answer_units(answer, lang)
    feats.language_match = language_match(answer, lang)
    v = feats.values
    v["coverage"] = _coverage(question, answer, words, feats)
    v["keywords"] = _keywords(question, answer, words, feats)
    spans = {c: lx.find(c, answer, lang) for c in lx.CUES}
    structure = STRUCTURE.get(question.type, DEFAULT_STRUCTURE)
    present = [c for c in structure if spans[c]]
    for c in structure:
        if spans[c]:
            # Results and lessons come late in an answer: quote the last cue, else the first.
            feats.hits.append(Hit(c, *spans[c][-1 if c in LATE else 0]))
    v["structure"] = len(present) / len(structure)
    quantities = tx.numbers(answer, lang) + spans["timebound"]
    for s, e in quantities[:3]:
        feats.hits.append(Hit("number", s, e))
    v["specificity"] = min(1.0, len(quantities) / 3)
    own, we = len(spans["own_action"]), len(spans["we"])
    v["ownership"] = 0.5 * own / (own + we) + 0.5 * min(1.0, own / 3) if own + we else 0.0
    v["generic"] = _share(sentences, spans["generic"] + spans["self_praise"])
    v["blame"] = min(1.0, len(spans["blame"]) / 1)
    v["evasive"] = min(1.0, len(spans["evasive"]) / 1)
    hyp = _share(sentences, spans["hypothetical"]) if question.type == "behavioural" else 0.0
    v["hypothetical"] = hyp if not spans["situation"] else hyp / 2
    for c in ("blame", "evasive"):
        feats.hits.extend(Hit(c, s, e) for s, e in spans[c][:2])
    feats.cue_count = len(rubric_elements(question)) + len(question.keywords)
    feats.weak_moves = weak_moves(question, v)
    return feats


def weak_moves(question: Question, values: dict[str, float]) -> list[str]:
    """Weak-answer moves that the rubric's lowest level names and the answer clearly shows."""
    if not question.rubric:
        return []
    bottom = min(question.rubric, key=lambda r: r.level).description.lower()
    return [
        move
        for move, words in lx.RUBRIC_WEAK.items()
        if any(w in bottom for w in words) and values.get(move, 0.0) >= lx.WEAK_THRESHOLD[move]
    ]


def answer_units(answer: str, lang: Language) -> int:
    """Han characters and Latin words (zh) or words (en): the scorers' length measure."""
    if lang == "zh":
        return len(re.findall(r"[\u4e00-\u9fff]", answer)) + len(re.findall(r"[A-Za-z]+", answer))
    return len(re.findall(r"[A-Za-z0-9]+", answer))


def language_match(answer: str, lang: Language) -> float:
    """How much of the answer is in the question's language (0–1)."""
    ratio = tx.cjk_ratio(answer)
    return ratio if lang == "zh" else 1.0 - ratio


def _share(sentences: list[tx.Sentence], spans: list[tuple[int, int]]) -> float:
    hit = sum(1 for s in sentences if any(s.start <= a < s.end for a, _ in spans))
    return hit / len(sentences)


def _coverage(question: Question, answer: str, words: list, feats: Features) -> float:
    elements = rubric_elements(question)
    if not elements:
        return 0.0
    total = 0.0
    for el in elements:
        score, span = _element_score(el, answer, words, question.language)
        total += score
        (feats.found if score >= 0.5 else feats.missing).append(el.label)
        if span:
            feats.hits.append(Hit("rubric:" + el.label, *span))
    return total / len(elements)


def _element_score(el: Element, answer: str, words: list, lang: Language):  # type: ignore[no-untyped-def]
    """1 when a named concept is present; else the share of its content terms (2 suffice)."""
    for concept in el.concepts:
        spans = _concept_spans(concept, answer, lang)
        if spans:
            return 1.0, spans[-1 if concept in LATE else 0]
    hits = [sp for t in el.terms for sp in term_spans(t, answer, words, lang)[:1]]
    if not el.terms:
        return 0.0, None
    need = min(2, len(el.terms))
    return min(1.0, len(hits) / need), (hits[0] if hits else None)


def _keywords(question: Question, answer: str, words: list, feats: Features) -> float:
    if not question.keywords:
        return 0.0
    hit = 0
    for kw in question.keywords:
        spans = term_spans(kw, answer, words, question.language)
        if spans:
            hit += 1
            feats.hits.append(Hit("keyword:" + kw, *spans[0]))
    # Nobody says every keyword HR listed: about 60 % of them is a full answer.
    return min(1.0, hit / max(1.0, 0.6 * len(question.keywords)))


def sigmoid(x: float) -> float:
    """The logistic function."""
    return 1.0 / (1.0 + math.exp(-x))
