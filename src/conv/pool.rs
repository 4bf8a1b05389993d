//! Max pooling that remembers where each maximum was, and unpooling that puts it back (§3.1).
//!
//! A window of `size × size` cells slides by `stride`; each window keeps its largest value and
//! its switch, the position that value came from (a flat index r·W + q into its input plane).
//!
//! ```text
//! max_pool2d   y[c,i,j]  = max { x[c,r,q] : r ∈ i·s..i·s+k, q ∈ j·s..j·s+k }
//!              sw[c,i,j] = the (r, q) of that maximum, as r·W + q
//!              H_out = ⌊(H − k)/s⌋ + 1,   W_out likewise
//! unpool2d     x̂[c,r,q]  = Σ { y[c,i,j] : sw[c,i,j] = r·W + q }    (0 where no switch points)
//! backward     d_x       = unpool2d(d_y, sw)
//! ```
//!
//! Ties go to the first maximum in row-major order (top row first, then left to right), so the
//! switches are deterministic; a NaN beats every number, so a corrupted input stays visible.
//!
//! Unpooling is pooling's transpose: it adds the pooled value at its switch and leaves zeros
//! everywhere else. When windows overlap (s < k) one cell can be the maximum of several
//! windows; then several switches point at it and their values add. PyTorch's `MaxUnpool2d`
//! overwrites instead; adding is what makes unpooling the exact adjoint of pooling and so the
//! same function as pooling's backward, which routes each gradient through its switch.
//!
//! Pooling then unpooling keeps the maxima and loses the rest. For windows that do not overlap
//! (s ≥ k) with more than one cell, pooling once more gives back max(y, 0), not y: a window whose
//! maximum is negative comes back holding that value and zeros, and the zeros win. On inputs
//! with no negative maximum (a ReLU's output, say) pool ∘ unpool ∘ pool = pool exactly.
//!
//! The last part of the module is §3.1's decoder: unpool, then [`stamp`] the kernel centred on
//! each switch (a stride-1 transposed convolution), together [`decode`], taken apart one pooled
//! value at a time by [`placed_products`]; beside it two ways to unpool without switches
//! ([`Switches::fixed`], [`unpool2d_copy`]), for contrast. [`worked`] holds the chapter's numbers.
//!
//! ```
//! use autoencoders::core::tensor3::Tensor3;
//! use autoencoders::conv::pool::{max_pool2d, unpool2d, Window};
//! let x = Tensor3::from_vec(1, 2, 4, vec![1.0, 5.0, 2.0, 2.0, 3.0, 0.0, 7.0, 1.0]);
//! let p = max_pool2d(&x, Window { size: 2, stride: 2 });
//! assert_eq!(p.y.data(), &[5.0, 7.0]);
//! assert_eq!(p.switches.indices(), &[1, 6]); // (0, 1) and (1, 2) in a plane 4 wide
//! let back = unpool2d(&p.y, &p.switches);
//! assert_eq!(back.data(), &[0.0, 5.0, 0.0, 0.0, 0.0, 0.0, 7.0, 0.0]);
//! ```

use std::ops::Range;

use crate::conv::convolution::{Geometry, Kernel, conv_transpose2d};

use crate::core::error::{Error, Result};
use crate::core::tensor3::Tensor3;

/// A square pooling window and its step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// k: the window is k × k cells, k ≥ 1.
    pub size: usize,
    /// s: windows start every s cells, s ≥ 1.
    pub stride: usize,
}

impl Window {
    /// The rows (or columns) window i covers: i·s .. i·s + k.
    pub fn span(self, i: usize) -> Range<usize> {
        i * self.stride..i * self.stride + self.size
    }
}

/// Pooled length along one axis, ⌊(n − k)/s⌋ + 1, or why there is none. Cells past the last
/// whole window are never looked at, as in PyTorch's default (`ceil_mode = false`).
pub fn pool_out_len(n: usize, win: Window) -> Result<usize> {
    if win.size == 0 || win.stride == 0 {
        return Err(Error::Invalid("a pooling window and its stride must be at least 1".into()));
    }
    if n < win.size {
        return Err(Error::Invalid(format!("a pooling window {} wide does not fit in {n} cells", win.size)));
    }
    Ok((n - win.size) / win.stride + 1)
}

