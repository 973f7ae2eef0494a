"""The consent notices a candidate reads before recording (F-41), versioned and hashed.

The texts live here as literal strings, not in the translation catalogue: a consent is only
meaningful for the exact words shown, so each language's wording is part of the version and
a stored `Consent` carries the SHA-256 of the text the candidate saw. Changing any text
means a new `NOTICE_VERSION` (old hashes keep proving what older consents covered).
"""

from __future__ import annotations

import hashlib

from mianshi.interviews.models import ConsentKind

NOTICE_VERSION = "2025-01"
DEFAULT_LANGUAGE = "zh-hans"

NOTICES: dict[str, dict[str, str]] = {
    "zh-hans": {
        ConsentKind.RECORDING: (
            "我同意在本次面试中录制我回答问题的视频和声音（或我提交的文字、文件），"
            "并将其加密保存，仅供招聘单位评估本次应聘使用，保存期限以招聘单位公布的"
            "隐私政策为准。我可以随时联系招聘单位查询或删除我的数据。"
            "不同意录制将无法继续本次视频面试。"
        ),
        ConsentKind.AI_ANALYSIS: (
            "我同意招聘单位使用自动化（AI）工具分析我的回答内容（例如语音转文字、"
            "回答结构和与岗位要求的匹配程度），分析结果仅作为面试官的参考，"
            "最终决定由人作出。不同意时，我的回答将只由面试官人工评估，这不会影响我的应聘。"
        ),
        ConsentKind.BIOMETRIC: (
            "我单独同意招聘单位处理我的人脸和声音特征（生物识别信息），"
            "仅用于检查录像质量（例如画面中是否有人脸、声音是否清晰）和面试过程的完整性，"
            "不用于推断情绪。不同意时，系统不会进行人脸和声音分析，这不会影响我的应聘。"
        ),
    },
    "en": {
        ConsentKind.RECORDING: (
            "I agree that the video and sound of my answers in this interview (or the text "
            "and files I submit) are recorded, stored encrypted and used only by the employer "
            "to assess this application, for as long as the employer's published privacy "
            "policy says. I can ask the employer at any time to see or delete my data. "
            "Without consent to recording, this video interview cannot continue."
        ),
        ConsentKind.AI_ANALYSIS: (
            "I agree that the employer uses automated (AI) tools to analyse what I say "
            "(for example speech-to-text, the structure of my answers and how they match the "
            "job's requirements). The results only support the interviewers; a person makes "
            "every decision. If I do not agree, interviewers assess my answers themselves, "
            "and this does not affect my application."
        ),
        ConsentKind.BIOMETRIC: (
            "I separately agree that the employer processes features of my face and voice "
            "(biometric data) only to check the recording's quality (for example whether a "
            "face is visible and the sound is clear) and the integrity of the interview, "
            "never to infer emotions. If I do not agree, no face or voice analysis is done, "
            "and this does not affect my application."
        ),
    },
}


def notice_language(language: str) -> str:
    """The notice language for a UI language code (anything not English reads Chinese)."""
    return "en" if (language or "").lower().startswith("en") else DEFAULT_LANGUAGE


def notice_texts(language: str) -> dict[str, str]:
    """Kind → exact notice text in `language` (current version)."""
    return dict(NOTICES[notice_language(language)])


def notice_sha256(kind: str, language: str) -> str:
    """SHA-256 (hex) of the exact UTF-8 text shown for `kind` in `language`."""
    return hashlib.sha256(notice_texts(language)[kind].encode("utf-8")).hexdigest()
