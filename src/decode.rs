//! Reading photo files for the CLI: JPEG, PNG and WebP decoded to RGBA in their displayed
//! orientation (EXIF orientation applied). Input is distrusted: the file's size is capped
//! ([`MAX_FILE_BYTES`]), a JPEG must run to its end-of-image marker (a truncated JPEG would
//! otherwise decode "successfully" with its missing part filled grey, and the verdict would be
//! about a picture nobody took), and the pixel count is checked against [`crate::MAX_PIXELS`]
//! before any pixel buffer is allocated, so a decompression bomb is refused instead of
//! exhausting memory.

use std::fmt;
use std::io::{Cursor, Read};
use std::ops::Range;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::{MAX_PIXELS, MAX_SIDE};

/// Largest file read, bytes: an uncompressed RGBA image at the pixel limit and 64 MiB of
/// metadata. No JPEG, PNG or WebP of an accepted size needs more, and the cap keeps a huge file,
/// or an endless device such as `/dev/zero`, from being read into memory.
pub const MAX_FILE_BYTES: u64 = MAX_PIXELS * 4 + (64 << 20);

/// Memory the decoder may allocate, bytes: one RGBA buffer at the pixel limit and 64 MiB of
/// working space.
const MAX_DECODER_ALLOC: u64 = MAX_PIXELS * 4 + (64 << 20);

/// A decoded photo: RGBA bytes in displayed orientation.
#[derive(Debug, Clone)]
pub struct Photo {
    /// RGBA bytes, row-major.
    pub rgba: Vec<u8>,
    /// Width as displayed, pixels.
    pub width: u32,
    /// Height as displayed, pixels.
    pub height: u32,
}

/// Why a file could not be turned into a photo.
#[derive(Debug)]
pub enum DecodeError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// Not a JPEG, PNG or WebP, or its data is corrupt or truncated.
    Format(String),
    /// Its header claims more pixels than the engine accepts.
    TooLarge {
        /// Claimed width, pixels.
        width: u32,
        /// Claimed height, pixels.
        height: u32,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Io(e) => write!(f, "cannot read file: {e}"),
            DecodeError::Format(e) => write!(f, "cannot decode image: {e}"),
            DecodeError::TooLarge { width, height } if (*width).max(*height) > MAX_SIDE => write!(
                f,
                "image is {width}×{height} pixels, a side above the limit of {MAX_SIDE} pixels; refused before decoding"
            ),
            DecodeError::TooLarge { width, height } => write!(
                f,
                "image is {width}×{height} pixels, above the limit of {MAX_PIXELS} pixels in all; refused before decoding"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes the photo at `path`.
///
/// # Errors
/// [`DecodeError`] when the file cannot be read, is larger than [`MAX_FILE_BYTES`], is not a
/// complete, decodable JPEG, PNG or WebP, or is too large.
pub fn read_photo(path: &Path) -> Result<Photo, DecodeError> {
    if path.as_os_str().is_empty() {
        return Err(DecodeError::Io(std::io::Error::other(
            "the file name is empty",
        )));
    }
    if path.is_dir() {
        return Err(DecodeError::Io(std::io::Error::other("is a directory")));
    }
    let file = std::fs::File::open(path).map_err(DecodeError::Io)?;
    // A regular file's length is known: one larger than any photo within the limits is
    // refused after its signature, without being read whole.
    let length = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    read_photo_sized(file, length)
}

/// Decodes the photo read from `reader` to its end (standard input, a pipe), with the same
/// checks and limits as [`read_photo`].
///
/// # Errors
/// [`DecodeError`] as for [`read_photo`].
pub fn read_photo_from(reader: impl Read) -> Result<Photo, DecodeError> {
    read_photo_sized(reader, None)
}

/// [`read_photo_from`], refusing a reader of known `length` above [`MAX_FILE_BYTES`] before
/// reading past its signature.
fn read_photo_sized(mut reader: impl Read, length: Option<u64>) -> Result<Photo, DecodeError> {
    // Look at the signature first, so that a large file of another kind (or a device that
    // never ends) is refused after a few bytes rather than after the whole cap.
    let mut bytes = Vec::new();
    (&mut reader)
        .take(SIGNATURE_BYTES)
        .read_to_end(&mut bytes)
        .map_err(DecodeError::Io)?;
    if bytes.len() as u64 == SIGNATURE_BYTES && sniff(&bytes).is_none() {
        return Err(not_an_image(&bytes));
    }
    if length.is_some_and(|n| n > MAX_FILE_BYTES) {
        return Err(too_big_a_file());
    }
    reader
        .take(MAX_FILE_BYTES + 1 - bytes.len() as u64)
        .read_to_end(&mut bytes)
        .map_err(DecodeError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big_a_file());
    }
    decode_bytes(&bytes)
}

fn too_big_a_file() -> DecodeError {
    DecodeError::Format(format!(
        "file is larger than {MAX_FILE_BYTES} bytes, more than any photo within the pixel limit needs"
    ))
}

/// `jpeg` with an EXIF APP1 segment holding only an orientation tag (1–8), placed right after
/// the start-of-image marker as cameras write it: how generated test photos are stored
/// sideways (`doccheck scene --orientation`, the tests). `jpeg` must start with its SOI marker.
#[must_use]
pub fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(b"MM\0\x2A"); // big-endian TIFF header
    app1.extend_from_slice(&8u32.to_be_bytes()); // IFD0 right after it
    app1.extend_from_slice(&1u16.to_be_bytes()); // one entry:
    app1.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation,
    app1.extend_from_slice(&3u16.to_be_bytes()); // SHORT,
    app1.extend_from_slice(&1u32.to_be_bytes()); // one value,
    app1.extend_from_slice(&orientation.to_be_bytes()); // left-aligned
    app1.extend_from_slice(&[0, 0]);
    app1.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    let mut out = jpeg[..2.min(jpeg.len())].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&(app1.len() as u16 + 2).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2.min(jpeg.len())..]);
    out
}

