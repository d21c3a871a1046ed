// Shows each gallery chart's spec beside it (fetched once, shown as text).
for (const pre of document.querySelectorAll('pre[data-spec]')) {
  fetch(pre.dataset.spec)
    .then((r) => r.text())
    .then((text) => { pre.textContent = text; });
}
