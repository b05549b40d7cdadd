//! Arbitrary bytes as a photo file: decoded, and analysed when they decode.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(photo) = doccheck::decode::decode_bytes(data) {
        assert_eq!(
            photo.rgba.len() as u64,
            u64::from(photo.width) * u64::from(photo.height) * 4
        );
        if u64::from(photo.width) * u64::from(photo.height) <= 4_000_000 {
            let report = doccheck::analyze(
                &photo.rgba,
                photo.width,
                photo.height,
                &doccheck::Options::default(),
            )
            .unwrap();
            assert_eq!(report.ready, report.problems.is_empty());
        }
    }
});
