"""What each audit action code means, in words: one home for the trail's labels (issue 14).

Services write short codes (`login.success`); people read "Signed in" / "登录成功" on the
audit trail and wherever actions are listed. A code without a label here shows raw, so
`tests/test_action_labels.py` collects every code the code base emits (from the calls of
audit_record / audit_read and the API's audited pagination) and requires its label.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "analysis.done": _("Analysis finished"),
    "analysis.enqueue": _("Analysis queued"),
    "analysis.failed": _("Analysis failed"),
    "answer.quality_check": _("Answer quality checked"),
    "answer.retake": _("Answer retaken"),
    "answer.submit": _("Answer submitted"),
    "answer_file.download": _("Answer file downloaded"),
    "api.idempotent_replay": _("API request answered again (idempotency key)"),
    "apikey.create": _("API key created"),
    "apikey.revoke": _("API key revoked"),
    "application.advance": _("Application moved to another stage"),
    "application.assign": _("Interviewer assigned"),
    "application.create": _("Application created"),
    "application.delete": _("Application deleted"),
    "application.export": _("Applications exported"),
    "application.import": _("Applications imported"),
    "application.list": _("Applications listed"),
    "application.score": _("Application scored"),
    "application.unassign": _("Interviewer unassigned"),
    "application.update": _("Application changed"),
    "application.view": _("Application viewed"),
    "application_transition.list": _("Stage history viewed"),
    "audit.list": _("Audit trail viewed"),
    "audit.verified": _("Audit chain verified"),
    "audit.view": _("Audit event viewed"),
    "candidate.create": _("Candidate created"),
    "candidate.delete": _("Candidate deleted"),
    "candidate.erase": _("Candidate's personal data erased"),
    "candidate.export": _("Candidates exported"),
    "candidate.id_number_clash": _("Duplicate ID number refused"),
    "candidate.import": _("Candidates imported"),
    "candidate.list": _("Candidates listed"),
    "candidate.note_add": _("Note added"),
    "candidate.resume_delete": _("Résumé deleted"),
    "candidate.resume_download": _("Résumé downloaded"),
    "candidate.resume_upload": _("Résumé uploaded"),
    "candidate.reveal": _("Identifier shown in clear"),
    "candidate.tag_add": _("Tag added"),
    "candidate.tag_remove": _("Tag removed"),
    "candidate.update": _("Candidate changed"),
    "candidate.view": _("Candidate viewed"),
    "competency_model.create": _("Competency model created"),
    "competency_model.delete": _("Competency model deleted"),
    "competency_model.update": _("Competency model changed"),
    "connector.create": _("Connector created"),
    "connector.delete": _("Connector deleted"),
    "connector.moka_bind": _("Moka account bound"),
    "connector.preview": _("Connector mapping previewed"),
    "connector.sync_request": _("Synchronisation requested"),
    "connector.sync_retry": _("Synchronisation retried"),
    "connector.sync_view": _("Synchronisation viewed"),
    "connector.template_create": _("Mapping template created"),
    "connector.test": _("Connector tested"),
    "connector.update": _("Connector changed"),
    "decision.feedback_failed": _("Feedback to the candidate failed"),
    "decision.feedback_sent": _("Feedback sent to the candidate"),
    "decision.list": _("Decisions listed"),
    "decision.make": _("Decision made"),
    "delivery.failed": _("Invitation delivery failed"),
    "delivery.sent": _("Invitation delivered"),
    "employee.baseline_report_download": _("Interview baseline report downloaded"),
    "employee.baseline_view": _("Interview baseline viewed"),
    "employee.create": _("Employee created"),
    "employee.export": _("Employees exported"),
    "employee.import": _("Employees imported"),
    "employee.list": _("Employees listed"),
    "employee.timeline_view": _("Employee timeline viewed"),
    "employee.update": _("Employee changed"),
    "employee.view": _("Employee viewed"),
    "encryption.rotate": _("Encryption key rotated"),
    "encryption.rotate_all": _("All data re-encrypted"),
    "event.list": _("Event feed read"),
    "inbound_source.create": _("Inbound source created"),
    "interview_report.export": _("Interview report exported"),
    "interview_session.consent": _("Candidate consent recorded"),
    "interview_session.finish": _("Candidate finished the interview"),
    "interview_session.list": _("Interviews listed"),
    "interview_session.open": _("Interview link opened"),
    "interview_session.start": _("Candidate started the interview"),
    "interview_session.view": _("Interview viewed"),
    "invitation.completed": _("Invitation completed"),
    "invitation.create": _("Invitation created"),
    "invitation.list": _("Invitations listed"),
    "invitation.opened": _("Invitation opened"),
    "invitation.resend": _("Invitation sent again"),
    "invitation.revoke": _("Invitation withdrawn"),
    "invitation.send": _("Invitation sent"),
    "invitation.started": _("Invitation started"),
    "invitation.supersede": _("Invitation replaced"),
    "invitation.view": _("Invitation viewed"),
    "job.create": _("Job created"),
    "job.delete": _("Job deleted"),
    "job.update": _("Job changed"),
    "job_board.view": _("Job's live board viewed"),
    "job_ranking.export": _("Job ranking exported"),
    "job_ranking.view": _("Job ranking viewed"),
    "login.failed": _("Sign-in failed"),
    "login.failed_otp": _("Sign-in failed (second factor)"),
    "login.failed_unknown_user": _("Sign-in with an unknown user name"),
    "login.locked": _("Account locked after failed sign-ins"),
    "login.refused_locked": _("Sign-in refused: account locked"),
    "login.success": _("Signed in"),
    "notice_template.create": _("Notice template created"),
    "notice_template.delete": _("Notice template deleted"),
    "notice_template.update": _("Notice template changed"),
    "offer.approve": _("Offer approved"),
    "offer.hire": _("Hired"),
    "offer.list": _("Offers listed"),
    "offer.propose": _("Offer proposed"),
    "offer.return": _("Offer returned"),
    "offer.view": _("Offer viewed"),
    "orgunit.create": _("Organisational unit created"),
    "orgunit.deactivate": _("Organisational unit deactivated"),
    "orgunit.move": _("Organisational unit moved"),
    "orgunit.reactivate": _("Organisational unit reactivated"),
    "orgunit.update": _("Organisational unit changed"),
    "performance_scale.set": _("Performance scale set"),
    "pipeline_board.view": _("Pipeline board viewed"),
    "post_hire.export": _("Post-hire data exported"),
    "post_hire.import": _("Post-hire data imported"),
    "post_hire.record": _("Post-hire data recorded"),
    "question.create": _("Question created"),
    "question.delete": _("Question deleted"),
    "question.update": _("Question changed"),
    "rating.decline": _("Rating declined"),
    "rating.list": _("Ratings listed"),
    "rating.save": _("Rating saved as draft"),
    "rating.submit": _("Rating submitted"),
    "recording.create": _("Recording created"),
    "recording.discard": _("Recording discarded"),
    "recording.download": _("Recording downloaded"),
    "recording.remux": _("Recording re-packaged"),
    "recording.terminate": _("Recording stopped"),
    "recording.verify": _("Recording verified"),
    "recording.view": _("Recording watched"),
    "recruitment.apply": _("Applied (报名) through the public form"),
    "recruitment.calendar.load": _("Official holiday calendar loaded"),
    "recruitment.calendar.remove": _("Calendar day removed"),
    "recruitment.calendar.set": _("Calendar day set"),
    "recruitment.conflict.detect": _("Avoidance (回避) check run"),
    "recruitment.conflict.resolve": _("Avoidance (回避) conflict decided"),
    "recruitment.declaration.add": _("Relationship declared"),
    "recruitment.examiner.create": _("Examiner added"),
    "recruitment.examiner.deactivate": _("Examiner deactivated"),
    "recruitment.examiner.update": _("Examiner changed"),
    "recruitment.extra.enter": _("Skills test score entered"),
    "recruitment.facts.save": _("Applicant's qualification facts saved"),
    "recruitment.facts.view": _("Applicant's qualification facts viewed"),
    "recruitment.hire": _("Hired (public recruitment)"),
    "recruitment.mark.correct": _("Interview mark corrected"),
    "recruitment.mark.enter": _("Interview mark entered"),
    "recruitment.mark.rating": _("Interview mark taken from the examiner's workbench rating"),
    "recruitment.mark.rating_refused": _("Workbench rating not taken as an interview mark"),
    "recruitment.marks.view": _("Interview marks viewed"),
    "recruitment.objection.raise": _("Objection recorded"),
    "recruitment.objection.resolve": _("Objection decided"),
    "recruitment.panel.drawn": _("Examiner panel drawn"),
    "recruitment.panel.lots": _("Interview order drawn by lot"),
    "recruitment.panel.seed": _("Random seed recorded before a draw"),
    "recruitment.panel.view": _("Examiner panel viewed"),
    "recruitment.plan.announce": _("Recruitment announcement published"),
    "recruitment.plan.create": _("Recruitment plan created"),
    "recruitment.plan.parameters": _("Recruitment plan parameters changed"),
    "recruitment.post.create": _("Post created"),
    "recruitment.post.decide": _("Decision on a post below the opening ratio"),
    "recruitment.post.opening_check": _("Opening ratio checked"),
    "recruitment.post.rules": _("Qualification rules changed"),
    "recruitment.progress.view": _("Medical check and background review viewed"),
    "recruitment.publication.export": _("Publication list exported"),
    "recruitment.publication.open": _("Publication (公示) opened"),
    "recruitment.publication.view": _("Publication list viewed"),
    "recruitment.quota.change": _("Headcount (编制) changed"),
    "recruitment.result.advance": _("Candidates entered the medical check"),
    "recruitment.result.decide_tie": _("Tie decided"),
    "recruitment.result.failed": _("Did not pass (public recruitment)"),
    "recruitment.result.pass": _("Medical check or background review passed"),
    "recruitment.result.reserve": _("Placed in the reserve pool"),
    "recruitment.result.substitute": _("Substitute (递补) brought in"),
    "recruitment.result.withdrawn": _("Withdrew (public recruitment)"),
    "recruitment.results.compute": _("Total scores computed and ranked"),
    "recruitment.results.view": _("Ranking viewed"),
    "recruitment.screening.override": _("Qualification verdict overridden"),
    "recruitment.screening.run": _("Qualification screening run"),
    "recruitment.screening.view": _("Qualification screening viewed"),
    "recruitment.shortlist.make": _("Interview shortlist made"),
    "recruitment.shortlist.substitute": _("Substitute (递补) shortlisted"),
    "recruitment.shortlist.view": _("Interview shortlist viewed"),
    "recruitment.shortlist.withdraw": _("Withdrawal from the shortlist"),
    "recruitment.written.enter": _("Written score entered"),
    "recruitment.written.import": _("Written scores imported"),
    "recruitment.written.template": _("Score sheet template downloaded"),
    "recruitment.written.view": _("Written scores viewed"),
    "rolegrant.create": _("Role granted"),
    "rolegrant.revoke": _("Role revoked"),
    "template.create": _("Interview template created"),
    "template.delete": _("Interview template deleted"),
    "template.update": _("Interview template changed"),
    "template_version.lock": _("Interview template version locked"),
    "transition_action.done": _("Transition action done"),
    "transition_action.failed": _("Transition action failed"),
    "transition_action.retry": _("Transition action retried"),
    "transition_action.skipped": _("Transition action skipped"),
    "transition_rule.create": _("Transition action rule created"),
    "transition_rule.delete": _("Transition action rule deleted"),
    "transition_rule.update": _("Transition action rule changed"),
    "user.activate": _("User reactivated"),
    "user.change_own_password": _("Own password changed"),
    "user.change_own_password_failed": _("Own password change failed"),
    "user.create": _("User created"),
    "user.deactivate": _("User deactivated"),
    "user.set_password": _("Password set by an administrator"),
    "user.totp_begin": _("Second factor set-up started"),
    "user.totp_disable": _("Second factor turned off"),
    "user.totp_enable": _("Second factor turned on"),
    "user.unlock": _("User unlocked"),
    "user.update": _("User changed"),
    "webhook.create": _("Webhook created"),
    "webhook.delete": _("Webhook deleted"),
    "webhook.delivery_given_up": _("Webhook delivery given up"),
    "webhook.delivery_replay": _("Webhook delivery replayed"),
    "webhook.disable": _("Webhook disabled"),
    "webhook.enable": _("Webhook enabled"),
    "webhook.gone": _("Webhook receiver gone"),
    "webhook.gone_notified": _("Webhook owners told the receiver is gone"),
    "webhook.rotate_secret": _("Webhook secret rotated"),
    "webhook.test": _("Webhook tested"),
    "webhook.update": _("Webhook changed"),
}


# Object types that are not models (a model's type shows its verbose name).
OBJECT_TYPE_LABELS: dict[str, Promise] = {
    "audit_chain": _("audit chain"),
    "files.export": _("file export"),
    "files.import": _("file import"),
    "system": _("system"),
}


# Changed-field names services write that are not the audited model's own translated field
# (identifiers kept encrypted, related rows, JSON parts, internals): their label here. A
# model field with a translated verbose name needs none; tests/test_field_labels.py checks
# every name the code base writes has one or the other.
FIELD_LABELS: dict[str, Promise] = {
    # A recruitment plan's parameters and a post's qualification rules (JSON keys).
    "announcement_days": _("Announcement period (working days)"),
    "opening_ratio": _("Opening ratio (qualified applicants per place)"),
    "pass_line": _("Written pass line"),
    "max_score": _("Highest score"),
    "shortlist_ratio": _("Interview shortlist (applicants per place)"),
    "panel_size": _("Examiners per panel"),
    "other_regions": _("Examiners from other regions only"),
    "drop_highest": _("Highest marks dropped"),
    "drop_lowest": _("Lowest marks dropped"),
    "weight_written": _("Weight of the written score"),
    "weight_interview": _("Weight of the interview score"),
    "weight_extra": _("Weight of the skills test"),
    "tie_break": _("Equal totals are ranked by"),
    "publication_days": _("Publication period (公示, working days)"),
    "masking": _("Masking on the publication list"),
    "education_min": _("Minimum education"),
    "degree_min": _("Minimum degree"),
    "majors": _("Majors"),
    "certificates": _("Certificates"),
    "experience_years_min": _("Minimum years of work experience"),
    "age_max": _("Maximum age"),
    "age_cutoff": _("Age counted on"),
    "household": _("Household registration (region codes)"),
    "household_source": _("Household registration read"),
    "political": _("Political status"),
    "assignments": _("assigned interviewers"),
    "consents": _("consents"),
    "dimension_codes": _("dimensions"),
    "dimensions": _("dimensions"),
    "email": _("e-mail"),
    "external_refs": _("IDs in other systems"),
    "facts": _("application facts"),
    "failed_login_count": _("failed sign-ins"),
    "id_number": _("ID number"),
    "interview_template_id": _("interview template"),
    "locked_until": _("locked until"),
    "notes": _("notes"),
    "notice_id": _("notice template"),
    "phone": _("phone"),
    "questions": _("questions"),
    "resume": _("résumé"),
    "rubric": _("rubric"),
    "scopes": _("scopes"),
    "scores": _("scores"),
    "totp_secret": _("second-factor secret"),
}


# Actors that are not users: services name them with these words (a user shows its name).
ACTOR_LABELS: dict[str, Promise] = {
    "system": _("system"),
    "candidate": _("the candidate"),
}


def action_label(code: str) -> str:
    """The action's label in the active language; an unknown code shows as itself."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every known action, by label: the audit trail's filter offers them."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()),
                  key=lambda pair: pair[1])  # fmt: skip


