"""The Moka adapter: results of our video interviews go back to Moka, and applications
come from Moka's `ehrApplications` with its `next` cursor.

`POST /api-platform/v2/data/ehrApplications` takes `{"limit": ≤20, "next": cursor}` and
answers `{"code": 200, "msg", "next", "data": [...]}` (Moka's API documentation); the
last page has no `next`. The result push path is not in what Moka publishes openly (the
provider guide behind the binding describes it per provider type): we model it as a
JSON POST carrying the binding's appId, with the path a setting.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mianshi.integrations.connectors.adapters.moka import client
from mianshi.integrations.connectors.adapters.rest import http
from mianshi.integrations.connectors.protocol import Context, Field, Page, PushResult

APPLICATIONS_PATH = "/api-platform/v2/data/ehrApplications"
RESULT_PATH = "/api-platform/v1/open-platform/interview/result"
PAGE_SIZE = 20  # Moka's maximum for ehrApplications


def _opt(name: str, label: Any, secret: bool = False) -> Field:
    return Field(name, label, secret=secret, required=False)


class MokaAdapter:
    """Moka through the video-interview provider binding."""

    key = "moka"
    label: str | Promise = gettext_lazy("Moka")
    settings_fields = [
        Field("redirect_uri", gettext_lazy("Redirect URI registered with Moka")),
        _opt("base_url", gettext_lazy("API base URL (default https://api.mokahr.com)")),
        _opt("login_url", gettext_lazy("Binding page URL")),
        _opt("token_path", gettext_lazy("Token path")),
        _opt("result_path", gettext_lazy("Interview result path")),
        _opt("applications_path", gettext_lazy("Applications path")),
    ]
    credential_fields = [
        Field("client_id", gettext_lazy("clientId issued by Moka")),
        Field("client_secret", gettext_lazy("clientSecret issued by Moka"), secret=True),
        _opt("code", gettext_lazy("One-time authorization code from the binding"), secret=True),
        _opt("webhook_secret", gettext_lazy("Webhook signing key"), secret=True),
    ]
    push_kinds = frozenset({"assessment"})
    pull_kinds = frozenset({"application"})

    def check(self, ctx: Context) -> None:
        if (ctx.state.get("moka") or {}).get("refresh_token"):
            client.refresh(ctx)  # the real handshake, not a cached token
        else:
            client.access_token(ctx)

    def push(self, ctx: Context, kind: str, payload: dict[str, Any]) -> PushResult:
        path = str(ctx.settings.get("result_path") or RESULT_PATH)
        answer = client.call(ctx, path, {**payload, "appId": client.app_id(ctx)})
        data = answer.get("data")
        external_id = data.get("id") if isinstance(data, dict) else None
        return PushResult(
            external_id=str(external_id or ""), excerpt=http.excerpt(http.json_dumps(answer))
        )

    def pull(self, ctx: Context, kind: str, cursor: str) -> Page:
        body: dict[str, Any] = {"limit": PAGE_SIZE, **({"next": cursor} if cursor else {})}
        path = str(ctx.settings.get("applications_path") or APPLICATIONS_PATH)
        answer = client.call(ctx, path, body)
        records = answer.get("data")
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise http.malformed(_("ehrApplications did not return a list of applications"))
        following = str(answer.get("next") or "")
        # the cursor handed back unchanged would make the sync loop forever
        return Page(records=records, next_cursor="" if following == cursor else following)
