"""Imported by the real-worker test's worker only (`celery worker --include`): registers
the probe consumer in that process."""

from mianshi.events.consumers import consumer
from mianshi.events.tests.probe import NAME, TYPE, probe

consumer(NAME, types=[TYPE])(probe)
