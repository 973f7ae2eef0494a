"""Candidate and application reads; every query starts from the visible querysets here.

Who sees what (SPEC 1, F-02): HR roles see their grant subtree (candidates they own and any
with an application there); department managers see candidates with applications in their
departments; interviewers see only applications assigned to them. The UI, the API, bulk
actions and exports all go through `visible_applications` / `visible_candidates`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.shortcuts import get_object_or_404

from mianshi.accounts.actor import Actor
from mianshi.accounts.models import User
from mianshi.accounts.roles import Cap, Role, roles_with
from mianshi.candidates import blind
from mianshi.candidates.models import (
    Application,
    ApplicationAssignment,
    ApplicationTransition,
    Candidate,
    CandidateNote,
    Tag,
)
from mianshi.candidates.pipeline import Stage, allowed_targets
from mianshi.candidates.validators import looks_like_id_number, looks_like_phone
from mianshi.common.crypto import blind_index
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import scope, units_for
from mianshi.organisations.selectors import orgunit_resolve, orgunits_usable

M = TypeVar("M", bound=Model)

LIMITED_ROLES = {Role.DEPT_MANAGER, Role.INTERVIEWER}
FULL_ROLES = roles_with(Cap.CANDIDATES_VIEW) - LIMITED_ROLES


def visible_applications(user: Actor) -> QuerySet[Application]:
    """Applications `user` may see, by role (see module docstring)."""
    qs = scope(Application.objects.all(), user, Cap.CANDIDATES_VIEW)
    return visible_via_application(qs, user, application="pk")


def visible_via_application(
    qs: QuerySet[M], user: Actor, *, unit: str = "org_unit", application: str = "application"
) -> QuerySet[M]:
    """Rows of an application (its own row, an interview, a score…) that `user` may see: the
    rule of visible_applications applied to the row's own copy of the unit, so a large
    organisation's query never lists every visible application."""
    full = units_for(user, Cap.CANDIDATES_VIEW, roles=FULL_ROLES)
    dept = units_for(user, Cap.CANDIDATES_VIEW, roles={Role.DEPT_MANAGER})
    interviewing = units_for(user, Cap.CANDIDATES_VIEW, roles={Role.INTERVIEWER})
    rule = Q(**{f"{unit}__in": full | dept})
    if interviewing:
        assigned = ApplicationAssignment.objects.filter(
            application=OuterRef(application), interviewer=user
        )
        rule |= Q(**{f"{unit}__in": interviewing}) & Q(Exists(assigned))
    return qs.filter(rule)


def visible_candidates(user: Actor) -> QuerySet[Candidate]:
    """Candidates `user` may see: owned by a full-view unit, or with a visible application."""
    full = units_for(user, Cap.CANDIDATES_VIEW, roles=FULL_ROLES)
    applying = visible_applications(user)
    if not full:
        # Managers and interviewers see applicants only: a non-correlated IN (…) computes
        # their (few) candidate ids once.
        return Candidate.objects.filter(pk__in=applying.values("candidate_id"))
    # HR: most visible candidates are owned by the user's units, so the per-row EXISTS runs
    # only for the others, on the (candidate, org_unit) index; a page of 50 then stops
    # after ~50 rows instead of first collecting every visible application (measured at
    # 100,000 candidates: 0.1 ms against 190 ms for the IN form).
    elsewhere = applying.filter(candidate=OuterRef("pk"))
    return Candidate.objects.filter(Q(org_unit__in=full) | Q(Exists(elsewhere)))


def manageable_applications(user: Actor) -> QuerySet[Application]:
    """Applications `user` may change (CANDIDATES_MANAGE on the application's unit)."""
    return scope(Application.objects.all(), user, Cap.CANDIDATES_MANAGE)


def manageable_candidates(user: Actor) -> QuerySet[Candidate]:
    """Candidates `user` may change: owned by, or applying to, a unit they manage."""
    units = units_for(user, Cap.CANDIDATES_MANAGE)
    apps = Application.objects.filter(candidate=OuterRef("pk"), org_unit__in=units)
    return Candidate.objects.filter(Q(org_unit__in=units) | Q(Exists(apps)))


