"""The template editor's preview: a real record of the unit, mapped, identifiers masked.

A person tuning a template must see what the EHR would get from a real record, but the
editor is a configuration screen, not a candidate page: every identifier the record holds
(name, e-mail, phone) is masked wherever it appears in the payload, and the read is
audited. The record must be one the person may see and lie in the connector's subtree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.selectors import mask
from mianshi.compliance.services import audit_read
from mianshi.integrations.connectors.mapping import (
    MappingError,
    MappingProblem,
    mapping_apply,
    mapping_compile,
)
from mianshi.integrations.connectors.models import Connector
from mianshi.integrations.connectors.records import (
    RecordMissing,
    identifier_values,
    record_build,
    record_unit,
)
from mianshi.integrations.connectors.services.syncs import template_current
from mianshi.organisations.scoping import subtree_ids, units_for


@dataclass
class Preview:
    """The masked payload, or the problems that stopped it."""

    payload: dict[str, Any] | None
    problems: list[MappingProblem] = field(default_factory=list)


def mask_name(value: str) -> str:
    """李** / J***: the first character stays, so a person can tell records apart."""
    return value[:1] + "*" * max(len(value) - 1, 1)


def mask_payload(value: Any, identifiers: dict[str, str]) -> Any:
    """`value` with each identifier masked wherever it appears (whole or inside a text)."""
    if isinstance(value, dict):
        return {k: mask_payload(v, identifiers) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_payload(v, identifiers) for v in value]
    if isinstance(value, str):
        for kind, plain in identifiers.items():
            if plain and plain in value:
                value = value.replace(
                    plain, mask_name(plain) if kind == "name" else mask(plain, kind)
                )
    return value


def _record(user: Actor, connector: Connector, kind: str, object_id: int) -> dict[str, Any]:
    try:
        record = record_build(kind=kind, object_id=object_id)
    except RecordMissing:
        raise Http404 from None
    unit = record_unit(record)
    if unit not in units_for(user, Cap.CANDIDATES_VIEW) or unit not in subtree_ids(
        connector.org_unit_id
    ):
        raise Http404
    return record


def preview_build(
    *, user: Actor, connector: Connector, kind: str, object_id: int, body: Any = None
) -> Preview:
    """Map record `object_id` of `kind` with `body` (default: the template in force)."""
    if body is None:
        current = template_current(connector.pk, kind)
        body = current.body if current else None
    record = _record(user, connector, kind, object_id)
    audit_read(
        actor=user, action="connector.preview", object_type=f"record.{kind}", object_id=object_id,
        org_unit_id=record_unit(record), detail={"connector": connector.pk},
    )  # fmt: skip
    try:
        payload = mapping_apply(mapping_compile(body, kind=kind), record)
    except MappingError as exc:
        return Preview(None, exc.problems)
    return Preview(mask_payload(payload, identifier_values(record)))
