"""The mapping template a generic REST connector starts from for the hire (待入职).

Sent when the application enters pending_onboarding (trigger application.stage_changed,
to_stage pending_onboarding, kind hire): the offer's terms as the EHR's onboarding form
asks for them, our ids as the keys the EHR answers with, the e-mail only because an
onboarding invitation needs an address, and the interview baseline per dimension.
"""

from typing import Any

HIRE_TEMPLATE: dict[str, Any] = {
    "version": 1,
    "kind": "hire",
    "description": "Approved offer + interview baseline → the EHR's pre-hire record",
    "fields": {
        "candidate_id": {"path": "$.candidate_id", "required": True},
        "application_id": {"path": "$.application_id", "required": True},
        "email": {"path": "$.candidate.email"},
        "position": {"path": "$.offer.position", "required": True},
        "unit": {"path": "$.offer.unit_code", "required": True},
        "start_date": {"path": "$.offer.start_date", "required": True},
        "grade": {"path": "$.offer.grade", "default": ""},
        "overall_score": {"path": "$.scores.final", "transform": "round2"},
        "report_url": {"path": "$.report_url"},
        "baseline": {
            "each": "$.dimensions[*]",
            "fields": {
                "code": {"path": "$.code"},
                "name": {"path": "$.name"},
                "score": {"path": "$.final", "transform": "round2"},
            },
        },
    },
}
