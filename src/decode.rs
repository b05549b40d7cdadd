//! Reading photo files for the CLI: JPEG and PNG decoded to RGBA in their displayed
//! orientation (EXIF orientation applied), with the pixel count checked against
//! [`crate::MAX_PIXELS`] before any pixel buffer is allocated, so a decompression bomb is
//! refused instead of exhausting memory.

use std::fmt;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use crate::{MAX_PIXELS, MAX_SIDE};

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
    /// Not a JPEG or PNG, or its data is corrupt or truncated.
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
            DecodeError::TooLarge { width, height } => write!(
                f,
                "image is {width}×{height} pixels, above the limit of {MAX_PIXELS} pixels ({MAX_SIDE} a side); refused before decoding"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes the photo at `path`.
///
/// # Errors
/// [`DecodeError`] when the file cannot be read, is not a decodable JPEG or PNG, or is too
/// large.
pub fn read_photo(path: &Path) -> Result<Photo, DecodeError> {
    if path.is_dir() {
        return Err(DecodeError::Io(std::io::Error::other("is a directory")));
    }
    let file = std::fs::File::open(path).map_err(DecodeError::Io)?;
    decode(BufReader::new(file))
}

/// Decodes a photo from bytes in memory.
///
/// # Errors
/// As [`read_photo`].
pub fn decode_bytes(bytes: &[u8]) -> Result<Photo, DecodeError> {
    decode(std::io::Cursor::new(bytes))
}

fn decode<R: Read + Seek + std::io::BufRead>(reader: R) -> Result<Photo, DecodeError> {
    let mut reader = ImageReader::new(reader)
        .with_guessed_format()
        .map_err(DecodeError::Io)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    if reader.format().is_none() {
        return Err(DecodeError::Format("not a JPEG or PNG file".into()));
    }
    let mut decoder = reader.into_decoder().map_err(format_error)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(DecodeError::Format(format!(
            "image has no pixels ({width}×{height})"
        )));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(DecodeError::TooLarge { width, height });
    }
    let orientation = decoder.orientation().map_err(format_error)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(format_error)?;
    image.apply_orientation(orientation);
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    Ok(Photo {
        rgba: rgba.into_raw(),
        width,
        height,
    })
}

fn format_error(e: image::ImageError) -> DecodeError {
    match e {
        image::ImageError::Limits(l) => {
            DecodeError::Format(format!("image exceeds decoding limits: {l}"))
        }
        image::ImageError::IoError(e) => {
            DecodeError::Format(format!("truncated or unreadable data: {e}"))
        }
        other => DecodeError::Format(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // IHDR width and height live at bytes 16..24; fix up the CRC too.
        bytes[16..20].copy_from_slice(&30000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&30000u32.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        let err = decode_bytes(&bytes).unwrap_err();
        assert!(err.to_string().contains("30000"), "{err}");
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
