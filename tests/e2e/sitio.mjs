// The public site of a corte in real Chromium (Debian's, driven by playwright-core):
// summary, a distrito, a sección with its acta image, a 375 px phone, and JavaScript off.
//
//   node sitio.mjs FIXTURE ARTIFACTS_DIR
//
// FIXTURE is tests/e2e/sitio_fixture (prints its port, serves a synthetic corte on
// 127.0.0.1 until SIGTERM). Screenshots go to ARTIFACTS_DIR. Exits 1 on any failure; the
// fixture is stopped in every case, and the whole run is bounded in time.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [fixturePath, artifacts] = process.argv.slice(2);
if (!fixturePath || !artifacts) {
  console.error('usage: node sitio.mjs FIXTURE ARTIFACTS_DIR');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TOTAL_MS = 100_000;  // below the ctest TIMEOUT (120 s), so cleanup still runs
const failures = [];
let fixture;
let browser;

function check(cond, what) {
  if (cond) {
    console.log(`ok   ${what}`);
  } else {
    console.log(`FAIL ${what}`);
    failures.push(what);
  }
}

function startFixture() {
  return new Promise((resolve, reject) => {
    fixture = spawn(fixturePath, [], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('the fixture did not print its port in 15 s')), 15_000);
    fixture.on('error', (e) => { clearTimeout(timer); reject(e); });
    fixture.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the fixture exited (${code})`)); });
    fixture.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
  });
}

function stopFixture() {
  if (!fixture || fixture.exitCode !== null || fixture.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => { fixture.kill('SIGKILL'); resolve(); }, 3000);
    fixture.once('exit', () => { clearTimeout(hard); resolve(); });
    fixture.kill('SIGTERM');
  });
}

// Every page: its corte, the simulacro flag, and a table behind each chart.
async function checkPage(page, name, corteId) {
  const meta = await page.getAttribute('meta[name="prep-corte"]', 'content');
  check(meta === corteId, `${name}: <meta name="prep-corte"> is ${corteId} (got ${meta})`);
  check(await page.locator('.simulacro').first().isVisible(), `${name}: SIMULACRO banner visible`);
  const charts = await page.$$eval('svg[role="img"]', (svgs) => svgs.map((s) => {
    const id = s.getAttribute('aria-describedby');
    const t = id && document.getElementById(id);
    return { id, table: !!t && t.tagName === 'TABLE', rows: t ? t.tBodies[0].rows.length : 0,
             bars: s.querySelectorAll('rect.barra').length };
  }));
  for (const c of charts) {
    check(c.table && c.rows === c.bars, `${name}: chart ${c.id} has its table (${c.rows} rows, ${c.bars} bars)`);
  }
  return charts.length;
}

async function noHorizontalOverflow(page, name) {
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  check(m.sw <= m.iw, `${name}: no horizontal page scroll at 375 px (scrollWidth ${m.sw} <= innerWidth ${m.iw})`);
}

function watchErrors(page, name) {
  page.on('pageerror', (e) => check(false, `${name}: script error ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) check(false, `${name}: ${r.status()} for ${r.url()}`);
  });
}