def _for_write(visible: QuerySet[Any], manageable: QuerySet[Any], pk: int) -> Any:
    obj = get_object_or_404(visible, pk=pk)
    if not manageable.filter(pk=pk).exists():
        raise PermissionDenied
    return obj


def candidate_for_write(*, user: Actor, pk: int) -> Candidate:
    """The candidate if `user` may change it: 404 when invisible, 403 when only visible."""
    return _for_write(visible_candidates(user), manageable_candidates(user), pk)


def application_for_write(*, user: Actor, pk: int) -> Application:
    """The application if `user` may change it: 404 when invisible, 403 when only visible."""
    return _for_write(
        visible_applications(user).select_related("candidate", "job"),
        manageable_applications(user),
        pk,
    )


def candidate_get(*, user: Actor, pk: int) -> Candidate:
    """One visible candidate or 404."""
    return get_object_or_404(visible_candidates(user).select_related("org_unit"), pk=pk)


def application_get(*, user: Actor, pk: int) -> Application:
    """One visible application or 404."""
    qs = visible_applications(user).select_related("candidate", "job", "org_unit")
    return get_object_or_404(qs, pk=pk)


# --- list and search ------------------------------------------------------------------

# Beyond this many matches the list says "more than …" instead of counting them all: the
# exact count of 80,000 visible candidates costs a scan of every one of them per page view.
COUNT_CAP = 10_000
MAX_PAGE = 1_000_000
# See _with_application: where collecting matches stops paying against walking candidates.
BROAD_FILTER = 40_000


@dataclass(frozen=True)
class CandidateFilters:
    """The list's query parameters, already parsed."""

    q: str = ""
    job: int | None = None
    stage: str = ""
    unit: int | None = None
    tag: str = ""


def search_kind(q: str) -> str:
    """What a search term is: an identifier kind (exact, blind index), "name", or ""."""
    q = q.strip()
    if not q:
        return ""
    if "@" in q:
        return "email"
    if looks_like_id_number(q):
        return "id_number"
    return "phone" if looks_like_phone(q) else "name"


def _search(qs: QuerySet[Candidate], q: str) -> QuerySet[Candidate]:
    """Identifiers match exactly through the blind index; anything else searches names."""
    kind = search_kind(q)
    if kind != "name":
        return qs.filter(**{f"{kind}_bidx": blind_index(q, kind=kind)})
    # A substring cannot use an index's order, but scanning the narrow name index (as a
    # subquery) reads a tenth of the pages of the wide rows (encrypted columns) it skips.
    return qs.filter(pk__in=Candidate.objects.filter(name__icontains=q).values("pk"))


def _application_filter(user: Actor, f: CandidateFilters) -> QuerySet[Application]:
    apps = visible_applications(user)
    if f.job:
        apps = apps.filter(job_id=f.job)
    if f.stage:
        apps = apps.filter(stage=f.stage)
    return apps


def _with_application(apps: QuerySet[Application]) -> Q:
    """The filter "has one of `apps`", in the query form that is cheaper for their number.

    Collecting the candidate ids once (IN) costs a step per matching application; walking
    candidates newest first and probing each (EXISTS) stops after a page or the count cap,
    but a probe costs an index seek per visible unit. Measured at 100,000 candidates:
    54,000 matches (3 units) 290 ms collected, 32 ms walked; 24,000 matches (8 units)
    50 ms collected, 900 ms walked; 700 matches 1 ms collected, 580 ms walked. Counting
    up to the threshold reads only the covering index (a few ms).
    """
    if apps.order_by()[:BROAD_FILTER].count() < BROAD_FILTER:
        return Q(pk__in=apps.values("candidate_id"))
    return Q(Exists(apps.filter(candidate=OuterRef("pk"))))


