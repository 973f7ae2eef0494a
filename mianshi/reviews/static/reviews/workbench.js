// The review workbench (F-70): answer tabs, the player beside its transcript, and every
// time-stamped thing on the page (sentences, quotes, marks, signals, suggested segments)
// as a button that seeks the right answer's player. No build step; events are delegated
// to the document so parts htmx swaps in keep working.

const CURRENT = "data-current";

function panelOf(answerId) {
  return document.querySelector(`[data-answer-panel="${answerId}"]`);
}

function playerOf(answerId) {
  return panelOf(answerId)?.querySelector("[data-player]") ?? null;
}

function tabs() {
  return [...document.querySelectorAll('[role="tab"][data-tab]')];
}

// Show one answer's panel; the others' players pause so two never play at once.
function activate(answerId, { focus = false } = {}) {
  for (const tab of tabs()) {
    const on = tab.dataset.tab === String(answerId);
    tab.setAttribute("aria-selected", on ? "true" : "false");
    tab.tabIndex = on ? 0 : -1;
    if (on && focus) tab.focus();
  }
  for (const panel of document.querySelectorAll("[data-answer-panel]")) {
    const on = panel.dataset.answerPanel === String(answerId);
    panel.hidden = !on;
    if (!on) panel.querySelector("[data-player]")?.pause();
  }
}

function partButton(answerId, part) {
  return panelOf(answerId)?.querySelector(`[data-parts] [data-part="${part}"]`) ?? null;
}

// Switch the player to recording part `part` (an interrupted answer has several).
function loadPart(media, part) {
  if (!part || media.dataset.partCurrent === String(part)) return;
  const button = partButton(media.dataset.answer, part);
  if (!button) return;
  media.dataset.partCurrent = String(part);
  media.src = button.dataset.src;
  media.load();
  markPart(media);
}

function markPart(media) {
  const list = panelOf(media.dataset.answer)?.querySelector("[data-parts]");
  for (const b of list?.querySelectorAll("[data-part]") ?? []) {
    if (b.dataset.part === media.dataset.partCurrent) b.setAttribute("aria-current", "true");
    else b.removeAttribute("aria-current");
  }
}

function ready(media) {
  if (media.readyState >= 1) return Promise.resolve();
  return new Promise((resolve) => {
    media.addEventListener("loadedmetadata", () => resolve(), { once: true });
  });
}

function transcriptPart(answerId) {
  return panelOf(answerId)?.querySelector("[data-transcript]")?.dataset.part ?? "1";
}

async function seek(answerId, part, seconds, { play = true } = {}) {
  if (!Number.isFinite(seconds)) return;
  activate(answerId);
  const media = playerOf(answerId);
  if (!media) return;
  loadPart(media, part || transcriptPart(answerId));
  if (media.error) reload(media);
  await ready(media);
  jump(media, Math.max(0, seconds), play);
}

function jump(media, seconds, play) {
  media.dataset.target = String(seconds);
  media.dataset.wantPlay = play ? "1" : "";
  media.currentTime = seconds;
  highlight(media);
  if (play) media.play().catch(() => {}); // autoplay may be refused; the position is set
}

function reload(media) {
  const at = media.currentTime;
  media.load();
  if (!media.dataset.target) media.dataset.target = String(at);
}

// MediaRecorder's WebM has no cues: after a jump Chromium may start decoding at a frame
// that needs an earlier one and give up with a decode error. Loading the file afresh and
// jumping again recovers; twice in a row is left to the player's own error display.
function onError(media) {
  if (media.dataset.retried === "1" || media.dataset.target === undefined) return;
  media.dataset.retried = "1";
  const target = Number(media.dataset.target);
  const play = media.dataset.wantPlay === "1";
  media.load();
  ready(media).then(() => jump(media, target, play));
}

// The sentence being spoken gets data-current and aria-current and is scrolled into view
// inside the transcript box (never the whole page: the reviewer may be reading elsewhere).
function highlight(media) {
  const list = panelOf(media.dataset.answer)?.querySelector("[data-transcript]");
  if (!list) return;
  const samePart = list.dataset.part === media.dataset.partCurrent;
  const t = media.currentTime;
  let current = null;
  if (samePart) {
    for (const seg of list.querySelectorAll("[data-transcript-segment]")) {
      if (Number(seg.dataset.start) <= t + 0.05) current = seg;
      if (Number(seg.dataset.end) > t && Number(seg.dataset.start) <= t + 0.05) break;
    }
    if (current && t > Number(current.dataset.end) + 1.0) current = null; // a long pause
  }
  for (const seg of list.querySelectorAll(`[${CURRENT}]`)) {
    if (seg !== current) {
      seg.removeAttribute(CURRENT);
      seg.removeAttribute("aria-current");
    }
  }
  if (current && !current.hasAttribute(CURRENT)) {
    current.setAttribute(CURRENT, "");
    current.setAttribute("aria-current", "true");
    scrollWithin(list, current);
  }
}

function scrollWithin(box, item) {
  const top = item.offsetTop;
  const bottom = top + item.offsetHeight;
  if (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) {
    box.scrollTop = Math.max(0, top - box.clientHeight / 3);
  }
}

// After the last second of a part the next part plays: the answer is heard in order.
function onEnded(media) {
  const next = partButton(media.dataset.answer, Number(media.dataset.partCurrent) + 1);
  if (!next) return;
  loadPart(media, next.dataset.part);
  media.play().catch(() => {});
}

