// Gives an accessible name to widgets that Django admin's own scripts build without one
// (WCAG 4.1.2). Runs once the page is ready and again whenever the admin adds elements
// (autocomplete boxes, filter widgets, inline rows), so late widgets are named too.
(function () {
  "use strict";

  function labelFor(id) {
    const label = id ? document.querySelector('label[for="' + id + '"]') : null;
    if (label && !label.id) {
      label.id = id + "_label";
    }
    return label;
  }

  // An autocomplete's combobox is labelled by its selection, which is empty until something is
  // chosen: label it by the field's own label as well, and name the read-only selection box too.
  function nameAutocompletes() {
    document.querySelectorAll('.select2-selection[role="combobox"]:not([data-portal-named])').forEach(function (box) {
      const container = box.closest(".select2-container");
      const select = container ? container.previousElementSibling : null;
      const label = select ? labelFor(select.id) : null;
      if (!label) {
        return;
      }
      const selection = box.getAttribute("aria-labelledby");
      box.setAttribute("aria-labelledby", selection ? label.id + " " + selection : label.id);
      const rendered = selection ? document.getElementById(selection) : null;
      if (rendered) {
        rendered.setAttribute("aria-labelledby", label.id);
      }
      box.setAttribute("data-portal-named", "");
    });
  }

  // The filter widget's search icon carries aria-label on a plain span, which has no role that
  // allows a name: make it the image it is.
  function roleTooltips() {
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function fix() {
    nameAutocompletes();
    roleTooltips();
  }

  function start() {
    fix();
    new MutationObserver(fix).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
