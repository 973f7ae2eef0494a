"""One rule for text that a spreadsheet opens: a cell must never run as a formula.

Excel and WPS evaluate a CSV cell starting with = + - @ (or a tab / carriage return before
one) as a formula, which can run commands or leak data (CSV injection, OWASP). Every export
that a person may open in a spreadsheet passes its text through `formula_safe`.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """`text` with a leading apostrophe when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text