/// Decodes a photo from bytes in memory.
///
/// # Errors
/// As [`read_photo`].
pub fn decode_bytes(bytes: &[u8]) -> Result<Photo, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Format("the file is empty".into()));
    }
    let format = sniff(bytes).ok_or_else(|| not_an_image(bytes))?;
    // A JPEG's orientation comes from its first EXIF block, as browsers and most viewers take
    // it (the decoder would take the last one of several).
    let mut jpeg_exif = None;
    match format {
        ImageFormat::Jpeg => jpeg_exif = Some(check_jpeg_complete(bytes)?),
        ImageFormat::WebP => check_webp_chunks(bytes)?,
        _ => {}
    }
    // A PNG's size is in its header (IHDR, right after the signature): the decoder would
    // refuse a width of billions by its memory limit, with a message that does not say why.
    if let (ImageFormat::Png, Some(ihdr)) = (format, bytes.get(16..24)) {
        let width = u32::from_be_bytes([ihdr[0], ihdr[1], ihdr[2], ihdr[3]]);
        let height = u32::from_be_bytes([ihdr[4], ihdr[5], ihdr[6], ihdr[7]]);
        within_limits(width, height)?;
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // The pixel count is checked below against the engine's own limits, with a message
    // that says so; the decoder's limit is the backstop for what the header does not show
    // (16-bit samples, PNG's working buffers).
    let mut limits = Limits::no_limits();
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(format_error)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(DecodeError::Format(format!(
            "image has no pixels ({width}×{height})"
        )));
    }
    within_limits(width, height)?;
    // The header's sample depth can double the buffer (16-bit PNGs), and `from_decoder`
    // allocates it whole without consulting the limits.
    if decoder.total_bytes() > MAX_DECODER_ALLOC {
        return Err(DecodeError::Format(format!(
            "a {width}×{height} image of this sample depth needs {} bytes to decode, above the limit of {MAX_DECODER_ALLOC}",
            decoder.total_bytes()
        )));
    }
    let orientation = match jpeg_exif {
        Some(exif) => exif
            .and_then(|tiff| Orientation::from_exif_chunk(&bytes[tiff]))
            .unwrap_or(Orientation::NoTransforms),
        None => decoder.orientation().map_err(format_error)?,
    };
    let image = DynamicImage::from_decoder(decoder).map_err(format_error)?;
    // Turned after the samples are made 8-bit RGBA where they are wider or have alpha: the
    // turn copies the buffer, and a 16-bit one is twice the size.
    let mut image = match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageLuma8(_) => image,
        other => DynamicImage::ImageRgba8(other.into_rgba8()),
    };
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    Ok(Photo {
        rgba: into_rgba(image),
        width,
        height,
    })
}