/// Where each pooled value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Switches {
    /// Shape of the pooled tensor (c, h_out, w_out) these switches belong to.
    pooled: (usize, usize, usize),
    /// Height and width of the input planes.
    input: (usize, usize),
    /// One flat index r·W + q into its channel's input plane per pooled value, in the pooled
    /// tensor's order.
    at: Vec<usize>,
}

impl Switches {
    /// Switches that ignore the input and always point at cell `corner` = (row, col) of each
    /// window: unpooling without memory, for contrast with the real thing.
    ///
    /// # Panics
    /// If `corner` lies outside the window or the windows do not fit the input.
    pub fn fixed(channels: usize, input: (usize, usize), win: Window, corner: (usize, usize)) -> Self {
        assert!(corner.0 < win.size && corner.1 < win.size, "Switches::fixed: corner {corner:?} outside the window");
        let oh = pool_out_len(input.0, win).unwrap_or_else(|e| panic!("Switches::fixed: {e}"));
        let ow = pool_out_len(input.1, win).unwrap_or_else(|e| panic!("Switches::fixed: {e}"));
        let mut at = Vec::with_capacity(channels * oh * ow);
        for _ in 0..channels {
            for i in 0..oh {
                for j in 0..ow {
                    at.push((win.span(i).start + corner.0) * input.1 + win.span(j).start + corner.1);
                }
            }
        }
        Switches { pooled: (channels, oh, ow), input, at }
    }

    /// The flat index r·W + q of every pooled value's source, in the pooled tensor's order.
    pub fn indices(&self) -> &[usize] {
        &self.at
    }

    /// The (row, col) that pooled value n (flat, in the pooled tensor's order) came from.
    pub fn position(&self, n: usize) -> (usize, usize) {
        (self.at[n] / self.input.1, self.at[n] % self.input.1)
    }

    /// (C, H_out, W_out) of the pooled tensor.
    pub fn pooled_shape(&self) -> (usize, usize, usize) {
        self.pooled
    }
}

/// What max pooling returns: the pooled maps and the switches that backward and unpooling need.
#[derive(Clone, Debug, PartialEq)]
pub struct Pooled {
    /// (C, H_out, W_out)
    pub y: Tensor3,
    pub switches: Switches,
}

/// x: (C, H, W) → pooled (C, H_out, W_out) and one switch per pooled value.
///
/// # Panics
/// If the window does not fit (see [`pool_out_len`], which callers holding user input should
/// ask first).
pub fn max_pool2d(x: &Tensor3, win: Window) -> Pooled {
    let (c, h, w) = x.shape();
    let oh = pool_out_len(h, win).unwrap_or_else(|e| panic!("max_pool2d: {e}"));
    let ow = pool_out_len(w, win).unwrap_or_else(|e| panic!("max_pool2d: {e}"));
    let mut y = Tensor3::zeros(c, oh, ow);
    let mut at = Vec::with_capacity(c * oh * ow);
    for ch in 0..c {
        let plane = x.plane(ch);
        for i in 0..oh {
            for j in 0..ow {
                let first = win.span(i).start * w + win.span(j).start;
                let mut best = first;
                for r in win.span(i) {
                    for q in win.span(j) {
                        let (v, m) = (plane[r * w + q], plane[best]);
                        // Strictly greater keeps the first of equal maxima.
                        if v > m || (v.is_nan() && !m.is_nan()) {
                            best = r * w + q;
                        }
                    }
                }
                y[(ch, i, j)] = plane[best];
                at.push(best);
            }
        }
    }
    Pooled { y, switches: Switches { pooled: (c, oh, ow), input: (h, w), at } }
}

/// d_y: (C, H_out, W_out) → d_x: (C, H, W). Each gradient goes back to the cell its window's
/// maximum came from; every other cell gets 0 (it did not affect the output).
pub fn max_pool2d_backward(d_y: &Tensor3, switches: &Switches) -> Tensor3 {
    unpool2d(d_y, switches)
}

