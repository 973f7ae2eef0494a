"""Finds English left in a zh-Hans page: the check behind the no-English page walk
(test_page_walks.py), its word rule tested in test_no_english.py.

What is read is the visible text (text nodes a user sees, as innerText does). Not read:
text marked as another language (`lang="en"` on an English question, an English answer's
transcript: content, not UI — and marking it is what WCAG 3.1.2 asks), text marked
`translate="no"`, code and keys (`<code>`, `<kbd>`, `<samp>`), the demo's login names,
e-mail addresses, URLs and paths.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page

from mianshi.demo import data as demo_data

# Latin words a zh-Hans UI keeps, each a name or a term Chinese HR users read as is:
ALLOWED = {
    # the product's own name
    "mianshi",
    # terms written in Latin letters in Chinese business software (“AI评估”, “导出CSV”)
    "ai", "api", "csv", "excel", "hr", "id", "jd", "json", "kpi", "ok", "pdf", "url", "xml",
    "word",  # the word processor (下载 Word 文档)
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
