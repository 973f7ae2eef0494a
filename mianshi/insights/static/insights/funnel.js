// The home page's pipeline funnel: drawn with Apache ECharts (vendored, loaded before this
// module) from the accessible table beside it, so the chart and the table never disagree.
// The panel arrives after the page (htmx); without ECharts or JavaScript the table alone
// carries the numbers.

function rows(table) {
  return [...table.querySelectorAll("tbody tr[data-reached]")].map((row) => ({
    name: row.querySelector("th").textContent.trim(),
    value: Number(row.dataset.reached),
  }));
}

function draw(root) {
  const box = root.querySelector("[data-funnel-chart]");
  const table = root.querySelector("table[data-funnel]");
  if (!box || !table || !window.echarts) return;
  const data = rows(table);
  if (!data.length) return;
  box.hidden = false;
  const accent = getComputedStyle(document.documentElement).getPropertyValue("--accent").trim();
  const chart = window.echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "item", formatter: (p) => `${p.name}: ${p.value}` },
    series: [
      {
        type: "funnel",
        sort: "none", // pipeline order: "at this stage or further" only ever shrinks along it
        minSize: "4%",
        left: "2%",
        width: "58%",
        gap: 2,
        label: { show: true, position: "right", formatter: "{b} {c}", color: "#1d2330" },
        itemStyle: { color: accent || "#1456b8", borderColor: "#fff" },
        data,
      },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
}

document.body.addEventListener("htmx:afterSettle", (event) => {
  if (event.target.matches && event.target.matches("[data-funnel-panel]")) draw(event.target);
});
const ready = document.querySelector("[data-funnel-panel]");
if (ready) draw(ready); // already swapped in before this module ran
