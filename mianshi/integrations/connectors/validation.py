"""Checking a connector's configuration before anything is saved: every problem at once,
by field, translated (the UI shows them beside the fields, the API answers 422).

Settings and credentials are the adapter's declared fields only (an unknown key is dropped,
not stored: it could be a secret typed into the wrong box). Triggers name public event
types and kinds of record the adapter can push.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mianshi.candidates.pipeline import Stage
from mianshi.events.catalogue import PUBLIC_TYPES
from mianshi.integrations.connectors import adapters as _adapters  # noqa: F401 (registers them)
from mianshi.integrations.connectors.protocol import Adapter, adapter_get

MAX_TRIGGERS = 20
STAGED_EVENTS = ("application.stage_changed", "decision.made")


def adapter_for(key: str) -> Adapter:
    """The installed adapter `key`, or a ValidationError on the `adapter` field."""
    try:
        return adapter_get(key)
    except KeyError:
        raise ValidationError({"adapter": [_("No such protocol is installed.")]}) from None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def clean_settings(adapter: Adapter, raw: Any, errors: dict[str, list[str]]) -> dict[str, str]:
    """The adapter's settings from `raw`; a required one missing is an error."""
    given = raw if isinstance(raw, dict) else {}
    out = {f.name: _text(given.get(f.name)) for f in adapter.settings_fields}
    for f in adapter.settings_fields:
        if f.required and not out[f.name]:
            errors.setdefault(f"settings.{f.name}", []).append(_("This setting is required."))
    return out


def clean_credentials(
    adapter: Adapter, raw: Any, old: dict[str, str], errors: dict[str, list[str]]
) -> dict[str, str]:
    """Credentials are write-only: a field left empty keeps what was stored before."""
    given = raw if isinstance(raw, dict) else {}
    out = {}
    for f in adapter.credential_fields:
        value = (
            _text(given.get(f.name)) if f.name != "private_key" else str(given.get(f.name) or "")
        )
        out[f.name] = value or old.get(f.name, "")
        if f.required and not out[f.name]:
            errors.setdefault(f"credentials.{f.name}", []).append(_("This credential is required."))
    return out


def clean_triggers(
    adapter: Adapter, raw: Any, errors: dict[str, list[str]]
) -> list[dict[str, str]]:
    """[{"event", "kind", "to_stage"}] with every part checked."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_TRIGGERS:
        errors.setdefault("triggers", []).append(_("Triggers must be a list (at most 20)."))
        return []
    return [t for i, item in enumerate(raw) if (t := _trigger(adapter, item, i, errors))]


def _trigger(
    adapter: Adapter, item: Any, index: int, errors: dict[str, list[str]]
) -> dict[str, str] | None:
    where = f"triggers.{index}"
    item = item if isinstance(item, dict) else {}
    event, kind, stage = (
        _text(item.get("event")),
        _text(item.get("kind")),
        _text(item.get("to_stage")),
    )
    problems = []
    if event not in PUBLIC_TYPES:
        problems.append(_("Unknown event type “%(event)s”.") % {"event": event})
    if kind not in adapter.push_kinds:
        problems.append(_("This protocol cannot send “%(kind)s” records.") % {"kind": kind})
    if stage and (stage not in Stage.values or event not in STAGED_EVENTS):
        problems.append(_("“%(stage)s” is not a stage this event can name.") % {"stage": stage})
    if problems:
        errors.setdefault(where, []).extend(problems)
        return None
    return {"event": event, "kind": kind, "to_stage": stage}


def clean_schedule(
    adapter: Adapter, minutes: Any, kind: str, errors: dict[str, list[str]]
) -> int | None:
    """Pulls run every `minutes` (5 to a week) for a kind the adapter can pull."""
    if minutes in (None, "", 0):
        return None
    try:
        value = int(minutes)
    except (TypeError, ValueError):
        value = -1
    if not 5 <= value <= 7 * 24 * 60:
        errors.setdefault("schedule_minutes", []).append(_("Pull every 5 minutes to 7 days."))
    if kind not in adapter.pull_kinds:
        errors.setdefault("pull_kind", []).append(
            _("This protocol cannot pull that kind of record.")
        )
    return value


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)
