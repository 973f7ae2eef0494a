"""The demo's integrations: a signed webhook and an HR-JSON connector to a stand-in EHR.

`scripts/demo_receiver.py` plays the customer's EHR on 127.0.0.1 (port
$DEMO_RECEIVER_PORT, default 8077). `load()` gives the root unit one webhook endpoint for
every public event (→ /webhooks) and one HR-JSON connector (→ /ehr/…) that sends the
assessment result when an offer is approved, with mapping template version 1. The
endpoint's secret and the connector's token are written to the data folder (0600) for the
receiver, so approving an offer in the demo shows a sync succeed on the integrations health
page and the signed events in the receiver's log.

Loopback is refused by the SSRF guard unless allow-listed (demo.sh sets
MIANSHI_WEBHOOK_ALLOW=127.0.0.1); without it `load()` makes nothing and says so. Called by
load_demo before the demo hire, so that hire's events reach the receiver too. Idempotent.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from mianshi.accounts.models import User
from mianshi.integrations.connectors.models import Connector
from mianshi.integrations.connectors.services.connectors import connector_create, template_create
from mianshi.integrations.webhooks.models import WebhookEndpoint
from mianshi.integrations.webhooks.outbound import OutboundRefused, check_url
from mianshi.integrations.webhooks.services import signing_secrets, webhook_create
from mianshi.organisations.models import OrgUnit

WEBHOOK_DESCRIPTION = "演示：客户 EHR 的 webhook 接收端 / demo receiver"
CONNECTOR_NAME = "演示 EHR（HR-JSON）"
SECRETS_FILE = "demo-receiver-secrets.json"
LOG_FILE = "demo-receiver.jsonl"
TEMPLATE = {
    "version": 1,
    "kind": "assessment",
    "maps": {"status": {"completed": "completed", "*": "in_progress"}},
    "fields": {
        "id": {"path": "$.application_id", "required": True},
        "subject_id": {"path": "$.candidate_id", "required": True},
        "name": {"path": "$.job_title", "default": ""},
        "overall_score": {"path": "$.scores.final", "transform": "round2", "required": True},
        "status": {"path": "$.status", "transform": "map:status"},
        "report_url": {"path": "$.report_url"},
        "dimensions": {
            "each": "$.dimensions[*]",
            "fields": {"name": {"path": "$.name"}, "score": {"path": "$.final"}},
        },
    },
}


@dataclass(frozen=True)
class DemoIntegrations:
    """What the demo made (or found): the endpoint and the connector."""

    endpoint: WebhookEndpoint
    connector: Connector


def receiver_url() -> str:
    """Where demo_receiver.py listens (the same variable the script reads)."""
    port = os.environ.get("DEMO_RECEIVER_PORT") or "8077"
    return f"http://127.0.0.1:{port}"


def data_path(name: str) -> Path:
    return Path(settings.DATA_DIR) / name


def load(*, unit: OrgUnit | None = None, owner: User | None = None) -> DemoIntegrations | None:
    """The endpoint and connector of `unit` (the root unit when not given), made once;
    None when loopback is not allow-listed or the demo has no unit or admin. `owner` (the
    demo's "admin" when not given) is mailed if the receiver ever answers 410."""
    root = unit or OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    owner = owner or User.objects.filter(username="admin").first()
    base = receiver_url()
    if root is None or owner is None or not _allowed(base):
        return None
    with transaction.atomic():
        made = DemoIntegrations(_endpoint(root, owner, base), _connector(root, owner, base))
    _write_secrets(made)
    return made


def _allowed(base: str) -> bool:
    try:
        check_url(base)
    except OutboundRefused:
        return False
    return True


def _endpoint(root: OrgUnit, owner: User, base: str) -> WebhookEndpoint:
    found = WebhookEndpoint.objects.filter(org_unit=root, description=WEBHOOK_DESCRIPTION).first()
    if found is not None:
        return found
    # No event types: every public type, new ones included.
    endpoint, _secret = webhook_create(
        actor=owner, org_unit=root, url=f"{base}/webhooks", event_types=[],
        description=WEBHOOK_DESCRIPTION,
    )  # fmt: skip
    return endpoint


def _connector(root: OrgUnit, owner: User, base: str) -> Connector:
    found = Connector.objects.filter(org_unit=root, name=CONNECTOR_NAME).first()
    if found is not None:
        return found
    data = {
        "name": CONNECTOR_NAME,
        "settings": {
            "url": base + "/ehr/assessment-results/{id}",
            "method": "PUT",
            "id_path": "$.id",
            "check_url": base + "/ehr/ping",
            "auth": "bearer",
        },
        "credentials": {"token": secrets.token_urlsafe(24)},
        "triggers": [{"event": "offer.approved", "kind": "assessment"}],
    }
    connector = connector_create(actor=owner, org_unit_id=root.pk, adapter="hrjson", data=data)
    template_create(
        actor=owner, connector=connector, kind="assessment", body=TEMPLATE, note="演示 / demo"
    )
    return connector


def _write_secrets(made: DemoIntegrations) -> None:
    """The receiver's secrets, readable by this user only (rewritten every load, so a
    deleted file comes back)."""
    values = {
        "webhook_secret": signing_secrets(made.endpoint)[0],
        "ehr_token": made.connector.credentials.get("token", ""),
    }
    path = data_path(SECRETS_FILE)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file may have been made with other permissions
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(values, out)


def loaded() -> bool:
    """Whether the demo's webhook exists (load_demo says how to get it when not)."""
    return WebhookEndpoint.objects.filter(description=WEBHOOK_DESCRIPTION).exists()
