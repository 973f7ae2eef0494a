"""General features of one answer to one question (each 0–1, more is better).

Only three things are read: discourse markers of the language (cues.py), the question's own
text, rubric and keywords, and the offline embedding model. The question's words are cut
out of the answer first, so an answer that reads the question back has nothing left to score.
Keywords and rubric terms count only inside *grounded* sentences — ones with the speaker as
subject, a step of a plan, or a concrete fact — so a list of buzzwords earns nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interview_analysis import text as tx
from interview_analysis.scorer import clauses, cues, fit, semantic
from interview_analysis.scorer.features import answer_units, language_match, term_spans
from interview_analysis.types import Language, Question

FEATURES = (
    "level_contrast",  # embedding: closer to the top rubric level than to the bottom one
    "clause_contrast",  # embedding: answer sentences that match the top level's clauses
    "keywords",  # HR's keywords (stems) said in grounded sentences
    "rubric_terms",  # the top level's own content words said in grounded sentences
    "structure",  # STAR (behavioural) or a stepwise plan (situational) complete
    "episode",  # own past actions (behavioural) or plan steps (situational)
    "specificity",  # numbers with units, dates, named entities
    "agency",  # "I" rather than "we" as the one who acts
    "measured_result",  # a result, with a number in the same sentence
    "reflection",  # a lesson drawn
    "concrete",  # share of sentences with a concrete fact or own action
    "no_hypothetical",  # behavioural answered with a past episode, not "I would …"
    "not_weak",  # few sentences whose nearest rubric clause is a bottom-level one
    "on_topic",  # embedding: the answer is about what was asked
    "not_generic",  # few sentences of beliefs or self-praise without anything concrete
    "no_red_flag",  # no blaming others, bending rules, threatening, giving up
)
# No length feature: a score must not reward talking longer for its own sake (a terse answer
# that covers the rubric is as good as a long one), and lengths differ between writers and
# speakers (the second labelled set's answers are twice as long as the first's at the same
# levels); without it, LOQO ρ 0.835 → 0.849 and train2 → dev ρ 0.775 → 0.790.
SLOGAN_STEPS = 1 / 8  # a plan's "episode" value for one step (eight make it full)
SLOGAN_SHARE = 2 / 3  # at most this share of sentences free of slogans
STUFFED = 0.5  # share of phrases that are a bare keyword / rubric word: a list, not talk
_PHRASE = re.compile(r"[^，,、。；;！？!?.\n]+")
_ECHO_MIN: dict[Language, int] = {"zh": 5, "en": 4}  # characters / words copied in a row
_RUBRIC_SPLIT = re.compile(r"[；;。]|(?<=[a-z)])\.(?:\s|$)")
_ENTITY_POS = ("nr", "ns", "nt", "nz", "eng")
_EN_ENTITY = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z]+|\b[A-Z]{2,}\b")
_DATE = {
    "zh": re.compile(
        r"[0-9一二两三四五六七八九十]+(?:年|月份|月|号|日|周|季度)|星期.|周[一二三四五六日]"
    ),
    "en": re.compile(
        r"\b(?:19|20)\d\d\b|\b(?:january|february|march|april|may|june|july|august|september|"
        r"october|november|december|monday|tuesday|wednesday|thursday|friday|weekend|q[1-4])\b",
        re.IGNORECASE,
    ),
}


@dataclass
class Signals:
    """Feature values, where each was seen (character spans) and facts for confidence."""

    values: dict[str, float]
    # Which of the model's weight sets applies: plans and past episodes are judged apart.
    kind: str = "behavioural"
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    units: int = 0
    echo_share: float = 0.0
    language_match: float = 1.0
    on_topic: float = 0.5
    semantic: bool = True
    # Rules that hold the answer in the bottom level whatever the features say (see caps()).
    caps: list[str] = field(default_factory=list)
    # Rules that hold the answer below the top level (the top level asks for what is missing).
    ceilings: list[str] = field(default_factory=list)
    term_hits: list[tuple[int, int]] = field(default_factory=list)

    @property
    def max_level(self) -> int:
        """The highest rubric level the rules allow (3 when none applies)."""
        return 1 if self.caps else 2 if self.ceilings else 3


def extract(question: Question, answer: str) -> Signals:
    """All features of `answer` for `question`."""
    lang = question.language
    own = _without_echo(answer, question.text, lang)
    sentences = tx.split_sentences(own) or [tx.Sentence(own, 0, len(own))]
    sig = Signals(
        values={},
        kind=fit.kind_of(question.type),
        units=answer_units(own, lang),
        language_match=language_match(answer, lang),
    )
    sig.echo_share = 1.0 - sig.units / max(1, answer_units(answer, lang))
    marks = {role: cues.find(role, own, lang) for role in cues.MARKERS}
    facts = _facts(own, lang)
    anchored = bool(marks["situation"] or _DATE[lang].search(own) or _narrated(own, lang))
    past = _own_actions(own, lang, anchored)
    steps = _step_clauses(own, lang)
    grounded = [s for s in sentences if _grounded(s, own, lang, facts + past + steps, marks)]
    v = sig.values
    _semantic(question, sentences, sig)
    v["keywords"] = _coverage(question.keywords, grounded, own, lang, sig, "keywords", 0.6)
    v["rubric_terms"] = _coverage(
        _rubric_terms(question), grounded, own, lang, sig, "rubric_terms", 0.4
    )
    _form(question, sentences, marks, past, facts, steps, _plan_steps(own, marks, lang), sig)
    flags = [m.span() for m in cues.RED_FLAGS[lang].finditer(own)]
    v["no_red_flag"] = 0.0 if flags else 1.0
    sig.spans["red_flag"] = flags[:2]
    sig.caps = caps(question, sig, past, own)
    sig.ceilings = ceilings(question, sig, own)
    return sig


def _form(
    question: Question,
    sentences: list[tx.Sentence],
    marks: dict[str, list[tuple[int, int]]],
    past: list[tuple[int, int]],
    facts: list[tuple[int, int]],
    plan: list[tuple[int, int]],
    plan_steps: int,
    sig: Signals,
) -> None:
    v, lang, behavioural = sig.values, question.language, question.type != "situational"
    own_acts = past if behavioural else past + marks["hypothetical"] + marks["sequence"]
    parts = (
        [marks["situation"] or facts, marks["task"] or past, marks["result"], marks["reflection"]]
        if behavioural
        else [
            marks["sequence"],
            marks["contingency"],
            own_acts,
            marks["reflection"] + marks["result"],
        ]
    )
    v["structure"] = sum(1 for p in parts if p) / len(parts)
    we_past = [m.span() for m in cues.WE_PAST[lang].finditer(" ".join(s.text for s in sentences))]
    steps = len(past) + 0.5 * len(we_past) if behavioural else plan_steps
    # Full at four own actions of an episode, or eight steps of a plan (a top rubric level
    # lists five to eight of them; fewer made every long answer's plan "complete").
    v["episode"] = min(1.0, steps / (4 if behavioural else 8))
    v["specificity"] = min(1.0, len(facts) / 4)
    me = len(cues.SELF[lang].findall(" ".join(s.text for s in sentences)))
    we = len(cues.WE[lang].findall(" ".join(s.text for s in sentences)))
    v["agency"] = me / (me + we) * min(1.0, me / 3) if me + we else 0.0
    results = [s for s in sentences if _inside(s, marks["result"])]
    measured = [s for s in results if _inside(s, facts)]
    v["measured_result"] = 1.0 if measured else 0.4 if results else 0.0
    v["reflection"] = 1.0 if marks["reflection"] else 0.0
    concrete = [s for s in sentences if _inside(s, facts + past)]
    v["concrete"] = len(concrete) / len(sentences)
    # A "first …" alone makes no step: "首先要树立…理念" is a slogan in a plan's clothes.
    plans = plan or marks["hypothetical"]
    acts = past + (plans if not behavioural else [])
    v["not_generic"] = 1.0 - _generic_share(sentences, marks["generic"], facts + acts)
    hyp = [s for s in sentences if _inside(s, marks["hypothetical"]) and not _inside(s, past)]
    v["no_hypothetical"] = 1.0 - len(hyp) / len(sentences) if behavioural else 1.0
    sig.spans["past"] = past
    sig.spans.update(
        situation=marks["situation"][:1],
        episode=past[:6],
        specificity=facts[:3],
        measured_result=[(s.start, s.end) for s in (measured or results)][-1:],
        reflection=marks["reflection"][-1:],
        sequence=marks["sequence"][:1],
        hypothetical=[(s.start, s.end) for s in hyp][:1],
    )


def _generic_share(
    sentences: list[tx.Sentence], generic: list[tuple[int, int]], concrete: list[tuple[int, int]]
) -> float:
    """Share of sentences that state a belief or praise oneself and hold nothing concrete (no
    fact, no action taken, no step of a plan): talk about the competency, not evidence of it."""
    talk = [s for s in sentences if _inside(s, generic) and not _inside(s, concrete)]
    return len(talk) / len(sentences)


def caps(question: Question, sig: Signals, past: list[tuple[int, int]], text: str) -> list[str]:
    """Bottom-level rules: a list of the question's own keywords and rubric words instead of
    sentences (most phrases are nothing but such a word); a red flag (blaming others, bending
    the rules …) where the rubric's bottom level names such behaviour; a behavioural question
    answered only with what the speaker *would* do — no past action at all and mostly
    hypotheticals (the STAR method asks for an episode that happened) — or with no example at
    all — no action anyone took and not one fact; a plan that is slogans (_slogans_only)."""
    out = []
    if _stuffed(text, sig.term_hits):
        out.append("keyword_stuffing")
    if sig.values["no_red_flag"] == 0 and _named_at_bottom(question):
        out.append("red_flag")
    behavioural = question.type != "situational"
    if behavioural and not past and sig.values["no_hypothetical"] <= 0.5:
        out.append("hypothetical_only")
    elif behavioural and sig.values["episode"] == 0 and sig.values["specificity"] == 0:
        out.append("no_example")
    elif not behavioural and _slogans_only(question, sig):
        out.append("slogans_only")
    return out


def _slogans_only(question: Question, sig: Signals) -> bool:
    """A plan of at most one step where a third of the sentences or more are slogans, for a
    rubric whose bottom level names slogans or generic talk (口号, 套话, generic …)."""
    v = sig.values
    if v["episode"] > SLOGAN_STEPS or v["not_generic"] > SLOGAN_SHARE:
        return False
    return bool(cues.GENERIC_NAMED[question.language].search(_level_text(question, top=False)))


def _named_at_bottom(question: Question) -> bool:
    """The rubric's bottom level names blaming, rule-bending or the like as bottom-level."""
    return bool(cues.FLAGS_NAMED[question.language].search(_level_text(question, top=False)))


