"""Startup check: a configured major catalogue (MIANSHI_MAJOR_CATALOGUE) can be read.

A file that cannot be used would otherwise surface only at the first screening run, as a
failed request in front of HR; `manage.py check` (and every start of the server, which runs
it) names the file and what is wrong with it instead.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.utils.translation import gettext as _

from mianshi.recruitment.selectors import major_catalogue


@register()
def major_catalogue_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """One error when the configured catalogue cannot be read or has another shape."""
    try:
        major_catalogue()
    except ValueError as error:
        hint = _("Fix the file or unset MIANSHI_MAJOR_CATALOGUE to use the shipped catalogue.")
        return [Error(str(error), hint=hint, id="recruitment.E001")]
    return []
