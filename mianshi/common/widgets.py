"""Date inputs that read the same in every browser: YYYY-MM-DD typed as text.

A native <input type="date"> shows the browser's locale, not the page's: Chromium with an
en-US locale shows mm/dd/yyyy on a zh-Hans page whatever its `lang` attribute (checked in
Chromium 13x). Chinese forms write 年-月-日, so the field is text in that order, with a
placeholder and a translated format hint the input is described by.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class _Hinted:
    """Adds the format hint beside the input and links it with aria-describedby."""

    hint: Any = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)  # type: ignore[misc]
        widget = context["widget"]
        widget["hint"] = str(self.hint)
        if widget["attrs"].get("id"):
            widget["hint_id"] = f"{widget['attrs']['id']}-format"
            widget["attrs"]["aria-describedby"] = widget["hint_id"]
        return context


class IsoDateInput(_Hinted, forms.DateInput):
    template_name = "common/widgets/hinted_input.html"
    hint = _("Format: YYYY-MM-DD, e.g. 2026-12-10")

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # No inputmode="numeric": a phone's digit pad has no "-" to type.
        base = {"placeholder": "YYYY-MM-DD", "autocomplete": "off", "size": 12, "class": "date"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%Y-%m-%d")


class IsoDateTimeInput(_Hinted, forms.DateTimeInput):
    template_name = "common/widgets/hinted_input.html"
    hint = _("Format: YYYY-MM-DD HH:MM, e.g. 2026-12-10 09:30")

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"placeholder": "YYYY-MM-DD HH:MM", "autocomplete": "off", "size": 18,
                "class": "datetime"}  # fmt: skip
        super().__init__(attrs={**base, **(attrs or {})}, format="%Y-%m-%d %H:%M")
