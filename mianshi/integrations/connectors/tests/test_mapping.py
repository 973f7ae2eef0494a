"""The mapping template engine: valid templates map records exactly; every malformed one is
reported field by field, never as an escaping exception."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from mianshi.integrations.connectors.mapping import (
    MappingError,
    mapping_apply,
    mapping_compile,
    mapping_validate,
)

RECORD: dict[str, Any] = {
    "application_id": 42,
    "stage": "hired",
    "scores": {"ai": 0.81234, "human": 4, "final": "3.456"},
    "decided_at": "2026-12-01T08:30:00+08:00",
    "dimensions": [
        {"code": "comm", "final": 0.7},
        {"code": "logic", "final": 0.9},
    ],
}

SF_LIKE = {
    "version": 1,
    "kind": "assessment",
    "maps": {"stage": {"hired": "COMPLETED", "*": "IN_PROGRESS"}},
    "fields": {
        "d.results.0.score": {"path": "$.scores.final", "transform": ["float", "round2"]},
        "d.results.0.status": {"path": "$.stage", "transform": "map:stage"},
        "vendor": {"const": {"name": "mianshi"}},
        "when": {"path": "$.decided_at", "transform": "datetime"},
        "day": {"path": "$.decided_at", "transform": "date"},
        "odata": {"path": "$.decided_at", "transform": "odata_date"},
        "missing": {"path": "$.nope", "default": "n/a"},
        "nulled": {"path": "$.nope"},
        "finals": {"path": "$.dimensions[*].final"},
        "details": {
            "each": "$.dimensions[*]",
            "fields": {
                "code": {"path": "$.code", "transform": "upper"},
                "pct": {"path": "$.final", "transform": "percent"},
                "app": {"path": "$root.application_id", "transform": "str"},
            },
        },
    },
}


def _fields(problems: list[Any]) -> list[str]:
    return [p.field for p in problems]


def test_a_template_maps_a_record_exactly() -> None:
    assert mapping_validate(SF_LIKE) == []
    out = mapping_apply(SF_LIKE, RECORD)
    assert out == {
        "d": {"results": [{"score": 3.46, "status": "COMPLETED"}]},
        "vendor": {"name": "mianshi"},
        "when": "2026-12-01T00:30:00Z",
        "day": "2026-12-01",
        "odata": "/Date(1796085000000)/",
        "missing": "n/a",
        "nulled": None,
        "finals": [0.7, 0.9],
        "details": [
            {"code": "COMM", "pct": 70.0, "app": "42"},
            {"code": "LOGIC", "pct": 90.0, "app": "42"},
        ],
    }
    assert list(out) == [
        "d",
        "vendor",
        "when",
        "day",
        "odata",
        "missing",
        "nulled",
        "finals",
        "details",
    ]


def test_json_text_and_a_compiled_template_give_the_same_payload() -> None:
    compiled = mapping_compile(json.dumps(SF_LIKE), kind="assessment")
    assert mapping_apply(compiled, RECORD) == mapping_apply(json.dumps(SF_LIKE), RECORD)


def test_the_record_is_not_changed_and_constants_are_not_shared() -> None:
    before = json.dumps(RECORD, sort_keys=True)
    first = mapping_apply(SF_LIKE, RECORD)
    first["vendor"]["name"] = "changed"
    assert mapping_apply(SF_LIKE, RECORD)["vendor"] == {"name": "mianshi"}
    assert json.dumps(RECORD, sort_keys=True) == before


def test_an_unmapped_value_without_fallback_is_a_field_error() -> None:
    template = {
        "version": 1,
        "kind": "application",
        "maps": {"st": {"hired": "H"}},
        "fields": {"status": {"path": "$.stage", "transform": "map:st"}},
    }
    with pytest.raises(MappingError) as caught:
        mapping_apply(template, {"stage": "rejected"})
    assert _fields(caught.value.problems) == ["status"]


@pytest.mark.parametrize(
    ("spec", "value"),
    [
        ({"path": "$.v", "transform": "int"}, "abc"),
        ({"path": "$.v", "transform": "int"}, 2.5),
        ({"path": "$.v", "transform": "float"}, True),
        ({"path": "$.v", "transform": "date"}, "yesterday"),
        ({"path": "$.v", "transform": "upper"}, 5),
        ({"path": "$.v", "required": True}, None),
    ],
)
def test_a_value_the_transform_cannot_convert_names_its_field(spec: dict, value: Any) -> None:
    template = {"version": 1, "kind": "candidate", "fields": {"out.x": spec}}
    with pytest.raises(MappingError) as caught:
        mapping_apply(template, {"v": value})
    assert _fields(caught.value.problems) == ["out.x"]


def test_errors_inside_a_list_name_the_item() -> None:
    template = {
        "version": 1,
        "kind": "assessment",
        "fields": {
            "rows": {"each": "$.d[*]", "fields": {"n": {"path": "$.n", "transform": "int"}}}
        },
    }
    with pytest.raises(MappingError) as caught:
        mapping_apply(template, {"d": [{"n": 1}, {"n": "x"}]})
    assert _fields(caught.value.problems) == ["rows[1].n"]


MALFORMED: list[tuple[Any, list[str]]] = [
    ("{not json", [""]),
    (b"\xff\xfe", [""]),
    ("[1, 2]", [""]),
    ({"version": 2, "kind": "assessment", "fields": {"a": {"const": 1}}}, ["version"]),
    ({"version": True, "kind": "assessment", "fields": {"a": {"const": 1}}}, ["version"]),
    ({"version": 1, "kind": "pizza", "fields": {"a": {"const": 1}}}, ["kind"]),
    ({"version": 1, "kind": "assessment", "fields": {}}, ["fields"]),
    ({"version": 1, "kind": "assessment", "fields": []}, ["fields"]),
    ({"version": 1, "kind": "assessment", "fields": {"a": {"path": "scores"}}}, ["a"]),
    ({"version": 1, "kind": "assessment", "fields": {"a": {"path": "$.[["}}}, ["a"]),
    ({"version": 1, "kind": "assessment", "fields": {"a": {"path": 5}}}, ["a"]),
    (
        {"version": 1, "kind": "assessment", "fields": {"a": {"path": "$.x", "transform": "zap"}}},
        ["a"],
    ),
    (
        {
            "version": 1,
            "kind": "assessment",
            "fields": {"a": {"path": "$.x", "transform": "map:no"}},
        },
        ["a"],
    ),
    ({"version": 1, "kind": "assessment", "fields": {"a": {"path": "$.x", "transform": 3}}}, ["a"]),
    ({"version": 1, "kind": "assessment", "fields": {"a": {"path": "$.x", "oops": 1}}}, ["a"]),
    ({"version": 1, "kind": "assessment", "fields": {"a": {"path": "$.x", "const": 1}}}, ["a"]),
    ({"version": 1, "kind": "assessment", "fields": {"a": 7}}, ["a"]),
    ({"version": 1, "kind": "assessment", "fields": {"a..b": {"const": 1}}}, ["a..b"]),
    ({"version": 1, "kind": "assessment", "fields": {"0.a": {"const": 1}}}, ["0.a"]),
    (
        {"version": 1, "kind": "assessment", "fields": {"a": {"const": 1}, "a.b": {"const": 2}}},
        ["a.b"],
    ),
    (
        {"version": 1, "kind": "assessment", "fields": {"a.0": {"const": 1}, "a.b": {"const": 2}}},
        ["a.b"],
    ),
    ({"version": 1, "kind": "assessment", "fields": {"a": {"each": "$.x[*]"}}}, ["a[]"]),
    (
        {
            "version": 1,
            "kind": "assessment",
            "fields": {"a": {"each": "$.x[*]", "fields": {"b": {"path": "x"}}}},
        },
        ["a[].b"],
    ),
    ({"version": 1, "kind": "assessment", "maps": [1], "fields": {"a": {"const": 1}}}, ["maps"]),
    ({"version": 1, "kind": "assessment", "extra": 1, "fields": {"a": {"const": 1}}}, ["extra"]),
]


@pytest.mark.parametrize(("template", "fields"), MALFORMED)
def test_a_malformed_template_is_reported_by_field(template: Any, fields: list[str]) -> None:
    problems = mapping_validate(template)
    assert _fields(problems) == fields
    assert all(p.message for p in problems)
    with pytest.raises(MappingError):
        mapping_apply(template, RECORD)


def test_every_problem_is_reported_at_once() -> None:
    template = {
        "version": 9,
        "kind": "?",
        "fields": {"a": {"path": "x"}, "b": {"const": 1, "path": "$"}},
    }
    assert _fields(mapping_validate(template)) == ["version", "kind", "a", "b"]


def test_a_template_of_another_kind_is_refused_where_a_kind_is_required() -> None:
    assert _fields(mapping_validate(SF_LIKE, kind="employee")) == ["kind"]


def test_problems_are_translated() -> None:
    with translation.override("zh-hans"):
        zh = mapping_validate({"version": 2, "kind": "assessment", "fields": {"a": {"const": 1}}})
    with translation.override("en"):
        en = mapping_validate({"version": 2, "kind": "assessment", "fields": {"a": {"const": 1}}})
    assert zh[0].field == en[0].field == "version"
    assert isinstance(zh[0].message, str) and zh[0].message


def test_a_huge_template_is_refused_without_parsing() -> None:
    assert _fields(mapping_validate("{" + " " * 70_000 + "}")) == [""]


def test_too_many_fields_are_refused() -> None:
    fields = {f"f{i}": {"const": i} for i in range(501)}
    assert "fields" in _fields(
        mapping_validate({"version": 1, "kind": "candidate", "fields": fields})
    )


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=4),
        max_leaves=20,
    )
)
def test_no_input_makes_validation_raise(template: Any) -> None:
    for candidate in (template, {"version": 1, "kind": "candidate", "fields": template}):
        assert isinstance(mapping_validate(candidate), list)
        assert isinstance(mapping_validate(json.dumps(candidate)), list)
