// A "copy" button: puts the text of the element named by data-copy on the clipboard, and says
// so in #copy-status. Where the Clipboard API is missing (plain http on a phone), it selects the
// text and uses the older execCommand, so a long press is never needed.
(function () {
  var button = document.querySelector("[data-copy]");
  if (!button) return;
  var source = document.querySelector(button.getAttribute("data-copy"));
  var status = document.getElementById("copy-status");
  function say(key) { status.textContent = button.getAttribute(key); }
  function fallback() {
    source.focus();
    source.select();
    try { say(document.execCommand("copy") ? "data-copied" : "data-failed"); }
    catch (e) { say("data-failed"); }
  }
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(function () { say("data-copied"); },
                                                       fallback);
    } else {
      fallback();
    }
  });
})();
