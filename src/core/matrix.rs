//! `Matrix`: a dense, row-major `rows × cols` table of `f64`.
//!
//! A batch is a matrix with one example per row, as in PyTorch. Shapes are checked at every
//! operation; a mismatch inside the library is a broken invariant and panics with both shapes.
//!
//! The three products a network needs are here, each without building a transpose:
//!
//! ```text
//! matmul       C = A·B     A: (n, k), B: (k, m) → (n, m)
//! matmul_a_bt  C = A·Bᵀ    A: (n, k), B: (m, k) → (n, m)   forward of a layer, X·Wᵀ
//! matmul_at_b  C = Aᵀ·B    A: (k, n), B: (k, m) → (n, m)   a layer's d_w = d_zᵀ·X
//! ```
//!
//! All three are one cache-blocked product, [`crate::kernels::gemm`], which reads a transpose by swapping
//! strides. [`matmul_naive`] is the triple loop straight from the definition, kept as the
//! oracle the tests hold the fast forms to.
//!
//! ```
//! use autoencoders::core::matrix::Matrix;
//! let a = Matrix::from_rows(&[&[1.0, 2.0], &[3.0, 4.0]]);
//! let b = Matrix::from_rows(&[&[5.0, 6.0], &[7.0, 8.0]]);
//! // [1·5 + 2·7, 1·6 + 2·8; 3·5 + 4·7, 3·6 + 4·8]
//! assert_eq!(a.matmul(&b).data(), &[19.0, 22.0, 43.0, 50.0]);
//! ```

use std::fmt;
use std::ops::{Index, IndexMut};

use crate::core::rng::Rng;
use crate::kernels::gemm::{View, gemm_threads};
use crate::kernels::simd::multiversion;

#[derive(Clone, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl fmt::Debug for Matrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Matrix {}×{}", self.rows, self.cols)?;
        for r in 0..self.rows {
            writeln!(f, "  {:?}", self.row(r))?;
        }
        Ok(())
    }
}

