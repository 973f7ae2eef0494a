"""What the analysis app does with events of the apps below it (ARCHITECTURE rule 5a).

An answer that passed its quality check (`answer.checked`, written by interviews in the
check's transaction) is queued for analysis here: interviews never imports analysis, and
the hand-off cannot be lost between the check's commit and the queueing. The outbox runs
this once per event (the run is created in the handling's own transaction).
"""

from __future__ import annotations

from mianshi.analysis.services import analysis_enqueue
from mianshi.events.consumers import consumer
from mianshi.events.models import Event
from mianshi.interviews.models import Answer


@consumer("analysis.enqueue", types=["answer.checked"])
def enqueue_checked_answer(event: Event) -> None:
    """Queue the checked answer's analysis (skipped without the candidate's AI consent)."""
    answer = Answer.objects.select_related("session").filter(pk=event.data["answer_id"]).first()
    if answer is not None:  # None: erased meanwhile, nothing left to analyse
        analysis_enqueue(answer=answer)
