"""The acceptance test of issue 12: Mianshi wired into the HR stack, in real Chromium with a
REAL Celery worker, nothing mocked.

HR configures, in the UI, a SAP SuccessFactors connector (a fake SuccessFactors on loopback
speaking the real OAuth/OData protocol) whose mapping template fires on the offer's
approval, a webhook endpoint to a loopback receiver that verifies every message with the
independent `standardwebhooks` library (the secret copied from the page that shows it
once), and the transition rule "passing screening invites". HR adds a candidate and moves
the application screening → invited: the worker invites by itself and the mail reaches a
real SMTP server; its link opens the candidate's browser (generated face, spoken English),
one 10 s answer (the shortest allowed) is recorded; the worker analyses it with the real
Whisper model; HR rates, decides "offer" and proposes it naming a department manager, who
approves it in another browser; the offer and medical-check notice is mailed; HR records
the hire. Then: the fake SuccessFactors holds the assessment report with the workbench's
scores, the receiver got every event in order, each processed once, the employee page
shows the frozen baseline with the same scores, and a performance rating imported from an
Excel workbook on the employee import page appears on the employee's timeline.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.analysis.tests.conftest import whisper_models  # noqa: F401
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.common.tests.real_worker import RealWorkers, real_workers  # noqa: F401
from mianshi.common.tests.support import Mailbox, smtp  # noqa: F401
from mianshi.employees.models import Employee, PostHireRecord
from mianshi.employees.services.scales import DEFAULT_GRADES, scale_set
from mianshi.events.models import Event
from mianshi.integrations.automation.models import ActionKind, ActionRun, RunStatus
from mianshi.integrations.connectors.adapters.successfactors.example import EXAMPLE_TEMPLATE
from mianshi.integrations.connectors.models import Sync, SyncStatus
from mianshi.integrations.connectors.tests.fake_successfactors import FakeSF, new_private_key
from mianshi.integrations.connectors.tests.fake_successfactors import start as sf_start
from mianshi.integrations.webhooks.models import DeliveryStatus, WebhookDelivery
from mianshi.integrations.webhooks.services import subscribable_types
from mianshi.integrations.webhooks.tests.receiver import Receiver
from mianshi.interviews.models import InterviewSession
from mianshi.invitations.models import Invitation
from mianshi.organisations.models import OrgUnit
from mianshi.reviews.models import Decision, DecisionKind, InterviewScore, Offer, OfferStatus
from mianshi.reviews.services.scores import final_score
from tests.e2e import ehr_pages as ehr
from tests.e2e import hiring_pages as hr_ui
from tests.e2e.conftest import NewPage
from tests.e2e.hiring_steps import (  # noqa: F401 (candidate_browser, candidate_page: fixtures)
    analysed,
    candidate_browser,
    candidate_page,
    candidate_records,
    question_bank,
    review_rates,
)
from tests.e2e.test_login import log_in

pytestmark = pytest.mark.e2e

NAME = "李晓红"
EMAIL = "lixh@example.com"
ANSWER_SECONDS = 10  # the shortest answer a question may ask for
SF_CLIENT = "mianshi-api"
SF_KEY = new_private_key()
SF_CANDIDATE, SF_APPLICATION = 501, 9001
EMPLOYEE_NUMBER = "E20270118"
TERMS = {
    "position": "客户经理", "start_date": "2027-01-18", "salary": "P5",
    "medical_at": "2027-01-08T09:30", "medical_place": "瑞慈体检中心（南京西路）",
    "medical_materials": "身份证、一寸照片两张",
}  # fmt: skip
# What the receiver must have seen, in this order (other events may come between them).
MILESTONES = [
    "candidate.created", "application.created", "application.stage_changed",
    "invitation.sent", "invitation.opened", "invitation.started", "invitation.completed",
    "interview.completed", "analysis.completed", "rating.submitted", "decision.made",
    "offer.approved", "employee.created", "post_hire.recorded",
]  # fmt: skip
WAIT_S = 60


# --- the partners on loopback and the worker ---------------------------------------------


@pytest.fixture
def sf() -> Iterator[FakeSF]:
    """The fake SuccessFactors, knowing our API client's key and the candidate (SF holds
    its candidates and job applications; we push the assessment to them)."""
    fake, server = sf_start()
    fake.register_client(SF_CLIENT, SF_KEY)
    fake.add_candidate(SF_CANDIDATE, EMAIL, SF_APPLICATION)
    yield fake
    server.shutdown()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def hr(org: Any, make_user: Any) -> User:
    return make_user("hr_zhao", Role.HR_ADMIN, org.hq, email="hr.zhao@example.cn")


@pytest.fixture
def manager(org: Any, make_user: Any) -> User:
    """The sales department's manager: may approve offers there, nothing more."""
    return make_user("mgr_li", Role.DEPT_MANAGER, org.sh_sales, email="mgr.li@example.cn")


