"""The candidate JSON API under /i/api/{token}/… (F-40–F-48): no login, the token is the key.

Thin: resolve the token (404 unknown, 410 closed), call one service or selector, answer.
Every refusal is `{"detail": "<translated>", "code": "…"}` with a 4xx status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError

from mianshi.common.errors import DomainError
from mianshi.interviews import selectors as sel
from mianshi.interviews import services as svc
from mianshi.interviews.candidate.schemas import (
    ChoiceIn,
    ConsentIn,
    DeviceCheckIn,
    EventsIn,
    FinishIn,
    HeartbeatIn,
    TextIn,
)
from mianshi.interviews.errors import TooLarge, Unacceptable
from mianshi.interviews.models import Answer, InterviewSession
from mianshi.invitations.models import Invitation


class CandidateNinjaAPI(NinjaAPI):
    """Mounted inside the `candidate` URL namespace: its root (and so the OpenAPI document
    at /i/api/openapi.json) is found under that namespace."""

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        return reverse("candidate:candidate_api:api-root", kwargs=path_params)


candidate_api = CandidateNinjaAPI(
    title="Mianshi candidate API",
    version="1.0.0",
    description="The candidate's interview, keyed by the invitation token.",
    urls_namespace="candidate_api",
    docs_url=None,
)

NETWORK_PROBE_MAX = 512 * 1024
# Multipart framing around the file itself.
MULTIPART_SLACK = 64 * 1024


def _error(request: HttpRequest, status: int, detail: str, code: str, **extra: Any) -> HttpResponse:
    body = {"detail": detail, "code": code, **extra}
    response = candidate_api.create_response(request, body, status=status)
    response["Cache-Control"] = "no-store"
    return response


@candidate_api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.message, exc.code)


@candidate_api.exception_handler(SchemaError)
def on_schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    detail = _("Some values in the request are missing or not valid.")
    return _error(request, 422, detail, "invalid", errors=exc.errors)


@candidate_api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, " ".join(str(m) for m in exc.messages), "invalid")


@candidate_api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # Ninja could not parse the body
        return _error(request, 422, _("The request body is not valid JSON."), "malformed")
    return _error(request, exc.status_code, str(exc), "error")


@candidate_api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."), "not_found")


@candidate_api.exception_handler(OverflowError)
@candidate_api.exception_handler(DataError)
def on_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 422, _("A value in the request is out of range."), "out_of_range")


@candidate_api.exception_handler(SuspiciousOperation)
@candidate_api.exception_handler(MultiPartParserError)
def on_bad_upload(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 400, _("The upload could not be read. Please try again."), "bad_upload")


def _open(token: str, *, completed_ok: bool = False) -> tuple[Invitation, InterviewSession]:
    invitation = sel.candidate_invitation(token, completed_ok=completed_ok)
    return invitation, svc.session_open(invitation=invitation)


def _progress(session: InterviewSession, answer: Answer, token: str) -> dict[str, Any]:
    session.refresh_from_db()
    return sel.candidate_progress(session=session, answer=answer, token=token)


def _step(token: str, position: int, write: Callable[..., Answer], **data: Any) -> dict[str, Any]:
    """One move on the question at `position` by the service `write`, answered with what it
    changed: the session summary and that question."""
    _invitation, session = _open(token)
    answer = write(session=session, position=position, **data)
    return _progress(session, answer, token)


# --- reading -----------------------------------------------------------------------------


@candidate_api.get("/{token}/state", response=dict)
def state(request: HttpRequest, token: str) -> Any:
    invitation, session = _open(token, completed_ok=True)
    return sel.candidate_state(
        session=session, invitation=invitation, token=token, language=translation.get_language()
    )


# --- the guided start --------------------------------------------------------------------


@candidate_api.post("/{token}/consent", response=dict)
def consent(request: HttpRequest, token: str, payload: ConsentIn) -> Any:
    _invitation, session = _open(token)
    data = svc.ConsentInput(**payload.model_dump())
    session = svc.session_consent(session=session, data=data, language=translation.get_language())
    return {"state": session.state, "given": sel.candidate_consents(session)}


@candidate_api.post("/{token}/device-check", response=dict)
def device_check(request: HttpRequest, token: str, payload: DeviceCheckIn) -> Any:
    _invitation, session = _open(token)
    session = svc.session_device_check(session=session, result=payload.cleaned())
    return {"device_check": session.device_check}


@candidate_api.post("/{token}/network-check", response={204: None})
def network_check(request: HttpRequest, token: str) -> Any:
    """An upload speed probe: the bytes are read and dropped."""
    sel.candidate_invitation(token)
    # The declared length refuses a large body before it is read.
    if (
        _declared_length(request) > NETWORK_PROBE_MAX
        or len(request.read(NETWORK_PROBE_MAX + 1)) > NETWORK_PROBE_MAX
    ):
        raise TooLarge(_("The network test sends at most 512 KiB."))
    return Status(204, None)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


# --- questions ---------------------------------------------------------------------------


@candidate_api.post("/{token}/questions/{position}/start", response=dict)
def start(request: HttpRequest, token: str, position: int) -> Any:
    return _step(token, position, svc.answer_start)


@candidate_api.post("/{token}/questions/{position}/record", response=dict)
def record(request: HttpRequest, token: str, position: int) -> Any:
    progress = _step(token, position, svc.answer_record)
    remaining = progress["session"]["phase_remaining_ms"]
    return {"attempt": progress["question"]["attempt"], "remaining_ms": remaining, **progress}


@candidate_api.post("/{token}/questions/{position}/finish", response=dict)
def finish_answer(request: HttpRequest, token: str, position: int, payload: FinishIn) -> Any:
    reports = [svc.ReportedRecording(**r.model_dump()) for r in payload.recordings]
    return _step(token, position, svc.answer_finish, attempt=payload.attempt, recordings=reports)


@candidate_api.post("/{token}/questions/{position}/retake", response=dict)
def retake(request: HttpRequest, token: str, position: int) -> Any:
    return _step(token, position, svc.answer_retake)


@candidate_api.post("/{token}/questions/{position}/next", response=dict)
def next_question(request: HttpRequest, token: str, position: int) -> Any:
    return _step(token, position, svc.answer_next)


@candidate_api.post("/{token}/questions/{position}/text", response=dict)
def text_answer(request: HttpRequest, token: str, position: int, payload: TextIn) -> Any:
    return _step(token, position, svc.answer_text_submit, text=payload.text)


@candidate_api.post("/{token}/questions/{position}/choice", response=dict)
def choice_answer(request: HttpRequest, token: str, position: int, payload: ChoiceIn) -> Any:
    return _step(token, position, svc.answer_choice_submit, keys=payload.keys)


@candidate_api.post("/{token}/questions/{position}/file", response=dict)
def file_answer(request: HttpRequest, token: str, position: int) -> Any:
    """multipart/form-data with one `file`; the size is refused before the body is read."""
    _invitation, session = _open(token)
    limit = svc.answer_file_max_bytes()
    if _declared_length(request) > limit + MULTIPART_SLACK:
        raise TooLarge(_("The file is larger than %(mb).0f MB.") % {"mb": limit / 1024 / 1024})
    upload = request.FILES.get("file")
    if upload is None:
        raise Unacceptable(_("Please choose a file to upload."), code="no_file")
    answer = svc.answer_file_submit(
        session=session,
        position=position,
        upload=upload,
        filename=upload.name or "",
        size=upload.size,
    )
    return _progress(session, answer, token)


# --- signals and the end -----------------------------------------------------------------


@candidate_api.post("/{token}/events", response=dict)
def events(request: HttpRequest, token: str, payload: EventsIn) -> Any:
    _invitation, session = _open(token, completed_ok=True)
    batch = [svc.EventInput(**e.model_dump()) for e in payload.events]
    return {"stored": svc.session_events_record(session=session, events=batch)}


@candidate_api.post("/{token}/heartbeat", response={204: None})
def heartbeat(request: HttpRequest, token: str, payload: HeartbeatIn) -> Any:
    session_id = sel.candidate_session_id(token)
    if session_id is None:  # unknown or closed link (raises), or no session yet
        session_id = _open(token, completed_ok=True)[1].pk
    svc.session_heartbeat(session_id=session_id, client_state=payload.model_dump())
    return Status(204, None)


@candidate_api.post("/{token}/finish", response=dict)
def finish(request: HttpRequest, token: str) -> Any:
    _invitation, session = _open(token, completed_ok=True)
    session = svc.session_finish(session=session)
    return {"session": sel.candidate_session_summary(session, None)}
