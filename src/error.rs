//! Errors for bad input. A frame's quality problems are data (see [`crate::Report`]); these
//! are for input that cannot be analysed at all, each with a message a person can act on.

use std::fmt;

/// Why a frame, a file or a set of options cannot be analysed.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameError {
    /// Width or height is zero.
    EmptyFrame {
        /// Claimed width, pixels.
        width: u32,
        /// Claimed height, pixels.
        height: u32,
    },
    /// A side or the pixel count is above what the engine accepts (see
    /// [`crate::MAX_SIDE`] and [`crate::MAX_PIXELS`]).
    TooLarge {
        /// Claimed width, pixels.
        width: u32,
        /// Claimed height, pixels.
        height: u32,
    },
    /// The buffer is not `width × height × 4` bytes of RGBA.
    WrongLength {
        /// Bytes expected for the claimed size.
        expected: u64,
        /// Bytes given.
        actual: u64,
        /// Claimed width, pixels.
        width: u32,
        /// Claimed height, pixels.
        height: u32,
    },
    /// A video frame's time is NaN or infinite.
    InvalidFrameTime {
        /// The time given, milliseconds.
        value: f64,
    },
    /// An option is NaN, infinite or outside its documented range.
    InvalidOption {
        /// The option's name, as in [`crate::Options`].
        name: &'static str,
        /// What is wrong and what range is accepted.
        reason: String,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::EmptyFrame { width, height } => {
                write!(f, "frame is empty: {width}×{height} pixels (width and height must be at least 1)")
            }
            FrameError::TooLarge { width, height } => write!(
                f,
                "frame is too large: {width}×{height} pixels (at most {} pixels a side and {} pixels in all)",
                crate::MAX_SIDE,
                crate::MAX_PIXELS
            ),
            FrameError::WrongLength {
                expected,
                actual,
                width,
                height,
            } => write!(
                f,
                "pixel buffer has {actual} bytes but a {width}×{height} RGBA frame needs {expected} (width × height × 4)"
            ),
            FrameError::InvalidFrameTime { value } => write!(
                f,
                "frame time is not a finite number of milliseconds: {value}"
            ),
            FrameError::InvalidOption { name, reason } => write!(f, "option `{name}` is invalid: {reason}"),
        }
    }
}

impl std::error::Error for FrameError {}
