//! The cache-blocked matrix product behind [`Matrix::matmul`](crate::core::matrix::Matrix::matmul)
//! and its two transposed forms.
//!
//! ```text
//! C ← C + A·B     A: (n, k), B: (k, m), C: (n, m)
//! c_ij ← fma(a_i,k−1, b_k−1,j, … fma(a_i1, b_1j, fma(a_i0, b_0j, c_ij)))
//! ```
//!
//! Every entry of C is one chain of fused multiply-adds over p = 0, 1, …, k − 1, in that
//! order, starting from the entry's old value. Nothing else is ever added to it, so the bits
//! of the result depend on the numbers alone: not on the block sizes below, not on which
//! instruction set ran, not on how many threads shared the work, and not on whether A or B
//! arrived transposed. (The plain sum of [`crate::core::matrix::matmul_naive`] rounds each product
//! separately, so the two differ in the last bits; the tests allow for that.)
//!
//! The loops are the usual ones for a product that has to stream through the caches:
//!
//! ```text
//! for each block of NC columns of B and C
//!   for each block of KC along the sum           B's block (KC × NC) copied into panels of NR columns
//!     for each block of MC rows of A and C       A's block (MC × KC) copied into panels of MR rows
//!       for each panel of B, each panel of A     the micro-kernel: an MR × NR block of C in registers
//! ```
//!
//! The copies ("packing") put the numbers the micro-kernel reads next to each other in the
//! order it reads them, whatever the strides of A and B, which is how A·Bᵀ and Aᵀ·B come for
//! free: a [`View`] of a transpose only swaps two strides. The micro-kernel is plain Rust;
//! compiled for AVX-512 its inner loop is 6 · 32 / 8 = 24 vector FMAs on 24 registers (see
//! the README's "Speed" section).

use std::cell::RefCell;
use std::ops::Range;

use crate::kernels::parallel;
use crate::kernels::simd::Isa;

/// A matrix that is only read, stored with any strides: entry (i, j) is `data[i·rs + j·cs]`.
/// A row-major (rows, cols) matrix has rs = cols and cs = 1; its transpose is the same data
/// with rows and cols, rs and cs swapped.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    data: &'a [f64],
    rows: usize,
    cols: usize,
    rs: usize,
    cs: usize,
}

impl<'a> View<'a> {
    /// data: row-major (rows, cols).
    pub fn row_major(data: &'a [f64], rows: usize, cols: usize) -> Self {
        assert_eq!(data.len(), rows * cols, "View::row_major: {rows}×{cols} needs {} values", rows * cols);
        View { data, rows, cols, rs: cols, cs: 1 }
    }

    /// The transpose, without copying.
    pub fn t(self) -> Self {
        View { rows: self.cols, cols: self.rows, rs: self.cs, cs: self.rs, ..self }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Rows `r` of the view.
    pub fn slice_rows(self, r: Range<usize>) -> Self {
        assert!(r.start <= r.end && r.end <= self.rows, "View::slice_rows {r:?} of {} rows", self.rows);
        let start = (r.start * self.rs).min(self.data.len());
        View { data: &self.data[start..], rows: r.end - r.start, ..self }
    }

    #[inline(always)]
    fn at(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.rs + j * self.cs]
    }
}

/// C ← C + A·B as in the module documentation. a: (n, k), b: (k, m), c: (n, m) row-major.
pub fn gemm(a: View, b: View, c: &mut [f64]) {
    gemm_with(Isa::best(), a, b, c);
}

/// [`gemm`] with a chosen kernel, which must be one of [`Isa::available`] (else this
/// panics rather than run instructions the CPU lacks).
pub fn gemm_with(kernel: Isa, a: View, b: View, c: &mut [f64]) {
    assert_eq!(a.cols, b.rows, "gemm: ({}, {}) · ({}, {})", a.rows, a.cols, b.rows, b.cols);
    assert_eq!(c.len(), a.rows * b.cols, "gemm: C has {} values for ({}, {})", c.len(), a.rows, b.cols);
    assert!(kernel.runs_here(), "gemm_with: this CPU cannot run {kernel:?}");
    if a.rows == 0 || b.cols == 0 || a.cols == 0 {
        return;
    }
    match kernel {
        Isa::Portable => blocked::<2, 1>(a, b, c),
        // SAFETY (both): the assert above has just confirmed the CPU has these features.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { gemm_avx2(a, b, c) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { gemm_avx512(a, b, c) },
        #[cfg(not(target_arch = "x86_64"))]
        _ => unreachable!("only x86-64 lists these kernels"),
    }
}