/// y: (C, H_out, W_out) → (C, H, W): each value added at its switch, zeros elsewhere. Values
/// whose switches coincide (only possible with overlapping windows) add.
///
/// # Panics
/// If y's shape is not the one the switches were made for.
pub fn unpool2d(y: &Tensor3, switches: &Switches) -> Tensor3 {
    assert_eq!(y.shape(), switches.pooled, "unpool2d: values {:?} for switches of {:?}", y.shape(), switches.pooled);
    let (h, w) = switches.input;
    let per_plane = switches.pooled.1 * switches.pooled.2;
    let mut x = Tensor3::zeros(y.channels(), h, w);
    for ch in 0..y.channels() {
        let at = &switches.at[ch * per_plane..(ch + 1) * per_plane];
        let plane = x.plane_mut(ch);
        for (&v, &k) in y.plane(ch).iter().zip(at) {
            plane[k] += v;
        }
    }
    x
}

/// Unpooling without switches, the other way: every value copied into each cell of its window
/// (nearest-neighbour upsampling). Overlapping windows add their copies.
///
/// y: (C, H_out, W_out) → (C, H, W), `input` = (H, W).
///
/// # Panics
/// If y's shape is not what pooling `input` with `win` gives.
pub fn unpool2d_copy(y: &Tensor3, win: Window, input: (usize, usize)) -> Tensor3 {
    let oh = pool_out_len(input.0, win).unwrap_or_else(|e| panic!("unpool2d_copy: {e}"));
    let ow = pool_out_len(input.1, win).unwrap_or_else(|e| panic!("unpool2d_copy: {e}"));
    assert_eq!((y.height(), y.width()), (oh, ow), "unpool2d_copy: values do not match the windows");
    let mut x = Tensor3::zeros(y.channels(), input.0, input.1);
    for ch in 0..y.channels() {
        for i in 0..oh {
            for j in 0..ow {
                for r in win.span(i) {
                    for q in win.span(j) {
                        x[(ch, r, q)] += y[(ch, i, j)];
                    }
                }
            }
        }
    }
    x
}

/// Every cell stamps value × kernel, centred on itself; overlapping stamps add and whatever
/// falls past the edge is dropped. This is a stride-1 transposed convolution with padding
/// (k − 1)/2, which keeps the size.
///
/// x: (O, H, W), w: (O, C, k, k) with k odd → (C, H, W).
///
/// # Panics
/// If the kernel is not square with an odd side, which a centre needs, or its O does not match x.
pub fn stamp(x: &Tensor3, w: &Kernel) -> Tensor3 {
    let (_, c, kh, kw) = w.shape();
    assert!(kh == kw && kh % 2 == 1, "stamp: a {kh}×{kw} kernel has no centre cell");
    conv_transpose2d(x, w, &vec![0.0; c], Geometry { stride: 1, padding: (kh - 1) / 2 })
}

/// §3.1's decoder: unpool with the switches, then [`stamp`] the kernel, so that each pooled
/// value stamps value × kernel centred on its switch.
///
/// ```text
/// x̂ = conv_transpose2d(unpool2d(y, sw), w)    stride 1, padding (k − 1)/2, bias 0
/// ```
///
/// y: (O, H_out, W_out), w: (O, C, k, k) with k odd → (C, H, W).
pub fn decode(y: &Tensor3, switches: &Switches, w: &Kernel) -> Tensor3 {
    stamp(&unpool2d(y, switches), w)
}

/// The §3.1 decoder taken apart: one output per pooled value (in the pooled tensor's order),
/// holding that value times the kernel, centred on its switch, and zeros elsewhere. By
/// linearity their sum is [`decode`]`(y, switches, w)`.
///
/// y: (O, H_out, W_out), w: (O, C, k, k) → O·H_out·W_out tensors of (C, H, W).
pub fn placed_products(y: &Tensor3, switches: &Switches, w: &Kernel) -> Vec<Tensor3> {
    let (o, oh, ow) = y.shape();
    (0..y.len())
        .map(|n| {
            let mut alone = Tensor3::zeros(o, oh, ow);
            alone.data_mut()[n] = y.data()[n];
            decode(&alone, switches, w)
        })
        .collect()
}

