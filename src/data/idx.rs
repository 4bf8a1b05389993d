//! MNIST's IDX files: reading, writing, finding them in a folder, and loading them as a
//! [`DigitSet`].
//!
//! ```text
//! magic   = 00 00 · type · ndims        (type 0x08 = unsigned byte)
//! dims    = ndims × u32, big-endian
//! data    = Π dims values of the type, row-major
//!
//! images  magic 0x00000803: count, rows, cols, then count·rows·cols pixel bytes (0 = background)
//! labels  magic 0x00000801: count, then count label bytes
//! ```
//!
//! Every problem — a wrong magic number, a header cut short, data shorter or longer than the
//! header promises, labels that are not digits — is an [`Error::Format`] naming the file and
//! what was expected. Parsing works on bytes with a file name beside them, so tests can feed
//! anything at it; it never allocates more than the input's size.

use std::path::{Path, PathBuf};

use crate::core::error::{Error, Result};
use crate::core::files::{Kind, read_input, write_atomic};
use crate::data::images::{DigitSet, Images, PIXELS, SIDE};

/// The IDX type byte for unsigned 8-bit values, the only type MNIST uses.
const TYPE_U8: u8 = 0x08;

/// u8 images with 3 dimensions (count, rows, cols).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// u8 labels with 1 dimension (count).
pub const LABELS_MAGIC: u32 = 0x0000_0801;

/// Parses an IDX file of unsigned bytes with `ndims` dimensions. Returns the dimensions
/// and the data; `file` is only for the error messages.
fn parse_u8(file: &Path, bytes: &[u8], ndims: u8, what: &str) -> Result<(Vec<usize>, Vec<u8>)> {
    let expected_magic = u32::from(TYPE_U8) << 8 | u32::from(ndims);
    if bytes.len() < 4 {
        return Err(Error::format(
            file,
            format!("truncated: {} bytes, too short for an IDX magic number (expected {what})", bytes.len()),
        ));
    }
    let magic = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if magic != expected_magic {
        return Err(Error::format(
            file,
            format!("magic number 0x{magic:08X}, expected 0x{expected_magic:08X} ({what}){}", magic_hint(magic)),
        ));
    }
    let header = 4 + 4 * usize::from(ndims);
    if bytes.len() < header {
        return Err(Error::format(
            file,
            format!("truncated header: {} bytes, {what} need a {header}-byte header", bytes.len()),
        ));
    }
    let dims: Vec<usize> =
        bytes[4..header].chunks_exact(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize).collect();
    let shape = dims.iter().map(usize::to_string).collect::<Vec<_>>().join("×");
    let need = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let have = bytes.len() - header;
    match need {
        Some(n) if n == have => Ok((dims, bytes[header..].to_vec())),
        Some(n) if n > have => Err(Error::format(
            file,
            format!("truncated: the header says {shape} = {n} data bytes, the file holds {have}"),
        )),
        Some(n) => Err(Error::format(
            file,
            format!(
                "size does not match the header: {shape} = {n} data bytes, the file holds {have} ({} extra)",
                have - n
            ),
        )),
        None => Err(Error::format(file, format!("header dimensions {shape} are too large"))),
    }
}

/// A hint for the most common mix-ups: images given where labels belong and the reverse, or
/// a file still gzip-compressed.
fn magic_hint(magic: u32) -> &'static str {
    match magic {
        IMAGES_MAGIC => ": this looks like an images file",
        LABELS_MAGIC => ": this looks like a labels file",
        m if m >> 16 == 0x1F8B => ": this looks gzip-compressed; gunzip it first",
        _ => "",
    }
}

/// Parses the bytes of an images file (magic 0x00000803); `file` names it in errors.
pub fn parse_images(file: &Path, bytes: &[u8]) -> Result<Images> {
    let (dims, pixels) = parse_u8(file, bytes, 3, "u8 images with 3 dimensions")?;
    Ok(Images { count: dims[0], rows: dims[1], cols: dims[2], pixels })
}

/// Parses the bytes of a labels file (magic 0x00000801); `file` names it in errors.
pub fn parse_labels(file: &Path, bytes: &[u8]) -> Result<Vec<u8>> {
    let (_, labels) = parse_u8(file, bytes, 1, "u8 labels with 1 dimension")?;
    Ok(labels)
}

/// Reads an images file.
pub fn read_images(path: &Path) -> Result<Images> {
    parse_images(path, &read_input(path, Kind::IDX_IMAGES)?)
}

/// Reads a labels file.
pub fn read_labels(path: &Path) -> Result<Vec<u8>> {
    parse_labels(path, &read_input(path, Kind::IDX_LABELS)?)
}

