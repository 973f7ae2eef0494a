"""What the UI and the API both check of an uploaded file before the import reads it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mianshi.integrations.connectors.adapters.files.readers import FORMATS

# 100,000 rows of a dozen columns are ~15 MB of CSV and ~8 MB of XLSX: ten times that is
# still a file, more is a mistake (or an attack) not worth reading twice.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
_EXTENSIONS = {"csv": "csv", "txt": "csv", "xlsx": "xlsx", "xml": "xml"}


def format_for(filename: str, given: str = "") -> str:
    """The file's format: `given` when set, else from the name's extension."""
    if given:
        if given not in FORMATS:
            raise ValidationError({"format": _("Choose CSV, Excel (XLSX) or XML.")})
        return given
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xls":
        raise ValidationError(
            {"file": _("This is the old Excel format (.xls): save it as .xlsx or CSV.")}
        )
    if extension not in _EXTENSIONS:
        raise ValidationError({"format": _("Choose CSV, Excel (XLSX) or XML.")})
    return _EXTENSIONS[extension]


def check_size(size: int | None) -> None:
    if not size:
        raise ValidationError({"file": _("The file is empty.")})
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 200 MB.")})
