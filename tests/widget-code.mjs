// What a resident's page downloads as the widget's code — one definition for the size test
// (tests/node/size.test.mjs) and the bench (tests/bench/report.mjs), issue 28: the loader the
// page names, the glue and the wasm it imports, and the stylesheet it links. Exactly one file
// each. The iframe's page and the configurator are other pages, measured on their own; data and
// words are not code.
import { readdirSync } from 'node:fs';

export const WIDGET_CODE = [
  ['loader', /^aiguillage\.js\.br$/],
  ['glue', /^aiguillage_widget\.[0-9a-f]{16}\.js\.br$/],
  ['wasm', /^aiguillage_widget_bg\.[0-9a-f]{16}\.wasm\.br$/],
  ['css', /^aiguillage\.[0-9a-f]{16}\.css\.br$/],
];

/** The brotli files of the widget's code in `folder`, by part; throws unless each part has exactly one. */
export function widgetCode(folder) {
  const names = readdirSync(folder);
  return Object.fromEntries(WIDGET_CODE.map(([part, pattern]) => {
    const found = names.filter((name) => pattern.test(name));
    if (found.length !== 1) throw new Error(`widget code: ${found.length} files for the ${part} (${pattern}) in ${folder}: ${found.join(', ')} (run cargo xtask dist)`);
    return [part, found[0]];
  }));
}
