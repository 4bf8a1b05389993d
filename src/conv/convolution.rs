//! Convolution and transposed convolution (§3.1): the encoder's feature detector and the
//! decoder's "deconvolution".
//!
//! One example's feature maps are a [`Tensor3`] of shape (C, H, W); a kernel is a [`Kernel`]
//! of shape (O, C, k_h, k_w), stride s and zero padding p are a [`Geometry`]. For one output
//! map o and one position (i, j):
//!
//! ```text
//! conv2d            y[o,i,j] = b[o] + Σ_c Σ_u Σ_v w[o,c,u,v] · x[c, i·s+u−p, j·s+v−p]
//!                   x reads as 0 outside its H × W plane (zero padding)
//!                   H_out = ⌊(H + 2p − k_h)/s⌋ + 1,   W_out likewise
//!
//! conv_transpose2d  y[c, i·s+u−p, j·s+v−p] += x[o,i,j] · w[o,c,u,v]   for every o, i, j, u, v
//!                   then y[c,·,·] += b[c]; products that land outside the output are dropped
//!                   H_out = (H − 1)·s − 2p + k_h,   W_out likewise
//! ```
//!
//! Like PyTorch's `Conv2d`, `conv2d` slides the kernel without flipping it: it is a
//! cross-correlation, which the deep-learning world calls convolution. A learned kernel absorbs
//! the flip, so nothing downstream cares.
//!
//! `conv_transpose2d` is what §3.1 calls deconvolution: every input value multiplies the whole
//! kernel, the product is laid down at the input's position times the stride, and where
//! products overlap they add. It does not undo a convolution; it is the convolution's adjoint
//! (its matrix transposed), which is why the two share one kernel tensor and why each one's
//! input gradient is the other one applied to the output gradient:
//!
//! ```text
//! conv2d      d_b[o]       = Σ_{i,j} d_y[o,i,j]
//!             d_w[o,c,u,v] = Σ_{i,j} d_y[o,i,j] · x[c, i·s+u−p, j·s+v−p]
//!             d_x          = conv_transpose2d(d_y, w), sized back to H × W
//!
//! conv_transpose2d
//!             d_b[c]       = Σ_{i,j} d_y[c,i,j]
//!             d_w[o,c,u,v] = Σ_{i,j} x[o,i,j] · d_y[c, i·s+u−p, j·s+v−p]
//!             d_x          = conv2d(d_y, w)
//! ```
//!
//! The kernel is (O, C, k_h, k_w) for both, read from the convolution's side: `conv2d` maps C
//! channels to O, `conv_transpose2d` maps O channels back to C. PyTorch stores a
//! `ConvTranspose2d` weight as (in, out, k_h, k_w), which is the same tensor.
//!
//! A convolution with s > 1 drops the last (H + 2p − k_h) mod s rows, so several input heights
//! give the same output height. [`conv_transpose2d_to`] picks one of them, as PyTorch's
//! `output_padding` does; [`conv_transpose2d`] always picks the smallest.
//!
//! [`conv2d_naive`] and [`conv_transpose2d_naive`] compute the same things straight from the
//! definitions above (an explicitly padded input; a canvas on which whole scaled kernels are
//! laid down and then cropped), and [`conv2d_backward_naive`] and
//! [`conv_transpose2d_backward_naive`] their gradients from the formulas above, one entry at a
//! time. They are the oracles the tests hold the fast versions to.
//!
//! The fast versions are the same sums reordered. At stride 1 (every chapter's case) each
//! kernel tap is one flat shift on planes padded to a common row width (see `Wide` in the
//! source), so all six loops run as long unit-stride runs of fused multiply-adds compiled for
//! AVX-512 or AVX2 when the CPU has them; other strides take the direct loops over the taps
//! that land inside the input. Rewriting the convolution as im2col and a product on
//! [`crate::kernels::gemm`] was measured too: with conv_ae's 1 and 2 channels the patch matrix is 25
//! times the image and the product's short side is 1 or 2 rows; an untuned first version took
//! about 2.4 times as long as the flat shifts (93 against 38 µs per image, forward and backward
//! of both layers).
//!
//! ```
//! use autoencoders::conv::convolution::{conv2d, conv_transpose2d, Geometry, Kernel};
//! use autoencoders::core::tensor3::Tensor3;
//! let x = Tensor3::from_vec(1, 3, 3, vec![1.0, 2.0, 0.0, 0.0, 1.0, 3.0, 4.0, 0.0, 1.0]);
//! let w = Kernel::from_vec(1, 1, 2, 2, vec![1.0, 0.0, 0.0, -1.0]);
//! let y = conv2d(&x, &w, &[0.5], Geometry::default());
//! // top-left window [1 2; 0 1] → 1·1 − 1·1 + 0.5, and so on
//! assert_eq!(y.data(), &[0.5, -0.5, 0.5, 0.5]);
//!
//! // Deconvolution with stride 2: each value stamps a scaled copy of the kernel, no overlap.
//! let code = Tensor3::from_vec(1, 1, 2, vec![2.0, 3.0]);
//! let up = conv_transpose2d(&code, &w, &[0.0], Geometry { stride: 2, padding: 0 });
//! assert_eq!(up.shape(), (1, 2, 4));
//! assert_eq!(up.data(), &[2.0, 0.0, 3.0, 0.0, 0.0, -2.0, 0.0, -3.0]);
//! ```

