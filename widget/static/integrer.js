// The configurator (integrer.html), shipped with the widget's files: a webmaster chooses the
// territory, language, mode, commune, title and colours, sees the widget live, and copies the
// snippet (script + element, or iframe) and the CSP line. Everything is written for this very
// server: the snippets name the folder this page is served from.
import './aiguillage.js';

const base = new URL('.', import.meta.url);
const form = document.getElementById('options');
const preview = document.createElement('aiguillage-orientation');
document.getElementById('apercu').append(preview);
// The theme's colours: the form's field, the element's attribute, the default the widget uses.
const COLOURS = {
  accent: { attribute: 'theme-accent', fallback: '#1f5f8b' },
  fond: { attribute: 'theme-background', fallback: '#ffffff' },
  texte: { attribute: 'theme-text', fallback: '#1b1b1b' },
  secondaire: { attribute: 'theme-muted', fallback: '#4a4a4a' },
};
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

/** The commune reference (`communes.json`: INSEE code → « name (département) »), asked once. */
let reference = null;
const communes = () => (reference ??= fetch(new URL('communes.json', base))
  .then((response) => (response.ok ? response.json() : null))
  .catch(() => null));

/** The département of an INSEE code: its first two characters, three overseas. */
const departementOf = (code) => code.slice(0, /^9[78]/.test(code) ? 3 : 2);

/** What was found of the commune typed, once the field was left: its name, or why not. */
let commune = { code: '', name: '', problem: '' };

/** Checks the commune field against the reference and the territory chosen; says it. */
async function checkCommune() {
  const code = String(new FormData(form).get('commune') ?? '').trim().toUpperCase();
  let found = { code, name: '', problem: '' };
  if (code && !INSEE.test(code)) {
    found.problem = 'Un code INSEE a cinq caractères, par exemple 16292 ou 2A004.';
  } else if (code) {
    const table = await communes();
    const territory = select.selectedOptions[0]?.dataset.code ?? '';
    if (table && !table[code]) found.problem = `${code} n'est pas le code INSEE d'une commune (COG 2026) : par exemple 16292 pour Ruffec.`;
    else if (territory && !territory.split(',').includes(departementOf(code))) {
      found.problem = `${table?.[code] ?? code} n'est pas dans le territoire choisi (${select.selectedOptions[0].textContent}).`;
    } else found.name = table?.[code] ?? '';
  }
  commune = found;
  showError('commune', found.problem);
  document.getElementById('commune-nom').textContent = found.name ? `${code} : ${found.name}` : '';
  update();
}

/** What the form says: fields with a problem are left out of the codes (and said). */
function options() {
  const data = new FormData(form);
  const typed = String(data.get('commune') ?? '').trim().toUpperCase();
  const restrict = String(data.get('restreindre') ?? '').trim();
  const restrictOk = restrict === '' || DEPARTEMENTS.test(restrict);
  const colours = {};
  for (const [name, { fallback }] of Object.entries(COLOURS)) {
    const value = String(data.get(name) ?? fallback).toLowerCase();
    if (value !== fallback) colours[name] = value;
  }
  return {
    dataSrc: String(data.get('territoire') ?? 'data/default.bin'),
    lang: String(data.get('lang') ?? 'fr'),
    mode: String(data.get('mode') ?? 'resident'),
    commune: typed && typed === commune.code && !commune.problem ? typed : '',
    territory: restrictOk ? restrict.replace(/\s+/g, '') : '',
    label: String(data.get('titre') ?? '').trim(),
    stats: data.get('comptes') === 'on',
    colours,
  };
}

/** A field's problem, said in its alert region (empty: none). */
function showError(field, problem) {
  const input = document.getElementById(field);
  input.setAttribute('aria-invalid', String(Boolean(problem)));
  const error = document.getElementById(`${field}-erreur`);
  if (error.textContent !== problem) error.textContent = problem;
}

