"""The publication list (公示) as a printable PDF and as a spreadsheet.

Both read selectors_publication.publication_list, so they show exactly what the page shows,
masked the same way; each export is recorded in the audit trail with its size, not its rows.
"""

from __future__ import annotations

from io import BytesIO

from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from mianshi.accounts.actor import Actor
from mianshi.common.spreadsheet import formula_safe
from mianshi.compliance.services import audit_record
from mianshi.recruitment.models import Post
from mianshi.recruitment.selectors_publication import PublicationList, publication_list
from mianshi.reviews.reports.pdf import render_pdf

TEMPLATE = "recruitment/publication.html"


def publication_html(data: PublicationList) -> str:
    """The list as the HTML WeasyPrint lays out."""
    return render_to_string(TEMPLATE, {"p": data})


def _audited(actor: Actor, data: PublicationList, fmt: str, content: bytes) -> bytes:
    with transaction.atomic():
        audit_record(
            actor=actor, action="recruitment.publication.export", obj=data.publication,
            org_unit_id=data.post.job.org_unit_id,
            detail={"format": fmt, "bytes": len(content), "rows": len(data.rows)},
        )  # fmt: skip
    return content


def publication_pdf(*, actor: Actor, post: Post) -> bytes:
    """The post's latest list as a PDF (A4 landscape, CJK font embedded)."""
    data = publication_list(user=actor, post=post)
    return _audited(actor, data, "pdf", render_pdf(publication_html(data)))


def _sheet(data: PublicationList) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = _("Publication")[:31]
    width = len(data.headings) + 1
    sheet.append([formula_safe(data.title)])
    sheet.append([formula_safe(data.window)])
    sheet.append([_("No."), *data.headings])
    for number, row in enumerate(data.rows, start=1):
        sheet.append([number, *(formula_safe(cell) for cell in row.cells)])
    for line in (1, 2):
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
        sheet.cell(line, 1).alignment = Alignment(horizontal="center")
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A4"
    return book


def publication_xlsx(*, actor: Actor, post: Post) -> bytes:
    """The post's latest list as an .xlsx workbook: title, window, headings, rows."""
    data = publication_list(user=actor, post=post)
    out = BytesIO()
    _sheet(data).save(out)
    return _audited(actor, data, "xlsx", out.getvalue())
