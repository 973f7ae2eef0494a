"""Resolving a job named by a row (its id) among the jobs the importer may add applicants to."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.candidates import selectors as csel
from mianshi.integrations.connectors.files.kinds.base import Problems
from mianshi.jobs.models import Job, JobStatus


class JobLookup:
    """Jobs by id, each read once per import (a file names the same few jobs many times)."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.cache: dict[str, Job | None] = {}

    def get(self, key: str, problems: Problems, *, required: bool = False) -> Any:
        """The open job `key` names, None when empty (and not required); a problem otherwise."""
        if not key:
            if required:
                problems.append(("job_id", _("Name the job (its id).")))
            return None
        if key not in self.cache:
            jobs = csel.jobs_for_applications(user=self.actor)
            self.cache[key] = jobs.filter(pk=int(key)).first() if _is_id(key) else None
        job = self.cache[key]
        if job is None:
            problems.append(("job_id", _("Unknown job, or not one you manage.")))
        elif job.status != JobStatus.OPEN:
            problems.append(("job_id", _("Applications can only be added to open jobs.")))
        return job


def _is_id(key: str) -> bool:
    """Digits that fit a database id (a longer number would overflow the query)."""
    return key.isdigit() and len(key) <= 18