@pytest.fixture
def worker(
    real_workers: RealWorkers,  # noqa: F811
    whisper_models: Path,  # noqa: F811
    smtp: Mailbox,  # noqa: F811
    settings: Any,
    live_server: Any,
    tmp_path: Path,
) -> RealWorkers:
    """One real worker sharing the test's database, media, keys, URL and SMTP server; the
    loopback partners allow-listed in both processes, as an admin would for on-prem ones."""
    settings.PUBLIC_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CHANNELS = ["email"]
    settings.WEBHOOK_ALLOW = ["127.0.0.1"]
    real_workers.extra_env["MIANSHI_WEBHOOK_ALLOW"] = "127.0.0.1"
    real_workers.start()
    return real_workers


# --- the steps -----------------------------------------------------------------------------


def hr_configures(page: Page, org: Any, sf: FakeSF, receiver: Receiver) -> int:
    """Step 1: the connector with its template, the webhook endpoint (its secret into the
    receiver), the rule; the endpoint's id."""
    connector_id = ehr.connector_create(
        page, adapter="successfactors", unit_id=org.sh.pk, name="SuccessFactors 上海",
        fields={
            "settings.base_url": sf.url, "settings.company_id": sf.company_id,
            "settings.user_id": "sfapi", "credentials.client_id": SF_CLIENT,
            "credentials.private_key": SF_KEY, "trigger0.event": "offer.approved",
            "trigger0.kind": "assessment",
        },
    )  # fmt: skip
    ehr.template_save(
        page, body=json.dumps(EXAMPLE_TEMPLATE, ensure_ascii=False), note="v1", version=1
    )
    ehr.connector_test(page, connector_id)  # the OAuth handshake with SuccessFactors
    assert ("POST", "/oauth/token", 200) in sf.calls
    assert SF_KEY not in page.content()  # write-only credentials
    endpoint_id, secret = ehr.webhook_create(
        page, url=receiver.url, unit_id=org.sh.pk, description="HR 数据中台"
    )
    assert secret.startswith("whsec_")
    receiver.secret = secret
    page.goto(reverse("integrations:webhook_detail", args=[endpoint_id]))
    assert secret not in page.content()  # shown once
    ehr.rule_create(
        page, unit_id=org.sh.pk, to_stage=Stage.INVITED, from_stage=Stage.SCREENING,
        action="invite",
    )  # fmt: skip
    assert connector_id and endpoint_id
    return endpoint_id


def invited_on_passing_screening(
    page: Page,
    hr: User,
    org: Any,
    worker: RealWorkers,
    smtp: Mailbox,  # noqa: F811
) -> tuple[Application, str]:
    """Step 2: job, candidate, application; screening → invited, and nobody clicks
    "invite": the worker's transition action mails the link."""
    bank = question_bank(hr, org.sh, answer_seconds=ANSWER_SECONDS)
    job_id = hr_ui.create_job(
        page, unit_id=org.sh_sales.pk, title="客户经理", template_id=bank.first.pk,
        second_id=bank.second.pk, model_id=bank.model.pk,
    )  # fmt: skip
    candidate_id = hr_ui.create_candidate(page, unit_id=org.sh_sales.pk, name=NAME, email=EMAIL)
    ehr.apply(page, candidate_id=candidate_id, job_id=job_id)
    application = Application.objects.get(candidate_id=candidate_id, job_id=job_id)
    for stage in (Stage.SCREENING, Stage.INVITED):
        ehr.move(page, candidate_id=candidate_id, application_id=application.pk, to_stage=stage)
    worker.wait_until(lambda: smtp.messages, what="the automatic invitation", timeout=WAIT_S)
    assert smtp.recipients == [[EMAIL]]
    run = ActionRun.objects.get(application=application)  # the rule invited, not a person
    assert (run.action, run.status, run.attempts) == (ActionKind.INVITE, RunStatus.DONE, 1)
    assert Invitation.objects.filter(application=application).count() == 1
    return application, hr_ui.mailed_link(smtp.bodies(0)[0])


