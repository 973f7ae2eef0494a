"""回避 checks: each kind matching and not, the reasons' text, and the panel-wide index."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest
from django.utils import translation

from mianshi.recruitment.avoidance import (
    Conflict,
    Declared,
    Person,
    Relation,
    conflicts,
    native_place,
    normalise_organisation,
    panel_conflicts,
    surname_of,
)

XIHU = "330106199001011234"  # 浙江省杭州市西湖区
XIHU_2 = "33010619851231567X"
HAIDIAN = "110108199001011234"  # 北京市海淀区
XIHU_OLD = "330106850101123"  # a 15-digit number from before 1999
PLACES = {"330106": "浙江省杭州市西湖区", "110108": "北京市海淀区"}


def place(code: str) -> str:
    """Stands in for the idcard module's region names."""
    return PLACES.get(code, code)


def examiner(name: str = "张三", **fields: Any) -> Person:
    return Person("ex", name, **fields)


def candidate(name: str = "李四", **fields: Any) -> Person:
    return Person("c1", name, **fields)


def kinds(found: list[Conflict]) -> list[str]:
    return [c.kind for c in found]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("王伟", "王"),
        ("  王 伟 ", "王"),
        ("欧阳明", "欧阳"),
        ("欧阳明月", "欧阳"),
        ("欧明", "欧"),
        ("欧阳", "欧"),  # two characters: surname 欧, given name 阳
        ("诸葛亮", "诸葛"),
        ("歐陽修", "歐陽"),
        ("司马", "司"),
        ("阿依古丽·买买提", ""),  # no family name in front
        ("John Smith", ""),
        ("王Ｘ", ""),
        ("", ""),
    ],
)
def test_surname_of(name: str, expected: str) -> None:
    assert surname_of(name) == expected