impl Matrix {
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Matrix { rows, cols, data: vec![0.0; rows * cols] }
    }

    pub fn filled(rows: usize, cols: usize, value: f64) -> Self {
        Matrix { rows, cols, data: vec![value; rows * cols] }
    }

    /// data: row-major, `rows · cols` long.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<f64>) -> Self {
        assert_eq!(data.len(), rows * cols, "Matrix::from_vec: {rows}×{cols} needs {} values", rows * cols);
        Matrix { rows, cols, data }
    }

    pub fn from_rows(rows: &[&[f64]]) -> Self {
        let cols = rows.first().map_or(0, |r| r.len());
        let mut data = Vec::with_capacity(rows.len() * cols);
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(r.len(), cols, "Matrix::from_rows: row {i} has {} values, row 0 has {cols}", r.len());
            data.extend_from_slice(r);
        }
        Matrix { rows: rows.len(), cols, data }
    }

    /// One row vector (1, n).
    pub fn row_vector(values: &[f64]) -> Self {
        Matrix::from_vec(1, values.len(), values.to_vec())
    }

    pub fn identity(n: usize) -> Self {
        let mut m = Matrix::zeros(n, n);
        for i in 0..n {
            m[(i, i)] = 1.0;
        }
        m
    }

    /// Entries drawn uniformly from [lo, hi).
    pub fn uniform(rows: usize, cols: usize, lo: f64, hi: f64, rng: &mut Rng) -> Self {
        let data = (0..rows * cols).map(|_| rng.range(lo, hi)).collect();
        Matrix { rows, cols, data }
    }

    /// Entries drawn from N(0, std²).
    pub fn normal(rows: usize, cols: usize, std: f64, rng: &mut Rng) -> Self {
        let data = (0..rows * cols).map(|_| std * rng.normal()).collect();
        Matrix { rows, cols, data }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
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

    pub fn row(&self, r: usize) -> &[f64] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }

    pub fn row_mut(&mut self, r: usize) -> &mut [f64] {
        &mut self.data[r * self.cols..(r + 1) * self.cols]
    }

    /// The rows listed in `idx`, in that order: a mini-batch.
    pub fn select_rows(&self, idx: &[usize]) -> Matrix {
        let mut data = Vec::with_capacity(idx.len() * self.cols);
        for &i in idx {
            data.extend_from_slice(self.row(i));
        }
        Matrix { rows: idx.len(), cols: self.cols, data }
    }

    /// Rows `start..end`.
    pub fn slice_rows(&self, start: usize, end: usize) -> Matrix {
        assert!(start <= end && end <= self.rows, "slice_rows {start}..{end} of {} rows", self.rows);
        Matrix { rows: end - start, cols: self.cols, data: self.data[start * self.cols..end * self.cols].to_vec() }
    }

    pub fn transpose(&self) -> Matrix {
        let mut t = Matrix::zeros(self.cols, self.rows);
        for r in 0..self.rows {
            for c in 0..self.cols {
                t.data[c * self.rows + r] = self.data[r * self.cols + c];
            }
        }
        t
    }

    pub fn map(&self, f: impl Fn(f64) -> f64) -> Matrix {
        Matrix { rows: self.rows, cols: self.cols, data: self.data.iter().map(|&v| f(v)).collect() }
    }

    /// Element by element, `f(self_ij, other_ij)`.
    pub fn zip_map(&self, other: &Matrix, f: impl Fn(f64, f64) -> f64) -> Matrix {
        self.assert_same_shape(other, "zip_map");
        let data = self.data.iter().zip(&other.data).map(|(&a, &b)| f(a, b)).collect();
        Matrix { rows: self.rows, cols: self.cols, data }
    }

    pub fn add(&self, other: &Matrix) -> Matrix {
        self.zip_map(other, |a, b| a + b)
    }

    pub fn sub(&self, other: &Matrix) -> Matrix {
        self.zip_map(other, |a, b| a - b)
    }

    /// Element-wise (Hadamard) product.
    pub fn hadamard(&self, other: &Matrix) -> Matrix {
        self.zip_map(other, |a, b| a * b)
    }

    pub fn scale(&self, s: f64) -> Matrix {
        self.map(|v| v * s)
    }

    /// self += s · other
    pub fn add_scaled(&mut self, other: &Matrix, s: f64) {
        self.assert_same_shape(other, "add_scaled");
        axpy(s, &other.data, &mut self.data);
    }

    /// Adds `v` (length cols) to every row: the bias broadcast of `X·Wᵀ + b`.
    pub fn add_row_broadcast(&mut self, v: &[f64]) {
        assert_eq!(v.len(), self.cols, "add_row_broadcast: vector {} vs {} cols", v.len(), self.cols);
        for r in self.data.chunks_exact_mut(self.cols.max(1)) {
            for (x, &b) in r.iter_mut().zip(v) {
                *x += b;
            }
        }
    }

    /// Sum over rows: (rows, cols) → cols. A layer's d_b is the column sum of d_z.
    pub fn col_sums(&self) -> Vec<f64> {
        let mut s = vec![0.0; self.cols];
        for r in 0..self.rows {
            for (acc, &v) in s.iter_mut().zip(self.row(r)) {
                *acc += v;
            }
        }
        s
    }

    pub fn sum(&self) -> f64 {
        self.data.iter().sum()
    }

    /// Frobenius norm ‖A‖_F = √(Σ a_ij²).
    pub fn frobenius(&self) -> f64 {
        dot(&self.data, &self.data).sqrt()
    }

    /// max |a_ij|; NaN if any entry is NaN (`f64::max` alone would silently skip it).
    pub fn max_abs(&self) -> f64 {
        self.data.iter().fold(0.0, |m: f64, v| if v.is_nan() || m.is_nan() { f64::NAN } else { m.max(v.abs()) })
    }

    pub fn all_finite(&self) -> bool {
        self.data.iter().all(|v| v.is_finite())
    }

    /// Index of the largest entry of row r (first one on ties).
    pub fn argmax_row(&self, r: usize) -> usize {
        argmax(self.row(r))
    }

    fn assert_same_shape(&self, other: &Matrix, op: &str) {
        assert_eq!(self.shape(), other.shape(), "{op}: shapes {:?} and {:?} differ", self.shape(), other.shape());
    }

    /// C = A·B. A: (n, k), B: (k, m) → (n, m).
    pub fn matmul(&self, b: &Matrix) -> Matrix {
        assert_eq!(self.cols, b.rows, "matmul: ({}, {}) · ({}, {})", self.rows, self.cols, b.rows, b.cols);
        product(self.view(), b.view(), 1)
    }

    /// C = A·Bᵀ. A: (n, k), B: (m, k) → (n, m). Each entry is a dot product of two rows.
    pub fn matmul_a_bt(&self, b: &Matrix) -> Matrix {
        assert_eq!(self.cols, b.cols, "matmul_a_bt: ({}, {}) · ({}, {})ᵀ", self.rows, self.cols, b.rows, b.cols);
        product(self.view(), b.view().t(), 1)
    }

    /// C = Aᵀ·B. A: (k, n), B: (k, m) → (n, m). Row k of A scales row k of B into every row of C.
    pub fn matmul_at_b(&self, b: &Matrix) -> Matrix {
        assert_eq!(self.rows, b.rows, "matmul_at_b: ({}, {})ᵀ · ({}, {})", self.rows, self.cols, b.rows, b.cols);
        product(self.view().t(), b.view(), 1)
    }

    /// [`Matrix::matmul`] on `threads` threads. Every entry of C is summed in the same order
    /// whichever thread computes it (see [`crate::kernels::gemm`]), so the result is bit for bit the
    /// same for any thread count.
    pub fn matmul_threads(&self, b: &Matrix, threads: usize) -> Matrix {
        assert_eq!(self.cols, b.rows, "matmul: ({}, {}) · ({}, {})", self.rows, self.cols, b.rows, b.cols);
        product(self.view(), b.view(), threads)
    }

    /// [`Matrix::matmul_a_bt`] on `threads` threads, bit for bit as on one.
    pub fn matmul_a_bt_threads(&self, b: &Matrix, threads: usize) -> Matrix {
        assert_eq!(self.cols, b.cols, "matmul_a_bt: ({}, {}) · ({}, {})ᵀ", self.rows, self.cols, b.rows, b.cols);
        product(self.view(), b.view().t(), threads)
    }

    /// [`Matrix::matmul_at_b`] on `threads` threads, bit for bit as on one.
    pub fn matmul_at_b_threads(&self, b: &Matrix, threads: usize) -> Matrix {
        assert_eq!(self.rows, b.rows, "matmul_at_b: ({}, {})ᵀ · ({}, {})", self.rows, self.cols, b.rows, b.cols);
        product(self.view().t(), b.view(), threads)
    }

    /// The matrix as a [`View`] for [`crate::kernels::gemm::gemm`].
    pub fn view(&self) -> View<'_> {
        View::row_major(&self.data, self.rows, self.cols)
    }
}