def candidate_list(*, user: Actor, filters: CandidateFilters) -> QuerySet[Candidate]:
    """Visible candidates matching the filters, newest first."""
    if filters.job or filters.stage:
        # A visible application in that job/stage already makes its candidate visible, so the
        # broader visibility rule (an OR the database evaluates per row) can be skipped.
        qs = Candidate.objects.filter(_with_application(_application_filter(user, filters)))
    else:
        qs = visible_candidates(user)
    if filters.q.strip():
        qs = _search(qs, filters.q.strip())
    if filters.tag:
        tagged = Candidate.tags.through.objects.filter(tag__name=filters.tag)
        qs = qs.filter(pk__in=tagged.values("candidate_id"))
    if filters.unit:
        # The subtree as a subquery: no round trip to look up the unit's path first.
        path = OrgUnit.objects.filter(pk=filters.unit).values("path")[:1]
        units = OrgUnit.objects.filter(path__startswith=Subquery(path)).values("pk")
        in_units = Application.objects.filter(candidate=OuterRef("pk"), org_unit__in=units)
        qs = qs.filter(Q(org_unit__in=units) | Q(Exists(in_units)))
    return qs.order_by("-id")


def candidate_rows(
    *, user: Actor, candidates: Iterable[Candidate], filters: CandidateFilters
) -> list[Candidate]:
    """One page of candidates with their tags and visible (filtered) applications attached."""
    page = list(candidates)
    # Narrow by primary key first: otherwise the planner may walk the (unit, stage) index
    # over every application of the user's units to find the page's few.
    of_page = Application.objects.filter(candidate_id__in=[c.pk for c in page])
    apps = _application_filter(user, filters).filter(
        pk__in=list(of_page.values_list("pk", flat=True))
    )
    # The reader's own assignments: whether they rate one (its score then stays hidden,
    # see blind.py) is read from them.
    apps = apps.select_related("job").prefetch_related(blind.rater_assignments(user))
    apps = apps.order_by("-id")
    prefetch_related_objects(
        page, "tags", Prefetch("applications", queryset=apps, to_attr="shown_applications")
    )
    # get_stage_display rebuilds and hashes the whole (lazily translated) choices list per
    # call: 150 applications cost more than the queries. Translate the labels once.
    labels = {value: str(label) for value, label in Stage.choices}
    for candidate in page:
        shown = candidate.shown_applications  # type: ignore[attr-defined]
        for application in shown:
            application.stage_label = labels[application.stage]
        blind.scores_hide(user=user, applications=shown)
    return page


def candidate_detail(*, user: Actor, pk: int) -> dict[str, Any]:
    """Everything the detail page and API show for one visible candidate."""
    candidate = candidate_get(user=user, pk=pk)
    apps = list(
        visible_applications(user)
        .filter(candidate=candidate)
        .select_related("job", "org_unit")
        .prefetch_related(
            Prefetch("transitions", queryset=ApplicationTransition.objects.select_related("actor")),
            Prefetch(
                "assignments", queryset=ApplicationAssignment.objects.select_related("interviewer")
            ),
        )
        .order_by("-created_at", "-id")
    )
    for application in apps:
        application.allowed = [(s.value, str(s.label)) for s in allowed_targets(application.stage)]
    hidden = candidate.applications.count() - len(apps)
    duplicates = duplicates_of(user=user, candidate=candidate)
    blind.scores_hide(user=user, applications=[*apps, *_shown_of(duplicates)])
    candidate.detail = {
        "candidate": candidate,
        "applications": apps,
        "hidden_applications": hidden,
        "notes": list(CandidateNote.objects.filter(candidate=candidate).select_related("author")),
        "tags": list(candidate.tags.all()),
        "duplicates": duplicates,
        "can_manage": manageable_candidates(user).filter(pk=pk).exists(),
        "full_identifiers": can_see_identifiers(user=user, candidate=candidate),
    }
    return candidate.detail


def _shown_of(candidates: Iterable[Candidate]) -> list[Application]:
    return [a for c in candidates for a in c.shown_applications]  # type: ignore[attr-defined]


