//! One error type for the whole crate.
//!
//! Every way a chapter can fail on bad input is a variant here, and its `Display` is the single
//! line the chapter prints after `error: `. Parsers name the file and, where there is one, the
//! line; training names the chapter, epoch and step. [`Error::exit_code`] maps a usage error to 2
//! and everything else to 1, as the README documents.

use std::fmt;
use std::path::{Path, PathBuf};

/// Everything that can go wrong outside a broken internal invariant.
#[derive(Debug)]
pub enum Error {
    /// A file could not be opened, read or written.
    Io { path: PathBuf, source: std::io::Error },
    /// A line of a text file is malformed. `line` counts from 1.
    Parse { file: PathBuf, line: usize, msg: String },
    /// A binary or whole-file format problem (bad magic, truncated, checksum mismatch).
    Format { file: PathBuf, msg: String },
    /// The command line is wrong; the chapter exits with status 2.
    Usage(String),
    /// Training produced a non-finite number.
    Diverged { chapter: String, epoch: usize, step: usize, what: String },
    /// A request the data cannot satisfy (an unknown user id, an empty data set, ...).
    Invalid(String),
    /// A chapter's gradient check found backprop and the numeric derivative apart, so the
    /// chapter stops before it trains.
    GradientCheck(Box<GradientFailure>),
}

pub type Result<T> = std::result::Result<T, Error>;

/// Where a gradient check failed: the entry with the largest relative error.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientFailure {
    pub chapter: String,
    pub objective: String,
    pub tensor: String,
    /// The entry's multi-index, `[3, 17]`.
    pub index: String,
    pub analytic: f64,
    pub numeric: f64,
    pub relative_error: f64,
    pub tolerance: f64,
}

impl Error {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().to_path_buf(), source }
    }

    pub fn parse(file: impl AsRef<Path>, line: usize, msg: impl Into<String>) -> Self {
        Error::Parse { file: file.as_ref().to_path_buf(), line, msg: msg.into() }
    }

    pub fn format(file: impl AsRef<Path>, msg: impl Into<String>) -> Self {
        Error::Format { file: file.as_ref().to_path_buf(), msg: msg.into() }
    }

    /// The process exit status for this error: 2 for usage, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            Error::Parse { file, line, msg } => write!(f, "{}:{}: {}", file.display(), line, msg),
            Error::Format { file, msg } => write!(f, "{}: {}", file.display(), msg),
            Error::Usage(msg) => write!(f, "{msg}"),
            Error::Diverged { chapter, epoch, step, what } => write!(
                f,
                "{chapter}: training diverged at epoch {epoch}, step {step}: {what}; \
                 try a smaller learning rate"
            ),
            Error::Invalid(msg) => write!(f, "{msg}"),
            Error::GradientCheck(g) => write!(
                f,
                "{}: gradient check failed for {}, tensor {} entry {}: analytic {:.9e}, numeric {:.9e} \
                 (relative error {:.2e} > tolerance {:.0e}); not training",
                g.chapter, g.objective, g.tensor, g.index, g.analytic, g.numeric, g.relative_error, g.tolerance
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
