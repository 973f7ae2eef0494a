"""The hire in SuccessFactors Recruiting: the candidate's JobApplication moved to the
customer's "Hired" status (or "Ready to Hire", where that status starts Onboarding) by an
OData v2 upsert, with the offer's terms in the application's own fields.

What SAP documents (KBAs 2868570 and 2883239): an application is moved along the pipeline
by `POST /odata/v2/upsert` of `{"__metadata": {"uri": "JobApplication(<id>L)"},
"appStatusSetItemId": "<id>"}`, where the id is an item of the status set linked to the
requisition's template (each customer's own numbers, so a setting here); system statuses
(Forwarded, Auto Disqualified…) are refused per row with "You are not allowed to change the
candidate application status" (KBA 3151226); the internal `status` field is not updatable
(KBA 2541688); any other field may be set when the data dictionary marks it upsertable
(KBA 2882860), e.g. the start date field Onboarding reads (KBA 2692076).

Payload the `hire` template must produce (see HIRE_TEMPLATE):

    {"candidate": {"field": "primaryEmail", "value": "…"},   # how SF finds its Candidate
     "jobReqId": 1234,                                       # optional: narrows the lookup
     "application": {"applicationId": …,                     # optional: else looked up
                     "appStatusSetItemId": "…",              # optional: else the setting
                     <other upsertable JobApplication fields>}}

A field the template leaves empty (None) is not sent: an explicit null would clear the
value SuccessFactors holds. The upsert sets the same values again when repeated, so a push
retried after a lost answer changes nothing more. The external id kept is the applicationId.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from mianshi.integrations.connectors.adapters.successfactors import client, lookup
from mianshi.integrations.connectors.protocol import AdapterError, Context, PushResult

STATUS_SETTING = "hire_status_id"


def _int(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        msg = _("The payload's %(what)s is not a number.") % {"what": what}
        raise AdapterError(msg, retryable=False, code="payload") from None


def _status_id(ctx: Context, fields: dict[str, Any]) -> str:
    """The status item to move the application to: the template's, else the setting."""
    status = fields.get("appStatusSetItemId") or ctx.settings.get(STATUS_SETTING)
    if status in (None, ""):
        raise AdapterError(
            _("Set the ID of the “Hired” status (of the requisition's status set) first."),
            retryable=False,
            code="bad_settings",
        )
    return str(_int(status, "appStatusSetItemId"))


def hire_entity(ctx: Context, fields: dict[str, Any], application_id: int) -> dict[str, Any]:
    """The JobApplication upsert entity: its key, the status, the other non-empty fields."""
    body = {k: v for k, v in fields.items() if v is not None and k != "applicationId"}
    body["appStatusSetItemId"] = _status_id(ctx, fields)
    uri = f"JobApplication({application_id}L)"  # Edm.Int64 key literal, as SAP's examples
    return {"__metadata": {"uri": uri, "type": "SFOData.JobApplication"}, **body}


def _application(ctx: Context, payload: dict[str, Any], fields: dict[str, Any]) -> int:
    given = fields.get("applicationId")
    if given not in (None, ""):
        return _int(given, "applicationId")
    job_req = payload.get("jobReqId")
    job_req = None if job_req in (None, "") else _int(job_req, "jobReqId")
    candidate = lookup.candidate_id(ctx, lookup.need(payload, "candidate"))
    return lookup.application_id(ctx, candidate, job_req)


def hire_push(ctx: Context, payload: dict[str, Any]) -> PushResult:
    """Move the candidate's application to the hire status; its applicationId kept."""
    fields = lookup.need(payload, "application")
    _status_id(ctx, fields)  # a missing setting is said before any call
    application_id = _application(ctx, payload, fields)
    results = client.upsert(ctx, [hire_entity(ctx, fields, application_id)])
    excerpt = json.dumps(results)[: client.EXCERPT]
    return PushResult(external_id=str(application_id), excerpt=excerpt)
