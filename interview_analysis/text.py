"""Text helpers for the scorer: language, sentences with offsets, tokens, stems, numbers, times.

Everything here is general-language (Chinese + English); nothing knows about any question.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from interview_analysis.types import Language, Segment, Transcript

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# Sentence ends; Chinese answers also run long clauses joined by "；" that read as sentences.
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+|(?<=[a-z0-9%)])\.(?=\s|$)")

_STOP = """a an the and or but if of to in on at by for with from as is are was were be been being
    it its this that these those there their they them he she his her we our us you your i me my
    mine do does did done have has had not no so than then too very can could would should will
    shall may might must what which who whom when where why how all any each some such into onto
    about over under up down out off again also just only own same both few more most other e g
    eg ie etc"""
EN_STOPWORDS = frozenset(_STOP.split())


@dataclass(frozen=True)
class Sentence:
    """A sentence of the answer and where it sits in the answer text (character offsets)."""

    text: str
    start: int
    end: int


def cjk_ratio(text: str) -> float:
    """Share of letters that are CJK ideographs (0 when there are no letters)."""
    cjk = len(_CJK.findall(text))
    latin = sum(len(w) for w in _LATIN_WORD.findall(text)) / 4  # ~4 letters per "unit"
    total = cjk + latin
    return cjk / total if total else 0.0


def detect_language(text: str) -> Language:
    """zh when most of the text is Chinese, else en."""
    return "zh" if cjk_ratio(text) >= 0.5 else "en"


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their character offsets; each `text` is an exact substring of `text`."""
    out: list[Sentence] = []
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        _add_sentence(out, text, pos, match.end())
        pos = match.end()
    _add_sentence(out, text, pos, len(text))
    return out


def _add_sentence(out: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped or not (_CJK.search(stripped) or _LATIN_WORD.search(stripped)):
        return
    lead = len(chunk) - len(chunk.lstrip())
    out.append(Sentence(stripped, start + lead, start + lead + len(stripped)))


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import jieba  # imported lazily: loading its dictionary takes ~0.5 s

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokens(text: str, language: Language) -> list[str]:
    """Words: jieba for Chinese (latin words kept), lower-cased words for English."""
    if language == "zh":
        return [t for t in (w.strip() for w in _jieba().lcut(text)) if t and not _punct(t)]
    return [w.lower().replace("’", "'") for w in _LATIN_WORD.findall(text)]


def _punct(token: str) -> bool:
    return not (_CJK.search(token) or re.search(r"[A-Za-z0-9]", token))


def content_terms(text: str, language: Language) -> list[str]:
    """Meaningful words of a text (no stop words, no single Chinese characters)."""
    words = tokens(text, language)
    if language == "zh":
        return [w for w in words if len(w) >= 2 and _CJK.search(w)]
    return [w for w in words if len(w) >= 3 and w not in EN_STOPWORDS]


_EN_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s")


def stem(word: str) -> str:
    """A crude English stem (enough to match 'prioritises' with HR's 'priorit')."""
    w = word.lower()
    for suffix in _EN_SUFFIXES:
        if len(w) - len(suffix) >= 4 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def same_stem(a: str, b: str) -> bool:
    """English words sharing a long enough prefix (handles stems given as partial words)."""
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < 4:
        return False
    if a.startswith(b) or b.startswith(a):
        return True
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= max(5, shorter - 2)


_ZH_NUM = "零〇一二两三四五六七八九十百千万亿半"
_ZH_UNITS = "个天次年月周日号小时分钟秒倍人位名家条项页份单台元块万%成点期轮遍步"
_NUMBER = {
    "zh": re.compile(
        rf"(?:百分之[{_ZH_NUM}点]+|[0-9][0-9.,]*\s*%?|[{_ZH_NUM}]{{2,}}[{_ZH_UNITS}]?"
        rf"|[{_ZH_NUM[3:]}][{_ZH_UNITS}])"
    ),
    "en": re.compile(
        r"\b(?:\d[\d.,]*\s*%?|(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        r"fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
        r"million|half|dozen|percent|twice|once a (?:week|day|month))\b)",
        re.IGNORECASE,
    ),
}


def numbers(text: str, language: Language) -> list[tuple[int, int]]:
    """Character spans of concrete quantities (digits, numerals with units, percentages)."""
    return [m.span() for m in _NUMBER[language].finditer(text)]


def transcript_from_text(text: str, language: Language) -> Transcript:
    """A transcript for plain text: one segment without timestamps (start = end = 0)."""
    return Transcript(language=language, text=text, segments=(Segment(0.0, 0.0, text),))


def segment_offsets(transcript: Transcript) -> list[tuple[int, int, Segment]]:
    """Where each timed segment's text sits in the transcript text (segments found in order)."""
    out: list[tuple[int, int, Segment]] = []
    pos = 0
    for seg in transcript.segments:
        piece = seg.text.strip()
        if not piece or seg.end <= seg.start:
            continue
        at = transcript.text.find(piece, pos)
        if at < 0:
            continue
        out.append((at, at + len(piece), seg))
        pos = at + len(piece)
    return out


def time_span(
    offsets: list[tuple[int, int, Segment]], start: int, end: int
) -> tuple[float | None, float | None]:
    """Seconds covering the characters [start, end) of the transcript, or None without timing."""
    hits = [(s, e, seg) for s, e, seg in offsets if s < end and e > start]
    if not hits:
        return None, None
    first, last = hits[0], hits[-1]
    return _time_at(first, start, True), _time_at(last, end, False)


def _time_at(entry: tuple[int, int, Segment], char: int, is_start: bool) -> float:
    # Interpolate inside the segment by character share: word timings are not aligned to
    # characters for Chinese, and the share is within a second or two for normal segments.
    s, e, seg = entry
    share = min(1.0, max(0.0, (char - s) / max(1, e - s)))
    t = seg.start + share * (seg.end - seg.start)
    return round(t if is_start else max(t, seg.start), 2)


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance between two token lists (word/character error rates)."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (r != h))
    return row[-1]
