"""What HR and the approver do for issue 12 in a real browser (used by test_ehr_flow.py):
configure a connector and its mapping template, a webhook endpoint (the secret read off
the page that shows it once), a transition rule; move an application; propose, approve
and record the hire of an offer; import post-hire data from Excel; read the employee page.
Selectors are names, ids and data attributes: the texts are translated.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect


def _field(page: Page, name: str) -> Any:
    """A form control by its name (connector field names contain dots, awkward as ids)."""
    return page.locator(f"[name='{name}']")


def connector_create(
    page: Page, *, adapter: str, unit_id: int, name: str, fields: dict[str, str]
) -> int:
    """The connector form of `adapter`; `fields` by their form names (settings.…,
    credentials.…, trigger0.event…). It redirects to the mapping template's editor."""
    page.goto(reverse("integrations:connector_create") + f"?adapter={adapter}")
    _field(page, "name").fill(name)
    _field(page, "org_unit").select_option(str(unit_id))
    for key, value in fields.items():
        control = _field(page, key)
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("#template-form")).to_be_visible()
    found = re.search(r"/connectors/(\d+)/templates/", page.url)
    assert found, page.url
    return int(found.group(1))


def template_save(page: Page, *, body: str, note: str, version: int) -> None:
    """On the template editor: the JSON saved as a new version, listed in force."""
    editor = page.locator("#template-form")
    editor.locator("[name=body]").fill(body)
    editor.locator("[name=note]").fill(note)
    editor.locator("button[type=submit]").click()
    expect(page.locator(f"a[href='?version={version}']")).to_be_visible()
    expect(editor.locator(".errorlist")).to_have_count(0)


def connector_test(page: Page, connector_id: int) -> None:
    """The connector page's "test connection" button (the answer is a flash message)."""
    page.goto(reverse("integrations:connector_detail", args=[connector_id]))
    with page.expect_navigation():
        page.locator("form[action$='/test/'] button[type=submit]").click()


def webhook_create(page: Page, *, url: str, unit_id: int, description: str) -> tuple[int, str]:
    """A new endpoint (no type ticked: every type); the id and the secret shown once."""
    page.goto(reverse("integrations:webhook_create"))
    form = page.locator("form.card")
    form.locator("[name=url]").fill(url)
    form.locator("[name=org_unit]").select_option(str(unit_id))
    form.locator("[name=description]").fill(description)
    form.locator("button[type=submit]").click()
    secret = page.locator("#webhook-secret")
    expect(secret).to_be_visible()
    endpoint = page.locator("[data-endpoint]").get_attribute("data-endpoint")
    return int(endpoint or 0), secret.input_value()


def rule_create(page: Page, *, unit_id: int, to_stage: str, from_stage: str, action: str) -> None:
    """A unit default on the transition-actions page, sent by e-mail."""
    page.goto(reverse("integrations:automation_index"))
    form = page.locator("form.card", has=page.locator("[name=to_stage]"))
    form.locator("[name=org_unit]").select_option(str(unit_id))
    form.locator("[name=to_stage]").select_option(to_stage)
    form.locator("[name=from_stage]").select_option(from_stage)
    form.locator("[name=action]").select_option(action)
    form.locator("[name=channels][value=email]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-unit-rules] tbody tr")).not_to_have_count(0)


def apply(page: Page, *, candidate_id: int, job_id: int) -> None:
    """On the candidate's page: an application to the job (nothing sent yet)."""
    page.goto(reverse("candidates:candidate_detail", args=[candidate_id]))
    form = page.locator("form[action$='/applications/']")
    form.locator("select[name=job]").select_option(str(job_id))
    form.locator("button[type=submit]").click()
    expect(page.locator("section[id^=application-]")).to_have_count(1)


def move(page: Page, *, candidate_id: int, application_id: int, to_stage: str) -> None:
    """Move the application on the candidate's page; the page shows the new stage."""
    page.goto(reverse("candidates:candidate_detail", args=[candidate_id]))
    section = page.locator(f"#application-{application_id}")
    form = section.locator("form[action*='transition']")
    form.locator("select[name=to_stage]").select_option(to_stage)
    form.locator("button[type=submit]").click()
    stage = page.locator(f"#application-{application_id} [data-stage]").first
    expect(stage).to_have_attribute("data-stage", to_stage)


