//! Photo files checked natively, one (`check_file`) or many at once (`in_order`, for
//! `doccheck check --jobs` and `doccheck eval --jobs`): worker threads that each keep an
//! analyzer of their own, with the results handed back in the inputs' order. Also the
//! bounded reading of the text files that go with them (labels, options).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::decode::{read_photo, read_photo_from, Photo};
use crate::{Analyzer, FrameError, Options, Report};

/// The report on the photo file at `path` (`-`: one photo read from standard input), with the
/// photo's width and height as displayed; what went wrong, as text, when it cannot be read,
/// decoded or analysed.
///
/// # Errors
/// The decoding or frame error's message.
pub fn check_file(analyzer: &mut Analyzer, path: &Path) -> Result<(u32, u32, Report), String> {
    check_photo_file(analyzer, path).map(|(photo, report)| (photo.width, photo.height, report))
}

/// As [`check_file`], keeping the decoded photo (for `eval --steady`, which analyses it again).
///
/// # Errors
/// As [`check_file`].
pub fn check_photo_file(analyzer: &mut Analyzer, path: &Path) -> Result<(Photo, Report), String> {
    let photo = if path == Path::new("-") {
        read_photo_from(std::io::stdin().lock())
    } else {
        read_photo(path)
    }
    .map_err(|e| e.to_string())?;
    let report = analyzer
        .analyze_still(&photo.rgba, photo.width, photo.height)
        .map_err(|e| e.to_string())?;
    Ok((photo, report))
}

/// The text of the file at `path`, of at most `limit` bytes: a path given by mistake (a
/// video, a device) is refused as not being `what`, not read to its end.
///
/// # Errors
/// The file cannot be read, is larger than `limit`, or is not UTF-8 (naming the line).
pub fn read_text(path: &Path, limit: u64, what: &str) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("larger than {limit} bytes: not {what}"));
    }
    String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        format!("line {line} is not UTF-8 text")
    })
}

/// Runs `work(analyzer, i)` for every `i` in `0..count` on up to `jobs` threads (at least
/// one), each with an analyzer of its own made with `options`, and hands the results to
/// `sink` in the order of `i`, each as soon as those before it are in. A worker takes the
/// next `i` not yet taken, so a slow item holds up only the results after it, not the
/// work. When `sink` returns `false`, the workers stop at their next item and `sink` is
/// called no more.
///
/// # Errors
/// [`FrameError::InvalidOption`] when `options` are invalid; nothing is run then.
pub fn in_order<R: Send>(
    count: usize,
    jobs: usize,
    options: &Options,
    work: impl Fn(&mut Analyzer, usize) -> R + Sync,
    mut sink: impl FnMut(R) -> bool,
) -> Result<(), FrameError> {
    options.validate()?;
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, count.max(1)) {
            let (tx, next, work) = (tx.clone(), &next, &work);
            scope.spawn(move || {
                let Ok(mut analyzer) = Analyzer::new(options.clone()) else {
                    return;
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        return;
                    }
                    // The receiver is gone once the sink has had enough: stop.
                    if tx.send((i, work(&mut analyzer, i))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        // Results come back in any order; they leave in the inputs' order.
        let mut pending = BTreeMap::new();
        let mut given = 0;
        for (i, result) in rx {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&given) {
                if !sink(result) {
                    // Dropping the receiver stops the workers at their next item.
                    return;
                }
                given += 1;
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_whatever_the_jobs() {
        for jobs in [0, 1, 2, 3, 8, 64] {
            let mut seen = Vec::new();
            in_order(
                50,
                jobs,
                &Options::default(),
                |_, i| {
                    // Early items take longest, so that later ones finish first.
                    std::thread::sleep(std::time::Duration::from_micros(((50 - i) * 40) as u64));
                    i * 10
                },
                |r| {
                    seen.push(r);
                    true
                },
            )
            .unwrap();
            assert_eq!(
                seen,
                (0..50).map(|i| i * 10).collect::<Vec<_>>(),
                "{jobs} jobs"
            );
        }
    }

    #[test]
    fn a_sink_that_has_had_enough_stops_the_work() {
        let done = AtomicUsize::new(0);
        let mut seen = Vec::new();
        in_order(
            10_000,
            4,
            &Options::default(),
            |_, i| {
                done.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(2));
                i
            },
            |r| {
                seen.push(r);
                seen.len() < 5
            },
        )
        .unwrap();
        assert_eq!(seen, [0, 1, 2, 3, 4]);
        // Each worker finishes at most the item it holds, plus those already queued.
        assert!(done.load(Ordering::Relaxed) < 100, "{done:?} items worked");
    }

    #[test]
    fn invalid_options_run_nothing() {
        let options = Options {
            work_size: 5,
            ..Options::default()
        };
        let err = in_order(3, 2, &options, |_, i| i, |_| panic!("no result expected"));
        assert!(matches!(
            err,
            Err(FrameError::InvalidOption {
                name: "work_size",
                ..
            })
        ));
    }

    #[test]
    fn nothing_to_do_is_fine() {
        in_order(0, 4, &Options::default(), |_, i| i, |_| panic!("no items")).unwrap();
    }
}