/// 6 rows × 32 columns: 24 of the 32 AVX-512 registers hold C, 4 hold B's row, 1 A's value.
/// (With 8 or 7 rows LLVM vectorises the loop over p instead, with gathers, and the product
/// runs 20 times slower; 6 × 32 measured best of the shapes that compile to clean FMAs.)
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,fma")]
fn gemm_avx512(a: View, b: View, c: &mut [f64]) {
    blocked::<6, 4>(a, b, c);
}

/// 6 rows × 8 columns: 12 of the 16 AVX2 registers hold C.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn gemm_avx2(a: View, b: View, c: &mut [f64]) {
    blocked::<6, 1>(a, b, c);
}

/// [`gemm`] on `threads` threads, each taking a block of C's rows (of its columns when C is
/// wider than tall, by computing Cᵀ = Bᵀ·Aᵀ). Each entry's chain is the same whoever
/// computes it, so the result is bit for bit that of one thread. One thread when the other
/// core is busy ([`parallel::second_core_free`]): the half that shares a core with another
/// program holds up the whole product, which with a busy thread on the other core ran at
/// 0.94–0.99× one thread's speed, and 1.00× with the probe (`cargo bench --bench matmul`).
pub fn gemm_threads(a: View, b: View, c: &mut [f64], threads: usize) {
    let work = a.rows * a.cols * b.cols;
    let mut threads = threads.min(work / MIN_WORK_PER_THREAD).max(1);
    if threads > 1 && !parallel::second_core_free() {
        threads = 1;
    }
    gemm_split(a, b, c, threads);
}

/// [`gemm_threads`] without its size rule: splits C among `threads` threads (fewer only when
/// C has too few rows and columns) however small the product, so tests can check the split
/// on small shapes.
pub fn gemm_split(a: View, b: View, c: &mut [f64], threads: usize) {
    assert_eq!(c.len(), a.rows * b.cols, "gemm_threads: C has {} values for ({}, {})", c.len(), a.rows, b.cols);
    let (n, m) = (a.rows, b.cols);
    let threads = threads.min(n.max(m).div_ceil(MIN_ROWS_PER_THREAD)).max(1);
    if threads == 1 {
        return gemm(a, b, c);
    }
    if n >= m {
        let per = n.div_ceil(threads);
        let parts = c
            .chunks_mut(per * m)
            .enumerate()
            .map(|(t, c_rows)| (a.slice_rows(t * per..(t * per + per).min(n)), c_rows));
        parallel::split(parts, |(a_rows, c_rows)| gemm(a_rows, b, c_rows));
    } else {
        let mut ct = vec![0.0; m * n];
        for i in 0..n {
            for j in 0..m {
                ct[j * n + i] = c[i * m + j];
            }
        }
        gemm_split(b.t(), a.t(), &mut ct, threads);
        for i in 0..n {
            for j in 0..m {
                c[i * m + j] = ct[j * n + i];
            }
        }
    }
}

const MIN_ROWS_PER_THREAD: usize = 32;
/// ...nor fewer multiply-adds than this (about 0.1 ms): `cargo bench --bench matmul` found
/// two threads slower than one at n = 64 and 128 (2¹⁸ and 2²¹) and faster at n = 256 (2²⁴).
const MIN_WORK_PER_THREAD: usize = 1 << 22;

/// Lanes of the innermost arrays: one AVX-512 register of f64, two AVX2 ones.
const LANES: usize = 8;
/// The length of one block of the sum. One B panel (KC × 32, 64 KiB) meets each A panel of
/// the block in turn (6 × KC, 12 KiB); per step of p the micro-kernel reads 256 bytes of B
/// against 24 FMAs, little enough for the L2 cache to keep up. Measured at 128, 256 and 384
/// on the 512 and 1024 products: within the noise of each other, 256 a little ahead.
const KC: usize = 256;
/// Rows of A packed at once: MC × KC values (192 KiB) stay in the 1 MiB L2 cache. A multiple
/// of every MR below, so only the last block has a short panel.
const MC: usize = 96;
/// Columns of B packed at once: KC × NC values (2 MiB), in the L3 cache. A multiple of
/// every NR.
const NC: usize = 1024;