use std::fmt;
use std::ops::{Index, IndexMut, Range};

use crate::core::error::{Error, Result};
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::core::tensor3::Tensor3;
use crate::kernels::simd::multiversion;

/// A bank of kernels, shape (O, C, k_h, k_w), row-major: O kernels of C planes each.
#[derive(Clone, PartialEq)]
pub struct Kernel {
    out_c: usize,
    in_c: usize,
    kh: usize,
    kw: usize,
    data: Vec<f64>,
}

impl fmt::Debug for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kernel {}×{}×{}×{} {:?}", self.out_c, self.in_c, self.kh, self.kw, self.data)
    }
}

impl Kernel {
    pub fn zeros(out_c: usize, in_c: usize, kh: usize, kw: usize) -> Self {
        Kernel { out_c, in_c, kh, kw, data: vec![0.0; out_c * in_c * kh * kw] }
    }

    /// data: row-major (O, C, k_h, k_w), `O · C · k_h · k_w` long.
    pub fn from_vec(out_c: usize, in_c: usize, kh: usize, kw: usize, data: Vec<f64>) -> Self {
        let n = out_c * in_c * kh * kw;
        assert_eq!(data.len(), n, "Kernel::from_vec: {out_c}×{in_c}×{kh}×{kw} needs {n} values");
        Kernel { out_c, in_c, kh, kw, data }
    }

    /// One kernel of one plane: (k_h, k_w) → (1, 1, k_h, k_w).
    pub fn from_matrix(m: &Matrix) -> Self {
        Kernel { out_c: 1, in_c: 1, kh: m.rows(), kw: m.cols(), data: m.data().to_vec() }
    }

    /// Entries drawn uniformly from [lo, hi).
    pub fn uniform(out_c: usize, in_c: usize, kh: usize, kw: usize, lo: f64, hi: f64, rng: &mut Rng) -> Self {
        let data = (0..out_c * in_c * kh * kw).map(|_| rng.range(lo, hi)).collect();
        Kernel { out_c, in_c, kh, kw, data }
    }

    /// (O, C, k_h, k_w)
    pub fn shape(&self) -> (usize, usize, usize, usize) {
        (self.out_c, self.in_c, self.kh, self.kw)
    }

    pub fn data(&self) -> &[f64] {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut [f64] {
        &mut self.data
    }

    /// Plane (o, c) as a (k_h, k_w) matrix, for printing.
    pub fn to_matrix(&self, o: usize, c: usize) -> Matrix {
        let n = self.kh * self.kw;
        let start = (o * self.in_c + c) * n;
        Matrix::from_vec(self.kh, self.kw, self.data[start..start + n].to_vec())
    }
}

impl Index<(usize, usize, usize, usize)> for Kernel {
    type Output = f64;
    fn index(&self, (o, c, u, v): (usize, usize, usize, usize)) -> &f64 {
        debug_assert!(o < self.out_c && c < self.in_c && u < self.kh && v < self.kw);
        &self.data[((o * self.in_c + c) * self.kh + u) * self.kw + v]
    }
}

impl IndexMut<(usize, usize, usize, usize)> for Kernel {
    fn index_mut(&mut self, (o, c, u, v): (usize, usize, usize, usize)) -> &mut f64 {
        debug_assert!(o < self.out_c && c < self.in_c && u < self.kh && v < self.kw);
        &mut self.data[((o * self.in_c + c) * self.kh + u) * self.kw + v]
    }
}

/// Stride and zero padding, the same along both axes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    /// Step between neighbouring windows, at least 1.
    pub stride: usize,
    /// Zeros added on every side of the input (conv2d), or cropped from every side of the
    /// output (conv_transpose2d).
    pub padding: usize,
}

impl Default for Geometry {
    /// Stride 1, no padding.
    fn default() -> Self {
        Geometry { stride: 1, padding: 0 }
    }
}

fn check_common(n: usize, k: usize, g: Geometry) -> Result<()> {
    if g.stride == 0 {
        return Err(Error::Invalid("a convolution's stride must be at least 1".into()));
    }
    if k == 0 {
        return Err(Error::Invalid("a convolution's kernel must be at least 1 wide".into()));
    }
    if n == 0 {
        return Err(Error::Invalid("a convolution's input must be at least 1 wide".into()));
    }
    Ok(())
}

/// conv2d's output length along one axis, ⌊(n + 2p − k)/s⌋ + 1, or why there is none.
pub fn conv2d_out_len(n: usize, k: usize, g: Geometry) -> Result<usize> {
    check_common(n, k, g)?;
    let padded = n + 2 * g.padding;
    if padded < k {
        return Err(Error::Invalid(format!(
            "a kernel {k} wide does not fit in an input {n} wide padded by {} on each side",
            g.padding
        )));
    }
    Ok((padded - k) / g.stride + 1)
}

