// What the benchmark page (bench.js) and bench/ab.mjs share: a photo decoded as the browser
// shows it (EXIF honoured) and stretched to a frame size, and the summary of a list of times
// (no DOM at the top level: Node imports `stats` too).

/** The photo at `url` as an ImageBitmap, EXIF orientation honoured. */
export async function decode(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return createImageBitmap(await res.blob(), { imageOrientation: 'from-image' });
}

/** Draws a bitmap stretched to W×H and reads it back. */
export function rasterize(bitmap, w, h) {
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

/** Count, median, p90, mean, least and most of `times` (ms), rounded to 1 µs. */
export function stats(times) {
  const s = [...times].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  const q = (p) => s[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const r = (v) => Math.round(v * 1000) / 1000;
  return { n, median_ms: r(median), p90_ms: r(q(0.9)), mean_ms: r(mean), min_ms: r(s[0]), max_ms: r(s[n - 1]) };
}
