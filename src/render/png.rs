//! PNG pictures from nothing but `std`: 8-bit grayscale images, image grids for
//! "originals over reconstructions", and heat-maps of small matrices (§3.1's 4×4 grids).
//!
//! The encoder writes the simplest valid PNG (the PNG specification, 2nd edition; zlib is
//! RFC 1950, deflate RFC 1951):
//!
//! ```text
//! PNG file  = signature 89 50 4E 47 0D 0A 1A 0A, then chunks IHDR, IDAT, IEND
//! chunk     = length (u32 BE) · type (4 ASCII bytes) · data · CRC-32(type · data) (u32 BE)
//! IHDR      = width, height (u32 BE) · bit depth 8 · colour type (0 gray, 2 RGB) · 0 · 0 · 0
//! IDAT      = zlib stream of the scanlines, each prefixed by filter type 0 (none)
//! zlib      = 78 01 · deflate blocks · Adler-32(scanlines) (u32 BE)
//! stored    = BFINAL/BTYPE=00 byte · LEN (u16 LE) · NLEN = !LEN (u16 LE) · LEN raw bytes
//! ```
//!
//! Nothing is compressed: a 28×28 digit scaled ×4 is 12.6 kB, which is fine for a workbook and
//! keeps the whole format readable in one screen. [`decode`] reads back exactly what this
//! module writes (stored blocks, filter 0), verifying every checksum; the tests use it.
//!
//! ```
//! use autoencoders::core::files::crc32;
//! use autoencoders::render::png::adler32;
//! assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
//! assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
//! ```

use std::path::Path;

use crate::core::error::{Error, Result};
use crate::core::files::crc32_update;
use crate::core::files::write_atomic;
use crate::core::matrix::Matrix;

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// The largest payload one stored deflate block can hold (LEN is 16 bits).
const MAX_STORED: usize = 65_535;

/// Adler-32 (RFC 1950 §8.2), the zlib trailer:
///
/// ```text
/// a = 1 + Σ bytes            (mod 65521)
/// b = Σ of every running a   (mod 65521)
/// adler = b · 65536 + a
/// ```
pub fn adler32(bytes: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // 5552 is the longest run for which b cannot overflow a u32 before the modulo
    // (255·n·(n+1)/2 + (n+1)·(MOD−1) < 2³²), so the division happens once per run.
    const RUN: usize = 5552;
    let (mut a, mut b) = (1u32, 0u32);
    for run in bytes.chunks(RUN) {
        for &x in run {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// A zlib stream of stored (uncompressed) deflate blocks holding `raw`.
fn zlib_stored(raw: &[u8]) -> Vec<u8> {
    let blocks = raw.len().div_ceil(MAX_STORED).max(1);
    let mut out = Vec::with_capacity(raw.len() + 5 * blocks + 6);
    // CMF 0x78: method 8 (deflate), 32 KiB window. FLG 0x01: no dictionary, "fastest"
    // level, and the check bits that make 0x7801 a multiple of 31.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut chunks = raw.chunks(MAX_STORED).peekable();
    if chunks.peek().is_none() {
        // An empty stream still needs one final block.
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xFF, 0xFF]);
    }
    while let Some(chunk) = chunks.next() {
        let is_final = chunks.peek().is_none();
        // BFINAL in bit 0, BTYPE = 00 (stored) in bits 1–2; the rest of the byte is padding,
        // because stored data starts on a byte boundary.
        out.push(u8::from(is_final));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&adler32(raw).to_be_bytes());
    out
}

fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32_update(crc32_update(0xFFFF_FFFF, kind), data) ^ 0xFFFF_FFFF;
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A whole PNG file. pixels: (height, width · channels) row-major; channels 1 (gray) or 3 (RGB).
fn encode(width: usize, height: usize, channels: usize, pixels: &[u8]) -> Vec<u8> {
    assert!(width > 0 && height > 0, "PNG needs a non-empty image, got {width}×{height}");
    assert_eq!(pixels.len(), width * height * channels, "encode: pixel buffer does not match {width}×{height}");
    let colour_type = if channels == 3 { 2 } else { 0 };
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&(width as u32).to_be_bytes());
    ihdr.extend_from_slice(&(height as u32).to_be_bytes());
    // bit depth 8, colour type, compression 0 (deflate), filter method 0, no interlace
    ihdr.extend_from_slice(&[8, colour_type, 0, 0, 0]);

    let stride = width * channels;
    let mut raw = Vec::with_capacity(height * (stride + 1));
    for row in pixels.chunks_exact(stride) {
        raw.push(0); // filter type 0: the row as it is
        raw.extend_from_slice(row);
    }

    let idat = zlib_stored(&raw);
    let mut out = Vec::with_capacity(idat.len() + 64);
    out.extend_from_slice(&SIGNATURE);
    push_chunk(&mut out, b"IHDR", &ihdr);
    push_chunk(&mut out, b"IDAT", &idat);
    push_chunk(&mut out, b"IEND", &[]);
    out
}

