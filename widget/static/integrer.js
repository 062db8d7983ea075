// The configurator (integrer.html), shipped with the widget's files: a webmaster chooses the
// territory, language, mode, commune, title and colours, sees the widget live, and copies the
// snippet (script + element, or iframe) and the CSP line. Everything is written for this very
// server: the snippets name the folder this page is served from.
import './aiguillage.js';

const base = new URL('.', import.meta.url);
const form = document.getElementById('options');
const preview = document.createElement('aiguillage-orientation');
document.getElementById('apercu').append(preview);
const DEFAULT_COLOURS = { accent: '#1f5f8b', fond: '#ffffff', texte: '#1b1b1b' };
const PROPERTIES = { accent: '--aiguillage-accent', fond: '--aiguillage-background', texte: '--aiguillage-text' };
const INSEE = /^(\d{5}|2[AB]\d{3})$/i;
const DEPARTEMENTS = /^\s*([0-9]{2,3}|2[AB])(\s*,\s*([0-9]{2,3}|2[AB]))*\s*$/i;

/** The territories this server publishes (`data/territoires.json`), else the default one. */
async function territories() {
  try {
    const response = await fetch(new URL('data/territoires.json', base));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const list = await response.json();
    if (Array.isArray(list) && list.length) return list;
  } catch (error) {
    console.warn('aiguillage: no list of territories', error);
  }
  return [{ file: 'data/default.bin', code: '', name: 'Territoire par défaut' }];
}

/** What the form says, checked: invalid optional fields are left out (and said). */
function options() {
  const data = new FormData(form);
  const commune = String(data.get('commune') ?? '').trim();
  const communeOk = commune === '' || INSEE.test(commune);
  const restrict = String(data.get('restreindre') ?? '').trim();
  const restrictOk = restrict === '' || DEPARTEMENTS.test(restrict);
  showError('commune', communeOk);
  showError('restreindre', restrictOk);
  const colours = {};
  for (const name of Object.keys(DEFAULT_COLOURS)) {
    const value = String(data.get(name) ?? '').toLowerCase();
    if (value !== DEFAULT_COLOURS[name]) colours[name] = value;
  }
  return {
    dataSrc: String(data.get('territoire') ?? 'data/default.bin'),
    lang: String(data.get('lang') ?? 'fr'),
    mode: String(data.get('mode') ?? 'resident'),
    commune: communeOk ? commune.toUpperCase() : '',
    territory: restrictOk ? restrict.replace(/\s+/g, '') : '',
    label: String(data.get('titre') ?? '').trim(),
    stats: data.get('comptes') === 'on',
    colours,
  };
}

function showError(field, ok) {
  const input = document.getElementById(field);
  input.setAttribute('aria-invalid', String(!ok));
  document.getElementById(`${field}-erreur`).hidden = ok;
}

const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The element's attributes, in the order a person reads them. */
function attributes(chosen) {
  const list = [['data-src', new URL(chosen.dataSrc, base).href], ['lang', chosen.lang], ['mode', chosen.mode]];
  if (chosen.commune) list.push(['commune', chosen.commune]);
  if (chosen.territory) list.push(['territory', chosen.territory]);
  if (chosen.label) list.push(['label', chosen.label]);
  // The counts go to this server's `/stats`, beside the widget's folder.
  if (chosen.stats) list.push(['data-stats', new URL('../stats', base).href]);
  return list;
}

function scriptSnippet(chosen) {
  const attrs = attributes(chosen).map(([name, value]) => `${name}="${escapeHtml(value)}"`);
  const style = Object.entries(chosen.colours).map(([name, value]) => `${PROPERTIES[name]}: ${value}`).join('; ');
  if (style) attrs.push(`style="${style}"`);
  return `<script type="module" src="${new URL('aiguillage.js', base).href}"></script>\n`
    + `<aiguillage-orientation\n    ${attrs.join('\n    ')}></aiguillage-orientation>`;
}

