"""Keeping the EHR's id of a pushed record on our object (the generic external references).

The source is the connector's protocol key (`successfactors`, `moka`…), so the record shows
which EHR record it became, and a later import from that EHR finds it. The id is also on
the Sync row, which stays the record of truth: when the object already carries another
object's id from that source (a clash only a person can untangle) the push still counts
and the clash is logged, instead of undoing a delivery the EHR has already accepted.
"""

from __future__ import annotations

import importlib
import logging

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from mianshi.common.errors import DomainError
from mianshi.integrations.connectors.models import Sync

logger = logging.getLogger(__name__)
# Which of our models a kind of record belongs to.
KIND_MODELS = {
    "assessment": "candidates.Application",
    "application": "candidates.Application",
    "candidate": "candidates.Candidate",
    "employee": "employees.Employee",
    "hire": "candidates.Application",
}


def external_ref_remember(*, sync: Sync, external_id: str) -> None:
    """Record `external_id` as the connector's id of the synced object, when supported."""
    try:
        module = importlib.import_module("mianshi.common.external_refs")
        model = apps.get_model(KIND_MODELS[sync.kind])
    except (ImportError, LookupError, KeyError):
        return
    obj = model._default_manager.filter(pk=sync.object_id).first()
    if obj is None:
        return
    source = sync.connector.adapter
    if module.external_refs_of(obj).get(source) == external_id:
        return  # a re-push of the same record: nothing to write
    try:
        with transaction.atomic():
            module.external_refs_set(obj=obj, refs={source: external_id})
    except (DomainError, ValidationError) as exc:  # Conflict / ValidationError: keep the delivery
        logger.warning("sync %s: external ref not kept: %s", sync.pk, type(exc).__name__)
