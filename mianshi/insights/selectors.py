"""The role home page (the to-do centre): which panels a user gets, and the pipeline funnel.

A user may hold several roles; each panel appears when its capability is held somewhere:
HR's lists where they may act on candidates, the rater's where they interview or manage a
department, the trail's state for auditors, system health for administrators. The funnel
counts the applications the user may see (the candidates app's scoping rule), as the old
dashboard did.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.selectors import application_stage_counts
from mianshi.insights.selectors_health import Health, is_admin, system_health
from mianshi.insights.selectors_hr import JobLinks, hr_lists, my_jobs
from mianshi.insights.selectors_rater import is_rater, rater_lists
from mianshi.insights.selectors_trail import TrailState, trail_state
from mianshi.insights.todo import TodoList
from mianshi.organisations.scoping import has_cap

# The main path through the pipeline; rejection and the talent pool leave it from any stage.
PATH = [s for s in Stage if s not in (Stage.REJECTED, Stage.TALENT_POOL)]


@dataclass(frozen=True)
class FunnelStage:
    """One stage: applications in it now, and at it or further along the main path."""

    code: str
    label: str
    now: int
    reached: int | None  # None for the exits (rejected, talent pool): no place on the path


@dataclass
class Funnel:
    stages: list[FunnelStage]
    total: int


@dataclass
class HomePage:
    """Everything the home page shows; a panel is None or empty when the user lacks its role."""

    hr: list[TodoList] = field(default_factory=list)
    rater: list[TodoList] = field(default_factory=list)
    jobs: list[JobLinks] = field(default_factory=list)
    jobs_count: int = 0
    funnel: bool = False  # the funnel panel, loaded after the page (views.funnel_panel)
    trail: TrailState | None = None
    health: Health | None = None

    @property
    def application_ids(self) -> list[int]:
        """The applications the page names (its read of personal data, for the audit)."""
        ids = {i.app_id for lst in (*self.hr, *self.rater) for i in lst.items if i.app_id}
        return sorted(ids)

    @property
    def lists(self) -> list[TodoList]:
        return [*self.rater, *self.hr]


def funnel(*, user: Actor) -> Funnel:
    """Per stage, applications in it now and applications at it or beyond on the main path
    (the candidates app's stage counts, scoped as the list of candidates).

    "Reached" counts where applications are now, not where rejected ones once were: a
    rejection does not record how far it got, so the exits are listed apart."""
    now = {code: n for code, _label, n in application_stage_counts(user=user)}
    stages, beyond = [], 0
    for stage in reversed(PATH):
        beyond += now.get(stage.value, 0)
        stages.append(FunnelStage(stage.value, str(stage.label), now.get(stage.value, 0), beyond))
    stages.reverse()
    for exit_ in (Stage.REJECTED, Stage.TALENT_POOL):
        stages.append(FunnelStage(exit_.value, str(exit_.label), now.get(exit_.value, 0), None))
    return Funnel(stages, sum(now.values()))


def home_page(*, user: Actor) -> HomePage:
    """The panels `user` gets, each read within the user's scope."""
    page = HomePage()
    if has_cap(user, Cap.CANDIDATES_MANAGE):
        page.hr = hr_lists(user=user)
        page.jobs, page.jobs_count = my_jobs(user=user)
    if is_rater(user):
        page.rater = rater_lists(user=user)
    # The funnel counts every visible application (30–60 ms at 100,000 candidates): the
    # page shows what waits first and the funnel follows in its own request.
    page.funnel = has_cap(user, Cap.CANDIDATES_VIEW)
    if has_cap(user, Cap.AUDIT_VIEW):
        page.trail = trail_state(user=user)
    if is_admin(user):
        page.health = system_health(user=user)
    return page
