// Buttons marked data-print open the print dialog (no inline handlers: the CSP forbids them).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
// A page reached from a "… and print" button (data-print-on-load, ?print=1) opens the print
// dialog once: the address loses ?print=1 first, so a reload or a later visit does not.
(function () {
  if (!document.querySelector("[data-print-on-load]")) return;
  var url = new URL(window.location.href);
  if (url.searchParams.get("print") !== "1") return;
  url.searchParams.delete("print");
  window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  window.addEventListener("load", function () { window.print(); });
})();
