"""Exam arithmetic: half-up rounding, trimmed means, weighted totals, ranking, shortlist, 递补.

Every expected value below is worked by hand in the comment beside it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mianshi.recruitment.arithmetic import (
    Entry,
    Ranked,
    Weights,
    half_up,
    meets_opening_ratio,
    next_in_line,
    rank,
    shortlist,
    total,
    trimmed_mean,
)

D = Decimal


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("82.345", 2, "82.35"),
        ("2.675", 2, "2.68"),  # a float 2.675 is 2.67499999… and would round down
        ("0.005", 2, "0.01"),
        ("79.994", 2, "79.99"),
        ("79.995", 2, "80.00"),
        ("-2.675", 2, "-2.68"),  # half up means away from zero
        (D("84.25"), 1, "84.3"),
        ("2.5", 0, "3"),
        (80, 2, "80.00"),
        (" 90.1 ", 2, "90.10"),
    ],
)
def test_half_up(value: Any, places: int, expected: str) -> None:
    result = half_up(value, places)
    assert result == D(expected) and str(result) == expected


@pytest.mark.parametrize("value", [2.675, 82.345, True, None, [D(1)]])
def test_half_up_refuses_floats_and_non_numbers(value: Any) -> None:
    with pytest.raises(TypeError):
        half_up(value)


@pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", "-inf", "1,5", "1e30"])
def test_half_up_refuses_text_that_is_not_a_finite_number(value: str) -> None:
    with pytest.raises(ValueError):
        half_up(value)


def test_half_up_refuses_negative_places() -> None:
    with pytest.raises(ValueError):
        half_up("1.5", -1)


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        # One 90 and one 80 go even though each has a twin: (80 + 80 + 90) / 3 = 83.333…
        (["80", "80", "80", "90", "90"], "83.33"),
        (["90", "80", "90", "80", "80"], "83.33"),  # order of entry does not matter
        (["85", "85", "85", "85", "85"], "85.00"),
        (["70", "80", "90"], "80.00"),  # three marks leave one
        # (80.00 + 80.01) / 2 = 80.005 → 80.01, rounded once at the end
        (["79", "80.00", "80.01", "95"], "80.01"),
        # (85.5 + 86 + 88 + 90) / 4 = 87.375 → 87.38
        (["60", "85.5", "86", "88", "90", "99"], "87.38"),
    ],
)
def test_trimmed_mean_drops_one_highest_and_one_lowest(marks: list[str], expected: str) -> None:
    assert trimmed_mean([D(m) for m in marks]) == D(expected)


def test_trimmed_mean_with_other_drops() -> None:
    marks = [D(70), D(80), D(90), D(100)]
    assert trimmed_mean(marks, drop_highest=0, drop_lowest=0) == D("85.00")
    assert trimmed_mean(marks, drop_highest=2, drop_lowest=0) == D("75.00")
    assert trimmed_mean(marks, drop_highest=0, drop_lowest=3) == D("100.00")


@pytest.mark.parametrize(
    ("marks", "high", "low"),
    [([D(80), D(90)], 1, 1), ([], 1, 1), ([D(80)], 1, 1), ([], 0, 0), ([D(1), D(2)], 2, 0)],
)
def test_trimmed_mean_refuses_too_few_marks(marks: list[Decimal], high: int, low: int) -> None:
    with pytest.raises(ValueError, match=str(high + low + 1)):
        trimmed_mean(marks, drop_highest=high, drop_lowest=low)


def test_trimmed_mean_refuses_negative_drops_and_float_marks() -> None:
    with pytest.raises(ValueError):
        trimmed_mean([D(80)] * 5, drop_highest=-1)
    with pytest.raises(TypeError):
        trimmed_mean([D(80), D(85), 90.5, D(70)])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("weights", "written", "interview", "extra", "expected"),
    [
        # 78.5 × 0.6 = 47.1; 85.33 × 0.4 = 34.132; 47.1 + 34.132 = 81.232 → 81.23
        (Weights(written=D("0.6"), interview=D("0.4")), "78.5", "85.33", None, "81.23"),
        # 72.35 × 0.6 = 43.41; 81.66 × 0.4 = 32.664; 76.074 → 76.07
        (Weights(written=D("0.6"), interview=D("0.4")), "72.35", "81.66", None, "76.07"),
        # 70.25 × 0.5 = 35.125; 80.25 × 0.5 = 40.125; 75.25 exactly. Rounding each part
        # first would give 35.13 + 40.13 = 75.26: the rounding happens once, at the end.
        (Weights(), "70.25", "80.25", None, "75.25"),
        # 80 × 0.4 = 32; 85.5 × 0.3 = 25.65; 90.25 × 0.3 = 27.075; 84.725 → 84.73
        (Weights(D("0.4"), D("0.3"), D("0.3")), "80", "85.5", "90.25", "84.73"),
        # a 加试 score with weight 0 adds nothing: 60 × 0.5 + 70 × 0.5 = 65
        (Weights(), "60", "70", "99", "65.00"),
        # 笔试 only (面试 weight 0): 88.885 → 88.89
        (Weights(written=D(1), interview=D(0)), "88.885", "0", None, "88.89"),
    ],
)
def test_total_weighs_and_rounds_once(
    weights: Weights, written: str, interview: str, extra: str | None, expected: str
) -> None:
    result = total(
        written=D(written),
        interview=D(interview),
        weights=weights,
        extra=None if extra is None else D(extra),
    )
    assert result == D(expected) and str(result) == expected


def test_total_needs_the_additional_test_score_when_it_is_weighted() -> None:
    with pytest.raises(ValueError, match=r"0\.2"):
        total(written=D(80), interview=D(80), weights=Weights(D("0.4"), D("0.4"), D("0.2")))


def test_total_refuses_float_scores() -> None:
    with pytest.raises(TypeError):
        total(written=78.5, interview=D(80), weights=Weights())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("written", "interview", "extra"),
    [
        ("0.6", "0.5", "0"),  # sums to 1.1
        ("0.3", "0.3", "0.3"),  # sums to 0.9
        ("1.2", "-0.2", "0"),  # sums to 1, but each must lie in [0, 1]
        ("1", "0", "0.0001"),  # sums to 1.0001
    ],
)
def test_weights_are_each_in_0_1_and_add_up_to_1(written: str, interview: str, extra: str) -> None:
    with pytest.raises(ValueError):
        Weights(written=D(written), interview=D(interview), extra=D(extra))


def test_weights_refuse_floats_and_keep_text_as_decimal() -> None:
    with pytest.raises(TypeError):
        Weights(written=0.6, interview=D("0.4"))  # type: ignore[arg-type]
    weights = Weights(written="0.6", interview="0.4")  # type: ignore[arg-type]
    assert weights.written == D("0.6") and isinstance(weights.written, Decimal)


def ranks(result: list[Ranked]) -> list[tuple[int, int, bool]]:
    return [(r.key, r.rank, r.tied) for r in result]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        # plain order by total, descending
        (
            [Entry(1, D("70")), Entry(2, D("90.5")), Entry(3, D("80"))],
            [(2, 1, False), (3, 2, False), (1, 3, False)],
        ),
        # equal totals: the higher 笔试 goes first
        (
            [Entry(1, D(80), written=D(75)), Entry(2, D(80), written=D(78))],
            [(2, 1, False), (1, 2, False)],
        ),
        # equal totals and 笔试: the higher 加试 goes first
        (
            [Entry(1, D(80), D(75), extra=D(60)), Entry(2, D(80), D(75), extra=D(88))],
            [(2, 1, False), (1, 2, False)],
        ),
        # all equal but a recorded decision: the lower order goes first
        (
            [Entry(1, D(80), D(75), D(60), decision=2), Entry(2, D(80), D(75), D(60), decision=1)],
            [(2, 1, False), (1, 2, False)],
        ),
        # a missing 笔试 sorts after a present one
        (
            [Entry(1, D(80), written=None), Entry(2, D(80), written=D(10))],
            [(2, 1, False), (1, 2, False)],
        ),
        # fully tied share a rank and the next rank is skipped: 1, 2, 2, 4
        (
            [Entry(4, D(80)), Entry(3, D(85)), Entry(2, D(85)), Entry(1, D(90))],
            [(1, 1, False), (2, 2, True), (3, 2, True), (4, 4, False)],
        ),
        # three tied at the bottom: 1, 2, 2, 2
        (
            [
                Entry(1, D(90)),
                Entry(2, D(70), D(60)),
                Entry(3, D(70), D(60)),
                Entry(4, D(70), D(60)),
            ],
            [(1, 1, False), (2, 2, True), (3, 2, True), (4, 2, True)],
        ),
        # the same decision order recorded twice does not break the tie
        (
            [Entry(1, D(80), decision=1), Entry(2, D(80), decision=1), Entry(3, D(80), decision=2)],
            [(1, 1, True), (2, 1, True), (3, 3, False)],
        ),
        ([], []),
    ],
)
def test_rank_with_tie_breaks(entries: list[Entry], expected: list[tuple[int, int, bool]]) -> None:
    assert ranks(rank(entries)) == expected
    assert ranks(rank(list(reversed(entries)))) == expected


def test_rank_follows_the_tie_break_list_given() -> None:
    entries = [Entry(1, D(80), written=D(70), decision=1), Entry(2, D(80), written=D(75))]
    assert ranks(rank(entries)) == [(2, 1, False), (1, 2, False)]
    # Decision before 笔试: the recorded decision wins, a missing one sorts last.
    assert ranks(rank(entries, tie_break=("decision", "written"))) == [(1, 1, False), (2, 2, False)]
    # No tie-breaks at all: equal totals are tied whatever the 笔试 says.
    assert ranks(rank(entries, tie_break=())) == [(1, 1, True), (2, 1, True)]


def test_rank_refuses_unknown_tie_breaks_and_repeated_keys() -> None:
    with pytest.raises(ValueError, match="age"):
        rank([Entry(1, D(80))], tie_break=("written", "age"))
    with pytest.raises(ValueError, match="7"):
        rank([Entry(7, D(80)), Entry(7, D(70))])
    with pytest.raises(TypeError):
        rank([Entry(1, 80.5), Entry(2, D(80))])  # type: ignore[arg-type]


S = D  # a score


@pytest.mark.parametrize(
    ("scores", "headcount", "ratio", "expected"),
    [
        # 1 × 3 = 3 places; the third place (80) is shared, so both 80s go through
        ([(1, S(90)), (2, S(85)), (3, S(80)), (4, S(80)), (5, S(75))], 1, 3, [1, 2, 3, 4]),
        # no tie at the cutoff: exactly three
        ([(1, S(90)), (2, S(85)), (3, S(80)), (4, S("79.5")), (5, S(75))], 1, 3, [1, 2, 3]),
        # absentees (None) and marks below 60 never pass; 60.00 exactly does
        ([(1, None), (2, S("59.99")), (3, S("60.00")), (4, S(70))], 1, 3, [4, 3]),
        # the quota (2 × 3 = 6) is larger than the four who pass: all four
        ([(1, S(61)), (2, S(62)), (3, S(63)), (4, S(64)), (5, S(10))], 2, 3, [4, 3, 2, 1]),
        # equal scores come out in key order; ratio 2 gives 2 places, shared by three
        ([(9, S(70)), (3, S(70)), (5, S(70)), (1, S(95))], 1, 2, [1, 3, 5, 9]),
        # nobody sat the exam
        ([(1, None), (2, None)], 1, 3, []),
        ([], 1, 3, []),
    ],
)
def test_shortlist_with_ties_at_the_cutoff(
    scores: list[tuple[int, Decimal | None]], headcount: int, ratio: int, expected: list[int]
) -> None:
    assert shortlist(scores, headcount=headcount, ratio=ratio) == expected


def test_shortlist_pass_line_is_a_setting() -> None:
    scores: list[tuple[int, Decimal | None]] = [(1, S(55)), (2, S(45)), (3, None)]
    assert shortlist(scores, headcount=1, pass_line=D(50)) == [1]
    assert shortlist(scores, headcount=1, pass_line=D(0)) == [1, 2]


@pytest.mark.parametrize(("headcount", "ratio"), [(0, 3), (1, 0), (-1, 3)])
def test_shortlist_refuses_empty_quotas(headcount: int, ratio: int) -> None:
    with pytest.raises(ValueError):
        shortlist([(1, S(90))], headcount=headcount, ratio=ratio)


def test_shortlist_refuses_repeated_keys_and_floats() -> None:
    with pytest.raises(ValueError, match="1"):
        shortlist([(1, S(90)), (1, S(80))], headcount=1)
    with pytest.raises(TypeError):
        shortlist([(1, 90.5)], headcount=1)  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("taken", "out", "expected"),
    [
        (set(), set(), 5),
        ({5}, set(), 3),
        ({5}, {3}, 8),  # 3 withdrew: skip to 8
        ({5, 8}, {3}, 1),
        ({5, 8}, {3, 1}, None),  # the list is exhausted
        (set(), {5, 3, 8, 1}, None),
        ({42}, {99}, 5),  # keys outside the ranking change nothing
    ],
)
def test_next_in_line_skips_taken_and_out(
    taken: set[int], out: set[int], expected: int | None
) -> None:
    assert next_in_line([5, 3, 8, 1], taken=taken, out=out) == expected


def test_next_in_line_on_an_empty_ranking() -> None:
    assert next_in_line([], taken=(), out=()) is None


@pytest.mark.parametrize(
    ("qualified", "headcount", "ratio", "expected"),
    [
        (9, 3, D(3), True),  # exactly 1:3
        (8, 3, D(3), False),
        (3, 1, D(3), True),
        (0, 1, D(3), False),
        (2, 1, D(2), True),
        (7, 3, D("2.5"), False),  # 3 × 2.5 = 7.5
        (8, 3, D("2.5"), True),
        (5, 5, 1, True),  # 1:1 for a hard-to-fill post
        (4, 5, "1", False),
    ],
)
def test_meets_opening_ratio(qualified: int, headcount: int, ratio: Any, expected: bool) -> None:
    assert meets_opening_ratio(qualified=qualified, headcount=headcount, ratio=ratio) is expected


def test_meets_opening_ratio_default_is_1_to_3() -> None:
    assert meets_opening_ratio(qualified=6, headcount=2)
    assert not meets_opening_ratio(qualified=5, headcount=2)


@pytest.mark.parametrize(
    ("qualified", "headcount", "ratio", "error"),
    [(-1, 1, D(3), ValueError), (3, 0, D(3), ValueError), (3, 1, 3.0, TypeError)],
)
def test_meets_opening_ratio_refuses_nonsense(
    qualified: int, headcount: int, ratio: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        meets_opening_ratio(qualified=qualified, headcount=headcount, ratio=ratio)