/// conv_transpose2d's output length along one axis, (n − 1)·s − 2p + k, or why there is none.
pub fn conv_transpose2d_out_len(n: usize, k: usize, g: Geometry) -> Result<usize> {
    check_common(n, k, g)?;
    let full = (n - 1) * g.stride + k;
    if full <= 2 * g.padding {
        return Err(Error::Invalid(format!(
            "cropping {} from each side of a transposed convolution {full} wide leaves nothing",
            g.padding
        )));
    }
    Ok(full - 2 * g.padding)
}

/// The output positions i ∈ 0..n_out whose kernel tap u lands inside 0..n, i.e.
/// 0 ≤ i·s + u − p < n. Looping over this range instead of testing every position keeps the
/// inner loops free of branches.
fn taps(n_out: usize, u: usize, g: Geometry, n: usize) -> Range<usize> {
    let (s, p) = (g.stride, g.padding);
    let lo = if u >= p { 0 } else { (p - u).div_ceil(s) };
    let hi = if n + p > u { ((n + p - u - 1) / s + 1).min(n_out) } else { 0 };
    lo..hi.max(lo)
}

fn expect_len(r: Result<usize>, op: &str) -> usize {
    r.unwrap_or_else(|e| panic!("{op}: {e}"))
}

/// conv2d's output shape, checking the channels and the bias against the kernel.
fn conv2d_shape(x: &Tensor3, w: &Kernel, b_len: usize, g: Geometry, op: &str) -> (usize, usize) {
    assert_eq!(x.channels(), w.in_c, "{op}: input has {} channels, kernel expects {}", x.channels(), w.in_c);
    assert_eq!(b_len, w.out_c, "{op}: bias has {b_len} entries for {} output channels", w.out_c);
    (expect_len(conv2d_out_len(x.height(), w.kh, g), op), expect_len(conv2d_out_len(x.width(), w.kw, g), op))
}

/// Checks conv_transpose2d's channels and bias against the kernel.
fn check_transpose_channels(x: &Tensor3, w: &Kernel, b_len: usize, op: &str) {
    assert_eq!(
        x.channels(),
        w.out_c,
        "{op}: input has {} channels, kernel (O, C, ..) expects O = {}",
        x.channels(),
        w.out_c
    );
    assert_eq!(b_len, w.in_c, "{op}: bias has {b_len} entries for {} output channels", w.in_c);
}

/// The output lengths a transposed convolution can give along one axis: the smallest,
/// (n − 1)·s − 2p + k, and up to s − 1 more (PyTorch's output_padding), of which only the
/// positive ones. The smallest may be 0 or less when conv2d's padding exceeded what its windows
/// read; the longer ones are still the adjoint of that conv2d.
fn transpose_lengths(n: usize, k: usize, g: Geometry, op: &str) -> Range<usize> {
    if let Err(e) = check_common(n, k, g) {
        panic!("{op}: {e}");
    }
    let full = (n - 1) * g.stride + k;
    full.saturating_sub(2 * g.padding).max(1)..(full + g.stride).saturating_sub(2 * g.padding)
}

/// Checks a chosen transposed-convolution output size against what x, w and g allow.
fn check_transpose_size(x: &Tensor3, w: &Kernel, g: Geometry, (oh, ow): (usize, usize), op: &str) {
    let rows = transpose_lengths(x.height(), w.kh, g, op);
    let cols = transpose_lengths(x.width(), w.kw, g, op);
    assert!(
        rows.contains(&oh) && cols.contains(&ow),
        "{op}: output {oh}×{ow} impossible from {}×{} with kernel {}×{}, stride {}, padding {}: \
         rows must lie in {rows:?} and columns in {cols:?}",
        x.height(),
        x.width(),
        w.kh,
        w.kw,
        g.stride,
        g.padding
    );
}

/// ∂L/∂x, ∂L/∂w and ∂L/∂b of one convolution or transposed convolution.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvGrads {
    /// The shape of the layer's input.
    pub d_x: Tensor3,
    /// (O, C, k_h, k_w), the kernel's shape.
    pub d_w: Kernel,
    /// One entry per output channel.
    pub d_b: Vec<f64>,
}

/// Cross-correlation, as PyTorch's `Conv2d`.
///
/// x: (C, H, W), w: (O, C, k_h, k_w), b: (O) → (O, H_out, W_out) with
/// H_out = ⌊(H + 2p − k_h)/s⌋ + 1.
///
/// # Panics
/// If the channels or the bias do not match the kernel or the kernel does not fit (see
/// [`conv2d_out_len`], which callers holding user input should ask first).
pub fn conv2d(x: &Tensor3, w: &Kernel, b: &[f64], g: Geometry) -> Tensor3 {
    let (oh, ow) = conv2d_shape(x, w, b.len(), g, "conv2d");
    if g.stride == 1 {
        let wide = Wide::new(w, (oh, ow), (x.height(), x.width()), g.padding);
        let mut y_wide = vec![0.0; w.out_c * wide.a_len()];
        wide_correlate(&wide.pad(x), w, &wide, &mut y_wide);
        return wide.narrow(&y_wide, b);
    }
    correlate_strided(x, w, b, g, (oh, ow))
}

