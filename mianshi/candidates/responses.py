"""HTTP answers shared by the UI and the API: file downloads and CSV exports."""

import csv
import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    """A download that browsers save, never render (no stored XSS through résumés)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(rows: list[list[str]]) -> HttpResponse:
    """UTF-8 with BOM so Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="applications.csv"'
    return response
