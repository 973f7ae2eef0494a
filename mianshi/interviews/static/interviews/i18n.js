// Texts come from the server-rendered template (translated there); the script only fills
// in the {name} placeholders, so every visible word stays in Django's catalogues.

const texts = new Map();

export function loadTexts(root = document) {
  for (const el of root.querySelectorAll("#i18n [data-k]")) {
    texts.set(el.dataset.k, el.textContent.trim());
  }
}

export function t(key, params = {}) {
  const text = texts.get(key) ?? key;
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
}

// 75_000 → "1:15"; the recorded/total display and countdowns use this form.
export function clock(ms) {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
