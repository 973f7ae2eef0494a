"""The OpenAI-compatible LLM client and the LLM-assisted scorer, against a local HTTP server
that speaks the chat-completions protocol."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from interview_analysis.backends.llm import (
    LlmRubricScorer,
    OpenAICompatibleLlm,
    llm_from_env,
    parse_judgement,
)
from interview_analysis.backends.rubric import RubricScorer
from interview_analysis.errors import LlmError
from interview_analysis.tests.test_scoring import ANSWERS, EN
from interview_analysis.text import transcript_from_text

GOOD = ANSWERS[("en", "good")]
REAL_QUOTE = "I asked for feedback every Friday."


class ChatHandler(BaseHTTPRequestHandler):
    """Answers POST /v1/chat/completions as the test's `mode` says."""

    mode: ClassVar[str] = "ok"
    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatHandler.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), **body}
        )
        if self.mode == "500":
            self._send(500, b'{"error": "boom"}')
            return
        if self.mode == "timeout":
            time.sleep(1.5)
        content = {
            "ok": json.dumps(
                {
                    "level": 3,
                    "score": 9,
                    "elements": [
                        {"element": "specific actions", "found": True, "quote": REAL_QUOTE},
                        {"element": "a measurable result", "found": True, "quote": "Invented."},
                        {"element": "reflection", "found": False, "quote": ""},
                    ],
                }
            ),
            "fenced": '```json\n{"level": 2}\n```',
            "malformed": "I think this answer is quite good, level three maybe.",
            "badlevel": '{"level": 7, "score": 5}',
        }.get(self.mode, "")
        payload: dict[str, Any] = {
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]
        }
        if self.mode == "nochoices":
            payload = {"object": "chat.completion"}
        self._send(200, json.dumps(payload).encode())

    def _send(self, status: int, data: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ChatHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def mode() -> Iterator[type[ChatHandler]]:
    ChatHandler.requests.clear()
    yield ChatHandler
    ChatHandler.mode = "ok"


def _llm(url: str, timeout: float = 5) -> OpenAICompatibleLlm:
    return OpenAICompatibleLlm(url, "qwen-test", api_key="sk-test", timeout=timeout)


def test_complete_speaks_chat_completions(server: str, mode: type[ChatHandler]) -> None:
    reply = _llm(server).complete([{"role": "user", "content": "hi"}], max_tokens=64)
    assert json.loads(reply)["level"] == 3
    req = mode.requests[0]
    assert req["path"] == "/v1/chat/completions"
    assert req["auth"] == "Bearer sk-test"
    assert req["model"] == "qwen-test" and req["max_tokens"] == 64
    assert req["messages"] == [{"role": "user", "content": "hi"}]


def test_happy_path_blends_and_keeps_only_real_quotes(server: str, mode: type[ChatHandler]) -> None:
    offline = RubricScorer().score(EN, transcript_from_text(GOOD, "en"))
    result = LlmRubricScorer(_llm(server), RubricScorer()).score(
        EN, transcript_from_text(GOOD, "en")
    )
    assert result.scorer == "rubric-v1+llm"
    assert result.score == pytest.approx(round((offline.score + 9) / 2, 1))
    assert result.level == 3
    assert result.confidence >= offline.confidence  # both agree
    llm_quotes = [e for e in result.evidence if e.element.startswith("llm:")]
    assert [e.quote for e in llm_quotes] == [REAL_QUOTE]
    # The offline scorer found a lesson; the LLM's "not found" must not list it as missing too.
    assert "reflection" in result.found and "reflection" not in result.missing
    assert "specific actions" in result.found
    prompt = mode.requests[0]["messages"][1]["content"]
    assert EN.text in prompt and GOOD in prompt and "Level 1:" in prompt


@pytest.mark.parametrize("bad", ["malformed", "500", "nochoices", "badlevel"])
def test_failures_fall_back_to_offline_with_lower_confidence(
    server: str, mode: type[ChatHandler], bad: str
) -> None:
    mode.mode = bad
    transcript = transcript_from_text(GOOD, "en")
    offline = RubricScorer().score(EN, transcript)
    result = LlmRubricScorer(_llm(server), RubricScorer()).score(EN, transcript)
    assert result.score == offline.score and result.level == offline.level
    assert result.confidence < offline.confidence
    assert result.scorer == "rubric-v1 (llm failed)"


def test_http_500_and_malformed_raise_llm_error(server: str, mode: type[ChatHandler]) -> None:
    mode.mode = "500"
    with pytest.raises(LlmError, match="HTTP 500"):
        _llm(server).complete([{"role": "user", "content": "x"}])
    mode.mode = "nochoices"
    with pytest.raises(LlmError, match="choices"):
        _llm(server).complete([{"role": "user", "content": "x"}])


def test_timeout_raises_llm_error(server: str, mode: type[ChatHandler]) -> None:
    mode.mode = "timeout"
    started = time.monotonic()
    with pytest.raises(LlmError, match="did not answer"):
        _llm(server, timeout=0.3).complete([{"role": "user", "content": "x"}])
    assert time.monotonic() - started < 1.4


def test_unreachable_endpoint_raises_llm_error() -> None:
    with pytest.raises(LlmError, match="unreachable"):
        OpenAICompatibleLlm("http://127.0.0.1:9", "m", timeout=2).complete([])
    with pytest.raises(LlmError, match="http"):
        OpenAICompatibleLlm("file:///etc", "m").complete([])


def test_parse_judgement_tolerates_fences_and_fills_the_score() -> None:
    judged = parse_judgement('```json\n{"level": 2}\n```', 3)
    assert judged["level"] == 2 and judged["score"] == pytest.approx(5.0)
    with pytest.raises(LlmError):
        parse_judgement("level: 2", 3)
    with pytest.raises(LlmError):
        parse_judgement('{"level": 0}', 3)


def test_llm_configured_from_env() -> None:
    assert llm_from_env({}) is None
    assert llm_from_env({"MIANSHI_LLM_URL": "http://x/v1"}) is None
    llm = llm_from_env(
        {"MIANSHI_LLM_URL": "http://x/v1/", "MIANSHI_LLM_MODEL": "qwen", "MIANSHI_LLM_API_KEY": "k"}
    )
    assert llm is not None
    assert (llm.base_url, llm.model, llm.api_key, llm.timeout) == ("http://x/v1", "qwen", "k", 30)
