// Registers <aiguillage-orientation>. The Yew application (wasm) renders inside the element's
// open shadow root; this loader only does what wasm-bindgen cannot: extend HTMLElement.
//
// On a rural line every round trip counts: the glue, the wasm and the data bundle are requested
// together, not one after the other. Meanwhile the loader shows the first question (what do you
// need?), rendered at build time from the engine's own: a resident can read it and answer at
// once; the engine, when it arrives, takes the answer over (`early-need` and `early-senior`,
// widget/src/config.rs).

const base = new URL('.', import.meta.url);
// The theme's colours (`theme-accent="#1f5f8b"`…): attributes rather than a `style` attribute,
// which a commune site's strict CSP refuses.
const THEME = ['accent', 'background', 'text', 'muted'];
const ATTRIBUTES = ['data-src', 'lang', 'mode', 'commune', 'territory', 'label', 'title', 'data-now', ...THEME.map((name) => `theme-${name}`)];
// `lang` values the widget knows beyond its packs' own codes (`fr-x-falc` is the valid tag).
const LANG_ALIASES = { 'fr-x-falc': 'fr-falc' };
let engine = null;
const loadEngine = () =>
  (engine ??= Promise.all([
    import('./aiguillage_widget.js'),
    fetch(new URL('aiguillage_widget_bg.wasm', base)),
  ]).then(async ([glue, wasm]) => {
    await glue.default({ module_or_path: wasm });
    return glue;
  }));
// "Loading", in every language, written here by `cargo xtask dist` (from `aiguillage texts`);
// empty, the loader says nothing while it waits. Its keys are the languages the widget speaks.
const STATUS = {};
// The words of each language: `texts.bin`, the language pack (`aiguillage texts`);
// `first-step.json`, the first question's nodes (the engine's need step rendered by
// `widget/examples/first_step.rs`), requested with the stylesheet where the early question is
// shown (no extra round trip); `unavailable.json`, what is said when the widget cannot start
// (`aiguillage texts`), requested only then. Named with one hash of them all, written here by
// `cargo xtask dist`.
const WORDS = 'WORDS';
const wordsFile = (file, lang) => new URL(file.replace('.', `.${lang}.${WORDS}.`), base);
// The départements of each région (COG 2026 code: `75` is Nouvelle-Aquitaine), for
// `territory="region:75"`, written by `cargo xtask dist` from the commune reference; requested
// only for a territory that names a région, with the engine.
const REGIONS = 'regions.json';

/** An element with attributes and children (text or elements). */
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** A link of the could-not-start message, when its address is one the loader allows. */
const link = (href, text, ...more) => /^(https|tel):/.test(href) ? [' ', h('a', href[0] == 't' ? { href } : { href, target: '_blank', rel: 'noopener noreferrer' }, text, ...more)] : [];

/**
 * What is said when the widget cannot start (`aiguillage texts`, `unavailable.json`): the message
 * and the national contacts, built as nodes: text stays text (no Trusted Types policy needed).
 */
function unavailable({ message, newTab, contacts }) {
  return h('div', { class: 'unavailable', role: 'alert' }, h('p', {}, message),
    h('ul', { class: 'fallbacks' }, ...contacts.map((c) => h('li', {}, h('strong', {}, c.name), c.about,
      ...link(c.tel, c.phone), ...link(c.url, c.url, h('span', { class: 'visually-hidden' }, ` ${newTab}`))))));
}

/** A node of `first-step.json`: a text, or `[tag, attributes, children…]`. */
const build = (node) => typeof node == 'string' ? node : h(node[0], node[1], ...node.slice(2).map(build));

/**
 * The need question, drawn before the engine has arrived in the widget's `section` (`box`): the
 * engine's own need step (`flow::resident_flow`), rendered at build time into
 * `first-step.<lang>.json` (`widget/examples/first_step.rs`), its markup written once. A choice
 * is marked `data-chosen` and says it waits; the senior entry toggles `aria-pressed` and its
 * note. The loader hands both to the engine.
 */
