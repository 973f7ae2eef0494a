"""HR pages of interviews: the live board of a job (F-50), re-invite, recordings and files.

Thin: parse, call one selector or service, render. Scoping lives in `selectors_board`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mianshi.candidates.responses import attachment
from mianshi.candidates.selectors import application_for_write
from mianshi.common.errors import DomainError
from mianshi.common.redirects import safe_next
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


def _board_context(request: HttpRequest, job_id: int) -> dict[str, Any]:
    job = sel.board_job(user=request.user, job_id=job_id)
    board = sel.job_board(user=request.user, job=job)
    state = _state_filter(request)
    return {"board": board, "job": job, "state": state, "rows": board.shown(state)}


@login_required
@require_GET
def board_index(request: HttpRequest) -> HttpResponse:
    """Jobs with invited candidates, each linking to its live board."""
    return render(
        request, "interviews/board_index.html", {"jobs": sel.board_jobs(user=request.user)}
    )


@login_required
@require_GET
def board(request: HttpRequest, job_id: int) -> HttpResponse:
    """The live board page; its table refreshes itself from `board_rows`."""
    return render(request, "interviews/board.html", _board_context(request, job_id))


@login_required
@require_GET
def board_rows(request: HttpRequest, job_id: int) -> HttpResponse:
    """The board's summary and table only: what htmx polls every few seconds."""
    return render(request, "interviews/_board.html", _board_context(request, job_id))


@login_required
@require_POST
def reinvite(request: HttpRequest, application_id: int) -> HttpResponse:
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
    """(first, last) of a single `bytes=` range; None when absent; ValueError if unsatisfiable."""
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


def _read(handle: IO[bytes], start: int, end: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        left = end - start + 1
        while left > 0 and (block := handle.read(min(BLOCK, left))):
            left -= len(block)
            yield block
    finally:
        handle.close()


def media_response(
    request: HttpRequest, opened: OpenedMedia, *, download: bool
) -> HttpResponseBase:
    """The decrypted media, whole or one byte range (players seek with Range requests)."""
    try:
        span = _byte_range(request.headers.get("Range", ""), opened.size)
    except ValueError:
        opened.handle.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{opened.size}"
        return refused
    response: HttpResponseBase
    if span is None:
        response = FileResponse(opened.handle, content_type=opened.content_type)
    else:
        start, end = span
        response = StreamingHttpResponse(
            _read(opened.handle, start, end), status=206, content_type=opened.content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{opened.size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = content_disposition_header(download, opened.filename) or ""
    return response


def starts_a_viewing(request: HttpRequest) -> bool:
    """Whether a media request opens a viewing (no Range, or one from byte 0), not a seek."""
    header = request.headers.get("Range", "")
    if not header:
        return True
    match = _RANGE.match(header.strip())
    return match is not None and match.group(1) == "0"


@login_required
@require_GET
def recording_media(request: HttpRequest, pk: Any) -> HttpResponseBase:
    """Play (or with ?download=1 save) a verified recording; the viewing is audited."""
    recording = sel.recording_for_playback(user=request.user, pk=pk)
    download = request.GET.get("download") == "1"
    opened = recording_media_open(
        actor=request.user,
        recording=recording,
        download=download,
        audit=starts_a_viewing(request),
    )
    return media_response(request, opened, download=download)


@login_required
@require_GET
def answer_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file a candidate uploaded as an answer, as a download (never rendered)."""
    answer = sel.answer_with_file(user=request.user, pk=pk)
    data, name, content_type = answer_file_download(actor=request.user, answer=answer)
    return attachment(data, name, content_type)
