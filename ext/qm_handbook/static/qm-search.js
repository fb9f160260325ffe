/* Sphinx's search in German, with text snippets (qm_handbook/compat/search.py).
 *
 * - Sphinx's German catalog has no text for the result count: it is added here
 *   (singular and plural) to the translations Sphinx already loaded.
 * - Snippets are cut from the page text without the page's control data line
 *   ("Fassung … · freigegeben …"), the report date lines and the permalink signs.
 * Loaded with "defer": runs after searchtools.js and before the search starts.
 * No inline code and no eval, so it works under the public site's
 * Content-Security-Policy.
 */
(() => {
  "use strict";
  if (typeof Documentation !== "undefined" && Documentation.TRANSLATIONS) {
    const t = Documentation.TRANSLATIONS;
    const found = "Search finished, found one page matching the search query.";
    const known = t[found];
    if (!known || !Object.values(known).every((text) => text)) {
      // Sphinx's German plural rule answers true/false, a replaced one 0/1: both work.
      const one = "Suche abgeschlossen: eine Seite gefunden.";
      const many = "Suche abgeschlossen: ${resultCount} Seiten gefunden.";
      t[found] = { 0: one, 1: many, false: one, true: many };
    }
  }
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  const original = Search.htmlToText;
  const skip = ".qm-lenkung, .qm-stand, .qm-legende, h1, .headerlink";
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(skip).forEach((el) => el.remove());
    return original(page.documentElement.outerHTML, anchor);
  };
})();
