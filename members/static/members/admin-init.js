/*
 * Does what Wagtail's inline <script> tags in the admin do, from the data attributes of this
 * script's own tag: the admin's Content-Security-Policy allows no inline script
 * (config/settings.py). The templates in members/templates/wagtailadmin/ put this file where
 * Wagtail put its inline script, so it runs at the same point of the page.
 *
 *   data-init="inline" | "multiple-chooser"   data-options: the panel's options (JSON)
 *   data-init="date" | "datetime" | "time"     data-target: the input's id; data-config: JSON
 *   data-init="call"   data-function: a global (dotted) name; data-new: "true" to construct;
 *                      data-arguments: a JSON array (members/admin_csp.py, Wagtail's choosers)
 */
(function () {
  "use strict";
  var choosers = {
    date: "initDateChooser",
    datetime: "initDateTimeChooser",
    time: "initTimeChooser",
  };

  function run(script) {
    var kind = script.getAttribute("data-init");
    if (kind === "inline") {
      new window.InlinePanel(JSON.parse(script.getAttribute("data-options")));
    } else if (kind === "multiple-chooser") {
      new window.MultipleChooserPanel(JSON.parse(script.getAttribute("data-options")));
    } else if (kind === "call") {
      var target = window;
      script.getAttribute("data-function").split(".").forEach(function (part) {
        target = target[part];
      });
      var args = JSON.parse(script.getAttribute("data-arguments"));
      if (script.getAttribute("data-new") === "true") {
        new (Function.prototype.bind.apply(target, [null].concat(args)))();
      } else {
        target.apply(window, args);
      }
    } else if (Object.prototype.hasOwnProperty.call(choosers, kind)) {
      window[choosers[kind]](script.getAttribute("data-target"), JSON.parse(script.getAttribute("data-config")));
    }
  }

  // Every tag of ours not yet run, in page order. While the page loads that is this one (the
  // ones before it ran themselves). When Wagtail adds a form (an inline panel's "Add"), jQuery
  // inserts its script tags and runs this file's text as a new inline script, without the
  // tag's data attributes (config/settings.py allows that text by its hash): the inserted tags
  // are found here.
  var pending = document.querySelectorAll("script[data-init]:not([data-init-done])");
  Array.prototype.forEach.call(pending, function (script) {
    script.setAttribute("data-init-done", "");
    run(script);
  });
})();
