"""The speaker's own actions in Chinese, clause by clause.

Chinese marks a completed action with 了/过 only sometimes ("我把小区按楼栋分给大家" has
neither), so a pattern on aspect particles misses most of them. Here a clause counts as the
speaker's own action when 我 (not 我们) is its subject and the first verb after it is an
action, not a state or a stance (是, 有, 觉得, 认为 …) and not a modal of what would be done
(会, 应该 …: those make a plan, which situational questions ask for). Grammar only: no word
here names a topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_CLAUSE = re.compile(r"[^，,。；;！？!?：:\n]+")
# Verbs of being, having, thinking and feeling: the speaker describes, not acts.
STANCE = frozenset(
    [
        "是",
        "有",
        "在",
        "觉得",
        "认为",
        "想",
        "希望",
        "知道",
        "相信",
        "喜欢",
        "感觉",
        "觉",
        "看来",
        "以为",
        "记得",
        "算",
        "叫",
        "姓",
        "属于",
        "没有",
        "像",
        "怕",
        "担心",
        "明白",
        "理解",
        "同意",
        "发现",
    ]
)
# Modals of a plan or a wish: "我会先道歉" is what would be done.
MODAL = frozenset(
    [
        "会",
        "要",
        "应该",
        "应当",
        "可以",
        "能",
        "能够",
        "可能",
        "打算",
        "准备",
        "愿意",
        "想要",
        "需要",
        "得",
        "必须",
        "肯定",
        "一定",
    ]
)
# Adverbs of habit: "我始终坚持…" describes the speaker, it reports no action.
HABIT = frozenset(["始终", "一直", "总是", "经常", "通常", "一向", "向来", "从来", "往往", "平时"])
_CONDITION = ("如果", "假如", "要是", "万一", "假设")


# Words that may open a step before its verb: adverbs, conjunctions, time words, particles.
_LEAD_FLAGS = ("d", "c", "t", "p", "u", "m", "f", "r")


@dataclass(frozen=True)
class OwnClauses:
    """Character spans of clauses where the speaker acted, where they plan to act, and steps
    said without a subject ("查两次维修记录", "明天上门换新机": a plan read as a list)."""

    acts: list[tuple[int, int]]
    plans: list[tuple[int, int]]
    steps: list[tuple[int, int]]


@lru_cache(maxsize=256)
def own_clauses(text: str) -> OwnClauses:
    """The speaker's action and plan clauses of a Chinese text (cached: several features read
    them; callers must not change the lists)."""
    out = OwnClauses([], [], [])
    for m in _CLAUSE.finditer(text):
        kind = _kind(m.group())
        if kind:
            getattr(out, kind + "s").append(m.span())
    return out


def _kind(clause: str) -> str:
    """ "act", "plan" or "" for one clause."""
    if any(c in clause for c in _CONDITION):
        return ""
    words = _tagged(clause)
    at = next((i for i, (w, _) in enumerate(words) if w in ("我", "我会")), None)
    if at is None:
        return "step" if _verb_first(words) else ""
    if words[at][0] == "我会":
        return "plan"
    for word, flag in words[at + 1 :]:
        if word in HABIT:
            return ""
        if word in MODAL:
            return "plan"
        if word in STANCE or word == "们":
            return ""
        if flag.startswith("v"):
            return "act"
    return ""


def _verb_first(words: list[tuple[str, str]]) -> bool:
    """The clause opens with an action verb once adverbs and time words are passed: a step."""
    for word, flag in words:
        if flag.startswith("v"):
            return word not in STANCE and word not in MODAL
        if not flag.startswith(_LEAD_FLAGS) or (flag == "r" and word != "再"):
            return False
    return False


def _tagged(clause: str) -> list[tuple[str, str]]:
    import jieba.posseg as pseg

    return [(p.word, p.flag) for p in pseg.cut(clause)]
