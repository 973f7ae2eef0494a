"""General-language cue lexicons (Chinese + English) for interview answers.

These describe how people talk about any work episode — situation, own action, result,
reflection — and the classic weak-answer moves (platitudes, self-praise, blame, evasion,
hypotheticals). They name no question, job or product; rubric content comes from the
question itself (see features.py).
"""

from __future__ import annotations

import re
from functools import cache

from interview_analysis.types import Language

# Concept → regexes. Matching is case-insensitive; English patterns use word boundaries.
CUES: dict[str, dict[Language, tuple[str, ...]]] = {
    "situation": {
        "zh": (
            r"去年|前年|今年|上个?月|上周|上半年|下半年|有一次|那一次|那次|当时|那时|之前在|曾经",
            r"在(?:一家|上一家|我们|之前的|实习|读书|大学)",
            r"实习(?:期间|的时候)|工作的时候|上一份工作|入职|刚到",
            r"(?:公司|团队|部门|项目|学校)(?:里|中|的时候)",
        ),
        "en": (
            r"\blast (?:year|month|week|quarter|spring|summer|autumn|fall|winter)\b",
            r"\b(?:once|one time|years? ago|months? ago|at the time|back then)\b",
            r"\b(?:at|in) my (?:previous|last|first|current|old) "
            r"(?:job|role|company|team|position)\b",
            r"\bwhen I (?:was|worked|joined|started)\b",
            r"\b(?:our|my) (?:team|company|client|manager|project|department)\b"
            r"[^.]{0,40}\b(?:was|were|had)\b",
        ),
    },
    "task": {
        "zh": (
            r"负责|我的(?:任务|职责|角色|目标|工作是)|担任|作为(?!一个)|由我|交给我|我(?:牵头|主导)",
        ),
        "en": (
            r"\b(?:I was|I am|I'm) (?:responsible|in charge|asked|tasked|assigned)\b",
            r"\bmy (?:role|task|job|responsibility|goal) (?:was|is)\b",
            r"\bI (?:volunteered|owned|led|took (?:on|over|ownership))\b",
            r"\bas (?:a|an|the) [a-z]+ (?:engineer|manager|lead|analyst|accountant|intern|"
            r"developer|designer|assistant|consultant|coordinator|officer|specialist)\b",
        ),
    },
    "own_action": {
        "zh": (
            # 我 + (adverbs) + a verb: anything but opinions, feelings, traits or "我们/我和".
            r"我(?:会|就|便|先|又|还|再|也|立刻|马上|直接|亲自|主动|首先|接着|随后|于是|最后|当场|单独|去)"
            r"{0,3}+(?!们|和|跟|与|的|是|觉得|认为|相信|希望|想|这|那|性格|平时|一直|很|非常|比较|特别|"
            r"对|在|以后|通常|一般|不|没|尽力|尽量|努力|一定|能|可以|应该)[\u4e00-\u9fff]",
        ),
        "en": (
            # Past-tense or planned actions of the speaker, not opinions or abilities.
            r"\bI(?: (?:then|first|also|immediately|quickly|personally|finally|eventually))? "
            r"(?!needed\b|wanted\b|liked\b|loved\b|hoped\b|believed\b|used to\b)"
            r"(?:[a-z]+ed|built|wrote|made|took|went|ran|set|put|found|led|did|called|asked|told|"
            r"brought|sent|spoke|met|gave|got|began|chose|drew|sought|taught|split|cut|pulled|"
            r"dug|caught|kept|left|shut|rewrote|broke|fixed|paid)\b",
            r"\bI(?:'d| would| will|'ll)"
            r"(?: (?:first|then|also|immediately|quickly|personally))? "
            r"(?!not\b|never\b|probably\b|rather\b|like\b|want\b|be\b|have\b|hope\b|try\b|say\b|"
            r"expect\b|make sure\b|also\b)[a-z]+\b",
        ),
    },
    "we": {
        "zh": (r"我们|大家|团队一起|整个团队",),
        "en": (r"\bwe\b|\bwe'[a-z]+|\bour team\b|\bthe team\b",),
    },
    "result": {
        "zh": (
            r"结果|最终|最后(?:我们|他|她|项目|按时|决定)|终于|上线|交付|完成了|提升|提高|增长|降低|下降|减少|"
            r"缩短|节省|按时|提前|解决了|成功|评价|满意|没有(?:再|收到)|接受了|采纳|达成|"
            r"(?:降|减|涨|升|增|提)(?:到|至)|独立完成",
        ),
        "en": (
            r"\b(?:result(?:ed|s)?|outcome|as a result|in the end|eventually|finally)\b",
            r"\b(?:dropped|fell|reduced|decreased|increased|improved|saved|cut|stopped|rose|grew|"
            r"went (?:down|up)|shortened|delivered|shipped|launched|completed|finished|solved|"
            r"fixed|resolved|accepted|agreed|adopted|won)\b",
            r"\bon time\b|\bahead of\b",
        ),
    },
    "reflection": {
        "zh": (
            r"学到|学会了|意识到|明白了?|体会到|反思|复盘|教训|收获|下次|以后(?:我)?会|经验|认识到|总结|避免"
            r"(?:再|以后|其他|同样)|防止",
        ),
        "en": (
            r"\b(?:learn(?:ed|t)|lesson|reali[sz](?:ed|e)|takeaway|next time|in hindsight|"
            r"retrospective|post-?mortem|reflect(?:ed|ion)?|would do differently|prevent|"
            r"(?:look|looked) (?:at|into) why|review(?:ed)? (?:afterwards|why|what)|afterwards)\b",
        ),
    },
    "sequence": {
        "zh": (r"首先|先|然后|接着|随后|之后|同时|另外|最后|第一|第二",),
        "en": (
            r"\b(?:first|then|next|afterwards|after that|meanwhile|finally|also|immediately)\b",
        ),
    },
    "timebound": {
        "zh": (
            r"今天|明天|当天|当场|第二天|马上|立即|立刻|尽快|[0-9一二两三四五六七八九十]+(?:个)?"
            r"(?:小时|天|周|工作日)(?:内|之内)?|下周|本周",
        ),
        "en": (
            r"\b(?:today|tomorrow|tonight|same day|next (?:day|week|month)|this week|immediately|"
            r"within (?:an?|\w+) (?:hour|day|week)s?|by (?:monday|tuesday|wednesday|thursday|"
            r"friday|the end of))\b",
        ),
    },
    "generic": {
        "zh": (
            r"(?:很|非常|最|十分|特别)重要|关键是|我(?:认为|觉得|相信).{0,12}(?:重要|关键|应该|就能|就好)",
            r"应该|要学会|学会(?:倾听|尊重|换位)|总之|只要.{0,12}就|相信.{0,10}(?:能|会)|一直坚持|注重|培养",
            r"心态|换位思考|包容|和谐|积极的态度|互相理解|真诚沟通|每个人|任何|总是能",
            r"非常非常",
        ),
        "en": (
            r"\b(?:very|most|really|extremely) important\b|\bthe key (?:is|to)\b|\bin my opinion\b",
            r"\bI (?:always|believe|think it's)\b|\bteam player\b|\bthink outside the box\b",
            r"\bnever give up\b|\bhard work\b|\bpositive\b|\battitude\b|\bdetail-oriented\b",
            r"\bfast learner\b|\bwhatever it takes\b|\bdetermination\b|\bstay (?:calm|positive)\b",
            r"\bbig picture\b|\bany (?:problem|situation|job)\b",
            r"\bunder pressure\b|\bevery time\b|\bcreative solution\b",
        ),
    },
    "self_praise": {
        "zh": (
            r"我这个人|我(?:的)?性格|我(?:一直|向来|平时)(?:很|都|也很)|我擅长|我的优点|我(?:很|非常)(?:善于|会)",
        ),
        "en": (
            r"\bI(?: am|'m) (?:a |an )?(?:very |really |extremely )?(?:good|great|strong|excellent|"
            r"organised|organized|fast|natural)\b",
            r"\bone of my (?:strongest|best|greatest)\b|\bcome to me\b|\bI always\b",
        ),
    },
    "blame": {
        "zh": (
            r"不是(?:我|我们)的(?:错|责任|问题)|(?:他|他们|客户|对方)(?:自己)?的(?:错|问题|责任)",
            r"嫉妒|难相处|怪(?:他|他们)|推给|都是因为(?:他|他们)|没必要.{0,8}沟通|让他们去",
            r"(?:都|全)是(?:因为)?(?:同事|领导|客户|对方|公司|上级|他们)|(?:并非|不能怪)我",
            r"(?:同事|领导|上级|客户|他们)(?:太|很|非常|就是)?(?:懒|不配合|不讲理|不听|不专业)",
        ),
        "en": (
            r"\bnot (?:really |entirely |actually )?(?:our|my) fault\b",
            r"\btheir fault\b|\bblame[ds]?\b",
            r"\bbecause of (?:them|him|her)\b|\b(?:his|her|their|management's) fault\b",
            r"\b(?:he|she|they|colleagues|people|management) (?:was|were) (?:\w+ and )?"
            r"(?:lazy|wrong|useless|incompetent|resistant|unreasonable)\b",
            r"\bbecause (?:management|my (?:boss|manager|colleagues|team)|the (?:client|customer))"
            r" (?:did not|didn't|never|would not|wouldn't)\b",
            r"\b(?:they|he|she) (?:did not|didn't) listen\b",
        ),
    },
    "evasive": {
        "zh": (
            r"(?:一般|从来)?不会(?:和|跟|与).{0,6}(?:分歧|冲突|矛盾)|听从|应付|敷衍|转给|隐瞒|瞒着|回避|"
            r"不(?:告诉|说)|具体的事情|尽量避免",
            r"按(?:照)?(?:公司)?(?:的)?(?:规定|标准|政策|流程)|公司有规定|只能继续",
            r"法律责任|威胁|施压",
        ),
        "en": (
            r"\bnot say anything\b|\bhope (?:we|it|that|for)\b|\bwouldn't want to bother\b",
            r"\b(?:hide|keep (?:it )?quiet|not tell|look bad|pretend|ignore it)\b",
        ),
    },
    "hypothetical": {
        "zh": (r"如果|假如|假设|一般会|通常会|我会",),
        "en": (r"\bif I (?:had|have|were|was)\b|\bI(?:'d| would)\b|\bwhenever\b",),
    },
}

