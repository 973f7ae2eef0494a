"""How names and ID numbers appear on a publication list (公示): enough to recognise oneself,
not enough to identify a stranger.

The rules (the common practice of 公示 lists, one star per hidden character):

- a two-character name keeps the surname: 张三 → 张*;
- a name of three or more characters that starts with a compound surname (avoidance's list)
  keeps the surname whole: 欧阳明 → 欧阳*, 欧阳娜娜 → 欧阳**;
- any other name of three or more characters keeps its first and last character:
  张三明 → 张*明, 爱新觉罗 → 爱**罗;
- a name in parts (阿依古丽·买买提, John Smith) keeps each part's first character and the
  separators: 阿***·买**, J*** S****; spaces in a Han name are typing, not parts
  (张 三 明 → 张*明), and when no part is longer than one character all is hidden;
- a one-character name is hidden entirely (keeping it would show it whole);
- an ID number keeps its first four and last four characters: 3301**********1234; a value
  too short for that (nine characters or fewer) is hidden entirely.

Every column of the list is shown as the plan's `Parameters.masking` says: "show" as is,
"name" and "id" through these rules, "hide" leaves the column off the list.
"""

from __future__ import annotations

import re
import unicodedata

from mianshi.recruitment.avoidance import COMPOUND_SURNAMES

STAR = "*"
_SEPARATORS = re.compile(r"([\s·•‧・.]+)")
_LATIN = re.compile(r"[A-Za-z]")
_ID_KEEP = 4


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _initial_only(part: str) -> str:
    return part[:1] + STAR * (len(part) - 1)


def _mask_parts(text: str) -> str:
    # split() with a group keeps the separators at odd positions: they stay as typed.
    pieces = _SEPARATORS.split(text)
    shown = "".join(p if i % 2 else _initial_only(p) for i, p in enumerate(pieces))
    # Parts of one character each (阿·买) would hide nothing: then everything is hidden.
    return shown if STAR in shown else STAR * len(_SEPARATORS.sub("", text))


def mask_name(name: str) -> str:
    """A name as the publication list shows it (the rules in the module docstring)."""
    text = unicodedata.normalize("NFKC", name).strip()
    if not _LATIN.search(text):
        # Spaces in a Han name are typing (张 三 明), not parts: read as parts, every part
        # of one character would stay visible and the name would be published whole.
        text = _compact(text)
    if _SEPARATORS.search(text):
        return _mask_parts(text)
    if len(text) <= 1:
        return STAR * len(text)
    if len(text) == 2:
        return text[0] + STAR
    if text[:2] in COMPOUND_SURNAMES:
        return text[:2] + STAR * (len(text) - 2)
    return text[0] + STAR * (len(text) - 2) + text[-1]


def mask_id(number: str) -> str:
    """An ID number with all but its first and last four characters starred."""
    text = _compact(number).upper()
    if len(text) <= 2 * _ID_KEEP + 1:
        return STAR * len(text)
    return text[:_ID_KEEP] + STAR * (len(text) - 2 * _ID_KEEP) + text[-_ID_KEEP:]


def apply_mask(value: str, mask: str) -> str | None:
    """`value` shown under one of parameters.MASKS; None when the column is hidden (and for
    a mask nobody knows: a typo in the configuration must not publish a value in clear)."""
    if mask == "show":
        return value
    if mask == "name":
        return mask_name(value)
    if mask == "id":
        return mask_id(value)
    return None
