"""Who acts: the types a user crosses service boundaries as (issue 11, item 5).

`user: Actor` let an anonymous user, a raw id or nothing at all reach a service that audits
and scopes "the actor"; these names say at each boundary which of them may arrive:

- `Actor`: a signed-in staff user. What a service that writes on someone's behalf, and a
  selector that scopes what they see, take.
- `SystemActor`: an actor or `None`, the system (a task, a management command), for the
  services that also run without a person; `audit_record` writes "system" for `None`.
- `AuditActor`: whom an audit event names: a user, a label when no user acted ("candidate",
  "system", the username a failed sign-in gave), or `None`, the system.
- `Viewer`: whoever a page's request carries, anonymous included, for the few gates
  (scoping, template tags) that answer "nothing" to an anonymous user instead of refusing.
- `AuthedHttpRequest`: the request of a `@login_required` view, whose user is an `Actor`
  (the pattern django-stubs recommends); `ApiRequest`: an API request after `ApiKeyAuth`,
  which also carries the key's scopes.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from mianshi.accounts.models import User

Actor: TypeAlias = User
SystemActor: TypeAlias = User | None
AuditActor: TypeAlias = User | str | None
Viewer: TypeAlias = User | AnonymousUser


class AuthedHttpRequest(HttpRequest):
    """A request `@login_required` let through: its user is signed in."""

    user: Actor


class ApiRequest(AuthedHttpRequest):
    """A request `ApiKeyAuth` let through: the key's user and the scopes it grants."""

    api_scopes: frozenset[str]
    api_key_id: int
