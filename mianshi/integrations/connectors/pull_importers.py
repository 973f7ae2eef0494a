"""Pulled applications become candidates and applications in Mianshi (Moka's
`ehrApplications`, or any connector that pulls records of kind `application`).

The connector's `application` template maps the EHR's record to: `external_id` (the EHR's
application id, required), `candidate_external_id`, `name`, `phone`, `email`, `job_id`
(our job, in the connector's subtree). The EHR's ids are kept as external references under
the connector's protocol (`moka:<id>`), so a record pulled again — the next scheduled pull,
a webhook replay — finds its application and creates nothing. Each record is written
through the candidates services (audit and events included) in its own savepoint: a record
that fails their checks is refused whole and reported, the others still arrive.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.candidates import services as csvc
from mianshi.candidates.models import Application, Candidate, Source
from mianshi.common.errors import DomainError
from mianshi.common.models import ExternalRef
from mianshi.integrations.connectors.models import Connector
from mianshi.integrations.connectors.services.pulls import PullResult, register_pull_handler
from mianshi.jobs.models import Job
from mianshi.organisations.scoping import subtree_ids


class Refused(Exception):
    """A pulled record that cannot become an application (the reason is for HR)."""


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value).strip()


def _owner(model: type[Any], source: str, external_id: str, units: frozenset[int]) -> Any:
    """Our object of `model` carrying the EHR's id, within the connector's subtree."""
    ct = ContentType.objects.get_for_model(model)
    ids = ExternalRef.objects.filter(
        content_type=ct, source=source, external_id=external_id
    ).values("object_id")
    return model.objects.filter(pk__in=ids, org_unit_id__in=units).first()


def _job(record: dict[str, Any], units: frozenset[int]) -> Job:
    key = _text(record, "job_id")
    job = Job.objects.filter(pk=int(key), org_unit_id__in=units).first() if key.isdigit() else None
    if job is None:
        raise Refused(_("Unknown job, or not one of this connector's units."))
    return job


def _candidate(record: dict[str, Any], source: str, job: Job, units: frozenset[int]) -> Candidate:
    ref = _text(record, "candidate_external_id")
    found = _owner(Candidate, source, ref, units) if ref else None
    if found is not None:
        return found
    return csvc.candidate_create(
        actor=None, org_unit=job.org_unit, name=_text(record, "name"),
        phone=_text(record, "phone"), email=_text(record, "email"), source=Source.IMPORT,
        external_refs={source: ref} if ref else None,
    )  # fmt: skip


def application_import(*, connector: Connector, record: dict[str, Any]) -> Application | None:
    """The application of one mapped record, created unless its EHR id is known (None then);
    Refused when the record cannot be imported, with nothing of it saved."""
    source, external_id = connector.adapter, _text(record, "external_id")
    if not external_id:
        raise Refused(_("The record has no application id."))
    units = subtree_ids(connector.org_unit_id)
    if _owner(Application, source, external_id, units) is not None:
        return None
    job = _job(record, units)
    try:
        with transaction.atomic():
            candidate = _candidate(record, source, job, units)
            # the system (None) creates it: the service's checks treat None as trusted code
            return csvc.application_create(
                actor=None,  # type: ignore[arg-type]
                candidate=candidate, job=job, external_refs={source: external_id},
            )  # fmt: skip
    except ValidationError as exc:
        raise Refused("; ".join(exc.messages)) from exc
    except (DomainError, PermissionDenied) as exc:
        raise Refused(str(exc)) from exc


def applications_import(connector: Connector, records: list[dict[str, Any]]) -> PullResult:
    """The pull handler of `application` records: imported count and the refused ones."""
    result = PullResult(0)
    for record in records:
        try:
            result.imported += application_import(connector=connector, record=record) is not None
        except Refused as exc:
            result.refused.append(f"{_text(record, 'external_id') or '?'}: {exc}")
    return result


register_pull_handler("application", applications_import)
