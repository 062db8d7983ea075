// Registers <aiguillage-orientation>. The Yew application (wasm) renders inside the element's
// open shadow root; this loader only does what wasm-bindgen cannot: extend HTMLElement.
//
// On a rural line every round trip counts: the glue, the wasm and the data bundle are requested
// together, not one after the other.

const base = new URL('.', import.meta.url);
const ATTRIBUTES = ['data-src', 'lang', 'mode', 'commune', 'territory', 'title', 'data-now'];
let engine = null;
const loadEngine = () =>
  (engine ??= Promise.all([
    import('./aiguillage_widget.js'),
    fetch(new URL('aiguillage_widget_bg.wasm', base)),
  ]).then(async ([glue, wasm]) => {
    await glue.default({ module_or_path: wasm });
    return glue;
  }));
// The words, one pack per language, cached once for every territory.
const TEXTS = { fr: 'texts.fr.bin', 'fr-falc': 'texts.fr-falc.bin', en: 'texts.en.bin' };
// Widgets without an id get a stable per-page key (document order), so two widgets on one page
// keep their answers apart in the URL fragment.
let anonymousWidgets = 0;

/** The data bundle's bytes, requested now; the widget reads them when it is ready. */
function prefetch(url) {
  const bytes = fetch(url).then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
    return response.arrayBuffer();
  });
  // The widget reports a failure itself; the page must never see an unhandled rejection.
  bytes.catch(() => {});
  return bytes;
}

class AiguillageOrientation extends HTMLElement {
  static observedAttributes = ATTRIBUTES;
  #handle = null;
  #generation = 0;
  #key = null;

  connectedCallback() {
    this.#render();
  }

  disconnectedCallback() {
    this.#generation += 1;
    this.#unmount();
  }

  attributeChangedCallback() {
    if (this.isConnected && this.shadowRoot) this.#render();
  }

  #unmount() {
    try {
      this.#handle?.destroy();
    } catch (error) {
      console.warn('aiguillage: unmount failed', error);
    }
    this.#handle = null;
  }

  async #render() {
    const generation = ++this.#generation;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    this.#unmount();
    root.replaceChildren();
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('aiguillage.css', base).href;
    const container = document.createElement('div');
    container.className = 'aiguillage-root';
    root.append(style, container);
    const attributes = {};
    for (const name of ATTRIBUTES) {
      const value = this.getAttribute(name);
      if (value !== null) attributes[name] = value;
    }
    this.#key ??= this.id || (anonymousWidgets++ === 0 ? '' : `w${anonymousWidgets}`);
    if (this.#key) attributes.id = this.#key;
    attributes['data-src'] = new URL(attributes['data-src'] ?? 'data/default.bin', attributes['data-src'] ? document.baseURI : base).href;
    const data = prefetch(attributes['data-src']);
    const texts = prefetch(new URL(TEXTS[attributes.lang?.toLowerCase()] ?? TEXTS.fr, base).href);
    try {
      const { mount } = await loadEngine();
      if (generation !== this.#generation) return;
      this.#handle = mount(container, this, attributes, data, texts);
    } catch (error) {
      // Never throw into the host page; say it in the box instead of leaving it blank.
      console.warn('aiguillage: the widget could not start', error);
      const message = document.createElement('p');
      message.setAttribute('role', 'alert');
      message.textContent = this.dataset.errorText ?? 'Service indisponible. Aide gratuite : Solidarité Numérique, 01 70 772 372.';
      container.replaceChildren(message);
    }
  }
}

if (!customElements.get('aiguillage-orientation')) {
  customElements.define('aiguillage-orientation', AiguillageOrientation);
}
