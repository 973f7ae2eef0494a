"""Evidence per dimension (issue 13 part 4): each dimension quotes the sentences that speak to
it, each sentence once with its features merged, every feature named in words — a feature the
scorer gains later included — and the quote's time ("结果: 出库效率提高百分之十二 @1:42").

Both questions and answers are invented here; neither was used to choose DIMENSION_QUERY.
"""

from __future__ import annotations

import pytest

from interview_analysis.scorer import evidence, semantic
from interview_analysis.scorer.evidence import GENERIC, LABELS, assign, label, line, merge
from interview_analysis.scorer.model import GeneralScorer
from interview_analysis.scoring import question_from_dict
from interview_analysis.text import transcript_from_text
from interview_analysis.types import Evidence, Language, Question, Segment, TextScore, Transcript

ZH = question_from_dict(
    "t-lead-zh",
    {
        "lang": "zh",
        "type": "behavioural",
        "dimensions": {"团队管理": 0.5, "数据分析": 0.5},
        "text": "请讲一次你带领团队用数据解决业务问题的经历。你做了什么？结果如何？",
        "rubric": {
            "3": "情境具体；本人带领团队的行动（分工、辅导、激励）；本人的数据分析（指标、方法、"
            "发现）；结果量化；有反思。",
            "2": "有事例但行动笼统或缺少结果。",
            "1": "没有具体事例。",
        },
        "keywords": ["分工", "辅导", "数据", "指标", "分析", "结果"],
    },
)
ZH_ANSWER = (
    "去年三月我接手了一个六人的仓储运营小组，出库经常延误。"
    "我给每个人重新分工，每周和两位新人一对一辅导，并在周会上表扬进步最快的同事。"
    "同时我导出了三个月的出库数据，用回归分析发现延误主要集中在下午四点的波次。"
    "我们调整了拣货波次之后，出库效率提高了百分之十二，团队两个月内没有人离职。"
    "我的反思是，管人和看数据要一起做。"
)
EN = question_from_dict(
    "t-ship-en",
    {
        "lang": "en",
        "type": "behavioural",
        "dimensions": {"customer_focus": 0.5, "technical-skills": 0.5},
        "text": "Tell me about a time you fixed a problem that hurt your customers. "
        "What did you do and what was the result?",
        "rubric": {
            "3": "A specific situation; the candidate's own actions with the customers and on "
            "the technical cause; a quantified result; a lesson.",
            "2": "A real example but vague actions or no result.",
            "1": "No concrete example.",
        },
        "keywords": ["customer", "root cause", "fix", "result"],
    },
)
EN_ANSWER = (
    "In March 2024 three of our largest retail customers complained that invoices arrived a "
    "week late. I called each customer myself, listened to how the delay hurt their month-end "
    "close, and promised a weekly update. I traced the root cause to a PostgreSQL query that "
    "locked the billing table, and rewrote it with an index and batching in Python. Invoice "
    "generation dropped from 9 hours to 40 minutes, and all three customers renewed their "
    "contracts. I learned to talk to the customer before I touch the code."
)


def timed(text: str, seconds: float = 20.0) -> Transcript:
    """The answer as a transcript whose sentences are each `seconds` long."""
    sentences = [s + "。" for s in text.split("。") if s]
    segments = [Segment(i * seconds, (i + 1) * seconds, s) for i, s in enumerate(sentences)]
    return Transcript("zh", "".join(sentences), tuple(segments))


def scored(question: Question, text: str) -> TextScore:
    transcript = timed(text) if question.language == "zh" else None
    transcript = transcript or transcript_from_text(text, question.language)
    return GeneralScorer().score(question, transcript)


def quotes_of(result: TextScore, name: str) -> list[str]:
    return [e.quote for d in result.dimensions if d.name == name for e in d.evidence]


def test_the_model_is_installed_so_the_per_dimension_tests_mean_something() -> None:
    assert semantic.available()


def test_zh_dimensions_quote_the_sentences_that_speak_to_them() -> None:
    result = scored(ZH, ZH_ANSWER)
    team, data = quotes_of(result, "团队管理"), quotes_of(result, "数据分析")
    assert any("分工" in q for q in team) and not any("分工" in q for q in data)
    assert team != data and set(data) - set(team)


