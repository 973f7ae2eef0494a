"""The generic REST/JSON adapter (Workday-style, or any EHR with a JSON API of its own).

Everything partner-specific is a setting: the URL template and method of a push, the
authentication, a JSONPath to the id in the answer, and for pulls the URL, a JSONPath to
the records array and one to the next cursor. The mapped payload is sent as it is: the
mapping template already shaped it for this partner.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mianshi.integrations.connectors.adapters.rest import auth, client, http
from mianshi.integrations.connectors.protocol import Context, Field, Page, PushResult

KINDS = frozenset({"assessment", "candidate", "employee", "application", "post_hire", "hire"})
METHODS = ("POST", "PUT", "PATCH")


def _opt(name: str, label: Any, secret: bool = False) -> Field:
    return Field(name, label, secret=secret, required=False)


AUTH_FIELDS = [
    _opt("auth", gettext_lazy("Authentication: none, basic, bearer, oauth2 or hmac")),
    _opt("token_url", gettext_lazy("OAuth 2.0 token URL")),
    _opt("scope", gettext_lazy("OAuth 2.0 scope")),
    _opt("token_auth", gettext_lazy("OAuth 2.0 client authentication (client_secret_post)")),
    _opt("hmac_header", gettext_lazy("HMAC signature header (default X-Signature)")),
    _opt("hmac_encoding", gettext_lazy("HMAC encoding: hex or base64")),
    _opt("hmac_prefix", gettext_lazy("HMAC signature prefix, e.g. sha256=")),
    _opt("hmac_timestamp_header", gettext_lazy("HMAC timestamp header (signs timestamp.body)")),
]
AUTH_CREDENTIALS = [
    _opt("username", gettext_lazy("User name (basic)")),
    _opt("password", gettext_lazy("Password (basic)"), secret=True),
    _opt("token", gettext_lazy("Bearer token"), secret=True),
    _opt("client_id", gettext_lazy("OAuth 2.0 client id")),
    _opt("client_secret", gettext_lazy("OAuth 2.0 client secret"), secret=True),
    _opt("hmac_secret", gettext_lazy("HMAC secret"), secret=True),
]


class RestAdapter:
    """Pushes the mapped record as JSON to a URL template; pulls pages by JSONPath."""

    key = "rest"
    label: str | Promise = gettext_lazy("Generic REST/JSON")
    settings_fields = [
        Field("url", gettext_lazy("Push URL template ({external_id}, {kind}, any record key)")),
        _opt("method", gettext_lazy("HTTP method: POST, PUT or PATCH")),
        _opt("id_path", gettext_lazy("JSONPath to the partner's id in its answer")),
        _opt("check_url", gettext_lazy("URL fetched by “test connection”")),
        _opt("pull_url", gettext_lazy("Pull URL template ({kind})")),
        _opt("records_path", gettext_lazy("JSONPath to the records array")),
        _opt("cursor_path", gettext_lazy("JSONPath to the next cursor")),
        _opt("cursor_param", gettext_lazy("Query parameter carrying the cursor")),
        *AUTH_FIELDS,
    ]
    credential_fields = AUTH_CREDENTIALS
    push_kinds = KINDS
    pull_kinds = KINDS

    def check(self, ctx: Context) -> None:
        auth.kind(ctx)
        if auth.kind(ctx) == "oauth2":
            auth.forget_token(ctx)  # the real handshake, not a cached token
            auth.oauth2_token(ctx)
        if ctx.settings.get("check_url"):
            client.call(ctx, "GET", client.render_url(str(ctx.settings["check_url"]), {}))

    def push(self, ctx: Context, kind: str, payload: dict[str, Any]) -> PushResult:
        return push_json(ctx, kind, payload, payload)

    def pull(self, ctx: Context, kind: str, cursor: str) -> Page:
        template = str(ctx.settings.get("pull_url") or "")
        if not template:
            raise http.bad_settings(_("the pull URL is missing"))
        url, params = _page_request(ctx, client.render_url(template, {"kind": kind}), cursor)
        document = http.json_body(client.call(ctx, "GET", url, params=params))
        following = _next_cursor(ctx, document)
        # a partner handing back the cursor it was given would make the sync loop forever
        return Page(
            records=_records(ctx, document), next_cursor="" if following == cursor else following
        )


def push_json(ctx: Context, kind: str, values: dict[str, Any], document: Any) -> PushResult:
    """Send `document` to the URL template filled from `values`; the id by JSONPath.
    Shared with exports that reshape the record first (HR-JSON)."""
    method = str(ctx.settings.get("method") or "POST").upper()
    if method not in METHODS:
        raise http.bad_settings(_("the method must be POST, PUT or PATCH"))
    url = client.render_url(str(ctx.settings.get("url") or ""), {**values, "kind": kind})
    resp = client.call(ctx, method, url, body=http.json_dumps(document))
    return PushResult(external_id=_external_id(ctx, resp), excerpt=http.excerpt(resp.content))


def _external_id(ctx: Context, resp: Any) -> str:
    path = str(ctx.settings.get("id_path") or "")
    if not path:
        return ""
    value = client.jsonpath_first(path, http.json_body(resp))
    if value is None or value == "" or isinstance(value, dict | list):
        msg = _("no id at %(path)s in %(answer)s")
        raise http.malformed(msg % {"path": path, "answer": http.excerpt(resp.content)})
    return str(value)


def _page_request(ctx: Context, url: str, cursor: str) -> tuple[str, dict[str, str] | None]:
    """The first page from `url`; later ones by the cursor as a query parameter, or by the
    partner's next link when the cursor is one — on the same origin only, so a partner's
    answer cannot send our credentials elsewhere."""
    if not cursor:
        return url, None
    if cursor.startswith(("http://", "https://")):
        here, there = urlsplit(url), urlsplit(cursor)
        if (here.scheme, here.netloc) != (there.scheme, there.netloc):
            raise http.malformed(_("the next page is on another host: %(url)s") % {"url": cursor})
        return cursor, None
    return url, {str(ctx.settings.get("cursor_param") or "cursor"): cursor}


def _records(ctx: Context, document: Any) -> list[dict[str, Any]]:
    values = client.jsonpath_values(str(ctx.settings.get("records_path") or "$"), document)
    records = values[0] if len(values) == 1 and isinstance(values[0], list) else values
    if not all(isinstance(record, dict) for record in records):
        raise http.malformed(_("the records are not JSON objects"))
    return records


def _next_cursor(ctx: Context, document: Any) -> str:
    path = str(ctx.settings.get("cursor_path") or "")
    value = client.jsonpath_first(path, document) if path else None
    return "" if value is None or value is False else str(value)
