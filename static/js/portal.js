// Behaviour that used to sit in inline handlers: the Content-Security-Policy allows scripts only
// from our own static files (docs/security.md).
(function () {
  "use strict";
  function wire(root) {
    // <select data-autosubmit>: choosing an option submits its form (the language switch).
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (select.dataset.wired) return;
      select.dataset.wired = "1";
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:afterSwap", function (event) { wire(event.target); });
})();
