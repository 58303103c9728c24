// Small enhancements for every page. The portal works without this file.
(function () {
  "use strict";

  // A wide table (the plan table with its year columns) scrolls sideways inside its own box on a
  // phone instead of widening the whole page. When it really overflows, the box becomes a
  // focusable, labelled region so keyboard users can scroll it too (WCAG 2.1.1).
  function wrapWideTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      var box = table.parentElement;
      if (!box.classList.contains("table-scroll")) {
        box = document.createElement("div");
        box.className = "table-scroll";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      var overflowing = box.scrollWidth > box.clientWidth + 1;
      if (overflowing && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var caption = table.querySelector("caption");
        if (caption && caption.id) {
          box.setAttribute("aria-labelledby", caption.id);
        } else {
          box.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
        }
      }
    });
  }

  function enhance(root) {
    wrapWideTables(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  // Content swapped in by htmx gets the same treatment.
  document.addEventListener("htmx:load", function (event) { enhance(event.target.ownerDocument || document); });
  window.addEventListener("resize", function () { wrapWideTables(document); });
})();
