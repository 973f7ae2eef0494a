// The candidate's interview page (F-40–F-46): welcome → consent → device check → practice →
// questions → done. The server's state decides where a (re)loaded page continues; the
// browser keeps recorded chunks until the server has them.

import { Api, ApiError } from "./api.js";
import { DeviceCheck } from "./device.js";
import { $, fill, message, onClick, show, step } from "./dom.js";
import { bytes, loadTexts, t } from "./i18n.js";
import * as media from "./media.js";
import { Practice } from "./practice.js";
import { QuestionFlow } from "./question.js";
import { Signals } from "./signals.js";
import { Uploader } from "./uploader.js";

const RECORDED = new Set(["video", "audio"]);

class App {
  constructor(root) {
    this.root = root;
    this.token = root.dataset.token;
    this.api = new Api(root.dataset.apiBase);
    this.uploader = new Uploader({
      token: this.token,
      endpoint: root.dataset.tusEndpoint,
      onHealth: (health) => this.showHealth(health),
    });
    this.signals = new Signals(this.api, this.token, () => ({
      position: this.flow.position(),
      offsetMs: this.flow.offsetMs(),
      active: this.flow.active,
    }));
    this.forceWhole = new URLSearchParams(window.location.search).get("recorder") === "whole";
    this.state = null;
    this.device = null;
    this.practice = null;
    this.flow = new QuestionFlow(this);
  }

  async start() {
    loadTexts();
    this.bind();
    try {
      const boot = JSON.parse($("interview-bootstrap")?.textContent || "null");
      this.state = boot?.invitation ? boot : await this.api.get("state");
      await this.uploader.load();
    } catch (err) {
      return this.fatal(err);
    }
    this.uploader.kick();
    this.signals.watch();
    this.signals.heartbeat(() => this.heartbeat());
    this.signals.flush();
    window.addEventListener("beforeunload", (event) => {
      if (!this.mustStay()) return;
      event.preventDefault();
      event.returnValue = "";
    });
    this.fillWelcome();
    await this.route();
  }

  async refresh() {
    this.state = await this.api.get("state");
    return this.state;
  }

  questions() {
    return this.state.questions;
  }

  kind() {
    const types = new Set(this.questions().map((q) => q.answer_type));
    if (types.has("video")) return "video";
    return types.has("audio") ? "audio" : null;
  }

  // Where a (re)loaded page continues, from the server's view of the session.
  async route() {
    const { session, consent } = this.state;
    if (session.state === "done" || session.current_index >= this.questions().length) {
      return this.finishAll();
    }
    if (!consent.given?.recording) return step("welcome");
    const begun = session.state === "answering" || session.state === "uploading" ||
      session.current_index > 0 || session.phase !== "ready" ||
      this.questions().some((q) => q.status !== "pending");
    if (begun) {
      if (this.kind()) await media.getStream({ video: this.kind() === "video" }).catch(() => {});
      return this.flow.resume({ reloaded: true });
    }
    if (session.device_checked) return this.enterPractice();
    return this.enterDevice();
  }

