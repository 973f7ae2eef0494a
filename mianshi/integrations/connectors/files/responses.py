"""The export as an HTTP download, shared by the page and the API."""

from __future__ import annotations

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header

from mianshi.integrations.connectors.files.exports import ExportFile


def download(export: ExportFile) -> HttpResponseBase:
    """An attachment browsers save, never render: streamed text, or the temporary XLSX."""
    response: HttpResponseBase
    if export.file is not None:
        response = FileResponse(export.file, content_type=export.content_type)
    else:
        response = StreamingHttpResponse(export.chunks or [], content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["Cache-Control"] = "private, no-store"
    return response
