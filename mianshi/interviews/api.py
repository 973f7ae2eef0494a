"""REST API of this app (placeholder until its owner fills it)."""

from ninja import Router

router = Router(tags=["interviews"])
