"""REST endpoints under /api/jobs (thin: parse, call a service or selector, answer)."""

from ninja import Router

from mianshi.jobs.api import competency, jobs, questions, templates

router = Router(tags=["jobs"])
router.add_router("/jobs", jobs.router)
router.add_router("/models", competency.router)
router.add_router("/questions", questions.router)
router.add_router("/templates", templates.router)
