//! Helpers shared by the integration tests: the invariants every report must keep whatever
//! the input, an allocator that records the largest single allocation (to show that absurd
//! input is refused before a buffer is sized from it), and small frame builders.
//!
//! Each test binary includes this module with `mod support;` and uses only part of it.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use doccheck::verdict::READY_MESSAGE;
use doccheck::{FrameError, Problem, Report, MAX_PIXELS, MAX_SIDE};

/// Checks what the report promises for any frame: `ready` exactly when no problem, problems
/// in priority order without repeats, a message for the first problem, a finite quad exactly
/// when a document was found, and every metric within its documented range. `video` says
/// whether the frame came through [`doccheck::Analyzer::analyze`], the only path that may
/// report motion.
///
/// # Errors
/// A description of the first broken promise.
pub fn check_report(r: &Report, video: bool) -> Result<(), String> {
    let m = &r.metrics;
    let fail = |what: String| Err(format!("{what}\nreport: {r:?}"));
    if r.ready != r.problems.is_empty() {
        return fail(format!(
            "ready = {} with problems {:?}",
            r.ready, r.problems
        ));
    }
    // Priority is the declaration order of `Problem::ALL`, with its exceptions (`too_dark`
    // first, a frame-wide `too_bright` or a highlight's `glare` before `no_document`); no
    // repeats.
    let mut order = r.problems.clone();
    order.sort_unstable();
    order.dedup();
    doccheck::verdict::light_first(&mut order);
    if order != r.problems {
        return fail(format!("problems not in priority order: {:?}", r.problems));
    }
    let expected_message = r.problems.first().map_or(READY_MESSAGE, |p| p.message());
    if r.message.is_empty() || r.message != expected_message {
        return fail(format!(
            "message {:?} is not the first problem's ({expected_message:?})",
            r.message
        ));
    }
    match &r.quad {
        None => {
            // Without a document only the frame's light can be judged besides: a frame
            // washed out (or black) may say so too, and so may a highlight held within it
            // (glare, never in a washed-out frame).
            let light_or_glare =
                |p: &Problem| matches!(p, Problem::TooDark | Problem::TooBright | Problem::Glare);
            let others = r.problems.iter().filter(|p| **p != Problem::NoDocument);
            if !r.problems.contains(&Problem::NoDocument)
                || !others.into_iter().all(light_or_glare)
                || r.problems.contains(&Problem::Glare) && r.problems.contains(&Problem::TooBright)
                || m.document_found
            {
                return fail(
                    "no quad, yet not no_document (plus frame-wide light or glare)".into(),
                );
            }
        }
        Some(q) => {
            if !m.document_found || r.problems.contains(&Problem::NoDocument) {
                return fail("a quad, yet no_document or document_found = false".into());
            }
            if q.iter().flatten().any(|v| !v.is_finite()) {
                return fail(format!("quad not finite: {q:?}"));
            }
        }
    }
    let fractions = [
        ("area_fraction", m.area_fraction),
        ("clipped_fraction", m.clipped_fraction),
        ("dark_fraction", m.dark_fraction),
        ("glare_fraction", m.glare_fraction),
        ("glare_total_fraction", m.glare_total_fraction),
    ]
    .into_iter()
    .chain(m.corner_gap.map(|v| ("corner_gap", v)));
    for (name, v) in fractions {
        if !(0.0..=1.0).contains(&v) {
            return fail(format!("{name} = {v} outside 0–1"));
        }
    }
    // Both glare figures are rounded to 4 decimals, hence the slack.
    if m.glare_fraction > m.glare_total_fraction + 1e-4 {
        return fail("largest glare blob larger than all glare".into());
    }
    if !(0.0..=255.0).contains(&m.mean_luma) {
        return fail(format!("mean_luma = {} outside 0–255", m.mean_luma));
    }
    if !(0.0..=255.0).contains(&m.colourfulness) {
        return fail(format!("colourfulness = {} outside 0–255", m.colourfulness));
    }
    if !(0.0..=765.0).contains(&m.outline_contrast) {
        return fail(format!(
            "outline_contrast = {} outside 0–765",
            m.outline_contrast
        ));
    }
    if !(m.light_ratio >= 1.0 && m.light_ratio.is_finite()) {
        return fail(format!("light_ratio = {} not a finite ≥ 1", m.light_ratio));
    }
    if let Some(s) = m.sharpness {
        if !(0.0..=1.0).contains(&s) {
            return fail(format!("sharpness = {s} outside 0–1"));
        }
    }
    if !(0.0..=180.0).contains(&m.max_corner_angle_deviation_deg) {
        return fail(format!(
            "corner angle deviation = {} outside 0–180°",
            m.max_corner_angle_deviation_deg
        ));
    }
    for (name, v) in [
        ("outline_score", m.outline_score),
        ("document_px", m.document_px),
    ]
    .into_iter()
    .chain(m.corner_oddness.map(|v| ("corner_oddness", v)))
    {
        if !(v >= 0.0 && v.is_finite()) {
            return fail(format!("{name} = {v} not a finite ≥ 0"));
        }
    }
    if (0..4).any(|k| m.corners_visible[k] && !m.corners_in_frame[k]) {
        return fail("a corner visible but not in the frame".into());
    }
    if (0..4)
        .any(|k| m.sides_run_on[k] && (m.corners_in_frame[k] || m.corners_in_frame[(k + 1) % 4]))
    {
        return fail("a side runs on, but a corner of it is in the frame".into());
    }
    if m.sides_run_on.contains(&true) && !r.problems.contains(&Problem::CornersCutOff) {
        return fail("a side runs on, but corners_cut_off is not raised".into());
    }
    if let Some([x0, y0, x1, y1]) = m.glare_box {
        if !(x0 <= x1 && y0 <= y1 && x0 >= 0.0 && y0 >= 0.0)
            || [x0, y0, x1, y1].iter().any(|v| !v.is_finite())
        {
            return fail("glare box not an ordered box in the image".into());
        }
    }
    match m.motion {
        Some(v) if !video => return fail(format!("motion {v} reported for a still")),
        Some(v) if !(v >= 0.0 && v.is_finite()) => return fail(format!("motion = {v}")),
        _ => {}
    }
    Ok(())
}

