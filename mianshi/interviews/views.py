"""HR pages of interviews: the live board of a job (F-50), re-invite, recordings and files.

Thin: parse, call one selector or service, render. Scoping lives in `selectors_board`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.candidates.responses import attachment
from mianshi.candidates.selectors import application_for_write
from mianshi.common.crypto import DecryptionError
from mianshi.common.errors import DomainError
from mianshi.common.redirects import safe_next
from mianshi.compliance.services import audit_read
from mianshi.interviews import selectors_board as sel
from mianshi.interviews.services.hr_access import (
    OpenedMedia,
    answer_file_download,
    recording_media_open,
)
from mianshi.invitations.services import invitation_reinvite

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
BLOCK = 256 * 1024


def _state_filter(request: HttpRequest) -> str:
    state = request.GET.get("state", "")
    return state if state in sel.BoardState.values else ""


def _board_context(request: AuthedHttpRequest, job_id: int) -> dict[str, Any]:
    job = sel.board_job(user=request.user, job_id=job_id)
    board = sel.job_board(user=request.user, job=job)
    state = _state_filter(request)
    return {"board": board, "job": job, "state": state, "rows": board.shown(state)}


def _audit_board(request: AuthedHttpRequest, context: dict[str, Any], *, polled: bool) -> None:
    """The board shows candidates' names and progress: a read of the applications on it."""
    ids = [row.application.pk for row in context["rows"]]
    audit_read(
        actor=request.user, action="job_board.view", obj=context["job"], ids=ids, polled=polled
    )


@login_required
@require_GET
def board_index(request: AuthedHttpRequest) -> HttpResponse:
    """Jobs with invited candidates, each linking to its live board."""
    return render(
        request, "interviews/board_index.html", {"jobs": sel.board_jobs(user=request.user)}
    )


@login_required
@require_GET
def board(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """The live board page; its table refreshes itself from `board_rows`."""
    context = _board_context(request, job_id)
    _audit_board(request, context, polled=False)
    return render(request, "interviews/board.html", context)


@login_required
@require_GET
def board_rows(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """The board's summary and table only: what htmx polls every few seconds."""
    context = _board_context(request, job_id)
    _audit_board(request, context, polled=True)
    return render(request, "interviews/_board.html", context)


@login_required
@require_POST
def reinvite(request: AuthedHttpRequest, application_id: int) -> HttpResponse:
    """One click (F-32, F-50): supersede the last invitation and send a re-record one."""
    application = application_for_write(user=request.user, pk=application_id)
    try:
        invitation_reinvite(actor=request.user, application=application)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        name = application.candidate.name
        messages.success(
            request, _("A re-record invitation was sent to %(name)s.") % {"name": name}
        )
    if request.htmx:  # type: ignore[attr-defined]
        context = _board_context(request, application.job_id)
        return render(request, "interviews/_board.html", {**context, "show_messages": True})
    board = reverse("interviews:board", args=[application.job_id])
    return redirect(safe_next(request, board))


# --- recordings and files ----------------------------------------------------------------


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single `bytes=` range; None when absent, malformed or several
    ranges (RFC 9110 lets a server ignore those and send the whole file); ValueError if
    unsatisfiable."""
    match = _RANGE.match(header.strip()) if header else None
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # a suffix: the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise ValueError(header)
    return start, end


def _stream(opened: OpenedMedia, start: int, end: int) -> Iterator[bytes]:
    """The plaintext of start..end, its first block already decrypted: a damaged recording
    is refused before the response starts instead of being cut off midway."""
    parts = opened.sealed.iter_range(start, end)
    try:
        first = next(parts, b"")
    except BaseException:
        opened.sealed.close()
        raise
    return _chained(first, parts, opened)


def _chained(first: bytes, parts: Iterator[bytes], opened: OpenedMedia) -> Iterator[bytes]:
    try:
        yield first
        for part in parts:
            for at in range(0, len(part), BLOCK):  # small writes keep the response flowing
                yield part[at : at + BLOCK]
    finally:
        opened.sealed.close()


def _unsatisfiable(opened: OpenedMedia) -> HttpResponse:
    opened.sealed.close()
    refused = HttpResponse(status=416)
    refused["Content-Range"] = f"bytes */{opened.size}"
    return refused


def media_response(
    request: HttpRequest, opened: OpenedMedia, *, download: bool
) -> HttpResponseBase:
    """The decrypted media, whole or one byte range (players seek with Range requests)."""
    try:
        span = _byte_range(request.headers.get("Range", ""), opened.size)
    except ValueError:
        return _unsatisfiable(opened)
    start, end = span or (0, opened.size - 1)
    try:
        body = _stream(opened, start, end)
    except DecryptionError:
        message = _("This recording is damaged and cannot be played.")
        return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(
        body, status=200 if span is None else 206, content_type=opened.content_type
    )
    if span is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{opened.size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = content_disposition_header(download, opened.filename) or ""
    return response


def media_open_response(
    request: HttpRequest, open_media: Callable[[], OpenedMedia], *, download: bool
) -> HttpResponseBase:
    """Open (which audits) and serve; a recording damaged at rest gets a clear 409."""
    try:
        opened = open_media()
    except DecryptionError:
        message = _("This recording is damaged and cannot be played.")
        return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
    return media_response(request, opened, download=download)


@login_required
@require_GET
def recording_media(request: AuthedHttpRequest, pk: Any) -> HttpResponseBase:
    """Play (or with ?download=1 save) a verified recording; the viewing is audited."""
    recording = sel.recording_for_playback(user=request.user, pk=pk)
    download = request.GET.get("download") == "1"
    return media_open_response(
        request,
        lambda: recording_media_open(actor=request.user, recording=recording, download=download),
        download=download,
    )


@login_required
@require_GET
def answer_file(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The file a candidate uploaded as an answer, as a download (never rendered)."""
    answer = sel.answer_with_file(user=request.user, pk=pk)
    data, name, content_type = answer_file_download(actor=request.user, answer=answer)
    return attachment(data, name, content_type)
