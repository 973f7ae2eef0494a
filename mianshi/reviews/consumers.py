"""What the reviews app does with events of the apps below it (ARCHITECTURE rule 5a).

A stored or failed analysis (`analysis.completed`) changes the interview's combined score,
its anomaly flags and maybe the application's stage ("AI scored"): the refresh runs here,
so the analysis app never imports reviews. It recomputes from the stored facts, so a
refresh after a later one changed nothing is harmless.
"""

from __future__ import annotations

from mianshi.events.consumers import consumer
from mianshi.events.models import Event
from mianshi.reviews.services.scores import session_scores_refresh


@consumer("reviews.scores_refresh", types=["analysis.completed"])
def refresh_scores(event: Event) -> None:
    """Recompute the interview's scores after one of its answers was analysed."""
    session_scores_refresh(session_id=int(event.data["session_id"]))
