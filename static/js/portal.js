// Entry point for every page (loaded as an ES module from base.html).
// The body classes are what nhsuk-frontend's components check before they enhance the page;
// the page template cannot add them with an inline script because our CSP forbids inline JS.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");

// initAll() starts every component, including the error summary, which moves focus to itself
// so screen reader users hear the problems as soon as the page loads.
initAll();