/// An 8-bit grayscale picture: 0 black, 255 white. pixels: (height, width) row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrayImage {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl GrayImage {
    /// A `width × height` image filled with `value`. Both sides must be at least 1 (PNG has
    /// no empty images).
    pub fn filled(width: usize, height: usize, value: u8) -> Self {
        assert!(width > 0 && height > 0, "GrayImage needs at least 1×1, got {width}×{height}");
        GrayImage { width, height, pixels: vec![value; width * height] }
    }

    /// A black `width × height` image.
    pub fn new(width: usize, height: usize) -> Self {
        GrayImage::filled(width, height, 0)
    }

    /// From bytes, row-major. pixels: (height, width).
    pub fn from_pixels(width: usize, height: usize, pixels: Vec<u8>) -> Self {
        assert!(width > 0 && height > 0, "GrayImage needs at least 1×1, got {width}×{height}");
        assert_eq!(
            pixels.len(),
            width * height,
            "GrayImage::from_pixels: {width}×{height} needs {} bytes",
            width * height
        );
        GrayImage { width, height, pixels }
    }

    /// From intensities in [0, 1] (see [`unit_to_gray`]). values: (height, width) row-major.
    pub fn from_unit(width: usize, height: usize, values: &[f64]) -> Self {
        GrayImage::from_pixels(width, height, values.iter().map(|&v| unit_to_gray(v)).collect())
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The pixel in column x, row y (0, 0 is the top left).
    pub fn get(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * self.width + x]
    }

    pub fn set(&mut self, x: usize, y: usize, value: u8) {
        self.pixels[y * self.width + x] = value;
    }

    /// Fills the rectangle `w × h` whose top left is (x, y), clipped to the image.
    pub fn fill_rect(&mut self, x: usize, y: usize, w: usize, h: usize, value: u8) {
        for yy in y..(y + h).min(self.height) {
            for xx in x..(x + w).min(self.width) {
                self.pixels[yy * self.width + xx] = value;
            }
        }
    }

    /// Copies intensities in [0, 1] (an `h × w` row-major tile) with its top left at (x, y),
    /// each value becoming a `scale × scale` block (nearest-neighbour upscaling). Clipped to
    /// the image.
    pub fn blit_unit(&mut self, x: usize, y: usize, tile: &[f64], h: usize, w: usize, scale: usize) {
        assert_eq!(tile.len(), h * w, "blit_unit: a {h}×{w} tile needs {} values, got {}", h * w, tile.len());
        for (r, row) in tile.chunks_exact(w.max(1)).enumerate() {
            for (c, &v) in row.iter().enumerate() {
                self.fill_rect(x + c * scale, y + r * scale, scale, scale, unit_to_gray(v));
            }
        }
    }

    /// Nearest-neighbour enlargement: each pixel becomes `factor × factor` (factor ≥ 1).
    pub fn upscale(&self, factor: usize) -> GrayImage {
        let f = factor.max(1);
        let mut out = GrayImage::new(self.width * f, self.height * f);
        for y in 0..out.height {
            for x in 0..out.width {
                out.pixels[y * out.width + x] = self.pixels[(y / f) * self.width + x / f];
            }
        }
        out
    }

    /// The image as the bytes of a PNG file.
    pub fn to_png(&self) -> Vec<u8> {
        encode(self.width, self.height, 1, &self.pixels)
    }
}

