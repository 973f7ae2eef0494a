"""HR-JSON assessment results: the document checked by an independent JSON Schema of its
required fields, and the export pushed to a receiver on loopback that validates it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from mianshi.integrations.connectors.adapters.hrjson import (
    HrJsonAdapter,
    hrjson_assessment_result,
)
from mianshi.integrations.connectors.adapters.hrjson.document import HrJsonError
from mianshi.integrations.connectors.protocol import AdapterError, Context
from mianshi.integrations.connectors.tests.adapters import fake_rest as f
from mianshi.integrations.connectors.tests.adapters.fake_hrjson import SCHEMA, FakeHrJsonReceiver
from mianshi.integrations.connectors.tests.adapters.fakehttp import json_reply

RECORD = {
    "id": "A-31",
    "subject_id": "C-7",
    "name": "视频面试 · 销售经理",
    "overall_score": 82.5,
    "passed": True,
    "status": "completed",
    "status_date": "2026-12-06T05:00:00+08:00",
    "report_url": "https://mianshi.example.cn/r/A-31",
    "dimensions": [{"name": "沟通", "score": 88, "comment": "清晰"}, {"name": "逻辑", "score": 77}],
}


@pytest.fixture
def receiver() -> Iterator[FakeHrJsonReceiver]:
    server = FakeHrJsonReceiver()
    server.start()
    yield server
    server.stop()


def ctx_for(server: f.FakeServer, **settings: Any) -> Context:
    base = {
        "url": server.url + "/api/assessment-results/{id}",
        "method": "PUT",
        "auth": "oauth2",
        "token_url": server.url + "/oauth2/token",
        "id_path": "$.data.id",
    }
    credentials = {"client_id": f.CLIENT_ID, "client_secret": f.CLIENT_SECRET}
    return Context({**base, **settings}, credentials, timeout=2.0)


def test_the_document_has_every_required_field_and_the_scores() -> None:
    document = hrjson_assessment_result(RECORD)
    jsonschema.validate(document, SCHEMA)
    result = document["assessmentResults"][0]
    assert result["assessmentOverallResult"]["score"][0]["scoreNumeric"]["value"] == 82.5
    assert result["assessmentOverallResult"]["passedIndicator"] is True
    assert [d["name"] for d in result["assessmentDetailedResults"]] == ["沟通", "逻辑"]
    assert result["accessPoints"] == [{"uri": RECORD["report_url"], "typeCode": "Report"}]
    assert document["assessmentSubject"]["subjectId"][0]["value"] == "C-7"


def test_a_minimal_record_is_still_valid() -> None:
    document = hrjson_assessment_result({"id": 1, "subject_id": 2, "overall_score": "60"})
    jsonschema.validate(document, SCHEMA)
    assert document["assessmentResults"][0]["assessmentStatus"]["code"] == "Completed"


@pytest.mark.parametrize(
    "bad",
    [
        {"overall_score": None},
        {"subject_id": ""},
        {"overall_score": 130},
        {"overall_score": "high"},
        {"overall_score": True},
        {"status": "lost"},
        {"dimensions": [{"score": 3}]},
        {"dimensions": [{"name": "沟通", "score": float("nan")}]},
    ],
)
def test_a_record_that_cannot_make_a_result_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(HrJsonError):
        hrjson_assessment_result({**RECORD, **bad})


def test_the_export_reaches_the_receiver_which_accepts_it(receiver: FakeHrJsonReceiver) -> None:
    result = HrJsonAdapter().push(ctx_for(receiver), "assessment", RECORD)
    assert result.external_id == "AR-A-31"
    assert receiver.received[-1].path == "/api/assessment-results/A-31"
    stored = receiver.stored["A-31"]
    assert stored["assessmentResults"][0]["assessmentDetailedResults"][0]["comments"] == ["清晰"]


def test_a_bad_record_is_not_sent(receiver: FakeHrJsonReceiver) -> None:
    with pytest.raises(AdapterError) as caught:
        HrJsonAdapter().push(ctx_for(receiver), "assessment", {**RECORD, "overall_score": None})
    assert (caught.value.code, caught.value.retryable) == ("bad_settings", False)
    assert receiver.received == []


def test_wrong_credentials_and_429_as_for_any_rest_partner(receiver: FakeHrJsonReceiver) -> None:
    ctx = ctx_for(receiver)
    ctx.credentials["client_secret"] = "wrong"
    with pytest.raises(AdapterError) as caught:
        HrJsonAdapter().push(ctx, "assessment", RECORD)
    assert (caught.value.code, caught.value.retryable) == ("credentials", False)
    receiver.busy, receiver.retry_after = 1, "4"
    with pytest.raises(AdapterError) as caught:
        HrJsonAdapter().push(ctx_for(receiver), "assessment", RECORD)
    assert (caught.value.retryable, caught.value.retry_after) == (True, 4.0)
    assert receiver.stored == {}


def test_a_receiver_refusing_the_document_is_a_clear_error(
    receiver: FakeHrJsonReceiver,
) -> None:
    receiver._store = lambda req: json_reply({"message": "unknown subject C-7"}, 422)  # type: ignore[method-assign]
    with pytest.raises(AdapterError) as caught:
        HrJsonAdapter().push(ctx_for(receiver), "assessment", RECORD)
    assert (caught.value.code, caught.value.retryable) == ("refused", False)
    assert "unknown subject C-7" in caught.value.message
