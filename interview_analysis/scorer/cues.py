"""Discourse markers of Chinese and English that carry over to any interview question.

Every list here is grammar or textbook discourse structure — how a narrative situates itself
in time (去年 / last year), marks a result (结果 / in the end), a plan's steps (首先 / first),
a hypothetical (我会 / I would) or a lesson (学到 / learned) — written from the STAR method
and the grammar of the two languages, never from reading particular answers (issue 13: the
old lexicon learned the dev answers and fell from ρ 0.95 to 0.74 on unseen ones). Nothing
names a topic: topic comes only from the question's own rubric and keywords.
"""

from __future__ import annotations

import re

from interview_analysis.types import Language

# A marker list per discourse role; matched as substrings (zh) or word-bounded (en).
MARKERS: dict[str, dict[Language, tuple[str, ...]]] = {
    # Anchors a real episode in time or place.
    "situation": {
        "zh": (
            "去年",
            "前年",
            "今年",
            "当时",
            "那时",
            "那次",
            "有一次",
            "上个月",
            "之前在",
            "以前在",
            "刚入职",
            "那年",
            "年前",
            "个月前",
            "实习的时候",
            "工作的时候",
        ),
        "en": (
            "last year",
            "last month",
            "at the time",
            "one time",
            "once,",
            "years ago",
            "months ago",
            "weeks ago",
            "when i was",
            "in my previous",
            "in my last",
            "at my previous",
            "at my last",
            "back in",
            "a while ago",
            "recently",
        ),
    },
    # The speaker's own role or goal in it.
    "task": {
        "zh": (
            "负责",
            "我的任务",
            "我的职责",
            "我的工作",
            "作为",
            "牵头",
            "交给我",
            "目标是",
            "要求",
            "任务是",
        ),
        "en": (
            "my role",
            "i was responsible",
            "my job was",
            "i was asked",
            "i was in charge",
            "my task",
            "i had to",
            "the goal was",
            "my responsibility",
            "i needed to",
        ),
    },
    # What came of it.
    "result": {
        "zh": (
            "结果",
            "最后",
            "最终",
            "后来",
            "成功",
            "达到",
            "完成了",
            "提前",
            "提高",
            "降低",
            "减少",
            "增加",
            "缩短",
            "上线了",
            "解决了",
            "效果",
        ),
        "en": (
            "as a result",
            "in the end",
            "eventually",
            "result",
            "outcome",
            "ended up",
            "reduced",
            "increased",
            "improved",
            "cut ",
            "saved",
            "dropped",
            "rose",
            "delivered",
            "succeeded",
            "finished",
            "went from",
            "by the end",
        ),
    },
    # A lesson drawn.
    "reflection": {
        "zh": (
            "反思",
            "学到",
            "体会",
            "收获",
            "教训",
            "意识到",
            "明白了",
            "下次",
            "以后我",
            "经验",
            "如果重来",
            "现在我会",
            "复盘",
            "反省",
            "感悟",
            "认识到",
            "让我明白",
        ),
        "en": (
            # Not a bare "learned": "I learned some French" is a skill, the topic of a
            # question about learning, not a lesson drawn ("learned to ask earlier" is one).
            "learned that",
            "learnt that",
            "learned how",
            "learnt how",
            "learned to",
            "learnt to",
            "learned a lot",
            "learnt a lot",
            "learned from",
            "learnt from",
            "what i learned",
            "what i learnt",
            "lesson",
            "realised",
            "realized",
            "next time",
            "in hindsight",
            "looking back",
            "taught me",
            "differently",
            "since then",
            "now i always",
            "now i ",
            "takeaway",
            "take-away",
            "what i took from",
            "showed me that",
            "made me realise",
            "made me realize",
            "from then on",
            "if i did it again",
            "if i had to do it again",
        ),
    },
    # The steps of a plan (situational answers) or of what was done.
    "sequence": {
        "zh": (
            "首先",
            "第一",
            "其次",
            "第二",
            "然后",
            "接着",
            "同时",
            "之后",
            "最后",
            "事后",
            "另外",
            "再",
        ),
        "en": (
            "first",
            "then",
            "next",
            "after that",
            "afterwards",
            "finally",
            "meanwhile",
            "at the same time",
            "second",
            "follow up",
            "followed up",
            "later",
        ),
    },
    # Branches on what might happen: a plan that has thought ahead.
    "contingency": {
        "zh": ("如果", "要是", "万一", "假如", "否则", "不行的话"),
        "en": ("if ", "unless", "otherwise", "in case", "depending on"),
    },
    # Beliefs, values and self-praise: talk about the competency instead of showing it.
    "generic": {
        "zh": (
            "我认为",
            "我觉得",
            "我相信",
            "我一直",
            "我一向",
            "理念",
            "原则",
            "始终",
            "一定要",
            "必须要",
            "很重要",
            "非常重要",
            "关键是",
            "关键在于",
            "本质",
            "其实就是",
            "作为一名",
            "我是一个",
            "我这个人",
            "我擅长",
            "我的优势",
            "要有",
            "要能够",
        ),
        "en": (
            "i believe",
            "i think",
            "i feel",
            "i'm a ",
            "i am a ",
            "i'm someone",
            "i am someone",
            "i'm good at",
            "i'm great at",
            "my strength",
            "strongest",
            "passionate",
            "it's important",
            "it is important",
            "the key is",
            "is all about",
            "really about",
            "mindset",
            "in general",
            "generally",
            "i always",
        ),
    },
    # "What I would do" instead of "what I did" — a non-answer to a behavioural question.
    "hypothetical": {
        "zh": (
            "我会",
            "我应该",
            "我就会",
            "我可能会",
            "我肯定会",
            "我一般会",
            "我通常会",
            "应该要",
            "要做到",
        ),
        "en": (
            "i would",
            "i'd ",
            "i will",
            "i'll",
            "i'm going to",
            "i should",
            "i always",
            "i usually",
            "i tend to",
            "i try to",
            "you should",
            "one should",
        ),
    },
}