/// Products smaller than this many multiply-adds skip the packing.
const SMALL: usize = 4096;

/// The blocked loops of the module documentation, with an MR × (NV·8) micro-kernel.
#[inline(always)]
fn blocked<const MR: usize, const NV: usize>(a: View, b: View, c: &mut [f64]) {
    let (n, k, m) = (a.rows, a.cols, b.cols);
    if n * k * m < SMALL {
        return direct(a, b, c);
    }
    let nr = NV * LANES;
    // Taken out of the thread-local rather than borrowed in a closure: a closure would be
    // compiled without this function's target features, and the micro-kernel with it.
    let (mut a_pack, mut b_pack) = PACKS.take();
    grow(&mut a_pack, MC.div_ceil(MR) * MR * KC.min(k));
    grow(&mut b_pack, NC.min(m.div_ceil(nr) * nr) * KC.min(k));
    for j0 in (0..m).step_by(NC) {
        let nc = NC.min(m - j0);
        for p0 in (0..k).step_by(KC) {
            let kc = KC.min(k - p0);
            pack_b::<NV>(b, p0..p0 + kc, j0..j0 + nc, &mut b_pack);
            for i0 in (0..n).step_by(MC) {
                let mc = MC.min(n - i0);
                pack_a::<MR>(a, i0..i0 + mc, p0..p0 + kc, &mut a_pack);
                for (jp, b_panel) in b_pack[..nc.div_ceil(nr) * nr * kc].chunks_exact(nr * kc).enumerate() {
                    let j = j0 + jp * nr;
                    let width = nr.min(m - j);
                    for (ip, a_panel) in a_pack[..mc.div_ceil(MR) * MR * kc].chunks_exact(MR * kc).enumerate() {
                        let i = i0 + ip * MR;
                        let height = MR.min(n - i);
                        if height == MR && width == nr {
                            tile::<MR, MR, NV>(a_panel, b_panel, 0, &mut c[i * m + j..], m);
                        } else {
                            edge_tile::<MR, NV>(a_panel, b_panel, height, width, &mut c[i * m + j..], m);
                        }
                    }
                }
            }
        }
    }
    PACKS.set((a_pack, b_pack));
}

