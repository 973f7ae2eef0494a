"""What a candidate does on /i/<token>/, step by step, in a real browser (used by
test_recording.py). Selectors are the page's ids: the texts are translated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import FilePayload, Page, Request, expect

MEDIA_WAIT_MS = 30_000


@dataclass
class Traffic:
    """Every request the page sends, with its body size, in order."""

    requests: list[tuple[str, str, int]] = field(default_factory=list)

    def watch(self, page: Page) -> Traffic:
        page.on("request", self._seen)
        return self

    def _seen(self, request: Request) -> None:
        body = request.post_data_buffer
        self.requests.append((request.method, request.url, len(body) if body else 0))

    def mark(self) -> int:
        return len(self.requests)

    def since(self, start: int) -> list[tuple[str, str, int]]:
        return self.requests[start:]


def guided_start(page: Page, traffic: Traffic) -> None:
    """Welcome → consent (all three) → device check → a practice that must not upload."""
    page.locator("#welcome-start").click()
    expect(page.locator("#step-consent")).to_be_visible()
    for box in ("#consent-recording", "#consent-ai", "#consent-biometric"):
        page.locator(box).check()
    page.locator("#consent-submit").click()
    expect(page.locator("#step-device")).to_be_visible()
    continue_button = page.locator("#device-continue")
    expect(continue_button).to_be_enabled(timeout=MEDIA_WAIT_MS)
    expect(page.locator("#check-camera")).to_have_attribute("data-state", "ok")
    expect(page.locator("#check-microphone")).to_have_attribute("data-state", "ok")
    expect(page.locator("#check-network")).to_have_attribute("data-state", re.compile("ok|warn"))
    continue_button.click()
    practise(page, traffic)


def practise(page: Page, traffic: Traffic) -> None:
    expect(page.locator("#step-practice")).to_be_visible()
    start = traffic.mark()
    page.locator("#practice-record").click()
    expect(page.locator("#practice-stop")).to_be_visible()
    page.wait_for_timeout(2500)
    page.locator("#practice-stop").click()
    expect(page.locator("#practice-playback")).to_be_visible(timeout=MEDIA_WAIT_MS)
    duration = page.locator("#practice-playback").evaluate(
        """v => new Promise(r => v.readyState >= 1
            ? r(v.duration) : v.onloadedmetadata = () => r(v.duration))"""
    )
    assert duration and duration > 0  # Infinity for a live WebM is fine: it plays
    page.locator("#practice-continue").click()
    expect(page.locator("#step-question")).to_be_visible()
    # F-42: the practice never leaves the browser (only small status calls may go out).
    sent = traffic.since(start)
    assert not [r for r in sent if "/tus/" in r[1]], sent
    assert all(size < 4096 for _method, _url, size in sent), sent


def start_video_question(page: Page, prompt: str) -> None:
    """Show the question; the preparation countdown runs, then recording starts by itself."""
    expect(page.locator("#q-ready")).to_be_visible()
    page.locator("#q-start").click()
    expect(page.locator("#q-prompt")).to_have_text(prompt)
    expect(page.locator("#q-answer")).to_be_visible(timeout=MEDIA_WAIT_MS)
    expect(page.locator("#q-rec-badge")).to_be_visible()


def recorded_seconds(page: Page) -> float:
    """What the page shows as recorded so far ("m:ss / m:ss", whatever the language)."""
    text = page.locator("#q-recorded").inner_text()
    minutes, seconds = re.findall(r"(\d+):(\d\d)", text)[0]
    return int(minutes) * 60 + int(seconds)


def finish_video_answer(page: Page) -> None:
    page.locator("#q-finish").click()
    expect(page.locator("#q-answer")).to_be_hidden(timeout=MEDIA_WAIT_MS)


def answer_text(page: Page, prompt: str, text: str) -> None:
    """Start the written question, paste (an integrity signal) and type, then submit."""
    expect(page.locator("#q-ready")).to_be_visible(timeout=MEDIA_WAIT_MS)
    page.locator("#q-start").click()
    expect(page.locator("#q-prompt")).to_have_text(prompt)
    box = page.locator("#q-text")
    expect(box).to_be_visible()
    box.evaluate(
        """(el, text) => {
            const data = new DataTransfer();
            data.setData('text/plain', text);
            el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true}));
        }""",
        "粘贴的内容",
    )
    box.fill(text)
    page.locator("#q-text-form button[type=submit]").click()


def answer_choice(page: Page, prompt: str, key: str) -> None:
    expect(page.locator("#q-ready")).to_be_visible(timeout=MEDIA_WAIT_MS)
    page.locator("#q-start").click()
    expect(page.locator("#q-prompt")).to_have_text(prompt)
    form = page.locator("#q-choice-form")
    form.locator("button[type=submit]").click()  # nothing chosen: refused in the page
    expect(page.locator("#q-error")).to_be_visible()
    form.locator(f"input[value='{key}']").check()
    form.locator("button[type=submit]").click()


def answer_file(page: Page, prompt: str, name: str, data: bytes) -> None:
    expect(page.locator("#q-ready")).to_be_visible(timeout=MEDIA_WAIT_MS)
    page.locator("#q-start").click()
    expect(page.locator("#q-prompt")).to_have_text(prompt)
    payload: FilePayload = {"name": name, "mimeType": "application/pdf", "buffer": data}
    page.locator("#q-file").set_input_files(files=[payload])
    page.locator("#q-file-form button[type=submit]").click()


def wait_all_uploaded(page: Page, timeout_ms: int = 60_000) -> None:
    expect(page.locator("#step-done")).to_be_visible(timeout=MEDIA_WAIT_MS)
    expect(page.locator("#done-saved")).to_be_visible(timeout=timeout_ms)
    expect(page.locator("#upload-health")).to_have_attribute("data-pending", "0")