# Negative indicators of any competency model (the behaviours a rubric's bottom level names):
# blaming others or denying one's own part, bending the rules, confronting or threatening the
# other side, giving up, hiding behind "the rules" instead of solving the problem. Patterns,
# not phrases from answers: a subject (they / the company / the customer …) with a fault word.
_OTHERS_ZH = "他们|他|她|公司|领导|上级|同事|队友|客户|对方|别人|团队|组员|下属|新人"
RED_FLAGS: dict[Language, re.Pattern[str]] = {
    "zh": re.compile(
        rf"(?:怪|归咎于?|都是因为|主要是因为|是|还是|在于)(?:{_OTHERS_ZH})(?:的)?"
        r"(?:问题|责任|错|不对)"
        # Others' ability or standards found wanting, a few words apart in one clause
        # (公司招人的标准有问题, 新人的执行力太差).
        rf"|(?:{_OTHERS_ZH})[^，。；！？我]{{0,6}}(?:能力|态度|执行力|水平|标准|素质)"
        r"[^，。；！？]{0,4}(?:有问题|太差|很差|不行|不够)"
        r"|(?:不是|不归|不在)我(?:的)?(?:问题|责任|错|事)|不关我|与我无关|跟我没(?:有)?关系"
        r"|怪不(?:了|得)我|不(?:能)?怪我"
        r"|推给|甩锅|推卸|违规|破例|通融|睁一只眼|先办了再说|不按规定|规定就是规定"
        r"|按规定(?:办|处理|来)|法律责任|后果自负|不管了|随他去|听天由命|没办法"
    ),
    "en": re.compile(
        r"\b(?:their|his|her|the company's|management's|the client's) fault\b"
        r"|\b(?:not|isn['’]?t|wasn['’]?t) (?:really )?my (?:fault|responsibility|problem|job)\b"
        r"|\bblam(?:e|ed|ing) (?:them|him|her|the|my|management)\b|\bbecause of them\b"
        r"|\b(?:they|he|she) (?:was|were|are|is) (?:lazy|useless|incompetent|the problem)\b"
        # Others' failings as the cause: "they never pulled their weight", "the company
        # didn't give us any training" (not "if they had …": plans weigh such conditions).
        r"|\b(?:they|he|she) (?:never|didn['’]?t|did not) (?:pull(?:ed|s)?|do|did) "
        r"(?:their|his|her) (?:weight|part|job)\b"
        r"|\b(?:the company|management|my (?:manager|boss)) (?:never|didn['’]?t|did not) "
        r"(?:give|train|provide|support)\b"
        r"|\b(?:bend|bent|break|broke) the rules?\b|\bcut corners\b|\bnobody would notice\b"
        r"|\b(?:threaten(?:ed)? (?:him|her|them)|legal action|told (?:him|her|them) off)\b"
        r"|\bnothing (?:I|we) could do\b|\bgave up on\b|\bwait and see\b"
        r"|\bthat['’]?s (?:just )?the (?:rule|policy)\b",
        re.IGNORECASE,
    ),
}

