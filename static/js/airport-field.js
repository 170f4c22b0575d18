/*
 * Airport fields: suggestions as you type (code, name or city), and the
 * airport understood shown under the field with its time zone. The server
 * decides on submit either way (a name it cannot pin down is an error at the
 * field), so without JavaScript nothing is lost. No inline script: the CSP
 * is script-src 'self'.
 */
(function () {
  "use strict";

  var fields = document.querySelectorAll("input[data-airport-search]");
  Array.prototype.forEach.call(fields, function (input, index) {
    var url = input.getAttribute("data-airport-search");
    var confirmText = input.getAttribute("data-airport-confirm") || "";
    var hint = document.getElementById(input.id + "-hint");
    var original = hint ? hint.textContent : "";
    var list = document.createElement("datalist");
    list.id = "airport-suggestions-" + index;
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    var timer = null;
    var asked = "";

    function describe(airport) {
      return confirmText
        .replace("{name}", airport.name).replace("{city}", airport.city)
        .replace("{country}", airport.country).replace("{zone}", airport.tz);
    }

    function show(found) {
      list.textContent = "";
      found.forEach(function (airport) {
        var option = document.createElement("option");
        option.value = airport.code;
        option.label = airport.code + " — " + airport.name + " (" + airport.city + ", " + airport.country + ") · " + airport.tz;
        list.appendChild(option);
      });
      if (!hint) { return; }
      var typed = input.value.trim().toUpperCase();
      var exact = found.filter(function (airport) { return airport.code === typed; });
      var chosen = exact.length ? exact[0] : (found.length === 1 ? found[0] : null);
      hint.textContent = chosen ? describe(chosen) : original;
    }

    function ask() {
      var typed = input.value.trim();
      if (typed === asked) { return; }
      asked = typed;
      if (typed.length < 2) { show([]); return; }
      fetch(url + "?q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) { if (typed === asked) { show(found); } })
        .catch(function () { /* offline: the server confirms on submit */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
  });
})();