# Negations that flip a cue in the few characters/words before it ("I wouldn't skip testing",
# "不会去劝他删帖"). Only the negatable concepts are checked.
NEGATABLE = frozenset({"blame", "evasive"})
_NEGATION = {
    "zh": re.compile(r"(?:不|没有|没|别|避免|而非|而不是|不会去?)[^，。；,.]{0,10}$"),
    "en": re.compile(r"\b(?:not|never|n't|without|rather than|instead of)\b[^,.;]{0,20}$", re.I),
}


@cache
def compiled(concept: str, language: Language) -> re.Pattern[str]:
    """One regex for a concept in a language."""
    return re.compile("|".join(f"(?:{p})" for p in CUES[concept][language]), re.IGNORECASE)


def find(concept: str, text: str, language: Language) -> list[tuple[int, int]]:
    """Spans where the concept's cues occur (negated occurrences dropped where that matters)."""
    spans = [m.span() for m in compiled(concept, language).finditer(text) if m.end() > m.start()]
    if concept in NEGATABLE:
        neg = _NEGATION[language]
        spans = [(s, e) for s, e in spans if not neg.search(text[max(0, s - 24) : s])]
    return spans


# Words describing rubric *structure* (what a good answer has) → the general concept that
# detects it in an answer. Used to read the level descriptions of any rubric.
RUBRIC_CONCEPTS: dict[str, tuple[str, ...]] = {
    "situation": ("情境", "情景", "背景", "事例", "经历", "situation", "context", "example"),
    "task": ("任务", "职责", "角色", "承担", "task", "role", "responsib"),
    "own_action": ("行动", "做法", "措施", "action", "steps", "did"),
    "result": ("结果", "成果", "效果", "量化", "result", "outcome", "quantif", "impact"),
    "reflection": (
        "反思",
        "复盘",
        "改进",
        "总结",
        "教训",
        "lesson",
        "learn",
        "reflect",
        "review",
        "prevent",
    ),
    "number": ("量化", "数据", "数字", "quantif", "number", "data", "metric"),
    "timebound": ("时间", "时限", "期限", "timeline", "date", "deadline"),
}

