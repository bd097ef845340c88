// A refused form is shown again at the address it was posted to; the address becomes the
// page's own (data-page-url), so a reload shows the page and never posts the form again.
(function () {
  var url = document.body && document.body.dataset.pageUrl;
  if (url && window.history && history.replaceState) history.replaceState(null, "", url);
})();
// A table wider than a phone scrolls sideways in its .scroll box: the box takes the keyboard
// focus then, so it scrolls without a mouse (WCAG 2.1.1; axe's scrollable-region-focusable).
(function () {
  function mark() {
    document.querySelectorAll(".scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        var head = box.closest("section");
        var title = head && head.querySelector("h2, h3");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", title ? title.textContent.trim() : document.title);
      } else if (!scrolls && box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
