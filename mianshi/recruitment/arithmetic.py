"""Exam arithmetic of public recruitment (人事部令第6号 practice), all in Decimal.

Scores are published to two places and rounded half up (四舍五入); a candidate who checks
82.345 by hand expects 82.35, which binary floats cannot promise, so floats are refused at
the door. One rounding happens at the end of each computation, never in between, so the
published total is the one a clerk gets with a calculator. Ranking, the interview
shortlist (进入面试人选), 递补 and the opening ratio (开考比例) are here too, so that every
screen and export decides the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

Number = Decimal | int | str


def to_decimal(value: Number) -> Decimal:
    """`value` as a finite Decimal; floats (and bools) are refused with TypeError."""
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(
            _("Scores are exact decimals: pass a Decimal or a string, not %(value)s.")
            % {"value": value}
        )
    try:
        result = Decimal(value)
    except InvalidOperation:
        result = Decimal("NaN")
    if not result.is_finite():
        raise ValueError(_("Not a number: %(value)s.") % {"value": value})
    return result


def half_up(value: Number, places: int = 2) -> Decimal:
    """`value` rounded half up (四舍五入) to `places` decimals: 82.345 → 82.35."""
    if places < 0:
        raise ValueError(_("Decimal places cannot be negative: %(places)s.") % {"places": places})
    try:
        return to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        # More digits than the decimal context holds (28): no score is that long.
        raise ValueError(_("Too many digits to round: %(value)s.") % {"value": value}) from None


def trimmed_mean(
    marks: Sequence[Decimal], *, drop_highest: int = 1, drop_lowest: int = 1
) -> Decimal:
    """面试成绩去掉一个最高分和一个最低分后取平均, rounded half up to two places.

    Equal marks are dropped all the same: of 80, 80, 80, 90, 90 one 90 and one 80 go.
    """
    if drop_highest < 0 or drop_lowest < 0:
        raise ValueError(_("The number of marks to drop cannot be negative."))
    ordered = sorted(to_decimal(m) for m in marks)
    kept = ordered[drop_lowest : len(ordered) - drop_highest]
    if not kept:
        raise ValueError(
            _(
                "Dropping %(high)s highest and %(low)s lowest marks needs at least %(needed)s "
                "marks; there are %(count)s."
            )
            % {
                "high": drop_highest,
                "low": drop_lowest,
                "needed": drop_highest + drop_lowest + 1,
                "count": len(ordered),
            }
        )
    return half_up(sum(kept, Decimal(0)) / len(kept))


@dataclass(frozen=True)
class Weights:
    """The announced weights of 笔试, 面试 and 加试 in the total (综合成绩); they add up to 1."""

    written: Decimal = Decimal("0.5")
    interview: Decimal = Decimal("0.5")
    extra: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        labels = {
            "written": _("written exam"),
            "interview": _("interview"),
            "extra": _("additional test"),
        }
        for name, label in labels.items():
            weight = to_decimal(getattr(self, name))
            if not 0 <= weight <= 1:
                raise ValueError(
                    _("The %(part)s weight must be between 0 and 1, not %(value)s.")
                    % {"part": label, "value": weight}
                )
            # Stored as Decimal even when given as "0.6", so total() multiplies exactly.
            object.__setattr__(self, name, weight)
        weight_sum = self.written + self.interview + self.extra
        if weight_sum != 1:
            raise ValueError(_("The weights must add up to 1, not %(sum)s.") % {"sum": weight_sum})


def total(
    *,
    written: Decimal,
    interview: Decimal,
    weights: Weights,
    extra: Decimal | None = None,
) -> Decimal:
    """综合成绩 = 笔试×笔试权重 + 面试×面试权重 (+ 加试×加试权重), rounded once at the end.

    78.5 × 0.6 + 85.33 × 0.4 = 81.232 → 81.23.
    """
    if weights.extra > 0 and extra is None:
        raise ValueError(
            _("This post weighs an additional test at %(weight)s: its score is needed.")
            % {"weight": weights.extra}
        )
    result = to_decimal(written) * weights.written + to_decimal(interview) * weights.interview
    if extra is not None:
        result += to_decimal(extra) * weights.extra
    return half_up(result)


@dataclass(frozen=True)
class Entry:
    """One candidate's numbers for ranking; `decision` orders a recorded tie decision."""

    key: int
    total: Decimal
    written: Decimal | None = None
    extra: Decimal | None = None
    decision: int | None = None