# What a rubric's top level says when it asks for a lesson drawn ("有反思", "a lesson learned").
REFLECTION_ASKED: dict[Language, re.Pattern[str]] = {
    "zh": re.compile(r"反思|体会|收获|教训|总结|复盘|反省|启发|感悟"),
    "en": re.compile(
        r"\breflect|\blesson|\blearn(?:ed|t|ing) from|\bhindsight|differently|\btake-?aways?\b"
        r"|\bwhat (?:they|he|she|the candidate) (?:learned|learnt|took from)",
        re.I,
    ),
}

# What a rubric's bottom level says when it names such behaviour ("推卸责任", "blames others").
FLAGS_NAMED: dict[Language, re.Pattern[str]] = {
    "zh": re.compile(
        r"推卸|推给|推诿|归咎|争辩|违规|威胁|按规定|回避|指责|抱怨|埋怨|敷衍|隐瞒|放弃"
    ),
    "en": re.compile(
        r"\bblam|\bresponsib|\bhides?\b|\bgives? up|\bcomplain|\bignor|\bargu|\bexcuses?\b"
        r"|\bthreat|\bconfront|\bconceal|\b(?:bend|break)s? the rules",
        re.I,
    ),
}

# What a rubric's bottom level says when it names talk instead of action ("只讲口号").
GENERIC_NAMED: dict[Language, re.Pattern[str]] = {
    "zh": re.compile(r"口号|套话|理念|泛泛|空话|表态|空谈|大话"),
    "en": re.compile(
        r"\bslogans?\b|\bgeneric\b|\bclaims?\b|\bbuzzwords?\b|\bplatitudes?\b|\bclich[eé]s?\b"
        r"|\bjargon\b",
        re.I,
    ),
}

# Following up or preventing a recurrence: said in a plan's answer ("换后回访", "check in
# afterwards") and in a rubric's top level when it asks for it ("跟进回访", "follows up").
FOLLOW_UP: dict[Language, re.Pattern[str]] = {
    "zh": re.compile(r"回访|跟进|跟踪|事后|复盘|改进|反馈给|后续|预防|下次|以后|闭环"),
    "en": re.compile(
        r"\bfollow(?:ed|s|ing)?[- ]up\b|\bafterwards\b|\bafter (?:the|it|that|this)\b|\bretro"
        r"|\bprevent|\bnext time\b|\bgoing forward\b|\bcheck[- ]ins?\b|\bcheck back\b|\breview"
        r"|\bfollow(?:s|ed|ing)? through\b|\bmonitor|\bdebrief|\bpost-?mortem",
        re.IGNORECASE,
    ),
}

# The collective subject: the answer hides the speaker's own part behind the group.
WE: dict[Language, re.Pattern[str]] = {
    "zh": re.compile(r"我们|大家|团队一起|咱们"),
    "en": re.compile(r"\b(?:we|we've|we'd|we're|us|our|everyone|the team)\b", re.IGNORECASE),
}
# The speaker as subject (for zh 我 not followed by 们).
SELF: dict[Language, re.Pattern[str]] = {
    "zh": re.compile(r"我(?!们)"),
    "en": re.compile(r"\b(?:I|I've|I'd|I'm|me|my|myself)\b"),
}
# A past, completed action by the speaker: zh 我 + verb + aspect 了/过 within a clause;
# en I + (adverb) + a past-tense verb (regular -ed or one of the common irregular ones).
_IRREGULAR = (
    "went|took|made|set|wrote|ran|spoke|told|built|met|got|sat|found|did|gave|brought|put|"
    "led|began|chose|kept|sent|thought|felt|taught|read|paid|spent|saw|said|asked|held|left|"
    "became|broke|drew|drove|fell|grew|heard|knew|lost|meant|rang|rose|sold|stood|struck|"
    "swapped|understood|won|cut|split"
)
PAST_ACTION: dict[Language, re.Pattern[str]] = {
    "zh": re.compile(
        r"我(?!们)(?:先|就|又|还|也|便|马上|当时|主动|自己|直接)?[^，,。；;！？我]{0,8}?[了过]"
    ),
    "en": re.compile(
        rf"\bI\s+(?:\w+ly\s+|then\s+|also\s+|first\s+|just\s+)?(?:\w+ed|{_IRREGULAR})\b",
        re.IGNORECASE,
    ),
}

