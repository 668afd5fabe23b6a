// The operations console in real Chromium (Debian's, driven by playwright-core),
// against the real `prep serve` on 127.0.0.1 with a real SQLite log:
//
//  * one acta from acopio through digitalización, two captures that differ (typed
//    with the keyboard alone), verificación, and its appearance in the next corte's
//    public page;
//  * a PREP Casilla photo taken while the browser is offline, kept, and stored exactly
//    once when the network returns;
//  * a capturista who opens the administración screen is refused (and so is the API);
//  * bad input in each form gets a Spanish message next to its field, and nothing is stored;
//  * every screen: every form control has a label, every button a name; a screenshot
//    at desktop and at phone width, with no horizontal page scroll on the phone.
//
//   node consola.mjs PREP_BINARY SOURCE_DIR ARTIFACTS_DIR
//
// Exits 1 on any failure; the server is stopped and the folder removed in every case,
// and the whole run is bounded in time.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [prep, source, artifacts] = process.argv.slice(2);
if (!prep || !source || !artifacts) {
  console.error('usage: node consola.mjs PREP_BINARY SOURCE_DIR ARTIFACTS_DIR');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TOTAL_MS = 220_000;  // below the ctest TIMEOUT (240 s), so cleanup still runs
const PASSWORD = 'Consola-de-prueba-2020';
const dir = mkdtempSync(join(tmpdir(), 'prep-consola-'));
const data = join(dir, 'datos');
const failures = [];
let server;
let browser;
let base;

function check(cond, what) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  if (!cond) failures.push(what);
}

