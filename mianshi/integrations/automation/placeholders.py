"""Placeholders of notice templates: which exist, checking a text, filling it in.

HR writes "{candidate_name}，您好：…截止 {deadline}" once; a typo such as {name} must be
refused when the template is saved, not discovered when a candidate receives the raw
braces. Pure functions: `str.format_map` semantics with a fixed vocabulary and nothing
else (no attribute or index access, which would let a template reach into objects).
"""

from __future__ import annotations

from string import Formatter

from django.utils.translation import gettext as _

PLACEHOLDERS = (
    "candidate_name",
    "job_title",
    "org_name",
    "stage",
    "deadline",
    "interview_link",
)


def placeholder_errors(text: str) -> list[str]:
    """What is wrong with the placeholders of `text` (empty: it can be filled in)."""
    try:
        parts = [(name, spec, conv) for _lit, name, spec, conv in Formatter().parse(text)]
    except ValueError:
        return [_("Unbalanced braces: write {{ and }} for a literal brace.")]
    fields = [name for name, _spec, _conv in parts if name is not None]
    if any(spec or conv for name, spec, conv in parts if name is not None):
        # "{candidate_name:{x}}" would look up x when sending: plain names only.
        return [_("Write placeholders as a plain name in braces, e.g. {candidate_name}.")]
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        return [
            _("Unknown placeholders: %(names)s. Use: %(known)s.")
            % {
                "names": ", ".join("{" + n + "}" for n in unknown),
                "known": ", ".join("{" + n + "}" for n in PLACEHOLDERS),
            }
        ]
    return []


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with its placeholders replaced (a checked text; missing values are empty)."""
    return text.format_map({name: values.get(name, "") for name in PLACEHOLDERS})
