// The practice recording (F-42): recorded and played back in this browser only. It never
// touches the uploader or the network: the blob lives in memory until the page moves on.

import { $, message, show } from "./dom.js";
import { clock, t } from "./i18n.js";
import * as media from "./media.js";

const MAX_MS = 15_000;

export class Practice {
  constructor({ kind }) {
    this.kind = kind;
    this.recorder = null;
    this.parts = [];
    this.url = null;
    this.timer = null;
    $("practice-record").addEventListener("click", () => this.record());
    $("practice-stop").addEventListener("click", () => this.stop());
  }

  async enter() {
    const stream = await media.getStream({ video: this.kind === "video" });
    const live = $("practice-live");
    live.srcObject = stream;
    show(live, this.kind === "video");
  }

  async record() {
    this.discard();
    const stream = media.currentStream() ?? (await media.getStream({ video: this.kind === "video" }));
    const { mime } = media.pickFormat(this.kind);
    this.parts = [];
    this.recorder = new media.ChunkRecorder(media.streamFor(this.kind, stream), mime, async (blob) => {
      this.parts.push(blob);
    });
    this.recorder.start(1000);
    show("practice-record", false);
    show("practice-stop", true);
    show("practice-playback", false);
    show("practice-live", this.kind === "video");
    this.timer = setInterval(() => this.tick(), 250);
    this.tick();
  }

  tick() {
    const elapsed = this.recorder?.elapsed() ?? 0;
    message("practice-status", t("practice_recording", { time: clock(elapsed) }));
    if (elapsed >= MAX_MS) this.stop();
  }

  async stop() {
    if (!this.recorder) return;
    clearInterval(this.timer);
    const recorder = this.recorder;
    this.recorder = null;
    await recorder.stop();
    const blob = new Blob(this.parts, { type: recorder.mimeType });
    this.url = URL.createObjectURL(blob);
    const playback = $("practice-playback");
    playback.src = this.url;
    show("practice-live", false);
    show(playback, true);
    show("practice-stop", false);
    show("practice-record", true);
    message("practice-status", t("practice_done"));
  }

  discard() {
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
    this.parts = [];
  }

  async leave() {
    await this.stop();
    $("practice-playback").pause();
    this.discard();
  }
}
