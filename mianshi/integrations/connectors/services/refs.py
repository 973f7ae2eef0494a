"""Keeping the EHR's id of a pushed record on our object (the generic external references).

The source is the connector's protocol key (`successfactors`, `moka`…), so a later push of
the same object finds the EHR record it already made. The external-refs store lives in
common; until it offers a writer, the id stays on the Sync row alone.
"""

from __future__ import annotations

import importlib
import logging

from mianshi.integrations.connectors.models import Sync

logger = logging.getLogger(__name__)
# Which of our models a kind of record belongs to.
KIND_MODELS = {
    "assessment": "candidates.application",
    "application": "candidates.application",
    "candidate": "candidates.candidate",
    "employee": "employees.employee",
}


def external_ref_remember(*, sync: Sync, external_id: str) -> None:
    """Record `external_id` as the connector's id of the synced object, when supported."""
    try:
        module = importlib.import_module("mianshi.common.external_refs")
    except ImportError:
        return
    writer = getattr(module, "external_ref_set", None)
    label = KIND_MODELS.get(sync.kind)
    if not callable(writer) or label is None:
        return
    writer(
        model=label,
        object_id=sync.object_id,
        source=sync.connector.adapter,
        external_id=external_id,
    )
