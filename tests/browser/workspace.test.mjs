// The coordinator's workspace in Chromium (issue #29), on a demo of its own that publishes
// (`--state-dir`): a coordinator signs in with the keyboard-friendly form, corrects the phone of
// a Ruffec place, publishes, and the widget shows the new number; a resident reports a mistake
// from the widget, and the report reaches the queue, where it is resolved. Every workspace page
// passes axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { launch, axeViolations, screenshot, tabTo } from './support.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEMO = process.env.AIGUILLAGE_DEMO_BIN ?? path.join(ROOT, 'target/release/aiguillage-demo');
const PASSWORD = 'une phrase pour la démonstration';
const NEW_PHONE = '05 45 99 88 77';

let browser;
let demo;
let origin;
let state;
before(async () => {
  browser = await launch();
  state = mkdtempSync(path.join(os.tmpdir(), 'aiguillage-workspace-'));
  const probe = http.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  demo = spawn(DEMO, ['--host', '127.0.0.1', '--port', String(port), '--state-dir', state, '--stats-per-minute', '0'], {
    env: { ...process.env, AIGUILLAGE_DEMO_PASSWORD: PASSWORD },
  });
  let said = '';
  await new Promise((resolve, reject) => {
    demo.stdout.on('data', (chunk) => {
      said += chunk;
      if (said.includes('mot de passe')) resolve();
    });
    demo.on('exit', (code) => reject(new Error(`the demo stopped (${code}): ${said}`)));
  });
  assert.match(said, /identifiant demo · mot de passe une phrase pour la démonstration/, 'the demo prints its account');
  origin = `http://127.0.0.1:${port}`;
});
after(async () => {
  demo?.kill();
  await browser?.close();
  rmSync(state, { recursive: true, force: true });
});

/** The first result of a resident of Ruffec looking for a job: its card. */
async function firstResult(page) {
  await page.goto(`${origin}/#aiguillage=step.results~need.emploi~commune.16292`);
  const card = page.locator('aiguillage-orientation .result').first();
  await card.waitFor();
  return card;
}

