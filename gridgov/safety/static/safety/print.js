// The bulletin's print button (no inline script: the Content-Security-Policy refuses it).
document.addEventListener("click", (e) => {
  if (e.target instanceof Element && e.target.closest("[data-print]")) window.print();
});
