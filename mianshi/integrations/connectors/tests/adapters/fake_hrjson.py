"""An EHR that takes HR-JSON assessment results and validates each against a JSON Schema
of the fields a receiver relies on (written from the Assessments model, independently of
the code that builds the document)."""

from __future__ import annotations

import json

import jsonschema

from mianshi.integrations.connectors.tests.adapters.fake_rest import FakeRestEhr
from mianshi.integrations.connectors.tests.adapters.fakehttp import Received, Reply, json_reply

IDENTIFIER = {
    "type": "object",
    "required": ["value"],
    "properties": {"value": {"type": "string", "minLength": 1}},
}
SCORE = {
    "type": "object",
    "required": ["scoreNumeric"],
    "properties": {
        "scoreNumeric": {
            "type": "object",
            "required": ["value", "minimumScore", "maximumScore"],
            "properties": {
                k: {"type": "number"} for k in ("value", "minimumScore", "maximumScore")
            },
        }
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["documentId", "assessmentSubject", "assessmentResults"],
    "properties": {
        "documentId": IDENTIFIER,
        "assessmentSubject": {
            "type": "object",
            "required": ["subjectId"],
            "properties": {"subjectId": {"type": "array", "minItems": 1, "items": IDENTIFIER}},
        },
        "assessmentResults": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "assessmentStatus", "assessmentOverallResult"],
                "properties": {
                    "assessmentStatus": {
                        "type": "object",
                        "required": ["code", "date"],
                        "properties": {
                            "code": {
                                "enum": [
                                    "Completed",
                                    "InProgress",
                                    "NotStarted",
                                    "Cancelled",
                                    "Expired",
                                ]
                            }
                        },
                    },
                    "assessmentOverallResult": {
                        "type": "object",
                        "required": ["score"],
                        "properties": {"score": {"type": "array", "minItems": 1, "items": SCORE}},
                    },
                    "assessmentDetailedResults": {
                        "type": "array",
                        "items": {"type": "object", "required": ["name"]},
                    },
                    "accessPoints": {
                        "type": "array",
                        "items": {"type": "object", "required": ["uri"]},
                    },
                },
            },
        },
    },
}


class FakeHrJsonReceiver(FakeRestEhr):
    """An EHR that takes HR-JSON assessment results and validates them on arrival."""

    def _store(self, req: Received) -> Reply:
        try:
            jsonschema.validate(json.loads(req.body), SCHEMA)
        except (ValueError, jsonschema.ValidationError) as exc:
            return json_reply({"message": f"invalid AssessmentReport: {exc}"[:200]}, 400)
        document = req.json()
        self.stored[document["documentId"]["value"]] = document
        return json_reply({"data": {"id": "AR-" + document["documentId"]["value"]}}, 201)
