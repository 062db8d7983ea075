// The README's deployment guide, followed to the letter on 127.0.0.1 (issue 32): the blocks
// marked `deploy:…` in « Héberger le widget » are read from README.md and run, with other
// folders and ports; a small proxy stands where nginx would (`/aiguillage/` → the server, as the
// guide's nginx block), a commune site on another port embeds the guide's snippet as written, and
// a resident uses it in Chromium. If the guide and the code drift apart, this test fails.
//
// What is not run: `useradd` and `chown` (the service's user is this test's own), the systemd
// unit (`systemctl start|stop|reload` are done here: start, SIGTERM, SIGHUP) and nginx itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, copyFileSync, existsSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { launch } from './support.mjs';

const ACCOUNT_PASSWORD = 'une phrase de passe pour la Charente';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN_DIR = process.env.AIGUILLAGE_BIN_DIR ?? path.join(ROOT, 'target/debug');
const DIST = process.env.AIGUILLAGE_DIST ?? path.join(ROOT, 'target/dist/widget');

/** The README's `deploy:NAME` blocks, by name. */
function guide() {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = {};
  for (const [, name, body] of readme.matchAll(/^```\w+ deploy:([\w-]+)\n([\s\S]*?)^```$/gm)) blocks[name] = body;
  for (const name of ['install', 'config', 'account', 'embed', 'reload', 'publish', 'backup', 'restore']) {
    assert.ok(blocks[name], `README.md has its deploy:${name} block`);
  }
  return blocks;
}

/** A port nobody listens on yet. */
async function freePort() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listen(handler) {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

let browser;
const cleanups = [];
before(async () => { browser = await launch(); });
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await browser?.close();
});

