"""The integrations API: webhooks, connectors and transition actions, one router each."""

from ninja import Router

from mianshi.integrations.api.automation import router as automation
from mianshi.integrations.api.connectors import router as connectors
from mianshi.integrations.api.files import router as files
from mianshi.integrations.api.webhooks import router as webhooks

router = Router(tags=["integrations"])
router.add_router("/webhooks", webhooks)
router.add_router("/connectors", connectors)
router.add_router("/files", files)
router.add_router("/transition-actions", automation)
