"""What public recruitment does with events of the apps below it (ARCHITECTURE rule 5a).

A rating submitted in the review workbench (`rating.submitted`) becomes the rater's
interview mark when the rater is an examiner judging the candidate (workbench_marks.py).
Runs in the dispatcher's transaction with the handling marked done; the marks service is
idempotent per rating, so a second delivery records nothing more, and a refusal is audited
rather than raised (it would be refused again at every retry).
"""

from __future__ import annotations

from mianshi.events.consumers import consumer
from mianshi.events.models import Event
from mianshi.recruitment.workbench_marks import rating_marked


@consumer("recruitment.rating_mark", types=["rating.submitted"])
def rating_mark(event: Event) -> None:
    """Take an examiner's submitted workbench rating as their mark."""
    rating_marked(rating_id=int(event.data["rating_id"]))