def _model(code: str) -> type[Model] | None:
    app_label, _dot, model = code.partition(".")
    try:
        return apps.get_model(app_label, model)
    except (LookupError, ValueError):
        return None


def object_type_label(code: str) -> str:
    """A model's code ("candidates.candidate") as its name ("候选人"); others as written."""
    model = _model(code)
    if model is not None:
        return str(model._meta.verbose_name)
    return str(OBJECT_TYPE_LABELS.get(code, code))


def field_label(object_type: str, name: str) -> str:
    """A changed field's name in words: the model field's translated name ("stage" →
    "阶段"), else its label in FIELD_LABELS ("phone" → "手机号"), else as written."""
    verbose = getattr(_field(object_type, name), "verbose_name", None)
    if isinstance(verbose, Promise):  # a name Django made up from the code is English
        return str(verbose)
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else str(verbose or name)


def _field(object_type: str, name: str) -> object | None:
    model = _model(object_type)
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


def actor_label(label: str) -> str:
    """The trail's actor as people read it: a username as is, "system" → "系统", a name
    typed at a failed sign-in (kept as a keyed hash, accounts.services.login) → "未知用户 …"."""
    prefix, _colon, digest = label.partition(":")
    if prefix == "unknown" and digest:
        return gettext("unknown user %(hash)s") % {"hash": digest}
    return str(ACTOR_LABELS.get(label, label))