/// Writes a grayscale PNG atomically (see [`crate::core::files::write_atomic`]).
pub fn write_png(path: &Path, image: &GrayImage) -> Result<()> {
    write_atomic(path, &image.to_png())
}

/// Intensity in [0, 1] to a byte: `round(255 · v)`, clamped; NaN becomes 0 (black) so a
/// diverged network shows as a dark picture rather than a panic.
pub fn unit_to_gray(v: f64) -> u8 {
    if v.is_nan() { 0 } else { (v.clamp(0.0, 1.0) * 255.0).round() as u8 }
}

/// The gray of the gaps between tiles in [`image_grid`]: dark enough not to distract, light
/// enough to tell a tile's black background from the gap.
pub const GRID_GAP_GRAY: u8 = 80;

/// Lays out rows of `h × w` images (intensities in [0, 1], row-major) as one picture, each
/// pixel scaled up to a `scale × scale` block, with `gap` pixels of [`GRID_GAP_GRAY`] around
/// and between tiles. Rows may hold different numbers of images; the picture is as wide as
/// the longest row.
///
/// ```text
/// width  = gap + n_cols · (w · scale + gap)
/// height = gap + n_rows · (h · scale + gap)
/// ```
///
/// Typical use: `&[originals, reconstructions]`, one row each. Every slice must hold `h · w`
/// values (a broken invariant otherwise). Never empty: with no images the result is 1×1.
pub fn image_grid(rows: &[Vec<&[f64]>], h: usize, w: usize, scale: usize, gap: usize) -> GrayImage {
    let scale = scale.max(1);
    let n_cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let (tile_w, tile_h) = (w * scale, h * scale);
    let width = (gap + n_cols * (tile_w + gap)).max(1);
    let height = (gap + rows.len() * (tile_h + gap)).max(1);
    let mut img = GrayImage::filled(width, height, GRID_GAP_GRAY);
    for (r, row) in rows.iter().enumerate() {
        for (c, tile) in row.iter().enumerate() {
            img.blit_unit(gap + c * (tile_w + gap), gap + r * (tile_h + gap), tile, h, w, scale);
        }
    }
    img
}

/// How [`heatmap`] turns numbers into grays.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HeatScale {
    /// `lo` is black, `hi` white, linear between, clamped outside.
    Range { lo: f64, hi: f64 },
    /// `Range` from the matrix's own minimum to its maximum.
    Auto,
    /// Signed values: 0 is mid-gray (128), +M white (255), −M near black (1), where M is the
    /// largest |value|, so the sign reads at a glance and equal magnitudes look equally far
    /// from gray.
    Signed,
}

/// A small matrix (like §3.1's 4×4 grids) as a picture: each entry a `cell × cell` square,
/// with 1-pixel lines of `border` gray around and between cells. m: (rows, cols) →
/// image ((cols·(cell+1)+1) × (rows·(cell+1)+1)).
///
/// A constant matrix under `Auto`, or an all-zero one under `Signed`, is drawn mid-gray
/// instead of dividing by zero; NaN cells are black.
pub fn heatmap(m: &Matrix, cell: usize, scale: HeatScale, border: u8) -> GrayImage {
    let cell = cell.max(1);
    let finite = || m.data().iter().copied().filter(|v| v.is_finite());
    let to_gray: Box<dyn Fn(f64) -> u8> = match scale {
        HeatScale::Range { lo, hi } => Box::new(move |v| range_gray(v, lo, hi)),
        HeatScale::Auto => {
            let lo = finite().fold(f64::INFINITY, f64::min);
            let hi = finite().fold(f64::NEG_INFINITY, f64::max);
            Box::new(move |v| range_gray(v, lo, hi))
        }
        HeatScale::Signed => {
            let max_abs = finite().fold(0.0, |a: f64, v| a.max(v.abs()));
            Box::new(move |v| {
                if v.is_nan() {
                    0
                } else if max_abs > 0.0 {
                    (128.0 + 127.0 * (v / max_abs).clamp(-1.0, 1.0)).round() as u8
                } else {
                    128
                }
            })
        }
    };
    let width = m.cols() * (cell + 1) + 1;
    let height = m.rows() * (cell + 1) + 1;
    let mut img = GrayImage::filled(width, height, border);
    for r in 0..m.rows() {
        for c in 0..m.cols() {
            img.fill_rect(1 + c * (cell + 1), 1 + r * (cell + 1), cell, cell, to_gray(m[(r, c)]));
        }
    }
    img
}