@pytest.mark.parametrize(
    ("id_number", "expected"),
    [
        (XIHU, "330106"),
        ("33010619851231567x", "330106"),
        ("3301 0619 8512 3156 7X", "330106"),
        (XIHU_OLD, "330106"),
        ("", ""),
        ("330106", ""),
        ("33010619900101123", ""),  # 17 characters
        ("X30106199001011234", ""),
    ],
)
def test_native_place(id_number: str, expected: str) -> None:
    assert native_place(id_number) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("杭州某某科技有限公司", "杭州某某科技"),
        ("杭州某某科技 股份有限公司", "杭州某某科技"),
        ("杭州某某科技有限责任公司", "杭州某某科技"),
        ("杭州某某科技公司有限公司", "杭州某某科技"),
        ("ＡＢＣ科技有限公司", "abc科技"),
        ("Acme Co., Ltd.", "acme"),
        ("ACME Inc", "acme"),
        ("Zinc", "zinc"),
        ("浙江 大学", "浙江大学"),
        ("有限公司", ""),
        ("股份有限公司", ""),
        ("无", ""),
        (" 暂无 ", ""),
        ("N/A", ""),
        ("", ""),
    ],
)
def test_normalise_organisation(text: str, expected: str) -> None:
    assert normalise_organisation(text) == expected


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        (dict(name="王伟", id_number=XIHU), dict(name="王芳", id_number=XIHU_2), True),
        (dict(name="王伟", id_number=XIHU), dict(name="王芳", id_number=HAIDIAN), False),
        (dict(name="王伟", id_number=XIHU), dict(name="李芳", id_number=XIHU_2), False),
        (dict(name="欧阳明", id_number=XIHU), dict(name="欧丽", id_number=XIHU_2), False),
        (dict(name="欧阳明", id_number=XIHU), dict(name="欧阳丽", id_number=XIHU_2), True),
        (dict(name="欧阳", id_number=XIHU), dict(name="欧丽", id_number=XIHU_2), True),
        (dict(name="王伟", id_number=XIHU), dict(name="王芳", id_number=XIHU_OLD), True),
        (dict(name="王伟", id_number=XIHU.lower()), dict(name="王 芳", id_number=XIHU_2), True),
        (dict(name="王伟", id_number=""), dict(name="王芳", id_number=XIHU), False),
        (dict(name="王伟", id_number=""), dict(name="王芳", id_number=""), False),
        (dict(name="王伟", id_number="unknown"), dict(name="王芳", id_number="unknown"), False),
        (dict(name="", id_number=XIHU), dict(name="", id_number=XIHU_2), False),
        (
            dict(name="阿依古丽·买买提", id_number=XIHU),
            dict(name="阿依古丽·艾力", id_number=XIHU_2),
            False,
        ),
    ],
)
def test_same_surname_and_native_place(
    mine: dict[str, str], theirs: dict[str, str], expected: bool
) -> None:
    found = conflicts(examiner(**mine), candidate(**theirs))
    assert kinds(found) == (["surname_place"] if expected else [])


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        ("杭州某某科技有限公司", "杭州某某科技有限公司", True),
        ("杭州某某科技有限公司", "杭州某某科技", True),
        ("杭州某某科技有限公司", "杭州某某科技股份有限公司", True),
        ("ＡＢＣ科技有限公司", "abc科技有限责任公司", True),
        (" 浙江省 人民医院 ", "浙江省人民医院", True),
        ("杭州某某科技有限公司", "杭州某某网络有限公司", False),
        ("浙江省人民医院", "浙江省中医院", False),
        ("无", "无", False),
        ("有限公司", "有限公司", False),
        ("", "", False),
        ("", "浙江省人民医院", False),
    ],
)
def test_same_employer(mine: str, theirs: str, expected: bool) -> None:
    found = conflicts(examiner(employer=mine), candidate(employer=theirs))
    assert kinds(found) == (["employer"] if expected else [])


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        (("浙江大学", 2012), ("浙江大学", 2012), True),
        (("浙江大学", 2012), ("浙江 大学", 2012), True),
        (("ＺＪＵ", 2012), ("zju", 2012), True),
        (("浙江大学", 2012), ("浙江大学", 2013), False),
        (("浙江大学", 2012), ("浙江工业大学", 2012), False),
        (("浙江大学", None), ("浙江大学", None), False),
        (("浙江大学", 2012), ("浙江大学", None), False),
        (("", 2012), ("", 2012), False),
    ],
)
def test_same_school_and_year(
    mine: tuple[str, int | None], theirs: tuple[str, int | None], expected: bool
) -> None:
    found = conflicts(
        examiner(school=mine[0], graduation_year=mine[1]),
        candidate(school=theirs[0], graduation_year=theirs[1]),
    )
    assert kinds(found) == (["school_year"] if expected else [])


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ([Declared("ex", "c1", Relation.SPOUSE)], ["Declared relation: Spouse"]),
        (
            [Declared("c1", "ex", Relation.IN_LAW)],
            ["Declared relation: Close relative by marriage"],
        ),
        ([Declared("ex", "c2", Relation.SPOUSE)], []),
        ([Declared("ex2", "c1", Relation.SPOUSE)], []),
        (
            [Declared("ex", "c1", Relation.COLLATERAL), Declared("c1", "ex", Relation.COLLATERAL)],
            ["Declared relation: Collateral blood relative within three generations"],
        ),
        (
            [Declared("ex", "c1", Relation.DIRECT_BLOOD), Declared("ex", "c1", "other_interest")],  # type: ignore[arg-type]
            [
                "Declared relation: Direct blood relative",
                "Declared relation: Other relationship that may affect impartiality",
            ],
        ),
        ([], []),
    ],
)
def test_declared_relations_either_direction(declared: list[Declared], expected: list[str]) -> None:
    with translation.override("en"):
        found = conflicts(examiner(), candidate(), declared=declared)
    assert [c.reason for c in found] == expected
    assert all(c.declared and not c.likely and c.kind == "declared" for c in found)


