// Filter a long check list by typed words, accents optional ("phuoc my" finds "Phước Mỹ").
(function () {
  function fold(text) {
    return text.replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var list = document.querySelector(input.dataset.filter);
    if (!list) return;
    input.addEventListener("input", function () {
      var words = fold(input.value).split(" ").filter(Boolean);
      list.querySelectorAll("li").forEach(function (item) {
        var text = fold(item.textContent);
        item.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
  });
})();
