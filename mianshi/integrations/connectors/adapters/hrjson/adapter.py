"""The HR-JSON export adapter: the interview's assessment result as an HR Open Standards
document, sent to the EHR's URL with the same authentication choices as generic REST."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mianshi.integrations.connectors.adapters.hrjson.document import (
    HrJsonError,
    hrjson_assessment_result,
)
from mianshi.integrations.connectors.adapters.rest import http
from mianshi.integrations.connectors.adapters.rest.adapter import (
    AUTH_CREDENTIALS,
    AUTH_FIELDS,
    RestAdapter,
    push_json,
)
from mianshi.integrations.connectors.protocol import Context, Field, Page, PushResult


class HrJsonAdapter(RestAdapter):
    """Pushes HR-JSON assessment results; REST's auth, URL template and id JSONPath."""

    key = "hrjson"
    label: str | Promise = gettext_lazy("HR Open Standards (HR-JSON) assessment results")
    settings_fields = [
        Field("url", gettext_lazy("URL template ({id}, {subject_id}, {kind})")),
        Field("method", gettext_lazy("HTTP method: POST, PUT or PATCH"), required=False),
        Field("id_path", gettext_lazy("JSONPath to the receiver's id"), required=False),
        Field("check_url", gettext_lazy("URL fetched by “test connection”"), required=False),
        *AUTH_FIELDS,
    ]
    credential_fields = AUTH_CREDENTIALS
    push_kinds = frozenset({"assessment"})
    pull_kinds: frozenset[str] = frozenset()

    def push(self, ctx: Context, kind: str, payload: dict[str, Any]) -> PushResult:
        try:
            document = hrjson_assessment_result(payload)
        except HrJsonError as exc:
            raise http.bad_settings(str(exc)) from None
        return push_json(ctx, kind, payload, document)

    def pull(self, ctx: Context, kind: str, cursor: str) -> Page:
        raise http.bad_settings(_("HR-JSON results are not pulled"))