# English drops the subject of coordinated verbs: "I mapped the steps, found the cause and
# built a template" is three actions of the speaker's (the verb after a comma, "and" or "then"
# of a sentence whose subject is I, with no other subject between; signals._own_actions).
CONJOINED_PAST_EN = re.compile(
    rf"(?:,\s*|\b)(?:and\s+|then\s+)+(?:\w+ly\s+)?(?:\w+ed|{_IRREGULAR})\b"
    rf"|,\s*(?:\w+ly\s+)?(?:\w+ed|{_IRREGULAR})\b"
    r"(?=\s+(?:the|a|an|it|them|my|our|to|with|every|all)\b)",
    re.IGNORECASE,
)
# A new subject or the end of a clause between two verbs: the second is not the speaker's.
OTHER_SUBJECT_EN = re.compile(
    r"[.!?;]|\b(?:he|she|they|we|who|which|someone|everyone|nobody|people)\b",
    re.IGNORECASE,
)

WE_PAST: dict[Language, re.Pattern[str]] = {
    "zh": re.compile(r"我们(?:先|就|又|还|也|一起|马上|当时)?[^，,。；;！？我]{0,8}?[了过]"),
    "en": re.compile(
        rf"\b[Ww]e\s+(?:\w+ly\s+|then\s+|also\s+|first\s+|just\s+)?(?:\w+ed|{_IRREGULAR})\b"
    ),
}


_NUM_EN = (
    r"(?:(?!(?:19|20)\d\d\b)\d[\d,.]*"  # a number, not a year
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|fifty|a hundred|half)"
)
# A quantity that changed is a result however it is worded ("from 3.9 to 4.4", "went down",
# "zero double-bookings", "提升了百分之十二", "从八天缩短到五天", "零投诉"): constructions, not
# words, so no list of verbs has to guess them all.
RESULT_CHANGE: dict[Language, re.Pattern[str]] = {
    "en": re.compile(
        rf"\bfrom\s+(?:about\s+)?{_NUM_EN}\b[^.;]{{0,30}}?\bto\s+(?:about\s+)?{_NUM_EN}\b"
        r"|\b(?:went|gone|came|goes)\s+(?:up|down)\b"
        rf"|\b(?:up|down)\s+by\s+{_NUM_EN}"
        rf"|\b(?:under|below|less than|fewer than|more than|over|above)\s+{_NUM_EN}\s+"
        r"(?:an?\s+)?(?:percent|%|hours?|minutes?|days?|weeks?)"
        r"|\bzero\s+(?!(?:is|was|has|does|means|seems)\b)(?:[a-z-]+\s+){0,2}[a-z-]+s\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        # (not a span of days or dates: 从周一到周五, 从3月到5月)
        r"从[^，。；]{0,12}?(?:提高|提升|降|缩短|增加|减少|上升|下降)?到(?!周|星期)[^，。；]{0,4}?"
        r"[0-9一二三四五六七八九十两百千万]+(?![0-9]*[月号日点])"
        r"|(?:提高|提升|降低|减少|增加|缩短|下降|上升|降|涨)了?[^，。；]{0,6}?"
        r"(?:百分之|[0-9]|[一二三四五六七八九十两]+(?:个|倍|成|天|小时|分钟|%))"
        r"|零(?:投诉|差错|事故|失误)"
    ),
}
# Chinese has no tense: the perfective 了 after a verb marks an event that happened
# (了解了, 找到了). Not 为了/除了/算了/罢了/极了/对了, 了解/了不起, nor a clause-final 了
# that may only mark a change (好了。) or ask (了吗). Two of them narrate an episode, with or
# without a time word ("之前做项目的时候……了解了他的想法，最后找到了方案").
PERFECTIVE_ZH = re.compile(
    r"(?<![为除罢算极对])(?<=[\u4e00-\u9fff])了(?!解|不起|[吧吗呢啊。！？，,.!?])"
)
NARRATED_EVENTS = 2
# Roles whose markers also include constructions (matched as regular expressions).
PATTERNS: dict[str, dict[Language, re.Pattern[str]]] = {"result": RESULT_CHANGE}


def find(role: str, text: str, lang: Language) -> list[tuple[int, int]]:
    """Character spans of the role's markers in `text`, in order of position."""
    low = text.lower()
    spans: list[tuple[int, int]] = []
    for marker in MARKERS[role][lang]:
        if lang == "zh":
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(marker), text)]
            continue
        pattern = r"\b" + re.escape(marker.strip()) + (r"\b" if marker[-1].isalnum() else "")
        spans += [(m.start(), m.end()) for m in re.finditer(pattern, low)]
    if role in PATTERNS:
        spans += [m.span() for m in PATTERNS[role][lang].finditer(text)]
    return sorted(set(spans))
