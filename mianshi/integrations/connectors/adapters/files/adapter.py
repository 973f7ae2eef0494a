"""The "files" protocol in the connector list: a home for file layouts, nothing to call.

HR imports and exports files by hand, but their layouts are mapping templates like any
connector's, so an admin creates a connector of protocol "files" and edits its templates
(one per kind of record, versioned) in the same editor. The adapter has no endpoint: the
check has nothing to authenticate, nothing is pushed, and a pull finds nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from mianshi.integrations.connectors.protocol import (
    AdapterError,
    Context,
    Field,
    Page,
    PushResult,
    register_adapter,
)

FILE_KINDS = frozenset({"candidate", "application", "employee", "post_hire"})


class FilesAdapter:
    """CSV / Excel / XML layouts for the import and export page (connectors/files)."""

    key = "files"
    label: str | Promise = gettext_lazy("Files (CSV, Excel, XML)")
    settings_fields: list[Field] = []
    credential_fields: list[Field] = []
    push_kinds: frozenset[str] = frozenset()  # no trigger can send a record to a file
    pull_kinds = FILE_KINDS

    def check(self, ctx: Context) -> None:
        """Nothing to authenticate: files are uploaded by a signed-in person."""

    def push(self, ctx: Context, kind: str, payload: dict[str, Any]) -> PushResult:
        raise AdapterError(
            str(gettext_lazy("Files are downloaded from the import and export page.")),
            retryable=False,
            code="files_not_pushed",
        )

    def pull(self, ctx: Context, kind: str, cursor: str) -> Page:
        return Page(records=[])


register_adapter(FilesAdapter())
