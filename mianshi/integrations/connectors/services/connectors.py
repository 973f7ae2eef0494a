"""Configuring connectors: create, change, new mapping-template versions, test connection.

Everything is checked before anything is written (a refused form leaves no half-made
connector); credentials are sealed and never read back out; each write is audited with ids
and the names of the fields that changed, never their values.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.common.errors import Conflict
from mianshi.compliance.services import audit_record
from mianshi.integrations.connectors import validation as v
from mianshi.integrations.connectors.mapping import MappingError, mapping_compile
from mianshi.integrations.connectors.models import (
    CREDENTIALS_CONTEXT,
    Connector,
    MappingTemplate,
    seal_json,
)
from mianshi.integrations.connectors.protocol import AdapterError
from mianshi.integrations.connectors.services.context import adapter_call
from mianshi.organisations.scoping import require_cap

EDITABLE = (
    "name",
    "settings",
    "credentials",
    "triggers",
    "enabled",
    "schedule_minutes",
    "pull_kind",
)


def _clean(connector: Connector, data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    adapter = v.adapter_for(connector.adapter)
    name = str(data.get("name", connector.name) or "").strip()
    if not name or len(name) > 120:
        errors["name"] = [_("Give the connector a name (at most 120 characters).")]
    old = {} if creating else connector.credentials
    kind = str(data.get("pull_kind", connector.pull_kind) or "")
    clean = {
        "name": name,
        "settings": v.clean_settings(adapter, data.get("settings", connector.settings), errors),
        "credentials": v.clean_credentials(adapter, data.get("credentials", {}), old, errors),
        "triggers": v.clean_triggers(adapter, data.get("triggers", connector.triggers), errors),
        "enabled": bool(data.get("enabled", connector.enabled)),
        "schedule_minutes": v.clean_schedule(
            adapter, data.get("schedule_minutes", connector.schedule_minutes), kind, errors
        ),
        "pull_kind": kind,
    }
    v.raise_if(errors)
    return clean


def _apply(connector: Connector, clean: dict[str, Any]) -> None:
    for field in ("name", "settings", "triggers", "enabled", "schedule_minutes", "pull_kind"):
        setattr(connector, field, clean[field])
    connector.credentials_enc = seal_json(clean["credentials"], context=CREDENTIALS_CONTEXT)


def connector_create(
    *, actor: Actor, org_unit_id: int, adapter: str, data: dict[str, Any]
) -> Connector:
    """A new connector of `org_unit_id` speaking `adapter`, configured from `data`."""
    require_cap(actor, Cap.INTEGRATIONS_MANAGE, org_unit_id)
    connector = Connector(org_unit_id=org_unit_id, adapter=adapter, created_by=actor)
    _apply(connector, _clean(connector, data, creating=True))
    with transaction.atomic():
        connector.save()
        audit_record(
            actor=actor, action="connector.create", obj=connector, detail={"adapter": adapter}
        )
    return connector


def _changed(connector: Connector, clean: dict[str, Any]) -> list[str]:
    old = {f: getattr(connector, f) for f in EDITABLE if f != "credentials"}
    old["credentials"] = connector.credentials
    return sorted(f for f in EDITABLE if clean[f] != old[f])


def connector_update(*, actor: Actor, connector: Connector, data: dict[str, Any]) -> Connector:
    """Change what `data` names; credentials left empty keep their stored value."""
    require_cap(actor, Cap.INTEGRATIONS_MANAGE, connector.org_unit_id)
    clean = _clean(connector, data, creating=False)
    changed = _changed(connector, clean)
    with transaction.atomic():
        _apply(connector, clean)
        if "credentials" in changed:
            connector.state_enc = ""  # tokens of the old credentials must not outlive them
        connector.save()
        audit_record(actor=actor, action="connector.update", obj=connector, changed_fields=changed)
    return connector


def connector_delete(*, actor: Actor, connector: Connector) -> None:
    """Remove the connector with its templates and sync history."""
    require_cap(actor, Cap.INTEGRATIONS_MANAGE, connector.org_unit_id)
    with transaction.atomic():
        audit_record(actor=actor, action="connector.delete", obj=connector)
        connector.delete()


def template_create(
    *, actor: Actor, connector: Connector, kind: str, body: Any, note: str = ""
) -> MappingTemplate:
    """The next version of the connector's template for `kind` (checked, else 422)."""
    require_cap(actor, Cap.INTEGRATIONS_MANAGE, connector.org_unit_id)
    adapter = v.adapter_for(connector.adapter)
    if kind not in adapter.push_kinds | adapter.pull_kinds:
        raise ValidationError({"kind": [_("This protocol has no records of that kind.")]})
    try:
        compiled = mapping_compile(body, kind=kind)
    except MappingError as exc:
        raise ValidationError({"body": [str(p) for p in exc.problems]}) from None
    stored = body if isinstance(body, dict) else _as_dict(body)
    return _template_save(actor, connector, compiled.kind, stored, note[:200])


def _as_dict(body: Any) -> dict[str, Any]:
    import json

    text = body.decode("utf-8") if isinstance(body, bytes | bytearray) else str(body)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _template_save(
    actor: Actor, connector: Connector, kind: str, body: dict[str, Any], note: str
) -> MappingTemplate:
    try:
        with transaction.atomic():
            top = connector.templates.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0
            template = MappingTemplate.objects.create(
                connector=connector,
                kind=kind,
                version=top + 1,
                body=body,
                note=note,
                created_by=actor,
            )
            audit_record(
                actor=actor, action="connector.template_create", obj=connector,
                detail={"kind": kind, "version": template.version},
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(
            _("Someone saved another version at the same moment; reload and retry.")
        ) from None
    return template


def connector_test(*, actor: Actor, connector: Connector) -> tuple[bool, str]:
    """Run the adapter's real handshake: (worked, what the EHR said)."""
    require_cap(actor, Cap.INTEGRATIONS_MANAGE, connector.org_unit_id)
    try:
        adapter_call(connector, lambda adapter, ctx: adapter.check(ctx))
        ok, message = True, _("Connected: the EHR accepted the credentials.")
    except AdapterError as exc:
        ok, message = False, exc.message
    audit_record(actor=actor, action="connector.test", obj=connector, detail={"ok": ok})
    return ok, message
