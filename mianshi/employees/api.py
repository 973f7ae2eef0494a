"""The employees API (employees:read / employees:write)."""

from ninja import Router

router = Router(tags=["employees"])
