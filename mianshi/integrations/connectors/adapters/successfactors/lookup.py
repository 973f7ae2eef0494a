"""Finding SuccessFactors' own ids for our records: the Candidate by a field the template
names (primaryEmail by default), then the candidate's JobApplication. Shared by the
assessment and the hire push; every value goes into `$filter` as a quoted literal."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mianshi.integrations.connectors.adapters.successfactors import client
from mianshi.integrations.connectors.protocol import AdapterError, Context


def quote(value: Any) -> str:
    """An OData v2 string literal: single quotes, an inner quote doubled."""
    return "'" + str(value).replace("'", "''") + "'"


def need(payload: dict[str, Any], key: str) -> dict[str, Any]:
    """The payload's object `key`; a refused payload (the template's fault) without it."""
    part = payload.get(key)
    if not isinstance(part, dict):
        msg = _("The mapped payload has no “%(key)s” object (check the mapping template).")
        raise AdapterError(msg % {"key": key}, retryable=False, code="payload")
    return part


def candidate_id(ctx: Context, lookup: dict[str, Any]) -> Any:
    """SF's candidateId of the candidate whose `lookup.field` is `lookup.value`."""
    field, value = str(lookup.get("field") or "primaryEmail"), lookup.get("value")
    if not value or not field.isidentifier():
        raise AdapterError(
            _("The payload does not say how to find the candidate."),
            retryable=False,
            code="payload",
        )
    params = {"$filter": f"{field} eq {quote(value)}", "$select": "candidateId", "$format": "json"}
    rows = client.results_all(ctx, client.entity_url(ctx, "Candidate"), params)
    if not rows:
        msg = _("SuccessFactors has no candidate with that %(field)s.")
        raise AdapterError(msg % {"field": field}, retryable=False, code="candidate_not_found")
    return rows[0]["candidateId"]


def application_id(ctx: Context, candidate: Any, job_req: Any = None) -> int:
    """The candidate's latest JobApplication (on requisition `job_req` when given)."""
    where = f"candidateId eq {int(candidate)}"
    if job_req not in (None, ""):
        where += f" and jobReqId eq {int(job_req)}"
    params = {"$filter": where, "$select": "applicationId", "$format": "json"}
    rows = client.results_all(ctx, client.entity_url(ctx, "JobApplication"), params)
    if not rows:
        msg = _("The candidate has no job application in SuccessFactors.")
        raise AdapterError(msg, retryable=False, code="application_not_found")
    return max(int(r["applicationId"]) for r in rows)
