"""Regenerate the README's screenshots from a running demo (`make demo`), in zh-Hans.

    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000

Run it with the demo's environment (the same MIANSHI_DATA_DIR as `make demo`): it reads
which job, interview and invitation to show from the demo's database (read-only), then
drives Debian's Chromium (never `playwright install`): HR home, the pipeline board, the
workbench and the candidate profile as 上海HR 王敏 at 1366 px, and the candidate's question
page on a phone (390 px at 2×) with a generated face as the camera. Stopping at the question's
preparation countdown records nothing; that candidate is then "interviewing" with nothing
recorded, as when a candidate looks at the first question and leaves.

Each PNG is reduced to a 256-colour palette (Pillow) so it stays small in the repository.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.urls import reverse  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright  # noqa: E402

from mianshi.demo import data as D  # noqa: E402
from mianshi.interviews.models import InterviewSession  # noqa: E402
from mianshi.invitations.models import Invitation  # noqa: E402
from mianshi.invitations.services import invitation_token  # noqa: E402
from mianshi.jobs.models import Job  # noqa: E402
from tests.e2e.media_fake import face_y4m, speech_wav  # noqa: E402

CHROMIUM = os.environ.get("MIANSHI_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip
DESKTOP: ViewportSize = {"width": 1366, "height": 860}
PHONE: ViewportSize = {"width": 390, "height": 844}
OUT = ROOT / "docs" / "screenshots"
HR = "hr_sh"
BOARD_JOB = "销售代表"
WAIT_MS = 30_000


@dataclass(frozen=True)
class Targets:
    """What the screenshots show, as paths on the demo server."""

    board: str
    workbench: str
    profile: str
    invitation: str


def targets() -> Targets:
    """The demo's board job, 林晓东's analysed interview and an open invitation."""
    job = Job.objects.get(title=BOARD_JOB)
    name = D.INTERVIEW_CANDIDATES[0][0]
    session = InterviewSession.objects.select_related("application").get(
        application__candidate__name=name, application__job__title=D.INTERVIEW_JOB[0]
    )
    invitation = (
        Invitation.objects.filter(
            application__job=job, application__stage="invited", status__in=["created", "sent"]
        )
        .order_by("pk")
        .first()
    )
    if invitation is None:
        raise SystemExit(f"no unopened invitation left for {BOARD_JOB}: reload the demo")
    return Targets(
        board=reverse("insights:pipeline", args=[job.pk]),
        workbench=reverse("reviews:workbench", args=[session.pk]),
        profile=reverse("candidates:candidate_detail", args=[session.application.candidate_id]),
        invitation=f"/i/{invitation_token(invitation)}/",
    )


def save(page: Page, name: str) -> Path:
    """A viewport screenshot, reduced to a palette PNG."""
    path = OUT / f"{name}.png"
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path))
    image = Image.open(path).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")
    return path


def hr_screens(browser: Browser, url: str, where: Targets) -> None:
    context = browser.new_context(base_url=url, locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(HR)
    page.locator("#id_password").fill(D.DEMO_PASSWORD)
    page.locator("form:has(#id_password) button[type=submit]").click()
    expect(page.locator("header nav")).to_be_visible()
    save(page, "hr-home")
    for name, path in (("pipeline-board", where.board), ("workbench", where.workbench),
                       ("candidate-profile", where.profile)):  # fmt: skip
        page.goto(path)
        save(page, name)
    context.close()


def candidate_screen(browser: Browser, url: str, where: Targets) -> None:
    context = browser.new_context(
        base_url=url, locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True,
        has_touch=True, permissions=["camera", "microphone"],
    )  # fmt: skip
    page = context.new_page()
    page.goto(where.invitation)
    page.locator("#welcome-start").click()
    for box in ("#consent-recording", "#consent-ai", "#consent-biometric"):
        page.locator(box).check()
    page.locator("#consent-submit").click()
    expect(page.locator("#device-continue")).to_be_enabled(timeout=WAIT_MS)
    page.locator("#device-continue").click()
    page.locator("#practice-continue").click()
    page.locator("#q-start").click()
    expect(page.locator("#q-prep")).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # the camera preview's first frames
    save(page, "candidate-question-phone")
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running demo")
    url = parser.parse_args().url.rstrip("/")
    where = targets()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        face, voice = face_y4m(Path(tmp) / "face.y4m"), speech_wav(Path(tmp) / "voice.wav")
        media = [*FLAGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 f"--use-file-for-fake-video-capture={face}",
                 f"--use-file-for-fake-audio-capture={voice}"]  # fmt: skip
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=media)
        hr_screens(browser, url, where)
        candidate_screen(browser, url, where)
        browser.close()


if __name__ == "__main__":
    main()
