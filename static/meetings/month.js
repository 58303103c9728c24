// Month view: the arrow keys move between the days of the table (a roving tabindex), so a
// keyboard user crosses a month in a few key presses instead of tabbing through every link.
(function () {
  "use strict";
  var table = document.querySelector("[data-month-grid]");
  if (!table) return;
  var cells = Array.prototype.slice.call(table.querySelectorAll("[data-day]"));
  if (!cells.length) return;
  var start = table.querySelector("td.today") || table.querySelector("td:not(.other-month)");
  cells.forEach(function (cell) { cell.tabIndex = cell === start ? 0 : -1; });
  var moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7, Home: 0, End: 0 };
  table.addEventListener("keydown", function (event) {
    if (!(event.key in moves) || event.altKey || event.ctrlKey || event.metaKey) return;
    var index = cells.indexOf(event.target);
    if (index < 0) return;
    var target = index + moves[event.key];
    if (event.key === "Home") target = index - (index % 7);
    if (event.key === "End") target = index - (index % 7) + 6;
    if (target < 0 || target >= cells.length) return;
    event.preventDefault();
    cells[index].tabIndex = -1;
    cells[target].tabIndex = 0;
    cells[target].focus();
  });
})();
