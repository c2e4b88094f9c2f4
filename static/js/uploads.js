// A confirmed import may take a moment: say that it is working, and send the form only once.
(function () {
  var forms = document.querySelectorAll("form[data-busy]");
  forms.forEach(function (form) {
    var button = form.querySelector("button[type=submit]");
    var label = button ? button.textContent : "";
    var note = form.querySelector(".busy-note");
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();  // a second tap while the first is still being applied
        return;
      }
      form.dataset.sent = "1";
      if (button) {
        // Disabled once the submit has started, so the form still goes out.
        setTimeout(function () { button.disabled = true; }, 0);
        button.setAttribute("aria-busy", "true");
        button.textContent = form.dataset.busy;
      }
      if (note) note.hidden = false;
    });
    // Back from the next page, the browser may show this page as it was left: ready again.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      delete form.dataset.sent;
      if (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        button.textContent = label;
      }
      if (note) note.hidden = true;
    });
  });
})();
