"""The 公示 page: open a list (its end counted in working days and shown before it opens),
the list as it is published (masked per the plan), its PDF and spreadsheet, and the
objections: recorded by HR, decided by a named approver."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.candidates.responses import attachment
from mianshi.compliance.services import audit_read
from mianshi.organisations.scoping import require_cap
from mianshi.recruitment import exports
from mianshi.recruitment import selectors_hiring as sel
from mianshi.recruitment.forms_results import ObjectionForm, PublicationForm, ResolveForm
from mianshi.recruitment.models import Post, Result, ResultStatus
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.selectors_publication import publication_list
from mianshi.recruitment.services import publication as svc
from mianshi.recruitment.views.results._common import abilities, page_url, post_of, refused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


OFF_THE_LIST = (ResultStatus.FAILED, ResultStatus.WITHDRAWN)


def _candidates(results: list[Result], publication_id: int | None) -> list[tuple[int, str]]:
    """Who an objection may be about: the candidates still on the latest list."""
    on_list = [r for r in results if publication_id and r.publication_id == publication_id
               and r.status not in OFF_THE_LIST]  # fmt: skip
    return [(r.application_id, _label(r)) for r in on_list]


def _label(result: Result) -> str:
    facts = getattr(result.application, "facts", None)
    return f"{facts.ticket if facts else ''} {result.application.candidate.name}".strip()


def _opening(request: AuthedHttpRequest, post: Post, results: list[Result],
             bound: PublicationForm | None) -> dict[str, Any]:  # fmt: skip
    """The open form: a GET previews the last day of a 公示 from the day given."""
    preview = PublicationForm(request.GET if "starts_on" in request.GET else None)
    valid = bound is None and preview.is_valid()
    return {
        "pending": [r for r in results if r.status == ResultStatus.CLEARED],
        "open_form": bound or preview,
        "ends_on": svc.publication_window(post, preview.cleaned_data["starts_on"]) if valid
        else None,
        "days": Parameters.from_dict(post.plan.parameters).publication_days,
    }  # fmt: skip


def _listing(request: AuthedHttpRequest, post: Post, results: list[Result]) -> dict[str, Any]:
    """The latest list as published, each row beside its result (status, hire button)."""
    listed = publication_list(user=request.user, post=post) if results else None
    if listed is None:
        return {"listed": None, "list_rows": []}
    by_id = {r.pk: r for r in results}
    audit_read(actor=request.user, action="recruitment.publication.view",
               ids=[row.result_id for row in listed.rows], org_unit_id=post.job.org_unit_id,
               detail={"post": post.pk})  # fmt: skip
    return {"listed": listed, "list_rows": [(row, by_id[row.result_id]) for row in listed.rows]}


def _page(request: AuthedHttpRequest, post: Post, status: int = 200, **forms: Any) -> HttpResponse:
    results, latest = sel.ranking(post=post), sel.latest_publication(post=post)
    candidates = _candidates(results, latest.pk if latest else None)
    context = {
        "post": post, "page": "publication", **abilities(request.user, post),
        **_listing(request, post, results if latest else []),
        **_opening(request, post, results, forms.get("open_form")),
        "objections": [(o, forms.get(f"resolve_{o.pk}") or ResolveForm(prefix=f"obj-{o.pk}"))
                       for o in sel.objections(post=post)],
        "objection_form": forms.get("objection_form") or ObjectionForm(candidates=candidates),
    }  # fmt: skip
    return render(request, "recruitment/results/publication.html", context, status=status)


@login_required
@require_GET
def publication(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The post's 公示: the list, its window, the downloads and the objections."""
    return _page(request, post_of(request.user, post_id))


@login_required
@require_POST
def publication_open(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """Publish the candidates cleared by 体检 and 考察 from the given day."""
    post = post_of(request.user, post_id)
    require_cap(request.user, Cap.CANDIDATES_MANAGE, post.job.org_unit_id)
    form = PublicationForm(request.POST)
    if form.is_valid():
        try:
            opened = svc.publication_open(actor=request.user, post=post, **form.cleaned_data)
        except ValidationError as exc:
            refused(form, exc)
        else:
            window = {"start": opened.starts_on.isoformat(), "end": opened.ends_on.isoformat()}
            messages.success(request, _("The publication runs from %(start)s to %(end)s.") % window)
            return redirect(page_url("publication", post.pk))
    return _page(request, post, 400, open_form=form)


def _download(request: AuthedHttpRequest, post_id: int, fmt: str) -> HttpResponse:
    post = post_of(request.user, post_id)
    name = _("Publication %(code)s %(title)s") % {"code": post.code, "title": post.job.title}
    if fmt == "pdf":
        data = exports.publication_pdf(actor=request.user, post=post)
        return attachment(data, f"{name}.pdf", "application/pdf")
    return attachment(exports.publication_xlsx(actor=request.user, post=post), f"{name}.xlsx", XLSX)


@login_required
@require_GET
def publication_pdf(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The list as printed (PDF, masked as on the page)."""
    return _download(request, post_id, "pdf")


@login_required
@require_GET
def publication_xlsx(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The list as a spreadsheet (masked as on the page)."""
    return _download(request, post_id, "xlsx")


@login_required
@require_POST
def objection_raise(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """Record an objection received during the window, about a candidate or the list."""
    post = post_of(request.user, post_id)
    require_cap(request.user, Cap.CANDIDATES_MANAGE, post.job.org_unit_id)
    latest = sel.latest_publication(post=post)
    results = sel.ranking(post=post)
    form = ObjectionForm(
        request.POST, candidates=_candidates(results, latest.pk if latest else None)
    )
    if form.is_valid() and latest is not None:
        about = form.cleaned_data["application"]
        application = next((r.application for r in results if r.application_id == about), None)
        try:
            text = form.cleaned_data["text"]
            svc.objection_raise(
                actor=request.user, publication=latest, text=text, application=application
            )
        except ValidationError as exc:
            refused(form, exc)
        else:
            messages.success(request, _("The objection was recorded."))
            return redirect(page_url("publication", post.pk, "objections"))
    elif latest is None:
        form.add_error(None, _("Nothing has been published for this post yet."))
    return _page(request, post, 400, objection_form=form)


@login_required
@require_POST
def objection_resolve(request: AuthedHttpRequest, objection_id: int) -> HttpResponse:
    """A named approver decides an objection; upheld against a candidate, 递补 follows."""
    objection = sel.objection_get(user=request.user, pk=objection_id)
    post = objection.publication.post
    require_cap(request.user, Cap.OFFERS_APPROVE, post.job.org_unit_id)
    form = ResolveForm(request.POST, prefix=f"obj-{objection.pk}")
    if form.is_valid():
        try:
            done = svc.objection_resolve(actor=request.user, objection=objection,
                                         **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            refused(form, exc)
        else:
            messages.success(request, _("The objection was decided."))
            if done.substitution is not None:
                messages.info(request, done.substitution.message)
            return redirect(page_url("publication", post.pk, "objections"))
    return _page(request, post_of(request.user, post.pk), 400, **{f"resolve_{objection.pk}": form})
