//! One example's feature maps as a three-way array (C, H, W), channel first, each plane
//! row-major: PyTorch's layout. Convolution and pooling (§3.1) are written in it.

use std::fmt;
use std::ops::{Index, IndexMut};

use crate::core::matrix::{Matrix, dot};
use crate::core::rng::Rng;

/// One example's feature maps: `c` planes of `h × w`, channel first, each plane row-major
/// (PyTorch's (C, H, W)).
#[derive(Clone, PartialEq)]
pub struct Tensor3 {
    c: usize,
    h: usize,
    w: usize,
    data: Vec<f64>,
}

impl fmt::Debug for Tensor3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Tensor3 {}×{}×{}", self.c, self.h, self.w)?;
        for c in 0..self.c {
            writeln!(f, "  channel {c}")?;
            for r in self.plane(c).chunks(self.w.max(1)) {
                writeln!(f, "    {r:?}")?;
            }
        }
        Ok(())
    }
}

impl Tensor3 {
    pub fn zeros(c: usize, h: usize, w: usize) -> Self {
        Tensor3 { c, h, w, data: vec![0.0; c * h * w] }
    }

    /// data: channel by channel, each plane row-major, `c · h · w` long.
    pub fn from_vec(c: usize, h: usize, w: usize, data: Vec<f64>) -> Self {
        assert_eq!(data.len(), c * h * w, "Tensor3::from_vec: {c}×{h}×{w} needs {} values", c * h * w);
        Tensor3 { c, h, w, data }
    }

    /// One channel holding the matrix: (rows, cols) → (1, rows, cols).
    pub fn from_matrix(m: &Matrix) -> Self {
        Tensor3 { c: 1, h: m.rows(), w: m.cols(), data: m.data().to_vec() }
    }

    /// Entries drawn uniformly from [lo, hi).
    pub fn uniform(c: usize, h: usize, w: usize, lo: f64, hi: f64, rng: &mut Rng) -> Self {
        Tensor3 { c, h, w, data: (0..c * h * w).map(|_| rng.range(lo, hi)).collect() }
    }

    /// (channels, height, width)
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.c, self.h, self.w)
    }

    pub fn channels(&self) -> usize {
        self.c
    }

    pub fn height(&self) -> usize {
        self.h
    }

    pub fn width(&self) -> usize {
        self.w
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn data(&self) -> &[f64] {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut [f64] {
        &mut self.data
    }

    pub fn into_vec(self) -> Vec<f64> {
        self.data
    }

    /// Channel c as a row-major `h · w` slice.
    pub fn plane(&self, c: usize) -> &[f64] {
        let n = self.h * self.w;
        &self.data[c * n..(c + 1) * n]
    }

    pub fn plane_mut(&mut self, c: usize) -> &mut [f64] {
        let n = self.h * self.w;
        &mut self.data[c * n..(c + 1) * n]
    }

    /// Channel c as an (h, w) matrix, for printing.
    pub fn to_matrix(&self, c: usize) -> Matrix {
        Matrix::from_vec(self.h, self.w, self.plane(c).to_vec())
    }

    pub fn map(&self, f: impl Fn(f64) -> f64) -> Tensor3 {
        Tensor3 { data: self.data.iter().map(|&v| f(v)).collect(), ..*self }
    }

    pub fn add(&self, other: &Tensor3) -> Tensor3 {
        self.zip_map(other, "add", |a, b| a + b)
    }

    pub fn sub(&self, other: &Tensor3) -> Tensor3 {
        self.zip_map(other, "sub", |a, b| a - b)
    }

    /// ⟨self, other⟩ = Σ self_i · other_i, the inner product of the adjoint identity.
    pub fn dot(&self, other: &Tensor3) -> f64 {
        self.assert_same_shape(other, "dot");
        dot(&self.data, &other.data)
    }

    /// Σ (self_i − other_i)², the chapters' reconstruction error.
    pub fn sum_squared_diff(&self, other: &Tensor3) -> f64 {
        self.assert_same_shape(other, "sum_squared_diff");
        self.data.iter().zip(&other.data).map(|(a, b)| (a - b) * (a - b)).sum()
    }

    /// max |self_i − other_i|
    pub fn max_abs_diff(&self, other: &Tensor3) -> f64 {
        self.assert_same_shape(other, "max_abs_diff");
        self.data.iter().zip(&other.data).fold(0.0, |m, (a, b)| m.max((a - b).abs()))
    }

    /// Σ over each plane: (c, h, w) → (c). A convolution's d_b is this of d_y.
    pub fn plane_sums(&self) -> Vec<f64> {
        (0..self.c).map(|c| self.plane(c).iter().sum()).collect()
    }

    fn zip_map(&self, other: &Tensor3, op: &str, f: impl Fn(f64, f64) -> f64) -> Tensor3 {
        self.assert_same_shape(other, op);
        Tensor3 { data: self.data.iter().zip(&other.data).map(|(&a, &b)| f(a, b)).collect(), ..*self }
    }

    fn assert_same_shape(&self, other: &Tensor3, op: &str) {
        assert_eq!(
            self.shape(),
            other.shape(),
            "Tensor3::{op}: shapes {:?} and {:?} differ",
            self.shape(),
            other.shape()
        );
    }
}

impl Index<(usize, usize, usize)> for Tensor3 {
    type Output = f64;
    fn index(&self, (c, y, x): (usize, usize, usize)) -> &f64 {
        debug_assert!(c < self.c && y < self.h && x < self.w);
        &self.data[(c * self.h + y) * self.w + x]
    }
}

impl IndexMut<(usize, usize, usize)> for Tensor3 {
    fn index_mut(&mut self, (c, y, x): (usize, usize, usize)) -> &mut f64 {
        debug_assert!(c < self.c && y < self.h && x < self.w);
        &mut self.data[(c * self.h + y) * self.w + x]
    }
}
