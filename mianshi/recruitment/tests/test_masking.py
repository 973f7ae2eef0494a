"""Names and ID numbers on the publication list (公示): the rules of masking.py, row by row."""

from __future__ import annotations

import pytest

from mianshi.recruitment.masking import apply_mask, mask_id, mask_name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("张三明", "张*明"),  # three characters: first and last stay
        ("张三", "张*"),  # two: the surname stays
        ("欧阳娜娜", "欧阳**"),  # compound surname kept whole
        ("欧阳明", "欧阳*"),
        ("司马相如", "司马**"),
        ("歐陽娜娜", "歐陽**"),  # traditional forms of compound surnames too
        ("欧阳", "欧*"),  # two characters are surname + given name, not a compound surname
        ("爱新觉罗", "爱**罗"),  # four characters, no compound surname: first and last
        ("王", "*"),  # one character: nothing can stay
        ("", ""),
        ("  张 三 明 ", "张*明"),  # spaces typed by an IME are not characters of the name
        ("阿依古丽·买买提", "阿***·买**"),  # names in parts: each part's first character
        ("John Smith", "J*** S****"),
        ("阿·买", "**"),  # parts of one character would hide nothing: all hidden
        ("张 三", "张*"),
        ("ＡＢＣ", "A*C"),  # full-width letters folded first
    ],
)
def test_a_name_keeps_only_what_the_rules_allow(name: str, shown: str) -> None:
    assert mask_name(name) == shown


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("330106199001011234", "3301**********1234"),
        ("33010619900101123x", "3301**********123X"),  # the check letter upper-cased
        ("330106900101123", "3301*******1123"),  # an old 15-digit number
        (" 3301 0619 9001 0112 34 ", "3301**********1234"),  # typed with spaces
        ("123456789", "*********"),  # too short to keep eight characters: all hidden
        ("", ""),
    ],
)
def test_an_id_number_keeps_four_characters_at_each_end(number: str, shown: str) -> None:
    assert mask_id(number) == shown


@pytest.mark.parametrize(
    ("mask", "shown"),
    [("show", "张三明"), ("name", "张*明"), ("id", "***"), ("hide", None), ("typo", None)],
)
def test_a_column_is_shown_as_configured_and_an_unknown_mask_hides_it(
    mask: str, shown: str | None
) -> None:
    assert apply_mask("张三明", mask) == shown


def test_a_masked_name_never_contains_the_hidden_characters() -> None:
    for name in ("张三明", "欧阳娜娜", "李四", "诸葛孔明"):
        masked = mask_name(name)
        hidden = set(name) - set(masked)
        assert hidden, name
        assert len(masked) == len(name)
