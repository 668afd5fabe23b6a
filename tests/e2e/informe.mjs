// The simulacro report in real Chromium (Debian's, driven by playwright-core): the
// verdicts, a table behind every chart, the hostile incident text shown as text,
// and a 375 px phone without horizontal page scroll.
//
//   node informe.mjs FIXTURE ARTIFACTS_DIR
//   node informe.mjs --dir REPORT_DIR ARTIFACTS_DIR
//
// FIXTURE is tests/e2e/informe_fixture (writes index.html and the CSV files into the
// folder it is given; the checks know its numbers). With --dir, a report written by a
// real `prep simulacro` (tests/cli/noche_cli_test.cc) gets the checks that hold for any
// clean drill. Screenshots go to ARTIFACTS_DIR. Exits 1 on any failure; a temporary
// folder is removed in every case, and the whole run is bounded in time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const real = process.argv[2] === '--dir';
const [fixturePath, artifacts] = process.argv.slice(real ? 3 : 2);
if (!fixturePath || !artifacts) {
  console.error('usage: node informe.mjs FIXTURE ARTIFACTS_DIR | --dir REPORT_DIR ARTIFACTS_DIR');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TOTAL_MS = 100_000;  // below the ctest TIMEOUT (120 s), so cleanup still runs
const HOSTIL = 'Respuesta del servidor: <script>alert("x")</script> & \'comillas\'';
const failures = [];
let browser;
const dir = real ? fixturePath : mkdtempSync(join(tmpdir(), 'prep-informe-'));
const shot = (name) => join(artifacts, real ? name.replace('informe-', 'informe-real-') : name);

function check(cond, what) {
  if (cond) {
    console.log(`ok   ${what}`);
  } else {
    console.log(`FAIL ${what}`);
    failures.push(what);
  }
}

function watchErrors(page, name) {
  page.on('pageerror', (e) => check(false, `${name}: script error ${e.message}`));
  page.on('requestfailed', (r) => check(false, `${name}: request failed ${r.url()}`));
}

// What every view must show, desktop or phone.
async function checkPage(page, name) {
  const meta = await page.getAttribute('meta[name="prep-informe"]', 'content');
  check(meta === 'simulacro', `${name}: <meta name="prep-informe"> is simulacro (got ${meta})`);
  check((await page.locator('h1').count()) === 1, `${name}: one h1`);
  const h1 = (await page.textContent('h1')) || '';
  check(h1.includes('Simulacro'), `${name}: h1 is the title (${h1})`);

  const integridad = page.locator('#veredicto-integridad');
  check(await integridad.isVisible(), `${name}: integrity verdict visible`);
  const clases = (await integridad.getAttribute('class')) || '';
  check(clases.split(/\s+/).includes('veredicto') && clases.split(/\s+/).includes('ok'),
        `${name}: integrity verdict has class ok (${clases})`);
  check((await integridad.getAttribute('data-perdidos')) === '0', `${name}: data-perdidos="0"`);
  check(((await integridad.textContent()) || '').includes('Ningún paso confirmado se perdió'),
        `${name}: integrity verdict says nothing confirmed was lost`);
  const primera = await page.evaluate(() => {
    const v = document.querySelector('.veredicto');
    return v ? v.id : null;
  });
  check(primera === 'veredicto-integridad', `${name}: the integrity verdict is the first box (${primera})`);
  const publicacion = page.locator('#veredicto-publicacion');
  check(await publicacion.isVisible(), `${name}: publication verdict visible`);
  check(((await publicacion.getAttribute('class')) || '').split(/\s+/).includes('ok'),
        `${name}: publication verdict has class ok`);
  if (!real) {
    check(((await publicacion.textContent()) || '').includes('20201019_1800'),
          `${name}: publication verdict names the final corte`);
  }

  const charts = await page.$$eval('svg[role="img"]', (svgs) => svgs.map((s) => {
    const id = s.getAttribute('aria-describedby');
    const t = id && document.getElementById(id);
    const box = s.getBoundingClientRect();
    return {
      id, table: !!t && t.tagName === 'TABLE',
      after: !!t && !!(s.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING),
      rows: t && t.tBodies[0] ? t.tBodies[0].rows.length : 0,
      viewBox: s.hasAttribute('viewBox'), width: box.width,
    };
  }));
  check(charts.length === 2, `${name}: two charts (latency bars, progress lines), got ${charts.length}`);
  for (const c of charts) {
    check(c.table && c.after && c.rows > 0,
          `${name}: chart ${c.id} has its table after it (${c.rows} rows)`);
    check(c.viewBox && c.width > 0, `${name}: chart ${c.id} scales with its viewBox (${c.width} px wide)`);
  }
  check(await page.evaluate(() => document.querySelectorAll('script').length === 0),
        `${name}: no script element`);
  if (real) return;
  const avance = charts.find((c) => c.id === 'avance-tabla');
  check(avance && avance.rows === 25, `${name}: progress table has one row per hour, 18:00 to 18:00 (${avance && avance.rows})`);
  const lineas = await page.$$eval('svg[aria-describedby="avance-tabla"] polyline',
    (ps) => ps.map((p) => `${p.getAttribute('stroke')}|${p.getAttribute('stroke-dasharray') || ''}`));
  const colores = new Set(lineas.map((l) => l.split('|')[0]));
  const guiones = new Set(lineas.map((l) => l.split('|')[1]));
  check(lineas.length === 5 && colores.size === 5 && guiones.size === 5,
        `${name}: five lines, each with its own colour and dash pattern`);

  const incidentes = (await page.textContent('#incidentes-tabla')) || '';
  check(incidentes.includes(HOSTIL), `${name}: the hostile incident text is shown as text`);
  check((await page.locator('#reinicios-tabla tbody tr').count()) === 2, `${name}: two restarts`);
  const ventana = (await page.textContent('#ventana-tabla')) || '';
  check(ventana.includes('99.84 %'), `${name}: 3,915 of 3,921 acopiadas is 99.84 % (truncated)`);
  const cabecera = (await page.textContent('main')) || '';
  check(cabecera.includes('18/10/2020 18:00 (UTC-5)'), `${name}: window start in local time with its offset`);
  check(cabecera.includes('288 veces más rápido'), `${name}: the clock factor in words`);
}

async function run() {
  if (!real) {
    const r = spawnSync(fixturePath, [dir], { timeout: 30_000, encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      throw new Error(`the fixture failed (${r.error || r.status}): ${r.stderr}`);
    }
  }
  const url = pathToFileURL(join(dir, 'index.html')).href;
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  check(!/<script/i.test(html), 'html: no <script anywhere in the source');
  check(!/<link|@import|url\(/i.test(html), 'html: self-contained (no link, import or url())');
  const csv = readFileSync(join(dir, 'incidentes.csv'), 'utf8');
  check(csv.startsWith('instante,tipo,descripcion\r\n'), 'incidentes.csv: header row and CRLF');

  const args = ['--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args, timeout: 30_000 });

  // ── Desktop ─────────────────────────────────────────────────────────────
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-MX' });
  desktop.setDefaultTimeout(10_000);
  const page = await desktop.newPage();
  watchErrors(page, 'escritorio');
  await page.goto(url);
  await checkPage(page, 'escritorio');
  await page.screenshot({ path: shot('informe-escritorio.png'), fullPage: true });
  await desktop.close();

  // ── Phone ───────────────────────────────────────────────────────────────
  const phone = await browser.newContext({
    viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'es-MX',
  });
  phone.setDefaultTimeout(10_000);
  const mp = await phone.newPage();
  watchErrors(mp, 'teléfono');
  await mp.goto(url);
  await checkPage(mp, 'teléfono');
  // Against 375 itself: on an emulated phone, content that overflows widens innerWidth too.
  const m = await mp.evaluate(() => ({
    sw: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), iw: window.innerWidth,
  }));
  check(m.sw <= 375 && m.iw <= 375,
        `teléfono: no horizontal page scroll at 375 px (scrollWidth ${m.sw}, innerWidth ${m.iw})`);
  const cajas = await mp.$$eval('table', (ts) => ts.map((t) => {
    const d = t.closest('.tabla');
    return { id: t.id, boxed: !!d && getComputedStyle(d).overflowX === 'auto' };
  }));
  check(cajas.every((c) => c.boxed), 'teléfono: every table scrolls inside its own .tabla box');
  await mp.screenshot({ path: shot('informe-movil.png'), fullPage: true });
  await phone.close();
}

const deadline = setTimeout(() => {
  console.log(`FAIL the run took more than ${TOTAL_MS / 1000} s`);
  if (!real) rmSync(dir, { recursive: true, force: true });
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
  if (!real) rmSync(dir, { recursive: true, force: true });
  clearTimeout(deadline);
}
if (failures.length > 0) {
  console.log(`${failures.length} failure(s)`);
  code = 1;
}
console.log(code === 0 ? `all checks passed; screenshots in ${artifacts}` : 'e2e_informe failed');
process.exit(code);
