// The duplicate hint: as the citizen's phone is typed, show their open cases.
(function () {
  var input = document.getElementById("citizen_phone");
  var box = document.getElementById("similar");
  if (!input || !box) return;
  var timer = null, last = "";
  function look() {
    var digits = input.value.replace(/\D/g, "");
    if (digits === last) return;
    last = digits;
    if (digits.length < 6) { box.innerHTML = ""; return; }
    fetch("/cases/similar?phone=" + encodeURIComponent(digits), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (digits === last) box.innerHTML = html; });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(look, 250); });
  input.addEventListener("change", look);
})();
