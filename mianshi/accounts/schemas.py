"""API schemas of users, role grants and API keys."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from mianshi.accounts.roles import Role
from mianshi.common.pagination import DbId


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    is_active: bool
    is_locked: bool
    last_login: datetime | None
    date_joined: datetime


class UserIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=128)
    display_name: str = Field(default="", max_length=80)
    email: str = Field(default="", max_length=254)
    role: Role | None = None
    org_unit_id: DbId | None = None


class UserUpdate(Schema):
    username: str = Field(min_length=1, max_length=150)
    display_name: str = Field(default="", max_length=80)
    email: str = Field(default="", max_length=254)


class UserPatch(Schema):
    username: str | None = Field(default=None, min_length=1, max_length=150)
    display_name: str | None = Field(default=None, max_length=80)
    email: str | None = Field(default=None, max_length=254)


class UserFilter(Schema):
    q: str = ""
    is_active: bool | None = None
    unit_id: DbId | None = None
    role: Role | None = None


class PasswordIn(Schema):
    password: str = Field(min_length=1, max_length=128)


class GrantOut(Schema):
    id: int
    user_id: int
    role: Role
    org_unit_id: int
    org_unit_code: str = Field(alias="org_unit.code")
    created_at: datetime


class GrantIn(Schema):
    role: Role
    org_unit_id: DbId


class ApiKeyOut(Schema):
    id: int
    user_id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None


class ApiKeyIn(Schema):
    name: str = Field(default="", max_length=80)
    scopes: list[str] = Field(min_length=1)
    expires_in_days: int | None = Field(
        default=None, ge=1, le=36500, description="Lifetime; the default is the longest allowed."
    )


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The raw key: shown once, never again.")


class MeOut(Schema):
    user: UserOut
    grants: list[GrantOut]
    scopes: list[str]
