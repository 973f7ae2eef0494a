"""No English left in the zh-Hans UI (issue 14): every page of the demo, as every HR role and
as a candidate, shows no Latin word outside a short allow-list.

What is read is the visible text (text nodes a user sees, as innerText does). Not read:
text marked as another language (`lang="en"` on an English question, an English answer's
transcript: content, not UI — and marking it is what WCAG 3.1.2 asks), text marked
`translate="no"`, code and keys (`<code>`, `<kbd>`, `<samp>`), the demo's login names,
e-mail addresses, URLs and paths.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from mianshi.demo import data as demo_data
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

IN_THE_DEMO = pytest.mark.usefixtures("demo_world")

# Latin words a zh-Hans UI keeps, each a name or a term Chinese HR users read as is:
ALLOWED = {
    # the product's own name
    "mianshi",
    # terms written in Latin letters in Chinese business software (“AI评估”, “导出CSV”)
    "ai", "api", "csv", "excel", "hr", "id", "jd", "json", "kpi", "ok", "pdf", "url", "xml",
    # interview methods taught by these names: STAR (情境-任务-行动-结果), BEI (行为事件访谈)
    "star", "bei",
    # units, and the time standard zones are named by (北京时间 UTC+8)
    "kb", "mb", "gb", "kbit", "fps", "db", "utc",
    # protocols, and names of systems and vendors the product connects to
    "http", "https", "post", "schema", "webhook", "webhooks", "rest", "soap",
    "ehr", "sap", "successfactors", "odata", "moka", "yonbip", "wecom",
}  # fmt: skip

VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!el || !text) continue;
    if (el.closest('script, style, noscript, template, code, kbd, samp, [translate=no]')) continue;
    const lang = (el.closest('[lang]') || document.documentElement).lang.toLowerCase();
    if (!lang.startsWith('zh')) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    out.push(text);
  }
  return out;
}"""
# Not words: e-mail addresses, URLs, paths, file extensions, template placeholders
# ({candidate_name}), element names (<candidate>), hashes, codes made of letters and
# digits (SH-2027-001, P5), API scopes (org:read) and name prefixes (Event_…). Snake_case
# and dotted names are NOT skipped: a raw enum or audit code (self_intro, login.success) in
# the UI is what this test is for; where a code is meant to be read (an event type, a
# column name), the page shows it as <code>.
NOT_WORDS = re.compile(
    r"\S+@\S+|https?://\S+|(?<!\w)/[\w/.-]*|(?<!\w)\.[a-z0-9]+\b|\{\w+\}|<\w+>"
    r"|\b[0-9a-f]*\d[0-9a-f]*\b|\b[A-Za-z]+-?\d[\w-]*|\b[a-z]+:[a-z]+\b|\b\w+_…"
)
WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
# Names of standards, written as their authors do.
PROPER_NAMES = re.compile(r"Standard Webhooks")
# Login names (hr_sh) are identifiers people chose, shown as they are.
LOGINS = re.compile("|".join(rf"\b{re.escape(u)}\b" for u, *_ in demo_data.USERS))


def english_words(text: str) -> list[str]:
    """The Latin words of `text` a zh-Hans user should not meet (single letters pass:
    grades S/A/B, option keys A–D)."""
    words = WORD.findall(LOGINS.sub(" ", NOT_WORDS.sub(" ", PROPER_NAMES.sub(" ", text))))
    return [w for w in words if len(w) > 1 and w.lower() not in ALLOWED]


class EnglishLeft:
    """Collects, per page, the texts with English words in them."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def __call__(self, page: Page, where: str) -> None:
        for text in page.evaluate(VISIBLE_TEXT):
            words = english_words(text)
            if words:
                self.found.setdefault(where, []).append(f"{text[:90]!r} {words}")

    def report(self) -> str:
        pages = self.found.items()
        return "\n".join(f"{where}:\n  " + "\n  ".join(texts) for where, texts in pages)


def test_english_words_are_found_outside_the_allow_list() -> None:
    assert english_words("导出CSV，AI评估 Mianshi") == []
    assert english_words("候选人 candidate00@example.com 打开 http://x/i/abc/ 或 /jobs/3/") == []
    assert english_words("选项 A 或 B，等级 S，北京时间 (UTC+8)") == []
    assert english_words("员工 SH-2027-001 · fa72bb66e… · {candidate_name} · 文件（.xlsx）") == []
    assert english_words("状态：behavioural 题目") == ["behavioural"]
    assert english_words("Not Found") == ["Not", "Found"]
    assert english_words("为 hr_sh 设置新密码") == []
    assert english_words("邮箱: admin@demo.mianshi.local · 权限 org:read") == []
    assert english_words("签名（Standard Webhooks），名为 Event_… 的 Schema") == []
    assert english_words("动作 login.success") == ["login", "success"]


@pytest.mark.e2e
@IN_THE_DEMO
def test_no_english_on_any_hr_page(browser: Browser, live_server: Any) -> None:
    left = EnglishLeft()
    visited = walk_hr(browser, live_server.url, "zh-hans", left)
    print("\n".join(visited))  # shown with -rP: which pages were read
    assert len(visited) >= 20, visited
    pages = f"{len(left.found)} of {len(visited)} pages"
    assert not left.found, f"English left on {pages}:\n{left.report()}"


@pytest.mark.e2e
@IN_THE_DEMO
def test_no_english_on_any_candidate_step(candidate_browser: Browser, live_server: Any) -> None:
    left = EnglishLeft()
    steps = walk_candidate(candidate_browser, live_server.url, "zh-hans", left)
    assert len(steps) == 9, steps
    assert not left.found, f"English left:\n{left.report()}"
