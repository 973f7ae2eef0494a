"""Scheduled pulls: a connector with `schedule_minutes` fetches its `pull_kind` records from
the EHR page by page, maps each through its template and hands them to the importer that
the app owning that kind registered (`register_pull_handler`).

Claimed like everything else (ARCHITECTURE rule 4): the beat task moves `last_pulled_at`
forward with a conditional UPDATE, so two beats or workers never pull the same connector at
once. The EHR's cursor is kept in the connector's sealed state after each page a handler
accepted, so a crash resumes from the last good page instead of importing twice; a pull
that reached the last page starts over next time (importers match records on their
external refs); how the last pull went (time, records, error) is kept there too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.integrations.connectors.mapping import MappingError, mapping_apply, mapping_compile
from mianshi.integrations.connectors.models import STATE_CONTEXT, Connector, seal_json
from mianshi.integrations.connectors.protocol import AdapterError, Page
from mianshi.integrations.connectors.services.context import adapter_call
from mianshi.integrations.connectors.services.syncs import template_current

logger = logging.getLogger(__name__)
MAX_PAGES = 50


@dataclass
class PullResult:
    """What an importer made of a page: how many it imported, and the records it refused
    (each "ref: why"), which the health page shows instead of stopping the pull on them."""

    imported: int
    refused: list[str] = field(default_factory=list)


PullHandler = Callable[[Connector, list[dict[str, Any]]], "int | PullResult"]
_HANDLERS: dict[str, PullHandler] = {}


def register_pull_handler(kind: str, handler: PullHandler) -> None:
    """`handler(connector, mapped_records) -> imported` takes pulled records of `kind`."""
    _HANDLERS[kind] = handler


def pulls_due() -> list[int]:
    """Claim every enabled connector whose schedule has come round; their ids."""
    now = timezone.now()
    due = Connector.objects.filter(enabled=True, schedule_minutes__isnull=False).exclude(
        pull_kind=""
    )
    claimed = []
    for connector in due.only("pk", "last_pulled_at", "schedule_minutes"):
        last = connector.last_pulled_at
        if last is not None and last + timedelta(minutes=connector.schedule_minutes or 0) > now:
            continue
        same = Q(last_pulled_at=last) if last is not None else Q(last_pulled_at__isnull=True)
        if Connector.objects.filter(same, pk=connector.pk).update(last_pulled_at=now) == 1:
            claimed.append(connector.pk)
    return claimed


def _mapped(connector: Connector, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    template = template_current(connector.pk, connector.pull_kind)
    if template is None:
        return records  # no template: the importer gets the EHR's own records
    compiled = mapping_compile(template.body, kind=connector.pull_kind)
    return [mapping_apply(compiled, r) for r in records]


def connector_pull(*, connector_id: int, max_pages: int = MAX_PAGES) -> dict[str, Any]:
    """Pull up to `max_pages` pages from where the last pull stopped: what happened."""
    connector = Connector.objects.get(pk=connector_id)
    handler = _HANDLERS.get(connector.pull_kind)
    outcome: dict[str, Any] = {"at": timezone.now().isoformat(), "records": 0, "error": ""}
    refused: list[str] = []
    try:
        if handler is None:
            raise AdapterError(
                _("Nothing here can import these records."), retryable=False, code="no_importer"
            )
        for _page in range(max_pages):
            page = _page_fetch(connector)
            got = handler(connector, _mapped(connector, page.records))
            got = got if isinstance(got, PullResult) else PullResult(got)
            outcome["records"] += got.imported
            refused += got.refused
            _cursor_save(connector, page.next_cursor)
            if not page.next_cursor:
                break
    except (AdapterError, MappingError) as exc:
        outcome["error"] = getattr(exc, "message", str(exc))[:500]
        logger.warning("connector %s: pull stopped (%s)", connector.pk, type(exc).__name__)
    if refused and not outcome["error"]:
        outcome["error"] = _refused_message(refused)
    _state_update(connector, {"last_pull": outcome})
    return outcome


def _refused_message(refused: list[str]) -> str:
    head = _("%(n)s records were refused:") % {"n": len(refused)}
    return f"{head} {'; '.join(refused[:5])}"[:500]


def _page_fetch(connector: Connector) -> Page:
    cursor = str(connector.state.get("pull_cursor", ""))
    return adapter_call(
        connector, lambda adapter, ctx: adapter.pull(ctx, connector.pull_kind, cursor)
    )


def _cursor_save(connector: Connector, cursor: str) -> None:
    _state_update(connector, {"pull_cursor": cursor})


def _state_update(connector: Connector, values: dict[str, Any]) -> None:
    connector.refresh_from_db(fields=["state_enc"])  # the adapter may have stored a token
    state = {**connector.state, **values}
    connector.state_enc = seal_json(state, context=STATE_CONTEXT)
    Connector.objects.filter(pk=connector.pk).update(state_enc=connector.state_enc)