function earlyStep({ step: nodes, loading }, box) {
  const step = build(nodes);
  const status = h('p', { class: 'status', role: 'status' });
  step.append(status);
  const senior = step.querySelector('.senior');
  senior?.addEventListener('click', () => {
    const pressed = senior.getAttribute('aria-pressed') !== 'true';
    senior.setAttribute('aria-pressed', String(pressed));
    step.querySelector('.note').hidden = !pressed;
  });
  const choices = step.querySelectorAll('[data-need]');
  for (const button of choices) {
    button.addEventListener('click', () => {
      for (const other of choices) other.removeAttribute('data-chosen');
      button.setAttribute('data-chosen', '');
      status.textContent = loading;
    });
  }
  const section = box(step);
  section.dataset.mode = 'resident';
  section.dataset.early = '';
  return section;
}

/**
 * The element's attributes as the widget reads them, parsed here once: the engine (Rust,
 * `Config::from_attributes`) takes these values as given. Codes are trimmed and lower-cased
 * (`mode="Desk"` is desk mode); the language is one of the packs' codes; `fragment-key` is
 * this widget's key in the URL fragment (`aiguillage`, or `aiguillage-<id>` for an element
 * with a plain id, so that two widgets on a page keep their answers apart).
 */
function readAttributes(element, key) {
  const read = (name) => element.getAttribute(name)?.trim() || undefined;
  const langCode = read('lang')?.toLowerCase();
  const known = (table) => Object.hasOwn(table, langCode ?? '');
  const lang = known(LANG_ALIASES) ? LANG_ALIASES[langCode] : known(STATUS) ? langCode : 'fr';
  const dataSrc = read('data-src');
  return {
    'data-src': new URL(dataSrc ?? 'data/default.bin', dataSrc ? document.baseURI : base).href,
    lang,
    mode: read('mode')?.toLowerCase() === 'desk' ? 'desk' : 'resident',
    commune: read('commune'),
    territory: read('territory')?.replace(/\s+/g, ''),
    // The widget's accessible name: `label` (a `title` also shows a tooltip over the widget).
    title: read('label') ?? read('title'),
    'data-now': read('data-now'),
    'fragment-key': /^[A-Za-z0-9_-]+$/.test(key) ? `aiguillage-${key}` : 'aiguillage',
  };
}

/** This widget's answers in the URL fragment (`key=step.results~…`), if it holds them. */
function answers(fragmentKey) {
  return location.hash.slice(1).split('&').find((pair) => pair.split('=')[0] === fragmentKey);
}

/**
 * The file of a folder of bundles (`aiguillage bundle --out-dir`) for a commune (INSEE code):
 * its département's bundle (the first characters of its code, three overseas), or `start.bin`
 * without one (the communes then come by parts of the index as the resident types, `national.js`).
 */
const folderFile = (commune) => commune ? `${commune.slice(0, /^9[78]/.test(commune) ? 3 : 2)}.bin` : 'start.bin';
/**
 * The commune of this widget's answers in the URL fragment, read here only before the engine has
 * come, so that a link asks for its département's bundle together with the engine; the engine's
 * own reading (`answersChanged`) decides from then on.
 */
const fragmentCommune = (key) => /(?:=|~)commune\.([0-9AB]{5})/.exec(answers(key) ?? '')?.[1];
// A folder's files requested in this page, by address (a failed one is forgotten, to be asked
// again): going back to another département mounts it again without downloading it again.
const folderFiles = new Map();
// Widgets without an id get a stable per-page key (document order), so two widgets on one page
// keep their answers apart in the URL fragment.
let anonymousWidgets = 0;

/**
 * The bytes at `url`, requested now (the widget gets them with the engine), or null when they
 * cannot be had: the console says why, the widget then says it could not load and gives the
 * national contacts. Never rejected: the page must not see an unhandled rejection.
 */
function prefetch(url) {
  return fetch(url)
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.arrayBuffer();
    })
    .then((buffer) => new Uint8Array(buffer), (error) => {
      console.warn(`aiguillage: cannot load ${url}: ${error.message}`);
      return null;
    });
}

