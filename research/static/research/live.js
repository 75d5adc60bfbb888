/* Live updates for a run or a dataset version still being worked on (research/includes/live_notice.html).
 * Every few seconds the page is fetched again from the same address and the main region replaced,
 * until the work is done (the new page has no live notice). The reader can pause and resume; focus
 * and scroll stay where they are, and the status line says what changed. Without JavaScript the
 * "Check again" link does the same by hand. */
(function () {
  "use strict";
  var INTERVAL_MS = 3000;
  var main = document.getElementById("main");
  var notice = main && main.querySelector("[data-live-notice]");
  if (!notice || !window.fetch || !window.DOMParser) {
    return;
  }
  var timer = null;
  var paused = false;

  function status(text) {
    var line = main.querySelector("[data-live-status]");
    if (line) {
      line.textContent = text;
    }
  }

  function controls() {
    var check = main.querySelector("[data-live-check]");
    if (!check) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary";
    button.textContent = paused ? "Resume updates" : "Pause updates";
    button.addEventListener("click", function () {
      paused = !paused;
      button.textContent = paused ? "Resume updates" : "Pause updates";
      status(paused ? "Updates paused." : "Updating every few seconds.");
      schedule();
    });
    check.replaceWith(button);
    status(paused ? "Updates paused." : "Updating every few seconds.");
  }

  function schedule() {
    window.clearTimeout(timer);
    if (!paused) {
      timer = window.setTimeout(refresh, INTERVAL_MS);
    }
  }

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        if (!fresh) {
          throw new Error("no main");
        }
        var finished = !fresh.querySelector("[data-live-notice]");
        var active = document.activeElement;
        var keepFocus = active && main.contains(active) && active.id;
        main.innerHTML = fresh.innerHTML;
        if (keepFocus && document.getElementById(keepFocus)) {
          document.getElementById(keepFocus).focus({ preventScroll: true });
        }
        if (finished) {
          var done = document.createElement("p");
          done.setAttribute("role", "status");
          done.className = "visually-hidden";
          done.textContent = "Finished: the page now shows the result.";
          main.prepend(done);
          return;
        }
        controls();
        schedule();
      })
      .catch(function () {
        status("Could not check for updates; use Check again or reload the page.");
      });
  }

  controls();
  schedule();
})();