/// Checks that each side's support, documented as a share of the side's visible length,
/// lies in 0–1. Kept apart from [`check_report`] while the engine breaks it (see the
/// ignored test that calls it), so that the other promises stay checked meanwhile.
///
/// # Errors
/// The offending value.
pub fn check_side_support(r: &Report) -> Result<(), String> {
    match r
        .metrics
        .side_support
        .iter()
        .find(|v| !(0.0..=1.0).contains(*v))
    {
        Some(v) => Err(format!("side_support = {v} outside 0–1\nreport: {r:?}")),
        None => Ok(()),
    }
}

/// A frame of `width × height` pixels, all of one RGBA colour.
#[must_use]
pub fn flat_frame(width: usize, height: usize, rgba: [u8; 4]) -> Vec<u8> {
    rgba.repeat(width * height)
}

/// A frame of deterministic pseudo-random bytes (opaque).
#[must_use]
pub fn noise_frame(width: usize, height: usize, seed: u64) -> Vec<u8> {
    let mut rng = SplitMix(seed);
    let mut v = vec![255u8; width * height * 4];
    for px in v.chunks_exact_mut(4) {
        let r = rng.next().to_le_bytes();
        px[..3].copy_from_slice(&r[..3]);
    }
    v
}

/// SplitMix64: a tiny deterministic generator, so a failing case can be replayed from its
/// seed.
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in 0–1.
    pub fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

thread_local! {
    // Per thread, so that tests running in parallel in one binary do not see each other's
    // allocations. `const` initialisation: reading it from inside the allocator must not
    // allocate.
    static LARGEST_ALLOCATION: Cell<usize> = const { Cell::new(0) };
}

/// The system allocator, recording the largest single allocation made on each thread since
/// [`largest_allocation_during`] started watching.
pub struct TrackingAllocator;

// SAFETY: forwards every call unchanged to the system allocator; the bookkeeping touches only
// a `const`-initialised thread-local `Cell`, which neither allocates nor panics.
unsafe impl GlobalAlloc for TrackingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        System.realloc(ptr, layout, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
    }
}

fn note(size: usize) {
    // `try_with`: during thread teardown the slot may be gone; nothing to record then.
    let _ = LARGEST_ALLOCATION.try_with(|c| c.set(c.get().max(size)));
}

/// Runs `f` and returns its result with the largest single allocation (bytes) it made on
/// this thread. Meaningful only in a test binary that installs [`TrackingAllocator`] as its
/// `#[global_allocator]`.
pub fn largest_allocation_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST_ALLOCATION.with(|c| c.set(0));
    let out = f();
    (out, LARGEST_ALLOCATION.with(Cell::get))
}

/// What `Frame::new` must answer for a claimed size and a buffer of `len` bytes: the
/// validation rules written out plainly, for the tests that feed it arbitrary sizes.
pub fn expected_error(width: u32, height: u32, len: usize) -> Option<FrameError> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        Some(FrameError::EmptyFrame { width, height })
    } else if width > MAX_SIDE || height > MAX_SIDE || pixels > MAX_PIXELS {
        Some(FrameError::TooLarge { width, height })
    } else if len as u64 != pixels * 4 {
        Some(FrameError::WrongLength {
            expected: pixels * 4,
            actual: len as u64,
            width,
            height,
        })
    } else {
        None
    }
}
