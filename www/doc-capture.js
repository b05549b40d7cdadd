// <doc-capture>: point the phone at an ID document, be told live what to fix, and get a good
// photo of each side taken automatically. The main thread only opens the camera, grabs frames
// and draws; the wasm engine runs in a module Worker (doc-capture-worker.js). No network
// request beyond this folder's own files; photos stay in memory and in the `capture` event.
//
// Attributes: sides ("front back" | "front"), lang ("en", "zh"; default: the browser's),
// max-bytes (JPEG size limit in bytes, any whole number from 1; default 10 MB), auto-capture
// ("off" to disable), strictness ("relaxed" | "normal" | "strict"; another value fires `error`
// once and is left out).
// Events (details are plain objects): feedback (the report of every analysed frame),
// capture ({side, blob, width, height, report, source}), retake ({side}),
// error ({name, message, recovered}).

import en from './i18n/en.js';
import {checkPhoto, decodeImage, jpegWithin} from './still.js';

/** @typedef {{ready: boolean, problems: string[], quad: number[][] | null, message: string, metrics: Record<string, any>}} Report */
/** @typedef {{side: string, blob: Blob, width: number, height: number, report: Report, source: 'camera' | 'file'}} Capture */
/** @typedef {{title?: string, text?: string, problems?: string[], actions?: {label: string, run: Function, primary?: boolean, name?: string}[]}} PanelContent */

const WORKER_URL = new URL('./doc-capture-worker.js', import.meta.url);
/** Catalogues by language; English is bundled, the others load when asked for. */
const CATALOGUES = {
  en: async () => en,
  zh: async () => (await import('./i18n/zh.js')).default,
};
/** Problems about where the document is (drawn red); the rest are about light and focus (amber). */
const FRAMING = new Set(['no_document', 'corners_cut_off', 'too_far', 'too_close', 'corner_covered', 'tilted']);

/** Ready and still for this long before the photo is taken: about one deliberate pause. */
const HOLD_MS = 500;
/** …and over at least this many analysed frames, so one lucky frame never triggers it. */
const HOLD_FRAMES = 3;
/** A message stays at least this long, so that it can be read (as capture SDKs do). */
const MESSAGE_MIN_MS = 1000;
/** After a side is taken, wait this long before taking the next one (turning the card)… */
const NEXT_SIDE_PAUSE_MS = 1500;
/** …and until the picture has changed (a frame not ready), or this long at most. */
const NEXT_SIDE_MAX_WAIT_MS = 5000;
/** No answer from the worker for this long means it is stuck: start a fresh one. */
const WORKER_TIMEOUT_MS = {frame: 5000, still: 30000, init: 20000};
/** More worker failures than this within a minute: stop retrying. */
const MAX_RESTARTS_PER_MINUTE = 3;
const PHOTO_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 10_000_000;
/** The `strictness` attribute's values: the engine's `Strictness` names (src/options.rs). */
const STRICTNESS = ['relaxed', 'normal', 'strict'];
/** The guide's aspect: ID-1 card (85.60 × 53.98 mm) or passport page (125 × 88 mm). */
const CARD_ASPECT = 85.6 / 53.98;
const PASSPORT_ASPECT = 125 / 88;

/** What each camera or engine failure (by its error's name) tells the person. */
const BLOCKED_BY = {
  NotAllowedError: 'camera_denied',
  SecurityError: 'camera_denied',
  PermissionDeniedError: 'camera_denied',
  NotFoundError: 'camera_missing',
  DevicesNotFoundError: 'camera_missing',
  OverconstrainedError: 'camera_missing',
  NotReadableError: 'camera_busy',
  TrackStartError: 'camera_busy',
  AbortError: 'camera_busy',
  TrackEndedError: 'camera_stopped',
  InsecureContextError: 'camera_unsupported',
  WorkerError: 'engine_failed',
};

/** The page's visibility changes so far: a deadline armed before one may have slept through a suspension. */
let visibilityChanges = 0;
document.addEventListener('visibilitychange', () => visibilityChanges++);

/**
 * Calls `expired` after `ms`, not counting time the page spent hidden: iOS suspends a page in
 * the background, and on its return overdue timers fire before the worker's answers they wait
 * for arrive, which would restart a healthy worker. A deadline that finds the page hidden, or
 * shown again since it was armed, starts over. Returns what cancels it.
 * @param {number} ms @param {() => void} expired
 */
function deadline(ms, expired) {
  let seen = visibilityChanges;
  let id = 0;
  const arm = () => {
    id = setTimeout(() => {
      if (seen !== visibilityChanges || document.visibilityState === 'hidden') {
        seen = visibilityChanges;
        arm();
        return;
      }
      expired();
    }, ms);
  };
  arm();
  return () => clearTimeout(id);
}

const COLOUR = {ready: '#22c55e', light: '#f59e0b', framing: '#ef4444', guide: 'rgba(255,255,255,0.55)'};

export class DocCapture extends HTMLElement {
  static observedAttributes = ['sides', 'lang', 'max-bytes', 'auto-capture', 'strictness'];

  /** @type {Record<string, string>} */
  #messages = en;
  #ui = /** @type {Record<string, any>} */ ({});
  #built = false;
  #connected = false;
  /** idle | starting | live | capturing | checking | review | blocked | done */
  #state = 'idle';
  #paused = false;

  // Camera.
  /** @type {MediaStream | null} */
  #stream = null;
  /** @type {MediaStreamTrack | null} */
  #track = null;
  #stoppingCamera = false;
  /** @type {MediaTrackConstraints} */
  #extraConstraints = {};
  #lastFrameAt = 0;
  #lastVideoTime = -1;
  #frameRequest = 0;
  /** Whether #frameRequest came from requestVideoFrameCallback (else requestAnimationFrame). */
  #frameRequestIsVideo = false;
  /**
   * Off once requestVideoFrameCallback has stayed silent while the video played (WebKitGTK
   * without compositing): animation frames from then on.
   */
  #videoCallbacks = true;
  /** The video's currentTime at the last camera check. */
  #checkedVideoTime = -1;
  #watchdog = 0;
  #cameraAttempt = 0;
  /** The browser refused to play the preview without a tap: the panel offers a button. */
  #awaitingTap = false;

  // Worker.
  /** @type {Worker | null} */
  #worker = null;
  #workerReady = false;
  /** @type {Promise<any>} settles when the worker's engine is up (or failed to start) */
  #workerStarted = Promise.resolve();
  /** The worker can draw and encode (OffscreenCanvas 2D); else this thread sends it RGBA. */
  #workerDraws = true;
  /** VideoFrame exists in the worker too (and transferring one has not failed). */
  #sendVideoFrames = true;
  #nextId = 1;
  /** @type {{id: number, cancel: () => void, posted: boolean} | null} */
  #inflight = null;
  /** @type {Map<number, {resolve: Function, reject: Function, cancel: () => void}>} */
  #pending = new Map();
  /** @type {number[]} */
  #restarts = [];
  /** @type {Record<string, unknown> | undefined} */
  #options = undefined;
  /** The options the engine last accepted (`#options` goes back to them when it refuses new ones). */
  #optionsInUse = undefined;
  /** Options sent to the worker and not yet answered, oldest first, as [seq, value]. */
  #optionsSent = [];
  #optionsSeq = 0;
  /** The bad `strictness` attribute already reported (see #reportStrictness). */
  #strictnessReported = null;
  /** The engine cannot start here: no camera is opened for it until a restart. */
  #engineFailed = false;
  /** Bumped by every capture or file check and by whatever ends one (retake, restart, removal): a result that finds it changed is dropped. */
  #captureToken = 0;

  // Feedback.
  /** @type {{report: Report, width: number, height: number} | null} */
  #last = null;
  /** @type {number | null} */
  #readySince = null;
  #readyFrames = 0;
  #sideStartedAt = 0;
  #needsChange = false;
  #sawChange = false;
  #shownAt = 0;
  /**
   * The message shown and the one waiting for its turn. Each keeps how to word it rather than
   * the words, so that a change of `lang` can say it again in the new language.
   * @type {{text: () => string, tone: string} | null}
   */
  #message = null;
  /** @type {{text: () => string, tone: string} | null} */
  #pendingMessage = null;
  #messageTimer = 0;
  /** @type {(() => PanelContent) | null} the open panel's content in the current language (see #showPanel) */
  #panelContent = null;
  /** Bumped by every catalogue load: a load that finds it changed was overtaken by a newer `lang`. */
  #messagesLoad = 0;

  // Photos.
  /** @type {Map<string, Capture & {url: string}>} */
  #captures = new Map();
  /** @type {{result: any, url: string, side: string} | null} */
  #review = null;

  #stats = {analysedFrames: 0, droppedFrames: 0, lastAnalysisMs: 0, wasmMemoryBytes: 0, framesSent: 0, framesClosed: 0, workerRestarts: 0, simd: false, pixels: ''};
  /** @type {number[]} */
  #reportTimes = [];