function run(args, input) {
  const r = spawnSync(prep, args, { input, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`prep ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout;
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function startServer() {
  const port = await freePort();
  server = spawn(prep, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(base + '/api/v1/ping')).ok) return; } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('prep serve did not answer');
}

function stopServer() {
  if (!server || server.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => { server.kill('SIGKILL'); resolve(); }, 5000);
    server.once('exit', () => { clearTimeout(hard); resolve(); });
    server.kill('SIGTERM');
  });
}

// The API from the test itself, to check what was (not) stored.
async function token(usuario) {
  const r = await fetch(base + '/api/v1/sesiones', { method: 'POST', body: JSON.stringify({ usuario, password: PASSWORD }) });
  return (await r.json()).token;
}
async function acta(clave, tok) {
  const r = await fetch(`${base}/api/v1/actas/${clave}`, { headers: { Authorization: 'Bearer ' + tok } });
  return r.json();
}

// A real 2x2 grayscale PNG (the server checks images by content).
function png() {
  const crcTable = [...Array(256)].map((_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 255] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, body) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(body.length);
    const tb = Buffer.concat([Buffer.from(type), body]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(tb));
    return Buffer.concat([len, tb, c]);
  };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(2, 0); ihdr.writeUInt32BE(2, 4); ihdr[8] = 8; ihdr[9] = 0;
  const zlib = Buffer.from('78da63606060000000050001', 'hex');  // deflate of 6 zero bytes (2 rows: filter + 2 px)
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', zlib), chunk('IEND', Buffer.alloc(0))]);
}

// Every form control labelled, every button named, no horizontal scroll on a phone.
async function accesible(page, name, telefono) {
  const sinNombre = await page.evaluate(() => {
    const malos = [];
    for (const c of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
      if (!(c.labels && c.labels.length) && !c.getAttribute('aria-label') && !c.getAttribute('aria-labelledby')) malos.push(c.id || c.name || c.outerHTML.slice(0, 60));
    }
    for (const b of document.querySelectorAll('button')) {
      if (!(b.textContent.trim() || b.getAttribute('aria-label'))) malos.push('button ' + b.outerHTML.slice(0, 60));
    }
    return malos;
  });
  check(sinNombre.length === 0, `${name}: every control has a label and every button a name (${sinNombre.join(', ')})`);
  if (telefono) {
    const m = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
    check(m <= 375, `${name}: no horizontal page scroll at 375 px (scrollWidth ${m})`);
  }
}

async function entrar(page, usuario) {
  await page.goto(base + '/consola/#/entrar');
  await page.getByLabel('Usuario').fill(usuario);
  await page.getByLabel('Contraseña').fill(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#salir:not([hidden])');
}

async function run_() {
  // An election (simulacro: the coordinador may force a corte) and its people.
  run(['init', '--config', join(source, 'tests/e2e/consola.toml'), '--data', data, '--simulacro', '--admin', 'admin'], PASSWORD + '\n');
  for (const [u, rol, sitio] of [['acopio1', 'acopiador', 'CATD01'], ['digi1', 'digitalizador', 'CATD01'],
    ['ana', 'capturista', 'CCV1'], ['beto', 'capturista', 'CCV1'], ['vero', 'verificador', 'CCV1'],
    ['coord', 'coordinador', '*'], ['audi', 'auditor', '*'], ['coteja', 'cotejador', 'CCV1'], ['mira', 'consulta', '*']]) {
    run(['users', 'add', '--data', data, '--como', 'admin', u, rol, sitio], `${PASSWORD}\n${PASSWORD}\n`);
  }
  await startServer();
  console.log(`prep serve on ${base}`);
  const args = ['--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args, timeout: 30_000 });
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-MX' });
  desktop.setDefaultTimeout(15_000);
  const page = await desktop.newPage();
  page.on('pageerror', (e) => check(false, `script error: ${e.message}`));
  const vero = await token('vero');
  const B = '050001B01002';  // sección 1, básica: distrito 1, CATD01
  const C = '050001C01002';  // its contigua

  // ── Puesta en ceros before the night ───────────────────────────────────
  await entrar(page, 'admin');
  await page.click('#comprobar-ceros');
  await page.waitForSelector('#puesta-en-ceros p');
  check((await page.textContent('#puesta-en-ceros')).includes('En ceros'), 'administración: the store is en ceros before the first acopio');
  await page.click('#salir');

  // ── Acopio ───────────────────────────────────────────────────────────────
  await entrar(page, 'acopio1');
  check(page.url().endsWith('#/acopio'), 'acopiador lands on Acopio');
  await page.getByRole('button', { name: /Registrar el Sobre/ }).click();
  check((await page.textContent('#clave-error')) === 'Escriba la clave del acta.', 'acopio: empty key → message next to the field');
  check((await page.getAttribute('#clave', 'aria-invalid')) === 'true', 'acopio: the field is marked invalid');
  await page.fill('#clave', '05-0001 B');
  await page.keyboard.press('Enter');
  check((await page.textContent('#clave-error')).includes('sin espacios ni guiones'), 'acopio: malformed key → Spanish message');
  await page.check('#sin-acta');
  await page.fill('#clave', B);
  await page.getByRole('button', { name: /Registrar el Sobre/ }).click();
  check((await page.textContent('#motivo-error')).includes('Elija por qué'), 'acopio: sin acta without a reason → message');
  check((await acta(B, vero)).acopiada === false, 'acopio: nothing stored after refused input');
  await page.uncheck('#sin-acta');
  // Keyboard alone: the key (lower case is raised), the mechanism, Enter.
  await page.fill('#clave', '');
  await page.focus('#clave');
  await page.keyboard.type(B.toLowerCase());
  await page.keyboard.press('Tab');
  if (await page.locator('button', { hasText: 'Leer código' }).count()) await page.keyboard.press('Tab');
  await page.selectOption('#mecanismo', 'F');
  await page.focus('#clave');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#tabla-acopios >> text=${B}`);
  check((await page.textContent('#aviso')).includes(`Registrado: ${B}`), 'acopio: registered, confirmed in words');
  check((await acta(B, vero)).acopiada === true, 'acopio: stored');
  await accesible(page, 'acopio');
  await page.screenshot({ path: join(artifacts, 'consola-acopio.png'), fullPage: true });

  // ── Digitalización ───────────────────────────────────────────────────────
  await page.click('#salir');
  await entrar(page, 'digi1');
  check(page.url().endsWith('#/digitalizacion'), 'digitalizador lands on Digitalización');
  await page.waitForSelector(`#pendientes >> text=${B}`);
  await page.setInputFiles('#archivos', { name: 'acta.txt', mimeType: 'text/plain', buffer: Buffer.from('hola') });
  await page.getByRole('button', { name: 'Subir' }).click();
  check((await page.textContent('#archivos-error')).includes('no es PNG, JPEG ni PDF'), 'digitalización: a text file → message next to the field');
  await page.setInputFiles('#archivos', { name: `${B}.png`, mimeType: 'image/png', buffer: Buffer.from('esto no es una imagen') });
  await page.getByRole('button', { name: 'Subir' }).click();
  await page.waitForSelector('#subidas li .error');
  check((await page.textContent('#subidas li')).includes('rechazó'), 'digitalización: a text file named .png is refused by the server, in Spanish');
  check((await acta(B, vero)).imagenes.length === 0, 'digitalización: nothing stored after the refusal');
  const imagen = png();
  await page.setInputFiles('#archivos', { name: `${B}.png`, mimeType: 'image/png', buffer: imagen });
  await page.getByRole('button', { name: 'Subir' }).click();
  await page.waitForSelector('#subidas li .ok');
  const sha = createHash('sha256').update(imagen).digest('hex');
  check((await page.textContent('#subidas li')).includes(sha), 'digitalización: the SHA-256 of the image is shown');
  await accesible(page, 'digitalización');
  await page.screenshot({ path: join(artifacts, 'consola-digitalizacion.png'), fullPage: true });

  // ── Two captures, keyboard only; the second differs in one field ─────────
  const columnas = (await (await fetch(base + '/api/v1/eleccion', { headers: { Authorization: 'Bearer ' + vero } })).json()).columnas;
  const valores = columnas.map((c, k) => (c.startsWith('CAND_IND') || c.startsWith('C_') ? 0 : 10 + k));
  for (const [quien, distinto] of [['ana', false], ['beto', true]]) {
    await page.click('#salir');
    await entrar(page, quien);
    check(page.url().endsWith('#/captura'), `${quien} lands on Captura`);
    await page.keyboard.press('Enter');  // "Tomar la siguiente acta" has the focus
    await page.waitForSelector('#form-captura');
    check((await page.textContent('#clave-en-captura')) === B, `${quien}: the queue hands acta ${B}`);
    check(await page.locator('#imagen-acta').isVisible(), `${quien}: the acta image beside the form`);
    if (quien === 'ana') {
      // Bad input: a word in a field is refused next to it; nothing is stored.
      await page.keyboard.type('12x');
      await page.getByRole('button', { name: 'Guardar la captura' }).click();
      check((await page.textContent('#voto-0-error')).includes('escriba una cifra'), 'captura: a non-number → message next to the field');
      check((await acta(B, vero)).capturas === 0, 'captura: nothing stored after refused input');
      await page.focus('#voto-0');
      await page.keyboard.press('Control+A');
    }
    for (const [k, v] of valores.entries()) {
      const x = distinto && k === 1 ? v + 5 : v;
      if (k === 0) await page.keyboard.press('Backspace');
      await page.keyboard.type(String(x));
      await page.keyboard.press('Enter');  // next field; on the last, submits
    }
    await page.waitForSelector('#sin-trabajo');
    check((await page.textContent('#aviso')).includes(`Captura del acta ${B} guardada`), `${quien}: capture saved with the keyboard alone`);
    if (quien === 'ana') {
      await accesible(page, 'captura');
    }
    if (quien === 'beto') {
      // The form of the next acta is not there (nothing left): the capture screen itself.
      await page.screenshot({ path: join(artifacts, 'consola-captura.png'), fullPage: true });
    }
  }
  check((await acta(B, vero)).discrepancia === true, 'the two captures differ');

  // ── Verificación ─────────────────────────────────────────────────────────
  await page.click('#salir');
  await entrar(page, 'vero');
  await page.getByRole('button', { name: /siguiente acta por verificar/ }).click();
  await page.waitForSelector('#tabla-verificacion');
  check(await page.locator('#hay-discrepancia').isVisible(), 'verificación: says the captures differ');
  check((await page.locator('#tabla-verificacion tr.difiere').count()) === 1, 'verificación: exactly the differing field is highlighted');
  check(await page.locator('button[value="aceptar"]').isDisabled(), 'verificación: cannot accept differing captures');
  await accesible(page, 'verificación');
  await page.screenshot({ path: join(artifacts, 'consola-verificacion.png'), fullPage: true });
  await page.fill('#final-1', String(valores[1]));
  await page.getByRole('button', { name: 'Guardar con los valores verificados' }).click();
  await page.waitForSelector('#sin-trabajo');
  const verificada = await acta(B, vero);
  check(verificada.verificada === true && verificada.valores[1] === valores[1], 'verificación: stored with the value read on the image');
  check(verificada.contabilizada === true, 'the acta is contabilizada');

  // ── Coordinación: progress, and a corte now (simulacro) ──────────────────
  await page.click('#salir');
  await entrar(page, 'coord');
  check(page.url().endsWith('#/coordinacion'), 'coordinador lands on Coordinación');
  await page.waitForSelector('#tarjetas');
  check((await page.textContent('#tarjetas')).includes('Verificadas1'), 'coordinación: one acta verified');
  check(await page.locator('#tabla-distritos').isVisible() && await page.locator('#tabla-catd').isVisible(), 'coordinación: per distrito and per CATD');
  check((await page.textContent('#tabla-incidentes')).includes('digi1'), 'coordinación: the refused upload is listed as an incident');
  await accesible(page, 'coordinación');
  await page.screenshot({ path: join(artifacts, 'consola-coordinacion.png'), fullPage: true });
  await page.click('#forzar-corte');
  await page.waitForFunction(() => document.querySelector('#aviso').textContent.includes('publicado'));

  // ── The public site of that corte shows the acta counted ─────────────────
  const sitio = await desktop.newPage();
  await sitio.goto(base + '/secciones/0000-0009.html#s0001');
  // Sección 0001 has four actas (básica, contigua, and the especial's MR and RP): only
  // the básica's was captured.
  const estados = await sitio.$$eval('#s0001 table.actas tbody tr', (rs) => rs.map((r) => r.cells[1].textContent + ' ' + r.cells[2].textContent));
  check(estados.length === 4 && estados.filter((e) => e.endsWith(' Contabilizada')).length === 1 &&
        estados.filter((e) => e.includes('Aún no capturada')).length === 3,
        `public site: the new corte shows the acta contabilizada (${estados.join('; ')})`);
  await sitio.close();

  // ── A capturista is refused the administración screen, and the API ───────
  await page.click('#salir');
  await entrar(page, 'ana');
  await page.goto(base + '/consola/#/administracion');
  await page.waitForSelector('#no-autorizado');
  check((await page.textContent('#no-autorizado')).includes('No autorizado'), 'capturista: administración refused on screen');
  check((await page.locator('#form-usuario').count()) === 0, 'capturista: no user form');
  const r403 = await fetch(base + '/api/v1/usuarios', { headers: { Authorization: 'Bearer ' + await token('ana') } });
  check(r403.status === 403, `capturista: GET /api/v1/usuarios is 403 (got ${r403.status})`);

  // ── Administración, auditoría, cotejo, consulta: screens and bad input ───
  await page.click('#salir');
  await entrar(page, 'admin');
  await page.waitForSelector('#tabla-usuarios');
  await page.fill('#nuevo-nombre', 'Nombre Con Espacios');
  await page.getByRole('button', { name: 'Crear el usuario' }).click();
  check((await page.textContent('#nuevo-nombre-error')).includes('de 3 a 32 caracteres'), 'administración: bad user name → message next to the field');
  await page.fill('#nuevo-nombre', 'nuevo.usuario');
  await page.fill('#nuevo-password', 'corta');
  await page.getByRole('button', { name: 'Crear el usuario' }).click();
  check((await page.textContent('#nuevo-password-error')).includes('12 caracteres'), 'administración: short password → message');
  check(!(await page.textContent('#tabla-usuarios')).includes('nuevo.usuario'), 'administración: nothing stored');
  check((await page.textContent('#tabla-eleccion')).includes('4 de datos, 3 de la base de datos'), 'administración: the schedule of the acuerdos');
  await page.getByLabel('Nuevo rol de mira').selectOption('auditor');
  await page.getByRole('button', { name: 'Cambiar el rol y la sede de mira' }).click();
  await page.waitForFunction(() => document.querySelector('#aviso').textContent.includes('mira: ahora auditor'));
  await page.getByLabel('Nuevo rol de mira').selectOption('consulta');
  await page.getByRole('button', { name: 'Cambiar el rol y la sede de mira' }).click();
  await page.waitForFunction(() => document.querySelector('#aviso').textContent.includes('mira: ahora consulta'));
  check(true, 'administración: a user\'s role changed and changed back');
  await page.click('#comprobar-ceros');
  await page.waitForFunction(() => document.querySelector('#puesta-en-ceros').textContent.includes('No está en ceros'));
  check(true, 'administración: after the night the store is no longer en ceros');
  await accesible(page, 'administración');
  await page.screenshot({ path: join(artifacts, 'consola-administracion.png'), fullPage: true });
  for (const [u, nombre] of [['audi', 'auditoria'], ['coteja', 'cotejo'], ['mira', 'consulta']]) {
    await page.click('#salir');
    await entrar(page, u);
    await page.waitForTimeout(300);
    await accesible(page, nombre);
    await page.screenshot({ path: join(artifacts, `consola-${nombre}.png`), fullPage: true });
  }
  check((await page.textContent('#tarjetas')).length > 0 && (await page.locator('#forzar-corte').count()) === 0, 'consulta: progress without the corte button');
  await desktop.close();

  // ── Phone: PREP Casilla offline, then every screen at 375 px ─────────────
  const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'es-MX' });
  phone.setDefaultTimeout(15_000);
  const mp = await phone.newPage();
  mp.on('pageerror', (e) => check(false, `phone script error: ${e.message}`));
  await entrar(mp, 'digi1');
  await mp.goto(base + '/consola/#/casilla');
  await mp.waitForSelector('#form-casilla');
  await mp.getByRole('button', { name: 'Enviar' }).click();
  check((await mp.textContent('#clave-casilla-error')) === 'Escriba la clave del acta.', 'casilla: empty key → message');
  await phone.setOffline(true);
  await mp.fill('#clave-casilla', C);
  await mp.setInputFiles('#foto', { name: 'foto.png', mimeType: 'image/png', buffer: imagen });
  await mp.getByRole('button', { name: 'Enviar' }).click();
  check((await mp.textContent('#legible-error')).includes('Revise la foto'), 'casilla: asks to check the photo is legible');
  await mp.check('#legible');
  await mp.getByRole('button', { name: 'Enviar' }).click();
  await mp.waitForSelector('#cola-casilla li');
  check((await mp.textContent('#cola-casilla')).includes('pendiente'), 'casilla: offline, the photo waits on the phone');
  check((await acta(C, vero)).imagenes === undefined || (await acta(C, vero)).imagenes.length === 0, 'casilla: nothing reached the server while offline');
  await accesible(mp, 'casilla', true);
  await mp.screenshot({ path: join(artifacts, 'consola-casilla-sin-red.png'), fullPage: true });
  await phone.setOffline(false);
  await mp.evaluate(() => window.dispatchEvent(new Event('online')));
  await mp.waitForSelector('#cola-vacia', { timeout: 20_000 });
  await mp.waitForTimeout(6000);  // one more retry round: it must not send it again
  const enviada = await acta(C, vero);
  check(enviada.imagenes.length === 1 && enviada.imagenes[0].origen === 'CASILLA' && enviada.imagenes[0].dispositivo === 'MOVIL',
    `casilla: stored exactly once, from the casilla's phone (${JSON.stringify(enviada.imagenes)})`);
  await mp.screenshot({ path: join(artifacts, 'consola-casilla-movil.png'), fullPage: true });
  for (const [u, ruta] of [['acopio1', 'acopio'], ['digi1', 'digitalizacion'], ['ana', 'captura'], ['vero', 'verificacion'],
    ['coord', 'coordinacion'], ['admin', 'administracion'], ['audi', 'auditoria'], ['coteja', 'cotejo']]) {
    await mp.click('#salir');
    await entrar(mp, u);
    await mp.goto(`${base}/consola/#/${ruta}`);
    await mp.waitForTimeout(400);
    await accesible(mp, `teléfono ${ruta}`, true);
    await mp.screenshot({ path: join(artifacts, `consola-movil-${ruta}.png`), fullPage: true });
  }
  await phone.close();

  const otra = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-MX' });
  const dp = await otra.newPage();
  await entrar(dp, 'digi1');
  await dp.goto(base + '/consola/#/casilla');
  await dp.waitForSelector('#form-casilla');
  await dp.screenshot({ path: join(artifacts, 'consola-casilla.png'), fullPage: true });
  await otra.close();

  // The log holds one image event for the PREP Casilla acta, whatever the retries.
  const aud = await token('audi');
  const evs = await (await fetch(`${base}/api/v1/auditoria?tipo=digitalizacion&acta=${C}`, { headers: { Authorization: 'Bearer ' + aud } })).json();
  check(evs.length === 1, `casilla: one digitalización event in the log (${evs.length})`);
}

const deadline = setTimeout(() => {
  console.log(`FAIL the run took more than ${TOTAL_MS / 1000} s`);
  if (server) server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}, TOTAL_MS);

let code = 0;
try {
  await run_();
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  code = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopServer();
  rmSync(dir, { recursive: true, force: true });
  clearTimeout(deadline);
}
if (failures.length > 0) {
  console.log(`${failures.length} failure(s)`);
  code = 1;
}
console.log(code === 0 ? `all checks passed; screenshots in ${artifacts}` : 'e2e_consola failed');
process.exit(code);
