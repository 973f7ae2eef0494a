"""报名 (issue 15): a candidate applies to one post of an announced plan themselves.

The public form's one write. Everything or nothing in one transaction: the candidate (or
the person already on file under that ID number, found through the blind index, never by
decrypting), the application, the résumé facts the rules read, and one audit event holding
ids and the consent's notice version and hash. One application per ID number per plan
(事业单位: one post per plan). The screening itself is left to HR's run of the post
(services/screening.py screens a whole post, not one application).

The consent notice lives here as literal text, as interviews/notices.py keeps its own: a
consent means the exact words shown, so a change of wording is a new NOTICE_VERSION.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.candidates.models import Application, Candidate, Gender, Source
from mianshi.candidates.services import application_create, candidate_create
from mianshi.candidates.services.candidates import DuplicateCandidate
from mianshi.common.crypto import blind_index
from mianshi.common.errors import Conflict
from mianshi.compliance.services import audit_record
from mianshi.jobs.models import JobStatus
from mianshi.recruitment.idcard import id_facts
from mianshi.recruitment.models import ApplicantFacts, Plan, Post, PostStatus
from mianshi.recruitment.selectors import Phase, plan_status_on
from mianshi.recruitment.services.screening import _clean_facts

NOTICE_VERSION = "2026-12"
DEFAULT_LANGUAGE = "zh-hans"
NOTICES: dict[str, str] = {
    "zh-hans": (
        "我同意招聘单位收集我在本报名表中填写的个人信息（姓名、身份证号码、手机号码、"
        "电子邮箱、学历、学位、专业、毕业院校和年份、证书、工作年限、现工作单位、户籍地"
        "和政治面貌），仅用于本次公开招聘的资格审查、考试组织、结果公示和聘用。"
        "身份证号码和联系方式加密保存；公示时按公告规定遮挡。保存期限以招聘单位公布的"
        "隐私政策为准。我可以随时联系招聘单位查询、更正或删除我的信息。"
        "我承诺所填信息真实、准确。不同意将无法报名。"
    ),
    "en": (
        "I agree that the employer collects the personal data I enter in this form (name, "
        "ID number, mobile number, e-mail address, education, degree, major, school and year "
        "of graduation, certificates, years of experience, current employer, household "
        "registration and political status) and uses it only for this public recruitment: "
        "the qualification check, the examinations, the publication of results and the "
        "appointment. The ID number and contact details are stored encrypted and are masked "
        "on published lists as the announcement states. They are kept for as long as the "
        "employer's published privacy policy says. I can ask the employer at any time to "
        "see, correct or delete my data. I confirm that what I enter is true and accurate. "
        "Without this consent I cannot apply."
    ),
}


def notice_language(language: str) -> str:
    """The notice language for a UI language code (anything not English reads Chinese)."""
    return "en" if (language or "").lower().startswith("en") else DEFAULT_LANGUAGE


def apply_notice(language: str) -> str:
    """The exact consent text shown in `language` (current version)."""
    return NOTICES[notice_language(language)]


def apply_notice_sha256(language: str) -> str:
    """SHA-256 (hex) of the exact UTF-8 text shown in `language`."""
    return hashlib.sha256(apply_notice(language).encode("utf-8")).hexdigest()


def apply_number(*, post_code: str, application_id: int) -> str:
    """The 报名号 the candidate quotes: the post code and the application's number."""
    return f"{post_code}-{application_id:06d}"


@dataclass(frozen=True)
class Applicant:
    """Who applies, as typed into the form (the service validates and normalises)."""

    name: str
    id_number: str
    phone: str
    email: str = ""


def _open_post(plan: Plan, post_id: int | None) -> Post:
    posts = Post.objects.select_related("job").filter(plan=plan)
    post = None if post_id is None else posts.filter(pk=post_id).first()
    if post is None:
        raise ValidationError({"post": _("Choose one of the posts of this plan.")})
    if post.status != PostStatus.RECRUITING or post.job.status != JobStatus.OPEN:
        raise ValidationError({"post": _("This post no longer takes applications.")})
    return post


def _already_applied() -> ValidationError:
    return ValidationError({"id_number": _(
        "An application with this ID number has already been made to this plan. Each person "
        "may apply to one post of a plan; contact the recruitment team to change it."
    )})  # fmt: skip


def _candidate(plan: Plan, applicant: Applicant) -> Candidate:
    """The person on file under this ID number (locked), or a new candidate of the plan's
    unit; refused when they already applied to a post of this plan."""
    try:
        facts = id_facts(applicant.id_number)
    except ValueError as exc:
        raise ValidationError({"id_number": str(exc)}) from exc
    index = blind_index(applicant.id_number, kind="id_number")
    known = Candidate.objects.select_for_update().filter(id_number_bidx=index).first()
    if known is not None:
        if Application.objects.filter(candidate=known, job__post__plan=plan).exists():
            raise _already_applied()
        # Who the person is stays as HR recorded it: a public form never rewrites identity,
        # and an ID number typed with another name is not taken as that person applying.
        if _plain(known.name) != _plain(applicant.name):
            raise ValidationError({"name": _(
                "This name does not match the one on file for this ID number. Contact the "
                "recruitment team if your name has changed."
            )})  # fmt: skip
        return known
    try:
        return candidate_create(
            actor=None, org_unit=plan.org_unit, name=applicant.name, source=Source.WEBSITE,
            id_number=applicant.id_number, phone=applicant.phone, email=applicant.email,
            gender=Gender.FEMALE if facts.female else Gender.MALE, birth_date=facts.birth,
        )  # fmt: skip
    except DuplicateCandidate as exc:  # the same ID number applied a moment ago
        raise _already_applied() from exc


def _plain(name: str) -> str:
    return "".join(name.split())


def _check(plan: Plan, applicant: Applicant, consent: bool, today: dt.date) -> None:
    if plan_status_on(plan, today) != Phase.OPEN:
        raise ValidationError(_("Applications to this plan are not open."))
    if not consent:
        raise ValidationError({"consent": _("Applying needs your consent to the notice.")})
    if not applicant.name.strip():
        raise ValidationError({"name": _("Enter your name.")})


@transaction.atomic
def application_submit(
    *, plan: Plan, post_id: int | None, applicant: Applicant, facts: dict[str, Any],
    consent: bool, language: str, today: dt.date | None = None,
) -> Application:  # fmt: skip
    """A candidate's own application (报名) to an open post of `plan`, with their facts and
    consent; refused whole (ValidationError) outside the window, for a post of another plan
    or a second application of the same ID number to the plan."""
    _check(plan, applicant, consent, today or timezone.localdate())
    post = _open_post(plan, post_id)
    values = _clean_facts(facts)
    candidate = _candidate(plan, applicant)
    try:
        # The system acts for the candidate: application_create takes None as such.
        application = application_create(actor=None, candidate=candidate, job=post.job)  # type: ignore[arg-type]
    except Conflict as exc:  # the same person's application a moment ago
        raise _already_applied() from exc
    ApplicantFacts.objects.create(application=application, **values)
    audit_record(
        actor="candidate", action="recruitment.apply", obj=application,
        changed_fields=["candidate", "facts"],
        detail={"plan": plan.pk, "post": post.pk, "candidate": candidate.pk,
                "consent_version": NOTICE_VERSION, "consent_sha256": apply_notice_sha256(language),
                "consent_language": notice_language(language)},
    )  # fmt: skip
    return application
