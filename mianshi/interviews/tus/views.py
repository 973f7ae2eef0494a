"""The tus 1.0.0 endpoint under /i/<token>/tus/ (F-44): plain Django views, thin and fast.

The invitation token in the path scopes everything: an upload id of another session is
simply not found (404). Every response carries Tus-Resumable; requests without it (except
OPTIONS) get 412. Refusals use the statuses tus prescribes (409 offset, 460 checksum, 413
size, 415 content type, 410 expired, 404 unknown or terminated) with a translated JSON
`detail`. CSRF does not apply: the token in the URL is the credential, no cookie is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from mianshi.common.errors import DomainError
from mianshi.interviews.models import RecordingStatus
from mianshi.interviews.services.recordings import (
    UnsupportedMediaType,
    UploadNotFound,
    UploadState,
    UploadTooLarge,
    recording_append,
    recording_create,
    recording_terminate,
    upload_state,
    upload_usable,
)
from mianshi.interviews.tus import protocol
from mianshi.interviews.tus.protocol import BadRequest
from mianshi.invitations.selectors import invitation_by_token
from mianshi.invitations.tokens import hash_token

REASONS = {460: "Checksum Mismatch"}
MAX_TOKEN = 100


def _response(status: int, headers: dict[str, str] | None = None, **body: Any) -> HttpResponse:
    response: HttpResponse
    response = JsonResponse(body, status=status) if body else HttpResponse(status=status)
    response["Tus-Resumable"] = protocol.VERSION
    for name, value in (headers or {}).items():
        response[name] = value
    if status in REASONS:
        response.reason_phrase = REASONS[status]
    return response


def _refusal(exc: DomainError, method: str) -> HttpResponse:
    if method == "HEAD":  # a HEAD answer has no body: the status says it all
        return _response(exc.status, {"Cache-Control": "no-store"})
    return _response(exc.status, detail=exc.message, code=exc.code)


def _options() -> HttpResponse:
    return _response(
        204,
        {
            "Tus-Version": protocol.VERSION,
            "Tus-Extension": protocol.EXTENSIONS,
            "Tus-Max-Size": str(settings.UPLOAD_MAX_BYTES),
            "Tus-Checksum-Algorithm": ",".join(protocol.CHECKSUMS),
        },
    )


def _method(request: HttpRequest) -> str:
    """The real method: some proxies and browsers only pass GET and POST."""
    override = request.headers.get("X-HTTP-Method-Override", "").strip().upper()
    return override or (request.method or "GET").upper()


def _version_refusal(request: HttpRequest) -> HttpResponse | None:
    if request.headers.get("Tus-Resumable", "").strip() == protocol.VERSION:
        return None
    return _response(
        412,
        {"Tus-Version": protocol.VERSION},
        detail=_("This server speaks tus 1.0.0: send the Tus-Resumable header."),
        code="tus_version",
    )


def _expires(upload: UploadState) -> dict[str, str]:
    if upload.status != RecordingStatus.UPLOADING:
        return {}
    return {"Upload-Expires": http_date(upload.expires_at.timestamp())}


def _dispatch(
    request: HttpRequest, handlers: dict[str, Callable[..., HttpResponse]], *args: Any
) -> HttpResponse:
    method = _method(request)
    if method == "OPTIONS":
        return _options()
    refusal = _version_refusal(request)
    if refusal is not None:
        return refusal
    handler = handlers.get(method)
    if handler is None:
        return _response(405, {"Allow": ", ".join(["OPTIONS", *handlers])})
    try:
        return handler(request, *args)
    except DomainError as exc:
        return _refusal(exc, method)


@csrf_exempt
def collection(request: HttpRequest, token: str) -> HttpResponse:
    """OPTIONS (capabilities) and POST (creation)."""
    return _dispatch(request, {"POST": _create}, token)


@csrf_exempt
def resource(request: HttpRequest, token: str, upload_id: UUID) -> HttpResponse:
    """HEAD (offset), PATCH (append) and DELETE (termination) of one upload."""
    return _dispatch(request, {"HEAD": _head, "PATCH": _patch, "DELETE": _delete}, token, upload_id)


# --- creation ----------------------------------------------------------------------------


def _declared_length(request: HttpRequest) -> int | None:
    length = protocol.integer(request.headers.get("Upload-Length"), "Upload-Length")
    defer = request.headers.get("Upload-Defer-Length")
    if defer is not None and (defer.strip() != "1" or length is not None):
        raise BadRequest(_("Send either Upload-Length or Upload-Defer-Length: 1."))
    if length is None and defer is None:
        raise BadRequest(_("Send either Upload-Length or Upload-Defer-Length: 1."))
    if length is not None and length > settings.UPLOAD_MAX_BYTES:
        raise UploadTooLarge(_("The recording is larger than the allowed maximum."))
    if length == 0:
        raise BadRequest(_("An empty recording cannot be uploaded."))
    return length


def _create(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token)
    if invitation is None:
        raise UploadNotFound(_("This interview link does not exist."))
    # creation-with-upload is not offered: data sent along would be silently lost.
    if request.content_type == protocol.CHUNK_CONTENT_TYPE and request.read(1):
        raise BadRequest(_("Create the upload first, then send its data with PATCH."))
    length = _declared_length(request)
    spec = protocol.upload_spec(request.headers.get("Upload-Metadata"))
    recording = recording_create(
        invitation=invitation, position=spec.position, attempt=spec.attempt,
        segment=spec.segment, mode=spec.mode, content_type=spec.filetype, length=length,
    )  # fmt: skip
    location = reverse("candidate:tus_resource", args=[token, recording.pk])
    return _response(
        201, {"Location": location, "Upload-Expires": http_date(recording.expires_at.timestamp())}
    )


# --- the upload --------------------------------------------------------------------------


def _upload(token: str, upload_id: UUID) -> UploadState:
    upload = (
        upload_state(token_hash=hash_token(token), upload_id=upload_id)
        if len(token) <= MAX_TOKEN
        else None
    )
    if upload is None:
        raise UploadNotFound(_("This upload does not exist."))
    return upload_usable(upload)


def _head(request: HttpRequest, token: str, upload_id: UUID) -> HttpResponse:
    upload = _upload(token, upload_id)
    headers = {"Upload-Offset": str(upload.offset), "Cache-Control": "no-store", **_expires(upload)}
    if upload.length is None:
        headers["Upload-Defer-Length"] = "1"
    else:
        headers["Upload-Length"] = str(upload.length)
    return _response(200, headers)


def _body(request: HttpRequest, announced: int | None) -> bytes:
    """The PATCH body, refused when larger than a chunk may be or cut short in transit."""
    limit = settings.UPLOAD_CHUNK_MAX
    if announced is not None and announced > limit:
        raise UploadTooLarge(_("The chunk is larger than the allowed maximum."))
    data = request.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(_("The chunk is larger than the allowed maximum."))
    if announced is not None and len(data) != announced:
        raise BadRequest(_("The chunk arrived incomplete; send it again."))
    return data


def _patch(request: HttpRequest, token: str, upload_id: UUID) -> HttpResponse:
    if request.content_type != protocol.CHUNK_CONTENT_TYPE:
        raise UnsupportedMediaType(_("Send chunks as application/offset+octet-stream."))
    offset = protocol.integer(request.headers.get("Upload-Offset"), "Upload-Offset")
    if offset is None:
        raise BadRequest(_("The Upload-Offset header is missing."))
    declared = protocol.integer(request.headers.get("Upload-Length"), "Upload-Length")
    announced = protocol.integer(request.META.get("CONTENT_LENGTH") or None, "Content-Length")
    if len(token) > MAX_TOKEN:
        raise UploadNotFound(_("This upload does not exist."))
    data = _body(request, announced)
    protocol.verify_checksum(request.headers.get("Upload-Checksum"), data)
    done = recording_append(
        token_hash=hash_token(token), upload_id=upload_id, offset=offset, data=data,
        declared_length=declared,
    )  # fmt: skip
    headers = {"Upload-Offset": str(done.offset)}
    if done.status == RecordingStatus.UPLOADING:
        headers["Upload-Expires"] = http_date(done.expires_at.timestamp())
    return _response(204, headers)


def _delete(request: HttpRequest, token: str, upload_id: UUID) -> HttpResponse:
    recording_terminate(upload=_upload(token, upload_id))
    return _response(204)