def hr_rates_and_offers(
    page: Page, hr: User, manager: User, session: InterviewSession
) -> tuple[dict[str, int], dict[str, float], dict[str, float]]:
    """Step 4: the rating, the decision "offer", the proposal naming the manager; the
    rated scores, the totals and the AI's dimension scores the workbench shows."""
    page.goto(reverse("reviews:workbench", args=[session.pk]))
    expect(page.locator("[data-run-status]").first).to_have_attribute("data-run-status", "done")
    rated = review_rates(page, hr, session)
    page.goto(reverse("reviews:workbench", args=[session.pk]))
    shown = ehr.workbench_scores(page)
    shown_ai = ehr.workbench_ai_dimensions(page)
    assert set(rated) <= set(shown_ai), (rated, shown_ai)
    ehr.decide_without_message(page, kind=DecisionKind.OFFER, reason="综合表现优秀，发放录用。")
    assert Decision.objects.get(application=session.application).kind == DecisionKind.OFFER
    page.locator("[data-offer-link]").click()
    ehr.offer_propose(page, approver_id=manager.pk, terms=TERMS)
    return rated, shown, shown_ai


def approved_and_hired(
    page: Page,
    approver: Page,
    application: Application,
    worker: RealWorkers,
    smtp: Mailbox,  # noqa: F811
) -> Employee:
    """Step 5: the manager approves in their own browser; the notice with the medical
    check is mailed; HR records the hire; the worker files the employee."""
    log_in(approver, "mgr_li", PASSWORD)
    expect(approver.locator("header nav")).to_be_visible()
    ehr.offer_approve(approver, application_id=application.pk)
    worker.wait_until(lambda: len(smtp.messages) >= 2, what="the offer notice", timeout=WAIT_S)
    assert smtp.recipients[1] == [EMAIL]
    text = smtp.bodies(1)[0]
    assert TERMS["medical_place"] in text and TERMS["medical_materials"] in text
    ehr.offer_hire(page, application_id=application.pk, hire_date="2027-01-18",
                   number=EMPLOYEE_NUMBER)  # fmt: skip
    assert Offer.objects.get(application=application).status == OfferStatus.HIRED
    return worker.wait_until(
        lambda: Employee.objects.filter(application=application).first(),
        what="the employee filed by the worker",
        timeout=WAIT_S,
    )


def sf_holds_the_scores(
    sf: FakeSF, application: Application, session: InterviewSession, rated: dict[str, int],
    shown: dict[str, float], worker: RealWorkers,
) -> None:  # fmt: skip
    """Check: SuccessFactors has the completed report with the workbench's scores."""
    sync = worker.wait_until(
        lambda: Sync.objects.filter(object_id=application.pk, status=SyncStatus.SUCCEEDED).first(),
        what="the assessment pushed to SuccessFactors",
        timeout=WAIT_S,
    )
    assert sync.external_id == str(SF_APPLICATION)
    report = sf.report(application.pk)
    assert report is not None and report["status"] == "COMPLETED", report
    assert report["reportUrl"].endswith(f"/interviews/{session.pk}/report.pdf")
    details = {
        d["scoreComponent"]: float(d["scoreValue"]) for d in report["assessmentReportDetail"]
    }
    score = InterviewScore.objects.get(session=session)
    overall = details.pop("overall")
    assert overall == round(score.final_total or 0, 2)
    # The workbench shows one decimal, half up (4.55 → 4.6): the same score, shown shorter.
    assert abs(overall - shown["final"]) <= 0.05 + 1e-9, (overall, shown)
    names = {d["code"]: d["name"] for d in score.human_dimensions}
    ai = {d["code"]: d.get("score") for d in score.ai_dimensions or []}
    # Per dimension the final score by the job's policy, as the report and the baseline.
    finals = {code: final_score(score.policy, ai.get(code), float(v)) for code, v in rated.items()}
    assert details == {names[code]: round(value or 0, 2) for code, value in finals.items()}
    assert sum(sf.upserts.values()) == 2  # the order and the report, once each


def health_page_is_clear(page: Page) -> None:
    """Check: the integrations health page lists the connector and nothing needs a person."""
    page.goto(reverse("integrations:health"))
    expect(page.locator("[data-connector]")).to_have_count(1)
    expect(page.locator("[data-attention]")).to_have_count(0)