function iframeSnippet(chosen) {
  const query = new URLSearchParams();
  for (const [name, value] of attributes(chosen)) {
    if (name === 'data-src' && value === new URL('data/default.bin', base).href) continue;
    query.set(name, name === 'data-src' ? chosen.dataSrc : value);
  }
  for (const [name, value] of Object.entries(chosen.colours)) query.set(name, value);
  const page = new URL('embed.html', base).href;
  const title = escapeHtml(chosen.label || 'Trouver une aide au numérique');
  return `<iframe src="${escapeHtml(`${page}?${query}`)}" title="${title}" loading="lazy" width="100%" height="640" style="border:0"></iframe>\n`
    + '<script>\n'
    + "addEventListener('message', function (event) {\n"
    + `  if (event.origin !== '${base.origin}' || !event.data || event.data.aiguillage !== 'height') return;\n`
    + `  document.querySelectorAll('iframe[src^="${page}"]').forEach(function (frame) {\n`
    + '    if (frame.contentWindow === event.source) frame.height = event.data.height;\n'
    + '  });\n'
    + '});\n'
    + '</script>';
}

/** The lines a commune site's CSP needs: they name this server, where the widget comes from. */
function cspLine() {
  const origin = base.origin;
  return `script-src ${origin} 'wasm-unsafe-eval'; style-src ${origin}; connect-src ${origin}; img-src 'self' data:; frame-src ${origin}`;
}

/** WCAG contrast ratio of two `#rrggbb` colours. */
function contrast(a, b) {
  const luminance = (hex) => {
    const [r, g, b2] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b2;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

function checkContrast() {
  const data = new FormData(form);
  const [accent, fond, texte] = ['accent', 'fond', 'texte'].map((name) => String(data.get(name)));
  const problems = [];
  if (contrast(accent, '#ffffff') < 4.5) problems.push('le texte blanc des boutons sur la couleur principale');
  if (contrast(texte, fond) < 4.5) problems.push('le texte sur le fond');
  if (contrast(accent, fond) < 3) problems.push('la couleur principale sur le fond');
  document.getElementById('contraste').textContent = problems.length
    ? `Contraste insuffisant (RGAA) : ${problems.join(', ')}. Choisissez des couleurs plus contrastées.`
    : '';
}

function update() {
  const chosen = options();
  for (const name of ['data-src', 'lang', 'mode', 'commune', 'territory', 'label']) {
    const value = attributes(chosen).find(([n]) => n === name)?.[1];
    if (value === undefined) preview.removeAttribute(name);
    else if (preview.getAttribute(name) !== value) preview.setAttribute(name, value);
  }
  for (const [name, property] of Object.entries(PROPERTIES)) {
    const value = chosen.colours[name];
    if (value) preview.style.setProperty(property, value);
    else preview.style.removeProperty(property);
  }
  document.getElementById('code-script').value = scriptSnippet(chosen);
  document.getElementById('code-iframe').value = iframeSnippet(chosen);
  document.getElementById('code-csp').value = cspLine();
  checkContrast();
}

const select = document.getElementById('territoire');
for (const territory of await territories()) {
  const option = document.createElement('option');
  option.value = territory.file;
  option.textContent = territory.code ? `${territory.name} (${territory.code})` : territory.name;
  select.append(option);
}
form.addEventListener('input', update);
form.addEventListener('change', update);
form.addEventListener('submit', (event) => event.preventDefault());
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.addEventListener('click', async () => {
    const area = document.getElementById(button.dataset.copy);
    const status = document.getElementById('copie');
    try {
      await navigator.clipboard.writeText(area.value);
      status.textContent = 'Code copié. Collez-le dans votre page.';
    } catch {
      area.select();
      status.textContent = 'Le code est sélectionné : copiez-le avec Ctrl+C (ou Cmd+C).';
    }
  });
}
update();