def workbench_scores(page: Page) -> dict[str, float]:
    """The totals the workbench header shows (final, AI, human), as numbers."""
    out = {}
    for name in ("final", "ai", "human"):
        value = page.locator(f"[data-{name}-score]").first.get_attribute(f"data-{name}-score")
        assert value, f"the workbench shows no {name} score"
        out[name] = float(value)
    return out


def decide_without_message(page: Page, *, kind: str, reason: str) -> None:
    """A decision that sends the candidate nothing itself (an offer: the approval mails the
    notice), so its panel has no message fields: choose it, give the reason, submit."""
    form = page.locator("form[data-decision-form]")
    with page.expect_response(lambda r: "/feedback/" in r.url):
        form.locator("select[name=kind]").select_option(kind)
    expect(form.locator(f"[data-feedback-fields='{kind}']")).to_be_attached()
    expect(form.locator("input[name=send_feedback]")).to_have_count(0)
    form.locator("textarea[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    expect(page.locator(f"[data-decisions] [data-decision='{kind}']")).to_be_visible()


def workbench_ai_dimensions(page: Page) -> dict[str, float]:
    """The AI's score per competency as the workbench shows it (one decimal), by code."""
    scores = page.locator("[data-dimension] [data-dimension-score]")
    pairs = scores.evaluate_all(
        "els => els.map(e => "
        "[e.closest('[data-dimension]').dataset.dimension, e.dataset.dimensionScore])"
    )
    return {code: float(value) for code, value in pairs if value}


def offer_propose(page: Page, *, approver_id: int, terms: dict[str, str]) -> None:
    """On the offer page: the terms, the named approver, sent for approval."""
    form = page.locator("form[data-offer-propose]")
    for name, value in terms.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=approver]").select_option(str(approver_id))
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-offer-status]")).to_have_attribute("data-offer-status", "pending")


def offer_approve(page: Page, *, application_id: int) -> None:
    """The approver, from the inbox 'offers to approve' to the offer page: approve."""
    page.goto(reverse("reviews:offers_to_approve"))
    page.locator(f"a[href$='/applications/{application_id}/offer/']").first.click()
    page.locator("form[data-offer-approve] button[type=submit]").click()
    expect(page.locator("[data-offer-status]")).to_have_attribute("data-offer-status", "approved")


def offer_hire(page: Page, *, application_id: int, hire_date: str, number: str) -> None:
    page.goto(reverse("reviews:offer_page", args=[application_id]))
    form = page.locator("form[data-offer-hire]")
    form.locator("[name=hire_date]").fill(hire_date)
    form.locator("[name=employee_number]").fill(number)
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-stage]").first).to_have_attribute("data-stage", "hired")


def posthire_import(page: Page, workbook: Path) -> None:
    """The employee import page: upload the workbook; the report says it was imported."""
    page.goto(reverse("employees:employee_import"))
    form = page.locator("form[data-import-form]")
    form.locator("input[type=file]").set_input_files(str(workbook))
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-import-done]")).to_be_visible()


def baseline_totals(page: Page) -> dict[str, float]:
    """The frozen baseline's totals on the employee page (shown to one decimal)."""
    box = page.locator("[data-baseline]")
    expect(box).to_be_visible()
    return {
        name: float(box.locator(f"[data-{name}-total]").inner_text().strip())
        for name in ("final", "ai", "human")
    }


def baseline_dimensions(page: Page) -> dict[str, tuple[float, float, float]]:
    """Each dimension's (AI, human, final) scores on the employee page, by code."""
    rows = page.locator("[data-baseline-dimensions] tr[data-dimension]")
    cells = rows.evaluate_all(
        "rs => rs.map(r => "
        "[r.dataset.dimension, ...[...r.cells].slice(1, 4).map(c => c.innerText)])"
    )
    return {code: (float(ai), float(human), float(final)) for code, ai, human, final in cells}
