// The candidate page: marks the shown tab in the nav (the tabs themselves are CSS, so they
// work without this) and names the chosen résumé file beside the styled upload button.

const nav = document.querySelector("[data-profile-tabs]");
const tabs = document.querySelector(".profile-tabs");

function shownPanel() {
  const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  const panel = target && target.closest(".tabpanel");
  return panel && tabs.contains(panel) ? panel : tabs.querySelector(".tabpanel");
}

function markTab() {
  const panel = shownPanel();
  for (const link of nav.querySelectorAll("a")) {
    if (link.hash === "#" + panel.id) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  }
}

if (nav && tabs) {
  markTab();
  window.addEventListener("hashchange", markTab);
}

for (const form of document.querySelectorAll("[data-file-upload]")) {
  const input = form.querySelector("input[type=file]");
  const name = form.querySelector("[data-file-name]");
  input.addEventListener("change", () => {
    if (input.files.length) name.textContent = input.files[0].name;
  });
}