/// The image's pixels as RGBA. The usual 8-bit RGB (JPEG, most PNGs and WebPs) and grey
/// images are widened in their own buffer, from its end back, rather than copied into a new
/// one: a 100-megapixel photo then peaks at its RGBA size (400 MB), not RGB and RGBA at once
/// (700 MB). A large buffer grows in place where the allocator can remap it (glibc does).
fn into_rgba(image: DynamicImage) -> Vec<u8> {
    /// Widens `v`, holding pixels of `from` bytes each, to 4 bytes a pixel with `px`.
    fn widen(mut v: Vec<u8>, from: usize, px: impl Fn(&[u8]) -> [u8; 4]) -> Vec<u8> {
        let n = v.len() / from;
        // Exactly: `resize` alone may double the capacity (600 MB for a 300 MB RGB buffer).
        v.reserve_exact(n * 4 - v.len());
        v.resize(n * 4, 0);
        // Pixel i moves from from·i to 4·i: at or after where it was, so going from the last
        // pixel back never overwrites one not yet moved.
        for i in (0..n).rev() {
            let p = px(&v[from * i..from * (i + 1)]);
            v[4 * i..4 * (i + 1)].copy_from_slice(&p);
        }
        v
    }
    match image {
        DynamicImage::ImageRgb8(rgb) => widen(rgb.into_raw(), 3, |p| [p[0], p[1], p[2], 255]),
        DynamicImage::ImageLuma8(grey) => widen(grey.into_raw(), 1, |p| [p[0], p[0], p[0], 255]),
        other => other.into_rgba8().into_raw(),
    }
}

/// Bytes that tell the formats apart (WebP's signature is the longest).
const SIGNATURE_BYTES: u64 = 12;

/// The format by the file's signature: JPEG (`FF D8 FF`), PNG (its 8-byte signature) or WebP
/// (a RIFF container of form type `WEBP`).
/// The engine's limits on a photo's sides and pixel count.
fn within_limits(width: u32, height: u32) -> Result<(), DecodeError> {
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(DecodeError::TooLarge { width, height });
    }
    Ok(())
}

fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

fn not_an_image(bytes: &[u8]) -> DecodeError {
    // iPhones save HEIC (an ISO media file of brand `heic`, `heix` or `mif1`), which `image`
    // does not know: name it, so that the person knows what to convert.
    let heic = bytes.get(4..12).is_some_and(|b| {
        &b[..4] == b"ftyp" && [&b"heic"[..], b"heix", b"mif1", b"msf1"].contains(&&b[4..])
    });
    let what = if heic {
        " (it looks like HEIC, an iPhone photo format, which is not supported: save it as JPEG)"
            .to_string()
    } else {
        match image::guess_format(bytes) {
            // Named by its usual extension, as people know formats: GIF, TIFF, BMP.
            Ok(format) => format!(
                " (it looks like {}, which is not supported)",
                format
                    .extensions_str()
                    .first()
                    .map_or_else(|| format!("{format:?}"), |e| e.to_uppercase())
            ),
            Err(_) => String::new(),
        }
    };
    DecodeError::Format(format!("not a JPEG, PNG or WebP file{what}"))
}