def _level_text(question: Question, *, top: bool) -> str:
    """The description of the rubric's top or bottom level ("" without a rubric)."""
    if not question.rubric:
        return ""
    pick = max if top else min
    return pick(question.rubric, key=lambda r: r.level).description


def ceilings(question: Question, sig: Signals, text: str) -> list[str]:
    """Top-level rules, the rubric's own conditions read from the rubric, not from answers:
    where the top level asks for a lesson drawn (有反思 / a lesson learned), a behavioural
    answer that draws none, and where it asks for following up (跟进回访 / follows up
    afterwards), a plan that never follows up, cannot be at the top level."""
    top, lang = _level_text(question, top=True), question.language
    if question.type != "situational":
        asked, said = cues.REFLECTION_ASKED[lang], sig.values["reflection"] > 0
        return ["no_reflection"] if asked.search(top) and not said else []
    asked_fu = cues.FOLLOW_UP[lang].search(top)
    return ["no_follow_up"] if asked_fu and not cues.FOLLOW_UP[lang].search(text) else []


def _stuffed(text: str, hits: list[tuple[int, int]]) -> bool:
    """At least 3 phrases, and at least STUFFED of them, are a bare keyword and nothing else."""
    covered = [False] * len(text)
    for s, e in hits:
        covered[s:e] = [True] * (e - s)
    phrases = [m for m in _PHRASE.finditer(text) if re.search(r"\w", m.group())]
    bare = [
        m
        for m in phrases
        if all(covered[i] for i in range(m.start(), m.end()) if text[i].isalnum())
    ]
    return len(bare) >= 3 and len(bare) >= STUFFED * len(phrases)


