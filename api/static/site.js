// A refused form is shown again at the address it was posted to; the address becomes the
// page's own (data-page-url), so a reload shows the page and never posts the form again.
(function () {
  var url = document.body && document.body.dataset.pageUrl;
  if (url && window.history && history.replaceState) history.replaceState(null, "", url);
})();