/// A WebP file is one RIFF chunk holding chunks (`VP8X`, `VP8 `, `EXIF`, …), each after its
/// length. A file shorter than its RIFF header says was cut short (the decoder alone would
/// only call its bitstream corrupt). A chunk claiming to run past the RIFF's end is corrupt,
/// and must be refused here: the decoder allocates a metadata chunk's claimed length before
/// reading it (a 1 KB file claiming a 4 GB `EXIF` chunk, found by the fuzzer).
fn check_webp_chunks(bytes: &[u8]) -> Result<(), DecodeError> {
    let le32 = |at: usize| {
        u64::from(u32::from_le_bytes([
            bytes[at],
            bytes[at + 1],
            bytes[at + 2],
            bytes[at + 3],
        ]))
    };
    let riff_end = 8 + le32(4);
    if (bytes.len() as u64) < riff_end {
        return Err(DecodeError::Format(format!(
            "truncated WebP: the file has {} bytes but its header says {riff_end} (the file was cut short)",
            bytes.len()
        )));
    }
    let mut at = 12u64;
    while at + 8 <= riff_end {
        let size = le32(at as usize + 4);
        if at + 8 + size > riff_end {
            let name = String::from_utf8_lossy(&bytes[at as usize..at as usize + 4]);
            return Err(DecodeError::Format(format!(
                "corrupt WebP: chunk `{name}` at byte {at} claims {size} bytes, past the end of the image data at byte {riff_end}"
            )));
        }
        // Chunks start at even offsets: an odd-sized one is followed by a padding byte.
        at += 8 + size + (size & 1);
    }
    Ok(())
}