test('a coordinator corrects a phone, publishes, and residents get the new number; a report is sent and resolved', { timeout: 180_000 }, async () => {
  // axe is injected as a script: the workspace's CSP (no script at all) is bypassed for it, and
  // checked on its own below.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  page.on('response', (response) => { if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`); });

  const before = await firstResult(page);
  const id = await before.getAttribute('data-actor');
  const name = (await before.locator('h3 span').last().textContent()).trim();
  assert.ok(!(await before.textContent()).includes(NEW_PHONE));

  // Signing in, with the labels the issue names; every page of the workspace passes axe.
  await page.goto(`${origin}/espace/lieux`);
  assert.match(page.url(), /\/espace\/connexion$/, 'the workspace asks to sign in');
  assert.deepEqual(await axeViolations(page), []);
  await page.getByLabel('Identifiant').fill('demo');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Lieux', level: 1 }).waitFor();
  assert.deepEqual(await axeViolations(page), []);

  // The place, by the link of its name; its phone corrected.
  await page.goto(`${origin}/espace/lieux?signal=&besoin=emploi`);
  await page.locator(`a[href="lieux/${encodeURIComponent(id).replace(/%2D/g, '-')}"]`).first().click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.getByLabel('Téléphone', { exact: true }).fill(NEW_PHONE);
  await page.getByRole('button', { name: 'Enregistrer les corrections' }).click();
  await page.getByRole('status').filter({ hasText: '1 correction(s) enregistrée(s)' }).waitFor();
  assert.equal(await page.getByLabel('Téléphone', { exact: true }).inputValue(), NEW_PHONE, 'shown as residents read it');
  // « Toujours exact »: residents are told the day it was checked.
  await page.getByRole('button', { name: 'Toujours exact' }).click();
  await page.getByRole('status').filter({ hasText: 'Lieu vérifié le' }).waitFor();

  // Published from the workspace: first what would change, then for real.
  await page.getByRole('link', { name: 'Publication' }).click();
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('button', { name: 'Voir ce que la prochaine publication changerait' }).click();
  await page.getByRole('heading', { name: 'Ce que la prochaine publication changerait' }).waitFor({ timeout: 90_000 });
  assert.match(await page.locator('pre').textContent(), /1 places corrected in the workspace/);
  await page.getByRole('button', { name: 'Publier maintenant' }).click();
  await page.getByRole('heading', { name: /Publié/ }).waitFor({ timeout: 90_000 });
  await screenshot(page, 'workspace-published');

  // The resident's widget: the new number, from the new publication.
  const after = await firstResult(page);
  assert.equal(await after.getAttribute('data-actor'), id);
  assert.match(await after.locator('a.call').textContent(), /05 45 99 88 77/);
  const today = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'Europe/Paris' }).format(new Date());
  assert.match(await after.locator('.reasons').textContent(), new RegExp(`Informations vérifiées le ${today}`));

  // A report from the widget: the dialog, its choices, its note on personal information.
  await after.getByRole('button', { name: 'Signaler une erreur' }).click();
  const dialog = page.getByRole('dialog', { name: `Signaler une erreur : ${name}` });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /N'écrivez pas d'information personnelle/);
  await dialog.getByRole('button', { name: 'Envoyer' }).click();
  await dialog.getByText('Choisissez ce qui est faux.').waitFor();
  await dialog.getByLabel('Le lieu est fermé').check();
  await dialog.getByLabel(/Précisez/).fill('Fermé le lundi <b>depuis juin</b>');
  assert.deepEqual(await axeViolations(page), []);
  await dialog.getByRole('button', { name: 'Envoyer' }).click();
  await dialog.getByText('Merci : le coordinateur de votre territoire va vérifier.').waitFor();
  await dialog.getByRole('button', { name: 'Fermer' }).click();
  await dialog.waitFor({ state: 'detached' });
  const focused = await page.evaluate(() => document.querySelector('aiguillage-orientation').shadowRoot.activeElement?.className);
  assert.equal(focused, 'report', 'the focus goes back to the button');

  // In the queue, as text; resolved, who and when.
  await page.goto(`${origin}/espace/signalements`);
  assert.deepEqual(await axeViolations(page), []);
  const queue = page.locator('main');
  await queue.getByRole('heading', { name, level: 3 }).waitFor();
  assert.match(await queue.textContent(), /Fermé : Fermé le lundi <b>depuis juin<\/b>/);
  await queue.getByRole('button', { name: 'Marquer comme traité' }).click();
  await queue.getByText(/traité par demo le/).waitFor();
  await page.getByRole('link', { name: 'Journal des modifications' }).click();
  assert.deepEqual(await axeViolations(page), []);
  assert.match(await page.locator('table').textContent(), /Téléphone.*\+33545998877/s);
  for (const [link, heading] of [['Liens de partage', 'Liens de partage du tableau de bord'], ['Lieux', 'Lieux']]) {
    await page.getByRole('link', { name: link, exact: true }).click();
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    assert.deepEqual(await axeViolations(page), [], link);
  }
  await page.getByRole('link', { name: 'Ajouter un lieu' }).click();
  await page.getByRole('heading', { name: 'Ajouter un lieu', level: 1 }).waitFor();
  assert.deepEqual(await axeViolations(page), []);

  // A correction with the keyboard alone: to the field, typed, to the button, Enter.
  await page.goto(`${origin}/espace/lieux/${encodeURIComponent(id)}`);
  await tabTo(page, '#courriel');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('accueil@mairie-ruffec.fr');
  await tabTo(page, 'button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: '1 correction(s) enregistrée(s)' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the workspace\'s pages keep to their CSP: styled, without a violation', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  await page.goto(`${origin}/espace/connexion`);
  const background = await page.getByRole('button', { name: 'Se connecter' }).evaluate((button) => getComputedStyle(button).backgroundColor);
  assert.equal(background, 'rgb(29, 79, 145)', 'the stylesheet applies');
  // With the keyboard alone: the skip link first, then the fields and the button.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Aller au contenu');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'identifiant');
  assert.deepEqual(problems, []);
  await context.close();
});
