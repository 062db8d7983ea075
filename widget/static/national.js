// National mode (issue #31): on a folder of bundles (`data-src` ending with `/`, made by
// `aiguillage bundle --out-dir` or `aiguillage publish`), the commune index comes in small parts
// as the resident types, never whole (35,000 communes). A module of its own, imported by the
// loader on a folder only: a département's page never downloads it.
//
// The folder's `index.json` names the parts (aiguillage_engine::index): each answers the searched
// texts that start with its own, `complete` (every commune they can match) or `top` (the best
// ones for exactly that text). The part at position N of the two lists is `index/HASH-N.bin`.

// A part that does not come is asked again, twice, after these pauses (a rural line drops
// requests); then the widget says the list could not be loaded, and typing asks again.
const PAUSES = [500, 2000];

const pause = (ms) => new Promise((done) => setTimeout(done, ms));

/** The bytes at `url`, asked again after each pause; rejected when they never came. */
async function bytes(url) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (attempt >= PAUSES.length) throw error;
      console.warn(`aiguillage: ${url} did not come (${error.message}), asked again`);
      await pause(PAUSES[attempt]);
    }
  }
}

/**
 * The file of the part a searched text needs (`aiguillage_engine::index::part_for`): the part of
 * its longest prefix that has one, if it is complete or is the text itself; `undefined` when no
 * commune can match the text.
 */
export function partFile({ hash, complete, top }, text) {
  const chars = [...text];
  for (let length = chars.length; length > 0; length -= 1) {
    const prefix = chars.slice(0, length).join('');
    const whole = complete.indexOf(prefix);
    if (whole >= 0) return `index/${hash}-${whole}.bin`;
    const best = top.indexOf(prefix);
    if (best >= 0) return length === chars.length ? `index/${hash}-${complete.length + best}.bin` : undefined;
  }
  return undefined;
}

/**
 * The commune index of the folder at `folder` (a URL ending with `/`): its manifest is asked now,
 * with the engine; `part(text)` resolves to the bytes of the part a searched text needs,
 * `undefined` when no commune can match it, `null` when it could not be loaded (the console
 * says why). Parts are kept for the page's life; one that failed is asked again next time.
 */
export function communeIndex(folder) {
  let manifest = null;
  const manifestOnce = () =>
    (manifest ??= bytes(new URL('index.json', folder)).then((json) => JSON.parse(new TextDecoder().decode(json)), (error) => {
      manifest = null;
      throw error;
    }));
  manifestOnce().catch(() => {});
  const parts = new Map();
  return {
    async part(text) {
      if (!text) return undefined;
      try {
        const file = partFile(await manifestOnce(), text);
        if (!file) return undefined;
        const url = new URL(file, folder).href;
        if (!parts.has(url)) parts.set(url, bytes(url).catch((error) => {
          parts.delete(url);
          throw error;
        }));
        return await parts.get(url);
      } catch (error) {
        console.warn(`aiguillage: the communes of « ${text} » cannot be loaded: ${error.message}`);
        return null;
      }
    },
  };
}
