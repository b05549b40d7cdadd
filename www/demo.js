// The demo page around <doc-capture>: shows each photo taken with its report and lets the
// person download it. Everything stays in this tab (object URLs); nothing is stored or sent.

/** The page's own words; the widget has its catalogues in i18n/. */
const TEXT = {
  en: {
    title: 'doccheck — photograph your ID document',
    doc_id: 'ID card',
    doc_passport: 'Passport',
    results_title: 'Your photos',
    results_hint: 'Check that each photo is sharp and shows the whole document, then download it.',
    start_over: 'Start over',
    privacy: 'The photos are checked on this device. Nothing is uploaded.',
    side_front: 'Front',
    side_back: 'Back',
    side_single: 'Photo page',
    ready: 'Passed every check',
    not_ready: 'Taken with problems:',
    download: 'Download',
    retake: 'Retake',
    report: 'Full report',
    from_file: 'from a file',
    from_camera: 'from the camera',
  },
  zh: {
    title: 'doccheck — 拍摄您的证件',
    doc_id: '身份证',
    doc_passport: '护照',
    results_title: '您的照片',
    results_hint: '请确认每张照片清晰并完整显示证件，然后下载。',
    start_over: '重新开始',
    privacy: '照片只在本设备上检查，不会上传。',
    side_front: '正面',
    side_back: '背面',
    side_single: '照片页',
    ready: '全部检查通过',
    not_ready: '照片有以下问题：',
    download: '下载',
    retake: '重拍',
    report: '完整报告',
    from_file: '来自文件',
    from_camera: '来自摄像头',
  },
};

const params = new URLSearchParams(location.search);
const asked = params.get('lang');
const lang = (asked ?? navigator.language ?? 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
const doc = params.get('doc') === 'passport' ? 'passport' : 'id';
const text = TEXT[lang];
const scroll = {behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth'};

/** @type {HTMLElement & {retake(side: string): void, restart(): void, captures: object[]}} */
const capture = /** @type {any} */ (document.getElementById('capture'));
const results = /** @type {HTMLElement} */ (document.getElementById('results'));
const photos = /** @type {HTMLElement} */ (document.getElementById('photos'));
const template = /** @type {HTMLTemplateElement} */ (document.getElementById('photo-template'));
/** @type {Map<string, {url: string, node: HTMLElement}>} */
const shown = new Map();

document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
document.title = text.title;
for (const node of document.querySelectorAll('[data-text]')) node.textContent = text[node.dataset.text];
for (const a of document.querySelectorAll('nav a')) {
  // Links keep the other choice: ?doc=passport&lang=zh.
  const next = new URLSearchParams(params);
  if (a.dataset.doc) next.set('doc', a.dataset.doc);
  if (a.dataset.lang) next.set('lang', a.dataset.lang);
  a.href = `?${next}`;
  if (a.dataset.doc === doc || a.dataset.lang === (asked ? lang : '')) a.setAttribute('aria-current', 'true');
}
if (asked) capture.setAttribute('lang', lang);
// ?auto=off: only the shutter takes photos (for trying the feedback, and for the soak test).
if (params.get('auto') === 'off') capture.setAttribute('auto-capture', 'off');
capture.setAttribute('sides', doc === 'passport' ? 'front' : 'front back');
// Defined after its attributes are set, so that the camera opens once, for the right sides.
// From www/dist/, as a site deploys it (`make wasm` makes it): minified, with source maps.
await import('./dist/doc-capture.js');

capture.addEventListener('capture', (event) => show(/** @type {CustomEvent} */ (event).detail));
capture.addEventListener('retake', (event) => forget(/** @type {CustomEvent} */ (event).detail.side));
document.getElementById('again')?.addEventListener('click', () => {
  capture.restart();
  capture.scrollIntoView(scroll);
});

/** @param {{side: string, blob: Blob, width: number, height: number, report: any, source: string}} photo */
function show(photo) {
  forget(photo.side);
  const node = /** @type {HTMLElement} */ (template.content.firstElementChild.cloneNode(true));
  const url = URL.createObjectURL(photo.blob);
  const name = doc === 'passport' ? text.side_single : text[`side_${photo.side}`] ?? photo.side;
  node.dataset.side = photo.side;
  node.querySelector('img').src = url;
  node.querySelector('img').alt = name;
  node.querySelector('h3').textContent = name;
  const status = node.querySelector('.status');
  status.textContent = photo.report.ready ? `✓ ${text.ready}` : text.not_ready;
  status.classList.toggle('ok', photo.report.ready);
  const problems = node.querySelector('.problems');
  problems.replaceChildren(...photo.report.problems.map((code) => item(code)));
  problems.hidden = photo.report.ready;
  const source = photo.source === 'file' ? text.from_file : text.from_camera;
  node.querySelector('.facts').textContent = `${photo.width} × ${photo.height} px · ${formatBytes(photo.blob.size)} · JPEG · ${source}`;
  const download = /** @type {HTMLAnchorElement} */ (node.querySelector('.download'));
  download.href = url;
  download.download = `${doc}-${photo.side}.jpg`;
  download.textContent = `${text.download} (${formatBytes(photo.blob.size)})`;
  // Each photo's links are told apart by its side (their visible words first, for voice control).
  download.setAttribute('aria-label', `${download.textContent} — ${name}`);
  const retake = node.querySelector('.retake');
  retake.textContent = text.retake;
  retake.setAttribute('aria-label', `${text.retake} — ${name}`);
  retake.addEventListener('click', () => {
    capture.retake(photo.side);
    capture.scrollIntoView(scroll);
  });
  node.querySelector('summary').textContent = text.report;
  node.querySelector('pre').textContent = JSON.stringify(photo.report, null, 2);
  // Keep the sides in their order whatever order they were taken in.
  const after = [...photos.children].find((n) => order(n.dataset.side) > order(photo.side));
  photos.insertBefore(node, after ?? null);
  shown.set(photo.side, {url, node});
  results.hidden = false;
  // Every side taken: bring the photos into view.
  if (capture.captures.length === capture.getAttribute('sides').split(/\s+/).filter(Boolean).length) {
    results.scrollIntoView(scroll);
  }
}

function forget(side) {
  const old = shown.get(side);
  if (!old) return;
  URL.revokeObjectURL(old.url);
  old.node.remove();
  shown.delete(side);
  results.hidden = shown.size === 0;
}

function order(side) {
  return ['front', 'back'].indexOf(side);
}

/** A problem code in the widget's words (its catalogue), falling back to the code. */
function item(code) {
  const li = document.createElement('li');
  li.textContent = code;
  li.dataset.code = code;
  catalogue.then((m) => (li.textContent = m[code] ?? code));
  return li;
}

const catalogue = import(`./dist/i18n/${lang}.js`).then((m) => m.default);

function formatBytes(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1e3))} kB`;
}
