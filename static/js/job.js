// A background job's page: read its JSON every few seconds and move the bar, until it ends
// with its message and the link to the result. Without network the last state stays on screen.
(function () {
  var root = document.querySelector("[data-job-url]");
  if (!root) return;
  function field(name) { return root.querySelector('[data-field="' + name + '"]'); }
  var every = 2000;

  function draw(job) {
    root.className = root.className.replace(/job-\w+/, "job-" + job.status);
    field("status").textContent = root.getAttribute("data-label-" + job.status);
    var bar = field("bar");
    if (job.percent === null) bar.removeAttribute("value"); else bar.value = job.percent;
    bar.textContent = (job.percent || 0) + "%";
    // A failed job with no count has no bar: an endless one would say it still works.
    bar.hidden = job.status === "failed" && job.percent === null;
    var count = field("count");
    count.textContent = job.total ? count.getAttribute("data-template")
      .replace("{done}", job.done.toLocaleString("vi-VN"))
      .replace("{total}", job.total.toLocaleString("vi-VN"))
      .replace("{percent}", job.percent) : "";
    var message = field("message");
    message.hidden = !(job.finished && job.message);
    message.textContent = job.message || "";
    message.className = "flash flash-" + (job.status === "failed" ? "error" : "success");
    field("result").hidden = !(job.status === "done" && job.result_url);
    if (job.result_url) field("result_url").href = job.result_url;
    field("retry").hidden = !(job.status === "failed" && job.retry_url);
    field("wait").hidden = job.finished;
  }

  function refresh() {
    fetch(root.getAttribute("data-job-url"), {
      headers: {Accept: "application/json"}, credentials: "same-origin", cache: "no-store",
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (job) {
      draw(job);
      if (!job.finished) setTimeout(refresh, every);
    }).catch(function () {
      field("status").textContent = root.getAttribute("data-offline");
      setTimeout(refresh, every * 2);
    });
  }

  if (!/job-(done|failed)/.test(root.className)) setTimeout(refresh, 500);
})();