/// The bytes of an images file. `images.pixels` must hold `count · rows · cols` bytes.
pub fn encode_images(images: &Images) -> Vec<u8> {
    assert_eq!(
        images.pixels.len(),
        images.count * images.rows * images.cols,
        "encode_images: {}×{}×{} images need {} bytes",
        images.count,
        images.rows,
        images.cols,
        images.count * images.rows * images.cols
    );
    let mut out = Vec::with_capacity(16 + images.pixels.len());
    out.extend_from_slice(&IMAGES_MAGIC.to_be_bytes());
    for d in [images.count, images.rows, images.cols] {
        out.extend_from_slice(&dim(d).to_be_bytes());
    }
    out.extend_from_slice(&images.pixels);
    out
}

/// The bytes of a labels file.
pub fn encode_labels(labels: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + labels.len());
    out.extend_from_slice(&LABELS_MAGIC.to_be_bytes());
    out.extend_from_slice(&dim(labels.len()).to_be_bytes());
    out.extend_from_slice(labels);
    out
}

/// IDX dimensions are u32; a larger one cannot be written (4 GiB of pixels in one image
/// stack is far beyond anything the workbook makes).
fn dim(d: usize) -> u32 {
    u32::try_from(d).unwrap_or_else(|_| panic!("IDX dimension {d} does not fit in a u32"))
}

/// Writes an images file atomically.
pub fn write_images(path: &Path, images: &Images) -> Result<()> {
    write_atomic(path, &encode_images(images))
}

/// Writes a labels file atomically.
pub fn write_labels(path: &Path, labels: &[u8]) -> Result<()> {
    write_atomic(path, &encode_labels(labels))
}

const IMAGE_SUFFIXES: [&str; 2] = ["images-idx3-ubyte", "images.idx3-ubyte"];
const LABEL_SUFFIXES: [&str; 2] = ["labels-idx1-ubyte", "labels.idx1-ubyte"];

/// Finds an MNIST pair in `dir`: a file `<prefix>images-idx3-ubyte` and a file
/// `<prefix>labels-idx1-ubyte` with the same prefix (a `.` instead of the `-` before `idx`
/// is accepted too, as some copies are named). With several pairs, the first prefix in
/// byte order wins, so `t10k-` is taken before `train-`. Returns (images path, labels path).
pub fn find_mnist(dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if let Some(name) = entry.file_name().to_str() {
            names.push(name.to_string());
        }
    }
    names.sort();
    let strip = |name: &str, suffixes: &[&str]| suffixes.iter().find_map(|s| name.strip_suffix(s).map(str::to_string));
    for name in &names {
        let Some(prefix) = strip(name, &IMAGE_SUFFIXES) else { continue };
        let label = names.iter().find(|n| strip(n, &LABEL_SUFFIXES).as_deref() == Some(prefix.as_str()));
        if let Some(label) = label {
            return Ok((dir.join(name), dir.join(label)));
        }
    }
    Err(Error::format(
        dir,
        "no MNIST files: expected a pair *images-idx3-ubyte and *labels-idx1-ubyte with the same prefix \
         (gunzip the .gz downloads first)",
    ))
}

/// Loads the MNIST pair found in `dir` (see [`find_mnist`]) as a [`DigitSet`]: the first
/// three quarters of the images, in file order, train; the last quarter is held out for
/// testing. Images must be 28×28, labels 0–9, and there must be one label per image.
///
/// ```text
/// n_train = ⌊3·count / 4⌋,  n_test = count − n_train     (8000 → 6000 + 2000)
/// both must be at least 1, so count ≥ 2
/// ```
pub fn load_mnist(dir: &Path) -> Result<DigitSet> {
    let (images_path, labels_path) = find_mnist(dir)?;
    let images = read_images(&images_path)?;
    let labels = read_labels(&labels_path)?;
    if (images.rows, images.cols) != (SIDE, SIDE) {
        return Err(Error::format(
            &images_path,
            format!("images are {}×{}, expected {SIDE}×{SIDE}", images.rows, images.cols),
        ));
    }
    if labels.len() != images.count {
        return Err(Error::format(
            &labels_path,
            format!("{} labels, but {} holds {} images", labels.len(), images_path.display(), images.count),
        ));
    }
    if let Some(i) = labels.iter().position(|&l| l > 9) {
        return Err(Error::format(&labels_path, format!("label {} at item {i} is not a digit 0–9", labels[i])));
    }
    let n_train = images.count * 3 / 4;
    if n_train == 0 || n_train == images.count {
        return Err(Error::format(
            &images_path,
            format!("{} images: need at least 2, to hold a quarter out for testing", images.count),
        ));
    }
    let all = images.to_matrix();
    debug_assert_eq!(all.cols(), PIXELS);
    Ok(DigitSet {
        train: all.slice_rows(0, n_train),
        train_labels: labels[..n_train].to_vec(),
        test: all.slice_rows(n_train, images.count),
        test_labels: labels[n_train..].to_vec(),
        source: format!("MNIST from {} ({} train, {} test)", images_path.display(), n_train, images.count - n_train),
    })
}
