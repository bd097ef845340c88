// The meeting page: a directive's person and date show (and are required) only for a
// directive; an explanation report's due date is required. Without JavaScript every field
// shows and the server checks the same.
(function () {
  function outcomeOf(form) {
    var checked = form.querySelector('input[name="outcome"]:checked');
    return checked ? checked.value : "";
  }
  document.querySelectorAll("form[data-conclusion]").forEach(function (form) {
    function sync() {
      var directive = outcomeOf(form) === "directive";
      form.querySelectorAll(".directive-fields").forEach(function (el) { el.hidden = !directive; });
      form.querySelectorAll('[name="responsible_user_id"], [name="due_date"]').forEach(function (el) {
        el.required = directive;
      });
    }
    form.addEventListener("change", sync);
    sync();
  });
  document.querySelectorAll("form[data-measure-form]").forEach(function (form) {
    var kind = form.querySelector('[name="measure"]');
    var due = form.querySelector('[name="due_date"]');
    function sync() { due.required = kind.value === "explanation_report"; }
    kind.addEventListener("change", sync);
    sync();
  });
})();
