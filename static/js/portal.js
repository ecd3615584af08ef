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
  // Dates never break inside the value (2024-08-/01): a squeezed column or line may wrap
  // between words, not within a date. Each yyyy-mm-dd in a cell, list item or paragraph is wrapped in a
  // .text-nowrap span (no inline style: the Content-Security-Policy forbids it).
  var DATE = /\d{4}-\d{2}-\d{2}/g;
  function keepDates(root) {
    var cells = root.querySelectorAll ? root.querySelectorAll("td, dd, li, p, .date-cell") : [];
    cells.forEach(function (cell) {
      var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      var nodes = [];
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        DATE.lastIndex = 0;
        if (DATE.test(node.data) && !node.parentNode.classList.contains("text-nowrap")) nodes.push(node);
      }
      nodes.forEach(function (textNode) {
        var fragment = document.createDocumentFragment();
        var text = textNode.data, last = 0, match;
        DATE.lastIndex = 0;
        while ((match = DATE.exec(text)) !== null) {
          fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
          var span = document.createElement("span");
          span.className = "text-nowrap";
          span.textContent = match[0];
          fragment.appendChild(span);
          last = match.index + match[0].length;
        }
        fragment.appendChild(document.createTextNode(text.slice(last)));
        textNode.parentNode.replaceChild(fragment, textNode);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wire(document); keepDates(document); });
  document.addEventListener("htmx:afterSwap", function (event) { wire(event.target); keepDates(event.target); });
})();
