"""The published contract: every public event type with its meaning, JSON Schema and an
example envelope, as the API, the OpenAPI document and the catalogue page show it.

One home for all three, so a receiver reads the same shape wherever it looks. The example
is built from the payload's own fields (realistic values by field name), so it can never
drift from the schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mianshi.events.catalogue import EVENT_TYPES, PUBLIC_TYPES, EventData, EventType

EXAMPLE_TIME = "2026-03-02T09:30:00Z"
# Values a reader recognises, by field name; other fields get one by their type.
NAMED_EXAMPLES: dict[str, Any] = {
    "stage": "applied",
    "from_stage": "screening",
    "to_stage": "invited",
    "kind": "first",
    "channel": "email",
    "status": "done",
    "reason": "gave_up",
    "period": "2026-H1",
    "note": "",
    "recording_id": "5f0c2a7e-3d1b-4c8e-9a6f-1b2c3d4e5f60",
    "changed_fields": ["phone", "tags"],
}
TYPED_EXAMPLES: dict[str, Any] = {"integer": 1024, "number": 7.5, "string": "", "array": []}


@dataclass(frozen=True)
class PublishedType:
    """One public event type as receivers read it."""

    name: str
    description: str
    envelope_schema: dict[str, Any]
    example: dict[str, Any]

    @property
    def component(self) -> str:
        """Its name among the OpenAPI document's schemas (Event_candidate_created)."""
        return component_name(self.name)

    @property
    def example_json(self) -> str:
        return json.dumps(self.example, ensure_ascii=False, indent=2)

    @property
    def schema_json(self) -> str:
        return json.dumps(self.envelope_schema, ensure_ascii=False, indent=2)


def component_name(type_name: str) -> str:
    return "Event_" + type_name.replace(".", "_")


def _value(field: str, spec: dict[str, Any]) -> Any:
    if field in NAMED_EXAMPLES:
        return NAMED_EXAMPLES[field]
    kinds = [spec.get("type")] + [option.get("type") for option in spec.get("anyOf", [])]
    kind = next((k for k in kinds if k and k != "null"), "string")
    return TYPED_EXAMPLES[kind]


def example_data(data: type[EventData]) -> dict[str, Any]:
    """A valid payload of `data` (checked against the model before it is shown)."""
    fields = data.model_json_schema()["properties"]
    example = {name: _value(name, spec) for name, spec in fields.items()}
    return data.model_validate(example).model_dump(mode="json")


def published(event_type: EventType) -> PublishedType:
    envelope = {"type": event_type.name, "timestamp": EXAMPLE_TIME}
    return PublishedType(
        name=event_type.name,
        description=str(event_type.description),
        envelope_schema=event_type.json_schema(),
        example={**envelope, "data": example_data(event_type.data)},
    )


def public_types() -> list[PublishedType]:
    """Every public type, in the catalogue's order (descriptions in the active language)."""
    return [published(EVENT_TYPES[name]) for name in PUBLIC_TYPES]
