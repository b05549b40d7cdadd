//! Frames of any size and content through the analyzer (still and video).
#![no_main]

use doccheck::{Analyzer, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Byte 0: path and whether the buffer length is right; bytes 1–2: width; the rest pixels.
    let Some((&[mode, w0, w1], pixels)) = data.split_first_chunk::<3>() else {
        return;
    };
    let width = u32::from(u16::from_le_bytes([w0, w1])) % 2048 + u32::from(mode & 0x80 == 0);
    let mut analyzer = Analyzer::new(Options::default()).unwrap();
    let (rgba, height) = if mode & 0x40 != 0 || width == 0 {
        // Claimed size unrelated to the buffer: must be refused precisely.
        (pixels, u32::from(mode & 0x3F) * 97)
    } else {
        let rows = pixels.len() / 4 / width as usize;
        (&pixels[..rows * width as usize * 4], rows as u32)
    };
    let result = if mode & 1 == 0 {
        analyzer.analyze_still(rgba, width, height)
    } else {
        let _ = analyzer.analyze(rgba, width, height);
        analyzer.analyze(rgba, width, height)
    };
    if let Ok(report) = result {
        assert_eq!(report.ready, report.problems.is_empty());
        assert!(!report.message.is_empty());
    }
});