def has_interview_records(*, candidate: Candidate) -> bool:
    """Interviews, ratings or decisions on record: records to keep (F-101), whose media the
    delete cascade never reaches, so such a candidate is erased, never simply deleted."""
    interviewed = Q(interview_sessions__isnull=False) | Q(decisions__isnull=False)
    return candidate.applications.filter(interviewed).exists()


def duplicates_of(*, user: Actor, candidate: Candidate) -> list[Candidate]:
    """Visible candidates linked as possible duplicates (either direction), with applications
    (and the reader's assignments, for the blind-score rule)."""
    anchor = candidate.duplicate_of_id or candidate.pk
    # The (few) linked ids first, as a subquery: filtered together with the visibility
    # rule, the database walked every visible candidate (130 ms at 100,000).
    linked = Candidate.objects.filter(Q(pk=anchor) | Q(duplicate_of_id=anchor)).values("pk")
    apps = visible_applications(user).select_related("job")
    apps = apps.prefetch_related(blind.rater_assignments(user)).order_by("-created_at")
    qs = visible_candidates(user).filter(pk__in=linked).exclude(pk=candidate.pk)
    return list(qs.prefetch_related(Prefetch("applications", apps, to_attr="shown_applications")))


def tag_list() -> list[Tag]:
    """Every tag (tags are shared labels without personal data)."""
    return list(Tag.objects.all())


def can_see_identifiers(*, user: Actor, candidate: Candidate) -> bool:
    """Full ID number / phone / e-mail only for CANDIDATES_MANAGE on the candidate's unit."""
    return candidate.org_unit_id in units_for(user, Cap.CANDIDATES_MANAGE)


def mask(value: str, kind: str) -> str:
    """138****5678, 110***********123X, z***@example.com."""
    if not value:
        return ""
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    keep = 4 if len(value) > 8 else 2
    head = 3 if len(value) > 8 else 1
    return value[:head] + "*" * (len(value) - head - keep) + value[-keep:]


def identifiers(*, candidate: Candidate, full: bool) -> dict[str, str]:
    """The three identifiers, decrypted, masked unless `full`."""
    values = {"id_number": candidate.id_number, "phone": candidate.phone, "email": candidate.email}
    return values if full else {k: mask(v, k) for k, v in values.items()}


def identifiers_for(*, user: Actor, candidate: Candidate) -> dict[str, str]:
    """The identifiers as `user` may read them on a page, in the API or an export."""
    return identifiers(
        candidate=candidate, full=can_see_identifiers(user=user, candidate=candidate)
    )


def identifiers_in_document(*, candidate: Candidate) -> dict[str, str]:
    """Always masked: a document (the PDF report) leaves the system and is passed on to
    people whose rights nobody checks, so it never carries identifiers in full."""
    return identifiers(candidate=candidate, full=False)


def application_stage_counts(*, user: Actor) -> list[tuple[str, str, int]]:
    """(stage, label, count) per pipeline stage over the applications `user` may see."""
    # Grouped by (unit, stage), the (org_unit, stage, …) index delivers the groups in order;
    # by stage alone the database sorts every visible application first (34 ms vs 89 ms
    # at 100,000 candidates). The units are summed here.
    rows = (
        visible_applications(user)
        .order_by()
        .values_list("org_unit_id", "stage")
        .annotate(n=Count("*"))
    )
    counts: dict[str, int] = {}
    for _unit, stage, n in rows:
        counts[stage] = counts.get(stage, 0) + n
    return [(stage.value, str(stage.label), counts.get(stage.value, 0)) for stage in Stage]


def interviewer_choices(*, application: Application) -> QuerySet[User]:
    """Active users holding the interviewer role over the application's unit."""
    unit_path = application.org_unit.path
    prefixes = [unit_path[: i + 1] for i, ch in enumerate(unit_path) if ch == "/" and i > 0]
    return (
        User.objects.filter(
            is_active=True, grants__role=Role.INTERVIEWER, grants__org_unit__path__in=prefixes
        )
        .distinct()
        .order_by("username")
    )


