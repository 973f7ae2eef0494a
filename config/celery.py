"""The Celery application; tasks live in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mianshi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Housekeeping that must happen even when no request triggers it (the worker runs with -B
# in the demo; a deployment runs one `celery beat`): lost deliveries and feedback e-mails,
# upload leftovers, stuck analysis runs.
app.conf.beat_schedule = {
    "maintain-deliveries": {"task": "invitations.maintain_deliveries", "schedule": 300.0},
    "maintain-uploads": {"task": "interviews.maintain_uploads", "schedule": 600.0},
    "maintain-analysis": {"task": "analysis.maintain_runs", "schedule": 600.0},
    "maintain-feedback": {"task": "reviews.maintain_feedback", "schedule": 300.0},
}
