"""The offline rubric scorer, the eval figures and the score/eval CLI.

The questions here are invented for the tests (none is in the dev set, data/eval), so
passing them shows the scorer reads any rubric rather than knowing the eval questions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interview_analysis.backends.rubric import WEIGHTS, RubricScorer, level_for
from interview_analysis.scoring import (
    figures,
    leave_one_question_out,
    load_answers,
    load_questions,
    question_from_dict,
    ranks,
    score_all,
    spearman,
)
from interview_analysis.text import transcript_from_text
from interview_analysis.types import Question, Segment, TextScore, Transcript

ROOT = Path(__file__).resolve().parents[2]
# The labelled dev set ships with the tests (a clone needs nothing beside it);
# MIANSHI_EVAL_DIR points at another set of the same format.
EVAL_DIR = Path(os.environ.get("MIANSHI_EVAL_DIR", Path(__file__).parent / "data" / "eval"))

QUESTIONS_RAW = {
    "t-learn-zh": {
        "lang": "zh",
        "type": "behavioural",
        "dimensions": {"学习能力": 0.5, "责任心": 0.5},
        "text": "请讲一次你在很短时间内学会一项新技能并用于工作的经历。",
        "rubric": {
            "3": "情境清楚（岗位、时间、为什么要学）；"
            "说明本人的学习方法和行动（制定计划、请教他人、动手练习）；"
            "有可衡量的结果；有反思或总结。",
            "2": "有真实经历，但方法或结果笼统。",
            "1": "没有具体经历，只是泛泛表态，或把困难归咎于他人。",
        },
        "keywords": ["计划", "请教", "练习", "结果", "总结"],
    },
    "t-mentor-en": {
        "lang": "en",
        "type": "behavioural",
        "dimensions": {"leadership": 0.6, "ownership": 0.4},
        "text": "Tell me about a time you helped a new colleague get up to speed.",
        "rubric": {
            "3": "Clear situation; the candidate's own role; specific actions (a plan, pairing, "
            "feedback); a measurable result; reflection on what they would repeat or change.",
            "2": "A real example but vague actions, or 'we' without the candidate's own part.",
            "1": "Generic claims about being a good mentor, blames the newcomer, or only a "
            "hypothetical.",
        },
        "keywords": ["plan", "pair", "feedback", "checklist", "result", "learned"],
    },
}
ZH = question_from_dict("t-learn-zh", QUESTIONS_RAW["t-learn-zh"])
EN = question_from_dict("t-mentor-en", QUESTIONS_RAW["t-mentor-en"])

ANSWERS = {
    (
        "zh",
        "good",
    ): "去年我刚转到数据组，领导要求我两周内学会用SQL做周报。我先制定了每天两小时的学习"
    "计划，请教组里的同事要了常用查询的例子，然后每天用真实数据练习。第二周我就独立完成了周报，把原来"
    "半天的手工统计缩短到二十分钟。我总结的经验是，带着真实任务学比单纯看教程快得多。",
    (
        "zh",
        "short",
    ): "上个月我三天内学会了Excel透视表：先请教同事，每晚练习一小时，第四天独立交了报表，"
    "用时从两小时降到二十分钟。总结：带着任务学最快。",
    (
        "zh",
        "padded",
    ): "我认为学习能力是非常非常重要的。每个人都应该保持终身学习的心态，要学会主动学习，要"
    "学会总结。在当今社会，知识更新得很快，所以我们一定要不断提升自己。我平时很注重培养自己的学习习惯，"
    "比如多看书、多思考。总之，我相信只要肯努力，就没有学不会的东西。我在以后的工作中也会一直坚持这样的"
    "态度。",
    (
        "zh",
        "blame",
    ): "有一次公司让我学一个新系统，但是培训的同事讲得很差，文档也写得乱七八糟，根本不是"
    "我的问题。后来学得很慢，都是因为他们没有安排好。",
    (
        "zh",
        "noresult",
    ): "去年我在一家公司做运营，需要学习新的数据工具。我就请教了同事，也自己看了一些"
    "教程，慢慢地就会用了。",
    (
        "en",
        "good",
    ): "Last spring I was the senior analyst when a new hire joined our reporting team. "
    "I wrote a two-week onboarding plan, paired with her for an hour every morning, and gave her a "
    "checklist of our ten most common requests. I asked for feedback every Friday. By the third "
    "week she was handling requests alone, and our backlog fell by thirty percent. I learned that "
    "a written checklist saves more time than long explanations.",
    ("en", "short"): "Last month I paired with our new tester for three mornings and gave him a "
    "checklist. He closed his first twelve tickets alone that week. Lesson: checklists beat "
    "lectures.",
    ("en", "padded"): "I am a very good mentor and I think helping others is very important. I "
    "always believe that teamwork is the key to success and I am a strong team player. I am "
    "patient, positive and detail-oriented, and I always stay calm. My colleagues often come to me "
    "for help because they know I care. In my opinion, the most important thing is a good "
    "attitude and hard work, and with the right attitude anyone can learn anything.",
    ("en", "blame"): "We had a new guy who was really slow. It was not my fault that he didn't "
    "learn, he was lazy and never listened. I told my manager and they moved him to another team.",
    ("en", "hypothetical"): "If I had a new colleague, I would first explain how things work, then "
    "I would answer their questions, and I would make sure they feel welcome.",
    ("en", "noresult"): "Last year a junior developer joined my team and I was asked to help her. "
    "We went through the codebase together and I answered her questions when she had them.",
}


def _score(lang: str, kind: str, question: Question | None = None) -> TextScore:
    q = question or (ZH if lang == "zh" else EN)
    return RubricScorer().score(q, transcript_from_text(ANSWERS[(lang, kind)], q.language))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_star_elements_found_in_a_complete_answer(lang: str) -> None:
    result = _score(lang, "good")
    for element in ("situation", "own_action", "result", "reflection"):
        assert element in result.found
    assert result.level == 3 and result.score >= 8.0
    elements = {e.element for e in result.evidence}
    assert "number" in elements
    assert any(e.startswith("keyword:") for e in elements)
    assert any(e.startswith("rubric:") for e in elements)


OUTAGE = question_from_dict(
    "t-outage-zh",
    {
        "lang": "zh",
        "type": "situational",
        "dimensions": {"应变能力": 0.5, "责任心": 0.5},
        "text": "假设你负责的线上系统在周五晚上突然宕机，大量用户无法下单，你会怎么做？",
        "rubric": {
            "3": "先评估影响范围并通知相关负责人；组织排查并尽快恢复（回滚、切换备用）；"
            "及时向用户和上级同步进展；事后复盘根因并提出预防措施。",
            "2": "有部分步骤，如排查和修复，但缺少沟通或复盘。",
            "1": "推卸责任、等待他人处理，或只说会尽力。",
        },
        "keywords": ["评估", "通知", "回滚", "同步", "复盘", "预防"],
    },
)
OUTAGE_ANSWERS = {
    "good": "我会先用五分钟看监控，确认影响范围和开始时间，同时在群里通知值班负责人和客服。如果是"
    "刚上线的版本引起的，我会马上回滚；否则切到备用集群，目标是三十分钟内恢复下单。期间每十五分钟向"
    "上级和客服同步一次进展。恢复后当晚写事故记录，下周一组织复盘，找出根因并加上告警，避免再次发生。",
    "partial": "我会先看日志找到问题，然后修复上线，尽快让用户能正常下单。",
    "effort": "我会尽力去解决，毕竟系统稳定非常重要。我相信只要大家一起努力，就一定能很快恢复。",
    "blame": "这种情况一般是运维那边的问题，不是我们开发的责任，我会让他们去处理，等他们修好就行。",
}


def test_situational_plan_ranks_good_partial_weak() -> None:
    scores = {
        k: RubricScorer().score(OUTAGE, transcript_from_text(t, "zh"))
        for k, t in OUTAGE_ANSWERS.items()
    }
    assert [scores[k].level for k in OUTAGE_ANSWERS] == [3, 2, 1, 1]
    assert scores["good"].score > scores["partial"].score > scores["effort"].score
    assert {"sequence", "timebound", "reflection"} <= set(scores["good"].found)
    assert "reflection" in scores["partial"].missing


def test_partial_keyword_stems_are_hits() -> None:
    q = question_from_dict("t", {**QUESTIONS_RAW["t-mentor-en"], "keywords": ["priorit", "pair"]})
    text = "I prioritised the must-haves and paired with her daily."
    result = RubricScorer().score(q, transcript_from_text(text, "en"))
    hits = {e.element for e in result.evidence}
    assert {"keyword:priorit", "keyword:pair"} <= hits


@pytest.mark.parametrize(
    ("lang", "kind"),
    [("zh", "padded"), ("zh", "blame"), ("en", "padded"), ("en", "blame"), ("en", "hypothetical")],
)
def test_weak_answers_score_low_even_when_long(lang: str, kind: str) -> None:
    result = _score(lang, kind)
    assert result.level == 1
    assert result.score < 3.4
    assert result.score < _score(lang, "good").score - 4


def test_weak_answer_penalised_even_when_the_rubric_does_not_name_the_move() -> None:
    plain = {
        **QUESTIONS_RAW["t-mentor-en"],
        "rubric": {"3": "A concrete example.", "2": "x", "1": "y"},
    }
    q = question_from_dict("plain", plain)
    padded, good = _score("en", "padded", q), _score("en", "good", q)
    assert padded.score <= 3.5 < 7.0 <= good.score


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_short_complete_answer_scores_well(lang: str) -> None:
    result = _score(lang, "short")
    assert result.level == 3 and result.score >= 7.0
    assert len(ANSWERS[(lang, "short")]) < len(ANSWERS[(lang, "padded")]) / 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_missing_result_is_named_in_suggestions(lang: str) -> None:
    result = _score(lang, "noresult")
    assert result.level == 2
    assert "result" in result.missing
    word = "结果" if lang == "zh" else "result"
    assert any(word in s.lower() for s in result.suggestions)
    assert 1 <= len(result.suggestions) <= 3


def test_suggestions_in_the_question_language() -> None:
    assert all(any("\u4e00" <= c <= "\u9fff" for c in s) for s in _score("zh", "blame").suggestions)
    assert all(s.isascii() for s in _score("en", "blame").suggestions)


@pytest.mark.parametrize("key", sorted(ANSWERS))
def test_evidence_quotes_are_substrings_of_the_answer(key: tuple[str, str]) -> None:
    result = _score(*key)
    for ev in result.evidence:
        assert ev.quote and ev.quote in ANSWERS[key]
        assert ev.start is None and ev.end is None  # plain text has no timing


def test_evidence_carries_timestamps_from_segments() -> None:
    parts = ANSWERS[("en", "good")].split(". ")
    segments, t = [], 0.0
    for part in parts:
        segments.append(Segment(t, t + 4.0, part + "."))
        t += 4.5
    text = " ".join(s.text for s in segments)
    result = RubricScorer().score(EN, Transcript("en", text, tuple(segments)))
    timed = [e for e in result.evidence if e.start is not None]
    assert len(timed) == len(result.evidence) > 3
    result_quote = next(e for e in result.evidence if e.element == "result")
    assert "fell by thirty percent" in result_quote.quote
    assert result_quote.start is not None and result_quote.start >= 4.5 * 3


def test_confidence_drops_for_short_off_language_and_cue_poor_cases() -> None:
    good = _score("en", "good")
    tiny = RubricScorer().score(EN, transcript_from_text("I helped him.", "en"))
    wrong_lang = RubricScorer().score(ZH, transcript_from_text(ANSWERS[("en", "good")], "zh"))
    bare = question_from_dict("bare", {"lang": "en", "type": "behavioural", "text": "Tell me."})
    no_rubric = RubricScorer().score(bare, transcript_from_text(ANSWERS[("en", "good")], "en"))
    assert good.confidence >= 0.7
    for weak in (tiny, wrong_lang, no_rubric):
        assert weak.confidence < good.confidence - 0.2
    assert min(tiny.confidence, wrong_lang.confidence) >= 0.0 and good.confidence <= 1.0


def test_dimensions_weighted_and_in_range() -> None:
    result = _score("en", "good")
    assert [d.name for d in result.dimensions] == ["leadership", "ownership"]
    assert abs(sum(d.weight for d in result.dimensions) - 1.0) < 1e-6
    assert all(0.0 <= d.score <= 10.0 for d in result.dimensions)
    blame = _score("en", "blame")
    owner = next(d for d in blame.dimensions if d.name == "ownership")
    assert owner.score <= blame.score  # blaming is an ownership problem first


def test_level_cuts_follow_the_number_of_levels() -> None:
    assert [level_for(s, 3) for s in (0, 3.3, 3.4, 6.6, 6.7, 10)] == [1, 1, 2, 2, 3, 3]
    assert [level_for(s, 5) for s in (1.9, 2.0, 9.9)] == [1, 2, 5]


def test_spearman_with_ties() -> None:
    assert ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # By hand: ranks [1, 2.5, 2.5, 4, 5] and [2, 1, 3.5, 3.5, 5] → Pearson 7.25 / 9.5.
    assert spearman([1, 2, 2, 3, 5], [2, 1, 3, 3, 4]) == pytest.approx(7.25 / 9.5)
    assert spearman([1, 1, 1], [1, 2, 3]) == 0.0


def test_weights_are_signed_as_documented() -> None:
    positive = {"coverage", "keywords", "structure", "specificity", "ownership"}
    assert all((WEIGHTS[k] > 0) == (k in positive) for k in WEIGHTS)


@pytest.fixture(scope="module")
def dev_set() -> tuple[dict[str, Question], list]:
    questions = EVAL_DIR / "questions.json"
    assert questions.exists(), f"the eval set is expected in {EVAL_DIR} (set MIANSHI_EVAL_DIR)"
    qs = load_questions(questions)
    return qs, load_answers(EVAL_DIR / "answers-dev.jsonl", qs)


def test_dev_set_meets_targets(dev_set: tuple[dict[str, Question], list]) -> None:
    qs, answers = dev_set
    result = figures(score_all(RubricScorer(), qs, answers))
    assert result["n"] == len(answers) >= 30
    assert result["spearman"] >= 0.93  # measured 0.947
    assert result["level_accuracy"] >= 0.93  # measured 0.97
    assert all(f["spearman"] >= 0.85 for f in result["per_question"].values())


def test_leave_one_question_out_meets_targets(dev_set: tuple[dict[str, Question], list]) -> None:
    qs, answers = dev_set
    result = leave_one_question_out(qs, answers)
    assert result["spearman"] >= 0.90  # measured 0.939
    assert result["level_accuracy"] >= 0.85  # measured 0.91
    for weights in result["weights_per_fold"].values():
        assert weights["specificity"] > 0 and weights["evasive"] < 0 and weights["blame"] < 0


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interview_analysis", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


def test_cli_score_and_eval_round_trip(tmp_path: Path) -> None:
    questions = tmp_path / "questions.json"
    questions.write_text(json.dumps(QUESTIONS_RAW, ensure_ascii=False), encoding="utf-8")
    rows = [
        {
            "id": f"{lang}-{kind}",
            "question_id": ("t-learn-zh" if lang == "zh" else "t-mentor-en"),
            "text": text,
            "level": 3 if kind in ("good", "short") else 1,
            "score": {"good": 9, "short": 8, "noresult": 5}.get(kind, 2),
        }
        for (lang, kind), text in ANSWERS.items()
    ]
    answers = tmp_path / "answers.jsonl"
    answers.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    scored = _cli("score", "--questions", str(questions), "--answers", str(answers))
    assert scored.returncode == 0, scored.stderr
    lines = [json.loads(line) for line in scored.stdout.splitlines()]
    assert [line["id"] for line in lines] == [r["id"] for r in rows]
    for line, row in zip(lines, rows, strict=True):
        assert {"id", "level", "score", "confidence", "evidence"} <= set(line)
        assert 1 <= line["level"] <= 3 and 0 <= line["score"] <= 10
        assert all(ev["quote"] in str(row["text"]) for ev in line["evidence"])
    evaluated = _cli("eval", "--questions", str(questions), "--answers", str(answers))
    assert evaluated.returncode == 0, evaluated.stderr
    out = json.loads(evaluated.stdout)
    assert out["n"] == len(rows) and out["spearman"] > 0.8
    assert set(out["per_question"]) == {"t-learn-zh", "t-mentor-en"}
    assert "leave_one_question_out" in out


def test_cli_labels_in_input_do_not_change_scores(tmp_path: Path) -> None:
    questions = tmp_path / "q.json"
    questions.write_text(json.dumps(QUESTIONS_RAW, ensure_ascii=False), encoding="utf-8")
    text = ANSWERS[("en", "good")]
    outs = []
    for label in ({}, {"level": 1, "score": 0}):
        answers = tmp_path / "a.jsonl"
        answers.write_text(
            json.dumps({"id": "a", "question_id": "t-mentor-en", "text": text, **label})
        )
        run = _cli("score", "--questions", str(questions), "--answers", str(answers))
        outs.append(json.loads(run.stdout))
    assert outs[0] == outs[1]


def test_cli_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "missing.json"
    run = _cli("score", "--questions", str(bad), "--answers", str(bad))
    assert run.returncode == 1 and "cannot read questions" in run.stderr
