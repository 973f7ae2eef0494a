// The pipeline board: drag a card to a column, or use its "Move to…" menu; both post to the
// server, whose pipeline service decides. A refused move leaves the card where it was and
// announces the service's reason in the live region. Without this script the menu links to
// the candidate's page, where the same moves are forms.

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
  const menu = card.querySelector("details");
  menu?.addEventListener("toggle", () => {
    if (!menu.open) return;
    fill(card, menu);
    // Opened from the keyboard too: focus lands on the first move (the next stage).
    menu.querySelector("[data-target]")?.focus();
  });
}

// The menu's moves, cloned from the column's <template> the first time it opens.
function fill(card, menu) {
  if (menu.querySelector(".bd-targets")) return;
  const template = board.querySelector(`template[data-menu="${card.dataset.stage}"]`);
  if (!template) return;
  const list = template.content.firstElementChild.cloneNode(true);
  const id = card.dataset.card;
  for (const field of list.querySelectorAll("[data-reason-for]")) {
    field.id = `reason-${id}`;
    list.querySelector("[data-reason-label]").htmlFor = field.id;
    // Enter in the reason field means "reject".
    field.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      list.querySelector(`[data-target="${field.dataset.reasonFor}"]`)?.click();
    });
  }
  for (const button of list.querySelectorAll("[data-target]")) {
    button.addEventListener("click", () => {
      const target = button.dataset.target;
      const reason = list.querySelector(`[data-reason-for="${target}"]`)?.value ?? "";
      menu.removeAttribute("open");
      move(card, target, reason);
    });
  }
  menu.querySelector(".bd-fallback")?.replaceWith(list);
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
  if (!out) return;
  out.dataset.hint ??= out.textContent;
  out.textContent = n ? (texts.selected ?? "%(n)s").replace("%(n)s", String(n)) : out.dataset.hint;
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