/// The numbers of the `ch3_unpooling` chapter, which are the workbook's own: the article's
/// figures did not survive in its text. Kept here so that tests pin what the chapter prints.
pub mod worked {
    use crate::core::matrix::Matrix;

    use super::Window;

    /// 2 × 2 windows, stride 2, as in §3.1.
    pub const WINDOW: Window = Window { size: 2, stride: 2 };

    /// A plus-shaped stamp: centre 1, its four neighbours ½.
    pub fn kernel() -> Matrix {
        Matrix::from_rows(&[&[0.0, 0.5, 0.0], &[0.5, 1.0, 0.5], &[0.0, 0.5, 0.0]])
    }

    /// Four plus-shaped blobs of heights 8, 4, 2 and 6, centred at (0,0), (1,2), (2,1) and
    /// (3,3), one in each 2 × 2 window. Where two blobs' arms meet, at (1,1) and (2,2), their
    /// values add. Every number is a multiple of ½, so f64 holds every step exactly.
    pub fn input() -> Matrix {
        Matrix::from_rows(&[&[8.0, 4.0, 2.0, 0.0], &[4.0, 3.0, 4.0, 2.0], &[1.0, 2.0, 3.0, 3.0], &[0.0, 1.0, 3.0, 6.0]])
    }

    /// A second input with the same four window maxima at the same places as [`input`], and
    /// different values everywhere else.
    pub fn lossy_input() -> Matrix {
        Matrix::from_rows(&[&[8.0, 6.0, 1.0, 0.0], &[7.0, 5.0, 4.0, 3.0], &[1.0, 2.0, 0.0, 5.0], &[0.0, 1.0, 5.0, 6.0]])
    }

    /// Step 2's table, one row per window: its rows and columns, its values row by row, the
    /// maximum pooling kept, and that maximum's switch as (row, col) and as a flat index.
    pub fn window_table(input: &Matrix, pooled: &super::Pooled, win: Window) -> String {
        let (_, ph, pw) = pooled.y.shape();
        let mut table = crate::render::text::Table::new(&[
            "window",
            "rows",
            "cols",
            "values, row by row",
            "max",
            "switch",
            "flat index",
        ]);
        for i in 0..ph {
            for j in 0..pw {
                let n = i * pw + j;
                let (rows, cols) = (win.span(i), win.span(j));
                let values: Vec<String> =
                    rows.clone().flat_map(|r| cols.clone().map(move |q| format!("{}", input[(r, q)]))).collect();
                let (sr, sc) = pooled.switches.position(n);
                table.row(vec![
                    format!("({i}, {j})"),
                    format!("{}-{}", rows.start, rows.end - 1),
                    format!("{}-{}", cols.start, cols.end - 1),
                    values.join(" "),
                    format!("{}", pooled.y.data()[n]),
                    format!("({sr}, {sc})"),
                    format!("{}", pooled.switches.indices()[n]),
                ]);
            }
        }
        table.render()
    }

    /// Step 5's list of the cells where two or more stamps land: each as
    /// `(row, col): a (matrix i) + b (matrix j) = sum`, matrices numbered from 1.
    pub fn overlaps(parts: &[crate::core::tensor3::Tensor3], sum: &crate::core::tensor3::Tensor3) -> Vec<String> {
        let (_, h, w) = sum.shape();
        let mut lines = Vec::new();
        for r in 0..h {
            for q in 0..w {
                let from: Vec<String> = parts
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p[(0, r, q)] != 0.0)
                    .map(|(n, p)| format!("{} (matrix {})", p[(0, r, q)], n + 1))
                    .collect();
                if from.len() > 1 {
                    lines.push(format!("({r}, {q}): {} = {}", from.join(" + "), sum[(0, r, q)]));
                }
            }
        }
        lines
    }
}
