// Integrity signals and marks (F-46) sent in batches, kept in localStorage until the server
// took them (a reload does not drop them), and the heartbeat for HR's live board (F-50).
// Signals are facts for reviewers ("left the tab at 1:12"), never verdicts.

const FLUSH_DELAY_MS = 1000;
const RETRY_MS = 5000;
const HEARTBEAT_MS = 15_000;
const MAX_QUEUE = 500;

export class Signals {
  constructor(api, token, context) {
    this.api = api;
    this.key = `mianshi:events:${token}`;
    this.context = context; // () => {position, offsetMs, active}
    this.queue = this.restore();
    this.timer = null;
    this.sending = false;
    this.beat = null;
    this.fullscreen = false;
  }

  restore() {
    try {
      return JSON.parse(localStorage.getItem(this.key) || "[]");
    } catch {
      return [];
    }
  }

  persist() {
    try {
      localStorage.setItem(this.key, JSON.stringify(this.queue));
    } catch {
      // Storage full or blocked: the events still go out from memory.
    }
  }

  add(kind, detail = {}, { now = false } = {}) {
    const { position, offsetMs } = this.context();
    this.queue.push({
      kind,
      position: position ?? null,
      offset_ms: offsetMs === null || offsetMs === undefined ? null : Math.round(offsetMs),
      client_at: new Date().toISOString(),
      detail,
    });
    this.queue = this.queue.slice(-MAX_QUEUE);
    this.persist();
    this.schedule(now ? 0 : FLUSH_DELAY_MS);
  }

  schedule(delay) {
    if (this.timer !== null) {
      if (delay > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delay);
  }

  async flush() {
    if (this.sending || !this.queue.length) return;
    this.sending = true;
    const batch = this.queue.slice(0, 100);
    try {
      await this.api.post("events", { events: batch }, { retries: 0 });
      this.queue = this.queue.slice(batch.length);
      this.persist();
      if (this.queue.length) this.schedule(0);
    } catch (err) {
      // A 4xx will not get better: drop the batch rather than block later signals.
      if (err.status >= 400 && err.status < 500) {
        this.queue = this.queue.slice(batch.length);
        this.persist();
      } else {
        this.schedule(RETRY_MS);
      }
    } finally {
      this.sending = false;
    }
  }

  // Browser facts that the reviewers see; only while the questions are under way.
  watch() {
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden" && this.context().active) this.add("tab_hidden");
    });
    window.addEventListener("blur", () => {
      if (this.context().active) this.add("window_blur");
    });
    document.addEventListener("fullscreenchange", () => {
      if (document.fullscreenElement) {
        this.fullscreen = true;
      } else if (this.fullscreen) {
        this.fullscreen = false;
        if (this.context().active) this.add("fullscreen_exit");
      }
    });
    window.addEventListener("offline", () => this.add("offline"));
    window.addEventListener("online", () => this.add("online", {}, { now: true }));
  }

  heartbeat(state) {
    const send = () => this.api.post("heartbeat", state(), { retries: 0 }).catch(() => {});
    send();
    clearInterval(this.beat);
    this.beat = setInterval(send, HEARTBEAT_MS);
  }
}
