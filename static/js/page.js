// Small behaviours the pages ask for with data attributes: the Content-Security-Policy allows no
// inline script or style, so no onclick="..." or style="..." in the templates.
(function () {
  // A colour swatch (a team's colour, a map legend's shade): the property, not a style attribute.
  function paint(root) {
    root.querySelectorAll("[data-color]").forEach(function (el) {
      el.style.background = el.dataset.color;
    });
  }
  // Ask before a form of consequence is sent (deleting, exporting ID numbers, revoking a code).
  // Capturing on the document runs before the outbox's own submit handling.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.dataset && form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // A filter that applies as soon as it is chosen.
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]")) {
      event.target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest("[data-print]")) window.print();
    // One button of several in a form asks on its own (revoking a desk's code).
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { paint(document); });
  } else {
    paint(document);
  }
})();
