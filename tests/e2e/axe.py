"""Runs the vendored axe-core (tests/e2e/vendor, never served by the product) on a page
in the real Chromium: the check behind the accessibility page walk (test_page_walks.py)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

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
