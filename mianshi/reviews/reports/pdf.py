"""The per-interview PDF report: the report template rendered to HTML, laid out by WeasyPrint.

WeasyPrint finds "Noto Sans CJK SC" through fontconfig and embeds the subset it uses, so the
PDF shows Chinese on a machine without the font. It fetches nothing: every URL is refused,
so no text in the report can make the server read a file or call the network.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.compliance.services import audit_record
from mianshi.reviews.selectors.report import ReportData, interview_report

TEMPLATE = "reviews/report/interview.html"
# WeasyPrint logs every layout step at INFO: seven lines per report in the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _fetcher() -> Any:
    from weasyprint import URLFetcher

    class NoFetch(URLFetcher):  # type: ignore[misc]
        """Refuse every external resource (images, stylesheets, file: URLs)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"external resources are disabled: {url[:60]}")

    return NoFetch()


def render_pdf(html: str) -> bytes:
    """HTML (with its CSS inline) as PDF bytes."""
    # Imported here: WeasyPrint loads pango and fonts, which every other request can skip.
    from weasyprint import HTML

    return bytes(HTML(string=html, url_fetcher=_fetcher()).write_pdf())


def report_html(data: ReportData) -> str:
    """The report as the HTML WeasyPrint lays out (also handy to inspect in a browser)."""
    return render_to_string(TEMPLATE, {"r": data})


def report_filename(data: ReportData) -> str:
    """面试报告-李雷-42.pdf: readable in the downloads folder, safe on every file system."""
    name = _UNSAFE_IN_NAME.sub("_", data.candidate.name).strip() or str(data.candidate.pk)
    return f"{_('Interview report')}-{name}-{data.session.pk}.pdf"


def interview_report_pdf(*, actor: Actor, session_id: int) -> tuple[bytes, str]:
    """The interview's report as (PDF bytes, file name) for `actor`, who must see the
    application (404 otherwise); the export of personal data is audited."""
    data = interview_report(user=actor, session_id=session_id)
    pdf = render_pdf(report_html(data))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="interview_report.export",
            obj=data.session,
            detail={"bytes": len(pdf), "format": "pdf"},
        )
    return pdf, report_filename(data)
