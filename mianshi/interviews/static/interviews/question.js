// The questions (F-43, F-48): prompt, preparation countdown, recording with "recorded m:ss /
// total m:ss", marks, early finish, retakes, written / file / multiple-choice answers, and
// the return to the same question after a reload (F-44).

import { ApiError } from "./api.js";
import { $, fill, message, onClick, show, step } from "./dom.js";
import { clock, t } from "./i18n.js";
import * as media from "./media.js";

const PHASES = [
  "q-ready", "q-prep", "q-answer", "q-saving", "q-resume", "q-review",
  "q-inpage-time", "q-text-form", "q-choice-form", "q-file-form",
];
// Less answer time than this left after a reload is not worth a new segment.
const RESUME_MIN_MS = 2000;
const ANNOUNCE_AT = [60, 30, 10];
const RECORDED = new Set(["video", "audio"]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class QuestionFlow {
  constructor(app) {
    this.app = app;
    this.active = false;
    this.recorder = null;
    this.meta = null;
    this.screen = null;
    this.deadline = null;
    this.totalMs = 0;
    this.timer = null;
    this.announced = new Set();
    this.bind();
  }

  get api() {
    return this.app.api;
  }

  get session() {
    return this.app.state.session;
  }

  questions() {
    return this.app.state.questions;
  }

  // session.current_index counts the questions answered (== their count when all are done);
  // current_position is the current question's own position (1-based, null when done).
  current() {
    return this.questions()[this.session.current_index] ?? null;
  }

  position() {
    return this.active ? (this.current()?.position ?? null) : null;
  }

  offsetMs() {
    if (!this.recorder || this.deadline === null) return null;
    return this.totalMs - Math.max(0, this.deadline - performance.now());
  }

  bind() {
    onClick("q-start", () => this.startQuestion());
    onClick("q-record-now", () => this.record());
    onClick("q-finish", () => this.finishAnswer());
    onClick("q-mark", () => this.mark());
    onClick("q-continue", () => this.record());
    onClick("q-retake", () => this.act("retake"));
    onClick("q-next", () => this.act("next"));
    $("q-text-form").addEventListener("submit", (e) => this.submit(e, () => this.sendText()));
    $("q-choice-form").addEventListener("submit", (e) => this.submit(e, () => this.sendChoice()));
    $("q-file-form").addEventListener("submit", (e) => this.submit(e, () => this.sendFile()));
    $("q-text").addEventListener("paste", (e) => {
      const length = e.clipboardData?.getData("text")?.length ?? 0;
      this.app.signals.add("paste", { length }, { now: true });
    });
  }

  // Entering the questions, on first arrival or after a reload mid-way.
  async resume({ reloaded = false } = {}) {
    this.active = true;
    step("question");
    if (reloaded) this.app.signals.add("resumed", { phase: this.session.phase });
    try {
      await this.recoverLocal();
    } catch (err) {
      return this.error(err);
    }
    await this.render();
  }

  // Recordings an earlier page left behind: finish them, or offer to continue the answer.
  async recoverLocal() {
    const q = this.current();
    for (const group of this.unreportedGroups()) {
      const open = q && q.position === group.position && q.attempt === group.attempt;
      const live = open && this.session.phase === "answer" && this.session.phase_remaining_ms > RESUME_MIN_MS;
      if (!live) await this.report(group.position, group.attempt);
    }
    await this.app.refresh();
  }

  unreportedGroups() {
    const groups = new Map();
    for (const meta of this.app.uploader.recordings()) {
      if (meta.reported) continue;
      groups.set(`${meta.position}:${meta.attempt}`, { position: meta.position, attempt: meta.attempt });
    }
    return [...groups.values()];
  }

  async render() {
    clearInterval(this.timer);
    this.timer = null;
    const q = this.current();
    if (!q) return this.app.finishAll();
    for (const id of PHASES) show(id, false);
    message("q-error", "");
    this.fillHeader(q);
    const phase = this.session.phase;
    // The server reveals the text only once the question's clock runs.
    show("q-prompt", Boolean(q.text));
    $("q-prompt").textContent = q.text ?? "";
    if (RECORDED.has(q.answer_type)) await this.renderRecorded(q, phase);
    else this.renderInPage(q, phase);
  }

  fillHeader(q) {
    const total = this.questions().length;
    fill("question_n", t("question_n", { n: this.session.current_index + 1, total }));
    const params = {
      type: t(`type_${q.answer_type}`),
      prep: clock(q.prep_seconds * 1000),
      answer: clock(q.answer_seconds * 1000),
      retakes: q.max_retakes,
    };
    fill("question_meta", t(q.max_retakes ? "question_meta_retakes" : "question_meta", params));
  }

  async renderRecorded(q, phase) {
    const kind = q.answer_type;
    show("q-media", kind === "video");
    if (kind === "video") this.attachPreview();
    if (phase === "ready") return show("q-ready");
    if (phase === "prep") return this.showPrep();
    if (phase === "review") {
      fill("retakes_left", t("retakes_left", { n: q.retakes_left }));
      show("q-retake", q.retakes_left > 0);
      return show("q-review");
    }
    // ANSWER without a recorder here: the page was reloaded while recording.
    if (this.session.phase_remaining_ms > RESUME_MIN_MS) {
      message("q-resume-text", t("resume_prompt", { time: clock(this.session.phase_remaining_ms) }));
      return show("q-resume");
    }
    await this.report(q.position, q.attempt);
    await this.app.refresh();
    return this.render();
  }

  renderInPage(q, phase) {
    show("q-media", false);
    if (phase === "ready") return show("q-ready");
    this.showTimeLeft();
    if (q.answer_type === "text") show("q-text-form");
    if (q.answer_type === "file") show("q-file-form");
    if (q.answer_type === "choice") {
      const inputs = (q.choices || []).map((choice) => {
        const label = document.createElement("label");
        label.className = "check";
        const input = Object.assign(document.createElement("input"), { type: "checkbox", name: "choice", value: choice.key });
        label.append(input, ` ${choice.key}. ${choice.text}`);
        return label;
      });
      $("q-choices").replaceChildren(...inputs);
      show("q-choice-form");
    }
  }

  // Written, chosen and file answers have a time too; the server allows a short grace.
  showTimeLeft() {
    const left = this.session.phase_remaining_ms;
    if (left === null || left === undefined) return;
    show("q-inpage-time");
    this.countdown(left, (ms) => {
      $("q-inpage-left").textContent = clock(ms);
      this.announce("q-inpage-announce", ms);
      if (ms <= 0) message("q-error", t("time_over"));
    });
  }

  attachPreview() {
    const stream = media.currentStream();
    if (stream && $("q-preview").srcObject !== stream) $("q-preview").srcObject = stream;
  }

  async startQuestion() {
    const q = this.current();
    this.requestFullscreen();
    try {
      await this.api.post(`questions/${q.position}/start`);
      await this.app.refresh();
    } catch (err) {
      return this.error(err);
    }
    if (RECORDED.has(q.answer_type) && this.session.phase === "answer") return this.record();
    return this.render();
  }

  // Desktop only: phones have no real full screen and the request would fail there anyway.
  requestFullscreen() {
    const desktop = window.matchMedia?.("(pointer: fine)").matches;
    if (desktop && !document.fullscreenElement && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(() => {});
    }
  }

  showPrep() {
    show("q-prep");
    this.countdown(this.session.phase_remaining_ms, (left) => {
      $("q-prep-left").textContent = clock(left);
      this.announce("q-prep-announce", left);
      if (left <= 0) this.record();
    });
  }

  countdown(ms, onTick) {
    clearInterval(this.timer);
    this.deadline = performance.now() + ms;
    this.announced = new Set();
    const tick = () => onTick(Math.max(0, this.deadline - performance.now()));
    this.timer = setInterval(tick, 250);
    tick();
  }

  announce(id, leftMs) {
    const seconds = Math.ceil(leftMs / 1000);
    for (const mark of ANNOUNCE_AT) {
      if (seconds <= mark && !this.announced.has(mark) && this.deadline - performance.now() > 0) {
        this.announced.add(mark);
        message(id, t("time_left_announce", { n: mark }));
      }
    }
  }

  // Starts (or, after a reload, continues with the next segment) the current answer.
  async record() {
    if (this.recorder || this.recording) return;
    this.recording = true;
    clearInterval(this.timer);
    const q = this.current();
    try {
      await this.startRecorder(q);
    } catch (err) {
      this.recorder = null;
      this.error(err);
    } finally {
      this.recording = false;
    }
  }

  async startRecorder(q) {
    const kind = q.answer_type;
    const camera = await media.getStream({ video: kind === "video" });
    const source = q.screen_share ? await this.screenStream(camera) : media.streamFor(kind, camera);
    const started = await this.api.post(`questions/${q.position}/record`);
    await this.app.refresh();
    const { mime, mode } = media.pickFormat(kind, { forceWhole: this.app.forceWhole });
    let meta = null;
    const recorder = new media.ChunkRecorder(source, mime, (blob) => this.app.uploader.add(meta.id, blob));
    meta = await this.app.uploader.begin({
      position: q.position,
      attempt: started.attempt,
      segment: this.nextSegment(q.position, started.attempt),
      mode,
      filetype: (recorder.mimeType || mime || "video/webm").split(";")[0],
    });
    this.meta = meta;
    this.recorder = recorder;
    // A camera unplugged or taken away ends the take with what was recorded.
    recorder.recorder.onerror = () => this.lostDevice();
    for (const track of source.getTracks()) track.addEventListener("ended", () => this.lostDevice());
    recorder.start(1000);
    this.showAnswer(q, started.remaining_ms);
  }

  nextSegment(position, attempt) {
    const q = this.questions().find((item) => item.position === position);
    const server = (q?.recordings ?? []).filter((r) => r.attempt === attempt).map((r) => r.segment);
    const local = this.app.uploader.recordings().filter((m) => m.position === position && m.attempt === attempt).map((m) => m.segment);
    const all = [...server, ...local];
    return all.length ? Math.max(...all) + 1 : 0;
  }

  async screenStream(camera) {
    try {
      this.screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      return new MediaStream([...this.screen.getVideoTracks(), ...camera.getAudioTracks()]);
    } catch {
      this.app.signals.add("device_problem", { screen_share: "refused" });
      return camera;
    }
  }

  showAnswer(q, remainingMs) {
    for (const id of PHASES) show(id, false);
    // The state fetched after `record` reveals the text (with no prep time it was hidden).
    $("q-prompt").textContent = this.current()?.text ?? q.text ?? "";
    show("q-prompt");
    show("q-answer");
    show("q-rec-badge");
    message("q-mark-status", "");
    message("q-answer-announce", t("recording_started"));
    this.totalMs = q.answer_seconds * 1000;
    this.countdown(remainingMs, (left) => {
      const done = this.totalMs - left;
      $("q-recorded").textContent = t("recorded", { done: clock(done), total: clock(this.totalMs) });
      $("q-progress").value = Math.round((100 * done) / this.totalMs);
      this.announce("q-answer-announce", left);
      if (left <= 0) this.finishAnswer();
    });
  }

  lostDevice() {
    if (!this.recorder || this.finishing) return;
    this.app.signals.add("device_problem", { ended: true });
    this.finishAnswer().then(() => message("q-error", t("camera_lost")));
  }

  mark() {
    const offset = this.offsetMs();
    if (offset === null) return;
    this.app.signals.add("mark", {}, { now: true });
    message("q-mark-status", t("mark_done", { time: clock(offset) }));
  }

  async finishAnswer() {
    const recorder = this.recorder;
    if (!recorder || this.finishing) return;
    this.finishing = true;
    clearInterval(this.timer);
    const q = this.current();
    const meta = this.meta;
    show("q-answer", false);
    show("q-rec-badge", false);
    show("q-saving");
    message("q-saving-text", t("saving"));
    try {
      const duration = await recorder.stop();
      this.recorder = null;
      this.screen?.getTracks().forEach((track) => track.stop());
      this.screen = null;
      await this.app.uploader.end(meta.id, { durationMs: duration });
      await this.report(q.position, meta.attempt);
      await this.app.refresh();
      await this.render();
    } catch (err) {
      this.error(err);
    } finally {
      this.recorder = null;
      this.finishing = false;
    }
  }

  // Tells the server an attempt is over, with every segment recorded for it. Waits for the
  // uploads to exist (offline: as long as it takes), and retries through network trouble.
  async report(position, attempt) {
    const uploader = this.app.uploader;
    const metas = uploader.recordings().filter((m) => m.position === position && m.attempt === attempt && !m.reported);
    for (const meta of metas) {
      await uploader.created(meta.id, () => message("q-saving-text", t("waiting_network")));
    }
    const recordings = metas
      .filter((m) => m.serverId)
      .map((m) => ({ id: m.serverId, duration_ms: m.durationMs ?? 0, interrupted: Boolean(m.interrupted) }));
    try {
      await this.api.post(`questions/${position}/finish`, { attempt, recordings }, { retries: 1000 });
    } catch (err) {
      // The server no longer takes this attempt (already finished, time long over): it has
      // the uploads themselves; do not ask again after every reload.
      if (!(err instanceof ApiError) || err.status === 0 || err.status === 410) throw err;
    }
    for (const meta of metas) await uploader.reported(meta.id);
  }

  async act(action) {
    const q = this.current();
    try {
      await this.api.post(`questions/${q.position}/${action}`);
      await this.app.refresh();
    } catch (err) {
      return this.error(err);
    }
    return this.render();
  }

  async submit(event, send) {
    event.preventDefault();
    const form = event.target;
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    try {
      if ((await send()) === false) return;
      await this.app.refresh();
      await this.render();
    } catch (err) {
      this.error(err);
    } finally {
      delete form.dataset.busy;
    }
  }

  async sendText() {
    const text = $("q-text").value.trim();
    if (!text) return this.invalid("text_empty");
    await this.api.post(`questions/${this.current().position}/text`, { text });
    $("q-text").value = "";
  }

  async sendChoice() {
    const keys = [...$("q-choices").querySelectorAll("input:checked")].map((input) => input.value);
    if (!keys.length) return this.invalid("choose_one");
    await this.api.post(`questions/${this.current().position}/choice`, { keys });
  }

  async sendFile() {
    const file = $("q-file").files[0];
    if (!file) return this.invalid("file_empty");
    const body = new FormData();
    body.append("file", file);
    await this.api.post(`questions/${this.current().position}/file`, body);
    $("q-file").value = "";
  }

  invalid(key) {
    message("q-error", t(key));
    return false;
  }

  error(err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 410)) return this.app.fatal(err);
    let text = t("error_generic");
    if (err instanceof ApiError && err.detail) text = err.detail;
    else if (err?.status === 0) text = t("error_network");
    else if (media.isMediaError(err)) text = t(media.adviceFor(err, { video: this.current()?.answer_type === "video" }));
    message("q-error", text);
    if (!(err instanceof ApiError)) console.error(err);
    // Show where the candidate stands again (e.g. the ready button after a refused start).
    if (!this.recorder) {
      show("q-saving", false);
      sleep(0).then(() => this.app.refresh().then(() => this.rerenderKeepingError(text)).catch(() => {}));
    }
  }

  async rerenderKeepingError(text) {
    await this.render();
    message("q-error", text);
  }

  stop() {
    this.active = false;
    clearInterval(this.timer);
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  }
}
