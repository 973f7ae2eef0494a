// Camera, microphone and MediaRecorder. The stream is asked for once and reused by the
// device check, the practice and every answer (one permission prompt, no flicker).

// Browser speech processing alters the voice the reviewers (and the analysis) hear.
const AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
const VIDEO = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } };

let shared = null;

export function supported() {
  return Boolean(navigator.mediaDevices?.getUserMedia && window.MediaRecorder);
}

export async function getStream({ video }) {
  const live = shared?.getTracks().every((track) => track.readyState === "live");
  if (shared && live && (!video || shared.getVideoTracks().length)) return shared;
  shared = await navigator.mediaDevices.getUserMedia({ video: video ? VIDEO : false, audio: AUDIO });
  return shared;
}

export function currentStream() {
  return shared;
}

export function cameraState() {
  const track = shared?.getVideoTracks()[0];
  if (!track) return "none";
  return track.readyState === "live" && !track.muted ? "on" : "off";
}

const MEDIA_ERRORS = new Set([
  "NotAllowedError", "SecurityError", "NotFoundError", "OverconstrainedError", "NotReadableError",
]);

export function isMediaError(err) {
  return MEDIA_ERRORS.has(err?.name);
}

// The getUserMedia error → the advice key the candidate sees.
export function adviceFor(err, { video }) {
  switch (err?.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "advice_permission";
    case "NotFoundError":
    case "OverconstrainedError":
      return video ? "advice_no_camera" : "advice_no_microphone";
    case "NotReadableError":
    case "AbortError":
      return "advice_in_use";
    default:
      return "advice_unsupported";
  }
}

const WEBM = {
  video: ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm"],
  audio: ["audio/webm;codecs=opus", "audio/webm"],
};
const MP4 = {
  video: ["video/mp4;codecs=avc1,mp4a.40.2", "video/mp4"],
  audio: ["audio/mp4;codecs=mp4a.40.2", "audio/mp4"],
};

// WebM streams chunk by chunk; MP4 (Safari, iOS) only makes sense as a whole file.
export function pickFormat(kind, { forceWhole = false } = {}) {
  const ok = (type) => window.MediaRecorder?.isTypeSupported?.(type);
  if (!forceWhole) {
    const webm = WEBM[kind].find(ok);
    if (webm) return { mime: webm, mode: "stream" };
  }
  const any = [...MP4[kind], ...WEBM[kind]].find(ok);
  return { mime: any || "", mode: "whole" };
}

export function streamFor(kind, stream) {
  return kind === "audio" ? new MediaStream(stream.getAudioTracks()) : stream;
}

// MediaRecorder with chunks handed on strictly in order, and a stop() that resolves only
// once the last chunk has been handled (stored).
export class ChunkRecorder {
  constructor(stream, mime, onChunk) {
    const options = { audioBitsPerSecond: 96_000, videoBitsPerSecond: 1_200_000 };
    if (mime) options.mimeType = mime;
    this.recorder = new MediaRecorder(stream, options);
    this.chain = Promise.resolve();
    this.errors = [];
    this.recorder.ondataavailable = (event) => {
      if (!event.data?.size) return;
      this.chain = this.chain.then(() => onChunk(event.data)).catch((err) => this.errors.push(err));
    };
    this.ended = new Promise((resolve) => {
      this.recorder.onstop = resolve;
    });
    this.startedAt = null;
    this.stoppedAt = null;
  }

  get mimeType() {
    return this.recorder.mimeType;
  }

  start(timeslice = 1000) {
    this.recorder.start(timeslice);
    this.startedAt = performance.now();
  }

  elapsed() {
    if (this.startedAt === null) return 0;
    return (this.stoppedAt ?? performance.now()) - this.startedAt;
  }

  async stop() {
    if (this.recorder.state !== "inactive") {
      this.stoppedAt = performance.now();
      this.recorder.stop();
    }
    await this.ended;
    await this.chain;
    return this.elapsed();
  }
}

// Microphone level in dBFS for the meter and the "silent microphone" advice.
export class LevelMeter {
  constructor(stream) {
    this.context = new AudioContext();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 2048;
    this.source = this.context.createMediaStreamSource(stream);
    this.source.connect(this.analyser);
    this.buffer = new Float32Array(this.analyser.fftSize);
    this.peak = -100;
  }

  resume() {
    return this.context.resume().catch(() => {});
  }

  level() {
    this.analyser.getFloatTimeDomainData(this.buffer);
    let sum = 0;
    for (const sample of this.buffer) sum += sample * sample;
    const rms = Math.sqrt(sum / this.buffer.length);
    const db = rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100;
    this.peak = Math.max(this.peak, db);
    return db;
  }

  // A short beep through the speakers: the candidate checks they can hear.
  tone(seconds = 0.8, frequency = 440) {
    const oscillator = this.context.createOscillator();
    const gain = this.context.createGain();
    gain.gain.value = 0.15;
    oscillator.frequency.value = frequency;
    oscillator.connect(gain).connect(this.context.destination);
    oscillator.start();
    oscillator.stop(this.context.currentTime + seconds);
  }

  close() {
    this.source.disconnect();
    this.context.close().catch(() => {});
  }
}
