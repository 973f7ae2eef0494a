"""The REST API: one Ninja instance mounting each app's router; OpenAPI at /api/openapi.json.

The OpenAPI document and /api/docs stay public on purpose (review L7): they describe the
integration contract, hold no data, and every operation itself requires an API key.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from mianshi.accounts.api_auth import ApiKeyAuth
from mianshi.accounts.models import User
from mianshi.accounts.services.users import home_unit
from mianshi.common.errors import DomainError
from mianshi.common.idempotency import Replay
from mianshi.common.idempotency_api import idempotency_install
from mianshi.common.inputguard import out_of_range_message
from mianshi.compliance.services import audit_record
from mianshi.events.openapi import add_event_schemas

api = NinjaAPI(
    title="Mianshi API",
    version="1.0.0",
    description=(
        "Jobs, competency models, question banks, candidates, applications, interviews, "
        "reviews, employees and integrations. Every event type's envelope is a component "
        "schema (Event_<type>); webhooks are signed per Standard Webhooks 1.0."
    ),
    auth=ApiKeyAuth(),
    urls_namespace="api",
)


def audit_replay(request: HttpRequest, replay: Replay) -> None:
    """A replay serves a stored answer again, which can hold personal data: one entry on
    the audit trail, naming the key by its hash only, filed under the caller's unit
    (common cannot import compliance, so the hook is passed from here, where both meet)."""
    user = request.user if isinstance(request.user, User) else None
    audit_record(
        actor=user or "anonymous",
        action="api.idempotent_replay",
        object_type="common.idempotencyrecord",
        object_id=replay.record_id,
        org_unit_id=home_unit(user) if user else None,
        detail={"key": replay.key_digest, "method": request.method, "path": _path_of(request),
                "status": replay.status},
    )  # fmt: skip


def _path_of(request: HttpRequest) -> str:
    # Audit details hold short codes (at most 80 characters; the longest route is 61): a
    # longer path, only possible with absurd ids, is named by its route, which holds none.
    match = request.resolver_match
    path = request.path if len(request.path) <= 80 or match is None else match.route
    return path[:80]


idempotency_install(api, on_replay=audit_replay)  # Idempotency-Key on every POST (issue 12)
_build_schema = api.get_openapi_schema


def _schema_with_events(**kwargs: Any) -> Any:
    """The document Ninja builds, plus one component schema per public event type."""
    return add_event_schemas(_build_schema(**kwargs))


api.get_openapi_schema = _schema_with_events  # type: ignore[method-assign]


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        detail = [
            {"loc": [field], "msg": str(msg)}
            for field, errors in exc.message_dict.items()
            for msg in errors
        ]
    else:
        detail = [{"loc": [], "msg": str(msg)} for msg in exc.messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = {"detail": exc.message, "code": exc.code}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """An id or number beyond what the database stores: the client's error, not ours."""
    detail = [{"loc": [], "msg": out_of_range_message()}]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("Permission denied.")}, status=403)


def _mount() -> None:
    """Each app's router lives in its own api.py; add new apps here."""
    from mianshi.accounts.api import router as accounts
    from mianshi.candidates.api import router as candidates
    from mianshi.compliance.api import router as compliance
    from mianshi.employees.api import router as employees
    from mianshi.events.api import router as events
    from mianshi.integrations.api import router as integrations
    from mianshi.interviews.api import router as interviews
    from mianshi.invitations.api import router as invitations
    from mianshi.jobs.api import router as jobs
    from mianshi.organisations.api import router as organisations
    from mianshi.recruitment.api import router as recruitment
    from mianshi.reviews.api import router as reviews

    api.add_router("/org", organisations)
    api.add_router("/accounts", accounts)
    api.add_router("/jobs", jobs)
    api.add_router("/candidates", candidates)
    api.add_router("/audit", compliance)
    api.add_router("/invitations", invitations)
    api.add_router("/interviews", interviews)
    api.add_router("/reviews", reviews)
    api.add_router("/events", events)
    api.add_router("/integrations", integrations)
    api.add_router("/employees", employees)
    api.add_router("/recruitment", recruitment)


_mount()
