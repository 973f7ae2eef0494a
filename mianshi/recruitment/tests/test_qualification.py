"""资格审查: each rule passing and failing with its reason, the boundaries, the catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mianshi.candidates.validators import id_checksum_ok
from mianshi.recruitment.qualification import (
    Facts,
    MajorCatalogue,
    PostRules,
    RuleResult,
    Screening,
    evaluate,
)

D = date
TODAY = D(2026, 12, 6)
CUTOFF = D(2026, 12, 31)
CATALOGUE = MajorCatalogue.default()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def id_number(body: str) -> str:
    """`body` (17 digits) with the check character the validator accepts."""
    return next(body + c for c in "0123456789X" if id_checksum_ok(body + c))


XIHU_1991 = id_number("33010619910101001")  # 浙江省杭州市西湖区, born 1 January 1991
NINGBO = id_number("33020319900615002")  # 浙江省宁波市海曙区
NANJING = id_number("32010219900615003")  # 江苏省南京市玄武区


def screen(rules: PostRules, facts: Facts) -> Screening:
    return evaluate(rules, facts, catalogue=CATALOGUE, today=TODAY)


def only(rules: PostRules, facts: Facts) -> RuleResult:
    (result,) = screen(rules, facts).results
    return result


@pytest.mark.parametrize(
    ("rules", "facts", "passed", "reason"),
    [
        # Education: the ordered levels; codes or the words candidates write.
        (PostRules(education_min="bachelor"), Facts(education="bachelor"), True,
         "Education: Undergraduate ✓"),
        (PostRules(education_min="bachelor"), Facts(education="博士研究生"), True,
         "Education: Doctoral graduate ✓"),
        (PostRules(education_min="bachelor"), Facts(education="大专"), False,
         "Education: Junior college ✗ below Undergraduate"),
        (PostRules(education_min="college"), Facts(education="high_school"), False,
         "Education: High school or secondary vocational school ✗ below Junior college"),
        (PostRules(education_min="bachelor"), Facts(education="野鸡大学"), False,
         "Education: 野鸡大学 ✗ not recognised"),
        # Degree is its own rule: a 硕士研究生 without a degree fails the degree rule.
        (PostRules(degree_min="master"), Facts(education="master", degree="bachelor"), False,
         "Degree: Bachelor's degree ✗ below Master's degree"),
        (PostRules(degree_min="master"), Facts(education="master"), False,
         "Degree: ✗ not entered"),
        (PostRules(degree_min="bachelor"), Facts(degree="硕士"), True,
         "Degree: Master's degree ✓"),
        # Certificates: all required, 证 and 证书 alike.
        (PostRules(certificates=("教师资格证",)), Facts(certificates=("教师资格证书",)), True,
         "Certificates: 教师资格证 ✓"),
        (PostRules(certificates=("教师资格证", "普通话二级甲等证书")),
         Facts(certificates=("教师资格证",)), False, "Certificates: ✗ 普通话二级甲等证书 missing"),
        (PostRules(certificates=("教师资格证", "会计师")), Facts(certificates=("驾驶证",)), False,
         "Certificates: ✗ 教师资格证 and 会计师 missing"),
        # Experience: exactly the minimum is enough.
        (PostRules(experience_years_min=Decimal(3)), Facts(experience_years=Decimal("3.0")),
         True, "Work experience: 3 years ✓"),
        (PostRules(experience_years_min=Decimal(3)), Facts(experience_years=Decimal("2.9")),
         False, "Work experience: 2.9 years ✗ less than 3 years"),
        (PostRules(experience_years_min=Decimal("0.5")), Facts(experience_years=Decimal(0)),
         False, "Work experience: 0 years ✗ less than 0.5 years"),
        # Political status: a probationary member counts as a member.
        (PostRules(political=("cpc_member",)), Facts(political_status="cpc_member"), True,
         "Political status: CPC member ✓"),
        (PostRules(political=("cpc_member",)), Facts(political_status="预备党员"), True,
         "Political status: CPC probationary member ✓"),
        (PostRules(political=("cpc_member",)), Facts(political_status="共青团员"), False,
         "Political status: Communist Youth League member ✗ CPC member required"),
        (PostRules(political=("cpc_probationary",)), Facts(political_status="cpc_member"),
         False, "Political status: CPC member ✗ CPC probationary member required"),
        (PostRules(political=("cpc_member", "cyl_member")), Facts(political_status="群众"),
         False, "Political status: Ordinary citizen (no affiliation) ✗ "
         "CPC member or Communist Youth League member required"),
    ],
)  # fmt: skip
def test_each_rule_passes_or_fails_with_its_reason(
    rules: PostRules, facts: Facts, passed: bool, reason: str
) -> None:
    assert only(rules, facts) == RuleResult(rules_code(rules), passed, reason)


def rules_code(rules: PostRules) -> str:
    (result,) = screen(rules, Facts()).results
    return result.code


@pytest.mark.parametrize(
    ("allowed", "entered", "passed", "reason"),
    [
        (("计算机类",), "软件工程", True, "Major: 软件工程 ✓ (计算机类)"),
        (("计算机类",), "数据科学与大数据技术", True, "Major: 数据科学与大数据技术 ✓ (计算机类)"),
        (("计算机类",), "计科", True, "Major: 计科 ✓ (计算机类)"),  # alias
        (("计算机科学与技术",), "计算机科学", True, "Major: 计算机科学 ✓"),  # alias of a major
        (("计算机类",), "汉语言文学", False, "Major: 汉语言文学 ✗ not in 计算机类"),
        (("中国语言文学类",), "中文", True, "Major: 中文 ✓ (中国语言文学类)"),
        (("工商管理类",), "财务管理", True, "Major: 财务管理 ✓ (工商管理类)"),
        (("会计学",), "财务管理", False, "Major: 财务管理 ✗ not in 会计学"),
        (("会计学", "审计学"), "法学", False, "Major: 法学 ✗ not in 会计学 or 审计学"),
        # Full-width letters and spaces, a trailing 专业: the same major.
        (("计算机类",), "　软件 工程　专业", True, "Major: 软件 工程　专业 ✓ (计算机类)"),
        (("计算机类",), "电子商务与网红经济", False,
         "Major: 电子商务与网红经济 ✗ not in the major catalogue"),
        # A post may list a name the catalogue does not know: the same words still match.
        (("ＩＴ",), "it", True, "Major: it ✓"),
    ],
)  # fmt: skip
def test_the_major_rule_reads_categories_and_aliases(
    allowed: tuple[str, ...], entered: str, passed: bool, reason: str
) -> None:
    assert only(PostRules(majors=allowed), Facts(major=entered)) == RuleResult(
        "major", passed, reason
    )


def test_an_organisations_own_catalogue_matches_full_width_aliases() -> None:
    own = MajorCatalogue.from_dict(
        {"categories": [{"name": "信息类", "majors": [{"name": "信息技术", "aliases": ["IT"]}]}]}
    )
    result = evaluate(
        PostRules(majors=("信息类",)), Facts(major=" ＩＴ "), catalogue=own, today=TODAY
    ).results[0]
    assert result == RuleResult("major", True, "Major: ＩＴ ✓ (信息类)")
    assert own.major("ｉｔ") == "信息技术"
    assert own.categories_of("信息技术") == ["信息类"]


def test_a_catalogue_may_not_give_one_name_to_two_majors() -> None:
    with pytest.raises(ValueError, match="names two majors"):
        MajorCatalogue.from_dict(
            {"categories": [{"name": "甲类", "majors": [
                {"name": "甲", "aliases": ["通用"]}, {"name": "乙", "aliases": ["通 用"]}]}]}
        )  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"categories": "计算机类"},
        {"categories": [{"name": "计算机类"}]},
        {"categories": [{"name": "计算机类", "majors": [{"aliases": ["计科"]}]}]},
        {"categories": [{"name": "计算机类", "majors": [{"name": "软件工程", "aliases": "软工"}]}]},
    ],
)
def test_a_catalogue_of_another_shape_is_refused(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="lists categories"):
        MajorCatalogue.from_dict(data)


def test_the_default_catalogue_is_a_real_subset_of_the_catalogue() -> None:
    big = [name for name, majors in CATALOGUE.members.items() if len(majors) >= 5]
    assert len(big) >= 12
    assert CATALOGUE.categories_of("计算机科学与技术") == ["计算机类"]
    assert {"软件工程", "网络工程", "信息安全", "数据科学与大数据技术"} <= CATALOGUE.members[
        "计算机类"
    ]
    assert {"会计学", "财务管理"} <= CATALOGUE.members["工商管理类"]
    assert CATALOGUE.major("计科") == CATALOGUE.major("计算机科学") == "计算机科学与技术"


# 35周岁以下 on 2026-12-31: born on or after the cutoff minus 36 years plus one day, so
# born 1991-01-01 passes and born 1990-12-31 (36 on the cutoff day) does not.
AGE_RULE = PostRules(age_max=35, age_cutoff=CUTOFF)


@pytest.mark.parametrize(
    ("body", "passed", "reason"),
    [
        ("33010619910101001", True, "Age: 35 (on 2026-12-31) ✓"),  # the first day that passes
        ("33010619901231001", False, "Age: 36 (on 2026-12-31) ✗ over 35 years of age"),  # eve
        ("33010620000229001", True, "Age: 26 (on 2026-12-31) ✓"),
    ],
)
def test_the_age_rule_turns_on_the_birthday(body: str, passed: bool, reason: str) -> None:
    assert only(AGE_RULE, Facts(id_number=id_number(body))) == RuleResult("age", passed, reason)


def test_age_is_counted_on_the_cutoff_not_today() -> None:
    born_1991_12_31 = id_number("33010619911231001")
    early = PostRules(age_max=35, age_cutoff=D(2026, 12, 30))
    assert only(early, Facts(id_number=born_1991_12_31)).passed
    late = PostRules(age_max=34, age_cutoff=D(2026, 12, 31))
    assert not only(late, Facts(id_number=born_1991_12_31)).passed


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("", "Age: ✗ not entered"),
        ("330106199101010011", "Age: ✗ This ID number is not valid"),
        ("3301061991", "Age: ✗ An ID number has 18 characters"),
    ],
)
def test_a_missing_or_bad_id_number_fails_the_age_rule(number: str, reason: str) -> None:
    result = only(AGE_RULE, Facts(id_number=number))
    assert not result.passed
    assert result.reason.startswith(reason)


def test_a_birth_date_after_the_screening_day_fails() -> None:
    rules = PostRules(age_max=35, age_cutoff=CUTOFF)
    number = id_number("33010620261207001")  # the day after TODAY
    result = only(rules, Facts(id_number=number))
    assert result == RuleResult(
        "age", False, "Age: ✗ The date of birth in this ID number is after today."
    )


HANGZHOU = ("3301",)
ZHEJIANG = ("33",)


@pytest.mark.parametrize(
    ("prefixes", "source", "facts", "passed", "reason"),
    [
        (ZHEJIANG, "id", Facts(id_number=NINGBO), True,
         "Household registration: 浙江省宁波市海曙区 (from the ID number) ✓"),
        (HANGZHOU, "id", Facts(id_number=NINGBO), False,
         "Household registration: 浙江省宁波市海曙区 (from the ID number) ✗ not in 浙江省杭州市"),
        (HANGZHOU, "id", Facts(id_number=XIHU_1991), True,
         "Household registration: 浙江省杭州市西湖区 (from the ID number) ✓"),
        (("3301", "3302"), "id", Facts(id_number=NANJING), False,
         "Household registration: 江苏省南京市玄武区 (from the ID number) "
         "✗ not in 浙江省杭州市 or 浙江省宁波市"),
        # The declared 户籍 is read instead of the ID number's place.
        (HANGZHOU, "declared", Facts(id_number=NANJING, declared_household="330106"), True,
         "Household registration: 浙江省杭州市西湖区 (as declared) ✓"),
        (ZHEJIANG, "declared", Facts(id_number=XIHU_1991, declared_household="320102"), False,
         "Household registration: 江苏省南京市玄武区 (as declared) ✗ not in 浙江省"),
        (ZHEJIANG, "declared", Facts(id_number=XIHU_1991), False,
         "Household registration: ✗ not entered"),
        # Either source may qualify.
        (ZHEJIANG, "either", Facts(id_number=NANJING, declared_household="330106"), True,
         "Household registration: 浙江省杭州市西湖区 (as declared) ✓"),
        (ZHEJIANG, "either", Facts(id_number=NANJING, declared_household="320102"), False,
         "Household registration: 江苏省南京市玄武区 (from the ID number) and "
         "江苏省南京市玄武区 (as declared) ✗ not in 浙江省"),
        (ZHEJIANG, "either", Facts(declared_household="330106"), True,
         "Household registration: 浙江省杭州市西湖区 (as declared) ✓"),
        (ZHEJIANG, "id", Facts(), False, "Household registration: ✗ not entered"),
    ],
)  # fmt: skip
def test_household_by_prefix_from_the_id_or_as_declared(
    prefixes: tuple[str, ...], source: str, facts: Facts, passed: bool, reason: str
) -> None:
    rules = PostRules(household=prefixes, household_source=source)
    assert only(rules, facts) == RuleResult("household", passed, reason)


def test_a_bad_id_number_fails_the_household_rule_with_its_reason() -> None:
    result = only(PostRules(household=ZHEJIANG), Facts(id_number="330106199101010011"))
    assert not result.passed
    assert result.reason.startswith("Household registration: ✗ This ID number is not valid")


EVERY_RULE = PostRules(
    education_min="bachelor",
    degree_min="bachelor",
    majors=("计算机类",),
    certificates=("教师资格证",),
    experience_years_min=Decimal(2),
    age_max=35,
    age_cutoff=CUTOFF,
    household=ZHEJIANG,
    political=("cpc_member",),
)
ORDER = ["education", "degree", "major", "certificates", "experience", "age", "household",
         "political"]  # fmt: skip


def test_every_rule_reports_in_a_fixed_order_and_all_must_pass() -> None:
    facts = Facts(
        education="本科",
        degree="学士",
        major="软件工程",
        certificates=("教师资格证",),
        experience_years=Decimal(2),
        id_number=XIHU_1991,
        political_status="中共预备党员",
    )
    screening = screen(EVERY_RULE, facts)
    assert [r.code for r in screening.results] == ORDER
    assert screening.passed and all(r.passed for r in screening.results)
    failing = screen(EVERY_RULE, Facts(**{**facts.__dict__, "major": "法学"}))
    assert not failing.passed
    assert [r.code for r in failing.results if not r.passed] == ["major"]


def test_nothing_entered_fails_every_rule_as_not_entered() -> None:
    screening = screen(EVERY_RULE, Facts())
    assert not screening.passed
    assert all(r.reason.endswith("✗ not entered") for r in screening.results)
    assert [r.code for r in screening.results] == ORDER


def test_no_rules_pass_with_no_results() -> None:
    assert screen(PostRules(), Facts()) == Screening(passed=True, results=[])


def test_rules_round_trip_through_json() -> None:
    assert PostRules.from_dict(EVERY_RULE.to_dict()) == EVERY_RULE
    assert PostRules.from_dict({}) == PostRules()
    stored = {"experience_years_min": 1.5, "age_max": "35", "age_cutoff": "2026-12-31"}
    parsed = PostRules.from_dict(stored | {"majors": [" 计算机类 ", ""]})
    assert parsed.experience_years_min == Decimal("1.5")
    assert (parsed.age_max, parsed.age_cutoff, parsed.majors) == (35, CUTOFF, ("计算机类",))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"education_min": "primary"}, "education_min", "unknown level primary"),
        ({"degree_min": "bachelor's"}, "degree_min", "unknown degree"),
        ({"experience_years_min": -1}, "experience_years_min", "must not be negative"),
        ({"experience_years_min": "three"}, "experience_years_min", "not a valid value"),
        ({"experience_years_min": True}, "experience_years_min", "not a valid value"),
        ({"experience_years_min": "NaN"}, "experience_years_min", "not a valid value"),
        ({"age_max": 35}, "age_max", "age cutoff"),
        ({"age_max": -3, "age_cutoff": "2026-12-31"}, "age_max", "must not be negative"),
        ({"age_max": 35.5, "age_cutoff": "2026-12-31"}, "age_max", "not a valid value"),
        ({"age_max": 35, "age_cutoff": "2026-13-01"}, "age_cutoff", "not a valid value"),
        ({"household": ["33", "330"]}, "household", "330 is not a region code prefix"),
        ({"household": ["浙江"]}, "household", "not a region code prefix"),
        ({"household": "33"}, "household", "not a valid value"),
        ({"household": ["33"], "household_source": "hukou"}, "household_source", "unknown source"),
        ({"household": {"33": "浙江"}}, "household", "not a valid value"),
        ({"political": ["party"]}, "political", "unknown status party"),
        ({"majors": [1, 2]}, "majors", "not a valid value"),
        ({"minimum_height": 170}, "minimum_height", "Unknown rule"),
    ],
)
def test_from_dict_names_the_field_in_error(data: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PostRules.from_dict(data)
    assert field in caught.value.message_dict
    assert message in caught.value.message_dict[field][0]


def test_from_dict_reports_every_bad_field_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        PostRules.from_dict({"age_max": -1, "household": ["3a"], "majors": "x", "nope": 1})
    assert set(caught.value.message_dict) == {"age_max", "household", "majors", "nope"}
