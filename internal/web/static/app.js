// kehoach: a little comfort on top of pages that work without JavaScript.
"use strict";
document.addEventListener("change", function (ev) {
  // Choosing in a filter submits its form, so one tap is enough on a phone.
  var el = ev.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
    var f = el.form;
    // Later choices depend on earlier ones: clear them when an earlier one changes.
    var after = false;
    Array.prototype.forEach.call(f.querySelectorAll("select[data-autosubmit]"), function (s) {
      if (after && f.classList.contains("choose")) s.value = "";
      if (s === el) after = true;
    });
    f.submit();
  }
});
// Warn before leaving a data entry grid with unsaved changes.
(function () {
  var grid = document.querySelector("form.grid-form");
  if (!grid) return;
  var dirty = false;
  grid.addEventListener("input", function () { dirty = true; });
  grid.addEventListener("change", function () { dirty = true; });
  grid.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (ev) {
    if (dirty) { ev.preventDefault(); ev.returnValue = ""; }
  });
})();
// Planning (issue 14): check an indicator's expressions as they are typed,
// pointing at the column of the error, and preview its value for the unit
// and period chosen. The form's own "check" button does the same without
// JavaScript.
(function () {
  var f = document.querySelector("form[data-expr-check]");
  if (!f || !window.fetch) return;
  var timer = 0, seq = 0;
  function val(name) { var el = f.elements[name]; return el ? el.value : ""; }
  function show(name, c) {
    var out = f.querySelector('[data-expr-error="' + name + '"]');
    if (out) out.textContent = c.ok ? "" : c.reason;
    var el = f.elements[name];
    if (el) el.setAttribute("aria-invalid", c.ok ? "false" : "true");
  }
  function check() {
    var q = new URLSearchParams({ numerator: val("numerator"), denominator: val("denominator"), factor: val("factor"),
      unit: val("previewUnit"), period: val("previewPeriod") });
    var mine = ++seq;
    fetch(f.getAttribute("data-expr-check") + "?" + q.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (res) {
        if (!res || mine !== seq) return;
        show("numerator", res.numerator);
        show("denominator", res.denominator);
        var p = f.querySelector("[data-expr-preview]");
        if (p) p.textContent = res.value ? "Giá trị: " + res.value : (res.note || "");
      })
      .catch(function () {});
  }
  f.addEventListener("input", function (ev) {
    if (!ev.target.hasAttribute("data-expr") && ev.target.name !== "factor") return;
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
})();

// Ask before removing stored figures (the "Xóa" controls of the grid):
// the server asks too, this only saves a round trip.
(function () {
  var grid = document.querySelector("form.grid-form");
  if (!grid) return;
  grid.addEventListener("submit", function (ev) {
    if (ev.submitter && ev.submitter.name === "confirm_remove") return;
    var marked = grid.querySelectorAll("input[type=checkbox][name^='d.']:checked");
    if (marked.length === 0) return;
    if (!window.confirm("Xóa " + marked.length + " số liệu đã lưu?")) { ev.preventDefault(); return; }
    var yes = document.createElement("input");
    yes.type = "hidden"; yes.name = "confirm_remove"; yes.value = "1";
    grid.appendChild(yes);
  });
})();
