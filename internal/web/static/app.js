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
