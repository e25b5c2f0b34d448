/* Lists as cards on a phone (anying.css, .ay-list): each cell gets its column's name in
   data-label, and its content wrapped in one element so the label and the value sit side by
   side. Runs on the page and on every piece htmx swaps in (filters, pagination). */
(function () {
  "use strict";
  var SHORT = 6;  // characters: 高新区, 达标 三级, 整改中

  function headers(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!row) return [];
    var names = [];
    Array.prototype.forEach.call(row.cells, function (th) {
      var text = (th.getAttribute("data-label") || th.textContent || "").replace(/\s+/g, " ").trim();
      for (var i = 0; i < (th.colSpan || 1); i++) names.push(text);
    });
    return names;
  }

  function label(table) {
    var names = headers(table);
    var sections = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) sections.push(table.tFoot);  // a total row reads as a card too
    sections.forEach(function (body) {
      Array.prototype.forEach.call(body.rows, function (tr) {
        var column = 0;
        Array.prototype.forEach.call(tr.cells, function (cell) {
          if (cell.colSpan === 1 && !cell.hasAttribute("data-label") && names[column]) {
            cell.setAttribute("data-label", names[column]);
          }
          // a short value (a town, a date, a status, an amount) never breaks over two lines
          if (cell.colSpan === 1 && cell.textContent.replace(/\s+/g, "").length <= SHORT) {
            cell.classList.add("ay-nowrap");
          }
          if (!cell.querySelector(":scope > .ay-cell") && cell.childNodes.length) {
            var value = document.createElement("div");
            value.className = "ay-cell";
            while (cell.firstChild) value.appendChild(cell.firstChild);
            cell.appendChild(value);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  function labelAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("table.ay-list")) label(scope);
    Array.prototype.forEach.call(scope.querySelectorAll("table.ay-list"), label);
    if (scope.closest) {
      var table = scope.closest("table.ay-list");  // htmx swapped in rows only
      if (table) label(table);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { labelAll(document); });
  document.addEventListener("htmx:load", function (event) { labelAll(event.target); });
})();
