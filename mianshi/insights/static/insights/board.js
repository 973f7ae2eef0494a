// The pipeline board: drag a card to a column, or use its "Move to…" menu; both post to the
// server, whose pipeline service decides. A refused move leaves the card where it was and
// announces the service's reason in the live region. Without this script the menu's forms
// post normally and the page reloads with the result.

const board = document.querySelector("[data-board]");
const live = document.getElementById("board-live");
const texts = document.getElementById("board-texts")?.dataset ?? {};
const needsReason = new Set((board?.dataset.needsReason ?? "").split(" ").filter(Boolean));
const reasonDialog = document.getElementById("board-reason");
let dragged = null;

function announce(message, ok) {
  live.textContent = message;
  live.classList.toggle("bd-live-error", !ok);
}

function csrf() {
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

function column(stage) {
  return board.querySelector(`[data-column="${stage}"]`);
}

function bump(stage, delta) {
  const count = column(stage)?.querySelector("[data-count]");
  if (count) count.textContent = String(Number(count.textContent) + delta);
}

// Asks for the rejection reason (drag only: the menu has its own field). Resolves to the
// reason, or null when cancelled.
function askReason() {
  const text = document.getElementById("board-reason-text");
  text.value = "";
  reasonDialog.showModal();
  return new Promise((resolve) => {
    reasonDialog.addEventListener(
      "close",
      () => resolve(reasonDialog.returnValue === "ok" && text.value.trim() ? text.value.trim() : null),
      { once: true },
    );
  });
}

async function move(card, toStage, reason) {
  const from = card.dataset.stage;
  const body = new FormData();
  body.set("application", card.dataset.card);
  body.set("to_stage", toStage);
  body.set("reason", reason ?? "");
  announce(texts.moving, true);
  let answer;
  try {
    const response = await fetch(board.dataset.moveUrl, {
      method: "POST",
      body,
      headers: { Accept: "application/json", "X-CSRFToken": csrf() },
      credentials: "same-origin",
    });
    answer = await response.json();
  } catch {
    answer = { ok: false, message: texts.failed };
  }
  if (!answer.ok) {
    announce(answer.message, false);
    card.querySelector("summary")?.focus();
    return;
  }
  const fresh = document.createRange().createContextualFragment(answer.card).firstElementChild;
  const list = column(toStage)?.querySelector(".bd-cards");
  card.remove();
  if (fresh && list) {
    list.prepend(fresh);
    wire(fresh);
    (fresh.querySelector("summary") ?? fresh.querySelector("a"))?.focus();
  }
  bump(from, -1);
  bump(toStage, 1);
  announce(answer.message, true);
}

function highlight(allowed) {
  for (const col of board.querySelectorAll("[data-column]")) {
    col.classList.toggle("bd-target", allowed.has(col.dataset.column));
  }
}

function allowedOf(card) {
  return new Set((card.dataset.allowed ?? "").split(" ").filter(Boolean));
}

function wire(card) {
  card.addEventListener("dragstart", (event) => {
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.card);
    card.classList.add("bd-dragging");
    highlight(allowedOf(card));
  });
  card.addEventListener("dragend", () => {
    card.classList.remove("bd-dragging");
    highlight(new Set());
    dragged = null;
  });
  card.querySelector("[data-pick]")?.addEventListener("change", countSelected);
  const form = card.querySelector("[data-move-form]");
  if (!form) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const target = event.submitter?.value;
    if (!target) return;
    const reason = form.querySelector(`[data-reason-for="${target}"]`)?.value ?? "";
    card.querySelector("details")?.removeAttribute("open");
    move(card, target, reason);
  });
  // Enter in the reason field means "reject", not the form's first button.
  for (const field of form.querySelectorAll("[data-reason-for]")) {
    field.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      form.querySelector(`button[value="${field.dataset.reasonFor}"]`)?.click();
    });
  }
  // Opened from the keyboard, the menu puts focus on its first move (the next stage).
  const menu = card.querySelector("details");
  menu.addEventListener("toggle", () => {
    if (menu.open) menu.querySelector("[data-target]")?.focus();
  });
}

function wireColumns() {
  for (const col of board.querySelectorAll("[data-column]")) {
    const stage = col.dataset.column;
    col.addEventListener("dragover", (event) => {
      // Only a column the pipeline allows accepts the drop.
      if (dragged && allowedOf(dragged).has(stage)) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        col.classList.add("bd-over");
      }
    });
    col.addEventListener("dragleave", () => col.classList.remove("bd-over"));
    col.addEventListener("drop", async (event) => {
      col.classList.remove("bd-over");
      if (!dragged || !allowedOf(dragged).has(stage)) return;
      event.preventDefault();
      const card = dragged;
      let reason = "";
      if (needsReason.has(stage)) {
        reason = await askReason();
        if (reason === null) return;
      }
      move(card, stage, reason);
    });
  }
}

function countSelected() {
  const n = document.querySelectorAll("[data-pick]:checked").length;
  const out = document.querySelector("[data-selected-count]");
  if (out && n) out.textContent = (texts.selected ?? "%(n)s").replace("%(n)s", String(n));
}

function wirePickAll() {
  for (const all of document.querySelectorAll("[data-pick-all]")) {
    all.addEventListener("change", () => {
      for (const box of column(all.dataset.pickAll).querySelectorAll("[data-pick]")) {
        box.checked = all.checked;
      }
      countSelected();
    });
  }
}

if (board) {
  for (const card of board.querySelectorAll("[data-card]")) wire(card);
  wireColumns();
  wirePickAll();
}
