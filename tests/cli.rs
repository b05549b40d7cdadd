//! The `doccheck check` command on files a person may really hand it: good photos, broken
//! ones, things that are not photos, decompression bombs and rotated camera JPEGs. Every file
//! gets one JSON line, in order; a bad file never stops the others from being checked; the
//! exit status says whether any file failed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use doccheck::geometry::{quad_iou, Point};
use doccheck::synth::Scene;
use serde_json::Value;

/// A fresh, empty folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A clean card scene, 960×540: the engine calls it ready.
fn good_scene() -> Scene {
    Scene::centred(960, 540, 0.55, 4.0)
}

fn rgb_of(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect()
}

fn png_of(scene: &Scene) -> Vec<u8> {
    encoded(scene, image::ImageFormat::Png)
}

/// The scene in a lossless format (PNG, WebP).
fn encoded(scene: &Scene, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbaImage::from_raw(scene.width as u32, scene.height as u32, scene.render())
        .unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn jpeg_of(scene: &Scene) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode(
            &rgb_of(&scene.render()),
            scene.width as u32,
            scene.height as u32,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// A tiny valid PNG (1×1).
fn tiny_png() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(1, 1, image::Rgba([9, 9, 9, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A tiny valid JPEG (16×16).
fn tiny_jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode(&[128; 16 * 16 * 3], 16, 16, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A well-formed PNG whose header claims `width × height` pixels, with almost no data: a
/// decompression bomb's header.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = tiny_png();
    // IHDR's width and height are at bytes 16..24, its CRC (over type and data) at 29..33.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32fast::hash(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

/// A JPEG whose frame header claims `width × height` pixels.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = tiny_jpeg();
    // Baseline frame header: FF C0, length (2), precision (1), height (2), width (2).
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

fn doccheck(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_doccheck"))
        .arg("check")
        .args(args)
        .output()
        .unwrap()
}

/// The output's lines as JSON objects; panics with the output when a line is not JSON.
fn lines(out: &Output) -> Vec<serde_json::Map<String, Value>> {
    let stdout = String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8");
    stdout
        .lines()
        .map(|l| match serde_json::from_str(l) {
            Ok(Value::Object(m)) => m,
            _ => panic!("not a JSON object line: {l:?}\nstderr: {}", stderr(out)),
        })
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const REPORT_KEYS: [&str; 8] = [
    "file", "width", "height", "ready", "problems", "quad", "message", "metrics",
];

/// Checks a good file's line: every report key, the file's name and size, a quad on the
/// drawn card, and ready.
fn assert_good_line(line: &serde_json::Map<String, Value>, path: &Path, scene: &Scene) {
    for key in REPORT_KEYS {
        assert!(line.contains_key(key), "{key} missing from {line:?}");
    }
    assert!(!line.contains_key("error"), "{line:?}");
    assert_eq!(line["file"], path.display().to_string());
    assert_eq!(line["width"], scene.width);
    assert_eq!(line["height"], scene.height);
    assert_eq!(line["ready"], true, "{line:?}");
    assert_eq!(line["problems"], Value::Array(vec![]));
    assert!(line["message"].as_str().is_some_and(|m| !m.is_empty()));
    let iou = quad_iou(&scene.quad.unwrap(), &quad_of(line));
    assert!(iou >= 0.9, "quad IoU {iou:.3}: {line:?}");
}

fn quad_of(line: &serde_json::Map<String, Value>) -> [Point; 4] {
    let q = line["quad"].as_array().expect("quad");
    let at = |k: usize, c: usize| q[k][c].as_f64().unwrap() as f32;
    [0, 1, 2, 3].map(|k| Point::new(at(k, 0), at(k, 1)))
}

/// Checks an error line: exactly `file` and `error`, the message naming what is wrong.
fn assert_error_line(line: &serde_json::Map<String, Value>, path: &Path, fragments: &[&str]) {
    assert_eq!(
        line.keys().map(String::as_str).collect::<Vec<_>>(),
        ["error", "file"],
        "{line:?}"
    );
    assert_eq!(line["file"], path.display().to_string());
    let message = line["error"].as_str().unwrap();
    for f in fragments {
        assert!(
            message.to_lowercase().contains(&f.to_lowercase()),
            "{}: message {message:?} lacks {f:?}",
            path.display()
        );
    }
    assert!(!message.ends_with('\n'), "{message:?}");
}

#[test]
fn good_photos_give_full_reports_and_exit_zero() {
    let dir = scratch("good");
    let scene = good_scene();
    let png = write(&dir, "card.png", &png_of(&scene));
    let jpg = write(&dir, "card.jpg", &jpeg_of(&scene));
    // A PNG under a JPEG's name: the content decides, not the name.
    let misnamed = write(&dir, "really-a-png.jpg", &png_of(&scene));
    let webp = write(
        &dir,
        "card.webp",
        &encoded(&scene, image::ImageFormat::WebP),
    );
    let out = doccheck(&[&png, &jpg, &misnamed, &webp]);
    assert!(out.status.success(), "{:?} {}", out.status, stderr(&out));
    let lines = lines(&out);
    assert_eq!(lines.len(), 4);
    for (line, path) in lines.iter().zip([&png, &jpg, &misnamed, &webp]) {
        assert_good_line(line, path, &scene);
    }
    // Lossless WebP holds the PNG's pixels: the same report.
    let without_file = |l: &serde_json::Map<String, Value>| {
        let mut l = l.clone();
        l.remove("file");
        l
    };
    assert_eq!(without_file(&lines[3]), without_file(&lines[0]));
    // Numbers are written short (0.3072, not an f32 widened to 0.30720001459121704).
    let text = String::from_utf8_lossy(&out.stdout);
    let long = text
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|n| n.split_once('.').is_some_and(|(_, f)| f.len() > 6))
        .collect::<Vec<_>>();
    assert!(long.is_empty(), "long numbers: {long:?}");
}

/// Each kind of bad file, between two good ones: its own error line with a message naming
/// the trouble, the good ones still reported in order, and a failing exit status.
#[test]
fn each_bad_file_gives_an_error_line_and_the_others_are_still_checked() {
    let dir = scratch("bad");
    let scene = good_scene();
    let png = png_of(&scene);
    let jpg = jpeg_of(&scene);
    let webp = encoded(&scene, image::ImageFormat::WebP);
    let mut corrupt_png = png.clone();
    // Damage the middle of the compressed pixels: the chunk's CRC no longer matches.
    let mid = corrupt_png.len() / 2;
    corrupt_png[mid..mid + 64]
        .iter_mut()
        .for_each(|b| *b ^= 0x5A);
    let mut corrupt_jpeg = jpg.clone();
    // Damage the frame header's length: the segments no longer chain.
    let sof = corrupt_jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .unwrap();
    corrupt_jpeg[sof + 2..sof + 4].copy_from_slice(&[0, 1]);
    std::fs::create_dir(dir.join("a-folder.jpg")).unwrap();
    let cases: Vec<(PathBuf, &[&str])> = vec![
        (
            write(&dir, "truncated.jpg", &jpg[..jpg.len() / 2]),
            &["truncated"],
        ),
        (
            write(&dir, "truncated.png", &png[..png.len() / 2]),
            &["truncated"],
        ),
        (write(&dir, "header-only.jpg", &jpg[..200]), &["truncated"]),
        (
            write(&dir, "truncated.webp", &webp[..webp.len() * 2 / 3]),
            &["truncated WebP"],
        ),
        (write(&dir, "corrupt.png", &corrupt_png), &["CRC"]),
        (write(&dir, "corrupt.jpg", &corrupt_jpeg), &["corrupt"]),
        (
            write(&dir, "notes.txt", b"not a photo\n"),
            &["not a JPEG, PNG or WebP"],
        ),
        (
            write(
                &dir,
                "animation.gif",
                b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
            ),
            &["not a JPEG, PNG or WebP", "gif"],
        ),
        (write(&dir, "empty.jpg", b""), &["empty"]),
        (dir.join("a-folder.jpg"), &["directory"]),
        (dir.join("missing.png"), &["cannot read", "no such file"]),
        (
            dir.join("card.png").join("below-a-file.png"),
            &["cannot read", "not a directory"],
        ),
    ];
    let good_png = write(&dir, "card.png", &png);
    let good_jpg = write(&dir, "card.jpg", &jpg);
    for (bad, fragments) in &cases {
        let out = doccheck(&[&good_png, bad, &good_jpg]);
        assert!(
            !out.status.success() && out.status.code().is_some(),
            "{}: exit {:?}, stderr {}",
            bad.display(),
            out.status,
            stderr(&out)
        );
        let lines = lines(&out);
        assert_eq!(lines.len(), 3, "{}: {lines:?}", bad.display());
        assert_good_line(&lines[0], &good_png, &scene);
        assert_error_line(&lines[1], bad, fragments);
        assert_good_line(&lines[2], &good_jpg, &scene);
    }
}

#[test]
fn all_bad_files_in_one_run_give_one_error_line_each() {
    let dir = scratch("all-bad");
    let files = [
        write(&dir, "a.txt", b"hello"),
        write(&dir, "b.jpg", b""),
        dir.join("c.png"),
    ];
    let args: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let out = doccheck(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = lines(&out);
    assert_eq!(lines.len(), 3);
    for (line, path) in lines.iter().zip(&files) {
        assert_eq!(line["file"], path.display().to_string());
        assert!(line["error"].is_string(), "{line:?}");
    }
}

#[test]
fn several_jobs_give_the_same_lines_in_the_files_order() {
    let dir = scratch("jobs");
    // Photos of different sizes (the small ones finish first on their threads) and bad
    // files between them.
    let mut files = Vec::new();
    for k in 0..9usize {
        let path = match k % 3 {
            0 => {
                let scene = Scene::centred(320 + 160 * k, 240 + 90 * k, 0.5, k as f32 - 4.0);
                write(&dir, &format!("card{k}.png"), &png_of(&scene))
            }
            1 => write(&dir, &format!("card{k}.jpg"), &jpeg_of(&good_scene())),
            _ => write(&dir, &format!("bad{k}.jpg"), b"not a photo"),
        };
        files.push(path);
    }
    let with_jobs = |jobs: &str| {
        let mut args: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), "--jobs".as_ref()];
        args.push(jobs.as_ref());
        args.extend(files.iter().map(|f| f.as_os_str()));
        doccheck_with(&args)
    };
    let run = |jobs: &str| {
        let out = with_jobs(jobs);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        out
    };
    let one = run("1");
    let names: Vec<String> = lines(&one)
        .iter()
        .map(|l| l["file"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    assert_eq!(names, expected);
    for jobs in ["2", "4", "16"] {
        let many = run(jobs);
        assert_eq!(
            String::from_utf8_lossy(&many.stdout),
            String::from_utf8_lossy(&one.stdout),
            "--jobs {jobs}"
        );
    }
    // No jobs at all is refused with a clear error.
    assert_usage_error(&with_jobs("0"), "--jobs");

    // eval over the same files: the same figures and the same file list (--verbose, in the
    // labels' order) with any number of jobs.
    let mut labels = String::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        let problems = if name.starts_with("bad") {
            "[]"
        } else {
            r#"["too_far"]"#
        };
        labels.push_str(&format!(
            "{{\"file\": \"{name}\", \"quad\": null, \"problems\": {problems}}}\n"
        ));
    }
    let labels = write(&dir, "labels.jsonl", labels.as_bytes());
    let eval = |jobs: &str| {
        doccheck_with(&[
            "eval".as_ref(),
            "--verbose".as_ref(),
            "--jobs".as_ref(),
            jobs.as_ref(),
            labels.as_os_str(),
        ])
    };
    let one = eval("1");
    // The bad files are misses, and make the run exit 1.
    assert_eq!(one.status.code(), Some(1), "{}", stderr(&one));
    let text = String::from_utf8_lossy(&one.stdout).to_string();
    let per_file = &text[text.find("per file:").expect("a per-file list")..];
    let listed: Vec<usize> = files
        .iter()
        .map(|f| {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            per_file
                .find(&name)
                .unwrap_or_else(|| panic!("{name} not listed: {text}"))
        })
        .collect();
    assert!(listed.windows(2).all(|w| w[0] < w[1]), "{text}");
    for jobs in ["2", "5"] {
        assert_eq!(
            String::from_utf8_lossy(&eval(jobs).stdout),
            text,
            "eval --jobs {jobs}"
        );
    }
    assert_usage_error(&eval("0"), "--jobs");
}

#[test]
fn a_dash_reads_one_photo_from_standard_input() {
    let dir = scratch("stdin");
    let scene = good_scene();
    let png = write(&dir, "card.png", &png_of(&scene));
    let jpg = jpeg_of(&scene);
    let run = |input: &[u8], jobs: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_doccheck"))
            .args(["check", "--jobs", jobs])
            .args([png.as_os_str(), "-".as_ref(), png.as_os_str()])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    };
    let dash = Path::new("-");
    for jobs in ["1", "3"] {
        let out = run(&jpg, jobs);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let got = lines(&out);
        assert_eq!(got.len(), 3);
        assert_good_line(&got[0], &png, &scene);
        assert_good_line(&got[1], dash, &scene);
        assert_good_line(&got[2], &png, &scene);
        // What is not a photo, or nothing, gives an error line, and the files are checked.
        for (input, fragment) in [
            (&b"not a photo\n"[..], "not a JPEG, PNG or WebP"),
            (b"", "empty"),
        ] {
            let out = run(input, jobs);
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            let got = lines(&out);
            assert_eq!(got.len(), 3);
            assert_good_line(&got[0], &png, &scene);
            assert_error_line(&got[1], dash, &[fragment]);
            assert_good_line(&got[2], &png, &scene);
        }
    }
}

/// `doccheck` with these arguments (the subcommand first).
fn doccheck_with(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_doccheck"))
        .args(args)
        .output()
        .unwrap()
}

/// A usage error: exit status 2, nothing on standard output, and `fragment` in the message.
fn assert_usage_error(out: &Output, fragment: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr(out).contains(fragment),
        "no {fragment:?} in {}",
        stderr(out)
    );
}

#[test]
fn options_are_read_as_the_browser_reads_them() {
    let dir = scratch("options");
    let scene = good_scene();
    let photo = write(&dir, "card.png", &png_of(&scene));
    let check = |options: &str| {
        doccheck_with(&[
            "check".as_ref(),
            "--options".as_ref(),
            options.as_ref(),
            photo.as_os_str(),
        ])
    };
    // A strictness alone gives what --strictness gives.
    for s in ["relaxed", "normal", "strict"] {
        let by_flag = doccheck_with(&[
            "check".as_ref(),
            "--strictness".as_ref(),
            s.as_ref(),
            photo.as_os_str(),
        ]);
        let by_options = check(&format!(r#"{{"strictness": "{s}"}}"#));
        assert_eq!(by_options.status.code(), Some(0), "{}", stderr(&by_options));
        assert_eq!(by_options.stdout, by_flag.stdout, "{s}");
    }
    // A threshold given replaces the strictness's: the card's light (ratio 1.3 between its
    // brightest and darkest parts) becomes uneven at 1.2, from a file as well as inline.
    let uneven = r#"{"strictness": {"glare": "strict"}, "max_light_ratio": 1.2}"#;
    let file = write(&dir, "options.json", uneven.as_bytes());
    for out in [check(uneven), check(file.to_str().unwrap())] {
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let line = &lines(&out)[0];
        assert_eq!(
            line["problems"],
            serde_json::json!(["uneven_lighting"]),
            "{line:?}"
        );
    }
    // Mistakes are usage errors naming what is wrong; nothing is checked.
    for (options, fragment) in [
        (r#"{"min_sharpnes": 0.5}"#, "unknown option `min_sharpnes`"),
        (
            r#"{"min_sharpness": "0.5"}"#,
            "expected option `min_sharpness` to be a number",
        ),
        (r#"{"min_area_fraction": 2}"#, "min_area_fraction"),
        (
            r#"{"min_mean_luma": 200, "max_mean_luma": 100}"#,
            "200 must be below max_mean_luma (100)",
        ),
        (r#"{"strictness": "hard"}"#, "strictness `hard`"),
        (
            r#"{"strictness": {"blur": "strict"}}"#,
            "unknown family `blur`",
        ),
        ("[1, 2]", "expected the options as an object"),
        // An unknown name is named as such, whatever its value.
        (r#"{"glare": {"strict": true}}"#, "unknown option `glare`"),
        ("{oops", "not valid JSON"),
        ("no-such-options.json", "cannot read the options file"),
    ] {
        assert_usage_error(&check(options), fragment);
    }
    // eval reads them the same way.
    let labels = write(
        &dir,
        "labels.jsonl",
        b"{\"file\": \"card.png\", \"width\": 960, \"height\": 540, \"quad\": null, \"expect\": []}\n",
    );
    let eval = |options: &str| {
        doccheck_with(&[
            "eval".as_ref(),
            "--options".as_ref(),
            options.as_ref(),
            labels.as_os_str(),
        ])
    };
    let out = eval(uneven);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("clean frames judged ready: 0/1"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_usage_error(&eval(r#"{"foo": 1}"#), "unknown option `foo`");
    // --options and --strictness together are refused.
    let out = doccheck_with(&[
        "check".as_ref(),
        "--strictness".as_ref(),
        "strict".as_ref(),
        "--options".as_ref(),
        "{}".as_ref(),
        photo.as_os_str(),
    ]);
    assert_usage_error(&out, "cannot be used with");
}

#[test]
fn unreadable_file_gives_an_error_line() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("unreadable");
    let path = write(&dir, "locked.jpg", &tiny_jpeg());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Root reads any file whatever its mode; the other unreadable paths (a missing file,
        // a path through a file) are covered above.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED unreadable_file_gives_an_error_line: this user reads mode-000 files"
        );
        return;
    }
    let out = doccheck(&[&path]);
    assert_eq!(out.status.code(), Some(1));
    assert_error_line(
        &lines(&out)[0],
        &path,
        &["cannot read", "permission denied"],
    );
}

/// Headers claiming far more pixels than `doccheck::MAX_PIXELS`: refused from the header,
/// naming the size and the limit. The process runs under a 1 GiB address-space limit, so
/// allocating the claimed pixels (3.6 GB for the PNG, 14 GB for the JPEG) would fail it.
#[test]
fn decompression_bombs_are_refused_before_decoding() {
    let dir = scratch("bombs");
    let scene = good_scene();
    let good = write(&dir, "card.png", &png_of(&scene));
    let side = format!("a side above the limit of {}", doccheck::MAX_SIDE);
    let all = format!("above the limit of {} pixels in all", doccheck::MAX_PIXELS);
    // Each bomb and the limit its message names.
    let bombs = [
        (
            write(&dir, "bomb.png", &png_claiming(30_000, 30_000)),
            "30000×30000",
            &side,
        ),
        (
            write(&dir, "bomb.jpg", &jpeg_claiming(60_000, 60_000)),
            "60000×60000",
            &side,
        ),
        // Each side within the limit, the product far above it.
        (
            write(&dir, "wide.png", &png_claiming(20_000, 20_000)),
            "20000×20000",
            &all,
        ),
        // Few pixels, one side far too long.
        (
            write(&dir, "thin.png", &png_claiming(1, 100_000)),
            "1×100000",
            &side,
        ),
        // A width of billions: the decoder's own memory limit would have spoken first.
        (
            write(&dir, "wider.png", &png_claiming(2_147_483_647, 1)),
            "2147483647×1",
            &side,
        ),
    ];
    for (bomb, size, limit) in &bombs {
        // `sh` sets the limit, then becomes doccheck ("$0") with the three files.
        let script = "ulimit -v 1048576 && exec \"$0\" check \"$1\" \"$2\" \"$3\"";
        let out = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(env!("CARGO_BIN_EXE_doccheck"))
            .args([&good, bomb, &good])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: {}",
            bomb.display(),
            stderr(&out)
        );
        let lines = lines(&out);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_good_line(&lines[0], &good, &scene);
        assert_error_line(&lines[1], bomb, &[size, limit, "refused"]);
        assert_good_line(&lines[2], &good, &scene);
    }
}

/// A file larger than any photo within the limits is refused from its size, without being
/// read (a sparse file: nothing is written to disk); one that is no image is named as such.
#[test]
fn a_file_too_large_for_any_photo_is_refused_unread() {
    let dir = scratch("huge_file");
    let scene = good_scene();
    let good = write(&dir, "card.png", &png_of(&scene));
    let size = doccheck::decode::MAX_FILE_BYTES + 1;
    let big = write(&dir, "huge.jpg", &jpeg_of(&scene));
    std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(size)
        .unwrap();
    let text = write(&dir, "huge.txt", b"not a photo at all\n");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&text)
        .unwrap()
        .set_len(size)
        .unwrap();
    // Under a memory limit well below the file's size: it is not read whole.
    let script = "ulimit -v 307200 && exec \"$0\" check \"$1\" \"$2\" \"$3\"";
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_doccheck"))
        .args([&big, &good, &text])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let got = lines(&out);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_error_line(&got[0], &big, &["file is larger than"]);
    assert_good_line(&got[1], &good, &scene);
    assert_error_line(&got[2], &text, &["not a JPEG, PNG or WebP"]);
}

/// Where the stored pixel `(x, y)` of a `w × h` image is displayed under each EXIF
/// orientation (1–8), in continuous coordinates (pixel edges at integers).
fn displayed(orientation: u16, x: f32, y: f32, w: f32, h: f32) -> (f32, f32) {
    match orientation {
        1 => (x, y),
        2 => (w - x, y),
        3 => (w - x, h - y),
        4 => (x, h - y),
        5 => (y, x),
        6 => (h - y, x),
        7 => (h - y, w - x),
        8 => (y, w - x),
        _ => unreachable!(),
    }
}

/// A camera JPEG stored sideways with an EXIF orientation: the report is in displayed
/// coordinates, so the sides swap for 5–8 and the quad lies on the card as displayed.
#[test]
fn exif_orientation_is_applied_before_analysis() {
    let dir = scratch("exif");
    let scene = good_scene();
    let jpg = jpeg_of(&scene);
    let (w, h) = (scene.width as f32, scene.height as f32);
    for orientation in 1..=8u16 {
        let path = write(
            &dir,
            &format!("orientation-{orientation}.jpg"),
            &doccheck::decode::with_exif_orientation(&jpg, orientation),
        );
        let out = doccheck(&[&path]);
        assert!(out.status.success(), "{}", stderr(&out));
        let line = &lines(&out)[0];
        let swapped = orientation >= 5;
        let (dw, dh) = if swapped { (h, w) } else { (w, h) };
        assert_eq!(line["width"], dw as u64, "orientation {orientation}");
        assert_eq!(line["height"], dh as u64, "orientation {orientation}");
        let want = scene.quad.unwrap().map(|p| {
            let (x, y) = displayed(orientation, p.x, p.y, w, h);
            Point::new(x, y)
        });
        let iou = quad_iou(&want, &quad_of(line));
        assert!(
            iou >= 0.9,
            "orientation {orientation}: IoU {iou:.3}, quad {:?}",
            line["quad"]
        );
    }
}

#[test]
fn no_file_argument_is_a_usage_error() {
    assert_usage_error(&doccheck(&[]), "Usage");
}

/// Arguments a script gets wrong: an empty file name (an unset variable) is that file's error
/// line, the others still checked; `-` twice, or `--noise` without `--steady`, is a usage
/// error; a labels or options "file" that is a device or not text is refused, not read on.
#[test]
fn arguments_a_script_gets_wrong_are_said_plainly() {
    let dir = scratch("script_mistakes");
    let scene = good_scene();
    let png = write(&dir, "card.png", &png_of(&scene));
    let out = doccheck(&[Path::new(""), &png]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let got = lines(&out);
    assert_eq!(got.len(), 2);
    assert_error_line(&got[0], Path::new(""), &["the file name is empty"]);
    assert_good_line(&got[1], &png, &scene);

    let dash = Path::new("-");
    assert_usage_error(&doccheck(&[dash, &png, dash]), "can be given only once");

    let labels = write(&dir, "labels.jsonl", b"{\"file\": \"card.png\"}\n");
    assert_usage_error(
        &doccheck_with(&[
            "eval".as_ref(),
            "--noise".as_ref(),
            "5".as_ref(),
            labels.as_os_str(),
        ]),
        "--steady",
    );
    let not_text = write(
        &dir,
        "binary.jsonl",
        b"{\"file\": \"card.png\"}\n\xff\xfe\n",
    );
    assert_usage_error(
        &doccheck_with(&["eval".as_ref(), not_text.as_os_str()]),
        "line 2 is not UTF-8 text",
    );
    #[cfg(unix)]
    {
        assert_usage_error(
            &doccheck_with(&["eval".as_ref(), "/dev/zero".as_ref()]),
            "not a labels file",
        );
        assert_usage_error(
            &doccheck_with(&[
                "check".as_ref(),
                "--options".as_ref(),
                "/dev/zero".as_ref(),
                png.as_os_str(),
            ]),
            "larger than 1048576 bytes",
        );
    }
}

/// Output into a pipe that is already closed (`doccheck … | head -0`): the command ends
/// without a panic, for each subcommand that prints.
#[test]
fn a_closed_output_pipe_ends_quietly() {
    let dir = scratch("closed_pipe");
    let photo = write(&dir, "card.png", &png_of(&good_scene()));
    let labels = write(
        &dir,
        "labels.jsonl",
        b"{\"file\": \"card.png\", \"width\": 1280, \"height\": 720, \"quad\": null, \"expect\": null}\n",
    );
    let runs: [Vec<&std::ffi::OsStr>; 4] = [
        vec!["check".as_ref(), photo.as_os_str()],
        vec![
            "check".as_ref(),
            "--jobs".as_ref(),
            "3".as_ref(),
            photo.as_os_str(),
            photo.as_os_str(),
            photo.as_os_str(),
            photo.as_os_str(),
        ],
        vec!["eval".as_ref(), labels.as_os_str()],
        vec!["bench".as_ref(), "--frames".as_ref(), "3".as_ref()],
    ];
    for args in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_doccheck"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        // The output could not be written (1), not a usage error (2); said on nothing.
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(!err.contains("cannot write"), "{args:?}: {err}");
    }
}

/// Numbers out of range for `bench` and `scene`, and a `--json` file that cannot be made,
/// are usage errors said before any work: not a panic, an abort or a broken video.
#[test]
fn bench_and_scene_refuse_numbers_out_of_range() {
    let dir = scratch("ranges");
    let y4m = dir.join("out.y4m");
    let unwritable = dir.join("no/such/folder/b.json");
    let png = dir.join("out.png");
    let runs: [(Vec<&std::ffi::OsStr>, &str); 8] = [
        (
            vec!["bench".as_ref(), "--frames".as_ref(), "0".as_ref()],
            "--frames",
        ),
        (
            vec![
                "bench".as_ref(),
                "--frames".as_ref(),
                "18446744073709551615".as_ref(),
            ],
            "--frames",
        ),
        (
            vec!["bench".as_ref(), "--json".as_ref(), unwritable.as_os_str()],
            "cannot write the --json file",
        ),
        (
            vec![
                "scene".as_ref(),
                "--fps".as_ref(),
                "0".as_ref(),
                "--out".as_ref(),
                y4m.as_os_str(),
            ],
            "--fps",
        ),
        (
            vec![
                "scene".as_ref(),
                "--frames".as_ref(),
                "0".as_ref(),
                "--out".as_ref(),
                y4m.as_os_str(),
            ],
            "--frames",
        ),
        (
            vec![
                "scene".as_ref(),
                "--width".as_ref(),
                "100000".as_ref(),
                "--out".as_ref(),
                y4m.as_os_str(),
            ],
            "from 16 to 8192",
        ),
        (
            vec![
                "scene".as_ref(),
                "--height".as_ref(),
                "8194".as_ref(),
                "--out".as_ref(),
                y4m.as_os_str(),
            ],
            "from 16 to 8192",
        ),
        // An EXIF orientation for a PNG, which has none: refused, not ignored.
        (
            vec![
                "scene".as_ref(),
                "--orientation".as_ref(),
                "6".as_ref(),
                "--out".as_ref(),
                png.as_os_str(),
            ],
            "--orientation applies to JPEG output only",
        ),
    ];
    for (args, fragment) in runs {
        let out = doccheck_with(&args);
        assert_usage_error(&out, fragment);
    }
    assert!(!y4m.exists(), "a video was written");
    assert!(!png.exists(), "a PNG was written");
}

/// Labels that are there but malformed stop `eval` with the line and the field named: a figure
/// quietly computed without them would mislead. `null` counts as not given.
#[test]
fn eval_refuses_malformed_labels_naming_the_line_and_field() {
    let dir = scratch("eval_labels");
    write(&dir, "card.png", &png_of(&good_scene()));
    let good = r#"{"file": "card.png", "quad": null, "expect": null}"#;
    let cases = [
        (r#"[1, 2, 3]"#, "a label must be a JSON object"),
        (r#"{"quad": null}"#, "`file`"),
        (r#"{"file": 123}"#, "`file`"),
        (r#"{"file": ""}"#, "`file`"),
        (
            r#"{"file": "card.png", "quad": [[0, 0], [1, 0], [1, 1]]}"#,
            "`quad`",
        ),
        (r#"{"file": "card.png", "quad": "abc"}"#, "`quad`"),
        // A corner of three numbers, or one that is not a number, or past f32's range.
        (
            r#"{"file": "card.png", "quad": [[0, 0, 7], [9, 0], [9, 9], [0, 9]]}"#,
            "`quad`",
        ),
        (
            r#"{"file": "card.png", "quad": [[0, "junk"], [9, 0], [9, 9], [0, 9]]}"#,
            "`quad`",
        ),
        (
            r#"{"file": "card.png", "quad": [[0, 1e39], [9, 0], [9, 9], [0, 9]]}"#,
            "`quad`",
        ),
        // Crossed (two corners swapped), flat (on one line), all at one point.
        (
            r#"{"file": "card.png", "quad": [[0, 0], [9, 0], [0, 9], [9, 9]]}"#,
            "`quad` must be a convex outline",
        ),
        (
            r#"{"file": "card.png", "quad": [[0, 0], [3, 0], [6, 0], [9, 0]]}"#,
            "`quad` must be a convex outline",
        ),
        (
            r#"{"file": "card.png", "quad": [[5, 5], [5, 5], [5, 5], [5, 5]]}"#,
            "`quad` must be a convex outline",
        ),
        (
            r#"{"file": "card.png", "problems": "too_far"}"#,
            "`problems` must be a list",
        ),
        (
            r#"{"file": "card.png", "expect": ["banana"]}"#,
            "\"banana\" is not a problem code",
        ),
        (
            r#"{"file": "card.png", "problems": ["too_far", "too_far"]}"#,
            "`too_far` is listed twice",
        ),
        (
            r#"{"file": "card.png", "problems": [], "expect": ["glare"]}"#,
            "`problems` or as `expect`, not both",
        ),
    ];
    for (bad, fragment) in cases {
        let labels = write(&dir, "labels.jsonl", format!("{good}\n{bad}\n").as_bytes());
        let out = doccheck_with(&["eval".as_ref(), labels.as_os_str()]);
        assert_usage_error(&out, "labels.jsonl:2: ");
        assert!(stderr(&out).contains(fragment), "{bad}: {}", stderr(&out));
    }
    // A byte-order mark before the first label, CRLF line ends: read as meant.
    let labels = write(
        &dir,
        "labels.jsonl",
        format!("\u{feff}{good}\r\n{good}\r\n").as_bytes(),
    );
    let out = doccheck_with(&["eval".as_ref(), labels.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("frames: 2  (errors: 0)"));
    // Either way round is a convex outline.
    let labels = write(
        &dir,
        "labels.jsonl",
        br#"{"file": "card.png", "quad": [[0, 0], [0, 9], [9, 9], [9, 0]]}"#,
    );
    let out = doccheck_with(&["eval".as_ref(), labels.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // No labels at all (an empty file, blank lines): an error, not a run of no figures.
    for text in [&b""[..], b"\n  \n"] {
        let labels = write(&dir, "labels.jsonl", text);
        let out = doccheck_with(&["eval".as_ref(), labels.as_os_str()]);
        assert_usage_error(&out, "no labels in it");
    }
}

/// A photo `eval` cannot read is a miss in its recall and clean-frame figures, is left out of
/// the false raises (where raising nothing would flatter the engine), and the run exits 1
/// after printing them.
#[test]
fn eval_counts_an_unreadable_photo_as_a_miss_and_exits_1() {
    let dir = scratch("eval_errors");
    write(&dir, "card.png", &png_of(&good_scene()));
    let labels = write(
        &dir,
        "labels.jsonl",
        b"{\"file\": \"card.png\", \"problems\": []}\n{\"file\": \"missing.png\", \"problems\": []}\n",
    );
    let out = doccheck_with(&["eval".as_ref(), labels.as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("frames: 2  (errors: 1)"), "{text}");
    assert!(text.contains("clean frames judged ready: 1/2"), "{text}");
    assert!(text.contains("  glare               0/1 "), "{text}");
}

/// An options file saved with a byte-order mark is read as meant.
#[test]
fn an_options_file_with_a_byte_order_mark_is_read() {
    let dir = scratch("options_bom");
    let photo = write(&dir, "card.png", &png_of(&good_scene()));
    let options = write(
        &dir,
        "options.json",
        "\u{feff}{\"min_sharpness\": 0.2}".as_bytes(),
    );
    let out = doccheck_with(&[
        "check".as_ref(),
        "--options".as_ref(),
        options.as_os_str(),
        photo.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lines(&out).len(), 1);
}

/// Output that cannot be written (a full disk) is said on standard error, exit status 1; only a
/// closed pipe ends quietly.
#[test]
fn output_that_cannot_be_written_is_an_error() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        eprintln!("SKIPPED: no /dev/full on this system");
        return;
    }
    let dir = scratch("dev_full");
    let photo = write(&dir, "card.png", &png_of(&good_scene()));
    let labels = write(&dir, "labels.jsonl", b"{\"file\": \"card.png\"}\n");
    for args in [
        ["check", photo.to_str().unwrap()],
        ["eval", labels.to_str().unwrap()],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_doccheck"))
            .args(args)
            .stdout(std::fs::File::create(full).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("cannot write the output"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

/// `eval --steady N`: each photo also analysed as a video of a still scene with fresh noise,
/// and a line on how steady the reports are; a clean card held still is never `moving`, and
/// the figures are the same run after run (the noise is seeded) and with more jobs.
#[test]
fn eval_steady_measures_how_steady_the_reports_are() {
    let dir = scratch("eval_steady");
    write(&dir, "card.png", &png_of(&good_scene()));
    let labels = write(
        &dir,
        "labels.jsonl",
        br#"{"file": "card.png", "problems": []}"#,
    );
    let eval = |extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec!["eval".as_ref()];
        args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
        args.push(labels.as_os_str());
        doccheck_with(&args)
    };
    let out = eval(&["--steady", "5", "--noise", "3", "--verbose"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains("moving raised on 0/5 frames (0 of 1 photos)"),
        "{text}"
    );
    assert!(
        text.contains("of the 1 photos ready as stills: moving on 0/5 frames"),
        "{text}"
    );
    assert!(text.contains("steady: moving 0/5"), "{text}");
    let again = eval(&["--steady", "5", "--noise", "3", "--verbose", "--jobs", "2"]);
    assert_eq!(String::from_utf8_lossy(&again.stdout), text);
    // Without --steady, no such line.
    let plain = String::from_utf8_lossy(&eval(&[]).stdout).to_string();
    assert!(!plain.contains("steadiness"), "{plain}");
    assert_usage_error(&eval(&["--steady", "1"]), "--steady");
    assert_usage_error(&eval(&["--steady", "4", "--noise", "60"]), "noise level");
}
