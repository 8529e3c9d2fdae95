// The actor registration form checked as one types, where script runs: a moment after the
// identifier, the municipality, the NACE code or the country changes, the form is sent to the
// page's check (the actors service checks it without registering anything) and each field's
// message is shown at the field, as the form's post shows it (aria-invalid, aria-describedby),
// and cleared once the field is right; an organisation registered already is named, with a link
// to it. What changes is said in the form's live region. Without script the form is checked when
// it is sent, as before. No inline script, nothing from elsewhere: a same-origin file.
(function () {
  "use strict";
  var form = document.querySelector("form[data-actor-check]");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) {
    return;
  }
  var url = form.getAttribute("data-actor-check");
  var live = document.getElementById("register-live");
  var watched = ["identifier", "municipality", "nace", "country"];
  var shown = {};
  var timer = null;
  var asked = 0;
  var registeredId = "actor-identifier-registered";

  function input(name) {
    return document.getElementById("actor-" + name);
  }

  function describedBy(element, id, on) {
    var ids = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (on) {
      ids.push(id);
    }
    if (ids.length) {
      element.setAttribute("aria-describedby", ids.join(" "));
    } else {
      element.removeAttribute("aria-describedby");
    }
  }

  function show(name, message, fixed, said) {
    var element = input(name);
    if (!element) {
      return;
    }
    var id = "actor-" + name + "-error";
    var span = document.getElementById(id);
    if (message) {
      if (!span) {
        span = document.createElement("span");
        span.className = "field-error";
        span.id = id;
        element.parentNode.appendChild(span);
      }
      if (shown[name] !== message) {
        said.push(message);
      }
      span.textContent = message;
      element.setAttribute("aria-invalid", "true");
      describedBy(element, id, true);
      shown[name] = message;
    } else {
      if (span) {
        span.parentNode.removeChild(span);
      }
      if (shown[name] && fixed) {
        said.push(fixed);
      }
      element.removeAttribute("aria-invalid");
      describedBy(element, id, false);
      delete shown[name];
    }
  }

  function note(registered, said) {
    var element = input("identifier");
    var existing = document.getElementById(registeredId);
    if (existing) {
      existing.parentNode.removeChild(existing);
    }
    if (!element || !registered) {
      describedBy(element, registeredId, false);
      shown.registered = null;
      return;
    }
    var span = document.createElement("span");
    span.className = "field-note";
    span.id = registeredId;
    var link = document.createElement("a");
    link.href = registered.href;
    link.textContent = registered.name;
    var text = registered.text;
    var at = text.indexOf(registered.name);
    if (at < 0) {
      span.appendChild(document.createTextNode(text + " "));
      span.appendChild(link);
    } else {
      span.appendChild(document.createTextNode(text.slice(0, at)));
      span.appendChild(link);
      span.appendChild(document.createTextNode(text.slice(at + registered.name.length)));
    }
    element.parentNode.appendChild(span);
    describedBy(element, registeredId, true);
    if (shown.registered !== registered.href) {
      said.push(text);
    }
    shown.registered = registered.href;
  }

  function check() {
    var mine = ++asked;
    window
      .fetch(url, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (found) {
        if (!found || mine !== asked) {
          return;
        }
        var said = [];
        Object.keys(found.fields).forEach(function (name) {
          show(name, found.fields[name], found.fixed[name], said);
        });
        // An optional code taken out is no longer wrong.
        ["municipality", "nace"].forEach(function (name) {
          var element = input(name);
          if (element && !element.value.trim() && !(name in found.fields)) {
            show(name, null, null, said);
          }
        });
        note(found.registered, said);
        if (live && said.length) {
          live.textContent = said.join(" ");
        }
      })
      .catch(function () {});
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 400);
  }

  ["identifier", "municipality", "nace"].forEach(function (name) {
    var span = document.getElementById("actor-" + name + "-error");
    if (span) {
      shown[name] = span.textContent;
    }
  });
  watched.forEach(function (name) {
    var element = input(name);
    if (element) {
      element.addEventListener("input", later);
      element.addEventListener("change", later);
    }
  });
})();
