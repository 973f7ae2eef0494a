"""The 用友 YonBIP adapter: pushes candidates and staff (employees) to the endpoints the
tenant's YonBIP exposes, as the mapping template shaped them.

Which API path takes a candidate or a staff record depends on the tenant's YonBIP
edition and apps, so each is a setting; the signing, the token and the answer shape
are YonBIP's and live in client.py.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mianshi.integrations.connectors.adapters.rest import http
from mianshi.integrations.connectors.adapters.yonbip import client
from mianshi.integrations.connectors.protocol import Context, Field, Page, PushResult


class YonbipAdapter:
    """用友 YonBIP through a self-built app's appKey / appSecret."""

    key = "yonbip"
    label: str | Promise = gettext_lazy("Yonyou YonBIP")
    settings_fields = [
        Field("base_url", gettext_lazy("Open API gateway URL of the tenant")),
        Field("candidate_path", gettext_lazy("Path that saves a candidate"), required=False),
        Field("employee_path", gettext_lazy("Path that saves a staff record"), required=False),
        Field("id_field", gettext_lazy("Key of YonBIP's id in the answer's data"), required=False),
        Field("token_path", gettext_lazy("Token path"), required=False),
    ]
    credential_fields = [
        Field("app_key", gettext_lazy("appKey")),
        Field("app_secret", gettext_lazy("appSecret"), secret=True),
    ]
    push_kinds = frozenset({"candidate", "employee"})
    pull_kinds: frozenset[str] = frozenset()

    def check(self, ctx: Context) -> None:
        client.forget(ctx)  # the real signed handshake, not a cached token
        client.access_token(ctx)

    def push(self, ctx: Context, kind: str, payload: dict[str, Any]) -> PushResult:
        path = str(ctx.settings.get(f"{kind}_path") or "")
        if kind not in self.push_kinds or not path:
            raise http.bad_settings(_("no YonBIP path is set for “%(kind)s”") % {"kind": kind})
        data = client.call(ctx, path, payload)
        found = (
            data.get(str(ctx.settings.get("id_field") or "id")) if isinstance(data, dict) else None
        )
        return PushResult(external_id=str(found or ""), excerpt=http.excerpt(http.json_dumps(data)))

    def pull(self, ctx: Context, kind: str, cursor: str) -> Page:
        raise http.bad_settings(_("YonBIP records are not pulled"))
