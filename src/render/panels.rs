//! Pictures side by side: several [`GrayImage`]s laid out in one row, top-aligned, for a
//! chapter that wants its grids in a single PNG.

use crate::render::png::{GRID_GAP_GRAY, GrayImage};

/// The images in one row, left to right, top-aligned, with `gap` pixels of
/// [`GRID_GAP_GRAY`] around and between them; shorter images leave that gray below.
///
/// ```text
/// width  = gap + Σ (wᵢ + gap)
/// height = 2·gap + max hᵢ
/// ```
///
/// ```
/// use autoencoders::render::{panels::hstack, png::GrayImage};
/// let row = hstack(&[GrayImage::new(3, 2), GrayImage::new(1, 4)], 1);
/// assert_eq!((row.width(), row.height()), (1 + 4 + 2, 6));
/// ```
pub fn hstack(images: &[GrayImage], gap: usize) -> GrayImage {
    let width = gap + images.iter().map(|i| i.width() + gap).sum::<usize>();
    let height = 2 * gap + images.iter().map(GrayImage::height).max().unwrap_or(0);
    let mut out = GrayImage::filled(width.max(1), height.max(1), GRID_GAP_GRAY);
    let mut x0 = gap;
    for img in images {
        for y in 0..img.height() {
            for x in 0..img.width() {
                out.set(x0 + x, gap + y, img.get(x, y));
            }
        }
        x0 += img.width() + gap;
    }
    out
}