def test_en_dimensions_quote_the_sentences_that_speak_to_them() -> None:
    result = scored(EN, EN_ANSWER)
    customer, technical = quotes_of(result, "customer_focus"), quotes_of(result, "technical-skills")
    assert any("called each customer" in q for q in customer)
    assert not any("called each customer" in q for q in technical)
    assert any("PostgreSQL" in q for q in technical)


@pytest.mark.parametrize(("question", "text"), [(ZH, ZH_ANSWER), (EN, EN_ANSWER)])
def test_no_quote_twice_within_a_dimension_and_every_feature_kept(
    question: Question, text: str
) -> None:
    result = scored(question, text)
    per_feature = {(e.quote, e.element) for e in result.evidence}
    for dim in result.dimensions:
        quoted = [e.quote for e in dim.evidence]
        assert dim.evidence and len(quoted) == len(set(quoted)), dim.name
        for e in dim.evidence:
            assert {(e.quote, f) for f in e.element.split("+")} <= per_feature
        assert dim.score == result.score  # one model score: the dimension carries the total
    items = [e for d in result.dimensions for e in d.evidence]
    shown = {(e.quote, f) for e in items for f in e.element.split("+")}
    assert shown == per_feature  # each feature's quote is shown under some dimension


def test_the_zh_line_names_the_merged_features_and_the_time() -> None:
    result = scored(ZH, ZH_ANSWER)
    team = next(d for d in result.dimensions if d.name == "团队管理")
    lines = [line(e, "zh") for e in team.evidence]
    first = next(x for x in lines if "六人的仓储运营小组" in x)
    assert first.endswith("@0:00") and "、" in first.split(": ")[0]
    assert all(not any(c in x.split(": ")[0] for c in "_+") for x in lines)


def test_without_the_model_every_dimension_gets_every_quote_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(evidence.semantic, "similarity_matrix", lambda q, p: None)
    result = scored(ZH, ZH_ANSWER)
    first, second = result.dimensions
    assert first.evidence == second.evidence == merge(result.evidence)


def test_a_rule_that_held_the_score_down_is_quoted_under_every_dimension() -> None:
    quotes = (
        Evidence("我是一个很有责任心的人。", "-no_example", 0.0, 3.0),
        Evidence("我给每个人重新分工，每周辅导新人。", "episode", 3.0, 6.0),
        Evidence("我用回归分析找到了延误的原因。", "specificity", 6.0, 9.0),
    )
    shown = assign(["团队管理", "数据分析"], quotes)
    assert all(quotes[0] in shown[n] for n in shown)
    assert shown["团队管理"] != shown["数据分析"]


def test_merge_keeps_the_order_of_points_and_each_feature_once() -> None:
    a = Evidence("结果出库效率提高了百分之十二。", "measured_result", 102.0, 106.0)
    b = Evidence("结果出库效率提高了百分之十二。", "specificity", 102.0, 106.0)
    c = Evidence("我的反思是要一起做。", "reflection", 110.0, 112.0)
    assert merge((a, b, c, b)) == (
        Evidence(a.quote, "measured_result+specificity", 102.0, 106.0),
        c,
    )
    assert line(merge((a, b))[0], "zh") == "结果、具体事实: 结果出库效率提高了百分之十二。 @1:42"
    again = Evidence(a.quote, "reflection", 130.0, 134.0)  # the same words said again later
    assert merge((a, again)) == (Evidence(a.quote, "measured_result+reflection", 102.0, 106.0),)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_unknown_feature_gets_a_generic_label_never_its_code(language: str) -> None:
    lang: Language = "zh" if language == "zh" else "en"
    assert label("tense_shift_v3", lang) == GENERIC[lang]
    assert label("-new_cap", lang) == GENERIC[lang]
    assert label("reflection+tense_shift_v3", lang).startswith(LABELS["reflection"][lang])
    assert "Full story" not in label("rubric:Full story … measurable resu", lang)
    assert label("keyword:data", lang) == evidence.PREFIXES["keyword"][lang]
    assert label("llm:结果", lang) == "结果"
    text = line(Evidence("Something happened.", "tense_shift_v3", 61.0, 62.0), lang)
    assert text == f"{GENERIC[lang]}: Something happened. @1:01"
