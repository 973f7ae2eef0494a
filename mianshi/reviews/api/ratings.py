"""Review API: ratings."""

from ninja import Router

router = Router(tags=["reviews"])