/// A·B of two views into a new matrix.
fn product(a: View, b: View, threads: usize) -> Matrix {
    let mut c = Matrix::zeros(a.rows(), b.cols());
    gemm_threads(a, b, &mut c.data, threads);
    c
}

/// The transpose of a (rows, cols) row-major slice into `out`, (cols, rows).
pub fn transpose_into(a: &[f64], rows: usize, cols: usize, out: &mut [f64]) {
    assert!(a.len() == rows * cols && out.len() == rows * cols, "transpose_into: lengths");
    transpose_kernel(a, rows, cols, out);
}

multiversion!(fn transpose_kernel(a: &[f64], rows: usize, cols: usize, out: &mut [f64]) => transpose_generic);

/// 8 × 8 blocks: read as eight rows of eight, written as eight columns; edges one by one.
#[inline(always)]
fn transpose_generic(a: &[f64], rows: usize, cols: usize, out: &mut [f64]) {
    const T: usize = 8;
    let (rb, cb) = (rows - rows % T, cols - cols % T);
    for r0 in (0..rb).step_by(T) {
        for c0 in (0..cb).step_by(T) {
            let block: [[f64; T]; T] =
                std::array::from_fn(|r| a[(r0 + r) * cols + c0..(r0 + r) * cols + c0 + T].try_into().unwrap());
            for c in 0..T {
                let dst: &mut [f64; T] = (&mut out[(c0 + c) * rows + r0..(c0 + c) * rows + r0 + T]).try_into().unwrap();
                for r in 0..T {
                    dst[r] = block[r][c];
                }
            }
        }
    }
    for r in 0..rows {
        let from = if r < rb { cb } else { 0 };
        for c in from..cols {
            out[c * rows + r] = a[r * cols + c];
        }
    }
}

/// C = A·B by the definition, c_ij = Σ_k a_ik b_kj: the algorithmic reference for the tests.
pub fn matmul_naive(a: &Matrix, b: &Matrix) -> Matrix {
    assert_eq!(a.cols, b.rows, "matmul_naive: inner dimensions differ");
    let mut c = Matrix::zeros(a.rows, b.cols);
    for i in 0..a.rows {
        for j in 0..b.cols {
            let mut s = 0.0;
            for k in 0..a.cols {
                s += a[(i, k)] * b[(k, j)];
            }
            c[(i, j)] = s;
        }
    }
    c
}

/// Σ a_i b_i, with eight running sums so the loop vectorises without reassociating floats
/// behind our back (the order is fixed, so results are reproducible).
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "dot: lengths {} and {}", a.len(), b.len());
    let mut acc = [0.0f64; 8];
    let (a8, a_rest) = a.split_at(a.len() - a.len() % 8);
    let (b8, b_rest) = b.split_at(a8.len());
    for (x, y) in a8.chunks_exact(8).zip(b8.chunks_exact(8)) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (x, y) in a_rest.iter().zip(b_rest) {
        s += x * y;
    }
    s
}

/// y += a·x
pub fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    assert_eq!(x.len(), y.len(), "axpy: lengths {} and {}", x.len(), y.len());
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

/// Index of the largest value, the first one on ties.
pub fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

impl Index<(usize, usize)> for Matrix {
    type Output = f64;
    fn index(&self, (r, c): (usize, usize)) -> &f64 {
        debug_assert!(r < self.rows && c < self.cols);
        &self.data[r * self.cols + c]
    }
}

impl IndexMut<(usize, usize)> for Matrix {
    fn index_mut(&mut self, (r, c): (usize, usize)) -> &mut f64 {
        debug_assert!(r < self.rows && c < self.cols);
        &mut self.data[r * self.cols + c]
    }
}