def _semantic(question: Question, sentences: list[tx.Sentence], sig: Signals) -> None:
    """Embedding features; neutral 0.5 without the model."""
    levels = sorted(question.rubric, key=lambda r: r.level)
    v = sig.values
    v["level_contrast"] = v["clause_contrast"] = v["not_weak"] = v["on_topic"] = 0.5
    if len(levels) < 2 or not semantic.available():
        sig.semantic = semantic.available()
        return
    top, bottom = levels[-1].description, levels[0].description
    whole = " ".join(s.text for s in sentences)
    m = semantic.similarity_matrix([top, bottom, question.text], [whole])
    if m is None:
        return
    v["level_contrast"] = semantic.squash(float(m[0, 0] - m[1, 0]))
    sig.on_topic = float(m[2, 0])
    clauses = [c.strip() for c in _RUBRIC_SPLIT.split(top) if len(c.strip()) > 3]
    worst = [c.strip() for c in _RUBRIC_SPLIT.split(bottom) if len(c.strip()) > 3] or [bottom]
    texts = [s.text for s in sentences if s.text.strip()]
    grid = semantic.similarity_matrix(clauses + worst, texts)
    if grid is None or not clauses:
        return
    best_top = grid[: len(clauses)].max(axis=1).mean()
    best_bottom = grid[len(clauses) :].max(axis=1).mean()
    v["clause_contrast"] = semantic.squash(float(best_top - best_bottom))
    nearest_top = grid[: len(clauses)].max(axis=0)
    v["not_weak"] = semantic.closer_share(nearest_top - grid[len(clauses) :].max(axis=0))
    v["on_topic"] = semantic.squash(sig.on_topic - 0.82)
    j = int(grid[: len(clauses)].max(axis=0).argmax())
    sig.spans["clause_contrast"] = (
        [(sentences[j].start, sentences[j].end)] if j < len(sentences) else []
    )


