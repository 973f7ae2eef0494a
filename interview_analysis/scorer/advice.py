"""Evidence quotes and improvement suggestions, in the question's language."""

from __future__ import annotations

from interview_analysis import text as tx
from interview_analysis.scorer.features import Features
from interview_analysis.types import Evidence, Language, Transcript

MAX_EVIDENCE = 12

# Suggestion per missing element or weak-answer cue, most useful first. Chinese says 您: the
# feedback e-mail quotes these to the candidate in the formal register it is written in.
_ADVICE: dict[str, dict[Language, str]] = {
    "blame": {
        "zh": "少评价他人的对错，多讲您本人做了什么、承担了什么（自己的行动）。",
        "en": "Talk less about others' faults and more about what you did yourself (own actions).",
    },
    "evasive": {
        "zh": "正面回应问题：说明您会主动采取的具体行动，而不是回避、拖延或只按规定办。",
        "en": "Address the problem head-on: say which concrete actions you would take instead of "
        "avoiding it or hiding behind rules.",
    },
    "generic": {
        "zh": "用一个真实、具体的事例代替泛泛的表态（情境：时间、项目、涉及的人）。",
        "en": "Replace general statements with one real, specific example (situation: when, "
        "where, who).",
    },
    "hypothetical": {
        "zh": "讲一次真实发生过的经历，而不是“如果……我会……”的假设。",
        "en": "Describe something that really happened rather than what you would do in theory.",
    },
    "situation": {
        "zh": "先交代情境：什么时候、在什么项目或岗位、遇到了什么问题。",
        "en": "Set the situation first: when, which project or role, and what the problem was.",
    },
    "task": {
        "zh": "说明您本人承担的任务或角色。",
        "en": "Say what your own task or role was.",
    },
    "own_action": {
        "zh": "多讲“我”具体做了什么（自己的行动），而不只是“我们”。",
        "en": "Say what you yourself did (own actions, “I”), not only what “we” did.",
    },
    "result": {
        "zh": "补充结果：最后怎么样了，最好给出可量化的数字。",
        "en": "Add the result: what changed in the end, ideally with a number.",
    },
    "number": {
        "zh": "加入具体数字（时间、比例、数量），让结果和做法可以衡量。",
        "en": "Add concrete numbers (time, percentages, amounts) so the result can be measured.",
    },
    "reflection": {
        "zh": "最后补一句反思：您从中学到了什么，以后会怎样避免或改进。",
        "en": "End with reflection: what you learned and how you would prevent it next time.",
    },
    "sequence": {
        "zh": "按步骤说明您的做法（先……再……最后……）。",
        "en": "Lay out your steps in order (first …, then …, finally …).",
    },
    "timebound": {
        "zh": "给出明确的时间安排（例如今天、二十四小时内、下周）。",
        "en": "Give a clear timeline (today, within a day, next week).",
    },
}
# The task/role cue is the weakest detector, so its advice comes last.
_PRIORITY = (
    "situation",
    "own_action",
    "result",
    "number",
    "reflection",
    "sequence",
    "timebound",
    "task",
)
_RUBRIC = {"zh": "评分要点中还缺少：{}。", "en": "The rubric also expects: {}."}
_POLISH = {
    "zh": "回答已较完整；可以更精炼，并突出最关键的一个数字或结果。",
    "en": "The answer is fairly complete; tighten it and lead with the most telling result.",
}


def suggestions(
    feats: Features, structure: tuple[str, ...], present: set[str], language: Language
) -> tuple[str, ...]:
    """1–3 suggestions naming what is missing, weakest-answer problems first."""
    v = feats.values
    out: list[str] = []
    for cue in ("blame", "evasive", "generic", "hypothetical"):
        if v.get(cue, 0.0) >= 0.34:
            out.append(_ADVICE[cue][language])
    for element in sorted((*structure, "number"), key=_PRIORITY.index):
        if element not in present:
            out.append(_ADVICE[element][language])
    if feats.missing:
        sep = "；" if language == "zh" else "; "
        out.append(_RUBRIC[language].format(sep.join(feats.missing[:2])))
    return tuple(dict.fromkeys(out))[:3] or (_POLISH[language],)


def evidence(feats: Features, transcript: Transcript) -> tuple[Evidence, ...]:
    """Quoted sentences (exact substrings of the answer) with times when the transcript has them."""
    sentences = tx.split_sentences(transcript.text)
    offsets = tx.segment_offsets(transcript)
    out: list[Evidence] = []
    seen: set[str] = set()
    for hit in sorted(feats.hits, key=lambda h: h.start):
        if hit.element in seen:
            continue
        sentence = next((s for s in sentences if s.start <= hit.start < s.end), None)
        if sentence is None:
            continue
        seen.add(hit.element)
        start, end = tx.time_span(offsets, sentence.start, sentence.end)
        out.append(Evidence(sentence.text, hit.element, start, end))
    return tuple(out[:MAX_EVIDENCE])
