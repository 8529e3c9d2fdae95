// NACE codes searched as one types, where script runs: the search field's list of suggestions is
// filled with what the plans service finds for the words typed (by code, or by words of the names
// in Swedish, English or Finnish), named in the page's language. Without script the field's
// search button shows the same codes to tick, and the list holds the sections and divisions.
(function () {
  "use strict";
  document.querySelectorAll("input[data-nace-search]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-nace-search");
    var timer = null;
    var asked = "";
    if (!list || !url || !window.fetch) {
      return;
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2 || q === asked) {
          return;
        }
        asked = q;
        window
          .fetch(url + "?q=" + encodeURIComponent(q), {
            headers: { Accept: "application/json" },
            credentials: "same-origin",
          })
          .then(function (response) {
            return response.ok ? response.json() : null;
          })
          .then(function (found) {
            if (!found || q !== input.value.trim()) {
              return;
            }
            var options = found.data.map(function (entry) {
              var option = document.createElement("option");
              option.value = entry.code;
              option.label = entry.code + " " + entry.name;
              option.textContent = entry.code + " " + entry.name;
              return option;
            });
            list.replaceChildren.apply(list, options);
          })
          .catch(function () {});
      }, 200);
    });
  });
})();