  bind() {
    onClick("welcome-start", () => this.enterConsent());
    $("consent-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitConsent();
    });
    onClick("device-retry", () => this.device?.run());
    onClick("device-continue", () => this.leaveDevice());
    onClick("practice-continue", () => this.leavePractice());
  }

  fillWelcome() {
    const { invitation } = this.state;
    if (invitation.job_title) fill("job_title", invitation.job_title);
    if (invitation.org_name) fill("org_name", invitation.org_name);
    // The deadline is written by the server in the invitation's zone, as in the e-mail.
    fill("question_count", String(this.questions().length));
    fill("instructions", invitation.instructions || "");
    show("welcome-instructions", Boolean(invitation.instructions));
    const materials = invitation.materials || [];
    const items = materials.map((m) => Object.assign(document.createElement("li"), { textContent: m }));
    document.querySelector('[data-fill="materials"]').replaceChildren(...items);
    show("welcome-materials", materials.length > 0);
  }

  enterConsent() {
    const { consent } = this.state;
    for (const el of document.querySelectorAll("[data-notice]")) {
      el.textContent = consent.notices?.[el.dataset.notice] ?? "";
    }
    fill("notice_version", consent.notice_version ?? "");
    for (const kind of ["recording", "ai_analysis", "biometric"]) {
      const box = document.querySelector(`#consent-form input[name="${kind}"]`);
      box.checked = Boolean(consent.given?.[kind]);
    }
    step("consent");
  }

  async submitConsent() {
    const form = $("consent-form");
    const values = Object.fromEntries(
      ["recording", "ai_analysis", "biometric"].map((k) => [k, form.elements[k].checked]),
    );
    if (!values.recording) {
      show("consent-error", true);
      form.elements.recording.focus();
      return;
    }
    show("consent-error", false);
    try {
      await this.api.post("consent", { ...values, notice_version: this.state.consent.notice_version });
      await this.refresh();
    } catch (err) {
      return this.showError(err);
    }
    return this.enterDevice();
  }

  async enterDevice() {
    step("device");
    const kind = this.kind();
    this.device ??= new DeviceCheck({ api: this.api, needVideo: kind === "video", needAudio: kind !== null });
    await this.device.run();
  }

  async leaveDevice() {
    const result = this.device.result;
    try {
      await this.api.post("device-check", result);
    } catch (err) {
      return this.showError(err);
    }
    this.device.stop();
    return this.enterPractice();
  }

  async enterPractice() {
    const kind = this.kind();
    if (!kind) return this.flow.resume();
    step("practice");
    this.practice ??= new Practice({ kind });
    await this.practice.enter().catch((err) => this.showError(err));
  }

  async leavePractice() {
    await this.practice?.leave();
    return this.flow.resume();
  }

  async finishAll() {
    this.flow.stop();
    step("done");
    if (this.state.session.state !== "done" && this.state.session.state !== "uploading") {
      try {
        await this.api.post("finish", {}, { retries: 1000 });
        await this.refresh();
      } catch (err) {
        if (!(err instanceof ApiError) || err.status === 0) return this.showError(err);
      }
    }
    this.showHealth(this.uploader.health());
  }

  mustStay() {
    return Boolean(this.flow.recorder) || this.uploader.health().chunks > 0;
  }

  heartbeat() {
    const health = this.uploader.health();
    return {
      phase: this.state?.session.phase ?? null,
      position: this.flow.position(),
      pending_chunks: health.chunks,
      pending_bytes: health.bytes,
      online: navigator.onLine,
      camera: media.cameraState(),
    };
  }

  // Upload health for the candidate: while recording one chunk is always held back.
  showHealth(health) {
    const waiting = health.chunks - (this.flow?.recorder ? 1 : 0);
    let text = "";
    if (health.failed) text = t("upload_failed");
    else if (health.chunks > 0 && health.offline) text = t("upload_offline");
    else if (health.chunks > 0 && health.retrying) text = t("upload_retrying", { chunks: health.chunks });
    else if (waiting > 1) text = t("upload_pending", { chunks: health.chunks, size: bytes(health.bytes) });
    message("upload-health", text);
    $("upload-health").dataset.pending = String(health.chunks);
    show("done-pending", health.chunks > 0 || health.bytes > 0);
    show("done-saved", health.chunks === 0 && health.bytes === 0 && !health.failed);
  }

  showError(err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 410)) return this.fatal(err);
    let text = t("error_generic");
    if (err instanceof ApiError && err.detail) text = err.detail;
    else if (err?.status === 0) text = t("error_network");
    else if (media.isMediaError(err)) text = t(media.adviceFor(err, { video: this.kind() === "video" }));
    message("app-error", text);
  }

  fatal(err) {
    this.flow?.stop();
    if (err instanceof ApiError && (err.status === 404 || err.status === 410)) {
      $("closed-detail").textContent = err.detail || "";
      return step("closed");
    }
    message("app-error", err instanceof ApiError && err.detail ? err.detail : t("error_generic"));
    step("loading");
    show("step-loading", false);
  }
}

const root = document.getElementById("interview");
if (root) {
  const app = new App(root);
  window.mianshiInterview = app; // for support staff in the console, and the browser tests
  app.start();
}
