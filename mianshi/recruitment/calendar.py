"""Working days with 调休: the clock of every public-recruitment period.

Announcements, 报名 windows and 公示 are counted in working days ("公示期不少于7个工作日"),
and in China a working day is not simply Monday to Friday: the State Council's yearly
holiday notice closes some weekdays (法定节假日 and the days moved next to them) and opens
some weekends (调休上班). A period counted on the wrong calendar ends on the wrong day, and
a 公示 that is one day short has to be published again. So every period goes through one
`WorkCalendar`, built from the notice's dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from django.utils.translation import gettext as _

# Ten years of working days: far beyond any recruitment period, small enough that a wrong
# setting (a period of 10**9 days) is refused at once instead of looping in a request.
MAX_WORKING_DAYS = 3660

_DAY = timedelta(days=1)
_SATURDAY = 5


def _iso_list(days: Iterable[date]) -> str:
    return ", ".join(d.isoformat() for d in sorted(days))


def _check_count(n: int, *, lowest: int) -> None:
    if not lowest <= n <= MAX_WORKING_DAYS:
        raise ValueError(
            _("A number of working days must be between %(lowest)s and %(limit)s, not %(n)s.")
            % {"lowest": lowest, "limit": MAX_WORKING_DAYS, "n": n}
        )


def _weekdays_between(start: date, end: date) -> int:
    """Mondays to Fridays in [start, end]; whole weeks hold five, the rest is counted."""
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    tail = sum(1 for i in range(rest) if (start.weekday() + i) % 7 < _SATURDAY)
    return weeks * 5 + tail


@dataclass(frozen=True)
class WorkCalendar:
    """Days off (法定节假日 and the weekdays moved by 调休) and 调休上班 weekend days.

    A day is a working day when it is Monday to Friday and not a holiday, or when it is one
    of `workdays`. Weekend days may be listed in `holidays` too (the notice's ranges do).
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Frozen sets keep the calendar hashable and safe to share between requests.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        both = self.holidays & self.workdays
        if both:
            raise ValueError(
                _("A day cannot be both a holiday and a working day: %(days)s.")
                % {"days": _iso_list(both)}
            )

    def is_working_day(self, day: date) -> bool:
        """Whether people work on `day` under this calendar."""
        if day in self.workdays:
            return True
        return day.weekday() < _SATURDAY and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _DAY
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted); n = 0 gives start.

        "公告发布7个工作日后开始报名": add_working_days(published, 7).
        """
        _check_count(n, lowest=0)
        day = start
        for _i in range(n):
            day = self.next_working_day(day + _DAY)
        return day

    def period_end(self, start: date, n: int) -> date:
        """The last day of a period of n working days beginning on `start`.

        "公示期7个工作日": `start` counts when it is a working day; a period announced on a
        holiday begins on the next working day.
        """
        _check_count(n, lowest=1)
        return self.add_working_days(start - _DAY, n)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in [start, end], both included; 0 when start is after end.

        Counted from the weekday arithmetic and the two sets, without walking the days, so a
        span of any length costs the same.
        """
        if start > end:
            return 0
        off = sum(1 for d in self.holidays if start <= d <= end and d.weekday() < _SATURDAY)
        extra = sum(1 for d in self.workdays if start <= d <= end and d.weekday() >= _SATURDAY)
        return _weekdays_between(start, end) - off + extra


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# One row per festival of a State Council holiday notice: (first day off, last day off,
# 调休上班 days).
Festival = tuple[date, date, tuple[date, ...]]

# 国务院办公厅关于2025年部分节假日安排的通知 (2024年11月12日), item by item:
_CHINA_2025: tuple[Festival, ...] = (
    # 元旦: 1月1日(周三)放假1天,不调休。
    (date(2025, 1, 1), date(2025, 1, 1), ()),
    # 春节: 1月28日(农历除夕、周二)至2月4日(农历正月初七、周二)放假调休,共8天。
    #       1月26日(周日)、2月8日(周六)上班。
    (date(2025, 1, 28), date(2025, 2, 4), (date(2025, 1, 26), date(2025, 2, 8))),
    # 清明节: 4月4日(周五)至6日(周日)放假,共3天。
    (date(2025, 4, 4), date(2025, 4, 6), ()),
    # 劳动节: 5月1日(周四)至5日(周一)放假调休,共5天。4月27日(周日)上班。
    (date(2025, 5, 1), date(2025, 5, 5), (date(2025, 4, 27),)),
    # 端午节: 5月31日(周六)至6月2日(周一)放假,共3天。
    (date(2025, 5, 31), date(2025, 6, 2), ()),
    # 国庆节、中秋节: 10月1日(周三)至8日(周三)放假调休,共8天。9月28日(周日)、
    #       10月11日(周六)上班。
    (date(2025, 10, 1), date(2025, 10, 8), (date(2025, 9, 28), date(2025, 10, 11))),
)

# 国务院办公厅关于2026年部分节假日安排的通知 (2025年11月4日), item by item:
_CHINA_2026: tuple[Festival, ...] = (
    # 元旦: 1月1日(周四)至3日(周六)放假调休,共3天。1月4日(周日)上班。
    (date(2026, 1, 1), date(2026, 1, 3), (date(2026, 1, 4),)),
    # 春节: 2月15日(腊月二十八、周日)至23日(正月初七、周一)放假调休,共9天。
    #       2月14日(周六)、2月28日(周六)上班。
    (date(2026, 2, 15), date(2026, 2, 23), (date(2026, 2, 14), date(2026, 2, 28))),
    # 清明节: 4月4日(周六)至6日(周一)放假,共3天。
    (date(2026, 4, 4), date(2026, 4, 6), ()),
    # 劳动节: 5月1日(周五)至5日(周二)放假调休,共5天。5月9日(周六)上班。
    (date(2026, 5, 1), date(2026, 5, 5), (date(2026, 5, 9),)),
    # 端午节: 6月19日(周五)至21日(周日)放假,共3天。
    (date(2026, 6, 19), date(2026, 6, 21), ()),
    # 中秋节: 9月25日(周五)至27日(周日)放假,共3天。
    (date(2026, 9, 25), date(2026, 9, 27), ()),
    # 国庆节: 10月1日(周四)至7日(周三)放假调休,共7天。9月20日(周日)、10月10日(周六)上班。
    (date(2026, 10, 1), date(2026, 10, 7), (date(2026, 9, 20), date(2026, 10, 10))),
)


# The notices shipped, by year: a new year is one more table and one more entry here.
_CHINA: dict[int, tuple[Festival, ...]] = {2025: _CHINA_2025, 2026: _CHINA_2026}
OFFICIAL_YEARS: tuple[int, ...] = tuple(sorted(_CHINA))


@cache
def china(year: int) -> WorkCalendar:
    """The national calendar of `year` as the State Council's holiday notice sets it;
    ValueError for a year whose notice is not shipped (see OFFICIAL_YEARS)."""
    if year not in _CHINA:
        raise ValueError(_("No official calendar for %(year)s.") % {"year": year})
    festivals = _CHINA[year]
    holidays = frozenset(d for first, last, _w in festivals for d in _span(first, last))
    workdays = frozenset(d for _f, _l, moved in festivals for d in moved)
    return WorkCalendar(holidays=holidays, workdays=workdays)


def china_2026() -> WorkCalendar:
    """The national calendar of 2026 (the first year shipped; callers predate `china`)."""
    return china(2026)
