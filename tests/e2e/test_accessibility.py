"""axe-core finds no WCAG 2.1 A/AA violation on any HR page or candidate step (issue 14).

The vendored axe-core (tests/e2e/vendor, never served by the product) runs in the real
Chromium on every page the demo's roles can reach by clicking (page_walk.py) and on every
step of the candidate's interview, in zh-Hans and in English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.page_walk import (
    candidate_browser,
    demo_world,
    real_workers,
    small_demo,
    upload_env,
    walk_candidate,
    walk_hr,
    whisper_models,
)

# Fixtures used by name.
__all__ = [
    "candidate_browser",
    "demo_world",
    "real_workers",
    "small_demo",
    "upload_env",
    "whisper_models",
]

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_world")]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                   resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""


class Axe:
    """Runs axe on a page and keeps every violation with the page it was found on."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def __call__(self, page: Page, where: str) -> None:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        for v in page.evaluate(RUN, TAGS):
            nodes = "; ".join(v["nodes"])
            self.found.append(f"{where}: {v['id']} ({v['impact']}) {v['help']} — {nodes}")

    def report(self) -> str:
        return "\n".join(self.found)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_wcag_violation_on_any_hr_page(
    browser: Browser, live_server: Any, language: str
) -> None:
    axe = Axe()
    visited = walk_hr(browser, live_server.url, language, axe)
    print("\n".join(visited))  # shown with -rP: which pages were checked
    assert len(visited) >= 20, visited  # the walk reached the product, not only a login page
    pages = f"{len(visited)} pages checked"
    assert not axe.found, f"{len(axe.found)} violations ({pages}):\n{axe.report()}"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_wcag_violation_on_any_candidate_step(
    candidate_browser: Browser, live_server: Any, language: str
) -> None:
    axe = Axe()
    steps = walk_candidate(candidate_browser, live_server.url, language, axe)
    assert len(steps) == 9, steps
    assert not axe.found, f"{len(axe.found)} violations:\n{axe.report()}"
