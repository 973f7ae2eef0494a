"""The connector pages (Cap.INTEGRATIONS_MANAGE): connectors, template editor, syncs, health."""