thread_local! {
    /// The packed blocks of A and B, kept for the thread's next product: fresh buffers of a
    /// few hundred KiB come straight from the kernel as zeroed pages, and faulting them in
    /// cost a third of the time of a 256 × 256 product.
    static PACKS: RefCell<(Vec<f64>, Vec<f64>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Makes `buf` at least `len` long (packing overwrites whatever it uses).
fn grow(buf: &mut Vec<f64>, len: usize) {
    if buf.len() < len {
        buf.resize(len, 0.0);
    }
}

/// The whole product in the documented order without packing, for shapes too small to pay
/// for it.
#[inline(always)]
fn direct(a: View, b: View, c: &mut [f64]) {
    let (n, k, m) = (a.rows, a.cols, b.cols);
    for i in 0..n {
        for j in 0..m {
            let mut sum = c[i * m + j];
            for p in 0..k {
                sum = a.at(i, p).mul_add(b.at(p, j), sum);
            }
            c[i * m + j] = sum;
        }
    }
}

/// A's rows `rows` and columns `cols` into panels of MR rows: panel q holds, for each p in
/// turn, the MR values a[q·MR + r, p]. Rows past the end are zeros.
#[inline(always)]
fn pack_a<const MR: usize>(a: View, rows: Range<usize>, cols: Range<usize>, out: &mut [f64]) {
    let kc = cols.len();
    for (q, panel) in out[..rows.len().div_ceil(MR) * MR * kc].chunks_exact_mut(MR * kc).enumerate() {
        let top = rows.start + q * MR;
        let height = MR.min(rows.end - top);
        if a.cs == 1 {
            for r in 0..height {
                let row = &a.data[(top + r) * a.rs + cols.start..][..kc];
                for (p, &v) in row.iter().enumerate() {
                    panel[p * MR + r] = v;
                }
            }
        } else {
            for (p, dst) in panel.chunks_exact_mut(MR).enumerate() {
                for (r, d) in dst[..height].iter_mut().enumerate() {
                    *d = a.at(top + r, cols.start + p);
                }
            }
        }
        if height < MR {
            for dst in panel.chunks_exact_mut(MR) {
                dst[height..].fill(0.0);
            }
        }
    }
}

/// B's rows `rows` and columns `cols` into panels of NV·8 columns: panel q holds, for each
/// p in turn, the NV·8 values b[p, q·NV·8 + j]. Columns past the end are zeros.
#[inline(always)]
fn pack_b<const NV: usize>(b: View, rows: Range<usize>, cols: Range<usize>, out: &mut [f64]) {
    let (kc, nr) = (rows.len(), NV * LANES);
    for (q, panel) in out[..cols.len().div_ceil(nr) * nr * kc].chunks_exact_mut(nr * kc).enumerate() {
        let left = cols.start + q * nr;
        let width = nr.min(cols.end - left);
        for (p, dst) in panel.chunks_exact_mut(nr).enumerate() {
            if b.cs == 1 {
                let start = (rows.start + p) * b.rs + left;
                dst[..width].copy_from_slice(&b.data[start..start + width]);
            } else {
                for (j, d) in dst[..width].iter_mut().enumerate() {
                    *d = b.at(rows.start + p, left + j);
                }
            }
            dst[width..].fill(0.0);
        }
    }
}

/// C's block of R rows × NV·8 columns at the start of `c` (row stride ldc) ← itself plus the
/// product of an A panel (rows `skip..skip + R` of its MR) and a B panel.
#[inline(always)]
fn tile<const R: usize, const MR: usize, const NV: usize>(
    a_panel: &[f64],
    b_panel: &[f64],
    skip: usize,
    c: &mut [f64],
    ldc: usize,
) {
    let mut acc: [[[f64; LANES]; NV]; R] = std::array::from_fn(|r| {
        std::array::from_fn(|v| c[r * ldc + v * LANES..r * ldc + (v + 1) * LANES].try_into().unwrap())
    });
    micro::<R, MR, NV>(a_panel, b_panel, skip, &mut acc);
    for (r, row) in acc.iter().enumerate() {
        for (v, lanes) in row.iter().enumerate() {
            c[r * ldc + v * LANES..r * ldc + (v + 1) * LANES].copy_from_slice(lanes);
        }
    }
}

/// A tile cut by the bottom or right edge of C: `height` rows one at a time, each through a
/// full-width copy so the micro-kernel stays the same.
#[inline(always)]
fn edge_tile<const MR: usize, const NV: usize>(
    a_panel: &[f64],
    b_panel: &[f64],
    height: usize,
    width: usize,
    c: &mut [f64],
    ldc: usize,
) {
    for r in 0..height {
        let mut row = [[0.0; LANES]; NV];
        let c_row = &mut c[r * ldc..r * ldc + width];
        row.as_flattened_mut()[..width].copy_from_slice(c_row);
        tile::<1, MR, NV>(a_panel, b_panel, r, row.as_flattened_mut(), 0);
        c_row.copy_from_slice(&row.as_flattened()[..width]);
    }
}

/// The micro-kernel: acc[r] ← acc[r] + Σ_p a[p, skip + r] · b[p, ·] over one panel of each,
/// one fused multiply-add per entry per p.
#[inline(always)]
fn micro<const R: usize, const MR: usize, const NV: usize>(
    a_panel: &[f64],
    b_panel: &[f64],
    skip: usize,
    acc: &mut [[[f64; LANES]; NV]; R],
) {
    let a_steps = a_panel.as_chunks::<MR>().0;
    let b_steps = b_panel.as_chunks::<LANES>().0.as_chunks::<NV>().0;
    let mut sum = *acc;
    for (a_p, b_p) in a_steps.iter().zip(b_steps) {
        for r in 0..R {
            let a_rp = a_p[skip + r];
            for v in 0..NV {
                for l in 0..LANES {
                    sum[r][v][l] = a_rp.mul_add(b_p[v][l], sum[r][v][l]);
                }
            }
        }
    }
    *acc = sum;
}
