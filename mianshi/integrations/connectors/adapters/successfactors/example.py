"""The mapping template a new SuccessFactors connector starts from (an assessment).

The order and report ids are our application id (SF keys must be numbers, and ours are
stable), the report's status is COMPLETED once the final score exists, and every
competency dimension becomes a report detail with the final score as text (scoreValue is
an Edm.String in SuccessFactors).
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