function checkRestrict() {
  const restrict = String(new FormData(form).get('restreindre') ?? '').trim();
  showError('restreindre', restrict === '' || DEPARTEMENTS.test(restrict) ? '' : 'Des codes de département séparés par des virgules, par exemple 16,86.');
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
  // Colours as attributes: a `style` attribute would be refused by the site's CSP line below.
  for (const [name, value] of Object.entries(chosen.colours)) attrs.push(`${COLOURS[name].attribute}="${value}"`);
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

/** A colour's relative luminance (WCAG), from `#rrggbb`. */
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** `color-mix(in srgb, a share, b)`, as the widget's stylesheet mixes its tints. */
function mix(a, share, b) {
  const channel = (hex, i) => parseInt(hex.slice(i, i + 2), 16);
  return `#${[1, 3, 5].map((i) => Math.round(channel(a, i) * share + channel(b, i) * (1 - share)).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Every pair of colours the widget draws, as its stylesheet derives them from the theme: the
 * buttons' text is black or white, whichever reads on the accent (the widget's own rule); the
 * tints, the error colour and the focus ring as aiguillage.css makes them.
 */
function pairs({ accent, fond, texte, secondaire }) {
  const onAccent = luminance(accent) < 0.179 ? '#ffffff' : '#000000';
  const tint = mix(accent, 0.1, fond);
  return [
    ['le texte sur le fond', texte, fond, 4.5],
    ['le texte secondaire (aides, étapes) sur le fond', secondaire, fond, 4.5],
    ['les liens et les boutons secondaires (couleur principale) sur le fond', accent, fond, 4.5],
    ['le texte des boutons sur la couleur principale', onAccent, accent, 4.5],
    ['le texte sur les zones teintées (ce qu\'il faut apporter, le choix survolé)', texte, tint, 4.5],
    ['le texte secondaire sur les zones teintées', secondaire, tint, 4.5],
    ['les messages d\'erreur sur le fond', mix('#b00000', 0.5, texte), fond, 4.5],
    ['le contour de la sélection clavier sur le fond', '#c2410c', fond, 3],
  ];
}

const ratioText = (ratio) => `${(Math.floor(ratio * 10) / 10).toLocaleString('fr-FR')}:1`;

/** The contrast of every pair, listed; those below their minimum, said with their ratio. */
function checkContrast() {
  const data = new FormData(form);
  const theme = Object.fromEntries(Object.entries(COLOURS).map(([name, { fallback }]) => [name, String(data.get(name) ?? fallback).toLowerCase()]));
  const checked = pairs(theme).map(([what, a, b, minimum]) => ({ what, ratio: contrast(a, b), minimum }));
  const list = document.getElementById('contrastes');
  list.replaceChildren(...checked.map(({ what, ratio, minimum }) => {
    const item = document.createElement('li');
    item.textContent = `${what} : ${ratioText(ratio)} (${ratioText(minimum)} au moins) ${ratio >= minimum ? '— conforme' : '— insuffisant'}`;
    if (ratio < minimum) item.className = 'fails';
    return item;
  }));
  const failing = checked.filter(({ ratio, minimum }) => ratio < minimum);
  const said = failing.length
    ? `Contraste insuffisant (RGAA 3.2 et 3.3) : ${failing.map(({ what, ratio, minimum }) => `${what}, ${ratioText(ratio)} pour ${ratioText(minimum)} demandés`).join(' ; ')}. Les codes ne sont pas donnés : choisissez des couleurs plus contrastées.`
    : '';
  const status = document.getElementById('contraste');
  if (status.textContent !== said) status.textContent = said;
  return failing.length === 0;
}

function update() {
  const chosen = options();
  for (const name of ['data-src', 'lang', 'mode', 'commune', 'territory', 'label']) {
    const value = attributes(chosen).find(([n]) => n === name)?.[1];
    if (value === undefined) preview.removeAttribute(name);
    else if (preview.getAttribute(name) !== value) preview.setAttribute(name, value);
  }
  // The preview gets its colours as a commune site's element would: attributes, no `style`.
  for (const [name, { attribute }] of Object.entries(COLOURS)) {
    const value = chosen.colours[name];
    if (!value) preview.removeAttribute(attribute);
    else if (preview.getAttribute(attribute) !== value) preview.setAttribute(attribute, value);
  }
  const readable = checkContrast();
  const refused = 'Les couleurs choisies ne sont pas assez contrastées (voir « Couleurs ») : corrigez-les pour obtenir le code.';
  document.getElementById('code-script').value = readable ? scriptSnippet(chosen) : refused;
  document.getElementById('code-iframe').value = readable ? iframeSnippet(chosen) : refused;
  document.getElementById('code-csp').value = cspLine();
  for (const button of document.querySelectorAll('button[data-copy="code-script"], button[data-copy="code-iframe"]')) button.disabled = !readable;
}

// What each copy button says it did: which code, and where it goes.
const COPIED = {
  'code-script': ['Le code script est copié : collez-le dans votre page.', 'Le code script est sélectionné : copiez-le avec Ctrl+C (ou Cmd+C).'],
  'code-iframe': ['Le code iframe est copié : collez-le dans votre page.', 'Le code iframe est sélectionné : copiez-le avec Ctrl+C (ou Cmd+C).'],
  'code-csp': ['La ligne CSP est copiée : ajoutez-la à la configuration de votre site.', 'La ligne CSP est sélectionnée : copiez-la avec Ctrl+C (ou Cmd+C).'],
};
const select = document.getElementById('territoire');
for (const territory of await territories()) {
  const option = document.createElement('option');
  option.value = territory.file;
  option.dataset.code = territory.code ?? '';
  option.textContent = territory.code ? `${territory.name} (${territory.code})` : territory.name;
  select.append(option);
}
// A field's problem is said once it is left (`change`), not at each key; typing a correction
// clears it at once.
form.addEventListener('input', (event) => {
  if (event.target.id === 'commune' && event.target.getAttribute('aria-invalid') === 'true') {
    if (INSEE.test(event.target.value.trim())) showError('commune', '');
  }
  if (event.target.id === 'restreindre' && event.target.getAttribute('aria-invalid') === 'true') checkRestrict();
  update();
});
form.addEventListener('change', (event) => {
  if (event.target.id === 'commune' || event.target.id === 'territoire') checkCommune();
  if (event.target.id === 'restreindre') checkRestrict();
  update();
});
form.addEventListener('submit', (event) => event.preventDefault());
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.addEventListener('click', async () => {
    const area = document.getElementById(button.dataset.copy);
    const status = document.getElementById('copie');
    const [copied, selected] = COPIED[button.dataset.copy];
    try {
      await navigator.clipboard.writeText(area.value);
      status.textContent = copied;
    } catch {
      area.select();
      status.textContent = selected;
    }
  });
}
update();
