// Checking a photo, shared by <doc-capture> and its worker: the worker does it where it can
// draw (OffscreenCanvas), the page where the worker cannot (Safari before 16.4). Both go
// through the same steps, so a photo gets the same report and the same JPEG either way.

/**
 * Most pixels a photo is checked and handed over at: Safari's largest canvas (one above it
 * cannot be drawn or read back there, and phones now take 24–200 MP photos). It also bounds
 * what a still costs in memory: 64 MiB for each RGBA copy (canvas, ImageData, wasm).
 */
export const MAX_STILL_PIXELS = 16_777_216;

/** JPEG qualities tried in turn until the photo fits `maxBytes`. */
const JPEG_QUALITIES = [0.95, 0.9, 0.85, 0.8, 0.7, 0.6];

/** @param {string} name @param {string} message */
function named(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * A photo file as pixels the right way up. `imageOrientation: 'from-image'` is the 2023 name
 * (it was `'none'`); engines from before refuse it with a TypeError, and their default already
 * follows the EXIF orientation.
 * @param {Blob} blob
 */
export async function decodeImage(blob) {
  try {
    try {
      return await createImageBitmap(blob, {imageOrientation: 'from-image'});
    } catch (error) {
      if (error?.name !== 'TypeError') throw error;
      return await createImageBitmap(blob);
    }
  } catch {
    throw named('DecodeError', 'this file is not an image the browser can open');
  }
}

/**
 * The first JPEG, best quality first, that fits `maxBytes`, or null.
 * @param {number} maxBytes
 * @param {(quality: number) => Promise<Blob | null>} encode
 */
export async function jpegWithin(maxBytes, encode) {
  for (const quality of JPEG_QUALITIES) {
    const blob = await encode(quality);
    if (blob && blob.size <= maxBytes) return blob;
  }
  return null;
}

/** Whether a blob's bytes are a JPEG's (its `type` comes from the file's name). @param {Blob} blob */
async function isJpeg(blob) {
  const head = new Uint8Array(await blob.slice(0, 3).arrayBuffer().catch(() => new ArrayBuffer(0)));
  return head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
}

/**
 * The report on a photo and a JPEG of at most `maxBytes`: the original bytes when they already
 * are such a JPEG, else the same pixels encoded (no crop, no filter); when even the lowest
 * quality is too large, the photo scaled down just enough, and checked again at that size. A
 * photo of more than `MAX_STILL_PIXELS` is scaled down to fit first: it is checked, and
 * handed over as a JPEG, at that size.
 * @template R
 * @param {Blob | null} original the file or takePhoto() blob, if the photo came as one
 * @param {number} width
 * @param {number} height
 * @param {number} maxBytes
 * @param {(width: number, height: number) => Promise<R>} analyse draws the photo at that size and reports on it
 * @param {(maxBytes: number) => Promise<Blob | null>} encode the last drawing as a JPEG that fits, or null
 * @returns {Promise<{report: R, blob: Blob, width: number, height: number}>}
 */
export async function checkPhoto(original, width, height, maxBytes, analyse, encode) {
  const fit = Math.sqrt(MAX_STILL_PIXELS / (width * height));
  if (fit < 1) {
    width = Math.max(1, Math.floor(width * fit));
    height = Math.max(1, Math.floor(height * fit));
    original = null;
  }
  let report = await analyse(width, height);
  if (original && original.size <= maxBytes && (await isJpeg(original))) {
    return {report, blob: original, width, height};
  }
  let blob = await encode(maxBytes);
  if (!blob) {
    const scale = Math.min(1, Math.sqrt(maxBytes / (width * height * 0.6)));
    width = Math.max(1, Math.floor(width * scale));
    height = Math.max(1, Math.floor(height * scale));
    report = await analyse(width, height);
    blob = await encode(maxBytes);
    if (!blob) throw named('TooLargeError', `cannot fit the photo in ${maxBytes} bytes`);
  }
  return {report, blob, width, height};
}
