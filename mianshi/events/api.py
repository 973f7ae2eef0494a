"""The event catalogue in the API: every type and its JSON Schema (no key needed, no data)."""

from ninja import Router

router = Router(tags=["events"])