def test_reasons_name_what_matched() -> None:
    mine = examiner(
        "王伟",
        id_number=XIHU,
        employer="杭州某某科技有限公司",
        school="浙江大学",
        graduation_year=2012,
    )
    theirs = candidate(
        name="王芳",
        id_number=XIHU_2,
        employer=" 杭州某某科技股份有限公司 ",
        school="浙江大学",
        graduation_year=2012,
    )
    with translation.override("en"):
        found = conflicts(mine, theirs, place_name=place)
        plain = conflicts(mine, theirs)
    assert [c.reason for c in found] == [
        "Same surname (王) and same native place (浙江省杭州市西湖区)",
        "Same employer (杭州某某科技股份有限公司)",
        "Same school (浙江大学) and graduation year (2012)",
    ]
    assert plain[0].reason == "Same surname (王) and same native place (330106)"
    assert all(c.likely and not c.declared for c in found)


def test_declared_conflicts_come_before_likely_ones() -> None:
    found = conflicts(
        examiner(employer="浙江省人民医院"),
        candidate(employer="浙江省人民医院"),
        declared=[Declared("c1", "ex", Relation.SPOUSE)],
    )
    assert kinds(found) == ["declared", "employer"]


def _world(seed: int, examiners: int, candidates: int) -> tuple[list[Person], list[Person]]:
    """People drawn from small value sets, so that every kind of tie occurs often."""
    rng = random.Random(seed)
    surnames, places = "王李张刘陈杨黄赵吴周欧阳", ["330106", "110108", "440305", "510104"]
    employers = [f"单位{i}有限公司" for i in range(40)] + ["无", ""]
    schools = [f"大学{i}" for i in range(8)] + [""]

    def person(key: str) -> Person:
        surname = rng.choice(["欧阳", *surnames[:-2]])
        return Person(
            key=key,
            name=surname + rng.choice("伟芳娜敏静"),
            id_number=rng.choice(places) + "19900101123" + rng.choice("0123456789X"),
            employer=rng.choice(employers),
            school=rng.choice(schools),
            graduation_year=rng.choice([None, *range(2010, 2020)]),
        )

    return [person(f"e{i}") for i in range(examiners)], [person(f"c{i}") for i in range(candidates)]


def test_panel_conflicts_equal_every_pair_checked_one_by_one() -> None:
    panel, people = _world(7, 9, 300)
    declared = [Declared("e0", "c5", Relation.SPOUSE), Declared("c9", "e3", Relation.IN_LAW)]
    expected = {
        (e.key, c.key): found
        for e in panel
        for c in people
        if (found := conflicts(e, c, declared=declared, place_name=place))
    }
    got = panel_conflicts(panel, people, declared=declared, place_name=place)
    assert got == expected
    assert len(got) > 50  # the world really has ties of every kind
    assert {c.kind for found in got.values() for c in found} == {
        "declared",
        "surname_place",
        "employer",
        "school_year",
    }


def test_panel_conflicts_find_a_declared_pair_with_nothing_else_in_common() -> None:
    panel = [Person("e1", "张三"), Person("e2", "赵六")]
    people = [Person("c1", "李四"), Person("c2", "王五")]
    got = panel_conflicts(panel, people, declared=[Declared("c2", "e1", Relation.SPOUSE)])
    assert list(got) == [("e1", "c2")]
    assert panel_conflicts(panel, people) == {}


def test_panel_conflicts_nine_examiners_two_thousand_candidates_under_100_ms() -> None:
    panel, people = _world(11, 9, 2000)
    timings = []
    for _ in range(3):  # the best of three: the machine is shared
        started = time.perf_counter()
        got = panel_conflicts(panel, people, place_name=place)
        timings.append(time.perf_counter() - started)
    assert got
    assert min(timings) < 0.1, f"{min(timings) * 1000:.1f} ms"
