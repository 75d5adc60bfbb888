/* Pickers that filter as you type: the To field of a private message (names fetched from the server)
   and the tag list of a new topic (the options of its own <select multiple>).

   Loaded as an external file (the CSP forbids inline script). Both work without JavaScript: the To
   field through its Search button, the tags through the plain list box; this only adds suggestions.
   Each is an ARIA 1.2 combobox: a text input with a list box of options. Down and Up move through
   them, Enter picks one, Escape closes the list; the number of suggestions and each pick are
   announced through a polite live region. */
(function () {
  "use strict";

  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  /* input: the text box. source(query, done): calls done([{value, label, detail}]).
     pick(item): what choosing an option does. announce: a live region. */
  function combobox(input, source, pick, announce) {
    counter += 1;
    var listId = "picker-list-" + counter;
    var list = el("ul", { id: listId, role: "listbox", class: "picker-list", hidden: "" });
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    var items = [];
    var active = -1;
    var asked = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var item = items[index];
      if (!item) return;
      close();
      input.value = "";
      pick(item);
      input.focus();
    }

    function show(found, query) {
      list.textContent = "";
      items = found;
      active = -1;
      found.forEach(function (item, i) {
        var option = el("li", { id: listId + "-" + i, role: "option", "aria-selected": "false" }, item.label);
        if (item.detail) option.appendChild(el("span", { class: "picker-detail" }, " " + item.detail));
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          choose(i);
        });
        list.appendChild(option);
      });
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      announce(
        found.length
          ? found.length + " suggestion" + (found.length === 1 ? "" : "s") + ". Use the up and down arrows to choose."
          : query ? "No matches for " + query + "." : ""
      );
    }

    function ask(query) {
      var ticket = ++asked;
      source(query, function (found) {
        // An answer to an older query arrives late: ignore it.
        if (ticket === asked && input.value.trim() === query) show(found, query);
      });
    }

    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (!query) {
        close();
        return;
      }
      timer = setTimeout(function () {
        ask(query);
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        // Down on a closed list opens it (a tag list shows its first options even before typing).
        if (open) highlight(Math.min(active + 1, items.length - 1));
        else ask(input.value.trim());
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && open) {
        // Enter picks the highlighted suggestion (or the only one) instead of submitting the form.
        if (active >= 0 || items.length === 1) {
          event.preventDefault();
          choose(active >= 0 ? active : 0);
        }
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  function liveRegion(container) {
    var region = el("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
    container.appendChild(region);
    return function (text) {
      region.textContent = text;
    };
  }

  /* The To field: suggestions come from the server; a pick adds a ticked checkbox to the chosen list. */
  function recipients(fieldset) {
    var input = fieldset.querySelector("input[name=find]");
    var chosen = fieldset.querySelector("[data-chosen]");
    var none = fieldset.querySelector("[data-none-chosen]");
    var url = fieldset.getAttribute("data-suggest-url");
    if (!input || !chosen || !url) return;
    var announce = liveRegion(fieldset);
    var help = fieldset.querySelector("#" + input.getAttribute("aria-describedby"));
    if (help) help.textContent = "Type part of their name, then choose from the suggestions.";

    function picked() {
      return Array.prototype.map.call(chosen.querySelectorAll("input[name=to]:checked"), function (box) {
        return box.value;
      });
    }

    function source(query, done) {
      if (query.length < 2) {
        done([]);
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          var already = picked();
          done(
            data.results
              .filter(function (person) {
                return already.indexOf(String(person.id)) === -1;
              })
              .map(function (person) {
                return { value: String(person.id), label: person.name, detail: person.detail };
              })
          );
        })
        .catch(function () {
          done([]);
        });
    }

    function pick(item) {
      var existing = chosen.querySelector("input[name=to][value='" + item.value + "']");
      if (existing) {
        // Picked before and unticked since: tick it again rather than list the person twice.
        existing.checked = true;
        announce(item.label + " added. Untick to remove.");
        return;
      }
      var li = el("li");
      var label = el("label");
      var box = el("input", { type: "checkbox", name: "to", value: item.value, checked: "" });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + item.label));
      if (item.detail) label.appendChild(el("span", { class: "muted" }, " " + item.detail));
      li.appendChild(label);
      chosen.appendChild(li);
      if (none && none.parentNode) none.parentNode.removeChild(none);
      announce(item.label + " added. Untick to remove.");
    }

    combobox(input, source, pick, announce);
  }

  /* Tags: the <select multiple> stays the form's value, hidden; chips show what is chosen. */
  function tags(select) {
    var label = document.querySelector("label[for='" + select.id + "']");
    var wrap = el("div", { class: "tag-picker" });
    var chips = el("ul", { class: "tag-picker-chosen", "aria-label": "Chosen tags" });
    var input = el("input", {
      type: "text",
      id: select.id + "_filter",
      class: "tag-picker-input",
      "aria-describedby": select.getAttribute("aria-describedby") || "",
    });
    wrap.appendChild(chips);
    wrap.appendChild(input);
    select.parentNode.insertBefore(wrap, select.nextSibling);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    if (label) label.setAttribute("for", input.id);
    var hint = el("span", { class: "help-text", id: select.id + "_keys" }, "Type to find a tag; Down and Up choose, Enter adds it.");
    wrap.insertBefore(hint, input);
    input.setAttribute("aria-describedby", (input.getAttribute("aria-describedby") + " " + hint.id).trim());
    var announce = liveRegion(wrap);
    var limit = parseInt(select.getAttribute("data-max") || "0", 10);

    function options() {
      return Array.prototype.slice.call(select.options);
    }

    function drawChips() {
      chips.textContent = "";
      options()
        .filter(function (option) {
          return option.selected;
        })
        .forEach(function (option) {
          var li = el("li", { class: "tag" });
          li.appendChild(document.createTextNode(option.text + " "));
          var remove = el("button", { type: "button", class: "tag-picker-remove", "aria-label": "Remove " + option.text }, "×");
          remove.addEventListener("click", function () {
            option.selected = false;
            drawChips();
            announce(option.text + " removed.");
            input.focus();
          });
          li.appendChild(remove);
          chips.appendChild(li);
        });
      chips.hidden = !chips.children.length;
    }

    function source(query, done) {
      var words = query.toLowerCase().split(/\s+/);
      done(
        options()
          .filter(function (option) {
            var text = option.text.toLowerCase();
            return !option.selected && words.every(function (word) {
              return text.indexOf(word) !== -1;
            });
          })
          .slice(0, 12)
          .map(function (option) {
            return { value: option.value, label: option.text };
          })
      );
    }

    function pick(item) {
      var chosen = options().filter(function (option) {
        return option.selected;
      });
      if (limit && chosen.length >= limit) {
        announce("You can choose at most " + limit + " tags. Remove one first.");
        return;
      }
      options().forEach(function (option) {
        if (option.value === item.value) option.selected = true;
      });
      drawChips();
      announce(item.label + " added.");
    }

    drawChips();
    combobox(input, source, pick, announce);
    input.addEventListener("keydown", function (event) {
      // Enter in the filter never posts the topic half-written.
      if (event.key === "Enter") event.preventDefault();
    });
  }

  document.querySelectorAll("[data-recipients]").forEach(recipients);
  document.querySelectorAll("select[data-tag-picker]").forEach(tags);
})();
