"""The Chinese clause reader (scorer/clauses.py): own actions without 了, plans, subjectless
steps, and what is none of them (stances, habits, conditions, the group's actions)."""

from __future__ import annotations

from interview_analysis.scorer.clauses import own_clauses


def _texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_own_actions_without_an_aspect_particle_are_found() -> None:
    text = "我把任务按区域分给大家，我就单独找他聊，我当时做了三件事。"
    assert _texts(text, own_clauses(text).acts) == [
        "我把任务按区域分给大家",
        "我就单独找他聊",
        "我当时做了三件事",
    ]


def test_stances_habits_conditions_and_the_group_are_not_own_actions() -> None:
    text = "我觉得方案不行，我始终坚持严谨，如果我去了也没用，我们开了会，我是组长。"
    found = own_clauses(text)
    assert found.acts == [] and found.plans == []


def test_plans_and_subjectless_steps_are_told_apart() -> None:
    text = "我会先跟客户道歉，然后我要请他坐下。查两次维修记录，请同事接着叫号。客户很生气。"
    found = own_clauses(text)
    assert _texts(text, found.plans) == ["我会先跟客户道歉", "然后我要请他坐下"]
    assert _texts(text, found.steps) == ["查两次维修记录", "请同事接着叫号"]
