// « Signaler une erreur » (issue #29): the form a resident or a social worker opens from a place
// of the results, where the host page opted in (`data-signalement="URL"`). A module of its own,
// imported by the loader at the first report only: no page that does not report pays for it.
// It sends one anonymous report (the place, what is wrong, an optional text) as a plain-text
// POST, and keeps nothing. Built from elements and text (no markup strings): it works under
// Trusted Types and a strict CSP (its styles are a constructed sheet).

const SHEET = new CSSStyleSheet();
SHEET.replaceSync(`
.report-dialog { max-width: min(34em, 92vw); border: 2px solid var(--aiguillage-text, #1b1b1b); border-radius: 6px; padding: 1em 1.25em; color: var(--aiguillage-text, #1b1b1b); background: var(--aiguillage-background, #fff); font-family: var(--aiguillage-font, system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif); line-height: 1.5; }
.report-dialog input[type=radio] { width: 1.2em; height: 1.2em; margin: 0 0.4em 0 0; vertical-align: -0.2em; }
.report-dialog label { font-weight: 400; }
.report-dialog::backdrop { background: rgb(0 0 0 / 0.45); }
.report-dialog h2 { font-size: 1.15em; margin: 0 0 0.75em; }
.report-dialog fieldset { border: 0; padding: 0; margin: 0 0 0.75em; }
.report-dialog legend { font-weight: 700; margin-bottom: 0.25em; }
.report-dialog label { display: block; padding: 0.2em 0; }
.report-dialog textarea { display: block; width: 100%; box-sizing: border-box; min-height: 4.5em; font: inherit; padding: 0.4em; border: 2px solid var(--aiguillage-muted, #595959); border-radius: 4px; }
.report-dialog .private { font-size: 0.95em; }
.report-dialog .said:empty { display: none; }
.report-dialog .said { font-weight: 700; }
.report-dialog button { font: inherit; min-height: 2.75em; padding: 0.4em 1em; margin: 0.5em 0.5em 0 0; border-radius: 4px; cursor: pointer; border: 2px solid var(--aiguillage-accent, #1f5f8b); background: var(--aiguillage-background, #fff); color: var(--aiguillage-accent, #1f5f8b); }
.report-dialog button[type=submit] { background: var(--aiguillage-accent, #1f5f8b); color: #fff; }
.report-dialog :focus-visible { outline: 3px solid var(--aiguillage-accent, #1f5f8b); outline-offset: 2px; }
`);

const KINDS = ['ferme', 'horaires', 'telephone', 'adresse', 'autre'];

/** An element with attributes and children (text or elements). */
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/**
 * Opens the form for the place of `button` (a `.report` button of a result, inside its
 * `[data-actor]` card), sending to `url` (the element's `data-signalement`, relative to the
 * page), in the words at `wordsUrl` (`signalement.<lang>.json`).
 */
export async function open(button, url, wordsUrl) {
  const card = button.closest('[data-actor]');
  const root = button.getRootNode();
  if (!card || !root) return;
  const words = await fetch(wordsUrl).then((response) => response.json());
  if (!root.adoptedStyleSheets.includes(SHEET)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, SHEET];
  root.querySelector('.report-dialog')?.remove();
  // The place's name: the last part of its card's heading (after its rank).
  const name = card.querySelector('h3, h4')?.lastElementChild?.textContent ?? '';
  const said = h('p', { class: 'said', role: 'status' });
  const choices = KINDS.map((kind) => h('label', {}, h('input', { type: 'radio', name: 'kind', value: kind }), ' ', words[`kind.${kind}`]));
  const text = h('textarea', { id: 'report-text', maxlength: '280', 'aria-describedby': 'report-private' });
  const send = h('button', { type: 'submit' }, words.send);
  const cancel = h('button', { type: 'button' }, words.cancel);
  const form = h('form', {},
    h('h2', { id: 'report-title' }, words.title.replace('{place}', name)),
    h('fieldset', {}, h('legend', {}, words.what), ...choices),
    h('label', { for: 'report-text' }, words.text), text,
    h('p', { class: 'private', id: 'report-private' }, words.private),
    said, send, cancel);
  const dialog = h('dialog', { class: 'report-dialog', 'aria-labelledby': 'report-title' }, form);
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    button.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const kind = form.querySelector('input[name=kind]:checked')?.value;
    if (!kind) {
      said.textContent = words.choose;
      form.querySelector('input[name=kind]').focus();
      return;
    }
    send.disabled = true;
    const body = JSON.stringify({ place: card.dataset.actor, kind, text: text.value.trim() });
    const ok = await fetch(new URL(url, document.baseURI), { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body })
      .then((response) => response.ok, () => false);
    if (!ok) {
      send.disabled = false;
      said.textContent = words.failed;
      return;
    }
    const close = h('button', { type: 'button' }, words.close);
    close.addEventListener('click', () => dialog.close());
    form.replaceChildren(form.firstChild, said, close);
    said.textContent = words.sent;
    close.focus();
  });
  root.append(dialog);
  dialog.showModal();
}