def _coverage(
    terms: tuple[str, ...],
    grounded: list[tx.Sentence],
    text: str,
    lang: Language,
    sig: Signals,
    name: str,
    full_share: float,
) -> float:
    """Share of `terms` said inside grounded sentences; `full_share` of them is a full answer."""
    if not terms:
        return 0.0
    words = [(m.group().lower(), m.start(), m.end()) for m in re.finditer(r"[A-Za-z]+", text)]
    hits = []
    for term in terms:
        spans = [sp for sp in term_spans(term, text, words, lang) if _inside_any(sp, grounded)]
        hits += spans[:1]
        sig.term_hits += term_spans(term, text, words, lang)
    sig.spans[name] = hits[:3]
    return min(1.0, len(hits) / max(1.0, full_share * len(terms)))


def _rubric_terms(question: Question) -> tuple[str, ...]:
    """Content words of the top rubric level that the question itself does not use."""
    if not question.rubric:
        return ()
    lang = question.language
    top = max(question.rubric, key=lambda r: r.level).description
    asked = {t.lower() for t in tx.content_terms(question.text, lang)}
    out = [
        t.lower()
        for t in tx.content_terms(top, lang)
        if t.lower() not in asked and len(t) >= (2 if lang == "zh" else 4)
    ]
    return tuple(dict.fromkeys(out))


def _facts(text: str, lang: Language) -> list[tuple[int, int]]:
    """Numbers with units, dates and named entities (jieba POS for zh, capitals for en)."""
    spans = tx.numbers(text, lang) + [m.span() for m in _DATE[lang].finditer(text)]
    if lang == "en":
        spans += [m.span() for m in _EN_ENTITY.finditer(text) if m.group() not in ("I", "I'm")]
    else:
        spans += _zh_entities(text)
    return sorted(set(spans))


def _zh_entities(text: str) -> list[tuple[int, int]]:
    import jieba.posseg as pseg

    out, pos = [], 0
    for word, flag in pseg.cut(text):
        at = text.find(word, pos)
        if at < 0:
            continue
        pos = at + len(word)
        if flag in _ENTITY_POS and len(word) >= 2:
            out.append((at, pos))
    return out


