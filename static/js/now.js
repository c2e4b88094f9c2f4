// The stage phone's "now / next" page: fetch the page every 30 s and swap in its .stage part.
// Offline or on a server error the last state stays on screen with the time it was read,
// instead of a reload that would replace it with the browser's error page.
(function () {
  "use strict";
  var stage = document.querySelector(".stage");
  if (!stage || stage.hasAttribute("data-fixed")) return;
  // "Updates every 30 s" is true only from here on: the page itself never reloads.
  document.documentElement.classList.add("stage-live");
  var note = document.createElement("p");
  note.className = "muted small stage-status";
  note.setAttribute("role", "status");
  stage.parentNode.insertBefore(note, stage.nextSibling);
  var readAt = new Date();

  // The stage clock is Vietnam's time, whatever zone the phone is set to: say the same.
  function hhmm(date) {
    return date.toLocaleTimeString("en-GB", {timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit",
                                             minute: "2-digit", hour12: false});
  }

  function say() {
    note.textContent = stage.getAttribute("data-offline").replace("%s", hhmm(readAt));
  }

  function refresh() {
    fetch(window.location.href, {cache: "no-store", credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".stage");
        if (!fresh) throw new Error("no stage");
        stage.innerHTML = fresh.innerHTML;
        readAt = new Date();
        note.textContent = "";
      })
      .catch(function () {
        say();
      });
  }

  setInterval(function () { if (!document.hidden) refresh(); }, 30000);
  window.addEventListener("offline", say);
})();
