/* Server-side drafts: while a member writes, save the form to its data-draft-url a moment after they
   stop typing, every few seconds while they keep typing, and when they leave the tab.
   Loaded as an external file (the CSP forbids inline script); without JavaScript the form's
   "Save draft" button does the same job. Saves only when the text changed since the last save. */
(function () {
  "use strict";
  var INTERVAL_MS = 5000;
  var PAUSE_MS = 1500;

  // The text only: files chosen for attaching are sent once, when the member posts.
  function textFields(form) {
    var fields = new FormData(form);
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      fields.delete(input.name);
    });
    return fields;
  }

  function snapshot(form) {
    var fields = textFields(form);
    fields.delete("csrfmiddlewaretoken");
    return new URLSearchParams(fields).toString();
  }

  // Whether any field differs from the page as the server sent it.
  function typedBeforeLoad(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
      }
      if (field.type === "file" || !("defaultValue" in field)) { return false; }
      return field.value !== field.defaultValue;
    });
  }

  function watch(form) {
    var url = form.getAttribute("data-draft-url");
    var status = form.querySelector("[data-draft-status]");
    // Text typed before this script arrived (a slow phone, a busy server) is unsaved too: then
    // nothing counts as saved yet, and the first save comes at once.
    var last = typedBeforeLoad(form) ? null : snapshot(form);
    var saving = false;

    function say(text) {
      if (status) { status.textContent = text; }
    }

    function save() {
      var now = snapshot(form);
      if (saving || now === last) { return; }
      saving = true;
      fetch(url, {
        method: "POST",
        body: textFields(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (answer) {
          if (response.ok) {
            last = now;
            say(answer.saved ? "Draft saved at " + answer.saved_at + "." : "");
          } else {
            say(answer.error || "The draft could not be saved; your text is still here.");
          }
        });
      }).catch(function () {
        say("The draft could not be saved just now; your text is still here.");
      }).then(function () {
        saving = false;
      });
    }

    // A pause in typing saves soon after it; the interval covers someone who never pauses, and leaving
    // the tab saves at once (a phone may freeze a hidden tab's timers).
    var pause = null;
    form.addEventListener("input", function () {
      if (pause) { window.clearTimeout(pause); }
      pause = window.setTimeout(save, PAUSE_MS);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(); }
    });
    window.setInterval(save, INTERVAL_MS);
    if (last === null) { save(); }
  }

  document.querySelectorAll("form[data-draft-url]").forEach(watch);
})();