// The orientations counted in this page's life (need and commune), each once.
const counted = new Set();

class AiguillageOrientation extends HTMLElement {
  static observedAttributes = ATTRIBUTES;
  /** What `mount` returned: called without arguments it unmounts the widget; with a searched text
   * and its part of a folder's commune index, it answers the widget's commune search. */
  #mounted = null;
  /** On a folder, its commune index by parts (`national.js`, `{src, parts}`), and the last text the widget asked. */
  #index = null;
  #asked = null;
  #generation = 0;
  #key = null;
  /** The attributes as read at the last mount (`readAttributes`): read again only when one changes. */
  #attributes = null;
  /** The file of a folder of bundles the widget is mounted on (`folderFile`), if it names a folder. */
  #file = null;
  /** The commune of the answers as the engine last read them (`null`: none), once it has said. */
  #commune = undefined;
  /** Where the focus goes once the widget is mounted again on another file of its folder (a selector). */
  #refocus = null;

  /**
   * Called by the engine when an orientation is shown (`host::announce_orientation`): the host
   * page gets the `aiguillage:orientation` event; where it opted in with `data-stats="URL"`
   * (README, "Statistiques"), one anonymous beacon per need and commune in the page's life,
   * with closed values only (no identifier, no time, no storage). Without it nothing is sent.
   */
  announce(need, commune, actors, nearestMetres) {
    // Shown before the commune's département has come (it has the places): hidden, and so not
    // read out, until it has.
    if (this.#follow(commune)) return;
    // Kilometres to the nearest place met on site; null when all help at a distance.
    const nearest_km = nearestMetres == null ? null : nearestMetres / 1000;
    this.dispatchEvent(new CustomEvent('aiguillage:orientation', { bubbles: true, composed: true, detail: { need, commune, actors, nearest_km } }));
    const url = this.getAttribute('data-stats');
    const key = `${need} ${commune}`;
    if (!url || counted.has(key)) return;
    counted.add(key);
    const { lang, mode } = this.#attributes;
    navigator.sendBeacon(new URL(url, document.baseURI), JSON.stringify({ need, commune, results: actors.length, nearest_km, lang, mode }));
  }

  /**
   * Called by the engine each time its answers change, once they are in the fragment
   * (`host::answers_changed`), with their commune (`null`: none): on a folder, a commune of
   * another département mounts the widget again on that département's bundle.
   */
  answersChanged(commune) {
    this.#follow(commune);
  }

  /**
   * Called by the engine, on a folder, as the resident types a commune (`host::communes_for`):
   * the part of the commune index the searched text needs is handed to the widget once here,
   * if the resident has not typed something else meanwhile.
   */
  communesFor(text) {
    this.#asked = text;
    const mounted = this.#mounted;
    this.#communeIndex().then((index) => index?.part(text) ?? null).then((part) => mounted === this.#mounted && text === this.#asked && mounted?.(text, part));
  }

  /** The commune index of the folder the widget is on (`national.js`), imported once (again after a failure). */
  #communeIndex() {
    const src = this.#attributes['data-src'];
    if (this.#index?.src !== src) {
      this.#index = { src, parts: import('./national.js').then(({ communeIndex }) => communeIndex(src), (error) => {
        this.#index = null;
        console.warn('aiguillage: no commune index', error);
      }) };
    }
    return this.#index.parts;
  }

  /**
   * Mounts the widget again on the file of its folder that its answers now need (`folderFile`),
   * when it is another one (never a loop: a commune missing from its département's bundle stays
   * there); the focus goes back where it was (the same control, or the step's question). Hidden
   * meanwhile, and so not read out. Says whether it moves.
   */
  #follow(commune) {
    if (!this.#file) return false;
    this.#commune = commune;
    if (this.#wanted() === this.#file) return false;
    const active = this.shadowRoot.activeElement;
    this.#refocus = active && (active.id ? `#${active.id}` : 'h2');
    this.shadowRoot.querySelector('.aiguillage-root').hidden = true;
    const generation = this.#generation;
    setTimeout(() => generation === this.#generation && this.isConnected && this.#render());
    return true;
  }

  connectedCallback() {
    this.#render();
  }

  disconnectedCallback() {
    this.#generation += 1;
    this.#unmount();
  }

  attributeChangedCallback() {
    // Another configuration: its commune is read again (the fragment's, or the host's).
    this.#commune = undefined;
    if (this.isConnected && this.shadowRoot) this.#render();
  }

  /**
   * The file of its folder the answers need, for the engine's commune once it has said, before
   * that the fragment's; without one, the host's.
   */
  #wanted() {
    const { commune, 'fragment-key': key } = this.#attributes;
    return folderFile((this.#commune === undefined ? fragmentCommune(key) : this.#commune) ?? commune);
  }

  #unmount() {
    try {
      this.#mounted?.();
    } catch (error) {
      console.warn('aiguillage: unmount failed', error);
    }
    this.#mounted = null;
  }

  /**
   * The shadow root, made once. « Signaler une erreur » (the engine's `.report` buttons, shown
   * where the page opted in with `data-signalement`) opens the form of `signalement.js`, a
   * module imported then only.
   */
  #shadow() {
    const root = this.attachShadow({ mode: 'open' });
    root.addEventListener('click', ({ target }) => {
      const url = this.getAttribute('data-signalement');
      if (url && target.closest('.report')) import('./signalement.js').then(({ open }) => open(target, url, wordsFile('signalement.json', this.#attributes.lang)));
    });
    return root;
  }

  async #render() {
    const generation = ++this.#generation;
    const root = this.shadowRoot ?? this.#shadow();
    this.#unmount();
    root.replaceChildren();
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('aiguillage.css', base).href;
    const container = document.createElement('div');
    container.className = 'aiguillage-root';
    root.append(style, container);
    // The theme, on the widget's own root through a constructed sheet (allowed under any CSP):
    // a colour that is not one (`#rgb` or `#rrggbb`) is left out; the host page's own rules win.
    const theme = new CSSStyleSheet();
    theme.replaceSync(`:host{${THEME.map((name) => [name, this.getAttribute(`theme-${name}`)?.trim()]).filter(([, value]) => /^#[\da-f]{3}([\da-f]{3})?$/i.test(value)).map(([name, value]) => `--aiguillage-${name}:${value}`).join(';')}}`);
    root.adoptedStyleSheets = [theme];
    this.#key ??= this.id || (anonymousWidgets++ === 0 ? '' : `w${anonymousWidgets}`);
    const attributes = (this.#attributes = readAttributes(this, this.#key));
    const lang = attributes.lang;
    const status = STATUS[lang];
    let refocus = this.#refocus;
    this.#refocus = null;
    let early = null;
    let started = false;
    const box = (...children) => h('section', { class: 'aiguillage', part: 'container', 'aria-label': attributes.title ?? 'Aiguillage', lang: lang === 'en' ? 'en' : 'fr' }, ...children);
    if (status && attributes.mode !== 'desk' && !answers(attributes['fragment-key'])) {
      const styled = new Promise((done) => {
        style.addEventListener('load', done);
        style.addEventListener('error', done);
      });
      // Shown once styled, so that it does not jump, unless the engine came first; the engine's
      // view waits behind it.
      container.hidden = true;
      Promise.all([fetch(wordsFile('first-step.json', lang)).then((response) => response.json()).catch(() => null), styled]).then(([step]) => {
        if (!step || started || generation !== this.#generation) return;
        early = earlyStep({ ...status, ...step }, box);
        root.insertBefore(early, container);
      });
    } else if (status) {
      // Until the engine and the data are both here, the wait is said.
      container.append(box(h('p', { class: 'status', role: 'status' }, status.loading)));
    }
    // A folder of bundles (`data-src` ending with `/`): its start (no commune) and its commune
    // index by parts for the commune question (`national.js`, asked now with the engine), then
    // the chosen commune's département alone.
    const src = attributes['data-src'];
    const folder = src.endsWith('/');
    const file = (this.#file = folder && this.#wanted());
    if (file === 'start.bin') this.#communeIndex();
    const url = folder ? new URL(file, src).href : src;
    const data = folder ? (folderFiles.get(url) ?? folderFiles.set(url, prefetch(url).then((bytes) => bytes ?? void folderFiles.delete(url))).get(url)) : prefetch(url);
    const texts = prefetch(wordsFile('texts.bin', lang).href);
    const regions = /region:/i.test(attributes.territory) && fetch(new URL(REGIONS, base)).then((response) => response.json());
    try {
      const [{ mount }, dataBytes, textBytes, table] = await Promise.all([loadEngine(), data, texts, regions]);
      if (generation !== this.#generation) return;
      if (table) attributes.territory = attributes.territory.replace(/region:(\w+)/gi, (_, code) => table[code] ?? code);
      started = true;
      container.replaceChildren();
      // What was answered on the early question goes to the engine, which takes it over; the
      // focus, if it was there and no need was chosen, goes to the same control of the engine's.
      const chosen = early?.querySelector('[data-chosen]')?.dataset.need;
      const active = root.activeElement;
      if (early?.contains(active) && !chosen) refocus = active.dataset.need ? `[data-need="${active.dataset.need}"]` : active.matches('.senior') && '.senior';
      const destroy = mount(container, this, { ...attributes, 'early-need': chosen, 'early-senior': early?.querySelector('.senior[aria-pressed=true]') && 'yes' }, dataBytes, textBytes);
      early?.remove();
      container.hidden = false;
      // A text: why the data or the language pack cannot be used; the message below says so.
      if (typeof destroy == 'string') throw new Error(destroy);
      this.#mounted = destroy;
      // Only from where the person left it: not from the host's links they went to meanwhile.
      if (refocus) setTimeout(() => [null, document.body, this].includes(document.activeElement) && root.querySelector(refocus)?.focus());
    } catch (error) {
      // Never throw into the host page; say it in the box instead of leaving it blank.
      console.warn('aiguillage: the widget could not start', error);
      started = true;
      // The words and the national contacts come from data/wording.toml and data/taxonomy.toml,
      // written by `aiguillage texts`; the host may say it its own way (`data-error-text`). Without
      // either (offline, or a loader not built by `cargo xtask dist`), a short text.
      const text = this.dataset.errorText;
      const page = !text && await fetch(wordsFile('unavailable.json', lang)).then((response) => response.ok && response.json()).catch(() => null);
      if (generation !== this.#generation) return;
      early?.remove();
      container.hidden = false;
      const message = box();
      message.dataset.mode = attributes.mode;
      message.append(Array.isArray(page?.contacts) ? unavailable(page) : h('p', { role: 'alert' }, text ?? 'Aiguillage : service indisponible.'));
      container.replaceChildren(message);
    }
  }
}

// "Imprimer la fiche" prints the widget alone: while a widget is marked `data-printing` (by the
// engine, `host::print`), the host page's own elements are hidden on paper. A constructed sheet
// on the document, allowed under a strict CSP; the mark goes when printing is over.
// Out of the layout (not merely invisible): no blank pages after the slip, and the widget prints
// where the page starts, whatever its ancestors' positioning.
const PRINT_ALONE = '@media print{body:has(aiguillage-orientation[data-printing]) *:not(:has(aiguillage-orientation[data-printing])):not(aiguillage-orientation[data-printing]){display:none!important}}';

if (!customElements.get('aiguillage-orientation')) {
  customElements.define('aiguillage-orientation', AiguillageOrientation);
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(PRINT_ALONE);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch (error) {
    console.warn('aiguillage: no print rule', error);
  }
  addEventListener('afterprint', () => {
    for (const element of document.querySelectorAll('aiguillage-orientation[data-printing]')) element.removeAttribute('data-printing');
  });
}
