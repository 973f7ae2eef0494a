"""The event types in the OpenAPI document: the document is the integration contract
(ARCHITECTURE, stack), and a receiver generates its types from it, so each public event's
envelope is one of its `components.schemas` (Event_candidate_created, …).

config/api.py calls `add_event_schemas` on the schema Ninja builds.
"""

from __future__ import annotations

from typing import Any, TypeVar

from mianshi.events.publishing import public_types

Document = TypeVar("Document", bound=dict[str, Any])  # Ninja's OpenAPISchema is a dict


def add_event_schemas(schema: Document) -> Document:
    """Put each public type's envelope schema, meaning and example into `schema`."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    for event_type in public_types():
        schemas[event_type.component] = {
            **event_type.envelope_schema,
            "description": event_type.description,
            "examples": [event_type.example],
        }
    return schema
