"""API list pagination that audits the page it returns (F-100).

A list read of personal data is one audit event holding the ids on the page the caller
received, not one event per row. Only the paginator knows that page, so the audit lives
here, once, for every audited list endpoint:
`@paginate(AuditedPagination, page_size=50, audit_action="candidate.list")`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from mianshi.accounts.models import User
from mianshi.common.pagination import BoundedPageNumberPagination
from mianshi.compliance.services import audit_read


def _pk(item: Any) -> int:
    return int(item["id"] if isinstance(item, dict) else item.pk)


class AuditedPagination(BoundedPageNumberPagination):
    """Bounded page-number pagination; each page served is recorded as `audit_action`."""

    def __init__(
        self, *, audit_action: str, audit_id: Callable[[Any], int] = _pk, **kwargs: Any
    ) -> None:
        self.audit_action = audit_action
        self.audit_id = audit_id
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        if not isinstance(request.user, User):
            # Ninja types any request here; ApiKeyAuth lets none reach a list without its
            # user, and a read of personal data is recorded against a person or not served.
            raise PermissionDenied
        result = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(result[self.items_attribute])
        result[self.items_attribute] = items
        audit_read(
            actor=request.user,
            action=self.audit_action,
            ids=[self.audit_id(item) for item in items],
            detail={"page": pagination.page},
        )
        return result
