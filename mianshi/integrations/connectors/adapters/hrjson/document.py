"""An HR Open Standards (HR-JSON) assessment result built from the mapped record.

The shape follows the HR Open Assessments model — AssessmentReport → AssessmentResult
with its overall result (passed indicator and scores), detailed results per competency,
access points (the report link) and status — in the lowerCamelCase JSON and
`{"value", "schemeAgencyId"}` identifiers of the 4.x JSON standards. The 4.x schema
files themselves were not reachable from here; the element names come from the HR-XML
3.0 component documentation the JSON edition renders, and the tests pin the required
fields with a JSON Schema so a receiver can rely on them.

Input keys (what the connector's mapping template produces): `id`, `subject_id` and
`overall_score` are required; `order_id`, `subject_scheme`, `name`, `profile_id`,
`status`, `status_date`, `score_min`, `score_max`, `passed`, `description`, `report_url`
and `dimensions` (a list of `{"name", "score", "comment"}`) are optional.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

SCHEME = "Mianshi"
STATUS_CODES = {  # our states → the Assessments status code list
    "completed": "Completed",
    "in_progress": "InProgress",
    "not_started": "NotStarted",
    "cancelled": "Cancelled",
    "expired": "Expired",
}


class HrJsonError(ValueError):
    """The record lacks what an assessment result needs; the message is translated."""


def hrjson_assessment_result(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The HR-JSON assessment report for one interview's result."""
    for key in ("id", "subject_id", "overall_score"):
        if payload.get(key) in (None, ""):
            raise HrJsonError(_("an assessment result needs “%(key)s”") % {"key": key})
    report: dict[str, Any] = {"documentId": _id(payload["id"])}
    if payload.get("order_id"):
        report["orderId"] = _id(payload["order_id"])
    subject = _id(payload["subject_id"], str(payload.get("subject_scheme") or SCHEME))
    report["assessmentSubject"] = {"subjectId": [subject]}
    report["assessmentResults"] = [_result(payload)]
    return report


def _result(payload: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {"id": _id(payload["id"]), "assessmentStatus": _status(payload)}
    if payload.get("name"):
        result["name"] = str(payload["name"])
    if payload.get("profile_id"):
        result["assessmentProfileId"] = _id(payload["profile_id"])
    result["assessmentOverallResult"] = _overall(payload)
    details = [_detail(d, payload) for d in payload.get("dimensions") or []]
    if details:
        result["assessmentDetailedResults"] = details
    if payload.get("report_url"):
        result["accessPoints"] = [{"uri": str(payload["report_url"]), "typeCode": "Report"}]
    return result


def _overall(payload: Mapping[str, Any]) -> dict[str, Any]:
    overall: dict[str, Any] = {"score": [_score(payload["overall_score"], payload)]}
    if isinstance(payload.get("passed"), bool):
        overall["passedIndicator"] = payload["passed"]
    if payload.get("description"):
        overall["description"] = str(payload["description"])
    return overall


def _id(value: Any, scheme: str = SCHEME) -> dict[str, str]:
    return {"value": str(value), "schemeAgencyId": scheme}


def _status(payload: Mapping[str, Any]) -> dict[str, str]:
    state = str(payload.get("status") or "completed").lower()
    if state not in STATUS_CODES:
        raise HrJsonError(_("“%(status)s” is not an assessment status") % {"status": state})
    date = payload.get("status_date") or datetime.now(UTC).isoformat(timespec="seconds")
    return {"code": STATUS_CODES[state], "date": str(date)}


def _score(value: Any, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A numeric score on the scale the record states (0–100 unless it says otherwise)."""
    low, high = _number(payload.get("score_min", 0)), _number(payload.get("score_max", 100))
    number = _number(value)
    if not low <= number <= high:
        msg = _("the score %(score)s is outside %(low)s–%(high)s")
        raise HrJsonError(msg % {"score": number, "low": low, "high": high})
    return {"scoreNumeric": {"value": number, "minimumScore": low, "maximumScore": high}}


def _detail(dimension: Any, payload: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(dimension, Mapping) or not dimension.get("name"):
        raise HrJsonError(_("each dimension needs a name"))
    detail: dict[str, Any] = {"name": str(dimension["name"])}
    if dimension.get("score") is not None:
        detail["score"] = [_score(dimension["score"], payload)]
    if dimension.get("comment"):
        detail["comments"] = [str(dimension["comment"])]
    return detail


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise HrJsonError(_("a true/false value is not a score"))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise HrJsonError(_("“%(value)s” is not a number") % {"value": value}) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise HrJsonError(_("“%(value)s” is not a number") % {"value": value})
    return number
