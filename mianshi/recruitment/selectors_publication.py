"""The publication list (公示) as the page, the PDF and the spreadsheet show it: one read,
masked per the plan's configuration (masking.py), so no export can disagree with the page.

Three queries whatever the list's length: the post, its latest publication, and the
results with their candidates and declared facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Candidate
from mianshi.organisations.scoping import scope
from mianshi.recruitment.idcard import id_facts
from mianshi.recruitment.masking import apply_mask
from mianshi.recruitment.models import Post, Publication, Result, ResultStatus
from mianshi.recruitment.parameters import COLUMNS
from mianshi.recruitment.qualification import EducationLevel

HEADINGS: dict[str, Promise] = {
    "name": gettext_lazy("Full name"),  # "Name" reads 名称 (of a thing) in other catalogues
    "gender": gettext_lazy("Gender"),
    "id_number": gettext_lazy("ID number"),
    "education": gettext_lazy("Education"),
    "post_code": gettext_lazy("Post code"),
    "written": gettext_lazy("Written score"),
    "interview": gettext_lazy("Interview score"),
    "total": gettext_lazy("Total score"),
    "rank": gettext_lazy("Rank"),
}
# Off the list once failed or withdrawn (an upheld objection, a withdrawal after 公示).
_OFF_THE_LIST = (ResultStatus.FAILED, ResultStatus.WITHDRAWN)


@dataclass(frozen=True)
class PublicationRow:
    """One candidate's line, its cells in the list's column order, already masked."""

    result_id: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class PublicationList:
    """What a 公示 shows: the title, the window, the visible columns and the rows."""

    post: Post
    publication: Publication
    headings: tuple[str, ...]
    rows: list[PublicationRow]

    @property
    def title(self) -> str:
        return _("Proposed hires for the post %(post)s: public notice") % {
            "post": self.post.job.title
        }

    @property
    def window(self) -> str:
        return _("Publication period: %(start)s to %(end)s") % {
            "start": _day(self.publication.starts_on), "end": _day(self.publication.ends_on),
        }  # fmt: skip


def _day(day: date) -> str:
    return _("%(year)s-%(month)02d-%(day)02d") % {
        "year": day.year, "month": day.month, "day": day.day,
    }  # fmt: skip


def visible_posts(user: Actor, cap: Cap = Cap.CANDIDATES_VIEW) -> QuerySet[Post]:
    """Posts whose job lies in a unit where `user` holds `cap`."""
    return scope(Post.objects.select_related("job", "plan"), user, cap, field="job__org_unit")


def _score(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _gender(candidate: Candidate) -> str:
    if candidate.gender:
        return str(candidate.get_gender_display())
    try:  # not stated: the ID number says it (the 17th digit)
        return _("Female") if id_facts(candidate.id_number).female else _("Male")
    except ValueError:
        return ""


def _education(result: Result) -> str:
    facts = getattr(result.application, "facts", None)
    code = facts.education if facts is not None else ""
    return str(EducationLevel(code).label) if code in EducationLevel.values else code


def _values(post: Post, result: Result, columns: tuple[str, ...]) -> dict[str, str]:
    candidate = result.application.candidate
    getters = {
        "name": lambda: candidate.name,
        "gender": lambda: _gender(candidate),
        "id_number": lambda: candidate.id_number,
        "education": lambda: _education(result),
        "post_code": lambda: post.code,
        "written": lambda: _score(result.written),
        "interview": lambda: _score(result.interview),
        "total": lambda: _score(result.total),
        "rank": lambda: str(result.rank or ""),
    }
    # Only the columns shown are read: a hidden ID number is never decrypted.
    return {c: getters[c]() for c in columns}


def publication_list(*, user: Actor, post: Post) -> PublicationList:
    """The post's latest list, masked as its plan says; 404 outside the user's units or
    before anything was published."""
    post = get_object_or_404(visible_posts(user), pk=post.pk)
    publication = Publication.objects.filter(post=post).order_by("-published_at", "-pk").first()
    if publication is None:
        raise Http404(_("Nothing has been published for this post yet."))
    masking = post.parameters.masking
    columns = tuple(c for c in COLUMNS if masking.get(c, "show") != "hide")
    results = (
        Result.objects.filter(publication=publication)
        .exclude(status__in=_OFF_THE_LIST)
        .select_related("application__candidate", "application__facts")
        .order_by("rank", "pk")
    )
    rows = []
    for result in results:
        values = _values(post, result, columns)
        cells = tuple(apply_mask(values[c], masking.get(c, "show")) or "" for c in columns)
        rows.append(PublicationRow(result_id=result.pk, cells=cells))
    return PublicationList(post, publication, tuple(str(HEADINGS[c]) for c in columns), rows)


def publication_rows(*, user: Actor, post: Post) -> list[PublicationRow]:
    """The rows of the post's latest list (name, gender, ID number, education, post code,
    written, interview, total, rank), each column masked per configuration."""
    return publication_list(user=user, post=post).rows
