"""Every page of the demo, walked once in a real browser, passes two acceptance checks of
issue 14: axe-core finds no WCAG 2.1 A/AA violation (zh-Hans and English), and no English
is left in the zh-Hans UI (tests/e2e/english.py's rule).

Both checks read the same pages of the same world: every page the demo's roles can reach by
clicking and every step of the candidate's interview (page_walk.py). They share one test
because the world is the expensive part: `load_demo` plus a demo interview recorded,
analysed by a real worker, rated and hired, which each test would otherwise build again.
The report names every finding of both checks, each with its page.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.axe import Axe
from tests.e2e.english import EnglishLeft
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
CANDIDATE_STEPS = 9


class Both:
    """Axe on every page; in zh-Hans, the English left too."""

    def __init__(self, axe: Axe, left: EnglishLeft) -> None:
        self.axe, self.left = axe, left

    def __call__(self, page: Page, where: str) -> None:
        self.axe(page, where)
        self.left(page, where)


def test_every_page_passes_axe_and_shows_no_english(
    browser: Browser, candidate_browser: Browser, live_server: Any
) -> None:
    axe, left = Axe(), EnglishLeft()
    url = live_server.url
    hr_zh = walk_hr(browser, url, "zh-hans", Both(axe, left))
    hr_en = walk_hr(browser, url, "en", axe)
    print("\n".join(hr_zh))  # shown with -rP: which pages were checked
    # The candidate walks after HR's: each opens a fresh invitation and starts recording.
    steps = [walk_candidate(candidate_browser, url, lang, check) for lang, check in
             (("zh-hans", Both(axe, left)), ("en", axe))]  # fmt: skip
    # Each walk reached the product, not only a login page; each candidate walk every step.
    assert len(hr_zh) >= 20 and len(hr_en) >= 20, (hr_zh, hr_en)
    assert [len(s) for s in steps] == [CANDIDATE_STEPS] * 2, steps
    checked = f"{len(hr_zh)} + {len(hr_en)} HR pages, 2 × {CANDIDATE_STEPS} candidate steps"
    assert not axe.found and not left.found, (
        f"{checked}\nWCAG violations ({len(axe.found)}):\n{axe.report()}\n"
        f"English left on {len(left.found)} zh-Hans pages:\n{left.report()}"
    )
