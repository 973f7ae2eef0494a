// The device check (F-41): camera preview, microphone level with a test sound, network
// speed by uploading to the server; every failure comes with advice the candidate can act on.

import { $, show } from "./dom.js";
import { t } from "./i18n.js";
import * as media from "./media.js";

const PROBE_BYTES = 256 * 1024;
const SLOW_KBPS = 600;
const LISTEN_MS = 3000;
const SILENT_DB = -60;

function setCheck(id, state, text) {
  const item = $(id);
  item.dataset.state = state;
  item.querySelector(".value").textContent = text;
}

function randomBody(size) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return new Blob([bytes]);
}

export class DeviceCheck {
  constructor({ api, needVideo, needAudio }) {
    this.api = api;
    this.needVideo = needVideo;
    this.needAudio = needAudio || needVideo;
    this.meter = null;
    this.frame = null;
    this.result = {};
    $("play-tone").addEventListener("click", () => this.meter?.tone());
  }

  async run() {
    const advice = [];
    this.result = { camera: false, microphone: false, level_db: null, network_kbps: null, problems: [] };
    show("device-continue", true);
    $("device-continue").disabled = true;
    for (const id of ["check-camera", "check-microphone", "check-network"]) setCheck(id, "pending", t("checking"));
    const [mediaOk] = await Promise.all([this.checkMedia(advice), this.checkNetwork(advice)]);
    this.result.problems = advice.map((key) => key.replace(/^advice_/, ""));
    const params = { kbps: this.result.network_kbps };
    const items = advice.map((key) => Object.assign(document.createElement("li"), { textContent: t(key, params) }));
    $("device-advice").replaceChildren(...items);
    $("device-continue").disabled = !mediaOk;
    return { ok: mediaOk, result: this.result };
  }

  async checkMedia(advice) {
    if (!this.needAudio) {
      setCheck("check-camera", "ok", t("not_needed"));
      setCheck("check-microphone", "ok", t("not_needed"));
      this.result.camera = this.result.microphone = true;
      return true;
    }
    if (!media.supported()) {
      advice.push("advice_unsupported");
      setCheck("check-camera", "bad", t("failed"));
      setCheck("check-microphone", "bad", t("failed"));
      return false;
    }
    let stream;
    try {
      stream = await media.getStream({ video: this.needVideo });
    } catch (err) {
      advice.push(media.adviceFor(err, { video: this.needVideo }));
      setCheck("check-camera", "bad", t("failed"));
      setCheck("check-microphone", "bad", t("failed"));
      return false;
    }
    const cameraOk = this.showCamera(stream);
    const micOk = await this.listen(stream, advice);
    if (this.needVideo && !cameraOk) advice.push("advice_no_camera");
    return micOk && (cameraOk || !this.needVideo);
  }

  showCamera(stream) {
    const track = stream.getVideoTracks()[0];
    if (!this.needVideo) {
      setCheck("check-camera", "ok", t("not_needed"));
      return true;
    }
    const preview = $("device-preview");
    preview.srcObject = stream;
    const ok = Boolean(track && track.readyState === "live");
    const { width = 0, height = 0 } = track?.getSettings() ?? {};
    setCheck("check-camera", ok ? "ok" : "bad", ok ? t("camera_ok", { width, height }) : t("failed"));
    this.result.camera = ok;
    return ok;
  }

  // Listens for a few seconds: a silent microphone is the most common failed interview.
  async listen(stream, advice) {
    this.meter?.close();
    this.meter = new media.LevelMeter(stream);
    await this.meter.resume();
    const meterEl = $("mic-level");
    const started = performance.now();
    await new Promise((resolve) => {
      const tick = () => {
        meterEl.value = Math.max(-80, this.meter.level());
        if (performance.now() - started < LISTEN_MS) this.frame = requestAnimationFrame(tick);
        else resolve();
      };
      tick();
    });
    this.keepMetering();
    const peak = Math.round(this.meter.peak);
    this.result.level_db = peak;
    const ok = peak > SILENT_DB;
    this.result.microphone = ok;
    setCheck("check-microphone", ok ? "ok" : "bad", ok ? t("microphone_ok") : t("failed"));
    if (!ok) advice.push("advice_silent");
    return ok;
  }

  keepMetering() {
    const meterEl = $("mic-level");
    const tick = () => {
      if (!this.meter) return;
      meterEl.value = Math.max(-80, this.meter.level());
      this.frame = requestAnimationFrame(tick);
    };
    tick();
  }

  async checkNetwork(advice) {
    const started = performance.now();
    try {
      await this.api.request("POST", "network-check", randomBody(PROBE_BYTES), { retries: 1, raw: true });
    } catch {
      setCheck("check-network", "bad", t("failed"));
      advice.push("advice_network_failed");
      return false;
    }
    const seconds = Math.max(0.001, (performance.now() - started) / 1000);
    const kbps = Math.round((PROBE_BYTES * 8) / 1000 / seconds);
    this.result.network_kbps = kbps;
    const slow = kbps < SLOW_KBPS;
    setCheck("check-network", slow ? "warn" : "ok", t("network_ok", { kbps }));
    if (slow) advice.push("advice_slow");
    return true;
  }

  stop() {
    cancelAnimationFrame(this.frame);
    this.meter?.close();
    this.meter = null;
    $("device-advice").replaceChildren();
  }
}
