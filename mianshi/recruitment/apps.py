from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    """Public-recruitment mode (事业单位公开招聘): plans and posts, qualification screening,
    exams, examiners and 回避, synthesis, 公示 and 编制."""

    name = "mianshi.recruitment"
    label = "recruitment"
    verbose_name = _("Public recruitment")

    def ready(self) -> None:
        # The candidate's status page belongs to invitations, below this app: it is told
        # what to show through its registry, never by importing recruitment.
        from mianshi.invitations import status_sections
        from mianshi.recruitment.candidate_view import screening_section, steps_section

        status_sections.register(screening_section)
        status_sections.register(steps_section)

        # The start-up check of a configured major catalogue (registers on import).
        from mianshi.recruitment import checks  # noqa: F401

        # So does the rating form of reviews: an examiner whom 回避 keeps from a candidate
        # is refused the rating there, with the reason, before any mark is due.
        from mianshi.recruitment.workbench_marks import rating_refusal
        from mianshi.reviews import rating_guards

        rating_guards.register(rating_refusal)

        # The navigation belongs to organisations, below this app: an examiner's own day is
        # offered there to the active examiners of a pool, whom no role grant names.
        from mianshi.organisations import navigation
        from mianshi.recruitment.selectors_panels import examines

        navigation.register(navigation.NavEntry("recruitment:my_panels", _("My panels"), examines))
