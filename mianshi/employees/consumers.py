"""The archive's side of the outbox: an application entering "hired" becomes an employee.

Runs in the dispatcher's transaction with the handling marked done, and the service finds
an existing employee by application: a second delivery of the event creates nothing.
"""

from __future__ import annotations

from mianshi.candidates.pipeline import Stage
from mianshi.employees.services.employees import employee_from_hire
from mianshi.events.consumers import consumer
from mianshi.events.models import Event


@consumer("employees.hire", types=["application.stage_changed"])
def hire(event: Event) -> None:
    """Create the employee (with its frozen baseline) of a hired application."""
    if event.data.get("to_stage") != Stage.HIRED:
        return
    employee_from_hire(
        application_id=int(event.data["application_id"]), actor_id=event.data.get("actor_id")
    )