def _grounded(
    s: tx.Sentence,
    text: str,
    lang: Language,
    concrete: list[tuple[int, int]],
    marks: dict[str, list[tuple[int, int]]],
) -> bool:
    if _inside(s, concrete + marks["sequence"] + marks["hypothetical"]):
        return True
    return bool(cues.SELF[lang].search(s.text)) and len(s.text) >= (8 if lang == "zh" else 30)


def _without_echo(answer: str, question: str, lang: Language) -> str:
    """The answer with every run copied from the question (≥ 5 characters / 4 words) blanked."""
    n = _ECHO_MIN[lang]
    if lang == "zh":
        grams = {question[i : i + n] for i in range(len(question) - n + 1)}
        keep = [True] * len(answer)
        for i in range(len(answer) - n + 1):
            if answer[i : i + n] in grams:
                keep[i : i + n] = [False] * n
        return "".join(c if k else " " for c, k in zip(answer, keep, strict=True))
    qwords = [w.lower() for w in re.findall(r"[A-Za-z']+", question)]
    word_grams = {tuple(qwords[i : i + n]) for i in range(len(qwords) - n + 1)}
    found = list(re.finditer(r"[A-Za-z']+", answer))
    out = list(answer)
    for i in range(len(found) - n + 1):
        if tuple(m.group().lower() for m in found[i : i + n]) in word_grams:
            for m in found[i : i + n]:
                out[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(out)


def _step_clauses(text: str, lang: Language) -> list[tuple[int, int]]:
    """Chinese clauses that plan or list an action (grounding for keywords said in them)."""
    if lang != "zh":
        return []
    own = clauses.own_clauses(text)
    return own.plans + own.steps


def _plan_steps(text: str, marks: dict[str, list[tuple[int, int]]], lang: Language) -> int:
    """Steps of a plan: its sequence markers, or in Chinese its action clauses when there are
    more of them (a plan said as a list of actions has no "first … then")."""
    if lang != "zh":
        return len(marks["sequence"])
    own = clauses.own_clauses(text)
    return max(len(marks["sequence"]), len(own.plans) + len(own.steps) + len(own.acts))


def _narrated(text: str, lang: Language) -> bool:
    """Whether a Chinese answer tells completed events (cues.PERFECTIVE_ZH): an episode
    even without a time word. English says it with the tense, which PAST_ACTION reads."""
    return lang == "zh" and len(cues.PERFECTIVE_ZH.findall(text)) >= cues.NARRATED_EVENTS


def _own_actions(text: str, lang: Language, anchored: bool) -> list[tuple[int, int]]:
    """Spans of the speaker's own past actions: "I + past verb" in English and the verbs
    coordinated with it ("…, found … and built …"); in Chinese any 我…了/过 and, when the
    answer is anchored in a past episode (a time, "那次", two completed events), every
    clause with 我 acting (clauses.py) — Chinese has no tense, so without the anchor
    "我坚持…" is a habit or a claim, not something that happened."""
    found = [
        m.span() for m in cues.PAST_ACTION[lang].finditer(text) if not _conditional(text, m.start())
    ]
    if lang == "en":
        return _with_conjoined(text, found)
    if not anchored:
        return found
    acts = clauses.own_clauses(text).acts
    extra = [sp for sp in found if not any(a <= sp[0] < b for a, b in acts)]
    return sorted(acts + extra)


def _with_conjoined(text: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The speaker's past actions and the verbs coordinated with them (cues.CONJOINED_PAST_EN):
    each chain link must follow an action of the speaker's with no other subject between."""
    out = list(found)
    for m in cues.CONJOINED_PAST_EN.finditer(text):
        prev = max((e for _, e in out if e <= m.start()), default=None)
        if prev is not None and not cues.OTHER_SUBJECT_EN.search(text, prev, m.start()):
            out.append(m.span())
    return sorted(set(out))


def _conditional(text: str, at: int) -> bool:
    """'If I wanted …' / '如果我…了': a condition, not a past action."""
    before = text[max(0, at - 4) : at].lower()
    return before.endswith(("if ", "如果", "假如", "要是"))


def _inside(s: tx.Sentence, spans: list[tuple[int, int]]) -> bool:
    return any(s.start <= a < s.end for a, _ in spans)


def _inside_any(span: tuple[int, int], sentences: list[tx.Sentence]) -> bool:
    return any(s.start <= span[0] < s.end for s in sentences)