/// The direct loop of conv2d for any stride: for each kernel tap, the taps that land inside x.
fn correlate_strided(x: &Tensor3, w: &Kernel, b: &[f64], g: Geometry, (oh, ow): (usize, usize)) -> Tensor3 {
    let (s, p) = (g.stride, g.padding);
    let mut y = Tensor3::zeros(w.out_c, oh, ow);
    for (o, &b_o) in b.iter().enumerate() {
        let y_o = y.plane_mut(o);
        y_o.fill(b_o);
        for c in 0..w.in_c {
            let x_c = x.plane(c);
            for u in 0..w.kh {
                let rows = taps(oh, u, g, x.height());
                for v in 0..w.kw {
                    let cols = taps(ow, v, g, x.width());
                    let w_ocuv = w[(o, c, u, v)];
                    for i in rows.clone() {
                        let x_row = (i * s + u - p) * x.width();
                        for j in cols.clone() {
                            y_o[i * ow + j] += w_ocuv * x_c[x_row + j * s + v - p];
                        }
                    }
                }
            }
        }
    }
    y
}

/// d_y: (O, H_out, W_out), the gradient of conv2d's output; x is the forward's input, the only
/// thing backward needs besides the kernel.
pub fn conv2d_backward(x: &Tensor3, w: &Kernel, g: Geometry, d_y: &Tensor3) -> ConvGrads {
    let (oh, ow) = conv2d_shape(x, w, w.out_c, g, "conv2d_backward");
    assert_eq!(d_y.shape(), (w.out_c, oh, ow), "conv2d_backward: d_y does not have the output's shape");
    if g.stride == 1 {
        let wide = Wide::new(w, (oh, ow), (x.height(), x.width()), g.padding);
        let d_y_wide = wide.widen(d_y);
        let mut d_w = Kernel::zeros(w.out_c, w.in_c, w.kh, w.kw);
        wide_kernel_gradient(&d_y_wide, &wide.pad(x), &wide, &mut d_w);
        let mut d_x_pad = vec![0.0; w.in_c * wide.z_len()];
        wide_scatter(&d_y_wide, w, &wide, &mut d_x_pad);
        return ConvGrads { d_x: wide.crop(&d_x_pad, &vec![0.0; w.in_c]), d_w, d_b: d_y.plane_sums() };
    }
    ConvGrads {
        d_x: conv_transpose2d_to(d_y, w, &vec![0.0; w.in_c], g, (x.height(), x.width())),
        d_w: kernel_gradient(d_y, x, w.kh, w.kw, g),
        d_b: d_y.plane_sums(),
    }
}

/// Transposed convolution, the article's "deconvolution", as PyTorch's `ConvTranspose2d`.
///
/// x: (O, H, W), w: (O, C, k_h, k_w), b: (C) → (C, H_out, W_out) with
/// H_out = (H − 1)·s − 2p + k_h.
///
/// # Panics
/// If the channels or the bias do not match the kernel or nothing is left after the padding
/// is cropped (see [`conv_transpose2d_out_len`]).
pub fn conv_transpose2d(x: &Tensor3, w: &Kernel, b: &[f64], g: Geometry) -> Tensor3 {
    check_transpose_channels(x, w, b.len(), "conv_transpose2d");
    let op = "conv_transpose2d";
    let size = (
        expect_len(conv_transpose2d_out_len(x.height(), w.kh, g), op),
        expect_len(conv_transpose2d_out_len(x.width(), w.kw, g), op),
    );
    scatter(x, w, b, g, size)
}

/// [`conv_transpose2d`] with a chosen output size (H_out, W_out), each from the smallest
/// (H − 1)·s − 2p + k up to s − 1 more (and at least 1). The extra rows and columns sit at the
/// bottom and right, as with PyTorch's `output_padding`. This is what makes it the exact adjoint
/// of a conv2d whose input size the stride did not divide.
///
/// # Panics
/// As [`conv_transpose2d`], and if `size` is not one of those lengths.
pub fn conv_transpose2d_to(x: &Tensor3, w: &Kernel, b: &[f64], g: Geometry, size: (usize, usize)) -> Tensor3 {
    check_transpose_channels(x, w, b.len(), "conv_transpose2d_to");
    check_transpose_size(x, w, g, size, "conv_transpose2d_to");
    scatter(x, w, b, g, size)
}

fn scatter(x: &Tensor3, w: &Kernel, b: &[f64], g: Geometry, (oh, ow): (usize, usize)) -> Tensor3 {
    if g.stride == 1 {
        let wide = Wide::new(w, (x.height(), x.width()), (oh, ow), g.padding);
        let mut y_pad = vec![0.0; w.in_c * wide.z_len()];
        wide_scatter(&wide.widen(x), w, &wide, &mut y_pad);
        return wide.crop(&y_pad, b);
    }
    scatter_strided(x, w, b, g, (oh, ow))
}

