// Zero data loss (F-44): every chunk is stored in IndexedDB first, then PATCHed over tus in
// order; it is deleted only after the server's 204. Failures back off and retry, a 409
// asks the server for its offset and continues from there, going offline pauses and
// coming back online resumes at once. A reload finds the stored chunks and sends them.
//
// Stream mode holds back the newest chunk while recording goes on, so the final PATCH
// always carries data together with `Upload-Length` (the length was deferred).

import * as store from "./store.js";
import * as tus from "./tus.js";
import * as webm from "./webm.js";

const MiB = 1024 * 1024;
const MAX_BACKOFF_MS = 8000;
// Statuses after which this upload can never succeed: keep its data, stop trying.
const FATAL = new Set([400, 403, 404, 410, 412, 413, 415]);

export class Uploader {
  constructor({ token, endpoint, onHealth = () => {} }) {
    this.token = token;
    this.endpoint = endpoint;
    this.onHealth = onHealth;
    this.metas = new Map();
    this.events = new EventTarget();
    this.running = false;
    this.again = false;
    this.failures = 0;
    this.timer = null;
    this.offline = !navigator.onLine;
    window.addEventListener("online", () => {
      this.offline = false;
      this.failures = 0;
      this.kick();
    });
    window.addEventListener("offline", () => {
      this.offline = true;
      this.changed();
    });
  }

  // Reads what an earlier page left in IndexedDB; returns those recordings.
  async load() {
    for (const meta of await store.listRecordings(this.token)) {
      if (meta.complete && meta.reported) {
        await store.deleteRecording(meta.id);
        continue;
      }
      meta.pending = (await store.chunkStats(meta.id)).chunks;
      meta.synced = false; // the server may have more than we know (a lost 204)
      this.metas.set(meta.id, meta);
      if (!meta.stopped) {
        // The page that recorded it is gone: this segment ends where its data ends.
        await this.end(meta.id, { durationMs: meta.lastChunkAt - meta.startedAt, interrupted: true });
      }
    }
    this.changed();
    return [...this.metas.values()];
  }

  async begin({ position, attempt, segment, mode, filetype }) {
    const now = Date.now();
    const meta = {
      id: crypto.randomUUID(),
      token: this.token,
      position,
      attempt,
      segment,
      mode,
      filetype,
      createdAt: now,
      startedAt: now,
      lastChunkAt: now,
      nextSeq: 0,
      nextOffset: 0,
      pending: 0,
      uploadUrl: null,
      serverId: null,
      serverOffset: 0,
      synced: true,
      stopped: false,
      lengthSent: false,
      durationMs: null,
      interrupted: false,
      complete: false,
      reported: false,
      failed: null,
      // Streamed WebM: where its last whole element ends (see webm.js), and a length to
      // cut an interrupted segment back to.
      webm: mode === "stream" && filetype.includes("webm") ? webm.newState() : null,
      trimTo: null,
    };
    this.metas.set(meta.id, meta);
    await store.putRecording(meta);
    if (mode === "stream") this.kick();
    return meta;
  }

  async add(id, blob) {
    const meta = this.metas.get(id);
    const data = await blob.arrayBuffer();
    if (!data.byteLength) return;
    const before = meta.webm;
    if (before) meta.webm = webm.feed(before, new Uint8Array(data));
    try {
      await store.appendChunk(meta, data, Date.now());
    } catch (err) {
      meta.webm = before;
      throw err;
    }
    this.changed();
    if (meta.mode === "stream") this.kick();
  }

  // The recorder stopped (or the page that recorded is gone): the length is now known.
  // A segment cut off by a reload ends at its last whole frame, not inside one.
  async end(id, { durationMs, interrupted = false }) {
    const meta = this.metas.get(id);
    if (interrupted && !meta.stopped && meta.webm?.ok && meta.webm.boundary < meta.nextOffset) {
      meta.trimTo = meta.webm.boundary;
    }
    meta.stopped = true;
    meta.durationMs = Math.max(0, Math.round(durationMs));
    meta.interrupted = interrupted;
    await this.save(meta);
    this.kick();
  }

  // The answer was reported to the server: the row may go once the upload is complete.
  async reported(id) {
    const meta = this.metas.get(id);
    if (!meta) return;
    meta.reported = true;
    await this.save(meta);
    await this.forgetIfDone(meta);
  }