@dataclass(frozen=True)
class Ranked:
    """A place in the ranking; `tied` entries share it and need a recorded decision."""

    key: int
    rank: int
    tied: bool


_SortPart = tuple[int, Decimal]


def _higher_first(value: Decimal | int | None) -> _SortPart:
    # A missing value sorts after every present one.
    return (1, Decimal(0)) if value is None else (0, -to_decimal(value))


def _lower_first(value: Decimal | int | None) -> _SortPart:
    return (1, Decimal(0)) if value is None else (0, to_decimal(value))


_TIE_BREAKS: dict[str, Callable[[Entry], _SortPart]] = {
    "written": lambda e: _higher_first(e.written),
    "extra": lambda e: _higher_first(e.extra),
    "decision": lambda e: _lower_first(e.decision),
}


def _check_unique(keys: Sequence[int]) -> None:
    seen: set[int] = set()
    for key in keys:
        if key in seen:
            raise ValueError(_("Candidate %(key)s appears more than once.") % {"key": key})
        seen.add(key)


def _check_tie_breaks(names: Sequence[str]) -> None:
    unknown = [name for name in names if name not in _TIE_BREAKS]
    if unknown:
        raise ValueError(
            _("Unknown tie-break: %(names)s (known: %(known)s).")
            % {"names": ", ".join(unknown), "known": ", ".join(_TIE_BREAKS)}
        )


def rank(
    entries: Sequence[Entry], *, tie_break: Sequence[str] = ("written", "extra", "decision")
) -> list[Ranked]:
    """Total descending; equal totals go to the higher 笔试, then the higher 加试, then a
    recorded decision. Entries still equal share a rank (1, 2, 2, 4) and are marked tied.
    """
    _check_tie_breaks(tie_break)
    _check_unique([e.key for e in entries])

    def order(entry: Entry) -> tuple[_SortPart, ...]:
        return (_higher_first(entry.total), *(_TIE_BREAKS[n](entry) for n in tie_break))

    # The key last keeps the output the same whatever order the entries came in.
    ordered = sorted((order(e), e.key) for e in entries)
    result: list[Ranked] = []
    for i, (place, key) in enumerate(ordered):
        same_as_previous = i > 0 and ordered[i - 1][0] == place
        same_as_next = i + 1 < len(ordered) and ordered[i + 1][0] == place
        position = result[-1].rank if same_as_previous else i + 1
        result.append(Ranked(key=key, rank=position, tied=same_as_previous or same_as_next))
    return result


def shortlist(
    scores: Sequence[tuple[int, Decimal | None]],
    *,
    headcount: int,
    ratio: int = 3,
    pass_line: Decimal = Decimal(60),
) -> list[int]:
    """进入面试人选: headcount × ratio by written score, highest first ("按招聘人数1:3的比例
    确定面试人选，最后一名成绩并列的一并进入面试").

    Only scores at or above the pass line (合格分数线) count; an absentee (None) never
    passes. When fewer pass than the quota, all who pass go through.
    """
    if headcount < 1 or ratio < 1:
        raise ValueError(
            _("Headcount and ratio must be at least 1, not %(headcount)s and %(ratio)s.")
            % {"headcount": headcount, "ratio": ratio}
        )
    _check_unique([key for key, _s in scores])
    line = to_decimal(pass_line)
    present = [(key, to_decimal(score)) for key, score in scores if score is not None]
    passing = [(key, score) for key, score in present if score >= line]
    passing.sort(key=lambda pair: (-pair[1], pair[0]))
    quota = headcount * ratio
    if len(passing) <= quota:
        return [key for key, _s in passing]
    cutoff = passing[quota - 1][1]
    return [key for key, score in passing if score >= cutoff]


def next_in_line(
    ranking: Sequence[int], *, taken: Collection[int], out: Collection[int]
) -> int | None:
    """递补: the best-ranked candidate neither already taken nor out (放弃, 不合格); None
    when the list is exhausted."""
    return next((key for key in ranking if key not in taken and key not in out), None)


def meets_opening_ratio(*, qualified: int, headcount: int, ratio: Number = Decimal(3)) -> bool:
    """开考比例: a post opens only when qualified applicants ≥ headcount × ratio (1:3 → 3)."""
    if qualified < 0 or headcount < 1:
        raise ValueError(_("Qualified applicants cannot be negative and headcount is at least 1."))
    return qualified >= headcount * to_decimal(ratio)