# Meta-words in rubric text that say *how* rather than *what*; never used as content terms.
_META_WORDS = """具体 清楚 清晰 明确 说明 描述 本人 候选人 对方 最好 能够 给出 表达 提出 包括
比如 例如 相关 部分 关键 步骤 较为 笼统 缺少 没有 只是 或者 以及 并且
处理 得当 真实 内容 情况 问题 一个 进行 可以
candidate clear concrete specific ideally own some these those such e.g without only missing
vague unclear gives give with either"""
RUBRIC_META = frozenset(_META_WORDS.split())

# Weak-answer moves as HR names them in a rubric's lowest level ("只是泛泛表态", "blames
# others" …) → the answer cue that shows the move. A move named there and clearly present
# puts the answer at the lowest level, as a human rater reading that rubric would.
RUBRIC_WEAK: dict[str, tuple[str, ...]] = {
    "generic": ("泛泛", "套话", "空话", "表态", "没有具体", "generic", "vague claims", "cliché"),
    "blame": ("推卸", "推给", "责任推", "指责", "归咎", "怪罪", "blame"),
    "evasive": (
        "回避",
        "隐瞒",
        "逃避",
        "按规定",
        "敷衍",
        "威胁",
        "hide",
        "avoid",
        "gives up",
        "give up",
    ),
    "hypothetical": ("假设", "假如", "hypothetical", "in theory"),
}
# How strongly a move must show (its feature value, 0–1) to count as present.
WEAK_THRESHOLD: dict[str, float] = {
    "generic": 0.5,
    "blame": 1.0,
    "evasive": 1.0,
    "hypothetical": 0.75,
}
