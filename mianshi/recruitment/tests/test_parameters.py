"""A plan's parameters: the defaults round-trip, every bad value is reported at once under its
parameter, exact decimals come from strings, and neither floats nor bools pass for numbers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mianshi.recruitment.parameters import COLUMNS, TIE_BREAKS, Parameters

D = Decimal


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def errors_of(data: Any) -> dict[str, str]:
    """The errors from_dict raises, one message per parameter."""
    with pytest.raises(ValidationError) as raised:
        Parameters.from_dict(data)
    messages = raised.value.message_dict
    assert all(len(texts) == 1 for texts in messages.values()), messages
    return {name: texts[0] for name, texts in messages.items()}


# --- round trip ----------------------------------------------------------------------------


def test_the_defaults_round_trip_through_json() -> None:
    stored = json.loads(json.dumps(Parameters().to_dict()))
    assert Parameters.from_dict(stored) == Parameters()
    assert stored["weight_written"] == "0.5" and stored["tie_break"] == list(TIE_BREAKS)


def test_an_empty_object_is_every_default() -> None:
    assert Parameters.from_dict({}) == Parameters()


def test_chosen_values_round_trip_exactly() -> None:
    chosen = {
        "announcement_days": 10,
        "opening_ratio": "2.5",
        "pass_line": "55.5",
        "max_score": "120",
        "panel_size": 9,
        "other_regions": True,
        "drop_highest": 2,
        "drop_lowest": 2,
        "weight_written": "0.4",
        "weight_interview": "0.5",
        "weight_extra": "0.1",
        "tie_break": ["decision", "written"],
        "publication_days": 5,
    }
    params = Parameters.from_dict(chosen)
    assert Parameters.from_dict(json.loads(json.dumps(params.to_dict()))) == params
    assert params.weights.extra == D("0.1") and params.tie_break == ("decision", "written")


def test_the_defaults_mask_names_and_id_numbers_only() -> None:
    masking = Parameters().masking
    assert (masking["name"], masking["id_number"]) == ("name", "id")
    assert {masking[c] for c in COLUMNS if c not in ("name", "id_number")} == {"show"}


# --- one bad value, reported under its parameter ------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ({"colour": "red"}, "colour", "Unknown parameter."),
        ({"weight_written": 0.6}, "weight_written", "Not a valid value: 0.6."),
        ({"weight_written": "0.6"}, "weight_written", "The weights must add up to 1, not 1.1."),
        ({"weight_extra": "-0.1", "weight_written": "0.6"}, "weight_written", "additional"),
        ({"panel_size": 4}, "panel_size", "A panel has 5 to 9 examiners."),
        ({"panel_size": 10}, "panel_size", "A panel has 5 to 9 examiners."),
        ({"panel_size": 5, "drop_highest": 2, "drop_lowest": 3}, "drop_highest", "leaves none"),
        ({"panel_size": 5, "drop_highest": 5, "drop_lowest": 0}, "drop_highest", "leaves none"),
        ({"tie_break": ["written", "age"]}, "tie_break", "each once"),
        ({"tie_break": ["written", "written"]}, "tie_break", "each once"),
        ({"tie_break": "written"}, "tie_break", "Not a valid value"),
        ({"masking": {"photo": "show"}}, "masking", "Unknown columns or masks"),
        ({"masking": {"name": "blur"}}, "masking", "Unknown columns or masks"),
        ({"masking": ["name"]}, "masking", "Not a valid value"),
        ({"pass_line": "100.5"}, "pass_line", "between 0 and the highest score"),
        ({"pass_line": 81, "max_score": 80}, "pass_line", "between 0 and the highest score"),
        ({"pass_line": "-1"}, "pass_line", "between 0 and the highest score"),
        ({"publication_days": 0}, "publication_days", "Between 1 and 60 working days."),
        ({"publication_days": 61}, "publication_days", "Between 1 and 60 working days."),
        ({"announcement_days": 0}, "announcement_days", "Between 1 and 60 working days."),
        ({"opening_ratio": "0"}, "opening_ratio", "A ratio must be positive."),
        ({"shortlist_ratio": 0}, "shortlist_ratio", "A ratio must be positive."),
        ({"max_score": "0", "pass_line": "0"}, "max_score", "The highest score must be positive."),
        ({"pass_line": "NaN"}, "pass_line", "Not a valid value: NaN."),
        ({"max_score": "Infinity"}, "max_score", "Not a valid value: Infinity."),
        ({"opening_ratio": "three"}, "opening_ratio", "Not a valid value: three."),
        ({"opening_ratio": None}, "opening_ratio", "Not a valid value: None."),
        ({"panel_size": "7.0"}, "panel_size", "Not a valid value: 7.0."),
        ({"drop_lowest": -1}, "drop_lowest", "Not a valid value: -1."),
        ({"other_regions": "yes"}, "other_regions", "Not a valid value: yes."),
        ({"other_regions": 1}, "other_regions", "Not a valid value: 1."),
    ],
)
def test_a_bad_value_is_reported_under_its_parameter(
    data: dict[str, Any], name: str, message: str
) -> None:
    errors = errors_of(data)
    assert list(errors) == [name]
    assert message in errors[name]


@pytest.mark.parametrize(
    "data",
    [
        {"panel_size": True},
        {"drop_lowest": False},
        {"announcement_days": True},
        {"shortlist_ratio": True},
        {"pass_line": True},
        {"weight_extra": False},
    ],
)
def test_a_bool_is_not_a_number(data: dict[str, Any]) -> None:
    assert list(errors_of(data)) == list(data)


def test_every_bad_value_is_reported_at_once() -> None:
    data = {
        "colour": "red",
        "weight_extra": 0.1,  # a float: refused, and the default 0 stands in the sum
        "weight_written": "0.7",  # 0.7 + 0.5 + 0: the sum's error, under weight_written
        "panel_size": 11,
        "tie_break": ["written", "written"],
        "masking": {"photo": "hide"},
        "pass_line": "120",
        "publication_days": 61,
        "announcement_days": 0,
        "opening_ratio": "0",
        "shortlist_ratio": 0,
        "other_regions": "no",
    }
    errors = errors_of(data)
    assert set(errors) == set(data)
    assert errors["weight_extra"] == "Not a valid value: 0.1."
    assert errors["weight_written"] == "The weights must add up to 1, not 1.2."


def test_a_type_error_and_a_range_error_are_reported_together() -> None:
    errors = errors_of({"weight_written": 0.6, "panel_size": 11})
    assert errors == {
        "weight_written": "Not a valid value: 0.6.",
        "panel_size": "A panel has 5 to 9 examiners.",
    }


@pytest.mark.parametrize("data", [None, [], "weights", 7])
def test_parameters_that_are_not_an_object_are_refused(data: Any) -> None:
    with pytest.raises(ValidationError, match="JSON object"):
        Parameters.from_dict(data)


# --- what is accepted ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "value"),
    [
        ({"weight_written": "0.6", "weight_interview": "0.4"}, "weight_written", D("0.6")),
        ({"weight_written": " 0.6 ", "weight_interview": "0.4"}, "weight_written", D("0.6")),
        ({"pass_line": 60}, "pass_line", D(60)),
        ({"pass_line": D("59.5")}, "pass_line", D("59.5")),
        ({"opening_ratio": "2.5"}, "opening_ratio", D("2.5")),
        ({"panel_size": "5"}, "panel_size", 5),
        ({"other_regions": True}, "other_regions", True),
    ],
)
def test_a_good_value_is_read_as_its_type(data: dict[str, Any], name: str, value: Any) -> None:
    read = getattr(Parameters.from_dict(data), name)
    assert read == value and type(read) is type(value)


@pytest.mark.parametrize(
    "data",
    [
        {"panel_size": 5, "drop_highest": 2, "drop_lowest": 2},  # one mark left: enough
        {"panel_size": 9},
        {"publication_days": 1, "announcement_days": 60},
        {"pass_line": "100"},  # the pass line may be the highest score
        {"pass_line": "0"},
        {"drop_highest": 0, "drop_lowest": 0},
        {"weight_written": "0.333", "weight_interview": "0.667"},
        {"tie_break": []},  # ties stay ties, as arithmetic.rank allows
    ],
)
def test_values_at_the_bounds_are_accepted(data: dict[str, Any]) -> None:
    Parameters.from_dict(data)


def test_a_partial_masking_keeps_the_other_columns_masked() -> None:
    masking = Parameters.from_dict({"masking": {"name": "hide"}}).masking
    assert masking["name"] == "hide" and masking["id_number"] == "id"
    assert set(masking) == set(COLUMNS)


def test_the_weights_are_exact_decimals() -> None:
    weights = Parameters.from_dict({"weight_written": "0.6", "weight_interview": "0.4"}).weights
    assert weights.written + weights.interview + weights.extra == 1
