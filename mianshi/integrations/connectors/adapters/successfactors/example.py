"""The mapping templates a new SuccessFactors connector starts from.

The assessment: the order and report ids are our application id (SF keys must be numbers,
and ours are stable), the report's status is COMPLETED once the final score exists, and
every competency dimension becomes a report detail with the final score as text
(scoreValue is an Edm.String in SuccessFactors).

The hire (sent on entering 待入职, see protocol.HIRE_TRIGGER): the candidate found by e-mail, or the
application directly when it came from SuccessFactors (its id is then one of our external
refs); the status is the connector's "Hired" status setting; `jobStartDate` is the offer's
start date as an OData date. That field id is the one SAP's Onboarding guide shows for the
start date, but each customer's application template names its own fields: rename it (or
add others that the OData API Data Dictionary marks upsertable) to match.
"""

from typing import Any

EXAMPLE_TEMPLATE: dict[str, Any] = {
    "version": 1,
    "kind": "assessment",
    "description": "Interview result → JobApplicationAssessmentOrder/Report/ReportDetail",
    "maps": {"status": {"completed": "COMPLETED", "*": "IN_PROGRESS"}},
    "fields": {
        "candidate.field": {"const": "primaryEmail"},
        "candidate.value": {"path": "$.candidate.email", "required": True},
        "order.id": {"path": "$.application_id", "required": True},
        "order.vendorCode": {"const": "MIANSHI"},
        "report.id": {"path": "$.application_id", "required": True},
        "report.status": {"path": "$.status", "transform": "map:status"},
        "report.statusDate": {"path": "$.updated_at", "transform": "odata_date"},
        "report.statusDetails": {"path": "$.job_title", "default": ""},
        "report.reportUrl": {"path": "$.report_url"},
        "overall.scoreComponent": {"const": "overall"},
        "overall.scoreValue": {"path": "$.scores.final", "transform": ["round2", "str"]},
        "details": {
            "each": "$.dimensions[*]",
            "fields": {
                "scoreComponent": {"path": "$.name"},
                "scoreValue": {"path": "$.final", "transform": ["round2", "str"]},
            },
        },
    },
}


HIRE_TEMPLATE: dict[str, Any] = {
    "version": 1,
    "kind": "hire",
    "description": "Approved offer → JobApplication moved to the Hired status (OData upsert)",
    "fields": {
        "candidate.field": {"const": "primaryEmail"},
        "candidate.value": {"path": "$.candidate.email", "required": True},
        "application.applicationId": {
            "path": "$.external_refs.application.successfactors",
            "transform": "int",
        },
        "application.jobStartDate": {
            "path": "$.offer.start_date",
            "required": True,
            "transform": "odata_date",
        },
    },
}
