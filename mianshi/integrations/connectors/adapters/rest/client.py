"""Calls to a generic REST/JSON partner: URL templates, authentication, one retry when an
OAuth 2.0 token was refused, and JSONPath reads of the answer.

URL templates take `{name}` placeholders filled from the mapped record (and `{kind}`);
only plain names are allowed — never Python's `str.format`, whose `{0.__class__}` would
let a template read our objects — and every value is percent-encoded, so a record cannot
add a path segment or a query parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from django.utils.translation import gettext as _
from jsonpath_ng.exceptions import JSONPathError
from jsonpath_ng.ext import parse as jsonpath_parse

from mianshi.integrations.connectors.adapters.rest import auth, http
from mianshi.integrations.connectors.protocol import Context

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def render_url(template: str, values: Mapping[str, Any]) -> str:
    """The template with each `{name}` replaced by the percent-encoded value."""

    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        if value is None or value == "":
            msg = _("the URL needs “%(name)s”, which the record does not have") % {"name": name}
            raise http.bad_settings(msg)
        return quote(str(value), safe="")

    url = PLACEHOLDER.sub(value_of, template)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise http.bad_settings(_("“%(url)s” is not an http(s) URL") % {"url": template})
    return url


def call(
    ctx: Context,
    method: str,
    url: str,
    *,
    body: bytes = b"",
    content_type: str = "application/json",
    params: Mapping[str, str] | None = None,
) -> requests.Response:
    """One authenticated request; an OAuth 2.0 token the server refuses is replaced once
    (it may have been revoked before its expiry), then the status decides."""
    for attempt in (1, 2):
        headers = {"Accept": "application/json", **auth.headers(ctx, body)}
        if body:
            headers["Content-Type"] = content_type
        resp = http.send(ctx, method, url, data=body or None, headers=headers, params=params)
        if resp.status_code == 401 and attempt == 1 and auth.kind(ctx) == "oauth2":
            auth.forget_token(ctx)
            continue
        break
    http.check_status(resp, http.partner_message(resp))
    return resp


def jsonpath_values(path: str, document: Any) -> list[Any]:
    """Every value `path` finds in `document`; bad_settings for a path that does not parse."""
    try:
        expression = jsonpath_parse(path)
    except JSONPathError as exc:
        msg = _("“%(path)s” is not a JSONPath (%(reason)s)") % {"path": path, "reason": exc}
        raise http.bad_settings(msg) from None
    return [match.value for match in expression.find(document)]


def jsonpath_first(path: str, document: Any) -> Any:
    """The first value `path` finds, None when nothing matches."""
    values = jsonpath_values(path, document)
    return values[0] if values else None