/// The direct loop of conv_transpose2d for any stride: for each kernel tap, scatter the whole
/// input plane.
fn scatter_strided(x: &Tensor3, w: &Kernel, b: &[f64], g: Geometry, (oh, ow): (usize, usize)) -> Tensor3 {
    let (s, p) = (g.stride, g.padding);
    let mut y = Tensor3::zeros(w.in_c, oh, ow);
    for (c, &b_c) in b.iter().enumerate() {
        y.plane_mut(c).fill(b_c);
    }
    for o in 0..w.out_c {
        let x_o = x.plane(o);
        for c in 0..w.in_c {
            let y_c = y.plane_mut(c);
            for u in 0..w.kh {
                let rows = taps(x.height(), u, g, oh);
                for v in 0..w.kw {
                    let cols = taps(x.width(), v, g, ow);
                    let w_ocuv = w[(o, c, u, v)];
                    for i in rows.clone() {
                        let y_row = (i * s + u - p) * ow;
                        for j in cols.clone() {
                            y_c[y_row + j * s + v - p] += w_ocuv * x_o[i * x.width() + j];
                        }
                    }
                }
            }
        }
    }
    y
}

/// d_y: (C, H_out, W_out), the gradient of conv_transpose2d's output (any size
/// [`conv_transpose2d_to`] allows); x is the forward's input.
pub fn conv_transpose2d_backward(x: &Tensor3, w: &Kernel, g: Geometry, d_y: &Tensor3) -> ConvGrads {
    check_transpose_channels(x, w, w.in_c, "conv_transpose2d_backward");
    assert_eq!(
        d_y.channels(),
        w.in_c,
        "conv_transpose2d_backward: d_y has {} channels, output has {}",
        d_y.channels(),
        w.in_c
    );
    check_transpose_size(x, w, g, (d_y.height(), d_y.width()), "conv_transpose2d_backward");
    if g.stride == 1 {
        let wide = Wide::new(w, (x.height(), x.width()), (d_y.height(), d_y.width()), g.padding);
        let d_y_pad = wide.pad(d_y);
        let mut d_x_wide = vec![0.0; w.out_c * wide.a_len()];
        wide_correlate(&d_y_pad, w, &wide, &mut d_x_wide);
        let mut d_w = Kernel::zeros(w.out_c, w.in_c, w.kh, w.kw);
        wide_kernel_gradient(&wide.widen(x), &d_y_pad, &wide, &mut d_w);
        return ConvGrads { d_x: wide.narrow(&d_x_wide, &vec![0.0; w.out_c]), d_w, d_b: d_y.plane_sums() };
    }
    let d_x = conv2d(d_y, w, &vec![0.0; w.out_c], g);
    debug_assert_eq!(d_x.shape(), x.shape(), "fewer than s extra rows always convolve back to H");
    ConvGrads { d_x, d_w: kernel_gradient(x, d_y, w.kh, w.kw, g), d_b: d_y.plane_sums() }
}

/// The kernel gradient both directions share:
///
/// ```text
/// d_w[o,c,u,v] = Σ_{i,j} a[o,i,j] · z[c, i·s+u−p, j·s+v−p]      (z read as 0 outside)
/// ```
///
/// a: (O, h_a, w_a) lives on the convolution's output side, z: (C, h_z, w_z) on its input
/// side. For conv2d a = d_y and z = x; for conv_transpose2d a = x and z = d_y.
fn kernel_gradient(a: &Tensor3, z: &Tensor3, kh: usize, kw: usize, g: Geometry) -> Kernel {
    let (s, p) = (g.stride, g.padding);
    let mut d_w = Kernel::zeros(a.channels(), z.channels(), kh, kw);
    for o in 0..a.channels() {
        let a_o = a.plane(o);
        for c in 0..z.channels() {
            let z_c = z.plane(c);
            for u in 0..kh {
                let rows = taps(a.height(), u, g, z.height());
                for v in 0..kw {
                    let cols = taps(a.width(), v, g, z.width());
                    let mut sum = 0.0;
                    for i in rows.clone() {
                        let z_row = (i * s + u - p) * z.width();
                        for j in cols.clone() {
                            sum += a_o[i * a.width() + j] * z_c[z_row + j * s + v - p];
                        }
                    }
                    d_w[(o, c, u, v)] = sum;
                }
            }
        }
    }
    d_w
}

