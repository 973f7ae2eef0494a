"""考官 panels and 抽签: draws by lot that anyone holding the seed can re-run by hand.

The seed is recorded (and may be published) BEFORE the draw, so nobody can try seeds until
a draw suits them. The draw is then a fixed function of the seed, the purpose and the
eligible keys, written out below with sha256 only, so it gives the same result on every
Python version and can be checked with `sha256sum` and a pencil. random.Random is not
used: its seeding is an implementation detail that has changed between versions.

The algorithm, as an auditor re-runs it:

1. Eligible keys: the pool minus the filters, sorted by code point (input order never
   matters).
2. root = hex sha256 of the UTF-8 text "<seed>:<purpose>".
3. Word k (k = 0, 1, 2, …) = the first 16 hex digits of sha256("<root>:<k>"), read as an
   unsigned 64-bit integer.
4. A number below n: take the next word w; if w < 2**64 - (2**64 mod n) the number is
   w mod n, otherwise discard w and take the next (this keeps every choice equally likely;
   a discard happens with probability below n / 2**64).
5. Fisher–Yates from the front: for i = 0, 1, …, size - 1 swap position i with position
   i + (a number below len - i). The panel is the first `size` keys, in that order; an
   interview order shuffles every position.

In a shell: root=$(printf '%s' "$seed:$purpose" | sha256sum | cut -c1-64), then word k is
$(printf '%s' "$root:$k" | sha256sum | cut -c1-16) in hex.

A redraw draws from the eligible keys minus the whole current panel (and minus `remove`
and `exclude`), with purpose "<purpose>:redraw:<the removed members, sorted, joined by
commas>"; the keys drawn fill the removed members' seats in panel order.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from django.utils.translation import gettext as _

PANEL_MIN = 5
PANEL_MAX = 9
_WORD_SPAN = 2**64


@dataclass(frozen=True)
class Examiner:
    """An examiner in the pool: the region they work in and what they are expert in."""

    key: str
    region: str = ""
    expertise: frozenset[str] = field(default_factory=frozenset)


def new_seed() -> str:
    """A fresh seed, 128 random bits as hex, to record before drawing."""
    return secrets.token_hex(16)


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _words(seed: str, purpose: str) -> Iterator[int]:
    """Steps 2–3: the endless stream of 64-bit words of one draw."""
    if not seed.strip():
        raise ValueError(_("A draw needs a seed recorded before it."))
    root = _sha256_hex(f"{seed}:{purpose}")
    k = 0
    while True:
        yield int(_sha256_hex(f"{root}:{k}")[:16], 16)
        k += 1


def _below(words: Iterator[int], n: int) -> int:
    """Step 4: a number in [0, n), every value equally likely."""
    limit = _WORD_SPAN - _WORD_SPAN % n
    for word in words:
        if word < limit:
            return word % n
    raise AssertionError("the word stream is endless")  # pragma: no cover


def _shuffle_front(keys: list[str], words: Iterator[int], count: int) -> list[str]:
    """Step 5: the first `count` keys of a Fisher–Yates shuffle run from the front."""
    drawn = list(keys)
    for i in range(min(count, len(drawn))):
        j = i + _below(words, len(drawn) - i)
        drawn[i], drawn[j] = drawn[j], drawn[i]
    return drawn[:count]


def _unique_sorted(keys: Sequence[str]) -> list[str]:
    ordered = sorted(keys)
    for first, second in pairwise(ordered):
        if first == second:
            raise ValueError(_("The key %(key)s is listed twice.") % {"key": first})
    return ordered


def _eligible(
    pool: Sequence[Examiner],
    *,
    exclude_regions: Collection[str],
    expertise: str,
    exclude: Collection[str],
) -> list[str]:
    """Step 1. With exclude_regions set, an examiner of unknown region is left out too: they
    may well be local, and 回避 must not rest on a blank field."""
    _unique_sorted([e.key for e in pool])
    regions, excluded = frozenset(exclude_regions), frozenset(exclude)
    return sorted(
        e.key
        for e in pool
        if e.key not in excluded
        and (not regions or (e.region and e.region not in regions))
        and (not expertise or expertise in e.expertise)
    )


def _check_size(size: int) -> None:
    if not PANEL_MIN <= size <= PANEL_MAX:
        raise ValueError(
            _("A panel has %(low)d to %(high)d examiners, not %(size)d.")
            % {"low": PANEL_MIN, "high": PANEL_MAX, "size": size}
        )


def _check_enough(eligible: Sequence[str], needed: int) -> None:
    if len(eligible) < needed:
        raise ValueError(
            _("Only %(count)d eligible examiners; %(needed)d are needed.")
            % {"count": len(eligible), "needed": needed}
        )


def draw_panel(
    seed: str,
    pool: Sequence[Examiner],
    *,
    size: int,
    purpose: str,
    exclude_regions: Collection[str] = (),
    expertise: str = "",
    exclude: Collection[str] = (),
) -> list[str]:
    """The keys of a panel of `size` drawn by lot from the eligible examiners, in draw order.

    `purpose` names the draw (say "post-42:interview:panel-1"): one seed serves many draws,
    and each purpose gives an independent one.
    """
    _check_size(size)
    eligible = _eligible(
        pool, exclude_regions=exclude_regions, expertise=expertise, exclude=exclude
    )
    _check_enough(eligible, size)
    return _shuffle_front(eligible, _words(seed, purpose), size)


def draw_order(seed: str, keys: Sequence[str], *, purpose: str) -> list[str]:
    """Every key once, in an order drawn by lot (the candidates' interview order)."""
    ordered = _unique_sorted(keys)
    return _shuffle_front(ordered, _words(seed, purpose), len(ordered))


def redraw(
    seed: str,
    pool: Sequence[Examiner],
    panel: Sequence[str],
    *,
    remove: Collection[str],
    purpose: str,
    exclude_regions: Collection[str] = (),
    expertise: str = "",
    exclude: Collection[str] = (),
) -> list[str]:
    """The panel with each member in `remove` replaced, in place, by an eligible examiner
    from off the panel; the others stay where they are.

    Pass the members removed by earlier redraws in `exclude`: only the panel as it now
    stands is known here.
    """
    removed = sorted(frozenset(remove) & frozenset(panel))
    if not removed:
        return list(panel)
    eligible = _eligible(
        pool,
        exclude_regions=exclude_regions,
        expertise=expertise,
        exclude=frozenset(exclude) | frozenset(remove) | frozenset(panel),
    )
    _check_enough(eligible, len(removed))
    words = _words(seed, f"{purpose}:redraw:{','.join(removed)}")
    replacements = iter(_shuffle_front(eligible, words, len(removed)))
    return [next(replacements) if key in removed else key for key in panel]
