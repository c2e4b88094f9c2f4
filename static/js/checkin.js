// Check-in forms: a failure reason only makes sense when the outcome is "failed".
// (Keeping and sending the form is the outbox's job: outbox.js, outbox-page.js.)
(function () {
  document.querySelectorAll("[data-outcome]").forEach(function (block) {
    var outcome = block.querySelector("select[name^=outcome_]");
    var reason = block.querySelector(".reason");
    if (!outcome || !reason) return;
    function sync() { reason.style.display = outcome.value === "failed" ? "" : "none"; }
    outcome.addEventListener("change", sync);
    sync();
  });
})();