/// Unit stride, the case the chapters use, as flat shifts.
///
/// Every loop above pairs the convolution's output side a: (O, h_a, w_a) with its input side
/// z: (C, h_z, w_z) through the taps z[c, i·s+u−p, j·s+v−p]. With s = 1 lay out both in
/// rows of one width W_p = w_a + k_w − 1 = w_z + 2p: a with k_w − 1 zero columns after each
/// row, z inside a border of p zeros (h_a + k_h − 1 rows), followed by k_w − 1 more zeros.
/// Position n = i·W_p + j of a then reads tap (u, v) at n + u·W_p + v of the padded z, the
/// same offset for every window, so each tap is one stretch of h_a·W_p values:
///
/// ```text
/// conv2d             a_o[n]               += w[o,c,u,v] · z_c[n + u·W_p + v]
/// conv_transpose2d   z_c[n + u·W_p + v]   += w[o,c,u,v] · a_o[n]
/// kernel gradient    d_w[o,c,u,v]          = Σ_n a_o[n] · z_c[n + u·W_p + v]
/// ```
///
/// The extra columns of a are garbage in the first line (dropped afterwards) and zeros in the
/// other two (so they add nothing), and the border of z is dropped after the second line. The
/// loops are then long, branch-free runs of fused multiply-adds that the compiler vectorises.
struct Wide {
    kh: usize,
    kw: usize,
    /// (h_a, w_a): the convolution's output side.
    ha: usize,
    wa: usize,
    /// (h_z, w_z): its input side, before padding.
    hz: usize,
    wz: usize,
    p: usize,
    /// W_p, the common row width.
    wp: usize,
}

impl Wide {
    fn new(w: &Kernel, (ha, wa): (usize, usize), (hz, wz): (usize, usize), p: usize) -> Self {
        let wp = wa + w.kw - 1;
        debug_assert!(hz + 2 * p == ha + w.kh - 1 && wz + 2 * p == wp, "unit stride relates the two sides");
        Wide { kh: w.kh, kw: w.kw, ha, wa, hz, wz, p, wp }
    }

    /// Values per channel of a laid out wide.
    fn a_len(&self) -> usize {
        self.ha * self.wp
    }

    /// Values per channel of z padded.
    fn z_len(&self) -> usize {
        (self.ha + self.kh - 1) * self.wp + self.kw - 1
    }

    /// a: (C, h_a, w_a) → each row followed by k_w − 1 zeros.
    fn widen(&self, a: &Tensor3) -> Vec<f64> {
        let mut out = vec![0.0; a.channels() * self.a_len()];
        for (row, out_row) in a.data().chunks_exact(self.wa).zip(out.chunks_exact_mut(self.wp)) {
            out_row[..self.wa].copy_from_slice(row);
        }
        out
    }

    /// The inverse of widen, plus one bias per channel: → (b.len(), h_a, w_a).
    fn narrow(&self, a_wide: &[f64], b: &[f64]) -> Tensor3 {
        let mut a = Tensor3::zeros(b.len(), self.ha, self.wa);
        for (n, (row, wide_row)) in a.data_mut().chunks_exact_mut(self.wa).zip(a_wide.chunks_exact(self.wp)).enumerate()
        {
            let b_c = b[n / self.ha];
            for (d, &v) in row.iter_mut().zip(wide_row) {
                *d = v + b_c;
            }
        }
        a
    }

    /// z: (C, h_z, w_z) → each plane inside a border of p zeros, then k_w − 1 zeros.
    fn pad(&self, z: &Tensor3) -> Vec<f64> {
        let len = self.z_len();
        let mut out = vec![0.0; z.channels() * len];
        for (plane, out_plane) in z.data().chunks_exact(self.hz * self.wz).zip(out.chunks_exact_mut(len)) {
            for (r, row) in plane.chunks_exact(self.wz).enumerate() {
                let start = (r + self.p) * self.wp + self.p;
                out_plane[start..start + self.wz].copy_from_slice(row);
            }
        }
        out
    }

    /// The inverse of pad (the border dropped), plus one bias per channel: → (b.len(), h_z, w_z).
    fn crop(&self, z_pad: &[f64], b: &[f64]) -> Tensor3 {
        let mut z = Tensor3::zeros(b.len(), self.hz, self.wz);
        let len = self.z_len();
        for (c, &b_c) in b.iter().enumerate() {
            let plane = &z_pad[c * len..(c + 1) * len];
            for (r, row) in z.plane_mut(c).chunks_exact_mut(self.wz).enumerate() {
                let start = (r + self.p) * self.wp + self.p;
                for (d, &v) in row.iter_mut().zip(&plane[start..start + self.wz]) {
                    *d = v + b_c;
                }
            }
        }
        z
    }

    /// Tap (u, v)'s stretch of one padded plane of z.
    fn tap<'z>(&self, z_c: &'z [f64], u: usize, v: usize) -> &'z [f64] {
        &z_c[u * self.wp + v..][..self.a_len()]
    }
}

multiversion!(fn wide_correlate(z_pad: &[f64], w: &Kernel, wide: &Wide, a_wide: &mut [f64]) => wide_correlate_generic);
multiversion!(fn wide_scatter(a_wide: &[f64], w: &Kernel, wide: &Wide, z_pad: &mut [f64]) => wide_scatter_generic);
multiversion!(fn wide_kernel_gradient(a_wide: &[f64], z_pad: &[f64], wide: &Wide, d_w: &mut Kernel) => wide_kernel_gradient_generic);

