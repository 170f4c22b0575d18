/*
 * Lists with ticks (cities to invite, delegates to confirm): a box in the
 * column's header ticks or unticks every row shown. Without JavaScript the
 * page offers a "Tick all shown" button instead, which the server answers
 * (the ticks are carried across filters and pages either way). No inline
 * script: the CSP is script-src 'self'.
 */
(function () {
  "use strict";

  var headers = document.querySelectorAll("input[data-select-shown]");
  Array.prototype.forEach.call(headers, function (header) {
    var table = header.closest("table");
    if (!table) { return; }
    var boxes = table.querySelectorAll("tbody input[type=checkbox][name='" + header.getAttribute("data-select-shown") + "']");
    if (!boxes.length) { return; }

    function refresh() {
      var ticked = Array.prototype.filter.call(boxes, function (box) { return box.checked; }).length;
      header.checked = ticked === boxes.length;
      header.indeterminate = ticked > 0 && ticked < boxes.length;
    }

    header.hidden = false;
    var fallback = document.querySelectorAll("[data-select-shown-fallback]");
    Array.prototype.forEach.call(fallback, function (button) { button.hidden = true; });
    header.addEventListener("change", function () {
      Array.prototype.forEach.call(boxes, function (box) { box.checked = header.checked; });
    });
    table.addEventListener("change", function (event) {
      if (event.target !== header) { refresh(); }
    });
    refresh();
  });
}());