def active_user(*, pk: int | None) -> User | None:
    """An active staff user by id, or None (candidates for interviewer assignment)."""
    return User.objects.filter(pk=pk, is_active=True).first() if pk else None


def jobs_for_applications(*, user: Actor) -> QuerySet[Any]:
    """Jobs `user` may add applications to (managed units), newest first."""
    from mianshi.jobs.models import Job

    return scope(Job.objects.all(), user, Cap.CANDIDATES_MANAGE).select_related("org_unit")


def jobs_visible(*, user: Actor) -> QuerySet[Any]:
    """Jobs offered in the list's job filter."""
    from mianshi.jobs.models import Job

    return scope(Job.objects.all(), user, Cap.CANDIDATES_VIEW).order_by("title")


def job_for_application(*, user: Actor, pk: int) -> Any:
    """A job in a unit `user` manages, or 404."""
    return get_object_or_404(jobs_for_applications(user=user), pk=pk)


def units_for_candidates(*, user: Actor) -> QuerySet[OrgUnit]:
    """Units where `user` may create candidates."""
    return orgunits_usable(user=user, cap=Cap.CANDIDATES_MANAGE)


def unit_for_candidates(*, user: Actor, pk: int) -> OrgUnit:
    """A unit where `user` may create candidates, or 404 (missing and hidden alike)."""
    return orgunit_resolve(user=user, pk=pk, cap=Cap.CANDIDATES_MANAGE)


def units_visible(*, user: Actor) -> QuerySet[OrgUnit]:
    """Units offered in the list's branch filter."""
    return orgunits_usable(user=user, cap=Cap.CANDIDATES_VIEW)


def application_list(
    *, user: Actor, candidate: int | None = None, job: int | None = None, stage: str | None = None
) -> QuerySet[Application]:
    """Visible applications, optionally filtered, newest first (with the reader's
    assignments: the blind-score rule reads them)."""
    qs = visible_applications(user).select_related("candidate", "job")
    qs = qs.prefetch_related(blind.rater_assignments(user))
    if candidate:
        qs = qs.filter(candidate_id=candidate)
    if job:
        qs = qs.filter(job_id=job)
    if stage:
        qs = qs.filter(stage=stage)
    return qs.order_by("-id")


@dataclass
class CandidatePage:
    """One page of the candidate list; `capped` when there are more than `total` matches."""

    rows: list[Candidate]
    number: int
    per_page: int
    total: int
    has_next: bool
    capped: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def candidate_page(
    *, user: Actor, filters: CandidateFilters, number: int = 1, per_page: int = 50
) -> CandidatePage:
    """Offset paging over the indexed id order; counting stops at COUNT_CAP (+1 row)."""
    qs = candidate_list(user=user, filters=filters)
    total = qs[: COUNT_CAP + 1].count()
    capped = total > COUNT_CAP
    # A page past the end shows the last one; past the cap, any page up to a bound that
    # keeps OFFSET far inside a 64-bit integer.
    last = MAX_PAGE if capped else max(1, -(-total // per_page))
    number = min(max(1, number), last)
    start = (number - 1) * per_page
    ids = list(qs.values_list("pk", flat=True)[start : start + per_page + 1])
    rows = candidate_rows(
        user=user,
        candidates=Candidate.objects.filter(pk__in=ids[:per_page]).order_by("-id"),
        filters=filters,
    )
    return CandidatePage(
        rows=rows,
        number=number,
        per_page=per_page,
        total=min(total, COUNT_CAP),
        has_next=len(ids) > per_page,
        capped=capped,
    )


def interviewers_for(*, user: Actor) -> QuerySet[User]:
    """Interviewers `user` may assign: holders of the interviewer role in units they manage."""
    units = units_for(user, Cap.CANDIDATES_MANAGE)
    return (
        User.objects.filter(
            is_active=True, grants__role=Role.INTERVIEWER, grants__org_unit__in=units
        )
        .distinct()
        .order_by("username")
    )
