"""The working-day calendar: plain weeks, 调休 around 国庆 2026 and around 春节 and 国庆 2025,
periods and guards."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mianshi.recruitment.calendar import (
    MAX_WORKING_DAYS,
    OFFICIAL_YEARS,
    WorkCalendar,
    china,
    china_2026,
)

PLAIN = WorkCalendar()
CN = china_2026()
CN25 = china(2025)
D = date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 12, 7), True),  # Monday
        (D(2026, 12, 11), True),  # Friday
        (D(2026, 12, 12), False),  # Saturday
        (D(2026, 12, 13), False),  # Sunday
    ],
)
def test_a_plain_week_works_monday_to_friday(day: date, working: bool) -> None:
    assert PLAIN.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 9, 20), True),  # Sunday, 调休上班 for 国庆
        (D(2026, 9, 25), False),  # Friday, 中秋
        (D(2026, 9, 30), True),  # Wednesday before the holiday
        (D(2026, 10, 1), False),  # Thursday, 国庆
        (D(2026, 10, 5), False),  # Monday, moved by 调休
        (D(2026, 10, 7), False),  # Wednesday, last day off
        (D(2026, 10, 8), True),  # Thursday, back at work
        (D(2026, 10, 10), True),  # Saturday, 调休上班
        (D(2026, 10, 11), False),  # Sunday, an ordinary weekend again
        (D(2026, 1, 4), True),  # Sunday after 元旦
        (D(2026, 2, 14), True),  # Saturday before 春节
        (D(2026, 2, 23), False),  # Monday, 正月初七
        (D(2026, 2, 28), True),  # Saturday after 春节
        (D(2026, 4, 6), False),  # Monday, 清明
        (D(2026, 5, 5), False),  # Tuesday, 劳动节
        (D(2026, 5, 9), True),  # Saturday after 劳动节
        (D(2026, 6, 19), False),  # Friday, 端午
    ],
)
def test_china_2026_follows_the_state_council_notice(day: date, working: bool) -> None:
    assert CN.is_working_day(day) is working


def test_china_2026_has_the_notice_counts() -> None:
    # 3 + 9 + 3 + 5 + 3 + 3 + 7 days off; 1 + 2 + 1 + 2 调休上班 days.
    assert len(CN.holidays) == 33
    assert sorted(CN.workdays) == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]
    assert all(d.weekday() >= 5 for d in CN.workdays)
    # 2026 has 261 weekdays; 19 of them are off and 6 weekend days are worked.
    assert CN.working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == 261 - 19 + 6


def test_the_shipped_years_are_2025_and_2026() -> None:
    assert OFFICIAL_YEARS == (2025, 2026)
    assert china(2026) is CN  # the old name reads the same table
    with pytest.raises(ValueError, match="2031"):
        china(2031)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 1, 1), False),  # Wednesday, 元旦, one day
        (D(2025, 1, 2), True),  # Thursday, no 调休 for 元旦
        (D(2025, 1, 26), True),  # Sunday, 调休上班 before 春节
        (D(2025, 1, 27), True),  # Monday, the last day before
        (D(2025, 1, 28), False),  # Tuesday, 除夕
        (D(2025, 2, 3), False),  # Monday, moved by 调休
        (D(2025, 2, 4), False),  # Tuesday, 正月初七
        (D(2025, 2, 5), True),  # Wednesday, back at work
        (D(2025, 2, 8), True),  # Saturday, 调休上班 after 春节
        (D(2025, 2, 9), False),  # Sunday, an ordinary weekend again
        (D(2025, 4, 4), False),  # Friday, 清明
        (D(2025, 4, 27), True),  # Sunday, 调休上班 before 劳动节
        (D(2025, 5, 5), False),  # Monday, 劳动节
        (D(2025, 5, 6), True),  # Tuesday, back at work
        (D(2025, 6, 2), False),  # Monday, 端午
        (D(2025, 9, 28), True),  # Sunday, 调休上班 before 国庆
        (D(2025, 10, 1), False),  # Wednesday, 国庆
        (D(2025, 10, 6), False),  # Monday, 中秋
        (D(2025, 10, 8), False),  # Wednesday, the last day off
        (D(2025, 10, 9), True),  # Thursday, back at work
        (D(2025, 10, 11), True),  # Saturday, 调休上班 after 国庆
        (D(2025, 10, 12), False),  # Sunday
    ],
)
def test_china_2025_follows_the_state_council_notice(day: date, working: bool) -> None:
    assert CN25.is_working_day(day) is working


def test_china_2025_has_the_notice_counts() -> None:
    # 1 + 8 + 3 + 5 + 3 + 8 days off; 2 + 1 + 2 调休上班 days.
    assert len(CN25.holidays) == 28
    assert sorted(CN25.workdays) == [
        D(2025, 1, 26),
        D(2025, 2, 8),
        D(2025, 4, 27),
        D(2025, 9, 28),
        D(2025, 10, 11),
    ]
    assert all(d.weekday() >= 5 for d in CN25.workdays)
    # 2025 has 261 weekdays; 18 of them are off and 5 weekend days are worked: 248.
    assert CN25.working_days_between(D(2025, 1, 1), D(2025, 12, 31)) == 248


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 国庆 and 中秋 2025: 9/30 → 10/9 (1), 10/10 (2), 10/11 Saturday 调休 (3), 10/13 (4).
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 9, 30), 3, D(2025, 10, 11)),
        (D(2025, 9, 30), 4, D(2025, 10, 13)),
        # Friday 9/26 → the 调休 Sunday 9/28 is the next working day.
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        # 春节 2025: Monday 1/27 → Wednesday 2/5; 2/6, 2/7, then Saturday 2/8 (调休).
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 1, 27), 4, D(2025, 2, 8)),
        (D(2025, 1, 27), 5, D(2025, 2, 10)),
        # Friday 1/24 → the 调休 Sunday 1/26.
        (D(2025, 1, 24), 1, D(2025, 1, 26)),
    ],
)
def test_add_working_days_2025(start: date, n: int, expected: date) -> None:
    assert CN25.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 公示 published on 10/1 (holiday): 10/9, 10, 11 (Sat), 13, 14, 15, 16.
        (D(2025, 10, 1), 7, D(2025, 10, 16)),
        # Published on the 调休 Sunday 9/28: 9/28, 29, 30, then 10/9, 10/10, 10/11 (Sat).
        (D(2025, 9, 28), 6, D(2025, 10, 11)),
        # Published on Friday 1/24: 1/24, 1/26 (Sun), 1/27, 2/5, 2/6.
        (D(2025, 1, 24), 5, D(2025, 2, 6)),
        # Published on 除夕: the period begins on 2/5; 2/5-7, 2/8 (Sat), 2/10-12.
        (D(2025, 1, 28), 7, D(2025, 2, 12)),
    ],
)
def test_period_end_2025(start: date, n: int, expected: date) -> None:
    assert CN25.period_end(start, n) == expected
    assert CN25.working_days_between(start, expected) == n


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 10, 1), D(2025, 10, 8), 0),  # 国庆 and 中秋 itself
        (D(2025, 9, 27), D(2025, 10, 12), 6),  # 9/28-30, 10/9-11
        (D(2025, 1, 28), D(2025, 2, 4), 0),  # 春节 itself
        (D(2025, 1, 25), D(2025, 2, 9), 6),  # 1/26-27, 2/5-8
        (D(2025, 4, 26), D(2025, 5, 11), 8),  # 4/27-30, 5/6-9: the 劳动节 fortnight
    ],
)
def test_working_days_between_2025(start: date, end: date, expected: int) -> None:
    assert CN25.working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("calendar", "start", "n", "expected"),
    [
        (PLAIN, D(2026, 12, 7), 0, D(2026, 12, 7)),  # n = 0: the start itself
        (PLAIN, D(2026, 12, 12), 0, D(2026, 12, 12)),  # even on a Saturday
        (PLAIN, D(2026, 12, 7), 4, D(2026, 12, 11)),  # Monday + 4 = Friday
        (PLAIN, D(2026, 12, 11), 1, D(2026, 12, 14)),  # Friday + 1 skips the weekend
        (PLAIN, D(2026, 12, 12), 1, D(2026, 12, 14)),  # from a Saturday
        (PLAIN, D(2026, 12, 7), 7, D(2026, 12, 16)),
        # Across 国庆: 9/30 → 10/8 (1), 10/9 (2), 10/10 Saturday 调休 (3), 10/12 (4).
        (CN, D(2026, 9, 30), 1, D(2026, 10, 8)),
        (CN, D(2026, 9, 30), 3, D(2026, 10, 10)),
        (CN, D(2026, 9, 30), 4, D(2026, 10, 12)),
        # 9/18 Friday → 9/20 Sunday 调休 is the first working day after it.
        (CN, D(2026, 9, 18), 1, D(2026, 9, 20)),
        # 7 working days after a Monday announcement on 9/21: 9/22-24, 9/28-30, 10/8.
        (CN, D(2026, 9, 21), 7, D(2026, 10, 8)),
    ],
)
def test_add_working_days(calendar: WorkCalendar, start: date, n: int, expected: date) -> None:
    assert calendar.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Starting on a working day, it counts: Tuesday 12/8 + 7 days ends Wednesday 12/16.
        (D(2026, 12, 8), 7, D(2026, 12, 16)),
        (D(2026, 12, 8), 1, D(2026, 12, 8)),
        # Starting on a Saturday, the period begins on Monday.
        (D(2026, 12, 12), 1, D(2026, 12, 14)),
        # 公示 published on 10/1 (holiday): 10/8, 9, 10 (Sat), 12, 13, 14, 15.
        (D(2026, 10, 1), 7, D(2026, 10, 15)),
        # Published on Wednesday 9/30: 9/30, 10/8, 10/9, 10/10, 10/12, 10/13, 10/14.
        (D(2026, 9, 30), 7, D(2026, 10, 14)),
        # Published on the 调休 Sunday 9/20: it counts; 9/20-24 are five days.
        (D(2026, 9, 20), 5, D(2026, 9, 24)),
    ],
)
def test_period_end_counts_the_start_only_when_it_is_worked(
    start: date, n: int, expected: date
) -> None:
    assert CN.period_end(start, n) == expected
    assert CN.working_days_between(start, expected) == n


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 12, 7), D(2026, 12, 7), 1),
        (D(2026, 12, 12), D(2026, 12, 13), 0),  # a weekend
        (D(2026, 12, 7), D(2026, 12, 13), 5),
        (D(2026, 12, 7), D(2026, 12, 20), 10),
        (D(2026, 12, 11), D(2026, 12, 7), 0),  # start after end
        (D(2026, 10, 1), D(2026, 10, 7), 0),  # 国庆 itself
        (D(2026, 9, 19), D(2026, 10, 11), 11),  # 9/20-24, 9/28-30, 10/8-10
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert CN.working_days_between(start, end) == expected


def test_between_agrees_with_walking_the_days() -> None:
    start = D(2025, 12, 20)
    for span in range(0, 420, 13):
        end = start + timedelta(days=span)
        walked = sum(CN.is_working_day(start + timedelta(days=i)) for i in range(span + 1))
        assert CN.working_days_between(start, end) == walked


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 10, 8), D(2026, 10, 8)),  # already working
        (D(2026, 10, 1), D(2026, 10, 8)),
        (D(2026, 9, 19), D(2026, 9, 20)),  # Saturday → the 调休 Sunday
        (D(2026, 2, 15), D(2026, 2, 24)),
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert CN.next_working_day(day) == expected


@pytest.mark.parametrize("n", [-1, MAX_WORKING_DAYS + 1, 10**9])
def test_add_working_days_refuses_counts_out_of_range(n: int) -> None:
    with pytest.raises(ValueError, match=str(MAX_WORKING_DAYS)):
        CN.add_working_days(D(2026, 1, 5), n)


def test_the_largest_allowed_count_still_answers() -> None:
    end = PLAIN.add_working_days(D(2026, 1, 5), MAX_WORKING_DAYS)
    assert PLAIN.working_days_between(D(2026, 1, 6), end) == MAX_WORKING_DAYS


@pytest.mark.parametrize("n", [0, -3, MAX_WORKING_DAYS + 1])
def test_period_end_refuses_empty_and_huge_periods(n: int) -> None:
    with pytest.raises(ValueError):
        CN.period_end(D(2026, 1, 5), n)


def test_a_day_in_both_sets_is_refused_and_named() -> None:
    with pytest.raises(ValueError, match="2026-10-10"):
        WorkCalendar(
            holidays=frozenset({D(2026, 10, 1), D(2026, 10, 10)}),
            workdays=frozenset({D(2026, 10, 10)}),
        )


def test_plain_sets_are_frozen_so_the_calendar_stays_hashable() -> None:
    days = {D(2026, 12, 7)}
    calendar = WorkCalendar(holidays=days)  # type: ignore[arg-type]
    days.add(D(2026, 12, 8))
    assert calendar.holidays == frozenset({D(2026, 12, 7)})
    assert hash(calendar) == hash(WorkCalendar(holidays=frozenset({D(2026, 12, 7)})))
