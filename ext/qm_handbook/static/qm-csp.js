/* Public site of the quality handbook (publish/csp.py).
 *
 * Its Content-Security-Policy forbids turning strings into code ('unsafe-eval'). Sphinx's
 * doctools.js builds the plural rule of the theme translations with `new Function`, which the
 * policy blocks, so translations.js would stop with an error. German uses the default rule
 * (one / many); this replacement takes the translated texts and keeps that rule.
 */
if (typeof Documentation !== "undefined") {
  Documentation.addTranslations = (catalog) => {
    Object.assign(Documentation.TRANSLATIONS, catalog.messages);
    Documentation.PLURAL_EXPR = (n) => (n === 1 ? 0 : 1);
    Documentation.LOCALE = catalog.locale;
  };
}