/// Walks a JPEG's segments from its start-of-image marker to its end-of-image marker, so
/// that a file cut short is refused. The walk only reads lengths and markers: segments are
/// skipped by their declared length, entropy-coded data up to the next marker (a `FF` not
/// followed by a stuffed `00`, a restart marker or fill). Returns where the first EXIF
/// block's TIFF structure lies (the APP1 segment's data after `Exif\0\0`), if there is one
/// before the image data.
fn check_jpeg_complete(bytes: &[u8]) -> Result<Option<Range<usize>>, DecodeError> {
    let truncated = || {
        DecodeError::Format(
            "truncated JPEG: the data ends before its end-of-image marker (the file was cut short)"
                .into(),
        )
    };
    let mut i = 2;
    let mut scanned = false;
    let mut exif = None;
    loop {
        // Decoders skip stray bytes before a marker; so does this walk.
        while i < bytes.len() && bytes[i] != 0xFF {
            i += 1;
        }
        // Any number of fill bytes may precede the marker code.
        while i < bytes.len() && bytes[i] == 0xFF {
            i += 1;
        }
        let Some(&marker) = bytes.get(i) else {
            return Err(truncated());
        };
        i += 1;
        match marker {
            0xD9 if scanned => return Ok(exif),
            0xD9 => {
                return Err(DecodeError::Format(
                    "JPEG ends before any image data".into(),
                ))
            }
            // Standalone markers: no length follows.
            0x01 | 0xD0..=0xD8 => continue,
            // Codings the decoder lacks, named (its own messages for them mislead).
            0xC3 => return Err(unsupported_jpeg("lossless")),
            0xC5..=0xC7 => return Err(unsupported_jpeg("hierarchical")),
            0xC9..=0xCF => return Err(unsupported_jpeg("arithmetic-coded")),
            _ => {}
        }
        let Some(len) = bytes.get(i..i + 2) else {
            return Err(truncated());
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        if len < 2 {
            return Err(DecodeError::Format(format!(
                "corrupt JPEG: segment {marker:#04X} at byte {} has length {len}",
                i - 2
            )));
        }
        let body = i + 2..i + len;
        i += len;
        if i > bytes.len() {
            return Err(truncated());
        }
        // The first APP1 segment holding EXIF, before the image data: its TIFF structure.
        if marker == 0xE1
            && exif.is_none()
            && !scanned
            && bytes[body.clone()].starts_with(b"Exif\0\0")
        {
            exif = Some(body.start + 6..body.end);
        }
        if marker == 0xDA {
            scanned = true;
            // Entropy-coded data runs to the next real marker.
            loop {
                match bytes.get(i..i + 2) {
                    None => return Err(truncated()),
                    Some([0xFF, 0x00 | 0xD0..=0xD7]) => i += 2,
                    Some([0xFF, 0xFF]) => i += 1,
                    Some([0xFF, _]) => break,
                    Some(_) => i += 1,
                }
            }
        }
    }
}

/// A JPEG coding no camera or browser writes, with what to do.
fn unsupported_jpeg(kind: &str) -> DecodeError {
    DecodeError::Format(format!(
        "{kind} JPEG is not supported: save the photo again as an ordinary JPEG"
    ))
}

fn format_error(e: image::ImageError) -> DecodeError {
    match e {
        image::ImageError::Limits(l) => {
            DecodeError::Format(format!("image exceeds decoding limits: {l}"))
        }
        image::ImageError::IoError(e) => {
            DecodeError::Format(format!("truncated or unreadable data: {e}"))
        }
        // Some decoders end their messages with a newline; a report line should not.
        other => DecodeError::Format(without_chunk_debug(other.to_string().trim_end())),
    }
}

/// The PNG decoder names a chunk by its debug form (`ChunkType { type: IDAT, critical: true,
/// … }`): the name alone says it.
fn without_chunk_debug(message: &str) -> String {
    const OPENING: &str = "ChunkType { type: ";
    if let Some(start) = message.find(OPENING) {
        let rest = &message[start + OPENING.len()..];
        if let (Some(name_end), Some(close)) = (rest.find(','), rest.find('}')) {
            if name_end < close {
                return format!(
                    "{}{}{}",
                    &message[..start],
                    &rest[..name_end],
                    &rest[close + 1..]
                );
            }
        }
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let rgb: Vec<u8> = (0..width * height * 3)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode(&rgb, width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    #[test]
    fn a_png_chunk_is_named_by_its_type_in_errors() {
        use image::ImageEncoder;
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&[90; 8 * 6 * 3], 8, 6, image::ExtendedColorType::Rgb8)
            .unwrap();
        // Flip a bit of the IDAT chunk's checksum (the 4 bytes after its data).
        let at = png.windows(4).position(|w| w == b"IDAT").unwrap();
        let len = u32::from_be_bytes(png[at - 4..at].try_into().unwrap()) as usize;
        png[at + 4 + len] ^= 1;
        let Err(DecodeError::Format(message)) = decode_bytes(&png) else {
            panic!("a bad checksum was accepted");
        };
        assert!(message.contains("CRC error"), "{message}");
        assert!(message.contains("decoding IDAT chunk"), "{message}");
        assert!(!message.contains("ChunkType"), "{message}");
    }

    #[test]
    fn every_proper_prefix_of_a_jpeg_is_refused() {
        let bytes = jpeg(24, 16);
        assert_eq!(decode_bytes(&bytes).unwrap().width, 24);
        for cut in 0..bytes.len() {
            assert!(
                decode_bytes(&bytes[..cut]).is_err(),
                "prefix of {cut} bytes accepted"
            );
        }
    }

    #[test]
    fn data_after_the_end_of_a_jpeg_is_ignored() {
        // Cameras append trailers (maker notes, depth maps) after the end-of-image marker.
        let mut bytes = jpeg(24, 16);
        bytes.extend_from_slice(b"trailer\xFF\xD8 not part of the image");
        assert_eq!(decode_bytes(&bytes).unwrap().height, 16);
    }

    #[test]
    fn jpeg_header_claiming_huge_dimensions_is_too_large() {
        let mut bytes = jpeg(24, 16);
        let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        bytes[sof + 5..sof + 7].copy_from_slice(&60000u16.to_be_bytes());
        bytes[sof + 7..sof + 9].copy_from_slice(&50000u16.to_be_bytes());
        assert!(matches!(
            decode_bytes(&bytes),
            Err(DecodeError::TooLarge {
                width: 50000,
                height: 60000
            })
        ));
    }

    #[test]
    fn rgb_and_grey_widen_in_place_to_the_same_rgba_as_a_copy() {
        let mut state = 7u32;
        for (w, h) in [(1, 1), (3, 2), (17, 5), (64, 33)] {
            let bytes: Vec<u8> = (0..w * h * 3)
                .map(|_| crate::xorshift(&mut state) as u8)
                .collect();
            let rgb = image::RgbImage::from_raw(w, h, bytes).unwrap();
            let copied = DynamicImage::ImageRgb8(rgb.clone()).into_rgba8().into_raw();
            assert_eq!(
                into_rgba(DynamicImage::ImageRgb8(rgb)),
                copied,
                "{w}×{h} RGB"
            );
            let grey =
                image::GrayImage::from_raw(w, h, (0..w * h).map(|i| (i * 7) as u8).collect())
                    .unwrap();
            let copied = DynamicImage::ImageLuma8(grey.clone())
                .into_rgba8()
                .into_raw();
            assert_eq!(
                into_rgba(DynamicImage::ImageLuma8(grey)),
                copied,
                "{w}×{h} grey"
            );
        }
    }

    #[test]
    fn a_jpeg_with_two_exif_blocks_is_turned_by_the_first_as_browsers_do() {
        // 24×16 stored; the first block says 6 (turn a quarter), the second 3 (a half turn).
        let stored = jpeg(24, 16);
        let second = with_exif_orientation(&stored, 3);
        let both = with_exif_orientation(&second, 6);
        let photo = decode_bytes(&both).unwrap();
        assert_eq!((photo.width, photo.height), (16, 24));
        assert_eq!(
            photo.rgba,
            decode_bytes(&with_exif_orientation(&stored, 6))
                .unwrap()
                .rgba
        );
        // One block, and none: as before.
        let half = decode_bytes(&second).unwrap();
        assert_eq!((half.width, half.height), (24, 16));
        assert_ne!(half.rgba, decode_bytes(&stored).unwrap().rgba);
    }

    #[test]
    fn jpeg_codings_the_decoder_lacks_are_named() {
        let bytes = jpeg(24, 16);
        let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        for (marker, kind) in [
            (0xC3, "lossless"),
            (0xC6, "hierarchical"),
            (0xC9, "arithmetic-coded"),
            (0xCF, "arithmetic-coded"),
        ] {
            let mut other = bytes.clone();
            other[sof + 1] = marker;
            let message = decode_bytes(&other).unwrap_err().to_string();
            assert!(
                message.contains(&format!("{kind} JPEG is not supported")),
                "{marker:#x}: {message}"
            );
        }
        // Progressive and extended sequential ones are read.
        let mut extended = bytes.clone();
        extended[sof + 1] = 0xC1;
        assert!(decode_bytes(&extended).is_ok());
    }

    #[test]
    fn empty_and_foreign_files_are_named_as_such() {
        assert!(decode_bytes(&[]).unwrap_err().to_string().contains("empty"));
        let gif = decode_bytes(b"GIF89a\x01\x00\x01\x00")
            .unwrap_err()
            .to_string();
        assert!(
            gif.contains("not a JPEG, PNG or WebP") && gif.contains("(it looks like GIF, which"),
            "{gif}"
        );
    }

    #[test]
    fn sixteen_bit_png_whose_buffer_exceeds_the_decoder_limit_is_refused() {
        // 10000×10000 is within the pixel limit, but at 8 bytes a pixel its buffer is not.
        let img = image::DynamicImage::ImageRgba16(image::ImageBuffer::new(2, 2));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        let mut bytes = out.into_inner();
        claim_png_size(&mut bytes, 10_000, 10_000);
        let err = decode_bytes(&bytes).unwrap_err().to_string();
        assert!(err.contains("800000000 bytes"), "{err}");
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([10, 20, 30, 255]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn decodes_png_and_rejects_garbage_and_truncation() {
        let bytes = png(7, 5);
        let p = decode_bytes(&bytes).unwrap();
        assert_eq!((p.width, p.height, p.rgba.len()), (7, 5, 7 * 5 * 4));
        assert!(matches!(
            decode_bytes(b"hello"),
            Err(DecodeError::Format(_))
        ));
        assert!(matches!(decode_bytes(&[]), Err(DecodeError::Format(_))));
        assert!(decode_bytes(&bytes[..bytes.len() / 2]).is_err());
    }

    #[test]
    fn bomb_header_is_refused_before_decoding() {
        // A valid PNG header claiming 30000×30000 pixels with almost no data.
        let mut bytes = png(1, 1);
        claim_png_size(&mut bytes, 30000, 30000);
        let err = decode_bytes(&bytes).unwrap_err();
        assert!(
            matches!(
                err,
                DecodeError::TooLarge {
                    width: 30000,
                    height: 30000
                }
            ),
            "{err}"
        );
    }

    /// Rewrites a PNG's header to claim `width × height` pixels: IHDR's width and height
    /// are at bytes 16..24, its CRC (over the chunk's type and data) at 29..33.
    fn claim_png_size(bytes: &mut [u8], width: u32, height: u32) {
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32fast::hash(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    }

    #[test]
    fn decodes_webp_lossless_exactly_and_lossy_with_its_orientation() {
        let img = image::RgbaImage::from_fn(9, 6, |x, y| {
            image::Rgba([(x * 28) as u8, (y * 40) as u8, 200, 255])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::WebP).unwrap();
        let bytes = out.into_inner();
        let p = decode_bytes(&bytes).unwrap();
        assert_eq!((p.width, p.height), (9, 6));
        assert_eq!(
            p.rgba,
            img.into_raw(),
            "lossless WebP gives the pixels back"
        );
        // A 128×72 lossy WebP (VP8) with EXIF orientation 6: displayed as 72×128.
        let lossy = include_bytes!("../tests/fixtures/card-lossy-orientation6.webp");
        let p = decode_bytes(lossy).unwrap();
        assert_eq!((p.width, p.height), (72, 128));
        // Cut short: refused, and said so.
        for cut in [lossy.len() - 1, lossy.len() / 2, 13] {
            let err = decode_bytes(&lossy[..cut]).unwrap_err().to_string();
            assert!(err.contains("truncated WebP"), "{cut} bytes: {err}");
        }
        // A chunk claiming more than the file holds is refused before the decoder sizes a
        // buffer from it.
        let mut lying = lossy.to_vec();
        let exif = lying.windows(4).position(|w| w == b"EXIF").unwrap();
        lying[exif + 4..exif + 8].copy_from_slice(&0xA800_001Au32.to_le_bytes());
        let err = decode_bytes(&lying).unwrap_err().to_string();
        assert!(
            err.contains("corrupt WebP: chunk `EXIF`") && err.contains("2818572314 bytes"),
            "{err}"
        );
        // An iPhone's HEIC is named, with what to do.
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        let err = decode_bytes(heic).unwrap_err().to_string();
        assert!(
            err.contains("HEIC") && err.contains("save it as JPEG"),
            "{err}"
        );
        // The signature alone is not taken for WebP, nor a RIFF of another form (WAVE).
        let mut wave = lossy.to_vec();
        wave[8..12].copy_from_slice(b"WAVE");
        assert!(decode_bytes(&wave)
            .unwrap_err()
            .to_string()
            .contains("not a JPEG, PNG or WebP"));
    }
}
