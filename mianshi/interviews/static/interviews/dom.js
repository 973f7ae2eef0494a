// Tiny DOM helpers: the markup (and its translated text) lives in the template.

export const $ = (id) => document.getElementById(id);

export function show(el, visible = true) {
  const node = typeof el === "string" ? $(el) : el;
  if (node) node.hidden = !visible;
}

export function fill(name, text, root = document) {
  for (const el of root.querySelectorAll(`[data-fill="${name}"]`)) el.textContent = text;
}

// Shows one step, marks it in the step list and moves focus there for screen readers.
export function step(name) {
  for (const section of document.querySelectorAll(".interview > .step")) {
    section.hidden = section.id !== `step-${name}`;
  }
  for (const marker of document.querySelectorAll("[data-step-marker]")) {
    if (marker.dataset.stepMarker === name) marker.setAttribute("aria-current", "step");
    else marker.removeAttribute("aria-current");
  }
  $(`step-${name}`)?.focus({ preventScroll: false });
}

export function message(el, text) {
  const node = typeof el === "string" ? $(el) : el;
  node.textContent = text || "";
  node.hidden = !text;
}

// Runs an async click handler once at a time (no double submissions).
export function onClick(id, handler) {
  const button = $(id);
  button.addEventListener("click", async (event) => {
    if (button.dataset.busy) return;
    button.dataset.busy = "1";
    button.setAttribute("aria-busy", "true");
    try {
      await handler(event);
    } finally {
      delete button.dataset.busy;
      button.removeAttribute("aria-busy");
    }
  });
}
