"""The SAP SuccessFactors adapter: interview results into Recruiting's assessment entities,
and the hire (待入职) as the JobApplication's move to the "Hired" status (see hire.py).

What the mapping template must produce for an `assessment` (see EXAMPLE_TEMPLATE):

    {"candidate": {"field": "primaryEmail", "value": "…"},   # how SF finds its Candidate
     "order":   {JobApplicationAssessmentOrder fields; applicationId found when absent},
     "report":  {JobApplicationAssessmentReport fields: id, status, reportUrl…},
     "overall": {"scoreComponent": "overall", "scoreValue": "…"}      # optional
     "details": [{JobApplicationAssessmentReportDetail fields}, …]}

The push looks the candidate up (`GET /odata/v2/Candidate?$filter=…`, following `__next`),
then the candidate's JobApplication, then upserts the order and the report with its details
(`POST /odata/v2/upsert`, a deep insert under `assessmentReportDetail`). Keys are ours
(the order and report ids the template gives; a detail without one gets report id × 1000 +
its position), so a push repeated after a lost answer updates instead of duplicating.
The external id kept for the application is SuccessFactors' applicationId.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mianshi.integrations.connectors.adapters.successfactors import client, lookup
from mianshi.integrations.connectors.adapters.successfactors.example import (
    EXAMPLE_TEMPLATE,
    HIRE_TEMPLATE,
)
from mianshi.integrations.connectors.adapters.successfactors.hire import STATUS_SETTING, hire_push
from mianshi.integrations.connectors.adapters.successfactors.lookup import need
from mianshi.integrations.connectors.protocol import (
    AdapterError,
    Context,
    Field,
    Page,
    PushResult,
    register_adapter,
)


def _details(payload: dict[str, Any], report_id: Any) -> list[dict[str, Any]]:
    rows = [payload["overall"]] if isinstance(payload.get("overall"), dict) else []
    rows += [d for d in payload.get("details") or [] if isinstance(d, dict)]
    out = []
    for position, row in enumerate(rows, start=1):
        key = row.get("id", int(report_id) * 1000 + position)
        out.append(
            {
                "__metadata": {"uri": f"JobApplicationAssessmentReportDetail({key})"},
                **row,
                "id": key,
            }
        )
    return out


def assessment_entities(payload: dict[str, Any], application_id: Any) -> list[dict[str, Any]]:
    """The upsert body: the order, then the report with its details inside."""
    order = {**need(payload, "order"), "applicationId": application_id}
    report = dict(need(payload, "report"))
    report.setdefault("orderId", order.get("id"))
    if order.get("id") is None or report.get("id") is None:
        raise AdapterError(
            _("The order and the report need an id."), retryable=False, code="payload"
        )
    details = _details(payload, report["id"])
    return [
        {"__metadata": {"uri": f"JobApplicationAssessmentOrder({order['id']})"}, **order},
        {"__metadata": {"uri": f"JobApplicationAssessmentReport({report['id']})"}, **report,
         "assessmentReportDetail": details},
    ]  # fmt: skip


class SuccessFactorsAdapter:
    """OData v2 with OAuth 2.0 (SAML bearer); pushes assessments and hires, pulls candidates."""

    key = "successfactors"
    label: str | Promise = gettext_lazy("SAP SuccessFactors (OData v2)")
    settings_fields = [
        Field("base_url", gettext_lazy("API server (e.g. https://api4.successfactors.com)")),
        Field("company_id", gettext_lazy("Company ID")),
        Field("user_id", gettext_lazy("API user ID")),
        Field(
            STATUS_SETTING,
            gettext_lazy("Hires: ID of the “Hired” status in the requisition's status set"),
            required=False,
        ),
    ]
    credential_fields = [
        Field("client_id", gettext_lazy("OAuth client API key"), secret=True),
        Field("private_key", gettext_lazy("Private key (base64, as registered)"), secret=True),
    ]
    push_kinds = frozenset({"assessment", "hire"})
    pull_kinds = frozenset({"candidate"})
    example_templates = {"assessment": EXAMPLE_TEMPLATE, "hire": HIRE_TEMPLATE}

    def check(self, ctx: Context) -> None:
        client.token_fetch(ctx)
        client.results_page(
            ctx, client.entity_url(ctx, "Candidate"), {"$top": "1", "$format": "json"}
        )

    def push(self, ctx: Context, kind: str, payload: dict[str, Any]) -> PushResult:
        if kind not in self.push_kinds:
            raise AdapterError(
                _("SuccessFactors takes assessments and hires only."), retryable=False, code="kind"
            )
        if kind == "hire":
            return hire_push(ctx, payload)
        candidate = lookup.candidate_id(ctx, need(payload, "candidate"))
        order = need(payload, "order")
        application = order.get("applicationId") or lookup.application_id(
            ctx, candidate, order.get("jobReqId")
        )
        results = client.upsert(ctx, assessment_entities(payload, application))
        return PushResult(
            external_id=str(application), excerpt=json.dumps(results)[: client.EXCERPT]
        )

    def pull(self, ctx: Context, kind: str, cursor: str) -> Page:
        if kind not in self.pull_kinds:
            raise AdapterError(
                _("SuccessFactors gives candidates only."), retryable=False, code="kind"
            )
        # A cursor is SF's own __next link: followed only on the configured server, so a
        # forged cursor cannot carry the Bearer token elsewhere.
        if cursor and not cursor.startswith(client.entity_url(ctx, "")):
            raise AdapterError(
                _("The paging link points to another server."), retryable=False, code="cursor"
            )
        url = cursor or client.entity_url(ctx, "Candidate")
        params = None if cursor else {"$format": "json"}
        rows, next_url = client.results_page(ctx, url, params)
        return Page(records=rows, next_cursor=next_url)


ADAPTER = register_adapter(SuccessFactorsAdapter())
