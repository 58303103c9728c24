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

  // The phone header's menu button: shows and hides the search, language, log-in and main menu
  // (static/css/portal.css folds them on narrow screens). Escape closes it and returns focus.
  function setUpMenuButton() {
    var header = document.getElementById("site-header");
    var button = header && header.querySelector(".site-menu-button");
    if (!button) return;
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.setAttribute("data-menu", open ? "open" : "closed");
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  // "Show all years" (templates/includes/_years_toggle.html): unfolds the earlier years' columns
  // of the tables it controls; the choice holds for the rest of the visit.
  function setUpYearToggles(root) {
    root.querySelectorAll(".years-toggle__button:not([data-ready])").forEach(function (button) {
      button.setAttribute("data-ready", "");
      var targets = (button.getAttribute("aria-controls") || "").split(/\s+/)
        .map(function (id) { return document.getElementById(id); })
        .filter(Boolean);
      function apply(open) {
        button.setAttribute("aria-expanded", open ? "true" : "false");
        targets.forEach(function (target) { target.classList.toggle("years-expanded", open); });
        wrapWideTables(document);
      }
      var remembered = null;
      try { remembered = window.sessionStorage.getItem("years-expanded"); } catch (e) { /* private mode */ }
      apply(button.getAttribute("aria-expanded") === "true" || remembered === "1");
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        try { window.sessionStorage.setItem("years-expanded", open ? "1" : "0"); } catch (e) { /* private mode */ }
        apply(open);
      });
    });
  }

  function enhance(root) {
    setUpYearToggles(root);
    wrapWideTables(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenuButton();
    enhance(document);
  });
  // Content swapped in by htmx gets the same treatment.
  document.addEventListener("htmx:load", function (event) { enhance(event.target.ownerDocument || document); });
  window.addEventListener("resize", function () { wrapWideTables(document); });
})();