async function run() {
  const port = await startFixture();
  const base = `http://127.0.0.1:${port}`;
  console.log(`fixture on ${base}`);
  const args = ['--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args, timeout: 30_000 });

  // ── Desktop ─────────────────────────────────────────────────────────────
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-MX' });
  desktop.setDefaultTimeout(10_000);
  const page = await desktop.newPage();
  watchErrors(page, 'escritorio');
  await page.goto(`${base}/`);
  const corteId = await page.getAttribute('meta[name="prep-corte"]', 'content');
  check(/^\d{8}_\d{4}$/.test(corteId || ''), `summary: corte id ${corteId}`);
  const nCharts = await checkPage(page, 'resumen', corteId);
  check(nCharts >= 2, `resumen: ${nCharts} charts (by column and by candidatura)`);
  const text = await page.textContent('main');
  check(/Actas esperadas\s*7/.test(text), 'resumen: 7 actas esperadas');
  check(/Actas contabilizadas\s*4\s*57\.1428%/.test(text), 'resumen: 4 actas contabilizadas, 57.1428%');
  check(text.includes('Capturada no quiere decir contabilizada'), 'resumen: capturada is not contabilizada, in words');
  const header = await page.textContent('header');
  check(/Corte: 18\/10\/2020 20:20 \(UTC-5\)/.test(header), 'resumen: corte time with its offset');
  check(/Siguiente corte: 18\/10\/2020 20:40 \(UTC-5\)/.test(header), 'resumen: next corte time');
  const pan = await page.$eval('#votos-tabla', (t) => [...t.tBodies[0].rows]
    .find((r) => r.cells[0].textContent.startsWith('PAN')).cells[1].textContent);
  check(pan === '315', `resumen: PAN has 315 votes (got ${pan})`);
  const hostil = await page.$eval('#votos-tabla', (t) => t.tBodies[0].textContent);
  check(hostil.includes('<script>alert("x")</script>'), 'resumen: the hostile candidate name is shown as text');
  check(await page.evaluate(() => document.querySelectorAll('script').length === 0), 'resumen: no script element');
  await page.screenshot({ path: join(artifacts, 'resumen.png'), fullPage: true });

  await page.click('a[href="distritos/01.html"]');
  await page.waitForURL(/distritos\/01\.html$/);
  check((await page.textContent('h1')).includes('Distrito 01'), 'distrito: heading');
  await checkPage(page, 'distrito 01', corteId);
  await page.screenshot({ path: join(artifacts, 'distrito.png'), fullPage: true });

  // Secciones are ten to a page: 0085's link leads to its block of 0080-0089.html.
  await page.click('a[href="../secciones/0080-0089.html#s0085"]');
  await page.waitForURL(/secciones\/0080-0089\.html#s0085$/);
  check((await page.textContent('h1')).includes('Secciones 0080 a 0089'), 'sección: page heading');
  check((await page.textContent('#s0085 h2')).includes('Sección 0085'), 'sección: its block');
  check(await page.evaluate(() => {
    const r = document.getElementById('s0085').getBoundingClientRect();
    return r.top >= -1 && r.top < window.innerHeight;
  }), 'sección: the link scrolls to its block');
  await checkPage(page, 'sección 0085', corteId);
  const img = page.locator('#s0085 .imagenes img').first();
  await img.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => {
    const i = document.querySelector('#s0085 .imagenes img');
    return i && i.complete;
  });
  const imgInfo = await img.evaluate((i) => ({ w: i.naturalWidth, src: i.currentSrc }));
  check(imgInfo.w > 0, `sección: acta image loaded (naturalWidth ${imgInfo.w})`);
  const sha = (await page.locator('#s0085 .imagenes code.sha').first().textContent()).trim();
  check(imgInfo.src.endsWith(`/imagenes/${sha}.png`), 'sección: image link is prefijo + sha256 + extension');
  const bytes = Buffer.from(await (await page.request.get(imgInfo.src)).body());
  check(createHash('sha256').update(bytes).digest('hex') === sha, 'sección: the image bytes hash to the SHA-256 shown');
  const casillas = await page.$$eval('#s0085 table.actas tbody tr', (rows) => rows.map((r) => r.cells[0].textContent));
  check(casillas.length === 2, `sección: every casilla's acta (${casillas.join(', ')})`);
  // The page leaves out the optional end tags of cells, rows and items: the
  // browser must still see each row as wide as the header, and one image item per acta.
  const forma = await page.$eval('#s0085', (s) => {
    const t = s.querySelector('table.actas');
    const ancho = (r) => [...r.cells].reduce((n, c) => n + c.colSpan, 0);
    return { cab: ancho(t.tHead.rows[0]), filas: [...t.tBodies[0].rows].map(ancho),
             pie: ancho(t.tFoot.rows[0]), items: s.querySelectorAll('.imagenes > li').length,
             total: t.tBodies[0].rows[0].cells[t.tBodies[0].rows[0].cells.length - 1].textContent.trim() };
  });
  check(forma.cab > 6 && forma.filas.every((n) => n === forma.cab) && forma.pie === forma.cab,
    `sección: every row as wide as the header (${JSON.stringify(forma)})`);
  check(forma.items === casillas.length, `sección: one image item per acta (${forma.items})`);
  check(/^[0-9,]+$/.test(forma.total), `sección: the last cell of a row is its total (${forma.total})`);
  check((await page.textContent('main')).includes('sha256sum'), 'sección: how to check the SHA-256');
  await page.screenshot({ path: join(artifacts, 'seccion.png'), fullPage: true });

  // The search with JavaScript: the form appears and jumps to the sección.
  await page.goto(`${base}/secciones.html`);
  check(await page.locator('#buscar').isVisible(), 'buscar (JS): the form is shown');
  await page.fill('#buscar-seccion', '86');
  await page.click('#buscar button');
  await page.waitForURL(/secciones\/0080-0089\.html#s0086$/);
  check((await page.textContent('#s0086')).includes('Aún no capturada'), 'buscar (JS): sección 0086, acta not captured');
  await desktop.close();

  // ── Phone ───────────────────────────────────────────────────────────────
  const phone = await browser.newContext({
    viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'es-MX',
  });
  phone.setDefaultTimeout(10_000);
  const mp = await phone.newPage();
  watchErrors(mp, 'teléfono');
  for (const [path, shot] of [['/', 'movil-resumen.png'], ['/distritos/02.html', 'movil-distrito.png'],
    ['/secciones/1200-1209.html', 'movil-seccion.png'], ['/secciones.html', 'movil-secciones.png']]) {
    await mp.goto(base + path);
    await noHorizontalOverflow(mp, `teléfono ${path}`);
    await mp.screenshot({ path: join(artifacts, shot), fullPage: true });
    if (path.startsWith('/secciones/')) {
      // The wide acta table scrolls inside its own box instead of the page.
      const box = await mp.$eval('table.actas', (t) => {
        const d = t.closest('.tabla');
        return { overflow: getComputedStyle(d).overflowX, wider: t.scrollWidth > d.clientWidth };
      });
      check(box.overflow === 'auto', `teléfono: acta table scrolls in its box (overflow-x ${box.overflow}, wider ${box.wider})`);
    }
  }
  await phone.close();

  // ── JavaScript off ──────────────────────────────────────────────────────
  const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 800, height: 900 } });
  nojs.setDefaultTimeout(10_000);
  const np = await nojs.newPage();
  watchErrors(np, 'sin JS');
  await np.goto(`${base}/`);
  await checkPage(np, 'sin JS resumen', corteId);
  await np.click('a[href="secciones.html"] >> nth=0');
  await np.waitForURL(/secciones\.html$/);
  check(!(await np.locator('#buscar').isVisible()), 'sin JS: the form stays hidden');
  await np.screenshot({ path: join(artifacts, 'sin-js-secciones.png'), fullPage: true });
  await np.click('a[href="secciones/1200-1209.html#s1203"]');
  await np.waitForURL(/secciones\/1200-1209\.html#s1203$/);
  check((await np.textContent('#s1203 h2')).includes('Sección 1203'), 'sin JS: search by sección via secciones.html');
  const estado = await np.textContent('#s1203 table.actas');
  check(estado.includes('No contabilizada'), 'sin JS: sección 1203 shows its no contabilizada actas');
  await np.screenshot({ path: join(artifacts, 'sin-js-seccion.png'), fullPage: true });
  await nojs.close();
}

const deadline = setTimeout(async () => {
  console.log(`FAIL the run took more than ${TOTAL_MS / 1000} s`);
  await stopFixture();
  process.exit(1);
}, TOTAL_MS);

let code = 0;
try {
  await run();
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  code = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopFixture();
  clearTimeout(deadline);
}
if (failures.length > 0) {
  console.log(`${failures.length} failure(s)`);
  code = 1;
}
console.log(code === 0 ? `all checks passed; screenshots in ${artifacts}` : 'e2e_sitio failed');
process.exit(code);