function onClick(event) {
  const target = event.target.closest("button, [role=tab]");
  if (!target || target.disabled) return;
  if (target.matches('[role="tab"][data-tab]')) {
    activate(target.dataset.tab);
  } else if (target.matches("[data-transcript-segment]")) {
    seek(target.dataset.answer, target.dataset.part, Number(target.dataset.start));
  } else if (target.matches("[data-seek]") && target.dataset.seek !== "") {
    seek(target.dataset.answer, target.dataset.part, Number(target.dataset.seek));
  } else if (target.matches("[data-parts] [data-part]")) {
    const media = playerOf(target.dataset.answer);
    if (media) {
      loadPart(media, target.dataset.part);
      media.play().catch(() => {});
    }
  }
}

// Arrow keys, Home and End move between the answer tabs (the WAI-ARIA tabs pattern).
function onKeydown(event) {
  const tab = event.target.closest?.('[role="tab"][data-tab]');
  if (!tab) {
    onShortcut(event);
    return;
  }
  const all = tabs();
  const i = all.indexOf(tab);
  const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: all.length - 1 };
  if (!(event.key in moves)) {
    onShortcut(event);
    return;
  }
  event.preventDefault();
  const next = all[(moves[event.key] + all.length) % all.length];
  activate(next.dataset.tab, { focus: true });
}

// Shortcuts (listed in the page's "Keyboard shortcuts"): k or Space play/pause, n/p the
// next/previous answer, d / Shift+d the next/previous competency, ? the list. They rest while
// the reviewer types (a field, a select, an editable box) or holds Ctrl/Alt/Meta, and Space
// leaves buttons, links and the player to do their own thing.
const TYPING = "input, textarea, select, [contenteditable]:not([contenteditable=false])";
const OWN_SPACE = "button, a[href], summary, [role=tab], video, audio, label";

function currentAnswer() {
  return tabs().find((t) => t.getAttribute("aria-selected") === "true")?.dataset.tab ?? null;
}

function togglePlay() {
  const media = playerOf(currentAnswer());
  if (!media) return;
  if (media.paused) media.play().catch(() => {});
  else media.pause();
}

function stepAnswer(by) {
  const all = tabs();
  if (!all.length) return;
  const i = all.findIndex((t) => t.dataset.tab === currentAnswer());
  const next = all[Math.min(all.length - 1, Math.max(0, i + by))];
  activate(next.dataset.tab, { focus: true });
}

function stepDimension(by) {
  const all = [...document.querySelectorAll("[data-dimension]")];
  if (!all.length) return;
  const i = all.indexOf(document.activeElement?.closest?.("[data-dimension]"));
  const next = all[i < 0 ? (by > 0 ? 0 : all.length - 1) : (i + by + all.length) % all.length];
  next.focus({ preventScroll: true });
  next.scrollIntoView({ block: "start", behavior: "smooth" });
}

function toggleHelp() {
  const help = document.querySelector("[data-shortcuts]");
  if (help) help.open = !help.open;
}

const SHORTCUTS = {
  k: togglePlay,
  " ": togglePlay,
  n: () => stepAnswer(1),
  p: () => stepAnswer(-1),
  d: () => stepDimension(1),
  D: () => stepDimension(-1),
  "?": toggleHelp,
};

function onShortcut(event) {
  if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
  const action = SHORTCUTS[event.key];
  const target = event.target instanceof Element ? event.target : document.body;
  if (!action || target.closest(TYPING) || event.isComposing) return;
  if (event.key === " " && target.closest(OWN_SPACE)) return;
  event.preventDefault();
  action();
}

// The rating form: the slider mirrors the number, and the reason field appears (and is
// required) when the score departs from the AI's by more than 2. The server enforces it.
const GAP = 2;

function syncReason(input) {
  const box = document.querySelector(`[data-reason-for="${input.dataset.score}"]`);
  const ai = Number(input.dataset.aiScore);
  if (!box || input.dataset.aiScore === undefined) return;
  const value = Number(input.value);
  const departs = input.value !== "" && Number.isFinite(value) && Math.abs(value - ai) > GAP;
  const reason = box.querySelector("textarea");
  if (departs || reason.value.trim()) box.hidden = false;
  else box.hidden = true;
  reason.required = departs;
}

function onInput(event) {
  const el = event.target;
  if (el.matches("[data-range-for]")) {
    const number = document.getElementById(el.dataset.rangeFor);
    if (number) {
      number.value = el.value;
      syncReason(number);
    }
  } else if (el.matches("[data-score]")) {
    const range = document.querySelector(`[data-range-for="${el.id}"]`);
    if (range && el.value !== "") range.value = el.value;
    syncReason(el);
  }
}

function onChange(event) {
  const box = event.target.closest?.("[data-send-feedback]");
  if (!box) return;
  const text = box.closest("[data-feedback-fields]")?.querySelector("[data-feedback-text]");
  if (text) text.hidden = !box.checked;
}

function onSubmit(event) {
  const form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
}

function wirePlayers() {
  for (const media of document.querySelectorAll("[data-player]")) {
    if (media.dataset.wired) continue;
    media.dataset.wired = "1";
    media.addEventListener("timeupdate", () => highlight(media));
    media.addEventListener("seeked", () => highlight(media));
    media.addEventListener("ended", () => onEnded(media));
    media.addEventListener("error", () => onError(media));
    media.addEventListener("playing", () => delete media.dataset.retried);
    markPart(media);
  }
}

function start() {
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("input", onInput);
  document.addEventListener("change", onChange);
  document.addEventListener("submit", onSubmit);
  wirePlayers();
  for (const input of document.querySelectorAll("[data-score]")) syncReason(input);
  // A link to #panel-<id> (or a quote's answer) opens that answer's tab.
  const wanted = location.hash.match(/^#panel-(\d+)$/);
  if (wanted && panelOf(wanted[1])) activate(wanted[1]);
  document.documentElement.dataset.workbenchReady = "1";
}

start();
