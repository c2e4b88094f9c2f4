// The member's day list: the search filters the doors on the phone as one types, so that it
// works with no network too. Each door carries its words folded by the server (text.fold_words);
// only the typed query is folded here, the same way: no accents, đ as d, lower case.
(function () {
  "use strict";
  var form = document.querySelector("form[data-door-search]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var none = document.querySelector("[data-no-match]");

  function fold(text) {
    return text.replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }

  function filter() {
    var words = fold(input.value).split(" ").filter(Boolean);
    var shown = 0;
    document.querySelectorAll("[data-street]").forEach(function (street) {
      var any = false;
      street.querySelectorAll("[data-door]").forEach(function (door) {
        var text = door.dataset.search;
        var hit = words.every(function (w) { return text.indexOf(w) !== -1; });
        door.hidden = !hit;
        any = any || hit;
        if (hit) shown += 1;
      });
      street.hidden = !any;
    });
    if (none) none.hidden = shown > 0;
  }

  input.addEventListener("input", filter);
  // Offline the kept page cannot ask the server: the list filters itself instead.
  form.addEventListener("submit", function (event) { event.preventDefault(); filter(); });
  if (input.value) filter();
})();