fn range_gray(v: f64, lo: f64, hi: f64) -> u8 {
    if v.is_nan() {
        0
    } else if hi > lo {
        unit_to_gray((v - lo) / (hi - lo))
    } else {
        128
    }
}

/// What [`decode`] found: pixels (height, width · channels) row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedPng {
    pub width: usize,
    pub height: usize,
    /// 1 for grayscale, 3 for RGB.
    pub channels: usize,
    pub pixels: Vec<u8>,
}

/// Reads back a PNG of the kind [`GrayImage::to_png`] writes: 8-bit
/// gray or RGB, no interlace, IDAT made of stored deflate blocks, filter 0 on every row.
/// Checks the signature, every chunk's CRC-32, the zlib header, each block's LEN/NLEN, the
/// Adler-32 and the sizes; `name` is the file named in every error. It is not a general PNG
/// reader: compressed blocks and other filters are reported as unsupported.
pub fn decode(name: &Path, bytes: &[u8]) -> Result<DecodedPng> {
    let err = |msg: String| Error::format(name, msg);
    if bytes.len() < 8 || bytes[..8] != SIGNATURE {
        return Err(err("not a PNG file: the 8-byte signature is missing".into()));
    }
    let mut pos = 8;
    let mut header: Option<(usize, usize, usize)> = None;
    let mut idat = Vec::new();
    let mut seen_end = false;
    while pos < bytes.len() {
        if bytes.len() - pos < 12 {
            return Err(err(format!("truncated chunk header at byte {pos}")));
        }
        let len = u32::from_be_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]]) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let kind_name = String::from_utf8_lossy(kind).into_owned();
        let data_start = pos + 8;
        if bytes.len() - data_start < len + 4 {
            return Err(err(format!("chunk {kind_name} at byte {pos} is truncated: needs {len} data bytes and a CRC")));
        }
        let data = &bytes[data_start..data_start + len];
        let stored_crc = u32::from_be_bytes(bytes[data_start + len..data_start + len + 4].try_into().expect("4 bytes"));
        let crc = crc32_update(crc32_update(0xFFFF_FFFF, kind), data) ^ 0xFFFF_FFFF;
        if crc != stored_crc {
            return Err(err(format!("chunk {kind_name} at byte {pos}: CRC {stored_crc:08X}, computed {crc:08X}")));
        }
        match kind {
            b"IHDR" => header = Some(parse_ihdr(data).map_err(err)?),
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => {
                seen_end = true;
                pos = data_start + len + 4;
                break;
            }
            _ => {}
        }
        pos = data_start + len + 4;
    }
    if !seen_end {
        return Err(err("no IEND chunk: the file is truncated".into()));
    }
    if pos != bytes.len() {
        return Err(err(format!("{} bytes after IEND", bytes.len() - pos)));
    }
    let (width, height, channels) = header.ok_or_else(|| err("no IHDR chunk".into()))?;
    let raw = inflate_stored(&idat).map_err(err)?;
    let stride = width * channels;
    if raw.len() != height * (stride + 1) {
        return Err(err(format!(
            "image data holds {} bytes, a {width}×{height} image needs {}",
            raw.len(),
            height * (stride + 1)
        )));
    }
    let mut pixels = Vec::with_capacity(height * stride);
    for (y, row) in raw.chunks_exact(stride + 1).enumerate() {
        if row[0] != 0 {
            return Err(err(format!("row {y} uses filter {}; only filter 0 is supported", row[0])));
        }
        pixels.extend_from_slice(&row[1..]);
    }
    Ok(DecodedPng { width, height, channels, pixels })
}