/// a_o[n] += w[o,c,u,v] · z_c[n + u·W_p + v], over o, c, u, v in that order.
#[inline(always)]
fn wide_correlate_generic(z_pad: &[f64], w: &Kernel, wide: &Wide, a_wide: &mut [f64]) {
    for (o, a_o) in a_wide.chunks_exact_mut(wide.a_len()).enumerate() {
        for (c, z_c) in z_pad.chunks_exact(wide.z_len()).enumerate() {
            for u in 0..w.kh {
                for v in 0..w.kw {
                    let w_ocuv = w[(o, c, u, v)];
                    for (a, &z) in a_o.iter_mut().zip(wide.tap(z_c, u, v)) {
                        *a = w_ocuv.mul_add(z, *a);
                    }
                }
            }
        }
    }
}

/// z_c[n + u·W_p + v] += w[o,c,u,v] · a_o[n], over o, c, u, v in that order.
#[inline(always)]
fn wide_scatter_generic(a_wide: &[f64], w: &Kernel, wide: &Wide, z_pad: &mut [f64]) {
    let (a_len, z_len) = (wide.a_len(), wide.z_len());
    for (o, a_o) in a_wide.chunks_exact(a_len).enumerate() {
        for (c, z_c) in z_pad.chunks_exact_mut(z_len).enumerate() {
            for u in 0..w.kh {
                for v in 0..w.kw {
                    let w_ocuv = w[(o, c, u, v)];
                    for (z, &a) in z_c[u * wide.wp + v..][..a_len].iter_mut().zip(a_o) {
                        *z = w_ocuv.mul_add(a, *z);
                    }
                }
            }
        }
    }
}

/// d_w[o,c,u,v] = Σ_n a_o[n] · z_c[n + u·W_p + v], each sum by [`dot_lanes`].
#[inline(always)]
fn wide_kernel_gradient_generic(a_wide: &[f64], z_pad: &[f64], wide: &Wide, d_w: &mut Kernel) {
    for (o, a_o) in a_wide.chunks_exact(wide.a_len()).enumerate() {
        for (c, z_c) in z_pad.chunks_exact(wide.z_len()).enumerate() {
            for u in 0..wide.kh {
                for v in 0..wide.kw {
                    d_w[(o, c, u, v)] = dot_lanes(a_o, wide.tap(z_c, u, v));
                }
            }
        }
    }
}

/// Σ a[n]·b[n] in a fixed order: 32 running sums, sum l taking every n ≡ l (mod 32) in one
/// chain of fused multiply-adds, then added pairwise (l + 16 onto l, l + 8 onto l, …), then
/// the last a.len() mod 32 products in turn. Enough independent chains to keep the vector
/// units busy, and the same bits on every machine.
#[inline(always)]
fn dot_lanes(a: &[f64], b: &[f64]) -> f64 {
    const LANES: usize = 8;
    const CHAINS: usize = 4;
    assert_eq!(a.len(), b.len(), "dot_lanes: lengths {} and {}", a.len(), b.len());
    let main = a.len() - a.len() % (LANES * CHAINS);
    let a_steps = a[..main].as_chunks::<LANES>().0.as_chunks::<CHAINS>().0;
    let b_steps = b[..main].as_chunks::<LANES>().0.as_chunks::<CHAINS>().0;
    let mut acc = [[0.0; LANES]; CHAINS];
    for (x, y) in a_steps.iter().zip(b_steps) {
        for k in 0..CHAINS {
            for l in 0..LANES {
                acc[k][l] = x[k][l].mul_add(y[k][l], acc[k][l]);
            }
        }
    }
    let mut flat: [f64; LANES * CHAINS] = std::array::from_fn(|n| acc[n / LANES][n % LANES]);
    let mut width = LANES * CHAINS;
    while width > 1 {
        width /= 2;
        for l in 0..width {
            flat[l] += flat[l + width];
        }
    }
    a[main..].iter().zip(&b[main..]).fold(flat[0], |sum, (x, y)| x.mul_add(*y, sum))
}

/// conv2d from the definition: copy x into a zero-padded canvas, then for every output
/// position sum the products of the window under the kernel. The oracle for [`conv2d`].
pub fn conv2d_naive(x: &Tensor3, w: &Kernel, b: &[f64], g: Geometry) -> Tensor3 {
    let (oh, ow) = conv2d_shape(x, w, b.len(), g, "conv2d_naive");
    let (s, p) = (g.stride, g.padding);
    let mut padded = Tensor3::zeros(x.channels(), x.height() + 2 * p, x.width() + 2 * p);
    for c in 0..x.channels() {
        for r in 0..x.height() {
            for q in 0..x.width() {
                padded[(c, r + p, q + p)] = x[(c, r, q)];
            }
        }
    }
    let mut y = Tensor3::zeros(w.out_c, oh, ow);
    for o in 0..w.out_c {
        for i in 0..oh {
            for j in 0..ow {
                let mut sum = b[o];
                for c in 0..w.in_c {
                    for u in 0..w.kh {
                        for v in 0..w.kw {
                            sum += w[(o, c, u, v)] * padded[(c, i * s + u, j * s + v)];
                        }
                    }
                }
                y[(o, i, j)] = sum;
            }
        }
    }
    y
}

