"""Review API: reports."""

from ninja import Router

router = Router(tags=["reviews"])