  connectedCallback() {
    this.#connected = true;
    if (!this.#built) this.#build();
    // Added in a background tab (or again after being removed while hidden): wait until shown.
    this.#paused = document.visibilityState === 'hidden';
    for (const taken of this.#captures.values()) if (!taken.url) taken.url = URL.createObjectURL(taken.blob);
    document.addEventListener('visibilitychange', this.#onVisibility);
    // The stage, and the parts the guide keeps clear of (#guideBand): a change in any of their
    // sizes (a new message, a rotated phone) moves the guide.
    for (const part of [this.#ui.stage, this.#ui.sides, this.#ui.message, this.#ui.controls]) this.#resizeObserver.observe(part);
    this.#start();
  }

  disconnectedCallback() {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#resizeObserver.disconnect();
    this.#stopCamera();
    this.#stopWorker();
    this.#captureToken++;
    clearTimeout(this.#messageTimer);
    this.#messageTimer = 0;
    this.#hideStill();
    this.#review = null;
    // The thumbnails' URLs go with the element; connecting it again makes new ones.
    for (const taken of this.#captures.values()) {
      URL.revokeObjectURL(taken.url);
      taken.url = '';
    }
    this.#setState('idle');
  }

  attributeChangedCallback(name, before, after) {
    if (!this.#built || before === after) return;
    if (name === 'lang') this.#loadMessages().then((current) => current && this.#relabel());
    if (name === 'auto-capture') this.#renderControls();
    if (name === 'strictness') {
      this.#reportStrictness();
      this.options = this.#options;
    }
    if (name === 'sides' && this.#connected) this.restart();
  }

  // ---- Public API -------------------------------------------------------------------------

  /** Frames analysed and dropped, analysis speed and engine memory, for tests and benchmarks. */
  get stats() {
    const s = this.#stats;
    const t = this.#reportTimes;
    const fps = t.length > 1 ? ((t.length - 1) * 1000) / (t[t.length - 1] - t[0]) : 0;
    return {
      analysedFrames: s.analysedFrames,
      droppedFrames: s.droppedFrames,
      fps: Math.round(fps * 10) / 10,
      lastAnalysisMs: Math.round(s.lastAnalysisMs * 10) / 10,
      wasmMemoryBytes: s.wasmMemoryBytes,
      openFrames: s.framesSent - s.framesClosed,
      workerRestarts: s.workerRestarts,
      simd: s.simd,
      pixels: s.pixels,
      state: this.#state,
      paused: this.#paused,
    };
  }

  /** The photos taken so far, in side order. @returns {Capture[]} */
  get captures() {
    return this.#sides.filter((s) => this.#captures.has(s)).map((s) => strip(this.#captures.get(s)));
  }

  /** Engine options (see the README): thresholds by snake_case name, or `strictness`. */
  get options() {
    return this.#options;
  }

  set options(value) {
    value ??= undefined;
    // What the worker cannot be sent is refused (DataCloneError) before it is kept.
    if (value !== undefined && typeof structuredClone === 'function') structuredClone(value);
    this.#options = value;
    if (this.#worker) this.#postOptions(this.#worker, 'options');
  }

  /** Extra camera constraints (e.g. `{width: {ideal: 3840}}`), used from the next start. */
  get videoConstraints() {
    return this.#extraConstraints;
  }

  set videoConstraints(value) {
    this.#extraConstraints = value ?? {};
  }

  /** Takes the photo of the current side now (the shutter button). */
  capture() {
    return this.#capture('manual');
  }

  /** Drops the photo of `side` and takes it again. */
  retake(side) {
    const taken = this.#captures.get(side);
    if (!taken) return;
    URL.revokeObjectURL(taken.url);
    this.#captures.delete(side);
    this.dispatchEvent(new CustomEvent('retake', {detail: {side}}));
    this.#resumeCamera();
  }

  /** Drops every photo and starts again from the first side. */
  restart() {
    for (const taken of this.#captures.values()) URL.revokeObjectURL(taken.url);
    const had = [...this.#captures.keys()];
    this.#captures.clear();
    for (const side of had) this.dispatchEvent(new CustomEvent('retake', {detail: {side}}));
    this.#resumeCamera();
  }

  // ---- Start, stop ------------------------------------------------------------------------

  async #start() {
    this.#startWorker();
    await this.#loadMessages();
    if (!this.#connected) return;
    this.#renderAll();
    // Connected again after every photo was taken: nothing to photograph.
    if (!this.#currentSide) {
      this.#showDone();
      return;
    }
    await this.#openCamera();
  }

  get #sides() {
    const list = (this.getAttribute('sides') ?? 'front back').split(/\s+/).filter(Boolean);
    return [...new Set(list)].length ? [...new Set(list)] : ['front', 'back'];
  }

  get #currentSide() {
    return this.#sides.find((s) => !this.#captures.has(s)) ?? null;
  }

  /**
   * Any whole number of bytes from 1 is honoured: a small limit gives a small photo (scaled
   * down, which the check then reports), or none (`photo_too_large`) when even a 1-pixel JPEG
   * would not fit. Anything else (absent, 0, negative, not a number) is the default.
   */
  get #maxBytes() {
    const n = Math.floor(Number(this.getAttribute('max-bytes')));
    return Number.isFinite(n) && n >= 1 ? n : DEFAULT_MAX_BYTES;
  }

  get #autoCapture() {
    const v = this.getAttribute('auto-capture');
    return v === null || !/^(off|false|0|no)$/i.test(v);
  }

  /** The strictness attribute when it is one of STRICTNESS, else null (left out of the options). */
  get #strictness() {
    const value = this.getAttribute('strictness');
    return STRICTNESS.includes(value) ? value : null;
  }

  #engineOptions() {
    const strictness = this.#strictness;
    if (!strictness) return this.#options;
    return {strictness, ...(this.#options ?? {})};
  }

  /**
   * A strictness attribute that is not one fires `error` once (per value set), when the engine
   * is up; the engine runs without it, so options set later are not refused because of it.
   */
  #reportStrictness() {
    const value = this.getAttribute('strictness');
    if (!value || this.#strictness) {
      this.#strictnessReported = null;
      return;
    }
    if (value === this.#strictnessReported || !this.#workerReady) return;
    this.#strictnessReported = value;
    const message = `strictness \`${value}\` is not one of ${STRICTNESS.join(', ')}`;
    console.warn('doc-capture:', message);
    this.#emitError('Error', message, true);
  }

  /**
   * Loads the catalogue `lang` asks for. Catalogues load at different speeds (English is
   * bundled), so when `lang` changes again meanwhile the older load is dropped: returns whether
   * this one is still the latest and its messages are in use.
   */
  async #loadMessages() {
    const load = ++this.#messagesLoad;
    const wanted = [this.getAttribute('lang'), ...(navigator.languages ?? [navigator.language])];
    const code = wanted.map((l) => l?.toLowerCase().split('-')[0]).find((l) => l && l in CATALOGUES) ?? 'en';
    let messages = en;
    try {
      messages = await CATALOGUES[code]();
    } catch {
      // A catalogue that cannot be fetched: English, which is bundled.
    }
    if (load !== this.#messagesLoad) return false;
    this.#messages = messages;
    this.#ui.root?.setAttribute('lang', messages === en ? 'en' : code);
    return true;
  }

  /** @param {string} key @param {Record<string, string>} [vars] */
  #t(key, vars) {
    let text = this.#messages[key] ?? en[key] ?? key;
    for (const [k, v] of Object.entries(vars ?? {})) text = text.replace(`{${k}}`, v);
    return text;
  }

  #sideName(side) {
    if (this.#sides.length === 1) return this.#t('side_single');
    return this.#messages[`side_${side}`] ?? en[`side_${side}`] ?? side;
  }

  #sideTitle(side) {
    if (this.#sides.length === 1) return this.#t('side_title_single');
    return this.#messages[`side_title_${side}`] ?? this.#sideName(side);
  }

  // ---- Camera -----------------------------------------------------------------------------

  async #openCamera() {
    if (!this.#connected || this.#engineFailed) return;
    // A newer call (retry, retake, tab shown again) wins over one still waiting for the camera.
    const attempt = ++this.#cameraAttempt;
    this.#stopCamera();
    if (!navigator.mediaDevices?.getUserMedia) {
      const name = window.isSecureContext ? 'NotSupportedError' : 'InsecureContextError';
      this.#block(name, 'getUserMedia is not available on this page');
      return;
    }
    this.#setState('starting');
    this.#say(() => this.#t('starting'), 'info', true);
    const preferred = {
      facingMode: {ideal: 'environment'},
      width: {ideal: 1920},
      height: {ideal: 1080},
      // The camera's own framing: no crop to 16:9 that would narrow the field of view.
      resizeMode: {ideal: 'none'},
      ...this.#extraConstraints,
    };
    // Looser and looser: a camera that cannot do what we prefer still beats none.
    const ladder = [preferred, {facingMode: {ideal: 'environment'}}, true];
    /** @type {MediaStream | null} */
    let stream = null;
    let error = null;
    let overconstrained = null;
    for (const video of ladder) {
      try {
        stream = await navigator.mediaDevices.getUserMedia({video, audio: false});
        break;
      } catch (e) {
        error = e;
        if (e?.name !== 'OverconstrainedError') break;
        overconstrained = e;
      }
    }
    // Removed, overtaken by a newer call, or the engine failed meanwhile (its message stays).
    if (!this.#connected || attempt !== this.#cameraAttempt || this.#engineFailed) {
      stream?.getTracks().forEach((t) => t.stop());
      return;
    }
    if (!stream) {
      this.#block(error?.name ?? 'Error', error?.message ?? String(error));
      return;
    }
    if (overconstrained) this.#emitError(overconstrained.name, overconstrained.message || 'camera constraints not satisfiable', true);
    try {
      stream = await this.#avoidUltraWide(stream, preferred);
    } catch (e) {
      // The switch away from the ultra-wide lens lost the camera, and getting it back failed.
      if (this.#connected && attempt === this.#cameraAttempt && !this.#engineFailed) this.#block(e?.name ?? 'Error', e?.message ?? String(e));
      return;
    }
    if (!this.#connected || attempt !== this.#cameraAttempt || this.#engineFailed) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    this.#attach(stream);
  }

  /**
   * Phones with several rear lenses may hand out the ultra-wide one, which distorts and cannot
   * resolve small print: switch to another rear camera when its label says so.
   * @param {MediaStream} stream @param {MediaTrackConstraints} constraints
   */
  async #avoidUltraWide(stream, constraints) {
    const track = stream.getVideoTracks()[0];
    if (!track || !/ultra/i.test(track.label)) return stream;
    try {
      const devices = await navigator.mediaDevices.enumerateDevices();
      const current = track.getSettings().deviceId;
      const better = devices.find(
        (d) => d.kind === 'videoinput' && d.deviceId !== current && /back|rear|environment/i.test(d.label) && !/ultra/i.test(d.label),
      );
      if (!better) return stream;
      stream.getTracks().forEach((t) => t.stop());
      const {facingMode, ...rest} = constraints;
      return await navigator.mediaDevices.getUserMedia({video: {...rest, deviceId: {exact: better.deviceId}}, audio: false});
    } catch {
      return stream.active ? stream : navigator.mediaDevices.getUserMedia({video: constraints, audio: false});
    }
  }

  /** @param {MediaStream} stream */
  #attach(stream) {
    this.#stream = stream;
    this.#track = stream.getVideoTracks()[0] ?? null;
    const track = this.#track;
    if (track) {
      track.addEventListener('ended', this.#onTrackEnded);
      track.addEventListener('mute', this.#onMute);
      track.addEventListener('unmute', this.#onMute);
      const focus = track.getCapabilities?.().focusMode;
      if (focus?.includes('continuous')) track.applyConstraints({advanced: [{focusMode: 'continuous'}]}).catch(() => {});
    }
    // Chromium ends no track when the page stops it, but the stream goes inactive.
    stream.addEventListener('inactive', this.#onTrackEnded);
    const video = this.#ui.video;
    video.srcObject = stream;
    this.#play();
    this.#lastFrameAt = performance.now();
    clearInterval(this.#watchdog);
    this.#watchdog = setInterval(this.#checkCamera, 1000);
    // A photo being checked or shown for review keeps the screen; the camera waits behind it.
    if (this.#state === 'checking' || this.#state === 'review') {
      this.#requestFrame();
      return;
    }
    this.#hidePanel();
    // "Starting the camera…" needs no reading time: the first report replaces it at once.
    this.#shownAt = 0;
    this.#beginSide();
    this.#requestFrame();
  }

  #stopCamera() {
    clearInterval(this.#watchdog);
    this.#watchdog = 0;
    this.#awaitingTap = false;
    if (!this.#stream) return;
    this.#stoppingCamera = true;
    this.#track?.removeEventListener('ended', this.#onTrackEnded);
    this.#stream.removeEventListener('inactive', this.#onTrackEnded);
    this.#stream.getTracks().forEach((t) => t.stop());
    this.#stoppingCamera = false;
    this.#stream = null;
    this.#track = null;
    if (this.#ui.video) this.#ui.video.srcObject = null;
  }

  /**
   * Plays the preview. A browser that will not start it without a tap (autoplay refused, as
   * iOS may in Low Power Mode) gets a button for it; the tap plays it and the session goes on.
   */
  #play() {
    const video = this.#ui.video;
    video.play().then(
      () => {
        if (!this.#awaitingTap) return;
        this.#awaitingTap = false;
        this.#hidePanel();
        this.#lastFrameAt = performance.now();
        this.#requestFrame();
      },
      (e) => {
        // Refused, unless the element's own autoplay started it anyway.
        if (e?.name !== 'NotAllowedError' || this.#awaitingTap || !this.#stream || !video.paused) return;
        if (this.#state !== 'live' && this.#state !== 'starting') return;
        this.#awaitingTap = true;
        this.#showPanel(() => ({
          title: this.#t('tap_title'),
          text: this.#t('tap_text'),
          actions: [{label: this.#t('start_camera'), run: () => this.#play(), primary: true, name: 'play'}],
        }));
        this.#say(() => this.#t('tap_title'), 'info', true);
      },
    );
  }

  #onTrackEnded = () => {
    if (this.#stoppingCamera || !this.#stream) return;
    this.#stopCamera();
    if (this.#state === 'done' || this.#state === 'review') return;
    this.#block('TrackEndedError', 'the camera track ended');
  };

  #onMute = () => {
    if (this.#track?.muted && this.#state === 'live') this.#say(() => this.#t('paused'), 'info', true);
  };

  /** Once a second: a track that ended without an event, or a video that stalled. */
  #checkCamera = () => {
    if (!this.#track || this.#paused) return;
    if (this.#track.readyState === 'ended') {
      this.#onTrackEnded();
      return;
    }
    const video = this.#ui.video;
    const quiet = performance.now() - this.#lastFrameAt > 2000;
    if (video.paused && quiet) this.#play();
    // The live picture moves but no video-frame callback came for 2 s: that browser's
    // requestVideoFrameCallback does not work; poll animation frames instead.
    const moving = !video.paused && video.readyState >= 2 && video.currentTime !== this.#checkedVideoTime;
    if (quiet && moving && this.#frameRequestIsVideo && this.#state === 'live') {
      this.#videoCallbacks = false;
      this.#requestFrame();
    }
    this.#checkedVideoTime = video.currentTime;
  };

  #onVisibility = () => {
    if (document.visibilityState === 'hidden') {
      // Keep the camera and the engine: the person is back in a moment.
      this.#paused = true;
      this.#breakReadyStreak();
      return;
    }
    this.#paused = false;
    if (this.#state === 'live' || this.#state === 'starting') {
      if (!this.#track || this.#track.readyState === 'ended') {
        this.#openCamera();
      } else {
        this.#play();
        this.#lastFrameAt = performance.now();
        this.#requestFrame();
      }
    }
  };

  /**
   * The camera cannot be used: say why, offer a way forward (try again, choose a photo) and
   * fire `error`.
   */
  #block(name, message, kind = BLOCKED_BY[name] ?? 'camera_unsupported') {
    this.#stopCamera();
    this.#setState('blocked');
    const text = () => this.#t(name === 'InsecureContextError' ? 'camera_insecure' : kind);
    const title = () => this.#t(`${kind}_title`);
    if (kind === 'engine_failed') {
      this.#showPanel(() => ({title: title(), text: text()}));
    } else {
      const retry = kind === 'camera_stopped' ? 'restart_camera' : 'try_again';
      this.#showPanel(() => {
        const actions = [];
        if (kind !== 'camera_unsupported') actions.push({label: this.#t(retry), run: () => this.#openCamera()});
        actions.push({label: this.#t('pick_long'), run: () => this.#pickFile(), primary: true, name: 'pick'});
        return {title: title(), text: text(), actions};
      });
    }
    // The panel does not take the focus on its own: the live region says what happened too.
    this.#say(() => `${title()} — ${text()}`, 'problem', true);
    this.#emitError(name, message, false);
  }

  #emitError(name, message, recovered) {
    this.dispatchEvent(new CustomEvent('error', {detail: {name, message: String(message), recovered}}));
  }

  /** Back to live capture after a retake or a restart (the camera may be off). */
  #resumeCamera() {
    // Asked before a focused Retake button is replaced (#renderSides) or hidden.
    const inUse = Boolean(this.shadowRoot?.activeElement);
    this.#captureToken++;
    this.#hideStill();
    this.#review = null;
    this.#renderSides();
    if (!this.#connected) return;
    if (!this.#worker) {
      // The engine stopped (it could not start, or kept failing): give it a fresh start.
      this.#restarts = [];
      this.#startWorker();
    }
    if (this.#track?.readyState === 'live') {
      // Live first: the controls are shown before the panel gives the focus to the shutter.
      this.#setState('live');
      this.#hidePanel();
      this.#beginSide();
      this.#requestFrame();
    } else {
      this.#openCamera();
    }
    if (inUse && !this.shadowRoot?.activeElement) this.#focusWayForward();
  }

  /** The shutter, or where the controls are hidden (blocked), the panel's way forward. */
  #focusWayForward() {
    const {shutter, panelActions} = this.#ui;
    shutter.focus();
    if (!this.shadowRoot?.activeElement) /** @type {HTMLElement | null} */ (panelActions.querySelector('.primary') ?? panelActions.firstElementChild)?.focus();
  }

  // ---- Frames -----------------------------------------------------------------------------

  /** Asks for the next video frame; only one request is ever pending. */
  #requestFrame() {
    const video = this.#ui.video;
    if (this.#frameRequest) {
      if (this.#frameRequestIsVideo) video.cancelVideoFrameCallback?.(this.#frameRequest);
      else cancelAnimationFrame(this.#frameRequest);
    }
    this.#frameRequest = 0;
    if (!this.#stream) return;
    // requestVideoFrameCallback: Chrome 83, Safari 15.4, Firefox 132; else every animation frame.
    this.#frameRequestIsVideo = this.#videoCallbacks && typeof video.requestVideoFrameCallback === 'function';
    this.#frameRequest = this.#frameRequestIsVideo
      ? video.requestVideoFrameCallback(this.#onVideoFrame)
      : requestAnimationFrame(this.#onVideoFrame);
  }

  #onVideoFrame = () => {
    this.#frameRequest = 0;
    if (!this.#stream) return;
    const video = this.#ui.video;
    if (!this.#frameRequestIsVideo) {
      // Without requestVideoFrameCallback: only when the picture has changed.
      if (video.currentTime === this.#lastVideoTime) return this.#requestFrame();
      this.#lastVideoTime = video.currentTime;
    }
    const at = performance.now();
    this.#lastFrameAt = at;
    this.#requestFrame();
    if (this.#state !== 'live' || this.#paused || !this.#workerReady) return;
    if (video.readyState < 2 || !video.videoWidth) return;
    if (this.#inflight) {
      // The worker is still on an earlier frame: drop this one rather than queue it.
      this.#stats.droppedFrames++;
      return;
    }
    this.#sendFrame(video, at);
  };

  /**
   * @param {HTMLVideoElement} video
   * @param {number} at when the frame was grabbed (performance.now()): the engine takes the
   *   movement since the last analysed frame per 1/30 s, however many frames were dropped
   */
  #sendFrame(video, at) {
    const id = this.#nextId++;
    const worker = this.#worker;
    const cancel = deadline(WORKER_TIMEOUT_MS.frame, () => this.#workerFailed(worker, 'WorkerError', 'no answer from the analysis worker'));
    const inflight = {id, cancel, posted: false};
    this.#inflight = inflight;
    // A worker that cannot draw gets RGBA drawn here (Safari before 16.4).
    const grabbed = this.#workerDraws ? this.#grab(video) : Promise.resolve().then(() => drawHere(video, video.videoWidth, video.videoHeight));
    grabbed
      .then((frame) => {
        if (worker !== this.#worker || this.#inflight !== inflight) {
          frame.close?.();
          return;
        }
        try {
          worker.postMessage({type: 'frame', id, frame, at}, transferOf(frame));
        } catch (error) {
          frame.close?.();
          if (!(typeof VideoFrame === 'function' && frame instanceof VideoFrame)) throw error;
          // A VideoFrame this engine cannot hand to a worker: send bitmaps from now on.
          this.#sendVideoFrames = false;
          this.#dropInflight();
          return;
        }
        this.#stats.framesSent++;
        inflight.posted = true;
      })
      .catch(() => {
        cancel();
        if (this.#inflight?.id === id) this.#inflight = null;
      });
  }

  /**
   * The video's current frame as a VideoFrame (no copy) or, where there is none (Safari before
   * 16.4, Firefox before 130) or the worker has none, an ImageBitmap.
   */
  async #grab(video) {
    if (typeof VideoFrame === 'function' && this.#sendVideoFrames && this.#workerDraws) {
      try {
        return new VideoFrame(video);
      } catch {
        // Some engines cannot wrap a video element's frame yet: fall through.
      }
    }
    return createImageBitmap(video);
  }

  // ---- Worker -----------------------------------------------------------------------------

  #startWorker() {
    if (this.#worker) return;
    const worker = new Worker(WORKER_URL, {type: 'module', name: 'doccheck'});
    this.#worker = worker;
    this.#workerReady = false;
    worker.addEventListener('message', (e) => this.#onWorkerMessage(worker, e.data));
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.#workerFailed(worker, 'WorkerError', e.message || 'the analysis worker failed');
    });
    worker.addEventListener('messageerror', () => this.#workerFailed(worker, 'WorkerError', 'a message to the analysis worker was lost'));
    const cancel = deadline(WORKER_TIMEOUT_MS.init, () => this.#workerFailed(worker, 'WorkerError', 'the analysis engine did not start'));
    this.#workerStarted = new Promise((resolve, reject) => this.#pending.set(0, {resolve, reject, cancel}));
    this.#workerStarted.catch(() => {});
    this.#engineFailed = false;
    this.#optionsSent = [];
    this.#postOptions(worker, 'init');
  }

  /** Sends the options (with the strictness attribute, when it is one) as `init` or `options`; the worker's answer says whether they are in use. */
  #postOptions(worker, type) {
    const seq = ++this.#optionsSeq;
    this.#optionsSent.push([seq, this.#options]);
    worker.postMessage({type, options: this.#engineOptions(), seq});
  }

  /** The worker's answer to options `seq`: in use, or refused (the previous ones stay in use). */
  #optionsAnswered(seq, refused) {
    const i = this.#optionsSent.findIndex(([s]) => s === seq);
    if (i < 0) return;
    const [, value] = this.#optionsSent[i];
    // Answers come in order: the ones before were answered already.
    this.#optionsSent.splice(0, i + 1);
    if (!refused) this.#optionsInUse = value;
    else if (this.#optionsSent.length === 0) this.#options = this.#optionsInUse;
  }

  #stopWorker() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#workerReady = false;
    // A frame the worker held goes with it (terminating a worker releases its frames).
    if (this.#inflight?.posted) this.#stats.framesClosed++;
    this.#dropInflight();
    for (const p of this.#pending.values()) {
      p.cancel();
      p.reject(Object.assign(new Error('the analysis worker stopped'), {name: 'WorkerError'}));
    }
    this.#pending.clear();
  }

  #dropInflight() {
    if (!this.#inflight) return;
    this.#inflight.cancel();
    this.#inflight = null;
  }

  /** @param {Worker} worker @param {any} msg */
  #onWorkerMessage(worker, msg) {
    if (worker !== this.#worker) return;
    switch (msg.type) {
      case 'ready':
        if (msg.refused) {
          // Options refused at start: the engine runs with the defaults.
          this.#optionsInUse = undefined;
          this.#optionsAnswered(msg.seq, true);
          console.warn('doc-capture:', msg.refused.message);
          this.#emitError(msg.refused.name, msg.refused.message, true);
        } else {
          this.#optionsAnswered(msg.seq, false);
        }
        this.#workerReady = true;
        this.#workerDraws = msg.canvas !== false;
        this.#sendVideoFrames = msg.videoFrame !== false;
        this.#stats.simd = msg.simd;
        this.#stats.wasmMemoryBytes = msg.wasmMemoryBytes;
        this.#settle(0, msg);
        this.#reportStrictness();
        break;
      case 'report':
        this.#stats.framesClosed++;
        this.#stats.pixels = msg.pixels;
        if (this.#inflight?.id === msg.id) this.#dropInflight();
        this.#onReport(msg);
        break;
      case 'still':
        this.#stats.wasmMemoryBytes = msg.wasmMemoryBytes;
        this.#settle(msg.id, msg);
        break;
      case 'options':
        this.#optionsAnswered(msg.seq, false);
        break;
      case 'error':
        if (msg.id !== undefined && this.#inflight?.id === msg.id) {
          this.#stats.framesClosed++;
          this.#dropInflight();
        }
        if (msg.seq !== undefined) {
          // New options the engine refused: it keeps the previous ones.
          console.warn('doc-capture:', msg.message);
          this.#optionsAnswered(msg.seq, true);
          this.#emitError(msg.name, msg.message, true);
        }
        this.#settle(msg.id, undefined, Object.assign(new Error(msg.message), {name: msg.name}));
        break;
      case 'crashed':
        if (this.#inflight?.posted) this.#stats.framesClosed++;
        this.#dropInflight();
        this.#workerFailed(worker, 'WorkerError', msg.message);
        break;
      case 'fatal':
        // The engine cannot start (no WebAssembly, a file missing, a CSP without
        // 'wasm-unsafe-eval'): no point retrying, and no point in a camera without it.
        this.#settle(0, undefined, new Error(msg.message));
        this.#stopWorker();
        this.#engineFailed = true;
        this.#block(msg.name, msg.message, 'engine_failed');
        break;
    }
  }

  #settle(id, value, error) {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    p.cancel();
    if (error) p.reject(error);
    else p.resolve(value);
  }

  /**
   * The worker crashed, hung or closed: start a fresh one (the engine keeps no state worth
   * saving beyond the previous frame) unless it keeps failing.
   * @param {Worker | null} worker
   */
  #workerFailed(worker, name, message) {
    if (!worker || worker !== this.#worker) return;
    this.#stopWorker();
    const now = performance.now();
    this.#restarts = this.#restarts.filter((t) => now - t < 60_000);
    this.#restarts.push(now);
    this.#stats.workerRestarts++;
    if (this.#restarts.length > MAX_RESTARTS_PER_MINUTE) {
      this.#engineFailed = true;
      this.#block(name, message, 'engine_failed');
      return;
    }
    this.#emitError(name, message, true);
    if (this.#state === 'live') this.#say(() => this.#t('restarting'), 'info', true);
    this.#startWorker();
  }

  /**
   * Checks one photo in the worker: its report, and a JPEG within max-bytes.
   * @param {Blob | VideoFrame | ImageBitmap} source
   * @returns {Promise<{report: Report, blob: Blob, width: number, height: number}>}
   */
  async #checkStill(source) {
    if (!this.#workerReady) await this.#workerStarted.catch(() => {});
    if (this.#worker && !this.#workerDraws) return this.#checkStillHere(source);
    return this.#askWorker(source);
  }

  /**
   * #checkStill for a worker that cannot draw: decode, draw and encode on this thread (the same
   * steps the worker takes), analyse there.
   * @param {Blob | VideoFrame | ImageBitmap} source
   */
  async #checkStillHere(source) {
    const maxBytes = this.#maxBytes;
    const image = source instanceof Blob ? await decodeImage(source) : source;
    try {
      const analyse = async (w, h) => (await this.#askWorker(drawHere(image, w, h))).report;
      const original = source instanceof Blob ? source : null;
      return await checkPhoto(original, image.width, image.height, maxBytes, analyse, encodeHere);
    } finally {
      image.close?.();
      releaseHere();
    }
  }

  /**
   * @param {Blob | VideoFrame | ImageBitmap | {width: number, height: number, rgba: Uint8ClampedArray}} source
   * @returns {Promise<{report: Report, blob: Blob | null, width: number, height: number}>}
   */
  #askWorker(source) {
    const worker = this.#worker;
    if (!worker) {
      source.close?.();
      return Promise.reject(Object.assign(new Error('the analysis worker is not running'), {name: 'WorkerError'}));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const cancel = deadline(WORKER_TIMEOUT_MS.still, () => this.#workerFailed(worker, 'WorkerError', 'no answer from the analysis worker'));
      this.#pending.set(id, {resolve, reject, cancel});
      try {
        worker.postMessage({type: 'still', id, source, maxBytes: this.#maxBytes}, transferOf(source));
      } catch (error) {
        // Not sent (a source that cannot be cloned or transferred): nothing to wait for.
        cancel();
        this.#pending.delete(id);
        source.close?.();
        reject(error);
      }
    });
  }

  // ---- Feedback ---------------------------------------------------------------------------

  #onReport(msg) {
    const s = this.#stats;
    s.analysedFrames++;
    s.lastAnalysisMs = msg.ms;
    s.wasmMemoryBytes = msg.wasmMemoryBytes;
    const now = performance.now();
    this.#reportTimes.push(now);
    while (this.#reportTimes.length > 2 && now - this.#reportTimes[0] > 2000) this.#reportTimes.shift();

    const report = /** @type {Report} */ (msg.report);
    this.#last = {report, width: msg.width, height: msg.height};
    this.dispatchEvent(new CustomEvent('feedback', {detail: report}));
    if (this.#state !== 'live') return;
    this.#draw();
    if (!report.ready) this.#sawChange = true;
    const waiting = now - this.#sideStartedAt < NEXT_SIDE_PAUSE_MS;
    if (waiting && this.#needsChange) {
      this.#say(() => this.#t('turn_over'), 'info');
    } else if (report.ready) {
      this.#say(() => this.#t('ready'), 'ready');
    } else {
      this.#say(() => this.#t(report.problems[0]), FRAMING.has(report.problems[0]) ? 'framing' : 'problem');
    }
    this.#trackReady(report, now);
  }

  /** Auto-capture once the frame has been ready and still for HOLD_MS. */
  #trackReady(report, now) {
    const sinceSide = now - this.#sideStartedAt;
    // After a side is taken, the same picture must not count for the next: wait for the card
    // to be turned (a frame that is not ready), or for a while.
    const armed =
      !this.#needsChange || (sinceSide >= NEXT_SIDE_PAUSE_MS && this.#sawChange) || sinceSide >= NEXT_SIDE_MAX_WAIT_MS;
    if (!report.ready || !armed) {
      this.#breakReadyStreak();
      return;
    }
    if (this.#readySince === null) {
      this.#readySince = now;
      this.#readyFrames = 0;
      if (this.#autoCapture) this.#ui.shutter.dataset.holding = '';
    }
    this.#readyFrames++;
    if (this.#autoCapture && this.#readyFrames >= HOLD_FRAMES && now - this.#readySince >= HOLD_MS) {
      this.#capture('auto');
    }
  }

  #breakReadyStreak() {
    this.#readySince = null;
    this.#readyFrames = 0;
    delete this.#ui.shutter?.dataset.holding;
  }

  /** Starts (or restarts) the current side: the analyzer forgets motion, the streak starts over. */
  #beginSide() {
    this.#worker?.postMessage({type: 'reset'});
    this.#breakReadyStreak();
    this.#sideStartedAt = performance.now();
    this.#needsChange = this.#captures.size > 0;
    this.#sawChange = false;
    this.#setState(this.#currentSide ? 'live' : 'done');
    this.#renderSides();
  }

  /**
   * One message at a time, each kept MESSAGE_MIN_MS so it can be read; `now` shows it at once.
   * @param {() => string} text the message in the current language @param {'ready' | 'problem' | 'framing' | 'info'} tone
   */
  #say(text, tone, now = false) {
    this.#pendingMessage = {text, tone};
    const wait = this.#shownAt + MESSAGE_MIN_MS - performance.now();
    if (now || wait <= 0) this.#flushMessage();
    else if (!this.#messageTimer) this.#messageTimer = setTimeout(() => this.#flushMessage(), wait);
  }

  #flushMessage() {
    clearTimeout(this.#messageTimer);
    this.#messageTimer = 0;
    const next = this.#pendingMessage;
    this.#pendingMessage = null;
    if (!next) return;
    this.#message = next;
    const el = this.#ui.message;
    const text = next.text();
    if (el.textContent !== text) {
      el.textContent = text;
      this.#shownAt = performance.now();
    }
    el.dataset.tone = next.tone;
    el.hidden = false;
  }

  // ---- Capture ----------------------------------------------------------------------------

  /**
   * Takes the best still the device gives (ImageCapture.takePhoto, else the current frame at
   * the stream's resolution), checks it again and keeps it when ready. A photo taken with the
   * shutter is kept even with problems: the person decided, and sees them listed.
   * @param {'auto' | 'manual'} trigger
   */
  async #capture(trigger) {
    const side = this.#currentSide;
    if (this.#state !== 'live' || !side || !this.#track) return;
    const token = ++this.#captureToken;
    this.#setState('capturing');
    this.#breakReadyStreak();
    this.#say(() => this.#t('capturing'), 'info', true);
    let result = null;
    let failure = null;
    try {
      result = await this.#takePhoto().catch(() => null);
      if (!result?.report.ready && this.#track?.readyState === 'live') {
        const frame = await this.#grab(this.#ui.video);
        this.#stats.framesSent++;
        const grabbed = await this.#checkStill(frame).finally(() => this.#stats.framesClosed++);
        if (grabbed.report.ready || !result) result = grabbed;
      }
    } catch (error) {
      failure = error;
    }
    // Dropped by a retake, a restart or the element's removal meanwhile.
    if (this.#state !== 'capturing' || token !== this.#captureToken) return;
    if (!result || (trigger === 'auto' && !result.report.ready)) {
      // The still came out worse than the preview (a shake, a refocus): keep going.
      this.#setState('live');
      const problem = result?.report.problems[0];
      if (problem) {
        this.#say(() => this.#t('not_taken', {problem: this.#t(problem)}), 'problem', true);
      } else if (!result) {
        const key = failure?.name === 'TooLargeError' ? 'photo_too_large' : 'capture_failed';
        this.#say(() => this.#t(key), 'problem', true);
        if (failure) this.#emitError(failure.name ?? 'Error', failure.message ?? String(failure), true);
      }
      return;
    }
    this.#accept(side, result, 'camera');
  }

  async #takePhoto() {
    if (typeof ImageCapture !== 'function' || !this.#track) return null;
    const capture = new ImageCapture(this.#track);
    /** @type {Record<string, unknown>} */
    const settings = {};
    try {
      const caps = await withTimeout(capture.getPhotoCapabilities(), 1500);
      // A flash makes glare on a laminated card.
      if (caps.fillLightMode?.includes('off')) settings.fillLightMode = 'off';
      if (caps.imageWidth?.max && caps.imageHeight?.max) {
        settings.imageWidth = caps.imageWidth.max;
        settings.imageHeight = caps.imageHeight.max;
      }
    } catch {
      // No capabilities: take the device's default photo.
    }
    const blob = await withTimeout(
      capture.takePhoto(settings).catch(() => capture.takePhoto()),
      PHOTO_TIMEOUT_MS,
    );
    return this.#checkStill(blob);
  }

  /**
   * @param {string} side
   * @param {{report: Report, blob: Blob, width: number, height: number}} result
   * @param {'camera' | 'file'} source
   */
  #accept(side, result, source) {
    /** @type {Capture} */
    const detail = {side, blob: result.blob, width: result.width, height: result.height, report: result.report, source};
    this.#captures.set(side, {...detail, url: URL.createObjectURL(result.blob)});
    if (navigator.userActivation?.hasBeenActive) navigator.vibrate?.(60);
    this.#flash();
    this.dispatchEvent(new CustomEvent('capture', {detail}));
    this.#hideStill();
    this.#review = null;
    const next = this.#currentSide;
    if (!next) {
      this.#showDone();
      return;
    }
    const done = () => this.#t('captured', {side: this.#sideName(side)});
    if (!this.#track) {
      // No camera: the next side comes from the file picker too. The panel shows what to
      // photograph next; the live region says it, or a screen reader would still hear "Checking…".
      this.#renderSides();
      this.#showFilePanel(done);
      this.#say(() => `${done()} — ${this.#sideTitle(next)}`, 'ready', true);
      return;
    }
    // Live first, then the panel of a photo used from review goes (handing its focus to the shutter).
    this.#beginSide();
    this.#hidePanel();
    this.#say(() => `${done()} — ${this.#t('turn_over')}`, 'ready', true);
  }

  /** Every side taken: the camera goes off, the photos can be looked at and retaken. */
  #showDone() {
    this.#stopCamera();
    this.#setState('done');
    this.#renderSides();
    this.#showPanel(() => ({
      title: this.#t('done_title'),
      text: this.#t('done_text'),
      actions: this.#sides.map((s) => ({label: this.#t('retake_side', {side: this.#sideName(s)}), run: () => this.retake(s)})),
    }));
    this.#say(() => this.#t('done_title'), 'ready', true);
  }

  #flash() {
    const flash = this.#ui.flash;
    flash.classList.remove('on');
    void flash.offsetWidth;
    flash.classList.add('on');
  }

  // ---- Photo from a file ------------------------------------------------------------------

  #pickFile() {
    this.#ui.file.click();
  }

  #onFile = async () => {
    const input = this.#ui.file;
    const file = input.files?.[0];
    input.value = '';
    const side = this.#currentSide;
    if (!file || !side) return;
    const before = this.#state;
    const token = ++this.#captureToken;
    this.#setState('checking');
    this.#say(() => this.#t('checking'), 'info', true);
    let result;
    try {
      result = await this.#checkStill(file);
    } catch (error) {
      if (token !== this.#captureToken) return;
      const key = error?.name === 'TooLargeError' ? 'photo_too_large' : 'file_unreadable';
      const text = () => this.#t(key);
      // Chosen from a photo under review: that review stays, with the error said.
      const reviewing = before === 'review' && Boolean(this.#review);
      if (this.#state === 'checking') {
        // Else back to the camera if it is on (it may have started during the check).
        if (reviewing) this.#setState('review');
        else if (this.#track) this.#beginSide();
        else this.#setState(before);
      }
      this.#say(text, 'problem', true);
      if (!this.#track && !reviewing) this.#showFilePanel(text);
      return;
    }
    // Dropped by a retake, a restart or the element's removal meanwhile.
    if (token !== this.#captureToken) return;
    if (result.report.ready) {
      this.#accept(side, result, 'file');
      return;
    }
    this.#showReview(side, result);
  };

  /** Shows a photo that has problems, with each of them, and what can be done. */
  #showReview(side, result) {
    // A photo under review before this one (another choice after "Choose another photo").
    this.#hideStill();
    this.#setState('review');
    const url = URL.createObjectURL(result.blob);
    this.#review = {result, url, side};
    const still = this.#ui.still;
    still.src = url;
    still.hidden = false;
    this.#last = {report: result.report, width: result.width, height: result.height};
    const camera = Boolean(this.#track);
    this.#showPanel(() => {
      const actions = [
        {label: this.#t('choose_another'), run: () => this.#pickFile(), primary: true},
        {label: this.#t('use_anyway'), run: () => this.#accept(side, result, 'file')},
      ];
      if (camera) actions.push({label: this.#t('back_to_camera'), run: () => this.#resumeCamera()});
      return {title: this.#t('review_title'), problems: result.report.problems.map((p) => this.#t(p)), actions};
    });
    this.#draw();
    this.#say(() => this.#t(result.report.problems[0]), 'problem', true);
  }

  #hideStill() {
    const still = this.#ui.still;
    if (still && !still.hidden) {
      still.hidden = true;
      still.removeAttribute('src');
    }
    if (this.#review) URL.revokeObjectURL(this.#review.url);
  }

  /** Without a camera: the side to photograph and the file picker. @param {() => string} text */
  #showFilePanel(text) {
    const side = this.#currentSide;
    this.#setState('blocked');
    this.#showPanel(() => ({
      title: this.#sideTitle(side),
      text: text(),
      actions: [{label: this.#t('pick_long'), run: () => this.#pickFile(), primary: true, name: 'pick'}],
    }));
  }

  // ---- DOM --------------------------------------------------------------------------------

  #build() {
    const root = this.attachShadow({mode: 'open'});
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
      // A constructed sheet is allowed by a strict style-src, unlike a <style> element.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      root.adoptedStyleSheets = [sheet];
    } else {
      // Before Safari 16.4: a <style> element, which a strict style-src refuses (see docs/web.md).
      const style = document.createElement('style');
      style.textContent = STYLE;
      root.append(style);
    }
    const stage = el('section', {class: 'stage', part: 'stage'});
    const video = el('video', {playsinline: '', muted: '', autoplay: '', disablepictureinpicture: '', 'aria-hidden': 'true'});
    video.muted = true;
    const still = el('img', {class: 'still', alt: '', hidden: ''});
    const overlay = el('canvas', {class: 'overlay', 'aria-hidden': 'true'});
    const sides = el('ol', {class: 'sides'});
    // Never `hidden`: a live region must be in the accessibility tree before its text changes, or
    // VoiceOver (iOS) does not announce the first message. Empty, it takes no room (CSS).
    const message = el('p', {class: 'message', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true'});
    const panel = el('div', {class: 'panel', hidden: '', role: 'group', 'aria-labelledby': 'panel-title'});
    // Focusable from script only: where a panel offers no way forward, the focus goes to its title.
    const panelTitle = el('h2', {id: 'panel-title', tabindex: '-1'});
    const panelText = el('p', {class: 'panel-text'});
    const panelProblems = el('ul', {class: 'panel-problems'});
    const panelActions = el('div', {class: 'panel-actions'});
    panel.append(panelTitle, panelText, panelProblems, panelActions);
    const pick = el('button', {type: 'button', class: 'pick'});
    pick.innerHTML = ICON_PHOTO;
    pick.append(el('span', {class: 'label'}));
    const shutter = el('button', {type: 'button', class: 'shutter'});
    shutter.innerHTML = SHUTTER_RING;
    const auto = el('button', {type: 'button', class: 'auto'});
    const controls = el('div', {class: 'controls'});
    controls.append(pick, shutter, auto);
    const file = el('input', {type: 'file', accept: 'image/*', capture: 'environment', hidden: '', class: 'file'});
    const flash = el('div', {class: 'flash', 'aria-hidden': 'true'});
    stage.append(video, still, overlay, el('header', {class: 'bar'}, [sides]), message, panel, controls, file, flash);
    root.append(stage);

    pick.addEventListener('click', () => pick.getAttribute('aria-disabled') !== 'true' && this.#pickFile());
    shutter.addEventListener('click', () => this.#capture('manual'));
    auto.addEventListener('click', () => this.setAttribute('auto-capture', this.#autoCapture ? 'off' : 'on'));
    file.addEventListener('change', this.#onFile);
    video.addEventListener('resize', () => this.#draw());
    flash.addEventListener('animationend', () => flash.classList.remove('on'));
    this.#ui = {root: stage, stage, video, still, overlay, sides, message, panel, panelTitle, panelText, panelProblems, panelActions, pick, shutter, auto, controls, file, flash};
    this.#built = true;
  }

  #resizeObserver = new ResizeObserver(() => {
    this.#band = null;
    this.#draw();
  });
  /** The guide's band (#guideBand), worked out again only after a size change. */
  #band = /** @type {{top: number, bottom: number} | null} */ (null);
  /** Whether the phone is held sideways (SIDEWAYS; the layout of STYLE's media query). */
  #sideways = matchMedia(SIDEWAYS);

  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.#ui.stage.dataset.state = state;
    if (state !== 'live') this.#breakReadyStreak();
    this.#renderControls();
    this.#draw();
  }

  #renderAll() {
    this.#ui.stage.setAttribute('aria-label', this.#t('camera_region'));
    this.#renderSides();
    this.#renderControls();
    this.#draw();
  }

  /** After a change of `lang`: everything shown again in the new language, the panel and the live message too. */
  #relabel() {
    this.#renderAll();
    if (this.#panelContent && !this.#ui.panel.hidden) this.#showPanel(this.#panelContent, true);
    const el = this.#ui.message;
    const text = this.#message?.text();
    // A message still waiting for its turn is worded when it is shown.
    if (text !== undefined && el.textContent !== text) el.textContent = text;
  }

  #renderControls() {
    const {pick, shutter, auto} = this.#ui;
    if (!pick) return;
    pick.querySelector('.label').textContent = this.#t('pick');
    // The visible words are the name (a voice-control user says "Upload"); the longer wording is
    // the description, and the name where the label is hidden (narrow screens).
    pick.title = this.#t('pick_long');
    shutter.setAttribute('aria-label', this.#t('shutter'));
    // aria-disabled, not disabled: a disabled button loses the keyboard focus (pressing the
    // shutter would throw the person back to the top of the page). Clicks are ignored meanwhile.
    shutter.setAttribute('aria-disabled', String(this.#state !== 'live'));
    pick.setAttribute('aria-disabled', String(this.#state === 'capturing' || this.#state === 'checking' || this.#state === 'done'));
    auto.textContent = this.#t('auto');
    auto.title = this.#t('auto_label');
    auto.setAttribute('aria-pressed', String(this.#autoCapture));
  }

  #renderSides() {
    const list = this.#ui.sides;
    if (!list) return;
    const current = this.#currentSide;
    list.replaceChildren(
      ...this.#sides.map((side) => {
        const taken = this.#captures.get(side);
        const item = el('li', {class: 'side', 'data-side': side});
        if (side === current && this.#state !== 'done') item.setAttribute('aria-current', 'step');
        if (taken) {
          item.classList.add('taken');
          item.append(el('img', {src: taken.url, alt: '', class: 'thumb'}));
        }
        item.append(el('span', {class: 'name'}, [taken ? `✓ ${this.#sideName(side)}` : this.#sideName(side)]));
        if (taken) {
          const retake = el('button', {type: 'button', class: 'retake', 'aria-label': this.#t('retake_side', {side: this.#sideName(side)})}, [this.#t('retake')]);
          retake.addEventListener('click', () => this.retake(side));
          item.append(retake);
        }
        return item;
      }),
    );
  }

  /**
   * Shows the panel. `content` words it in the current language; it is asked again when `lang`
   * changes (`relabel`), and then the focus stays on the same button.
   * @param {() => PanelContent} content
   */
  #showPanel(content, relabel = false) {
    const ui = this.#ui;
    const focused = relabel ? [...ui.panelActions.children].indexOf(this.shadowRoot?.activeElement) : -1;
    // Asked before the buttons are replaced: a focused button that is removed takes the focus
    // out of the widget.
    const inUse = Boolean(this.shadowRoot?.activeElement);
    this.#panelContent = content;
    const {title = '', text = '', problems = [], actions = []} = content();
    ui.panelTitle.textContent = title;
    ui.panelText.textContent = text;
    ui.panelText.hidden = !text;
    ui.panelProblems.replaceChildren(...problems.map((p) => el('li', {}, [p])));
    ui.panelProblems.hidden = problems.length === 0;
    ui.panelActions.replaceChildren(
      ...actions.map((a) => {
        const b = el('button', {type: 'button', class: a.primary ? 'primary' : 'secondary'}, [a.label]);
        if (a.name) b.dataset.action = a.name;
        b.addEventListener('click', () => a.run());
        return b;
      }),
    );
    ui.panel.hidden = false;
    if (relabel) {
      if (focused >= 0) /** @type {HTMLElement} */ (ui.panelActions.children[focused])?.focus();
      return;
    }
    // Move focus to the way forward only when the person was already using the widget. A panel
    // with no main action ("All photos taken": only Retake buttons) gets it on its title, so a
    // second Enter does not undo a photo.
    const first = ui.panelActions.querySelector('.primary') ?? ui.panelTitle;
    if (inUse) first.focus();
  }

  #hidePanel() {
    this.#panelContent = null;
    const panel = this.#ui.panel;
    if (!panel) return;
    // Its focused button hidden, the keyboard focus would fall out of the widget.
    const focused = panel.contains(this.shadowRoot?.activeElement ?? null);
    panel.hidden = true;
    if (focused) this.#focusWayForward();
  }

  // ---- Overlay ----------------------------------------------------------------------------

  /**
   * How a `width × height` picture maps onto the stage: full-bleed (cover) unless that would
   * hide more than a quarter of it (a landscape camera on a portrait screen), then contain.
   */
  #fit(width, height, mode = '', area = {x: 0, y: 0, w: this.#ui.stage.clientWidth, h: this.#ui.stage.clientHeight}) {
    const {x, y, w, h} = area;
    const cover = Math.max(w / width, h / height);
    const shown = Math.min(w / (width * cover), h / (height * cover));
    mode ||= shown >= 0.75 ? 'cover' : 'contain';
    const scale = mode === 'cover' ? cover : Math.min(w / width, h / height);
    return {mode, scale, ox: x + (w - width * scale) / 2, oy: y + (h - height * scale) / 2, cw: x + w, ch: y + h};
  }

  /** Where a photo under review is shown: between the sides bar and the panel. */
  #reviewArea() {
    const {stage, panel, sides, still} = this.#ui;
    const s = stage.getBoundingClientRect();
    const p = panel.getBoundingClientRect();
    const top = sides.getBoundingClientRect().bottom - s.top + 12;
    // The panel below the photo, or beside it on a phone held sideways.
    const area = this.#sideways.matches
      ? {x: 12, y: top, w: Math.max(80, p.left - s.left - 24), h: Math.max(80, stage.clientHeight - top - 12)}
      : {x: 12, y: top, w: stage.clientWidth - 24, h: Math.max(80, p.top - s.top - 12 - top)};
    // CSSOM, not a style attribute: allowed by a strict CSP.
    Object.assign(still.style, {left: `${area.x}px`, top: `${area.y}px`, width: `${area.w}px`, height: `${area.h}px`});
    return area;
  }

  #draw() {
    const {overlay, video, stage} = this.#ui;
    if (!overlay) return;
    const dpr = window.devicePixelRatio || 1;
    const cw = stage.clientWidth;
    const ch = stage.clientHeight;
    if (overlay.width !== Math.round(cw * dpr) || overlay.height !== Math.round(ch * dpr)) {
      overlay.width = Math.round(cw * dpr);
      overlay.height = Math.round(ch * dpr);
    }
    const g = overlay.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cw, ch);
    const reviewing = this.#state === 'review';
    const width = reviewing ? this.#last?.width : video.videoWidth;
    const height = reviewing ? this.#last?.height : video.videoHeight;
    if (!width || !height || !cw || !ch) return;
    const f = reviewing ? this.#fit(width, height, 'contain', this.#reviewArea()) : this.#fit(width, height);
    if (!reviewing) video.dataset.fit = f.mode;
    const map = ([x, y]) => [f.ox + x * f.scale, f.oy + y * f.scale];
    const report = this.#state === 'live' || reviewing ? this.#last?.report : null;
    const sameSize = this.#last && this.#last.width === width && this.#last.height === height;

    if (!reviewing) this.#drawGuide(g, f, width, height, !report?.quad);
    if (!report || !sameSize) return;
    const colour = report.ready ? COLOUR.ready : FRAMING.has(report.problems[0]) ? COLOUR.framing : COLOUR.light;
    const box = report.metrics.glare_box;
    if (box && report.problems.includes('glare')) {
      const [x0, y0] = map([box[0], box[1]]);
      const [x1, y1] = map([box[2], box[3]]);
      g.fillStyle = 'rgba(253, 224, 71, 0.28)';
      g.strokeStyle = '#fde047';
      g.lineWidth = 2;
      g.setLineDash([6, 4]);
      roundRect(g, x0, y0, x1 - x0, y1 - y0, 6);
      g.fill();
      g.stroke();
      g.setLineDash([]);
      drawSun(g, (x0 + x1) / 2, (y0 + y1) / 2, Math.max(7, Math.min(14, (x1 - x0) / 4)));
    }
    if (report.quad) {
      const pts = report.quad.map(map);
      g.beginPath();
      pts.forEach(([x, y], i) => (i ? g.lineTo(x, y) : g.moveTo(x, y)));
      g.closePath();
      g.fillStyle = colour + '22';
      g.fill();
      g.lineWidth = 4;
      g.lineJoin = 'round';
      g.strokeStyle = 'rgba(0,0,0,0.45)';
      g.stroke();
      g.lineWidth = 3;
      g.strokeStyle = colour;
      g.stroke();
      const visible = report.metrics.corners_visible ?? [];
      pts.forEach(([x, y], k) => {
        g.beginPath();
        g.arc(x, y, 7, 0, Math.PI * 2);
        g.fillStyle = visible[k] ? colour : COLOUR.framing;
        g.strokeStyle = '#000';
        g.lineWidth = 2;
        g.fill();
        g.stroke();
      });
    }
  }

  /** A card-shaped frame in the middle of what the person sees: where to put the document. */
  #drawGuide(g, f, width, height, emphasise) {
    const vx0 = Math.max(0, f.ox);
    const vw = Math.min(f.cw, f.ox + width * f.scale) - vx0;
    const top = Math.max(0, f.oy);
    const bottom = Math.min(f.ch, f.oy + height * f.scale);
    // Between the sides bar and the message (or the controls below): the guide never lies
    // under them, however short the screen (a phone held sideways).
    const band = (this.#band ??= this.#guideBand());
    const vy0 = Math.max(top, band.top);
    const vh = Math.min(bottom, band.bottom) - vy0;
    if (vw <= 0 || vh <= 0) return;
    const aspect = this.#sides.length === 1 ? PASSPORT_ASPECT : CARD_ASPECT;
    let w = vw * 0.86;
    let h = w / aspect;
    // 62% of the whole picture's height, as before, but never more than 90% of the free band.
    const most = Math.min(vh * 0.9, (bottom - top) * 0.62);
    if (h > most) {
      h = most;
      w = h * aspect;
    }
    const x = vx0 + (vw - w) / 2;
    const y = vy0 + (vh - h) / 2;
    g.save();
    g.strokeStyle = emphasise ? 'rgba(255,255,255,0.9)' : COLOUR.guide;
    g.lineWidth = emphasise ? 3 : 2;
    g.setLineDash([10, 8]);
    roundRect(g, x, y, w, h, Math.min(w, h) * 0.06);
    g.stroke();
    g.restore();
  }

  /** The stretch of the stage's height (CSS px, from its top) that the sides bar, the message
   * and controls along the bottom leave free. */
  #guideBand() {
    const {stage, sides, message, controls} = this.#ui;
    const box = stage.getBoundingClientRect();
    let top = 0;
    let bottom = box.height;
    const bar = sides.getBoundingClientRect();
    if (bar.height) top = bar.bottom - box.top + 8;
    // Controls along the bottom (not in a column at the side, as on a phone held sideways).
    const c = controls.getBoundingClientRect();
    if (c.height && !this.#sideways.matches) bottom = c.top - box.top;
    if (message.textContent) bottom = Math.min(bottom, message.getBoundingClientRect().top - box.top - 8);
    return {top, bottom};
  }
}

function strip({url, ...capture}) {
  return capture;
}

/** @param {string} tag @param {Record<string, string>} [attrs] @param {(Node | string)[]} [children] */
function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function roundRect(g, x, y, w, h, r) {
  g.beginPath();
  g.moveTo(x + r, y);
  g.arcTo(x + w, y, x + w, y + h, r);
  g.arcTo(x + w, y + h, x, y + h, r);
  g.arcTo(x, y + h, x, y, r);
  g.arcTo(x, y, x + w, y, r);
  g.closePath();
}

/** A small sun where the glare is. */
function drawSun(g, x, y, r) {
  g.save();
  g.strokeStyle = '#1f2937';
  g.fillStyle = '#fde047';
  g.lineWidth = 2;
  g.beginPath();
  g.arc(x, y, r * 0.5, 0, Math.PI * 2);
  g.fill();
  g.stroke();
  g.strokeStyle = '#fde047';
  for (let k = 0; k < 8; k++) {
    const a = (k * Math.PI) / 4;
    g.beginPath();
    g.moveTo(x + Math.cos(a) * r * 0.75, y + Math.sin(a) * r * 0.75);
    g.lineTo(x + Math.cos(a) * r * 1.15, y + Math.sin(a) * r * 1.15);
    g.stroke();
  }
  g.restore();
}

/** What to transfer with a frame or photo posted to the worker (a Blob is shared, not moved). */
function transferOf(source) {
  if (source instanceof Blob) return [];
  if ('rgba' in source) return [source.rgba.buffer];
  return [source];
}

/** A 2D canvas on this thread, for browsers whose workers have no OffscreenCanvas 2D. */
let scratch = null;

/** @param {CanvasImageSource} image @returns {{width: number, height: number, rgba: Uint8ClampedArray}} */
function drawHere(image, width, height) {
  scratch ??= document.createElement('canvas');
  if (scratch.width !== width || scratch.height !== height) {
    scratch.width = width;
    scratch.height = height;
  }
  const g = scratch.getContext('2d', {willReadFrequently: true, alpha: false});
  g.drawImage(image, 0, 0, width, height);
  return {width, height, rgba: g.getImageData(0, 0, width, height).data};
}

/** @param {number} maxBytes @returns {Promise<Blob | null>} the scratch canvas as a JPEG that fits */
function encodeHere(maxBytes) {
  return jpegWithin(maxBytes, (quality) => new Promise((resolve) => scratch.toBlob(resolve, 'image/jpeg', quality)));
}

/** A photo's canvas can be 50 MB: give it back. */
function releaseHere() {
  if (scratch && scratch.width * scratch.height > 4_000_000) {
    scratch.width = 1;
    scratch.height = 1;
  }
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('timed out'), {name: 'TimeoutError'})), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

const ICON_PHOTO =
  '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" d="M3 5h18v14H3z"/><path fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" d="m3 16 5-5 4 4 3-3 6 6"/><circle cx="16" cy="9" r="1.6" fill="currentColor"/></svg>';
const SHUTTER_RING =
  '<svg viewBox="0 0 80 80" aria-hidden="true" focusable="false"><circle class="track" cx="40" cy="40" r="36"/><circle class="progress" cx="40" cy="40" r="36"/><circle class="button" cx="40" cy="40" r="29"/></svg>';

/** A phone held sideways: a landscape screen too short for controls along the bottom. */
const SIDEWAYS = '(orientation: landscape) and (max-height: 500px)';

const STYLE = `
:host { display: block; position: relative; min-height: 360px; height: 100%; background: #000; color: #fff;
  font: 16px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif;
  overflow: hidden; contain: layout paint; -webkit-tap-highlight-color: transparent; }
:host([hidden]) { display: none; }
[hidden] { display: none !important; }
.stage { position: absolute; inset: 0; overflow: hidden; }
video, .overlay { position: absolute; inset: 0; width: 100%; height: 100%; }
.still { position: absolute; }
video { object-fit: cover; background: #000; }
video[data-fit="contain"], .still { object-fit: contain; }
.still { background: transparent; }
.stage[data-state="review"] video { visibility: hidden; }
.overlay { pointer-events: none; }
.bar { position: absolute; top: max(12px, env(safe-area-inset-top)); left: 12px; right: 12px; display: flex; justify-content: center; }
.sides { display: flex; gap: 8px; margin: 0; padding: 0; list-style: none; flex-wrap: wrap; justify-content: center; }
.side { display: flex; align-items: center; gap: 6px; min-height: 40px; padding: 4px 12px; border-radius: 999px;
  background: rgba(0,0,0,.62); border: 2px solid transparent; font-weight: 600; font-size: 15px; }
.side[aria-current="step"] { border-color: #fff; }
.side.taken { background: #166534; padding-left: 4px; }
.thumb { width: 40px; height: 28px; object-fit: cover; border-radius: 6px; }
.retake { font: inherit; font-size: 14px; color: #fff; background: rgba(0,0,0,.35); border: 1px solid rgba(255,255,255,.7);
  border-radius: 999px; padding: 6px 12px; min-height: 44px; min-width: 44px; cursor: pointer; }
.message { position: absolute; left: 50%; transform: translateX(-50%); bottom: calc(128px + env(safe-area-inset-bottom));
  width: max-content; max-width: min(92%, 30rem); margin: 0; padding: 12px 20px; border-radius: 16px; box-sizing: border-box;
  background: rgba(10,10,10,.86); color: #fff; font-size: 20px; font-weight: 700; text-align: center; text-wrap: balance;
  border-left: 6px solid #f59e0b; box-shadow: 0 4px 18px rgba(0,0,0,.35); }
.message:empty { padding: 0; border: 0; box-shadow: none; background: none; }
.message[data-tone="framing"] { border-left-color: #ef4444; }
.message[data-tone="info"] { border-left-color: #60a5fa; }
.message[data-tone="ready"] { background: #15803d; border-left-color: #bbf7d0; }
.controls { position: absolute; left: 0; right: 0; bottom: 0; padding: 16px 20px calc(20px + env(safe-area-inset-bottom));
  display: grid; grid-template-columns: 1fr auto 1fr; align-items: center; gap: 12px;
  background: linear-gradient(to top, rgba(0,0,0,.7), rgba(0,0,0,0)); }
.pick, .auto { font: inherit; font-size: 15px; font-weight: 600; color: #fff; background: rgba(0,0,0,.55);
  border: 2px solid rgba(255,255,255,.75); border-radius: 999px; min-height: 48px; padding: 8px 16px; cursor: pointer;
  display: inline-flex; align-items: center; gap: 8px; }
.pick { justify-self: start; }
.auto { justify-self: end; }
.auto[aria-pressed="true"] { background: #fff; color: #111; border-color: #fff; }
.shutter { width: 80px; height: 80px; padding: 0; border: 0; border-radius: 50%; background: transparent; cursor: pointer; }
.shutter svg { width: 100%; height: 100%; display: block; transform: rotate(-90deg); }
.shutter .track { fill: none; stroke: rgba(255,255,255,.9); stroke-width: 5; }
.shutter .progress { fill: none; stroke: #22c55e; stroke-width: 6; stroke-dasharray: 226.2; stroke-dashoffset: 226.2; }
.shutter .button { fill: #fff; }
.shutter[data-holding] .progress { animation: hold ${HOLD_MS}ms linear forwards; }
.shutter[data-holding] .button { fill: #bbf7d0; }
.shutter[aria-disabled="true"], .pick[aria-disabled="true"] { opacity: .45; cursor: default; }
@keyframes hold { to { stroke-dashoffset: 0; } }
.panel { position: absolute; left: 50%; top: 50%; transform: translate(-50%, -50%); width: min(calc(100% - 32px), 26rem);
  box-sizing: border-box; padding: 22px; border-radius: 18px; background: rgba(17,17,17,.94); box-shadow: 0 10px 40px rgba(0,0,0,.5); }
.panel h2 { margin: 0 0 8px; font-size: 21px; line-height: 1.25; }
.panel-text { margin: 0 0 16px; color: #e5e5e5; }
.panel-problems { margin: 0 0 16px; padding-left: 20px; color: #fde68a; font-weight: 600; }
.panel-problems li + li { margin-top: 4px; }
.panel-actions { display: flex; flex-direction: column; gap: 10px; }
.panel-actions button { font: inherit; font-weight: 700; min-height: 48px; border-radius: 12px; padding: 10px 16px; cursor: pointer; }
.primary { background: #fff; color: #111; border: 2px solid #fff; }
.secondary { background: transparent; color: #fff; border: 2px solid rgba(255,255,255,.7); }
/* The panel says it on screen; the live region still announces it to screen readers. */
.stage[data-state="review"] .message, .stage[data-state="blocked"] .message, .stage[data-state="done"] .message {
  left: 0; bottom: 0; width: 1px; height: 1px; padding: 0; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.stage[data-state="review"] .panel { top: auto; bottom: calc(16px + env(safe-area-inset-bottom)); transform: translateX(-50%); }
.stage:is([data-state="review"], [data-state="blocked"], [data-state="done"]) .controls { display: none; }
button:focus-visible { outline: 3px solid #facc15; outline-offset: 3px; box-shadow: 0 0 0 9px rgba(0,0,0,.85); }
.flash { position: absolute; inset: 0; background: #fff; opacity: 0; pointer-events: none; }
.flash.on { animation: flash 280ms ease-out; }
@keyframes flash { from { opacity: .85; } to { opacity: 0; } }
@media (prefers-reduced-motion: reduce) {
  .flash.on { animation: none; }
  .shutter[data-holding] .progress { animation: none; stroke-dashoffset: 0; }
}
/* Narrow phones: Upload's word goes under its icon, so that it still shows (a touch screen
   never shows the title). */
@media (max-width: 360px) { .message { font-size: 18px; }
  .pick { flex-direction: column; gap: 0; padding: 4px 12px; border-radius: 16px; font-size: 13px; line-height: 1.2; } }
/* A phone held sideways: too short for controls along the bottom. They go in a column on the
   right, as in a camera app, and the message sits at the bottom of the picture beside them. */
@media ${SIDEWAYS} {
  :host { min-height: 0; }
  .bar { right: calc(152px + env(safe-area-inset-right)); }
  .controls { top: 0; left: auto; width: 148px; box-sizing: border-box; grid-template-columns: none;
    grid-template-rows: 1fr auto 1fr; justify-items: center; gap: 8px;
    padding: max(12px, env(safe-area-inset-top)) calc(12px + env(safe-area-inset-right)) calc(12px + env(safe-area-inset-bottom)) 12px;
    background: linear-gradient(to left, rgba(0,0,0,.7), rgba(0,0,0,0)); }
  .pick { justify-self: center; align-self: start; }
  .auto { justify-self: center; align-self: end; }
  .message { left: calc(50% - 74px - env(safe-area-inset-right) / 2); bottom: calc(12px + env(safe-area-inset-bottom));
    max-width: min(calc(100% - 184px), 30rem); font-size: 18px; padding: 10px 16px; }
  /* Panels on the right; the photo under review and the sides bar on the left. */
  .stage:is([data-state="review"], [data-state="done"], [data-state="blocked"]) .panel { left: auto; top: 50%; bottom: auto;
    right: calc(12px + env(safe-area-inset-right)); transform: translateY(-50%); width: min(48%, 24rem);
    max-height: calc(100% - 24px); overflow: auto; padding: 16px; }
  .stage:is([data-state="review"], [data-state="done"], [data-state="blocked"]) .bar { right: calc(50% + 12px); }
}
`;

if (!customElements.get('doc-capture')) customElements.define('doc-capture', DocCapture);