/// conv_transpose2d from the §3.1 description: every input value multiplies the whole kernel,
/// the product is laid on a canvas at (i·s, j·s), overlaps add, and then p rows and columns are
/// cropped from each side (fewer at the bottom and right when `size` asks for more than the
/// smallest output). The oracle for [`conv_transpose2d`] and [`conv_transpose2d_to`].
pub fn conv_transpose2d_naive(x: &Tensor3, w: &Kernel, b: &[f64], g: Geometry, size: (usize, usize)) -> Tensor3 {
    check_transpose_channels(x, w, b.len(), "conv_transpose2d_naive");
    check_transpose_size(x, w, g, size, "conv_transpose2d_naive");
    let (s, p) = (g.stride, g.padding);
    let (oh, ow) = size;
    let canvas_h = ((x.height() - 1) * s + w.kh).max(p + oh);
    let canvas_w = ((x.width() - 1) * s + w.kw).max(p + ow);
    let mut canvas = Tensor3::zeros(w.in_c, canvas_h, canvas_w);
    for o in 0..w.out_c {
        for i in 0..x.height() {
            for j in 0..x.width() {
                for c in 0..w.in_c {
                    for u in 0..w.kh {
                        for v in 0..w.kw {
                            canvas[(c, i * s + u, j * s + v)] += x[(o, i, j)] * w[(o, c, u, v)];
                        }
                    }
                }
            }
        }
    }
    let mut y = Tensor3::zeros(w.in_c, oh, ow);
    for c in 0..w.in_c {
        for r in 0..oh {
            for q in 0..ow {
                y[(c, r, q)] = canvas[(c, r + p, q + p)] + b[c];
            }
        }
    }
    y
}

/// conv2d's gradients from the formulas of the module documentation: d_x by the naive
/// transposed convolution, d_w one entry at a time. The oracle for [`conv2d_backward`].
pub fn conv2d_backward_naive(x: &Tensor3, w: &Kernel, g: Geometry, d_y: &Tensor3) -> ConvGrads {
    let (oh, ow) = conv2d_shape(x, w, w.out_c, g, "conv2d_backward_naive");
    assert_eq!(d_y.shape(), (w.out_c, oh, ow), "conv2d_backward_naive: d_y does not have the output's shape");
    ConvGrads {
        d_x: conv_transpose2d_naive(d_y, w, &vec![0.0; w.in_c], g, (x.height(), x.width())),
        d_w: kernel_gradient_naive(d_y, x, w.kh, w.kw, g),
        d_b: d_y.plane_sums(),
    }
}

/// conv_transpose2d's gradients from the formulas of the module documentation: d_x by the
/// naive convolution, d_w one entry at a time. The oracle for [`conv_transpose2d_backward`].
pub fn conv_transpose2d_backward_naive(x: &Tensor3, w: &Kernel, g: Geometry, d_y: &Tensor3) -> ConvGrads {
    check_transpose_channels(x, w, w.in_c, "conv_transpose2d_backward_naive");
    assert_eq!(
        d_y.channels(),
        w.in_c,
        "conv_transpose2d_backward_naive: d_y has {} channels, output has {}",
        d_y.channels(),
        w.in_c
    );
    check_transpose_size(x, w, g, (d_y.height(), d_y.width()), "conv_transpose2d_backward_naive");
    ConvGrads {
        d_x: conv2d_naive(d_y, w, &vec![0.0; w.out_c], g),
        d_w: kernel_gradient_naive(x, d_y, w.kh, w.kw, g),
        d_b: d_y.plane_sums(),
    }
}

/// d_w[o,c,u,v] = Σ_{i,j} a[o,i,j] · z[c, i·s+u−p, j·s+v−p], z read as 0 outside, one entry
/// at a time with the bounds tested inside the sum. a and z as for the fast kernel gradient.
fn kernel_gradient_naive(a: &Tensor3, z: &Tensor3, kh: usize, kw: usize, g: Geometry) -> Kernel {
    let (s, p) = (g.stride as isize, g.padding as isize);
    let mut d_w = Kernel::zeros(a.channels(), z.channels(), kh, kw);
    for o in 0..a.channels() {
        for c in 0..z.channels() {
            for u in 0..kh {
                for v in 0..kw {
                    let mut sum = 0.0;
                    for i in 0..a.height() {
                        for j in 0..a.width() {
                            let (r, q) = (i as isize * s + u as isize - p, j as isize * s + v as isize - p);
                            if (0..z.height() as isize).contains(&r) && (0..z.width() as isize).contains(&q) {
                                sum += a[(o, i, j)] * z[(c, r as usize, q as usize)];
                            }
                        }
                    }
                    d_w[(o, c, u, v)] = sum;
                }
            }
        }
    }
    d_w
}
