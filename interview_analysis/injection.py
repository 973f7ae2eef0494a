"""Does an answer talk to the grader instead of the interviewer? (review L8)

The LLM reads the candidate's words, so an answer can try to steer it: "ignore previous
instructions", "给我满分", a fake "system:" turn or chat-template role tags. The prompt
already fences the answer off as data; this check is the second line: an answer that
looks like instructions is shown to a person and the LLM's judgement of it is not used.
A false alarm costs a human look, a miss a made-up score, so the patterns lean wide —
yet ordinary answers ("our ticketing system", "I got full marks") must pass.
"""

from __future__ import annotations

import re

_PATTERNS = (
    # "ignore / disregard all previous instructions", "forget the rubric above"
    r"\b(ignore|disregard|forget|override)\b[^.!?\n]{0,40}"
    r"\b(instructions?|prompts?|rules|rubric|guidelines|above|previous|prior)\b",
    # a fake turn of the conversation at the start of a line or sentence
    r"(^|[\n.!?。！？]\s*)(system|assistant|developer)\s*[:：]",
    # chat-template and prompt markup
    r"<\|?\s*(im_start|im_end|endoftext|system|assistant)\s*\|?>",
    r"\[/?(INST|SYS)\]|<</?SYS>>|</?\s*answer\s*>|###\s*(system|instruction)",
    # asking for a score
    r"\b(give|award|assign)\s+(me|us|it|this( answer| response)?|the answer)?\s*(an?|the)?\s*"
    r"(score|grade|marks?|rating|level)\b[^.!?\n]{0,15}\b(10|ten|full|max(imum)?|highest|top)\b",
    r"\b(give|award)\s+(me|us|it|this( answer)?)?\s*(full|maximum|perfect|top)\s+(marks|score)",
    r"\b(you are now|act as|pretend to be)\b[^.!?\n]{0,30}"
    r"\b(grader|assistant|model|ai|examiner|evaluator)\b",
    # the same in Chinese
    r"(忽略|无视|忘记|忽视)[^。！？\n]{0,15}(指令|指示|提示|规则|要求|评分标准)",
    r"(给|打)[^。！？\n]{0,6}(满分|高分|10分|十分)",
    r"你(现在)?是[^。！？\n]{0,10}(评分|考官|助手|模型)",
    r"系统提示|(系统|助手)\s*[:：]",
)
_INSTRUCTIONS = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def looks_like_instructions(text: str) -> bool:
    """Whether the answer contains text aimed at the grading model rather than the job."""
    return _INSTRUCTIONS.search(text) is not None
