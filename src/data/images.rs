//! The image types that the digit generator ([`crate::data::digits`]) and the IDX reader
//! ([`crate::data::idx`]) both produce: raw 8-bit [`Images`] as IDX stores them, and a
//! [`DigitSet`] of 28 × 28 images scaled to [0, 1], split into training and test.

use crate::core::matrix::Matrix;

/// Side of an MNIST image in pixels.
pub const SIDE: usize = 28;
/// Pixels in one image: 28 · 28.
pub const PIXELS: usize = SIDE * SIDE;

/// Digit images split into a training and a held-out test set, from
/// [`crate::data::digits::generate`] or [`crate::data::idx::load_mnist`].
///
/// `train`: (n_train, 784) and `test`: (n_test, 784), one 28×28 image per row, row-major,
/// intensities in [0, 1] (byte / 255, so 0 is background); labels are digits 0–9, one per row.
#[derive(Clone, Debug, PartialEq)]
pub struct DigitSet {
    pub train: Matrix,
    pub train_labels: Vec<u8>,
    pub test: Matrix,
    pub test_labels: Vec<u8>,
    /// Where the images came from, for the chapters' printed steps.
    pub source: String,
}

impl DigitSet {
    /// Keeps at most the first `n` training images (and their labels): a smaller run.
    pub fn keep_train(mut self, n: usize) -> DigitSet {
        let n = n.min(self.train.rows());
        self.train = self.train.slice_rows(0, n);
        self.train_labels.truncate(n);
        self
    }
}

/// A stack of 8-bit grayscale images as IDX stores them. pixels: (count, rows · cols)
/// row-major, one image after another; 0 is background, 255 full ink.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Images {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    pub pixels: Vec<u8>,
}

impl Images {
    /// Image `i`'s bytes, `rows · cols` of them.
    pub fn image(&self, i: usize) -> &[u8] {
        let n = self.rows * self.cols;
        &self.pixels[i * n..(i + 1) * n]
    }

    /// One image per row, intensities scaled to [0, 1]: (count, rows · cols).
    pub fn to_matrix(&self) -> Matrix {
        let data = self.pixels.iter().map(|&p| f64::from(p) / 255.0).collect();
        Matrix::from_vec(self.count, self.rows * self.cols, data)
    }
}
