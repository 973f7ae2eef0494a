"""What public recruitment tells the candidate on their status page (issue 15): whether they
passed 资格审查, with every rule's reason and the reason HR wrote when overriding it, then
one line per later step reached (written score entered, interview shortlist, 公示 list).

Registered with `invitations.status_sections` in RecruitmentConfig.ready(), since the status
page's app sits below this one. Only the candidate's own rows are read, and only what is
written for them: never another candidate, never an internal note (违纪, a result's status
reason, a tie decision).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from mianshi.candidates.models import Application
from mianshi.invitations.status_sections import StatusLine, StatusSection, Verdict
from mianshi.recruitment.models import Post, Publication, ResultStatus, ShortlistStatus
from mianshi.recruitment.selectors import CandidateScreening, screening_for_candidate

_ON_LIST = (ResultStatus.PUBLISHED, ResultStatus.HIRED)
_SHORTLISTED = (ShortlistStatus.SHORTLISTED, ShortlistStatus.SUBSTITUTE)


def screening_section(application: Application) -> StatusSection | None:
    """资格审查: the verdict that counts, each rule's reason, HR's reason; None off a post."""
    screening = screening_for_candidate(application)
    if not screening.screened:
        if not Post.objects.filter(job_id=application.job_id).exists():
            return None
        waiting = _("Your application will be checked against the post's requirements.")
        return StatusSection(
            _("Qualification check (资格审查)"), Verdict.PENDING, (StatusLine(waiting),)
        )
    return StatusSection(
        title=_("Qualification check (资格审查)"),
        verdict=Verdict.PASSED if screening.qualified else Verdict.NOT_PASSED,
        lines=_rule_lines(screening),
        note=screening.note,
    )


def _rule_lines(screening: CandidateScreening) -> tuple[StatusLine, ...]:
    return tuple(
        StatusLine(line.reason, Verdict.PASSED if line.passed else Verdict.NOT_PASSED)
        for line in screening.lines
    )


def steps_section(application: Application) -> StatusSection | None:
    """The steps after 资格审查 the candidate has reached, one line each; None before any."""
    own = (
        Application.objects.filter(pk=application.pk, job__post__isnull=False)
        .select_related("written", "shortlist", "result__publication")
        .first()
    )
    lines = _step_lines(own) if own is not None else ()
    if not lines:
        return None
    return StatusSection(_("Examinations and publication (考试与公示)"), None, lines)


def _step_lines(own: Application) -> tuple[StatusLine, ...]:
    written = getattr(own, "written", None)
    shortlist = getattr(own, "shortlist", None)
    result = getattr(own, "result", None)
    lines = []
    if written is not None:
        lines.append(_written_line(absent=written.absent))
    if shortlist is not None and shortlist.status in _SHORTLISTED:
        lines.append(StatusLine(_("Interview (面试): you are on the shortlist."), Verdict.PASSED))
    if result is not None and result.status in _ON_LIST and result.publication is not None:
        lines.append(_publication_line(result.publication))
    return tuple(lines)


def _written_line(*, absent: bool) -> StatusLine:
    if absent:
        return StatusLine(_("Written exam (笔试): recorded as absent."))
    return StatusLine(_("Written exam (笔试): your score has been entered."))


def _publication_line(publication: Publication) -> StatusLine:
    text = _("Publication (公示): you are on the list published from %(starts)s to %(ends)s.")
    window = {"starts": publication.starts_on.isoformat(), "ends": publication.ends_on.isoformat()}
    return StatusLine(text % window, Verdict.PASSED)