def employee_page_shows_it(page: Page, employee: Employee, workbench: Any, tmp: Path) -> None:
    """Check: the baseline equals the workbench (totals; per dimension the AI's score and
    the rating, and the final one by the job's policy, as the interview report computes
    it); a rating imported from Excel appears on the timeline."""
    rated, shown, shown_ai = workbench
    page.goto(reverse("employees:employee_detail", args=[employee.pk]))
    assert ehr.baseline_totals(page) == shown
    application = Application.objects.select_related("job").get(pk=employee.application_id or 0)
    score = InterviewScore.objects.get(application=application)
    exact = {d["code"]: float(d["score"]) for d in score.ai_dimensions}
    dimensions = ehr.baseline_dimensions(page)
    assert set(dimensions) == set(rated)
    for code, (ai, human, final) in dimensions.items():
        assert (ai, human) == (shown_ai[code], rated[code]), code
        by_policy = final_score(application.job.score_policy, exact[code], human)
        assert by_policy is not None and abs(final - by_policy) <= 0.05 + 1e-9, code
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["employee_number", "kind", "period", "date", "value", "record_id"])
    sheet.append([EMPLOYEE_NUMBER, "performance", "2027-Q1", "2027-03-31", "A", "perf-2027q1"])
    path = tmp / "绩效导入.xlsx"
    book.save(path)
    ehr.posthire_import(page, path)
    record = PostHireRecord.objects.get(employee=employee)
    assert (record.kind, record.raw_value, record.score) == ("performance", "A", 0.75)
    page.goto(reverse("employees:employee_detail", args=[employee.pk]))
    entry = page.locator("[data-timeline] [data-entry='performance']")
    expect(entry).to_have_count(1)
    expect(entry.locator("time")).to_have_attribute("datetime", "2027-03-31")


def receiver_got_every_event(receiver: Receiver, endpoint_id: int, unit: OrgUnit,
                             worker: RealWorkers) -> int:  # fmt: skip
    """Check: every event of the unit's subtree reached the receiver, verified with the
    secret from the page, in order, each processed once."""
    subtree = OrgUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True)
    events = Event.objects.filter(type__in=subscribable_types(), org_unit_id__in=list(subtree))

    def all_delivered() -> bool:
        rows = WebhookDelivery.objects.filter(endpoint_id=endpoint_id)
        done = rows.filter(status=DeliveryStatus.SUCCEEDED).count()
        return "post_hire.recorded" in receiver.order and done == rows.count() == events.count()

    worker.wait_until(all_delivered, what="every webhook delivered", timeout=WAIT_S)
    assert all(r.verified for r in receiver.received)
    expected = list(events.order_by("id"))
    assert receiver.order == [e.type for e in expected]
    assert dict(receiver.processed) == {e.message_id: 1 for e in expected}
    assert set(receiver.accepted.values()) == {1}  # none sent twice
    seen = iter(receiver.order)
    assert all(step in seen for step in MILESTONES), receiver.order
    return len(expected)


# --- the test ------------------------------------------------------------------------------


@pytest.mark.usefixtures("transactional_db")
def test_a_hire_flows_into_the_hr_stack(
    new_page: NewPage,
    candidate_page: Page,  # noqa: F811
    worker: RealWorkers,
    smtp: Mailbox,  # noqa: F811
    sf: FakeSF,
    receiver: Receiver,
    hr: User,
    manager: User,
    org: Any,
    tmp_path: Path,
) -> None:
    clock = hr_ui.Clock()
    scale_set(actor=hr, org_unit=org.sh, name="绩效等级", grades=DEFAULT_GRADES, ranges=[])
    page = new_page()
    log_in(page, "hr_zhao", PASSWORD)
    expect(page.locator("header nav")).to_be_visible()
    endpoint_id = hr_configures(page, org, sf, receiver)
    clock.lap("1 connector, webhook, rule")
    application, link = invited_on_passing_screening(page, hr, org, worker, smtp)
    clock.lap("2 screening → invited")
    candidate_records(candidate_page, link, answer_seconds=ANSWER_SECONDS)
    session = InterviewSession.objects.get(application=application)
    analysed(worker, session)
    clock.lap("3 record, analyse")
    rated, shown, shown_ai = hr_rates_and_offers(page, hr, manager, session)
    employee = approved_and_hired(page, new_page(), application, worker, smtp)
    assert Application.objects.get(pk=application.pk).stage == Stage.HIRED
    clock.lap("4-5 rate, offer, hire")
    sf_holds_the_scores(sf, application, session, rated, shown, worker)
    employee_page_shows_it(page, employee, (rated, shown, shown_ai), tmp_path)
    delivered = receiver_got_every_event(receiver, endpoint_id, org.sh, worker)
    health_page_is_clear(page)
    clock.lap("6 checks")
    print(f"\n{delivered} events delivered to the receiver, each once\n" + clock.report())
