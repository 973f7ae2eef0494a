"""ID-number facts: place code, birth date and sex; ages at a date; place names; places alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from mianshi.candidates.validators import id_checksum_ok
from mianshi.recruitment.idcard import IdFacts, age_on, id_facts, region_name, same_place

D = date
REGIONS = Path(__file__).resolve().parents[1] / "data" / "regions.tsv"


def id_number(body: str) -> str:
    """`body` (17 digits) with the check character the validator accepts."""
    return next(body + c for c in "0123456789X" if id_checksum_ok(body + c))


@pytest.mark.parametrize(
    ("number", "facts"),
    [
        (id_number("33010619900307001"), IdFacts("330106", D(1990, 3, 7), False)),
        (id_number("33010619900307002"), IdFacts("330106", D(1990, 3, 7), True)),
        # The example number of GB 11643 itself, with a lower-case x and spaces as typed.
        ("11010519491231002x", IdFacts("110105", D(1949, 12, 31), True)),
        (" 110105 19491231 002X ", IdFacts("110105", D(1949, 12, 31), True)),
        # A withdrawn place code (崇文区, merged in 2010) still reads.
        (id_number("11010320000229003"), IdFacts("110103", D(2000, 2, 29), False)),
    ],
)
def test_an_id_number_gives_place_birth_and_sex(number: str, facts: IdFacts) -> None:
    assert id_facts(number) == facts


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "18 characters"),
        ("33010619900307001", "18 characters"),  # 17 characters
        ("3301061990030700111", "18 characters"),  # 19 characters
        ("33010619900307001Y", "18 characters"),
        ("X30106199003070011", "18 characters"),
        (id_number("33010619900307001")[:17] + "9", "not valid"),  # wrong check character
        (id_number("33010619900230001"), "not valid"),  # 30 February
        (id_number("33010619891301001"), "not valid"),  # month 13
        (id_number("33010618991231001"), "not valid"),  # before 1900
        (id_number("33010621000101001"), "not valid"),  # born in the future
    ],
)
def test_a_bad_id_number_is_a_value_error_with_a_readable_message(
    number: str, message: str
) -> None:
    with translation.override("en"), pytest.raises(ValueError, match=message):
        id_facts(number)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (D(1990, 3, 7), D(2026, 3, 6), 35),  # the eve of the birthday
        (D(1990, 3, 7), D(2026, 3, 7), 36),  # the birthday itself
        (D(1990, 3, 7), D(1990, 3, 7), 0),
        (D(1990, 12, 31), D(2026, 12, 31), 36),
        (D(1991, 1, 1), D(2026, 12, 31), 35),
        # Born 29 February: in a common year the birthday is reached on 1 March.
        (D(2000, 2, 29), D(2025, 2, 28), 24),
        (D(2000, 2, 29), D(2025, 3, 1), 25),
        (D(2000, 2, 29), D(2024, 2, 28), 23),
        (D(2000, 2, 29), D(2024, 2, 29), 24),
    ],
)
def test_age_counts_full_years(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("330106", "浙江省杭州市西湖区"),
        ("330100", "浙江省杭州市"),
        ("330000", "浙江省"),
        ("110101", "北京市东城区"),  # the 市辖区 grouping row is not spelled
        ("500106", "重庆市沙坪坝区"),
        ("429004", "湖北省仙桃市"),  # 省直辖县级行政单位 is not spelled
        ("110103", "北京市崇文区"),  # withdrawn in 2010
        ("330199", "浙江省杭州市"),  # unknown county: as far as known
        ("339999", "浙江省"),  # unknown prefecture and county
        ("990101", "990101"),  # nothing known
        ("33", "浙江省"),  # a prefix names its province
        ("3301", "浙江省杭州市"),  # or prefecture
        ("abc", "abc"),
        ("33010", "33010"),
        ("", ""),
    ],
)
def test_region_name_spells_the_place_as_far_as_known(code: str, name: str) -> None:
    assert region_name(code) == name


@pytest.mark.parametrize(
    ("a", "b", "level", "same"),
    [
        ("330106", "330106", "county", True),
        ("330106", "330102", "county", False),
        ("330106", "330102", "prefecture", True),
        ("330106", "330203", "prefecture", False),
        ("330106", "330203", "province", True),
        ("330106", "320106", "province", False),
        ("330106", "33", "province", True),  # a prefix is enough for its level
    ],
)
def test_same_place_compares_at_the_level_asked(a: str, b: str, level: str, same: bool) -> None:
    assert same_place(a, b, level) is same


@pytest.mark.parametrize(
    ("a", "b", "level", "message"),
    [
        ("330106", "330106", "town", "Unknown level"),
        ("330106", "33", "county", "Not a place code"),
        ("ab0106", "330106", "province", "Not a place code"),
    ],
)
def test_same_place_refuses_what_it_cannot_compare(
    a: str, b: str, level: str, message: str
) -> None:
    with translation.override("en"), pytest.raises(ValueError, match=message):
        same_place(a, b, level)


def test_the_region_table_is_sorted_unique_and_small() -> None:
    lines = REGIONS.read_text(encoding="utf-8").splitlines()
    codes = [line.split("\t")[0] for line in lines]
    assert REGIONS.stat().st_size < 400_000
    assert codes == sorted(set(codes))
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert all(line.count("\t") == 1 and line.split("\t")[1] for line in lines)
    provinces = {code[:2] for code in codes if code.endswith("0000")}
    assert len(provinces) == 34  # 31 on the mainland, 香港, 澳门, 台湾
    assert len(codes) > 6000  # current and withdrawn county-level codes
