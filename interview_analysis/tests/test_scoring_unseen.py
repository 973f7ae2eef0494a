"""Questions and answers written apart from the eval set, in HR's usual rubric style.

A blaming answer must land at level 1 even when its rubric's lowest level speaks only of
"no example" — the weak move is recognised from general language, not from the rubric.
"""

from __future__ import annotations

import pytest

from interview_analysis.backends.rubric import RubricScorer
from interview_analysis.scoring import question_from_dict
from interview_analysis.text import transcript_from_text

PERSUADE = question_from_dict(
    "q-persuade",
    {
        "lang": "zh",
        "type": "behavioural",
        "dimensions": {"沟通能力": 0.5, "客户导向": 0.5},
        "text": "请讲述一次你说服犹豫不决的客户签单的经历："
        "当时的情境、你的任务、采取的行动和最终结果。",
        "rubric": {
            "3": "完整的关键行为事件：情境、任务、行动、结果俱全，结果可量化",
            "2": "有事件但要素不全，行动或结果模糊",
            "1": "没有具体事件，只有泛泛而谈",
        },
        "keywords": ["客户", "需求", "方案", "签约", "结果"],
    },
)
LEAD = question_from_dict(
    "q-lead",
    {
        "lang": "en",
        "type": "behavioural",
        "dimensions": {"Leadership": 1.0},
        "text": "Tell us about a time you had to lead a team through a major change.",
        "rubric": {
            "3": "Concrete situation, own actions to explain and drive the change, "
            "measurable outcome, reflection",
            "2": "Real example but vague actions or no outcome",
            "1": "No example, generic statements",
        },
        "keywords": ["change", "team", "explain", "outcome"],
    },
)

ANSWERS = [
    (
        PERSUADE,
        3,
        "2023年我在一家软件公司做客户经理，一家连锁超市对我们的收银系统很感兴趣，但担心切换成本，"
        "犹豫了两个月。我的任务是在季度末前拿下这个订单。我先约采购和门店经理分别面谈，了解到他们最担心的是"
        "切换期间停业。于是我协调技术团队设计了分批上线方案，先在两家门店试点，并承诺夜间切换。试点一周后收银"
        "效率提升了15%，客户最终签下了120家门店、金额300万的合同。这让我体会到，先弄清客户真正的顾虑比一味"
        "降价更有效。",
    ),
    (
        PERSUADE,
        1,
        "我觉得说服客户最重要的是真诚和专业。我一直认为客户就是上帝，我们要站在客户的角度思考问题，"
        "用心服务每一位客户。我是一个很有亲和力的人，沟通能力很强，善于和各种人打交道，相信只要用心，没有签不"
        "下来的单。团队合作也很重要，大家一起努力，一定能取得好成绩。",
    ),
    (
        PERSUADE,
        1,
        "那次没签下来主要是因为客户太不讲理，同事也不配合，都是因为他们拖了进度，并非我不努力。"
        "销售本来就很难，我已经尽力了，我这个人一向很负责。",
    ),
    (
        LEAD,
        3,
        "Last year our support team of twelve had to move from email to a new ticketing system "
        "within six weeks. I was the team lead, so my task was to make the switch without hurting "
        "response times. I explained the reasons in a te"
        "am meeting, ran two hands-on training sessions, "
        "and paired each skeptical colleague with an ear"
        "ly adopter. I also tracked response times every "
        "week. We finished in five weeks and our average "
        "first response dropped from 9 hours to 4 hours. "
        "I learned that people accept change faster when they see the numbers improve.",
    ),
    (
        LEAD,
        1,
        "Honestly the change failed because management did not give us enough time and my "
        "colleagues were resistant and lazy. I told them"
        " what to do but they did not listen, so it was "
        "not really my fault. Change is always hard an"
        "d people never like it. I think leadership is "
        "about being strong and confident and I am a natural leader.",
    ),
]


@pytest.mark.parametrize(("question", "level", "text"), ANSWERS)
def test_levels_on_unseen_questions(question: object, level: int, text: str) -> None:
    transcript = transcript_from_text(text, question.language)  # type: ignore[attr-defined]
    result = RubricScorer().score(question, transcript)  # type: ignore[arg-type]
    assert result.level == level, (result.score, result.found, result.missing)
