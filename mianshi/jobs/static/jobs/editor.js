// Small progressive enhancements for the jobs editors; the server stays the judge.

// Formset rows: "add a row" clones the empty form and bumps TOTAL_FORMS.
for (const button of document.querySelectorAll("[data-add-row]")) {
  const form = button.closest("form");
  const tbody = form.querySelector("[data-rows]");
  const template = form.querySelector("template[data-empty-row]");
  const total = form.querySelector('input[name$="-TOTAL_FORMS"]');
  button.addEventListener("click", () => {
    const index = Number(total.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    tbody.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    updateSum(form);
  });
}

// Competency model editor: live sum of the top-level weights (rows without a parent code).
function updateSum(form) {
  const out = form.querySelector("[data-sum]");
  if (!out) return;
  let sum = 0;
  for (const row of form.querySelectorAll("[data-row]")) {
    const weight = row.querySelector('input[name$="-weight"]');
    const parent = row.querySelector('input[name$="-parent"]');
    const name = row.querySelector('input[name$="-name"]');
    if (weight && name && name.value.trim() && !(parent && parent.value.trim())) {
      sum += Number(weight.value || 0);
    }
  }
  const rounded = Math.round(sum * 100) / 100;
  out.textContent = String(rounded);
  form.querySelector("[data-sum-warning]").hidden = rounded === 100;
}
for (const form of document.querySelectorAll("form[data-weights]")) {
  form.addEventListener("input", () => updateSum(form));
  updateSum(form);
}

// Template editor: reorder and remove the ordered question rows.
for (const list of document.querySelectorAll("[data-questions]")) {
  list.addEventListener("click", (event) => {
    const item = event.target.closest("[data-item]");
    if (!item) return;
    if (event.target.matches("[data-up]") && item.previousElementSibling) {
      item.parentNode.insertBefore(item, item.previousElementSibling);
    } else if (event.target.matches("[data-down]") && item.nextElementSibling) {
      item.parentNode.insertBefore(item.nextElementSibling, item);
    } else if (event.target.matches("[data-remove]")) {
      item.remove();
    }
  });
}
