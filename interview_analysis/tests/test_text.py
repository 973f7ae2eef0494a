"""Text helpers: sentences, tokens, stems, numbers, language, timing."""

from __future__ import annotations

from interview_analysis import text as tx
from interview_analysis.types import Segment, Transcript


def test_sentences_are_exact_substrings_with_offsets() -> None:
    text = "去年我负责一个项目。我们按时上线了！  Then I left; it worked.\nDone."
    sentences = tx.split_sentences(text)
    assert [s.text for s in sentences] == [
        "去年我负责一个项目。",
        "我们按时上线了！",
        "Then I left;",
        "it worked.",
        "Done.",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_english_sentences_keep_decimals_together() -> None:
    sentences = tx.split_sentences("Errors fell to 0.5 percent. Good.")
    assert [s.text for s in sentences] == ["Errors fell to 0.5 percent.", "Good."]


def test_tokens_use_jieba_for_chinese() -> None:
    words = tx.tokens("我和同事在需求评审会上产生了分歧", "zh")
    assert "分歧" in words and "同事" in words
    assert tx.tokens("I Prioritised the must-haves", "en") == [
        "i",
        "prioritised",
        "the",
        "must",
        "haves",
    ]


def test_content_terms_drop_stopwords_and_single_characters() -> None:
    assert tx.content_terms("the root cause of it", "en") == ["root", "cause"]
    assert "我" not in tx.content_terms("我主动沟通", "zh")


def test_stems_match_partial_keywords_but_not_lookalikes() -> None:
    assert tx.same_stem("prioritises", "priorit")
    assert tx.same_stem("analysed", "analyse")
    assert tx.same_stem("reduced", "reduce")
    assert not tx.same_stem("data", "date")
    assert not tx.same_stem("rest", "result")
    assert tx.stem("improvements") == "improve"


def test_numbers_in_chinese_and_english() -> None:
    zh = "转化率提升了百分之六点五，用了三天，完成了12个访谈，有一次开会"
    found = [zh[s:e] for s, e in tx.numbers(zh, "zh")]
    assert "百分之六点五" in found and "三天" in found and any("12" in f for f in found)
    assert not any(f.startswith("一") for f in found)  # "有一次" is not a quantity
    en = "Timeouts dropped from fifteen percent to 0.5% within two weeks; one of my skills."
    found_en = [en[s:e].lower() for s, e in tx.numbers(en, "en")]
    assert "fifteen" in found_en and "0.5%" in found_en and "two" in found_en
    assert "one" not in found_en


def test_language_detection() -> None:
    assert tx.detect_language("我负责这个项目") == "zh"
    assert tx.detect_language("I led the project") == "en"
    assert tx.detect_language("我用 Python 写了脚本") == "zh"


def test_plain_text_transcript_has_no_times() -> None:
    t = tx.transcript_from_text("我负责。结果很好。", "zh")
    assert len(t.segments) == 1
    assert tx.time_span(tx.segment_offsets(t), 0, 3) == (None, None)


def test_time_span_from_segments() -> None:
    text = "I wrote the plan. Then errors fell by half."
    t = Transcript(
        "en",
        text,
        (Segment(1.0, 3.0, "I wrote the plan."), Segment(3.5, 6.0, " Then errors fell by half.")),
    )
    offsets = tx.segment_offsets(t)
    start, end = tx.time_span(offsets, text.index("Then"), len(text))
    assert start is not None and end is not None
    assert 3.5 <= start < 3.7 and end == 6.0
    whole = tx.time_span(offsets, 0, len(text))
    assert whole == (1.0, 6.0)
