// The duplicate hint: as the citizen's phone or CCCD is typed (or comes back with the page
// after a reload or Back), show their open cases and offer to fill in their details from
// their latest case.
(function () {
  var form = document.getElementById("intake");
  var phone = document.getElementById("citizen_phone");
  var idNumber = document.getElementById("citizen_id_number");
  var box = document.getElementById("similar");
  if (!form || !phone || !box) return;
  // The form's one-time token goes into the address, so Back and reload keep this form:
  // submitting it again opens the case it registered rather than registering another.
  var token = form.elements.form_token ? form.elements.form_token.value : "";
  var here = new URL(window.location.href);
  if (token && here.searchParams.get("form") !== token) {
    here.searchParams.set("form", token);
    window.history.replaceState(null, "", here.pathname + here.search + here.hash);
  }
  var timer = null, last = null;
  function look() {
    var digits = phone.value.replace(/\D/g, "");
    var cccd = idNumber ? idNumber.value.trim() : "";
    var key = digits + "|" + cccd;
    if (key === last) return;
    last = key;
    if (digits.length < 6 && cccd.length !== 12) { box.innerHTML = ""; return; }
    var query = "phone=" + encodeURIComponent(digits) + "&id_number=" + encodeURIComponent(cccd);
    fetch("/cases/similar?" + query, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (key === last) box.innerHTML = html; });
  }
  function later() { clearTimeout(timer); timer = setTimeout(look, 250); }
  [phone, idNumber].forEach(function (input) {
    if (!input) return;
    input.addEventListener("input", later);
    input.addEventListener("change", look);
  });
  // Fill the citizen's fields from the earlier case, on request only.
  box.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill-citizen]");
    if (!button) return;
    var fields = {citizen_name: "name", citizen_phone: "phone", citizen_email: "email",
                  citizen_address: "address", citizen_id_number: "idNumber"};
    Object.keys(fields).forEach(function (name) {
      var value = button.dataset[fields[name]];
      var input = form.elements[name];
      if (input && value) input.value = value;
    });
    form.elements.citizen_name.focus();
  });
  // What was typed survives a reload of this form (the browser restores it on Back, not on
  // reload): kept in this tab's sessionStorage under the form's token until it is sent.
  var draftKey = token ? "dondoc.intake." + token : null;
  var kept = ["citizen_phone", "citizen_name", "citizen_address", "citizen_email",
              "citizen_id_number", "title", "description"];
  function saveDraft() {
    if (!draftKey) return;
    var draft = {};
    kept.forEach(function (name) { if (form.elements[name]) draft[name] = form.elements[name].value; });
    try { sessionStorage.setItem(draftKey, JSON.stringify(draft)); } catch (e) { /* full, off */ }
  }
  function restoreDraft() {
    var draft = null;
    try { draft = draftKey && JSON.parse(sessionStorage.getItem(draftKey) || "null"); } catch (e) { draft = null; }
    if (!draft) return;
    kept.forEach(function (name) {
      var input = form.elements[name];
      if (input && !input.value && draft[name]) input.value = draft[name];
    });
  }
  form.addEventListener("input", saveDraft);
  form.addEventListener("submit", function () {
    try { if (draftKey) sessionStorage.removeItem(draftKey); } catch (e) { /* off */ }
  });
  restoreDraft();
  // Values brought back (reload, Back) bring the hint back too.
  window.addEventListener("pageshow", function () { last = null; look(); });
  look();
})();
