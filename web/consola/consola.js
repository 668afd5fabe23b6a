// Consola del PREP: one page per role of the proceso técnico operativo, over
// the operations API (/api/v1, docs/openapi.yaml). Plain JavaScript, no
// libraries: it is served by `prep serve` from the binary itself and works with
// no internet. Every write carries an Idempotency-Key kept for that one
// action, so a retry after a lost answer is never applied twice. Text that
// comes from the server or the people is always set as text, never as HTML.
'use strict';

// ── Small helpers ───────────────────────────────────────────────────────────

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
}

const $ = (sel, root) => (root || document).querySelector(sel);
const principal = () => $('#contenido');

// An Idempotency-Key: random, from crypto.getRandomValues (which, unlike
// randomUUID, works on a plain-http LAN too).
function nuevaClave() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function miles(n) {
  return Number(n || 0).toLocaleString('es-MX');
}

function pct(a, b) {
  if (!b) return '—';
  return (Math.trunc((10000 * a) / b) / 100).toFixed(2) + ' %';
}

// Election times are shown at the election's UTC offset, not the browser's.
let offsetMinutos = 0;
function hora(ms, conSegundos) {
  if (!ms) return '—';
  const d = new Date(ms + offsetMinutos * 60000);
  const p = (x) => String(x).padStart(2, '0');
  const base = `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
  return conSegundos ? `${base}:${p(d.getUTCSeconds())}` : base;
}

function aviso(texto, mal) {
  const a = $('#aviso');
  a.classList.toggle('mal', !!mal);
  a.textContent = texto;
}

// A message beside a field, tied to it for screen readers.
function errorCampo(input, texto) {
  const id = input.id + '-error';
  let p = document.getElementById(id);
  if (!texto) {
    if (p) p.remove();
    input.removeAttribute('aria-invalid');
    const d = (input.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== id);
    if (d.length) input.setAttribute('aria-describedby', d.join(' '));
    else input.removeAttribute('aria-describedby');
    return;
  }
  if (!p) {
    p = el('p', { class: 'error', id });
    input.insertAdjacentElement('afterend', p);
  }
  p.textContent = texto;
  input.setAttribute('aria-invalid', 'true');
  const d = new Set((input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
  d.add(id);
  input.setAttribute('aria-describedby', [...d].join(' '));
}

function limpiarErrores(form) {
  for (const i of form.querySelectorAll('[aria-invalid="true"]')) errorCampo(i, '');
}

// ── The API ─────────────────────────────────────────────────────────────────

class ErrorApi extends Error {
  constructor(status, codigo, mensaje, campo, datos) {
    super(mensaje);
    this.status = status;
    this.codigo = codigo;
    this.campo = campo;
    this.datos = datos;
  }
}

const sesion = {
  get token() { return sessionStorage.getItem('prep.token'); },
  get usuario() { return sessionStorage.getItem('prep.usuario'); },
  get rol() { return sessionStorage.getItem('prep.rol'); },
  get sitio() { return sessionStorage.getItem('prep.sitio'); },
  guardar(s) {
    sessionStorage.setItem('prep.token', s.token);
    sessionStorage.setItem('prep.usuario', s.usuario);
    sessionStorage.setItem('prep.rol', s.rol);
    sessionStorage.setItem('prep.sitio', s.sitio);
  },
  borrar() {
    for (const k of ['token', 'usuario', 'rol', 'sitio']) sessionStorage.removeItem('prep.' + k);
  },
};

// Spanish words for what the server refused, by HTTP status.
function explicar(status, mensaje) {
  if (status === 403) return 'No autorizado: ' + mensaje;
  if (status === 404) return 'No encontrado: ' + mensaje;
  if (status === 409) return mensaje;
  if (status === 413) return 'El archivo es demasiado grande.';
  if (status === 422 || status === 400) return 'El servidor rechazó el dato: ' + mensaje;
  if (status === 429) return 'Demasiados intentos; espere unos segundos. ' + mensaje;
  return `Error del servidor (${status}): ${mensaje}`;
}

async function api(metodo, ruta, opciones) {
  const o = opciones || {};
  const h = Object.assign({}, o.headers || {});
  if (sesion.token) h.Authorization = 'Bearer ' + sesion.token;
  if (o.clave) h['Idempotency-Key'] = o.clave;
  let cuerpo = o.cuerpo;
  if (cuerpo !== undefined && !(cuerpo instanceof Blob)) {
    cuerpo = JSON.stringify(cuerpo);
    h['Content-Type'] = 'application/json';
  }
  let r;
  try {
    r = await fetch(ruta, { method: metodo, headers: h, body: cuerpo, cache: 'no-store' });
  } catch (e) {
    throw new ErrorApi(0, 'red', 'Sin conexión con el servidor: se puede reintentar.', '');
  }
  if (o.crudo && r.ok) return r;
  const texto = await r.text();
  let datos = null;
  try { datos = texto ? JSON.parse(texto) : null; } catch (e) { datos = null; }
  if (!r.ok) {
    const err = (datos && datos.error) || {};
    if (r.status === 401 && ruta !== '/api/v1/sesiones') {
      sesion.borrar();
      irA('entrar', 'La sesión terminó; vuelva a entrar.');
    }
    throw new ErrorApi(r.status, err.code || '', explicar(r.status, err.message || r.statusText), err.field || '', datos);
  }
  return datos;
}

// Fetches an acta image (the API needs the session) for an <img>.
async function urlImagen(sha) {
  const r = await api('GET', '/api/v1/imagenes/' + sha, { crudo: true });
  return URL.createObjectURL(await r.blob());
}

// ── Screens and roles ───────────────────────────────────────────────────────

const PANTALLAS = {
  acopio: { titulo: 'Acopio', roles: ['acopiador'], dibujar: pantallaAcopio },
  digitalizacion: { titulo: 'Digitalización', roles: ['digitalizador'], dibujar: pantallaDigitalizacion },
  casilla: { titulo: 'PREP Casilla', roles: ['digitalizador'], dibujar: pantallaCasilla },
  captura: { titulo: 'Captura', roles: ['capturista'], dibujar: pantallaCaptura },
  verificacion: { titulo: 'Verificación', roles: ['verificador'], dibujar: pantallaVerificacion },
  cotejo: { titulo: 'Cotejo', roles: ['cotejador'], dibujar: pantallaCotejo },
  coordinacion: {
    titulo: 'Coordinación', roles: ['coordinador', 'administrador', 'auditor', 'consulta'],
    dibujar: pantallaCoordinacion,
  },
  administracion: { titulo: 'Administración', roles: ['administrador'], dibujar: pantallaAdministracion },
  auditoria: { titulo: 'Auditoría', roles: ['auditor'], dibujar: pantallaAuditoria },
};

let eleccion = null;  // GET /api/v1/eleccion
let temporizador = null;  // a screen's refresh, stopped when leaving it

function irA(pantalla, mensaje) {
  if (location.hash !== '#/' + pantalla) location.hash = '#/' + pantalla;
  else mostrar();
  if (mensaje) aviso(mensaje, true);
}

// The screens of a role, its main one first.
const INICIO = { administrador: 'administracion', auditor: 'auditoria' };
function pantallasDe(rol) {
  const todas = Object.keys(PANTALLAS).filter((k) => PANTALLAS[k].roles.includes(rol));
  const inicio = INICIO[rol];
  return inicio ? [inicio, ...todas.filter((k) => k !== inicio)] : todas;
}

function dibujarCabecera(actual) {
  const menu = $('#menu');
  menu.replaceChildren();
  const quien = $('#quien');
  const salir = $('#salir');
  if (!sesion.token) {
    quien.textContent = '';
    salir.hidden = true;
    return;
  }
  for (const k of pantallasDe(sesion.rol)) {
    menu.append(el('a', { href: '#/' + k, 'aria-current': k === actual ? 'page' : null }, PANTALLAS[k].titulo));
  }
  quien.textContent = `${sesion.usuario} · ${sesion.rol} · ${sesion.sitio === '*' ? 'central' : sesion.sitio}`;
  salir.hidden = false;
}

async function mostrar() {
  if (temporizador) { clearInterval(temporizador); temporizador = null; }
  const nombre = (location.hash.match(/^#\/([a-z]+)/) || [])[1] || '';
  const main = principal();
  main.replaceChildren();
  if (!sesion.token || nombre === 'entrar') {
    dibujarCabecera('');
    pantallaEntrar(main);
    return;
  }
  if (!eleccion) {
    try {
      eleccion = await api('GET', '/api/v1/eleccion');
      offsetMinutos = (eleccion.publicacion && eleccion.publicacion.offset_minutos) || 0;
      $('#simulacro').hidden = !(eleccion.publicacion && eleccion.publicacion.simulacro);
    } catch (e) {
      main.append(el('p', { class: 'error' }, e.message));
      return;
    }
  }
  const propias = pantallasDe(sesion.rol);
  const destino = nombre || propias[0];
  dibujarCabecera(destino);
  const p = PANTALLAS[destino];
  if (!p) {
    main.append(el('h1', {}, 'No existe esa pantalla'), el('p', {}, el('a', { href: '#/' + propias[0] }, 'Ir a mi pantalla')));
    return;
  }
  document.title = p.titulo + ' · Consola del PREP';
  if (!p.roles.includes(sesion.rol)) {
    // The server refuses the same calls; this only says so first.
    main.append(
      el('h1', {}, p.titulo),
      el('p', { class: 'error', role: 'alert', id: 'no-autorizado' },
        `No autorizado: el rol ${sesion.rol} no tiene acceso a ${p.titulo}.`),
      propias.length ? el('p', {}, el('a', { href: '#/' + propias[0] }, 'Ir a ' + PANTALLAS[propias[0]].titulo)) : null);
    return;
  }
  main.append(el('h1', {}, p.titulo));
  await p.dibujar(main);
  // Each screen puts the focus where work starts; otherwise the content gets it.
  if (!main.contains(document.activeElement) || document.activeElement === main) {
    const primero = main.querySelector('[autofocus], input, select, button');
    if (primero) primero.focus();
    else main.focus();
  }
}

// ── Entrar ──────────────────────────────────────────────────────────────────

function pantallaEntrar(main) {
  document.title = 'Entrar · Consola del PREP';
  const usuario = el('input', { id: 'usuario', name: 'usuario', autocomplete: 'username', required: true, autocapitalize: 'none' });
  const password = el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = el('form', { id: 'entrar', novalidate: true },
    el('label', { for: 'usuario' }, 'Usuario'), usuario,
    el('label', { for: 'password' }, 'Contraseña'), password,
    el('button', { type: 'submit' }, 'Entrar'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    limpiarErrores(form);
    if (!usuario.value.trim()) { errorCampo(usuario, 'Escriba su usuario.'); usuario.focus(); return; }
    if (!password.value) { errorCampo(password, 'Escriba su contraseña.'); password.focus(); return; }
    try {
      const s = await api('POST', '/api/v1/sesiones', { cuerpo: { usuario: usuario.value.trim(), password: password.value } });
      sesion.guardar(s);
      eleccion = null;
      aviso('');
      location.hash = '#/' + (pantallasDe(s.rol)[0] || 'entrar');
    } catch (e) {
      errorCampo(password, e.status === 401 ? 'Usuario o contraseña incorrectos.' : e.message);
      password.focus();
    }
  });
  main.append(el('h1', {}, 'Entrar a la consola del PREP'), form);
  usuario.focus();
}

// ── Acopio ──────────────────────────────────────────────────────────────────

const MECANISMOS = [
  ['', 'Ninguno'], ['D', 'D: dispositivo de apoyo para el traslado'], ['F', 'F: centro de recepción y traslado fijo'],
  ['I', 'I: centro de recepción y traslado itinerante'], ['F-D', 'F-D'], ['I-D', 'I-D'], ['F-I', 'F-I'], ['F-D-I', 'F-D-I'],
];
const MOTIVOS_SIN_ACTA = [
  ['1', 'Paquete no entregado'], ['2', 'Casilla no instalada'], ['3', 'Sin sobre (paquete sin Sobre PREP)'],
  ['4', 'Contingencia en urna electrónica'],
];
const PATRON_CLAVE = /^[0-9A-Za-z]{10,32}$/;

function campoClave(id, etiqueta) {
  const input = el('input', { id, name: id, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', 'aria-describedby': id + '-ayuda' });
  return [el('label', { for: id }, etiqueta), el('p', { class: 'ayuda', id: id + '-ayuda' }, 'La clave impresa en la etiqueta del Sobre (CLAVE_ACTA), o léala con la cámara.'), input];
}

function validarClave(input) {
  const v = input.value.trim().toUpperCase();
  input.value = v;
  if (!v) { errorCampo(input, 'Escriba la clave del acta.'); return null; }
  if (!PATRON_CLAVE.test(v)) { errorCampo(input, 'La clave tiene de 10 a 32 letras y dígitos, sin espacios ni guiones.'); return null; }
  return v;
}

// Reads a QR or bar code with the camera where the browser can (BarcodeDetector).
function botonQr(input) {
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices) return null;
  return el('button', {
    type: 'button', class: 'secundario', onclick: async () => {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        const video = el('video', { 'aria-label': 'Vista de la cámara', playsinline: true, muted: true });
        video.srcObject = stream;
        input.insertAdjacentElement('afterend', video);
        await video.play();
        const det = new window.BarcodeDetector({ formats: ['qr_code', 'code_128'] });
        const fin = Date.now() + 20000;
        while (Date.now() < fin) {
          const c = await det.detect(video);
          if (c.length) { input.value = c[0].rawValue.trim().toUpperCase(); break; }
          await new Promise((r) => setTimeout(r, 250));
        }
        stream.getTracks().forEach((t) => t.stop());
        video.remove();
        input.focus();
      } catch (e) {
        aviso('No se pudo usar la cámara: escriba la clave.', true);
      }
    },
  }, 'Leer código con la cámara');
}

async function pantallaAcopio(main) {
  const [lClave, ayuda, clave] = campoClave('clave', 'Clave del acta');
  const mecanismo = el('select', { id: 'mecanismo', name: 'mecanismo' }, MECANISMOS.map(([v, t]) => el('option', { value: v }, t)));
  const sinActa = el('input', { id: 'sin-acta', type: 'checkbox', name: 'sin_acta' });
  const motivo = el('select', { id: 'motivo', name: 'motivo', disabled: true },
    el('option', { value: '' }, 'Elija el motivo'), MOTIVOS_SIN_ACTA.map(([v, t]) => el('option', { value: v }, t)));
  sinActa.addEventListener('change', () => { motivo.disabled = !sinActa.checked; if (sinActa.checked) motivo.focus(); });
  const form = el('form', { id: 'form-acopio', novalidate: true },
    lClave, ayuda, clave, botonQr(clave),
    el('label', { for: 'mecanismo' }, 'Mecanismo de traslado'), mecanismo,
    el('fieldset', {}, el('legend', {}, 'Sin acta'),
      el('label', { for: 'sin-acta', class: 'radios' }, sinActa, ' El Sobre llegó sin Acta PREP'),
      el('label', { for: 'motivo' }, 'Motivo'), motivo),
    el('button', { type: 'submit' }, 'Registrar el Sobre (Enter)'));
  const recientes = el('div', { id: 'recientes' });
  let clavePendiente = null;  // kept while the same Sobre is retried
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    limpiarErrores(form);
    const v = validarClave(clave);
    if (!v) { clave.focus(); return; }
    const cuerpo = { mecanismos_traslado: mecanismo.value };
    if (sinActa.checked) {
      if (!motivo.value) { errorCampo(motivo, 'Elija por qué llegó sin acta.'); motivo.focus(); return; }
      cuerpo.sin_acta = Number(motivo.value);
    }
    const huella = JSON.stringify([v, cuerpo]);
    if (!clavePendiente || clavePendiente.huella !== huella) clavePendiente = { huella, clave: nuevaClave() };
    try {
      const r = await api('POST', `/api/v1/actas/${encodeURIComponent(v)}/acopio`, { cuerpo, clave: clavePendiente.clave });
      clavePendiente = null;
      aviso(`Registrado: ${v} a las ${hora(r.evento.at_ms, true)}${cuerpo.sin_acta ? ' (sin acta)' : ''}.`);
      form.reset();
      motivo.disabled = true;
      clave.focus();
      await listarAcopios(recientes);
    } catch (e) {
      if (e.status !== 0) clavePendiente = null;
      errorCampo(e.campo === 'mecanismos_traslado' ? mecanismo : clave, e.message);
      clave.focus();
    }
  });
  main.append(el('p', {}, `Sede: ${sesion.sitio}. Registre cada Sobre PREP al recibirlo.`), form,
    el('h2', {}, 'Últimos registros de esta sede'), recientes);
  clave.focus();
  await listarAcopios(recientes);
}

async function listarAcopios(caja) {
  const filas = await api('GET', '/api/v1/acopios').catch(() => []);
  caja.replaceChildren(filas.length
    ? el('div', { class: 'tabla' }, el('table', { id: 'tabla-acopios' },
      el('caption', {}, 'Los 20 Sobres más recientes'),
      el('thead', {}, el('tr', {}, ['Clave del acta', 'Hora', 'Traslado', 'Observación'].map((t) => el('th', { scope: 'col' }, t)))),
      el('tbody', {}, filas.map((f) => el('tr', {},
        el('td', {}, el('code', {}, f.clave_acta)), el('td', {}, hora(f.hora_ms, true)),
        el('td', {}, f.mecanismos_traslado || '—'),
        el('td', {}, f.sin_acta ? 'Sin acta (' + f.sin_acta + ')' : f.en_catalogo ? '' : 'Fuera de catálogo'))))))
    : el('p', {}, 'Aún no hay registros.'));
}

// ── Digitalización ──────────────────────────────────────────────────────────

const TIPOS_IMAGEN = ['image/png', 'image/jpeg', 'application/pdf'];

// Uploads an image with progress; resolves to the server's answer.
function subirImagen(clave, archivo, origen, dispositivo, idem, progreso) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', `/api/v1/actas/${encodeURIComponent(clave)}/imagenes?origen=${origen}&dispositivo=${dispositivo}`);
    x.setRequestHeader('Authorization', 'Bearer ' + sesion.token);
    x.setRequestHeader('Idempotency-Key', idem);
    x.setRequestHeader('Content-Type', archivo.type || 'application/octet-stream');
    x.upload.onprogress = (e) => { if (e.lengthComputable && progreso) progreso(e.loaded / e.total); };
    x.onerror = () => reject(new ErrorApi(0, 'red', 'Sin conexión con el servidor: se puede reintentar.', ''));
    x.onload = () => {
      let d = null;
      try { d = JSON.parse(x.responseText); } catch (e) { d = null; }
      if (x.status >= 200 && x.status < 300) resolve(d);
      else {
        const err = (d && d.error) || {};
        reject(new ErrorApi(x.status, err.code || '', explicar(x.status, err.message || ''), err.field || ''));
      }
    };
    x.send(archivo);
  });
}

async function pantallaDigitalizacion(main) {
  const pendientes = el('div', { id: 'pendientes' });
  const lista = el('datalist', { id: 'claves-pendientes' });
  const [lClave, ayuda, clave] = campoClave('clave-imagen', 'Clave del acta (si sube una sola imagen)');
  clave.setAttribute('list', 'claves-pendientes');
  const archivos = el('input', { id: 'archivos', type: 'file', accept: TIPOS_IMAGEN.join(','), multiple: true, 'aria-describedby': 'archivos-ayuda' });
  // The scanner's output folder at once (every image in it, each named as its acta).
  const carpeta = el('input', { id: 'carpeta', type: 'file', webkitdirectory: true, multiple: true });
  const resultados = el('ul', { id: 'subidas', class: 'cola', 'aria-live': 'polite' });
  const form = el('form', { id: 'form-digitalizacion', novalidate: true },
    lClave, ayuda, clave, lista,
    el('label', { for: 'archivos' }, 'Imágenes del escáner'),
    el('p', { class: 'ayuda', id: 'archivos-ayuda' },
      'PNG, JPEG o PDF. Con varias a la vez, cada archivo debe llamarse como su acta (por ejemplo 050001B0100002.png).'),
    archivos,
    el('label', { for: 'carpeta' }, 'O toda la carpeta del escáner'), carpeta,
    el('button', { type: 'submit' }, 'Subir'));
  const idems = new Map();  // file → its Idempotency-Key, for retries
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    limpiarErrores(form);
    const deCarpeta = [...carpeta.files].filter((f) => TIPOS_IMAGEN.includes(f.type) || /\.(png|jpe?g|pdf)$/i.test(f.name));
    const fs = [...archivos.files, ...deCarpeta];
    if (!fs.length) { errorCampo(archivos, 'Elija al menos una imagen, o la carpeta del escáner.'); archivos.focus(); return; }
    const malos = fs.filter((f) => f.type && !TIPOS_IMAGEN.includes(f.type));
    if (malos.length) { errorCampo(archivos, `${malos[0].name} no es PNG, JPEG ni PDF.`); archivos.focus(); return; }
    let unica = null;
    if (fs.length === 1 && clave.value.trim()) {
      unica = validarClave(clave);
      if (!unica) { clave.focus(); return; }
    }
    for (const f of fs) {
      const deNombre = f.name.replace(/\.[^.]*$/, '').toUpperCase();
      const c = unica || (PATRON_CLAVE.test(deNombre) ? deNombre : null);
      if (!c) { errorCampo(fs.length === 1 ? clave : archivos, `No sé de qué acta es ${f.name}: escriba la clave o nombre el archivo como el acta.`); return; }
      const barra = el('progress', { max: '1', value: '0', 'aria-label': 'Subiendo ' + f.name });
      const linea = el('li', {}, el('code', {}, c), ' ', f.name, ' ', barra);
      resultados.prepend(linea);
      const k = f.name + ':' + f.size + ':' + c;
      if (!idems.has(k)) idems.set(k, nuevaClave());
      try {
        const r = await subirImagen(c, f, 'CATD', 'ESCANER', idems.get(k), (x) => { barra.value = x; });
        idems.delete(k);
        barra.value = 1;
        linea.append(' ', el('span', { class: 'ok' }, r.replay ? 'ya estaba' : 'guardada'), ' SHA-256 ', el('code', { class: 'sha' }, (r.datos && r.datos.sha256) || ''));
      } catch (e) {
        linea.append(' ', el('span', { class: 'error' }, e.message));
      }
    }
    form.reset();
    await listarPendientes(pendientes, lista);
  });
  main.append(form, el('h2', {}, 'Resultado de las subidas'), resultados,
    el('h2', {}, 'Actas de esta sede por digitalizar'), pendientes);
  await listarPendientes(pendientes, lista);
}

async function listarPendientes(caja, lista) {
  const filas = await api('GET', '/api/v1/pendientes').catch(() => []);
  lista.replaceChildren(...filas.map((f) => el('option', { value: f.clave_acta })));
  caja.replaceChildren(filas.length
    ? el('ul', { class: 'cola' }, filas.map((f) => el('li', {}, el('code', {}, f.clave_acta),
      f.redigitalizacion ? el('span', { class: 'etiqueta mal' }, ' redigitalización ordenada') : ` (acopio ${hora(f.hora_acopio_ms)})`)))
    : el('p', {}, 'No hay actas pendientes.'));
}

// ── PREP Casilla (phone at the polling station) ─────────────────────────────
// A photo is kept in IndexedDB until the server acknowledges it, with the
// Idempotency-Key it got when it was taken: without network it waits and is
// sent when the network returns, and however many times it is retried the
// server stores it once.

const BD = 'prep-casilla';
function abrirBd() {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(BD, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('fotos', { keyPath: 'id' });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
async function bd(modo, f) {
  const db = await abrirBd();
  return new Promise((resolve, reject) => {
    const t = db.transaction('fotos', modo);
    const res = f(t.objectStore('fotos'));
    t.oncomplete = () => resolve(res && 'result' in res ? res.result : undefined);
    t.onerror = () => reject(t.error);
  });
}

// A photo in pieces of 256 KiB: after a cut, the server says how much it has
// and the upload goes on from there; the last call stores it under the
// photo's id as Idempotency-Key, so it is stored once however often it is sent.
const TROZO = 256 * 1024;
async function subirPorPartes(f) {
  let recibidos = (await api('GET', `/api/v1/subidas/${f.id}`)).recibidos;
  while (recibidos < f.foto.size) {
    try {
      const r = await api('PUT', `/api/v1/subidas/${f.id}?desde=${recibidos}`, { cuerpo: f.foto.slice(recibidos, recibidos + TROZO) });
      recibidos = r.recibidos;
    } catch (e) {
      if (e.status === 409 && e.datos && typeof e.datos.recibidos === 'number') recibidos = e.datos.recibidos;
      else throw e;
    }
  }
  return api('POST', `/api/v1/actas/${encodeURIComponent(f.clave)}/imagenes?origen=CASILLA&dispositivo=MOVIL&subida=${f.id}`,
    { cuerpo: new Blob([]), clave: f.id });
}

let enviandoCola = false;
async function enviarCola(caja) {
  if (enviandoCola) return;
  enviandoCola = true;
  try {
    const fotos = (await bd('readonly', (s) => s.getAll())) || [];
    for (const f of fotos) {
      if (f.error) continue;
      try {
        const r = await subirPorPartes(f);
        await bd('readwrite', (s) => s.delete(f.id));
        aviso(`Enviada el acta ${f.clave}: SHA-256 ${(r.datos && r.datos.sha256) || ''}`);
      } catch (e) {
        if (e.status === 0) break;  // no network: the rest waits too
        if (e.status === 401) break;
        f.error = e.message;
        await bd('readwrite', (s) => s.put(f));
      }
    }
  } finally {
    enviandoCola = false;
    if (caja) await dibujarCola(caja);
  }
}

async function dibujarCola(caja) {
  const fotos = (await bd('readonly', (s) => s.getAll())) || [];
  caja.replaceChildren(fotos.length
    ? el('ul', { class: 'cola', id: 'cola-casilla' }, fotos.map((f) => el('li', {},
      el('code', {}, f.clave), ' ', f.error ? el('span', { class: 'error' }, f.error) : el('span', { class: 'advertencia' }, 'pendiente de envío'),
      ' ', el('button', {
        type: 'button', class: 'secundario', 'aria-label': 'Descartar la foto del acta ' + f.clave,
        onclick: async () => { await bd('readwrite', (s) => s.delete(f.id)); await dibujarCola(caja); },
      }, 'Descartar'))))
    : el('p', { id: 'cola-vacia' }, 'No hay fotos pendientes: todas se enviaron.'));
}

async function pantallaCasilla(main) {
  const [lClave, ayuda, clave] = campoClave('clave-casilla', 'Clave del acta');
  const foto = el('input', { id: 'foto', type: 'file', accept: 'image/*', capture: 'environment' });
  const vista = el('img', { id: 'vista', alt: 'Vista previa de la foto del acta', hidden: true, style: 'max-width:100%' });
  const legible = el('input', { id: 'legible', type: 'checkbox' });
  const cola = el('div', { id: 'cola' });
  const red = el('p', { id: 'red', role: 'status' });
  const estadoRed = () => { red.textContent = navigator.onLine ? 'Con red.' : 'Sin red: las fotos se guardan en el teléfono y se envían solas al volver la red.'; };
  foto.addEventListener('change', () => {
    errorCampo(foto, '');
    if (foto.files[0]) { vista.src = URL.createObjectURL(foto.files[0]); vista.hidden = false; }
  });
  const form = el('form', { id: 'form-casilla', novalidate: true },
    lClave, ayuda, clave, botonQr(clave),
    el('label', { for: 'foto' }, 'Foto del acta'), foto, vista,
    el('label', { for: 'legible', class: 'radios' }, legible, ' En la foto se leen todas las cifras'),
    el('button', { type: 'submit' }, 'Enviar'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    limpiarErrores(form);
    const c = validarClave(clave);
    if (!c) { clave.focus(); return; }
    const f = foto.files[0];
    if (!f) { errorCampo(foto, 'Tome la foto del acta.'); foto.focus(); return; }
    if (f.type && !['image/png', 'image/jpeg'].includes(f.type)) { errorCampo(foto, 'La foto debe ser PNG o JPEG.'); foto.focus(); return; }
    if (!legible.checked) { errorCampo(legible, 'Revise la foto: si no se leen las cifras, tómela otra vez.'); legible.focus(); return; }
    await bd('readwrite', (s) => s.put({ id: nuevaClave(), clave: c, foto: f, creada: Date.now() }));
    form.reset();
    vista.hidden = true;
    aviso(navigator.onLine ? `Enviando el acta ${c}…` : `Guardada el acta ${c}: se enviará al volver la red.`);
    await dibujarCola(cola);
    await enviarCola(cola);
  });
  window.addEventListener('online', () => { estadoRed(); enviarCola(cola); });
  window.addEventListener('offline', estadoRed);
  estadoRed();
  main.append(red, form, el('h2', {}, 'Fotos en este teléfono'), cola);
  await dibujarCola(cola);
  enviarCola(cola);
  // Retries while the page is open, also when the browser does not notice the network came back.
  temporizador = setInterval(() => enviarCola(cola), 5000);
}

// ── The acta image viewer (captura, verificación, cotejo) ────────────────────

function visorImagen(url, clave) {
  let escala = 1;
  let giro = 0;
  const img = el('img', { src: url, alt: 'Imagen del acta ' + clave, id: 'imagen-acta' });
  const caja = el('div', { class: 'visor', tabindex: '0', 'aria-label': 'Imagen del acta; teclas + y − acercan y alejan, R gira' }, img);
  const aplicar = () => { img.style.transform = `scale(${escala}) rotate(${giro}deg)`; };
  const acercar = () => { escala = Math.min(4, escala * 1.25); aplicar(); };
  const alejar = () => { escala = Math.max(0.25, escala / 1.25); aplicar(); };
  const girar = () => { giro = (giro + 90) % 360; aplicar(); };
  caja.addEventListener('keydown', (e) => {
    if (e.key === '+' || e.key === '=') { acercar(); e.preventDefault(); }
    if (e.key === '-') { alejar(); e.preventDefault(); }
    if (e.key === 'r' || e.key === 'R') { girar(); e.preventDefault(); }
  });
  return el('div', {},
    el('div', { class: 'herramientas' },
      el('button', { type: 'button', class: 'secundario', onclick: acercar, 'aria-label': 'Acercar la imagen' }, '+'),
      el('button', { type: 'button', class: 'secundario', onclick: alejar, 'aria-label': 'Alejar la imagen' }, '−'),
      el('button', { type: 'button', class: 'secundario', onclick: girar, 'aria-label': 'Girar la imagen' }, '↻')),
    caja);
}

// A vote field: a count, or one key for ILEGIBLE (I) or SIN DATO (S).
function valorDeCampo(texto) {
  const t = texto.trim().toUpperCase();
  if (t === 'ILEGIBLE') return 'ILEGIBLE';
  if (t === 'SIN DATO') return 'SIN DATO';
  if (/^\d{1,6}$/.test(t) && Number(t) <= 100000) return Number(t);
  return undefined;
}

function campoVoto(id, etiqueta, valor) {
  const input = el('input', { id, name: id, inputmode: 'numeric', autocomplete: 'off', 'aria-describedby': 'ayuda-votos' });
  if (valor !== undefined && valor !== null) input.value = String(valor);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'i' || e.key === 'I') { input.value = 'ILEGIBLE'; e.preventDefault(); saltar(input, e); }
    else if (e.key === 's' || e.key === 'S') { input.value = 'SIN DATO'; e.preventDefault(); saltar(input, e); }
    else if (e.key === 'Enter') { e.preventDefault(); saltar(input, e, true); }
    else if (e.key === 'Backspace' && /[A-Z]/.test(input.value)) { input.value = ''; e.preventDefault(); }
  });
  return [el('label', { for: id }, etiqueta), input];
}

// Enter (or I/S) moves to the next field; Enter on the last submits.
function saltar(input, e, enviar) {
  const campos = [...input.form.querySelectorAll('input[data-voto]')];
  const i = campos.indexOf(input);
  if (i >= 0 && i + 1 < campos.length) campos[i + 1].focus();
  else if (enviar) input.form.requestSubmit();
}

function leerVotos(form, columnas, prefijo) {
  const valores = [];
  let primero = null;
  for (const [k, c] of columnas.entries()) {
    const input = form.querySelector('#' + prefijo + k);
    const v = valorDeCampo(input.value);
    if (v === undefined) {
      errorCampo(input, input.value.trim() ? `${c}: escriba una cifra de 0 a 100,000, o I (ilegible) o S (sin dato).` : `${c}: escriba la cifra, o I (ilegible) o S (sin dato).`);
      primero = primero || input;
    } else {
      errorCampo(input, '');
    }
    valores.push(v);
  }
  return { valores, primero };
}

// ── Captura ─────────────────────────────────────────────────────────────────

async function pantallaCaptura(main) {
  const zona = el('div', { id: 'zona-captura' });
  const siguiente = el('button', { type: 'button', id: 'siguiente' }, 'Tomar la siguiente acta');
  siguiente.addEventListener('click', () => tomarParaCapturar(zona, siguiente));
  main.append(el('p', { class: 'ayuda' }, 'Las dos capturas de un acta las hacen dos personas distintas; nadie ve la captura de la otra.'), siguiente, zona);
  siguiente.focus();
}

async function tomarParaCapturar(zona, siguiente) {
  zona.replaceChildren();
  let t;
  try {
    t = await api('POST', '/api/v1/cola/captura');
  } catch (e) {
    zona.append(el('p', { class: 'error' }, e.message));
    return;
  }
  if (!t.clave_acta) {
    zona.append(el('p', { id: 'sin-trabajo' }, 'No hay actas por capturar ahora. Vuelva a intentar en un momento.'));
    siguiente.focus();
    return;
  }
  const columnas = t.columnas;
  const url = t.imagen ? await urlImagen(t.imagen).catch(() => null) : null;
  const campos = el('div', { class: 'campos' }, columnas.map((c, k) => {
    const [l, i] = campoVoto('voto-' + k, c);
    i.dataset.voto = '1';
    return el('div', {}, l, i);
  }));
  const total = el('input', { id: 'total-asentado', inputmode: 'numeric', autocomplete: 'off', 'aria-describedby': 'total-ayuda' });
  const suma = el('p', { id: 'suma', class: 'advertencia', role: 'status' });
  const form = el('form', { id: 'form-captura', novalidate: true },
    el('h2', {}, 'Acta ', el('code', { id: 'clave-en-captura' }, t.clave_acta)),
    el('p', { class: 'ayuda', id: 'ayuda-votos' }, 'Escriba cada cifra como está en el acta. Tecla I: ILEGIBLE. Tecla S: SIN DATO. Enter pasa al siguiente campo.'),
    campos,
    el('label', { for: 'total-asentado' }, 'Total de votos asentado en el acta (opcional)'),
    el('p', { class: 'ayuda', id: 'total-ayuda' }, 'Sólo para comprobar la suma: si no coincide se avisa, pero se puede guardar.'),
    total, suma,
    el('button', { type: 'submit' }, 'Guardar la captura'));
  const idem = nuevaClave();
  let avisado = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { valores, primero } = leerVotos(form, columnas, 'voto-');
    if (primero) { primero.focus(); return; }
    const s = valores.reduce((a, v) => a + (typeof v === 'number' ? v : 0), 0);
    const tv = total.value.trim();
    if (tv && Number(tv) !== s && !avisado) {
      suma.textContent = `La suma de los campos (${miles(s)}) no coincide con el total asentado (${miles(Number(tv))}). Revise; si está bien como en el acta, pulse Guardar otra vez.`;
      avisado = true;
      return;
    }
    try {
      await api('POST', `/api/v1/actas/${encodeURIComponent(t.clave_acta)}/capturas`, { cuerpo: { valores }, clave: idem });
      aviso(`Captura del acta ${t.clave_acta} guardada.`);
      await tomarParaCapturar(zona, siguiente);
    } catch (e) {
      aviso(e.message, true);
    }
  });
  zona.append(el('div', { class: 'dos' }, url ? visorImagen(url, t.clave_acta) : el('p', { class: 'error' }, 'No se pudo cargar la imagen.'), form));
  form.querySelector('input[data-voto]').focus();
}

// ── Verificación ────────────────────────────────────────────────────────────

function textoValor(v) {
  return v === undefined || v === null ? '—' : String(v);
}

async function pantallaVerificacion(main) {
  const zona = el('div', { id: 'zona-verificacion' });
  const siguiente = el('button', { type: 'button', id: 'siguiente' }, 'Tomar la siguiente acta por verificar');
  siguiente.addEventListener('click', () => tomarParaVerificar(zona, siguiente));
  main.append(siguiente, zona);
  siguiente.focus();
}

async function tomarParaVerificar(zona, siguiente) {
  zona.replaceChildren();
  let t;
  try {
    t = await api('POST', '/api/v1/cola/verificacion');
  } catch (e) {
    zona.append(el('p', { class: 'error' }, e.message));
    return;
  }
  if (!t.clave_acta) {
    zona.append(el('p', { id: 'sin-trabajo' }, 'No hay actas por verificar ahora.'));
    siguiente.focus();
    return;
  }
  const acta = await api('GET', '/api/v1/actas/' + encodeURIComponent(t.clave_acta));
  await dibujarVerificacion(zona, acta, t.columnas, () => tomarParaVerificar(zona, siguiente));
}

async function dibujarVerificacion(zona, acta, columnas, despues) {
  const caps = acta.valores_capturas || [];
  const sha = acta.imagenes.length ? acta.imagenes[acta.imagenes.length - 1].sha256 : '';
  const url = sha ? await urlImagen(sha).catch(() => null) : null;
  const filas = columnas.map((c, k) => {
    const a = caps[0] ? caps[0].valores[k] : undefined;
    const b = caps[1] ? caps[1].valores[k] : undefined;
    const igual = caps.length >= 2 && caps.every((x) => x.valores[k] === a);
    const input = el('input', { id: 'final-' + k, 'data-voto': '1', inputmode: 'numeric', autocomplete: 'off', 'aria-label': `${c}: valor verificado` });
    input.value = igual ? String(a) : '';
    return el('tr', { class: igual ? null : 'difiere' },
      el('th', { scope: 'row' }, c), el('td', { class: 'num' }, textoValor(a)), el('td', { class: 'num' }, textoValor(b)),
      el('td', {}, input, igual ? null : el('span', { class: 'etiqueta mal' }, 'difieren')));
  });
  const motivo = el('input', { id: 'motivo', autocomplete: 'off' });
  const form = el('form', { id: 'form-verificacion', novalidate: true },
    el('h2', {}, 'Acta ', el('code', { id: 'clave-en-verificacion' }, acta.clave_acta)),
    acta.discrepancia ? el('p', { class: 'advertencia', id: 'hay-discrepancia' }, 'Las capturas difieren: escriba el valor que se lee en la imagen en las filas marcadas.') : el('p', {}, 'Las capturas coinciden. Compárelas con la imagen.'),
    el('div', { class: 'tabla' }, el('table', { id: 'tabla-verificacion' },
      el('caption', {}, 'Capturas del acta, lado a lado'),
      el('thead', {}, el('tr', {}, ['Campo', 'Captura 1', 'Captura 2', 'Valor verificado'].map((x) => el('th', { scope: 'col' }, x)))),
      el('tbody', {}, filas))),
    el('label', { for: 'motivo' }, 'Motivo (para corregir u ordenar)'), motivo,
    el('div', {},
      el('button', { type: 'submit', name: 'accion', value: 'aceptar', disabled: acta.discrepancia ? true : null }, 'Aceptar como se capturó'),
      el('button', { type: 'submit', name: 'accion', value: 'corregir' }, 'Guardar con los valores verificados'),
      el('button', { type: 'submit', name: 'accion', value: 'recaptura', class: 'secundario' }, 'Ordenar recaptura'),
      el('button', { type: 'submit', name: 'accion', value: 'redigitalizacion', class: 'secundario' }, 'Ordenar redigitalización')));
  const idem = nuevaClave();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    limpiarErrores(form);
    const accion = ev.submitter ? ev.submitter.value : 'corregir';
    const clave = encodeURIComponent(acta.clave_acta);
    try {
      if (accion === 'aceptar') {
        await api('POST', `/api/v1/actas/${clave}/verificacion`, { cuerpo: { aceptar: true }, clave: idem });
      } else if (accion === 'corregir') {
        const { valores, primero } = leerVotos(form, columnas, 'final-');
        if (primero) { primero.focus(); return; }
        const cambia = caps.length && valores.some((v, k) => v !== caps[0].valores[k]);
        if (!acta.discrepancia && !cambia) {
          await api('POST', `/api/v1/actas/${clave}/verificacion`, { cuerpo: { aceptar: true }, clave: idem });
        } else {
          if (!acta.discrepancia && !motivo.value.trim()) { errorCampo(motivo, 'Diga por qué corrige lo que ambas capturas coinciden.'); motivo.focus(); return; }
          await api('POST', `/api/v1/actas/${clave}/verificacion`, { cuerpo: { aceptar: false, valores, motivo: motivo.value.trim() || 'capturas distintas; valor de la imagen' }, clave: idem });
        }
      } else {
        if (!motivo.value.trim()) { errorCampo(motivo, 'Una orden necesita su motivo.'); motivo.focus(); return; }
        await api('POST', `/api/v1/actas/${clave}/ordenes`, { cuerpo: { tipo: accion, motivo: motivo.value.trim() }, clave: idem });
      }
      aviso(accion === 'recaptura' || accion === 'redigitalizacion'
        ? `Orden de ${accion} del acta ${acta.clave_acta} registrada.` : `Acta ${acta.clave_acta} verificada.`);
      if (despues) await despues();
    } catch (e) {
      aviso(e.message, true);
    }
  });
  zona.replaceChildren(el('div', { class: 'dos' }, url ? visorImagen(url, acta.clave_acta) : el('p', { class: 'error' }, 'Sin imagen.'), form));
  const primero = form.querySelector('tr.difiere input') || form.querySelector('button[value="aceptar"]:not([disabled])') || form.querySelector('input');
  if (primero) primero.focus();
}

// ── Cotejo ──────────────────────────────────────────────────────────────────

async function pantallaCotejo(main) {
  const [lClave, ayuda, clave] = campoClave('clave-cotejo', 'Clave del acta a cotejar');
  const zona = el('div', { id: 'zona-cotejo' });
  const form = el('form', { id: 'form-buscar-cotejo', novalidate: true }, lClave, ayuda, clave, el('button', { type: 'submit' }, 'Abrir'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    limpiarErrores(form);
    const c = validarClave(clave);
    if (!c) { clave.focus(); return; }
    let acta;
    try { acta = await api('GET', '/api/v1/actas/' + encodeURIComponent(c)); } catch (e) { errorCampo(clave, e.message); return; }
    if (!acta.verificada) { errorCampo(clave, 'El acta aún no está verificada: no se puede cotejar.'); return; }
    const sha = acta.imagenes.length ? acta.imagenes[acta.imagenes.length - 1].sha256 : '';
    const url = sha ? await urlImagen(sha).catch(() => null) : null;
    const cols = eleccion.columnas;
    const codigos = [['1', 'Aceptada: coincide con el acta'], ['2', 'Cotejada después de modificada'], ['3', 'Cotejada sin aceptar']];
    const f2 = el('form', { id: 'form-cotejo', novalidate: true },
      el('div', { class: 'tabla' }, el('table', {}, el('caption', {}, 'Valores publicados'),
        el('tbody', {}, cols.map((col, k) => el('tr', {}, el('th', { scope: 'row' }, col), el('td', { class: 'num' }, textoValor(acta.valores && acta.valores[k]))))))),
      el('fieldset', { class: 'radios' }, el('legend', {}, 'Resultado del cotejo'),
        codigos.map(([v, t], i) => el('label', { for: 'codigo-' + v }, el('input', { type: 'radio', name: 'codigo', id: 'codigo-' + v, value: v, checked: i === 0 }), ' ' + t))),
      el('button', { type: 'submit' }, 'Registrar el cotejo'));
    const idem = nuevaClave();
    f2.addEventListener('submit', async (e2) => {
      e2.preventDefault();
      const codigo = Number(new FormData(f2).get('codigo'));
      try {
        await api('POST', `/api/v1/actas/${encodeURIComponent(c)}/cotejo`, { cuerpo: { codigo }, clave: idem });
        aviso(`Cotejo del acta ${c} registrado (código ${codigo}).`);
        zona.replaceChildren();
        clave.value = '';
        clave.focus();
      } catch (er) { aviso(er.message, true); }
    });
    zona.replaceChildren(el('div', { class: 'dos' }, url ? visorImagen(url, c) : el('p', {}, 'Sin imagen.'), f2));
  });
  main.append(form, zona);
  clave.focus();
}

// ── Coordinación ────────────────────────────────────────────────────────────

const FASES = [['acopiadas', 'Acopiadas'], ['digitalizadas', 'Digitalizadas'], ['capturadas', 'Capturadas'], ['verificadas', 'Verificadas']];

function tablaConteos(id, titulo, clave, filas) {
  return el('div', { class: 'tabla' }, el('table', { id },
    el('caption', {}, titulo),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, clave), el('th', { scope: 'col', class: 'num' }, 'Esperadas'),
      FASES.map(([, t]) => el('th', { scope: 'col', class: 'num' }, t)), el('th', { scope: 'col', class: 'num' }, 'Sin acta'))),
    el('tbody', {}, filas.map(([nombre, c]) => el('tr', {}, el('th', { scope: 'row' }, nombre),
      el('td', { class: 'num' }, miles(c.esperadas)),
      FASES.map(([k]) => el('td', { class: 'num' }, `${miles(c[k])} (${pct(c[k], c.esperadas)})`)),
      el('td', { class: 'num' }, miles(c.sin_acta)))))));
}

async function pantallaCoordinacion(main) {
  const zona = el('div', { id: 'zona-avance' });
  const estado = el('p', { id: 'actualizado', role: 'status', class: 'ayuda' });
  const botones = el('div', {});
  if (sesion.rol === 'coordinador' && eleccion.publicacion && eleccion.publicacion.simulacro) {
    const forzar = el('button', { type: 'button', id: 'forzar-corte' }, 'Publicar un corte ahora (simulacro)');
    forzar.addEventListener('click', async () => {
      forzar.disabled = true;
      try {
        const r = await api('POST', '/api/v1/cortes', { cuerpo: { final: false } });
        aviso(`Corte ${r.corte} publicado.`);
        await actualizar();
      } catch (e) { aviso(e.message, true); }
      forzar.disabled = false;
    });
    botones.append(forzar);
  }
  const actualizar = async () => {
    let a;
    try { a = await api('GET', '/api/v1/avance'); } catch (e) { estado.textContent = e.message; return; }
    dibujarAvance(zona, a);
    estado.textContent = 'Actualizado a las ' + hora(a.ahora_ms, true) + ' (hora de la elección); se actualiza cada 10 segundos.';
  };
  main.append(botones, estado, zona);
  await actualizar();
  temporizador = setInterval(actualizar, 10000);
}

function dibujarAvance(zona, a) {
  const t = a.total;
  const pub = a.publicacion || {};
  const tarjetas = el('div', { class: 'tarjetas', id: 'tarjetas' },
    FASES.map(([k, titulo]) => el('div', { class: 'tarjeta' }, titulo, el('span', { class: 'cifra' }, miles(t[k])),
      `${pct(t[k], t.esperadas)} de ${miles(t.esperadas)}`,
      el('div', { class: 'progreso', role: 'img', 'aria-label': `${titulo}: ${pct(t[k], t.esperadas)}` }, el('span', { style: `width:${t.esperadas ? (100 * t[k]) / t.esperadas : 0}%` })))),
    el('div', { class: 'tarjeta' }, 'Siguiente corte', el('span', { class: 'cifra', id: 'siguiente-corte' },
      pub.cerrado ? 'cerrado' : pub.siguiente_corte_ms ? hora(pub.siguiente_corte_ms) : '—'),
    pub.siguiente_corte_ms && !pub.cerrado ? `en ${Math.max(0, Math.round((pub.siguiente_corte_ms - a.ahora_ms) / 60000))} min` : '',
    pub.ultimo_corte ? el('div', {}, 'Último: ', el('code', {}, pub.ultimo_corte)) : ''));
  const ritmo = el('div', { class: 'tabla' }, el('table', { id: 'tabla-ritmo' }, el('caption', {}, 'En la última hora'),
    el('tbody', {}, [['Sobres recibidos', a.acopios_ultima_hora], ['Imágenes', a.imagenes_ultima_hora], ['Capturas', a.capturas_ultima_hora], ['Verificaciones', a.verificaciones_ultima_hora]]
      .map(([x, n]) => el('tr', {}, el('th', { scope: 'row' }, x), el('td', { class: 'num' }, miles(n)))))));
  const NOMBRES = { acopio_a_digitalizacion: 'Acopio → imagen', digitalizacion_a_captura: 'Imagen → primera captura', captura_a_verificacion: 'Captura → verificación', acopio_a_verificacion: 'Acopio → verificación' };
  const min = (ms) => (ms / 60000).toFixed(1);
  const latencias = el('div', { class: 'tabla' }, el('table', { id: 'tabla-latencias' }, el('caption', {}, 'Tiempos entre fases (minutos de la elección)'),
    el('thead', {}, el('tr', {}, ['Tramo', 'Actas', 'p50', 'p90', 'p99', 'Máximo'].map((x, i) => el('th', { scope: 'col', class: i ? 'num' : null }, x)))),
    el('tbody', {}, (a.latencias || []).map((l) => el('tr', {}, el('th', { scope: 'row' }, NOMBRES[l.fase] || l.fase),
      el('td', { class: 'num' }, miles(l.n)), [l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms].map((x) => el('td', { class: 'num' }, min(x))))))));
  const ESPERA = { digitalizacion: 'imagen', captura: 'captura', verificacion: 'verificación', redigitalizacion: 'redigitalización' };
  const atoradas = (a.atoradas || []).length
    ? el('div', { class: 'tabla' }, el('table', { id: 'tabla-atoradas' }, el('caption', {}, `Actas detenidas más de 30 minutos (${miles(a.atoradas_total)})`),
      el('thead', {}, el('tr', {}, ['Acta', 'Espera', 'Desde', 'Distrito'].map((x) => el('th', { scope: 'col' }, x)))),
      el('tbody', {}, a.atoradas.map((x) => el('tr', {}, el('td', {}, el('code', {}, x.clave_acta)), el('td', {}, ESPERA[x.espera] || x.espera),
        el('td', {}, hora(x.desde_ms)), el('td', { class: 'num' }, x.distrito || '—'))))))
    : el('p', { id: 'sin-atoradas' }, 'Ninguna acta detenida más de 30 minutos.');
  const incidentes = (a.incidentes || []).length
    ? el('div', { class: 'tabla' }, el('table', { id: 'tabla-incidentes' }, el('caption', {}, 'Últimas acciones rechazadas (la bitácora de auditoría las guarda todas)'),
      el('thead', {}, el('tr', {}, ['Hora', 'Usuario', 'Sede', 'Acción', 'Acta', 'Motivo'].map((x) => el('th', { scope: 'col' }, x)))),
      el('tbody', {}, a.incidentes.map((x) => el('tr', {}, el('td', {}, hora(x.at_ms, true)), el('td', {}, x.usuario), el('td', {}, x.sitio),
        el('td', {}, x.accion), el('td', {}, x.acta ? el('code', {}, x.acta) : ''), el('td', {}, x.motivo))))))
    : el('p', { id: 'sin-incidentes' }, 'Ninguna acción rechazada.');
  zona.replaceChildren(tarjetas,
    el('p', {}, `Fuera de catálogo: ${miles(a.fuera_de_catalogo)} · con capturas que difieren: ${miles(t.discrepancias)} · sin acta: ${miles(t.sin_acta)}`),
    el('h2', {}, 'Ritmo y tiempos'), ritmo, latencias,
    el('h2', {}, 'Actas detenidas'), atoradas,
    el('h2', {}, 'Incidentes'), incidentes,
    el('h2', {}, 'Por distrito'), tablaConteos('tabla-distritos', 'Avance por distrito', 'Distrito', (a.por_distrito || []).map((d) => [String(d.distrito), d])),
    el('h2', {}, 'Por CATD'), tablaConteos('tabla-catd', 'Avance por CATD', 'CATD', (a.por_catd || []).map((d) => [d.sede, d])),
    el('h2', {}, 'Por CCV'), el('div', { class: 'tabla' }, el('table', { id: 'tabla-ccv' }, el('caption', {}, 'Trabajo de cada CCV'),
      el('thead', {}, el('tr', {}, ['CCV', 'Capturas', 'Verificaciones'].map((x, i) => el('th', { scope: 'col', class: i ? 'num' : null }, x)))),
      el('tbody', {}, (a.por_ccv || []).map((c) => el('tr', {}, el('th', { scope: 'row' }, c.sede), el('td', { class: 'num' }, miles(c.capturas)), el('td', { class: 'num' }, miles(c.verificaciones))))))));
}

// ── Administración ──────────────────────────────────────────────────────────

const ROLES = ['acopiador', 'digitalizador', 'capturista', 'verificador', 'cotejador', 'coordinador', 'administrador', 'auditor', 'consulta'];

function validarPassword(p, nombre) {
  if ([...p].length < 12) return 'La contraseña necesita al menos 12 caracteres.';
  const clases = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((r) => r.test(p)).length;
  if (clases < 2) return 'Mezcle al menos dos tipos: minúsculas, mayúsculas, dígitos u otros signos.';
  if (p.toLowerCase() === nombre.toLowerCase()) return 'La contraseña no puede ser el nombre de usuario.';
  return '';
}

function puestaEnCeros() {
  const resultado = el('div', { id: 'puesta-en-ceros', 'aria-live': 'polite' });
  const boton = el('button', { type: 'button', class: 'secundario', id: 'comprobar-ceros' }, 'Comprobar la puesta en ceros');
  boton.addEventListener('click', async () => {
    try {
      const c = await api('GET', '/api/v1/puesta-en-ceros');
      resultado.replaceChildren(
        el('p', { class: c.en_ceros ? 'ok' : 'advertencia' }, c.en_ceros
          ? 'En ceros: la base de datos no tiene datos de ninguna acta.'
          : `No está en ceros: ${miles(c.eventos_de_actas)} eventos de ${miles(c.actas_con_datos)} actas.`),
        el('p', {}, `Eventos en la bitácora: ${miles(c.eventos_en_bitacora)}; ${c.cadena}. Comprobado a las ${hora(c.ahora_ms, true)}.`));
    } catch (e) { resultado.replaceChildren(el('p', { class: 'error' }, e.message)); }
  });
  return { boton, resultado };
}

async function pantallaAdministracion(main) {
  const pub = eleccion.publicacion || {};
  const ceros = puestaEnCeros();
  const lista = el('div', { id: 'usuarios' });
  const nombre = el('input', { id: 'nuevo-nombre', autocomplete: 'off', autocapitalize: 'none', 'aria-describedby': 'nuevo-nombre-ayuda' });
  const rol = el('select', { id: 'nuevo-rol' }, ROLES.map((r) => el('option', { value: r }, r)));
  const sitio = el('select', { id: 'nuevo-sitio' }, el('option', { value: '*' }, '* (central)'),
    (eleccion.sedes || []).map((s) => el('option', { value: s.sede }, `${s.sede} (${s.tipo}${s.distrito ? ' ' + s.distrito : ''})`)));
  const pass = el('input', { id: 'nuevo-password', type: 'password', autocomplete: 'new-password' });
  const pass2 = el('input', { id: 'nuevo-password2', type: 'password', autocomplete: 'new-password' });
  const form = el('form', { id: 'form-usuario', novalidate: true },
    el('label', { for: 'nuevo-nombre' }, 'Nombre de usuario'),
    el('p', { class: 'ayuda', id: 'nuevo-nombre-ayuda' }, 'De 3 a 32 caracteres: a-z, 0-9, punto, guion bajo o guion.'), nombre,
    el('label', { for: 'nuevo-rol' }, 'Rol'), rol,
    el('label', { for: 'nuevo-sitio' }, 'Sede (CATD o CCV)'), sitio,
    el('label', { for: 'nuevo-password' }, 'Contraseña'), pass,
    el('label', { for: 'nuevo-password2' }, 'Repita la contraseña'), pass2,
    el('button', { type: 'submit' }, 'Crear el usuario'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    limpiarErrores(form);
    const n = nombre.value.trim();
    if (!/^[a-z0-9._-]{3,32}$/.test(n)) { errorCampo(nombre, 'El nombre debe tener de 3 a 32 caracteres: a-z, 0-9, punto, guion bajo o guion.'); nombre.focus(); return; }
    const mp = validarPassword(pass.value, n);
    if (mp) { errorCampo(pass, mp); pass.focus(); return; }
    if (pass.value !== pass2.value) { errorCampo(pass2, 'Las dos contraseñas no coinciden.'); pass2.focus(); return; }
    try {
      await api('POST', '/api/v1/usuarios', { cuerpo: { nombre: n, rol: rol.value, sitio: sitio.value, password: pass.value }, clave: nuevaClave() });
      aviso(`Usuario ${n} creado (${rol.value}, ${sitio.value}).`);
      form.reset();
      await listarUsuarios(lista);
    } catch (e) {
      const campo = { nombre: nombre, password: pass, sitio: sitio, rol: rol }[e.campo] || nombre;
      errorCampo(campo, e.message);
    }
  });
  main.append(
    el('h2', {}, 'La elección'),
    el('div', { class: 'tabla' }, el('table', { id: 'tabla-eleccion' }, el('tbody', {},
      [['Elección', `${eleccion.eleccion}, ${eleccion.entidad}`], ['Actas esperadas', miles(eleccion.actas)],
        ['Modo', pub.simulacro ? 'SIMULACRO (clave de simulacro)' : 'vivo'],
        ['Inicio de la publicación', (pub.acuerdos && pub.acuerdos.inicio) || '—'],
        ['Actualizaciones por hora', pub.acuerdos ? `${pub.acuerdos.actualizaciones_datos_por_hora} de datos, ${pub.acuerdos.actualizaciones_bd_por_hora} de la base de datos` : '—'],
        ['Última actualización', (pub.acuerdos && pub.acuerdos.ultima_actualizacion) || '—'],
        ['Cortes programados', pub.acuerdos ? miles(pub.acuerdos.cortes_programados) : '—'],
        ['Siguiente corte', pub.cerrado ? 'el PREP está cerrado' : pub.siguiente_corte || '—'],
        ['Último corte', pub.ultimo_corte || '—'], ['Clave pública Ed25519 de los cortes', pub.clave_publica || '—']]
        .map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, k.startsWith('Clave') ? el('code', { class: 'sha' }, v) : v)))))),
    el('h2', {}, 'Puesta en ceros'),
    el('p', { class: 'ayuda' }, 'Antes de la jornada la base de datos no debe tener ningún dato de actas (usuarios y la configuración no cuentan). Compruébelo ante el notario.'),
    ceros.boton, ceros.resultado,
    el('h2', {}, 'Usuarios'), lista, el('h2', {}, 'Nuevo usuario'), form);
  await listarUsuarios(lista);
}

async function listarUsuarios(caja) {
  let us;
  try { us = await api('GET', '/api/v1/usuarios'); } catch (e) { caja.replaceChildren(el('p', { class: 'error' }, e.message)); return; }
  const cambiar = async (u, cuerpo, texto) => {
    try {
      await api('POST', '/api/v1/usuarios/' + encodeURIComponent(u.nombre), { cuerpo, clave: nuevaClave() });
      // The message once the table shows the change: whoever reads it (or acts next) sees
      // the new table, not the one being replaced.
      await listarUsuarios(caja);
      aviso(texto);
    } catch (e) { aviso(e.message, true); }
  };
  caja.replaceChildren(el('div', { class: 'tabla' }, el('table', { id: 'tabla-usuarios' },
    el('caption', {}, `${us.length} usuarios`),
    el('thead', {}, el('tr', {}, ['Usuario', 'Rol', 'Sede', 'Estado', 'Acciones'].map((x) => el('th', { scope: 'col' }, x)))),
    el('tbody', {}, us.map((u) => el('tr', {}, el('th', { scope: 'row' }, u.nombre), el('td', {}, u.rol), el('td', {}, u.sitio),
      el('td', {}, el('span', { class: 'etiqueta ' + (u.activo ? 'ok' : 'mal') }, u.activo ? 'activo' : 'inactivo')),
      el('td', {}, u.nombre === sesion.usuario ? '' : accionesUsuario(u, cambiar))))))));
}

// Deactivate or reactivate, and change role and site (reasignar).
function accionesUsuario(u, cambiar) {
  const rol = el('select', { 'aria-label': 'Nuevo rol de ' + u.nombre }, ROLES.map((r) => el('option', { value: r, selected: r === u.rol }, r)));
  const sitio = el('select', { 'aria-label': 'Nueva sede de ' + u.nombre }, el('option', { value: '*', selected: u.sitio === '*' }, '*'),
    (eleccion.sedes || []).map((x) => el('option', { value: x.sede, selected: x.sede === u.sitio }, x.sede)));
  return el('div', {},
    el('button', {
      type: 'button', class: 'secundario', 'aria-label': (u.activo ? 'Desactivar a ' : 'Reactivar a ') + u.nombre,
      onclick: () => cambiar(u, { accion: u.activo ? 'desactivar' : 'reactivar' }, `${u.nombre} ${u.activo ? 'desactivado' : 'reactivado'}.`),
    }, u.activo ? 'Desactivar' : 'Reactivar'),
    ' ', rol, ' ', sitio, ' ',
    el('button', {
      type: 'button', class: 'secundario', 'aria-label': 'Cambiar el rol y la sede de ' + u.nombre,
      onclick: () => cambiar(u, { accion: 'reasignar', rol: rol.value, sitio: sitio.value }, `${u.nombre}: ahora ${rol.value} en ${sitio.value}.`),
    }, 'Cambiar rol'));
}

// ── Auditoría ───────────────────────────────────────────────────────────────

async function pantallaAuditoria(main) {
  const usuario = el('input', { id: 'f-usuario', autocomplete: 'off' });
  const tipo = el('select', { id: 'f-tipo' }, el('option', { value: '' }, 'todos'),
    ['acopio', 'digitalizacion', 'captura', 'verificacion', 'orden_recaptura', 'orden_redigitalizacion', 'cotejo', 'auditoria', 'reclamo', 'usuario_creado', 'sesion_iniciada']
      .map((t) => el('option', { value: t }, t)));
  const acta = el('input', { id: 'f-acta', autocomplete: 'off' });
  const zona = el('div', { id: 'zona-auditoria' });
  const descargas = el('p', {});
  let desde = 1;
  const consulta = () => {
    const q = new URLSearchParams({ desde: String(desde) });
    if (usuario.value.trim()) q.set('usuario', usuario.value.trim());
    if (tipo.value) q.set('tipo', tipo.value);
    if (acta.value.trim()) q.set('acta', acta.value.trim().toUpperCase());
    return q;
  };
  const descargar = async (formato) => {
    const q = consulta();
    q.set('formato', formato);
    try {
      const r = await api('GET', '/api/v1/auditoria?' + q, { crudo: true });
      const a = el('a', { href: URL.createObjectURL(await r.blob()), download: 'auditoria.' + formato });
      document.body.append(a);
      a.click();
      a.remove();
    } catch (e) { aviso(e.message, true); }
  };
  descargas.append(
    el('button', { type: 'button', class: 'secundario', onclick: () => descargar('csv') }, 'Descargar CSV'),
    el('button', { type: 'button', class: 'secundario', onclick: () => descargar('json') }, 'Descargar JSON'));
  const form = el('form', { id: 'form-auditoria', novalidate: true },
    el('label', { for: 'f-usuario' }, 'Usuario'), usuario,
    el('label', { for: 'f-tipo' }, 'Tipo de evento'), tipo,
    el('label', { for: 'f-acta' }, 'Clave del acta'), acta,
    el('button', { type: 'submit' }, 'Buscar'));
  const buscar = async () => {
    let evs;
    try { evs = await api('GET', '/api/v1/auditoria?' + consulta()); } catch (e) { zona.replaceChildren(el('p', { class: 'error' }, e.message)); return; }
    // Unfiltered pages can be checked here: each event names the hash of the one before.
    const filtrado = usuario.value.trim() || tipo.value || acta.value.trim();
    let cadena = '';
    if (!filtrado && evs.length > 1) {
      const rota = evs.findIndex((e, i) => i > 0 && e.prev_hash !== evs[i - 1].hash);
      cadena = rota < 0 ? `La cadena de hashes de estas ${evs.length} entradas es continua.` : `La cadena se rompe en la entrada ${evs[rota].seq}.`;
    }
    zona.replaceChildren(
      cadena ? el('p', { class: cadena.includes('rompe') ? 'error' : 'ok', id: 'cadena' }, cadena) : null,
      el('div', { class: 'tabla' }, el('table', { id: 'tabla-auditoria' },
        el('caption', {}, `${evs.length} eventos desde el ${desde}`),
        el('thead', {}, el('tr', {}, ['#', 'Hora', 'Tipo', 'Usuario', 'Sede', 'Acta', 'Detalle', 'Hash'].map((x) => el('th', { scope: 'col' }, x)))),
        el('tbody', {}, evs.map((e) => el('tr', {}, el('td', { class: 'num' }, e.seq), el('td', {}, hora(e.at_ms, true)), el('td', {}, e.tipo),
          el('td', {}, e.usuario), el('td', {}, e.sitio), el('td', {}, e.acta ? el('code', {}, e.acta) : ''),
          el('td', {}, String(e.payload).slice(0, 160)), el('td', {}, el('code', { class: 'sha', title: e.hash }, e.hash.slice(0, 12) + '…'))))))),
      evs.length === 1000 ? el('button', { type: 'button', id: 'mas', onclick: async () => { desde = evs[evs.length - 1].seq + 1; await buscar(); } }, 'Siguientes 1,000') : null);
  };
  form.addEventListener('submit', async (ev) => { ev.preventDefault(); desde = 1; await buscar(); });
  main.append(form, descargas, zona);
  await buscar();
}

// ── Start ───────────────────────────────────────────────────────────────────

window.addEventListener('hashchange', mostrar);
document.addEventListener('DOMContentLoaded', () => {
  $('#salir').addEventListener('click', () => {
    // Forgotten here first, then closed on the server: a late answer can never
    // undo a new login made meanwhile.
    const token = sesion.token;
    sesion.borrar();
    eleccion = null;
    irA('entrar');
    fetch('/api/v1/sesiones', { method: 'DELETE', headers: { Authorization: 'Bearer ' + token } }).catch(() => null);
  });
  mostrar();
});
