// The widget alone in a page of its own (embed.html), for commune sites whose editor takes an
// iframe but not a script. The options come from the query string, with the element's
// attribute names (`lang`, `mode`, `commune`, `territory`, `label`, `data-src`, `data-stats`) and four colours
// (`accent`, `fond`, `texte`, `secondaire`, as `#rrggbb`). The answers live in this page's URL fragment, as
// they do on a host page. The page tells its height to the host (`postMessage`), whose few lines
// of script (the snippet of integrer.html) make the iframe as tall as the widget; without them
// the iframe keeps its own height and scrolls.
import './aiguillage.js';

const OPTIONS = ['data-src', 'data-stats', 'lang', 'mode', 'commune', 'territory', 'label'];
// The query's colours, as the element's theme attributes.
const COLOURS = { accent: 'theme-accent', fond: 'theme-background', texte: 'theme-text', secondaire: 'theme-muted' };

// A link to this page may name any data: only this server's own bundles (its `data/` folder)
// are shown, so that nobody can show invented places under a coordinator's address; counts go
// to this server only.
const OWN = { 'data-src': new URL('data/', location.href).href, 'data-stats': location.origin + '/' };

const query = new URLSearchParams(location.search);
const element = document.createElement('aiguillage-orientation');
const refused = [];
for (const name of OPTIONS) {
  const value = query.get(name)?.trim();
  if (!value) continue;
  if (name in OWN && !new URL(value, location.href).href.startsWith(OWN[name])) {
    refused.push(name);
    continue;
  }
  element.setAttribute(name, value);
}
for (const [name, attribute] of Object.entries(COLOURS)) {
  const value = query.get(name)?.trim();
  if (value) element.setAttribute(attribute, value);
}
if (query.get('label')) document.title = document.getElementById('title').textContent = query.get('label');
if (parent !== window) document.documentElement.classList.add('framed');
if (/^en/i.test(query.get('lang') ?? '')) {
  document.documentElement.lang = 'en';
  if (!query.get('label')) document.title = document.getElementById('title').textContent = 'Find help with digital life';
}
if (refused.includes('data-src')) {
  const message = document.createElement('p');
  message.setAttribute('role', 'alert');
  message.textContent = 'Ce lien demande des données qui ne viennent pas de ce serveur : elles ne sont pas affichées. '
    + 'Pour trouver une aide : France Services, 3939 (Allô Service Public) ou www.france-services.gouv.fr.';
  document.getElementById('aiguillage').append(message);
} else {
  document.getElementById('aiguillage').append(element);
}

let told = 0;
new ResizeObserver(() => {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === told || parent === window) return;
  told = height;
  // Only a height: nothing the resident answered leaves this page.
  parent.postMessage({ aiguillage: 'height', height }, '*');
}).observe(document.body);
