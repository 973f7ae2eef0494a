"""The built-in file layouts: one column per service argument, named like the argument.

A file exported with the default template imports back with the default template (the
export's extra columns, such as ids and dates, are simply not read). A customer whose files
name columns otherwise (姓名, 手机号…) writes a template of their own: the same JSON the
network connectors use, `{"name": {"path": "$['姓名']"}}`.
"""

from __future__ import annotations

from typing import Any

from mianshi.integrations.connectors.files.kinds import KINDS

# Values HR types for gender, in both languages; anything else is reported, not guessed.
GENDER_MAP = {
    "男": "male",
    "女": "female",
    "male": "male",
    "female": "female",
    "M": "male",
    "F": "female",
}


def import_template(kind: str) -> dict[str, Any]:
    """Each argument of `kind` read from the column of the same name."""
    fields: dict[str, Any] = {}
    for target, required in KINDS[kind].targets.items():
        spec: dict[str, Any] = {"path": f"$.{target}"}
        if required:
            spec["required"] = True
        if target == "gender":
            spec["transform"] = "map:gender"
        fields[target] = spec
    template: dict[str, Any] = {"version": 1, "kind": kind, "fields": fields}
    if "gender" in fields:
        template["maps"] = {"gender": GENDER_MAP}
    return template


def export_template(kind: str) -> dict[str, Any]:
    """Each column of the kind's export record under its own name."""
    fields = {column: {"path": f"$.{column}"} for column in KINDS[kind].export_columns}
    return {"version": 1, "kind": kind, "fields": fields}
