"""Running one adapter call for a connector: its context in, its state (tokens) back out.

Adapters never touch the database, so the framework opens the sealed credentials and state
before the call and seals the state again after it, whether the call worked or not (a
token fetched before a refused upsert is still good for the next try). A failure the
adapter did not classify is turned into an AdapterError here, so callers handle one type.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from mianshi.integrations.connectors.models import STATE_CONTEXT, Connector, seal_json
from mianshi.integrations.connectors.protocol import Adapter, AdapterError, Context
from mianshi.integrations.connectors.validation import adapter_for

logger = logging.getLogger(__name__)
T = TypeVar("T")


def connector_context(connector: Connector) -> Context:
    """The adapter's view of `connector`: settings, open credentials and state."""
    timeout = float(getattr(settings, "CONNECTOR_TIMEOUT", 15.0))
    return Context(
        settings=dict(connector.settings),
        credentials=connector.credentials,
        state=connector.state,
        timeout=timeout,
    )


def adapter_call(connector: Connector, call: Callable[[Adapter, Context], T]) -> T:
    """`call(adapter, ctx)`, keeping the state the adapter left in ctx."""
    adapter = adapter_for(connector.adapter)
    ctx = connector_context(connector)
    before = dict(ctx.state)
    try:
        return call(adapter, ctx)
    except AdapterError:
        raise
    except requests.RequestException as exc:
        raise AdapterError(
            _("The EHR could not be reached: %(error)s") % {"error": type(exc).__name__},
            retryable=True,
            code="unreachable",
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        logger.warning("connector %s: adapter %s failed: %r", connector.pk, adapter.key, exc)
        raise AdapterError(
            _("The EHR's answer could not be read."), retryable=True, code="bad_response"
        ) from exc
    finally:
        if ctx.state != before:
            _state_save(connector, ctx.state)


def _state_save(connector: Connector, state: dict[str, object]) -> None:
    sealed = seal_json(dict(state), context=STATE_CONTEXT)
    Connector.objects.filter(pk=connector.pk).update(state_enc=sealed)
    connector.state_enc = sealed