test('a coordinator deploys the server from the README alone, and a commune\'s resident is counted', { timeout: 240_000 }, async () => {
  const blocks = guide();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'aiguillage-deploy-'));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  const serverPort = await freePort();

  // nginx's part: /aiguillage/ to the server, with the client's address in X-Forwarded-For.
  const proxy = await listen((request, response) => {
    if (!request.url.startsWith('/aiguillage/')) { response.writeHead(404).end(); return; }
    const forwarded = http.request({
      host: '127.0.0.1',
      port: serverPort,
      path: request.url.slice('/aiguillage'.length),
      method: request.method,
      headers: { ...request.headers, 'x-forwarded-for': request.socket.remoteAddress },
    }, (answer) => { response.writeHead(answer.statusCode, answer.headers); answer.pipe(response); });
    forwarded.on('error', () => { response.writeHead(502).end(); });
    request.pipe(forwarded);
  });
  cleanups.push(() => new Promise((resolve) => proxy.server.close(resolve)));

  // Two commune sites; the second one is added to the configuration later (step 7).
  const communePage = (body) => `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Mairie</title></head>`
    + `<body><h1>Trouver une aide au numérique</h1>${body}</body></html>`;
  let embed = '';
  const sites = [];
  for (let i = 0; i < 2; i += 1) {
    const site = await listen((request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(communePage(embed));
    });
    cleanups.push(() => new Promise((resolve) => site.server.close(resolve)));
    sites.push(site);
  }
  const [ruffec, confolens] = sites;

  // The guide's addresses and folders, here.
  const swaps = [
    ['https://aide.mon-departement.fr', proxy.origin],
    ['https://www.ruffec.fr', ruffec.origin],
    ['/srv/aiguillage', path.join(tmp, 'srv')],
    ['/var/lib/aiguillage', path.join(tmp, 'state')],
    ['/var/backups/aiguillage', path.join(tmp, 'backups')],
    ['/etc/aiguillage', path.join(tmp, 'etc')],
    ['/usr/local/bin/', path.join(tmp, 'bin') + '/'],
    ['target/release/', BIN_DIR + '/'],
    ['target/dist/widget', DIST],
    ['127.0.0.1:8080', `127.0.0.1:${serverPort}`],
  ];
  const here = (text) => swaps.reduce((out, [from, to]) => out.split(from).join(to), text);
  embed = here(blocks.embed);

  let server;
  const log = [];
  const start = async () => {
    server = spawn(path.join(tmp, 'bin/aiguillage-server'), ['--config', path.join(tmp, 'etc/aiguillage.toml')]);
    server.stderr.on('data', (chunk) => log.push(String(chunk)));
    let said = '';
    await new Promise((resolve, reject) => {
      server.stdout.on('data', (chunk) => {
        log.push(String(chunk));
        said += String(chunk);
        if (said.includes('aiguillage-server: http://')) resolve();
      });
      server.on('exit', (code) => reject(new Error(`the server stopped (${code}): ${log.join('')}`)));
    });
  };
  const stop = async () => {
    if (server.exitCode !== null) return;
    const stopped = new Promise((resolve) => server.on('exit', resolve));
    server.kill('SIGTERM');
    assert.equal(await stopped, 0, 'a clean stop on SIGTERM');
  };
  cleanups.push(() => server && server.exitCode === null && server.kill('SIGKILL'));

  /** Runs a shell block of the guide, line by line, as the coordinator would type it. */
  const run = async (name) => {
    for (const typed of here(blocks[name]).split('\n').filter((line) => line.trim())) {
      const line = typed.replace(/^sudo (-u aiguillage )?/, '').replace(/ -o aiguillage -g aiguillage/, '');
      if (/^(useradd|chown) /.test(line)) continue;
      if (line === 'systemctl reload aiguillage') { server.kill('SIGHUP'); continue; }
      if (line === 'systemctl stop aiguillage') { await stop(); continue; }
      if (line === 'systemctl start aiguillage') { await start(); continue; }
      // Asynchronously: the proxy and the sites of this process keep answering meanwhile. A
      // password asked on a terminal is given on the standard input, as a script would.
      const shell = spawn('bash', ['-euc', line], { env: { ...process.env, PATH: `${path.join(tmp, 'bin')}:${process.env.PATH}` }, cwd: ROOT });
      if (/ user (add|password) /.test(line)) shell.stdin.end(`${ACCOUNT_PASSWORD}\n`);
      let stderr = '';
      shell.stderr.on('data', (chunk) => { stderr += chunk; });
      const status = await new Promise((resolve) => shell.on('close', resolve));
      assert.equal(status, 0, `deploy:${name}: \`${line}\` failed: ${stderr}`);
    }
  };

  // 2. Install (here, /usr/local/bin is a folder of the test's: a machine has its own);
  // 3. configure; 4. start.
  mkdirSync(path.join(tmp, 'bin'));
  await run('install');
  assert.ok(existsSync(path.join(tmp, 'bin/aiguillage-server')) && existsSync(path.join(tmp, 'srv/widget/aiguillage.js')));
  writeFileSync(path.join(tmp, 'etc/aiguillage.toml'), here(blocks.config));
  await start();
  const viaProxy = (route, options) => fetch(`${proxy.origin}/aiguillage${route}`, options);
  const health = await viaProxy('/healthz');
  assert.equal(`${health.status} ${await health.text()}`, '200 ok\n');
  // The printable guide of Ruffec: its QR codes open the page the configuration names.
  const printed = await (await viaProxy('/guide/16292.html')).text();
  assert.ok(printed.includes(`${ruffec.origin}/aide-numerique#aiguillage=step.results~need.emploi~commune.16292`), 'the guide links to [guide] widget_url');

  // 6 bis. The coordinator's account, then her sign-in through the proxy: the workspace is there.
  await run('account');
  const signIn = await viaProxy('/espace/connexion');
  const token = /name="csrf" value="([0-9a-f]{64})"/.exec(await signIn.text())[1];
  const signedIn = await viaProxy('/espace/connexion', {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `aiguillage_connexion=${token}` },
    body: new URLSearchParams({ csrf: token, identifiant: 'marie.dupont', mot_de_passe: ACCOUNT_PASSWORD }),
  });
  assert.equal(signedIn.status, 303, 'signed in');
  const session = /aiguillage_espace=([0-9a-f]{64})/.exec(signedIn.headers.get('set-cookie'))[1];
  const places = await (await viaProxy('/espace/lieux', { headers: { cookie: `aiguillage_espace=${session}` } })).text();
  assert.match(places, /lieux dans vos territoires/);
  assert.equal((await viaProxy('/tableau-de-bord')).status, 403, 'the dashboard is not public by default');

  // 6. A resident of Ruffec, on the commune's site: the widget comes from the server, her
  // orientation is counted there.
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  const beacon = page.waitForRequest((request) => request.url() === `${proxy.origin}/aiguillage/stats`);
  await page.goto(ruffec.origin + '/');
  const widget = page.locator('aiguillage-orientation');
  await widget.locator('button[data-need="emploi"]').click();
  await widget.locator('input[type="search"]').fill('Ruffec');
  await widget.locator('[role="option"][data-insee="16292"]').click();
  await widget.locator('button[type="submit"]').click();
  await widget.locator('.result').first().waitFor();
  assert.equal((await beacon).method(), 'POST');
  assert.deepEqual(problems, []);
  await context.close();

  // Cells under 5 are in no figure: four more residents of Ruffec, then the CSV shows them all.
  const count = (origin) => viaProxy('/stats', {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin },
    body: JSON.stringify({ need: 'emploi', commune: '16292', results: 3, nearest_km: 1.2, lang: 'fr', mode: 'resident' }),
  });
  for (let i = 0; i < 4; i += 1) assert.equal((await count(ruffec.origin)).status, 204);
  const counted = async () => {
    // The dashboard is the coordinators' (in the workspace) and the share links'.
    const csv = await (await viaProxy('/espace/tableau-de-bord.csv?territoire=16', { headers: { cookie: `aiguillage_espace=${session}` } })).text();
    return csv.trim().split('\n').slice(1).filter((line) => line.split(',')[1] === 'emploi')
      .reduce((sum, line) => sum + Number(line.split(',')[5]), 0);
  };
  let shown = 0;
  for (let i = 0; i < 50 && shown !== 5; i += 1) {
    shown = await counted();
    if (shown !== 5) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(shown, 5, 'the browser\'s count and four more');

  // 7. Another commune: refused until it is added and the configuration reloaded.
  assert.equal((await count(confolens.origin)).status, 403);
  const config = path.join(tmp, 'etc/aiguillage.toml');
  writeFileSync(config, readFileSync(config, 'utf8').replace('allowed_origins = [', `allowed_origins = ["${confolens.origin}", `));
  await run('reload');
  let status = 0;
  for (let i = 0; i < 100 && status !== 204; i += 1) {
    status = (await count(confolens.origin)).status;
    if (status !== 204) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(status, 204, 'the new commune counts after the reload');
  const pid = server.pid;

  // 8. A bundle published by hand: served without a restart.
  copyFileSync(path.join(ROOT, 'data/real/france-services-2024-08-01.csv'), path.join(tmp, 'etc/lieux-vienne.csv'));
  await run('publish');
  let listed = [];
  for (let i = 0; i < 100 && !listed.some((t) => t.code === '86'); i += 1) {
    listed = await (await viaProxy('/widget/data/territoires.json')).json();
    if (!listed.some((t) => t.code === '86')) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(listed.some((t) => t.code === '86'), `Vienne is served: ${JSON.stringify(listed)}`);
  assert.equal((await viaProxy('/widget/data/86.bin')).status, 200);
  assert.equal(server.pid, pid, 'no restart');

  // 9. A backup while the server counts; restored, every count is there.
  const before = await counted();
  await run('backup');
  await run('restore');
  assert.notEqual(server.pid, pid, 'restarted by the restore');
  assert.equal(await counted(), before, 'the restored database has every count');

  // 11. One line per request, without the client's address.
  await stop();
  const lines = log.join('').split('\n');
  assert.ok(lines.some((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ GET \/widget\/aiguillage\.js (200|304) \d+ms$/.test(line)), lines.join('\n'));
  assert.ok(lines.some((line) => / POST \/stats 204 \d+ms$/.test(line)));
  assert.ok(!lines.some((line) => line.includes('127.0.0.1') && / (GET|POST) /.test(line)), 'no client address');
});