  recordings() {
    return [...this.metas.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  // Resolves once the upload exists on the server (its id is needed to report the answer).
  created(id, onWait = () => {}) {
    return this.waitFor(() => {
      const meta = this.metas.get(id);
      return !meta || meta.serverId !== null || meta.failed !== null;
    }, onWait);
  }

  // Resolves when nothing is left to send (or only uploads that can never succeed).
  idle() {
    return this.waitFor(() => this.recordings().every((m) => m.complete || m.failed !== null));
  }

  waitFor(predicate, onWait = () => {}) {
    return new Promise((resolve) => {
      if (predicate()) return resolve();
      onWait();
      const check = () => {
        if (!predicate()) return;
        this.events.removeEventListener("change", check);
        resolve();
      };
      this.events.addEventListener("change", check);
    });
  }

  health() {
    let chunks = 0;
    let bytes = 0;
    let failed = 0;
    for (const meta of this.metas.values()) {
      if (meta.failed !== null) failed += 1;
      if (meta.complete) continue;
      chunks += meta.pending;
      bytes += Math.max(0, meta.nextOffset - meta.serverOffset);
    }
    return { chunks, bytes, failed, offline: this.offline, retrying: this.failures > 0 };
  }

  changed() {
    this.events.dispatchEvent(new Event("change"));
    this.onHealth(this.health());
  }

  async save(meta) {
    await store.putRecording(meta);
    this.changed();
  }

  kick() {
    clearTimeout(this.timer);
    this.timer = null;
    this.run();
  }

  async run() {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  async pass() {
    for (const meta of this.recordings()) {
      if (meta.complete || meta.failed !== null) continue;
      try {
        await this.step(meta);
        this.failures = 0;
      } catch (err) {
        await this.failed(meta, err);
        return;
      }
    }
    this.changed();
  }

  async failed(meta, err) {
    if (err instanceof tus.TusError && FATAL.has(err.status)) {
      meta.failed = err.status;
      await this.save(meta);
      this.again = true; // the others may still go
      return;
    }
    this.failures += 1;
    this.changed();
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.failures);
    this.timer = setTimeout(() => this.kick(), delay);
  }

  async step(meta) {
    if (meta.mode === "whole" && !meta.stopped) return;
    if (!meta.uploadUrl) await this.create(meta);
    if (!meta.synced) await this.sync(meta);
    if (meta.trimTo !== null && meta.trimTo !== undefined) await this.trim(meta);
    if (meta.mode === "whole") await this.sendWhole(meta);
    else await this.sendChunks(meta);
    if (meta.stopped && meta.lengthSent && meta.serverOffset >= meta.nextOffset) {
      await this.completed(meta);
    }
  }

  async create(meta) {
    const metadata = {
      position: meta.position,
      attempt: meta.attempt,
      segment: meta.segment,
      mode: meta.mode,
      filetype: meta.filetype,
    };
    const length = meta.mode === "whole" ? meta.nextOffset : null;
    meta.uploadUrl = await tus.create(this.endpoint, metadata, length);
    meta.serverId = tus.uploadId(meta.uploadUrl);
    meta.serverOffset = 0;
    meta.lengthSent = length !== null;
    meta.synced = true;
    await this.save(meta);
  }

  // Asks the server how much it has; a lost acknowledgement must not resend a chunk.
  async sync(meta) {
    const state = await tus.head(meta.uploadUrl);
    meta.serverOffset = state.offset;
    if (state.length !== null) meta.lengthSent = state.length === meta.nextOffset;
    meta.synced = true;
    await this.save(meta);
  }

  // Drops the unusable tail of an interrupted segment, unless the server already has it.
  async trim(meta) {
    const target = meta.trimTo;
    meta.trimTo = null;
    if (target >= meta.serverOffset && target < meta.nextOffset) {
      for (const chunk of await store.chunksOf(meta.id)) {
        if (chunk.offset >= target) {
          await store.deleteChunk(meta.id, chunk.seq);
          meta.pending -= 1;
        } else if (chunk.offset + chunk.size > target) {
          chunk.data = chunk.data.slice(0, target - chunk.offset);
          chunk.size = chunk.data.byteLength;
          await store.putChunk(chunk);
        }
      }
      meta.nextOffset = target;
    }
    await this.save(meta);
  }

  async sendChunks(meta) {
    const chunks = await store.chunksOf(meta.id);
    for (let i = 0; i < chunks.length; i++) {
      const last = i === chunks.length - 1;
      if (last && !meta.stopped) break; // held back: the final PATCH needs data
      await this.sendChunk(meta, chunks[i], last && meta.stopped);
    }
    if (meta.stopped && !meta.lengthSent && meta.serverOffset === meta.nextOffset) {
      // Everything was sent before the length was known (e.g. a reload): say it now.
      await this.patch(meta, new ArrayBuffer(0), meta.nextOffset);
    }
  }

  async sendChunk(meta, chunk, final) {
    const end = chunk.offset + chunk.size;
    if (meta.serverOffset < chunk.offset) {
      // A gap would break the file; the server refuses it too. Nothing to resend from.
      throw new tus.TusError(400, "local chunk missing");
    }
    if (meta.serverOffset < end) {
      const data = chunk.data.slice(meta.serverOffset - chunk.offset);
      await this.patch(meta, data, final ? meta.nextOffset : null);
    }
    await store.deleteChunk(meta.id, chunk.seq);
    meta.pending -= 1;
    await this.save(meta);
  }

  async patch(meta, data, length) {
    try {
      meta.serverOffset = await tus.patch(meta.uploadUrl, meta.serverOffset, data, length);
      if (length !== null) meta.lengthSent = true;
    } catch (err) {
      if (err instanceof tus.TusError && err.status === 409) meta.synced = false;
      throw err;
    }
    await this.save(meta);
  }

  // Whole-file fallback: one upload of known length, sent in 1 MiB PATCHes.
  async sendWhole(meta) {
    const chunks = await store.chunksOf(meta.id);
    const file = new Blob(chunks.map((c) => c.data));
    while (meta.serverOffset < meta.nextOffset) {
      const stop = Math.min(meta.serverOffset + MiB, meta.nextOffset);
      const data = await file.slice(meta.serverOffset, stop).arrayBuffer();
      await this.patch(meta, data, null);
    }
  }

  async completed(meta) {
    meta.complete = true;
    meta.pending = 0;
    await store.deleteRecording(meta.id);
    if (!meta.reported) await store.putRecording(meta);
    this.changed();
    await this.forgetIfDone(meta);
  }

  async forgetIfDone(meta) {
    if (!(meta.complete && meta.reported)) return;
    await store.deleteRecording(meta.id);
    this.metas.delete(meta.id);
    this.changed();
  }
}