fn parse_ihdr(data: &[u8]) -> std::result::Result<(usize, usize, usize), String> {
    if data.len() != 13 {
        return Err(format!("IHDR holds {} bytes, expected 13", data.len()));
    }
    let width = u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize;
    let height = u32::from_be_bytes([data[4], data[5], data[6], data[7]]) as usize;
    let channels = match (data[8], data[9]) {
        (8, 0) => 1,
        (8, 2) => 3,
        (depth, colour) => return Err(format!("bit depth {depth}, colour type {colour}: only 8-bit gray or RGB")),
    };
    if data[10..13] != [0, 0, 0] {
        return Err("compression, filter and interlace methods must all be 0".into());
    }
    if width == 0 || height == 0 {
        return Err(format!("empty image {width}×{height}"));
    }
    Ok((width, height, channels))
}

/// Unpacks a zlib stream of stored deflate blocks and checks its Adler-32.
fn inflate_stored(z: &[u8]) -> std::result::Result<Vec<u8>, String> {
    if z.len() < 2 + 4 {
        return Err(format!("zlib stream of {} bytes is too short", z.len()));
    }
    let (cmf, flg) = (z[0], z[1]);
    if cmf & 0x0F != 8 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 || flg & 0x20 != 0 {
        return Err(format!("bad zlib header {cmf:02X} {flg:02X}"));
    }
    let mut pos = 2;
    let mut out = Vec::new();
    loop {
        let Some(&head) = z.get(pos) else {
            return Err("deflate stream ends before its final block".into());
        };
        if head & 0x06 != 0 {
            return Err(format!("deflate block at byte {pos} is compressed; only stored blocks are supported"));
        }
        if z.len() < pos + 5 {
            return Err(format!("stored block header at byte {pos} is truncated"));
        }
        let len = u16::from_le_bytes([z[pos + 1], z[pos + 2]]);
        let nlen = u16::from_le_bytes([z[pos + 3], z[pos + 4]]);
        if len != !nlen {
            return Err(format!("stored block at byte {pos}: LEN {len} and NLEN {nlen} disagree"));
        }
        let start = pos + 5;
        let end = start + usize::from(len);
        if z.len() < end {
            return Err(format!("stored block at byte {pos} is truncated"));
        }
        out.extend_from_slice(&z[start..end]);
        pos = end;
        if head & 1 == 1 {
            break;
        }
    }
    if z.len() != pos + 4 {
        return Err(format!("zlib stream: expected a 4-byte Adler-32 after the last block, found {}", z.len() - pos));
    }
    let stored = u32::from_be_bytes(z[pos..pos + 4].try_into().expect("4 bytes"));
    let computed = adler32(&out);
    if stored != computed {
        return Err(format!("Adler-32 {stored:08X}, computed {computed:08X}"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zlib_header_is_a_multiple_of_31() {
        assert_eq!((0x78u16 << 8 | 0x01) % 31, 0);
    }

    #[test]
    fn big_payload_splits_into_stored_blocks() {
        let raw: Vec<u8> = (0..150_000u32).map(|i| (i % 251) as u8).collect();
        let z = zlib_stored(&raw);
        // 3 blocks of at most 65535 bytes: 2 header + 3·5 block headers + data + 4 Adler
        assert_eq!(z.len(), 2 + 3 * 5 + raw.len() + 4);
        assert_eq!(inflate_stored(&z).unwrap(), raw);
    }

    #[test]
    fn empty_payload_is_one_final_empty_block() {
        let z = zlib_stored(&[]);
        assert_eq!(inflate_stored(&z).unwrap(), Vec::<u8>::new());
    }
}
