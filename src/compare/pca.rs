//! Principal component analysis: the linear baseline every autoencoder is measured against.
//!
//! §2 says the narrow code forces an autoencoder to reduce dimension. PCA is the classical,
//! linear way to do that, and the article does not mention it; the workbook adds it as the
//! baseline, because an autoencoder with linear units trained on squared error spans the same
//! subspace as the top principal components (Baldi & Hornik, 1989). `ch2_structure` checks
//! that with [`principal_angles_degrees`], and `ch4_deep` sets §4.5's deep autoencoder against
//! it.
//!
//! With X: (n, d) holding one example per row and μ the column mean,
//!
//! ```text
//! covariance     C = (1/n) (X − μ)ᵀ(X − μ)                    (d, d), symmetric, PSD
//! eigen          C·vⱼ = λⱼ·vⱼ,   λ₁ ≥ λ₂ ≥ … ≥ λ_d ≥ 0,   ‖vⱼ‖ = 1
//! components     V_k = [v₁ … v_k]ᵀ                            (k, d), one direction per row
//! transform      Z = (X − μ)·V_kᵀ                            (n, k)   the "code"
//! inverse        X̂ = Z·V_k + μ                               (n, d)   the "reconstruction"
//! error          (1/n) Σᵢ ‖xᵢ − x̂ᵢ‖² = λ_{k+1} + … + λ_d     on the data PCA was fitted to
//! ```
//!
//! The covariance divides by n, not n − 1: with that normalisation the last line is an exact
//! identity, the mean squared error per entry is (λ_{k+1} + … + λ_d)/d, and it matches
//! [`crate::nn::loss::mse`]. (Libraries that divide by n − 1 report every eigenvalue larger by
//! n/(n − 1); the components are the same.)
//!
//! # Two eigen-solvers
//!
//! [`symmetric_eigen`] is the cyclic Jacobi method: it rotates pairs of coordinates until the
//! matrix is diagonal, which finds every eigenpair of any symmetric matrix, to full accuracy,
//! in a few lines a reader can follow. Each sweep costs O(d³), though: on the covariance of
//! 784 MNIST pixels it needs 13 sweeps and about 3.5 s.
//!
//! [`subspace_eigen`] finds only the top k eigenpairs of a positive semi-definite matrix by
//! block power iteration with a Rayleigh–Ritz step: each iteration costs one product C·Q with
//! a (d, k + oversampling) block, so for k = 25 on 784 pixels it takes about 0.25 s and agrees
//! with Jacobi to 1e-9.
//! [`Pca::fit`] picks between them by size ([`PcaSolver::Auto`]).
//!
//! Every eigenvector's sign is fixed so that its largest-magnitude entry is positive (on
//! near-ties, the first of them): the same data always gives the same components, whichever
//! solver ran.
//!
//! ```
//! use autoencoders::{compare::pca::symmetric_eigen, core::matrix::Matrix};
//! // [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1)/√2 and (1, −1)/√2.
//! let (values, vectors) = symmetric_eigen(&Matrix::from_rows(&[&[2.0, 1.0], &[1.0, 2.0]]));
//! assert!((values[0] - 3.0).abs() < 1e-12 && (values[1] - 1.0).abs() < 1e-12);
//! let r = 1.0 / 2f64.sqrt();
//! assert!((vectors[(0, 0)] - r).abs() < 1e-12 && (vectors[(1, 0)] - r).abs() < 1e-12);
//! assert!((vectors[(0, 1)] - r).abs() < 1e-12 && (vectors[(1, 1)] + r).abs() < 1e-12);
//! ```

use crate::core::error::{Error, Result};
use crate::core::matrix::{Matrix, axpy, dot};
use crate::core::rng::Rng;

/// Jacobi stops after this many sweeps even if not converged. It converges quadratically once
/// the off-diagonal part is small: the tests' matrices need 5–11, MNIST's 784×784 covariance 13.
pub const JACOBI_MAX_SWEEPS: usize = 60;

/// Subspace iteration stops once every wanted Ritz pair has ‖C·y − θ·y‖ ≤ SUBSPACE_TOL·θ₁.
/// The eigenvector error is then about SUBSPACE_TOL·θ₁ / (gap to the next eigenvalue).
pub const SUBSPACE_TOL: f64 = 1e-10;

/// Subspace iteration gives up (and returns its best estimate) after this many iterations.
pub const SUBSPACE_MAX_ITERS: usize = 2000;

/// [`PcaSolver::Auto`] uses Jacobi up to this many dimensions and subspace iteration above.
pub const AUTO_JACOBI_MAX_DIM: usize = 200;

/// An eigen-decomposition and what it cost.
#[derive(Clone, Debug)]
pub struct Eigen {
    /// Eigenvalues, largest first.
    pub values: Vec<f64>,
    /// (n, m): column j is the unit eigenvector of `values[j]`, so A·V = V·diag(values).
    pub vectors: Matrix,
    /// Jacobi sweeps, or subspace iterations, that were run.
    pub iterations: usize,
}

/// Every eigenpair of the symmetric matrix `a`: (n, n) → (values largest first, vectors (n, n)
/// with eigenvector j in column j). See [`jacobi_eigen`].
pub fn symmetric_eigen(a: &Matrix) -> (Vec<f64>, Matrix) {
    let e = jacobi_eigen(a);
    (e.values, e.vectors)
}

/// The cyclic Jacobi eigenvalue method. a: (n, n) symmetric → all n eigenpairs.
///
/// Each step picks an off-diagonal entry a_pq and rotates coordinates p and q by the angle
/// that zeroes it:
///
/// ```text
/// θ = (a_qq − a_pp) / (2 a_pq)
/// t = tan φ = sign(θ) / (|θ| + √(θ² + 1))      the smaller of the two roots, |φ| ≤ π/4
/// c = 1/√(1 + t²),  s = t·c
/// A ← JᵀAJ:   a_pp ← a_pp − t·a_pq,  a_qq ← a_qq + t·a_pq,  a_pq ← 0
///             row/column p ← c·(p) − s·(q),  row/column q ← s·(p) + c·(q)
/// V ← V·J     (the product of all rotations; its columns end up the eigenvectors)
/// ```
///
/// A rotation keeps ‖A‖_F and moves a_pq² onto the diagonal, so the off-diagonal mass only
/// shrinks. A sweep visits every pair p < q in row order; sweeps repeat until a whole sweep
/// finds nothing above ε·‖A‖_F/n to rotate away.
///
/// The input is symmetrised as (A + Aᵀ)/2 first, which is A itself for a symmetric input.
///
/// Panics if `a` is not square.
pub fn jacobi_eigen(a: &Matrix) -> Eigen {
    assert_eq!(a.rows(), a.cols(), "jacobi_eigen: matrix is {}×{}, not square", a.rows(), a.cols());
    let n = a.rows();
    let mut m = a.clone();
    for i in 0..n {
        for j in i + 1..n {
            let v = 0.5 * (a[(i, j)] + a[(j, i)]);
            m[(i, j)] = v;
            m[(j, i)] = v;
        }
    }
    let scale = m.frobenius();
    // Below this an entry is rounding noise: rotating it away could not change any eigenvalue
    // by more than about ε·‖A‖_F.
    let tiny = f64::EPSILON * scale / n.max(1) as f64;
    let a = m.data_mut();
    // Vᵀ rather than V: a rotation then combines two contiguous rows instead of two columns.
    let mut vt = Matrix::identity(n);
    let mut scratch = vec![0.0; n];
    let mut sweeps = 0;
    while sweeps < JACOBI_MAX_SWEEPS {
        sweeps += 1;
        let mut rotations = 0usize;
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() <= tiny || apq.is_nan() {
                    continue;
                }
                rotations += 1;
                let (app, aqq) = (a[p * n + p], a[q * n + q]);
                let theta = (aqq - app) / (2.0 * apq);
                // For huge θ, θ² would overflow; t ≈ 1/(2θ) there.
                let t = if theta.abs() > 1e150 {
                    0.5 / theta
                } else {
                    theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = t * c;
                rotate_rows(a, n, p, q, c, s);
                a[p * n + p] = app - t * apq;
                a[q * n + q] = aqq + t * apq;
                a[p * n + q] = 0.0;
                a[q * n + p] = 0.0;
                // JᵀA changed rows p and q; by symmetry they are also columns p and q of JᵀAJ.
                // Column q is mirrored now, since later pairs (p, q′) read row q′, which holds
                // an entry of column q. Column p can wait for the end of this row: while p is
                // fixed, its column entries are only ever read as the pivot a_qp, which comes
                // from row p instead. (Copying the row out first lets the strided writes run
                // without bounds checks.)
                scratch.copy_from_slice(&a[q * n..(q + 1) * n]);
                for (row, &aq) in a.chunks_exact_mut(n).zip(&scratch) {
                    row[q] = aq;
                }
                rotate_rows(vt.data_mut(), n, p, q, c, s);
            }
            scratch.copy_from_slice(&a[p * n..(p + 1) * n]);
            for (row, &ap) in a.chunks_exact_mut(n).zip(&scratch) {
                row[p] = ap;
            }
        }
        if rotations == 0 {
            break;
        }
    }
    let values: Vec<f64> = (0..n).map(|i| a[i * n + i]).collect();
    let (values, vectors) = sorted_pairs(values, &vt);
    Eigen { values, vectors, iterations: sweeps }
}

/// Rows p < q of the row-major (·, n) slice `m`: (p, q) ← (c·p − s·q, s·p + c·q).
fn rotate_rows(m: &mut [f64], n: usize, p: usize, q: usize, c: f64, s: f64) {
    let (head, tail) = m.split_at_mut(q * n);
    let row_p = &mut head[p * n..(p + 1) * n];
    let row_q = &mut tail[..n];
    for (x, y) in row_p.iter_mut().zip(row_q.iter_mut()) {
        let (xp, xq) = (*x, *y);
        *x = c * xp - s * xq;
        *y = s * xp + c * xq;
    }
}

/// Sorts eigenpairs by decreasing value and fixes each vector's sign.
/// values: (m), vt: (m, n) one eigenvector per row → (values, vectors (n, m) as columns).
fn sorted_pairs(values: Vec<f64>, vt: &Matrix) -> (Vec<f64>, Matrix) {
    let mut order: Vec<usize> = (0..values.len()).collect();
    // total_cmp gives NaN a fixed place, so even a broken input sorts deterministically.
    order.sort_by(|&i, &j| values[j].total_cmp(&values[i]));
    let mut rows = vt.select_rows(&order);
    for r in 0..rows.rows() {
        fix_sign(rows.row_mut(r));
    }
    (order.iter().map(|&i| values[i]).collect(), rows.transpose())
}

/// Flips v so that its largest-magnitude entry is positive. Entries within a relative 1e-9 of
/// the largest count as tied and the first of them decides, so rounding noise cannot flip a
/// vector like (1, −1)/√2.
pub fn fix_sign(v: &mut [f64]) {
    let max = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if let Some(&lead) = v.iter().find(|x| x.abs() >= max * (1.0 - 1e-9))
        && lead < 0.0
    {
        v.iter_mut().for_each(|x| *x = -*x);
    }
}

/// Modified Gram–Schmidt on the rows of `q`, run twice ("twice is enough" for orthogonality
/// to rounding level). Returns the index of the first row that is (numerically) a combination
/// of the rows before it; rows from there on are left unspecified.
fn orthonormalize_rows(q: &mut Matrix) -> std::result::Result<(), usize> {
    let (m, d) = q.shape();
    let data = q.data_mut();
    for i in 0..m {
        let before = dot(&data[i * d..(i + 1) * d], &data[i * d..(i + 1) * d]).sqrt();
        let (done, rest) = data.split_at_mut(i * d);
        let row = &mut rest[..d];
        for _ in 0..2 {
            for j in 0..i {
                let qj = &done[j * d..(j + 1) * d];
                axpy(-dot(qj, row), qj, row);
            }
        }
        let norm = dot(row, row).sqrt();
        // A row that lost almost all its length to the earlier ones carries only rounding.
        if norm <= 1e-10 * before || norm <= 1e-300 || !norm.is_finite() {
            return Err(i);
        }
        row.iter_mut().for_each(|x| *x /= norm);
    }
    Ok(())
}

/// The k largest eigenpairs of a symmetric positive semi-definite matrix by subspace (block
/// power) iteration with Rayleigh–Ritz. a: (n, n) → values (k), vectors (n, k) as columns.
///
/// ```text
/// Q ← orthonormal (n, m) block, m = min(n, k + max(10, k/2)), from a fixed seed
/// repeat
///     Z = A·Q                                  one product with A per iteration
///     H = Qᵀ·Z = U·diag(θ)·Uᵀ                  Rayleigh–Ritz: Jacobi on the small (m, m) H
///     Y = Q·U,  A·Y = Z·U                      Ritz vectors, best in span(Q)
///     stop when ‖A·yᵢ − θᵢ·yᵢ‖ ≤ tol·θ₁ for i ≤ k
///     Q ← orthonormalise(A·Y)                  the power step
/// ```
///
/// Eigenvector i converges like (λ_{m+1}/λᵢ)^iterations; the extra m − k columns keep that
/// ratio away from 1 when λ_k and λ_{k+1} are close. Because it multiplies by A, it finds the
/// largest |λ|: for a matrix with negative eigenvalues use [`symmetric_eigen`].
///
/// Panics if `a` is not square or k > n.
pub fn subspace_eigen(a: &Matrix, k: usize) -> Eigen {
    assert_eq!(a.rows(), a.cols(), "subspace_eigen: matrix is {}×{}, not square", a.rows(), a.cols());
    let n = a.rows();
    assert!(k <= n, "subspace_eigen: k = {k} > n = {n}");
    if k == 0 {
        return Eigen { values: Vec::new(), vectors: Matrix::zeros(n, 0), iterations: 0 };
    }
    let m = n.min(k + (k / 2).max(10));
    // A fixed seed: the result must not depend on anything but A.
    let mut rng = Rng::new(0x5EED_0F9C);
    let mut qt = Matrix::normal(m, n, 1.0, &mut rng);
    orthonormalize_with_refill(&mut qt, &mut rng);
    let mut best = (Vec::new(), Matrix::zeros(0, n));
    let mut iterations = 0;
    while iterations < SUBSPACE_MAX_ITERS {
        iterations += 1;
        // (A·Q)ᵀ = Qᵀ·A for symmetric A; computed as A·(Qᵀ)ᵀ so that A streams through the
        // cache once per iteration while Qᵀ stays resident.
        let zt = a.matmul_a_bt(&qt).transpose();
        let h = qt.matmul_a_bt(&zt);
        let (theta, u) = symmetric_eigen(&h);
        // Rows of Uᵀ·Qᵀ are the Ritz vectors, rows of Uᵀ·Zᵀ their images under A.
        let ut = u.transpose();
        let yt = ut.matmul(&qt);
        let ayt = ut.matmul(&zt);
        let top = theta[0].abs().max(f64::MIN_POSITIVE);
        let converged = (0..k).all(|i| {
            let r: f64 = ayt.row(i).iter().zip(yt.row(i)).map(|(ay, y)| (ay - theta[i] * y).powi(2)).sum();
            r.sqrt() <= SUBSPACE_TOL * top
        });
        best = (theta[..k].to_vec(), yt.slice_rows(0, k));
        if converged {
            break;
        }
        qt = ayt;
        orthonormalize_with_refill(&mut qt, &mut rng);
    }
    let (values, yt) = best;
    let (values, vectors) = sorted_pairs(values, &yt);
    Eigen { values, vectors, iterations }
}

/// Orthonormalises the rows of q; a row that depends on the ones before it (A has lower rank
/// than the block) is replaced by a fresh random direction and the pass repeats.
fn orthonormalize_with_refill(q: &mut Matrix, rng: &mut Rng) {
    while let Err(bad) = orthonormalize_rows(q) {
        let fresh: Vec<f64> = (0..q.cols()).map(|_| rng.normal()).collect();
        q.row_mut(bad).copy_from_slice(&fresh);
    }
}

/// The column mean μ and the covariance C = (1/n)(X − μ)ᵀ(X − μ).
/// x: (n, d) → (μ (d), C (d, d)). With n = 0 both are zero.
///
/// Only the upper triangle is accumulated, a block of examples at a time so that each row of
/// C stays in cache while the block passes through it; then it is mirrored.
pub fn covariance(x: &Matrix) -> (Vec<f64>, Matrix) {
    let (n, d) = x.shape();
    let mean = column_mean(x);
    let mut centred = x.clone();
    for r in 0..n {
        axpy(-1.0, &mean, centred.row_mut(r));
    }
    let mut c = Matrix::zeros(d, d);
    const BLOCK: usize = 64;
    for start in (0..n).step_by(BLOCK) {
        let end = (start + BLOCK).min(n);
        for i in 0..d {
            let c_row = &mut c.row_mut(i)[i..];
            for r in start..end {
                let xr = centred.row(r);
                // Centred pixels that are always blank stay exactly zero: skip them.
                if xr[i] != 0.0 {
                    axpy(xr[i], &xr[i..], c_row);
                }
            }
        }
    }
    let inv_n = if n > 0 { 1.0 / n as f64 } else { 0.0 };
    for i in 0..d {
        for j in i..d {
            let v = c[(i, j)] * inv_n;
            c[(i, j)] = v;
            c[(j, i)] = v;
        }
    }
    (mean, c)
}

/// x: (n, d) → the mean of each column (d); zeros when n = 0.
pub fn column_mean(x: &Matrix) -> Vec<f64> {
    let mut mean = x.col_sums();
    let n = x.rows();
    if n > 0 {
        mean.iter_mut().for_each(|m| *m /= n as f64);
    }
    mean
}

/// How [`Pca::fit_with`] finds the eigenvectors of the covariance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PcaSolver {
    /// Jacobi when d ≤ [`AUTO_JACOBI_MAX_DIM`] or k > d/2 (then most of the spectrum is
    /// wanted anyway), subspace iteration otherwise.
    Auto,
    /// [`jacobi_eigen`]: every eigenpair, exact to rounding, O(d³) per sweep.
    Jacobi,
    /// [`subspace_eigen`]: the top k only, one (d, d)·(d, k + oversampling) product per
    /// iteration.
    Subspace,
}

/// A fitted PCA: the mean, the top k directions and the variance along each.
#[derive(Clone, Debug)]
pub struct Pca {
    /// μ, (d).
    pub mean: Vec<f64>,
    /// (k, d): unit principal directions, one per row, by decreasing variance.
    pub components: Matrix,
    /// (k): λ₁ ≥ … ≥ λ_k, the variance of the data along each component (1/n normalisation).
    pub eigenvalues: Vec<f64>,
    /// trace C = λ₁ + … + λ_d, the data's total variance.
    pub total_variance: f64,
    /// The solver that actually ran (never `Auto`).
    pub solver: PcaSolver,
    /// Jacobi sweeps or subspace iterations it took.
    pub iterations: usize,
}

impl Pca {
    /// x: (n, d) → the top k principal components, with the solver chosen by
    /// [`PcaSolver::Auto`].
    ///
    /// Errors ([`Error::Invalid`]) when x has no rows or no columns, k = 0 or k > d, or x has a
    /// non-finite entry.
    pub fn fit(x: &Matrix, k: usize) -> Result<Pca> {
        Pca::fit_with(x, k, PcaSolver::Auto)
    }

    /// As [`Pca::fit`], with the eigen-solver named.
    pub fn fit_with(x: &Matrix, k: usize, solver: PcaSolver) -> Result<Pca> {
        let (n, d) = x.shape();
        if n == 0 || d == 0 {
            return Err(Error::Invalid(format!("PCA needs data, got a {n}×{d} matrix")));
        }
        if k == 0 || k > d {
            return Err(Error::Invalid(format!("PCA: k = {k} components asked of {d}-dimensional data")));
        }
        if !x.all_finite() {
            return Err(Error::Invalid("PCA: the data contain a non-finite value".into()));
        }
        let solver = match solver {
            PcaSolver::Auto if d <= AUTO_JACOBI_MAX_DIM || 2 * k > d => PcaSolver::Jacobi,
            PcaSolver::Auto => PcaSolver::Subspace,
            s => s,
        };
        let (mean, c) = covariance(x);
        let total_variance = (0..d).map(|i| c[(i, i)]).sum();
        let eig = match solver {
            PcaSolver::Subspace => subspace_eigen(&c, k),
            _ => jacobi_eigen(&c),
        };
        let components = eig.vectors.transpose().slice_rows(0, k);
        // A covariance has no negative eigenvalues; a −1e−17 is rounding.
        let eigenvalues = eig.values[..k].iter().map(|&l| l.max(0.0)).collect();
        Ok(Pca { mean, components, eigenvalues, total_variance, solver, iterations: eig.iterations })
    }

    /// Number of components k.
    pub fn k(&self) -> usize {
        self.components.rows()
    }

    /// Input dimension d.
    pub fn dims(&self) -> usize {
        self.components.cols()
    }

    /// (k): λⱼ / trace C, the share of the total variance each component explains.
    pub fn explained_variance_ratio(&self) -> Vec<f64> {
        let total = self.total_variance;
        self.eigenvalues.iter().map(|&l| if total > 0.0 { l / total } else { 0.0 }).collect()
    }

    /// λ_{k+1} + … + λ_d = trace C − (λ₁ + … + λ_k): the variance the k components leave out,
    /// which is the mean squared reconstruction error per example on the fitted data.
    pub fn discarded_variance(&self) -> f64 {
        (self.total_variance - self.eigenvalues.iter().sum::<f64>()).max(0.0)
    }

    /// (d, k): the components as columns, the layout of a decoder's weight matrix, ready for
    /// [`principal_angles_degrees`].
    pub fn basis(&self) -> Matrix {
        self.components.transpose()
    }

    /// Z = (X − μ)·V_kᵀ. x: (n, d) → (n, k).
    pub fn transform(&self, x: &Matrix) -> Matrix {
        assert_eq!(x.cols(), self.dims(), "Pca::transform: data has {} columns, PCA {}", x.cols(), self.dims());
        let mut centred = x.clone();
        for r in 0..x.rows() {
            axpy(-1.0, &self.mean, centred.row_mut(r));
        }
        centred.matmul_a_bt(&self.components)
    }

    /// X̂ = Z·V_k + μ. z: (n, k) → (n, d).
    pub fn inverse_transform(&self, z: &Matrix) -> Matrix {
        assert_eq!(z.cols(), self.k(), "Pca::inverse_transform: codes have {} columns, PCA {}", z.cols(), self.k());
        let mut x = z.matmul(&self.components);
        x.add_row_broadcast(&self.mean);
        x
    }

    /// The projection of each row onto the principal subspace: x: (n, d) → (n, d).
    pub fn reconstruct(&self, x: &Matrix) -> Matrix {
        self.inverse_transform(&self.transform(x))
    }

    /// (1/(n·d)) Σ (x − x̂)², the per-entry mean squared error of [`crate::nn::loss::mse`].
    /// On the fitted data it equals [`Pca::discarded_variance`] / d.
    pub fn reconstruction_mse(&self, x: &Matrix) -> f64 {
        let r = self.reconstruct(x);
        let sq: f64 = r.data().iter().zip(x.data()).map(|(a, b)| (a - b) * (a - b)).sum();
        sq / x.len().max(1) as f64
    }
}

/// The principal angles between span(a) and span(b), in degrees, smallest first.
/// a: (d, k_a), b: (d, k_b), each spanned by its columns → min(k_a, k_b) angles in [0, 90].
///
/// ```text
/// Q_a, Q_b = orthonormal bases of the column spans (modified Gram–Schmidt)
/// M = Q_aᵀ·Q_b                          (k_a, k_b)
/// cos θᵢ = σᵢ(M) = √(eigenvalue i of MᵀM)   (of M·Mᵀ when k_a < k_b: the smaller Gram matrix)
/// ```
///
/// All angles 0 means the spans are the same; 90 means a direction of one is orthogonal to
/// all of the other. The cosines are clamped into [0, 1] before acos, since rounding can push
/// a cosine of 1 just past it. Because √ of a Gram eigenvalue is used, angles below about 1e-6
/// degrees are not resolved.
///
/// Errors ([`Error::Invalid`]) when the row counts differ, a basis has no columns, or its
/// columns are linearly dependent.
pub fn principal_angles_degrees(a: &Matrix, b: &Matrix) -> Result<Vec<f64>> {
    if a.rows() != b.rows() {
        return Err(Error::Invalid(format!(
            "principal angles: bases live in {} and {} dimensions",
            a.rows(),
            b.rows()
        )));
    }
    let qa = orthonormal_columns(a, "a")?;
    let qb = orthonormal_columns(b, "b")?;
    // Rows of qa/qb are basis vectors, so M = Q_aᵀ·Q_b is qa·qbᵀ.
    let m = qa.matmul_a_bt(&qb);
    let gram = if m.rows() <= m.cols() { m.matmul_a_bt(&m) } else { m.matmul_at_b(&m) };
    let (cos2, _) = symmetric_eigen(&gram);
    Ok(cos2.iter().map(|&c2| c2.clamp(0.0, 1.0).sqrt().acos().to_degrees()).collect())
}

/// a: (d, k) → (k, d) whose rows are an orthonormal basis of a's column span.
fn orthonormal_columns(a: &Matrix, name: &str) -> Result<Matrix> {
    if a.cols() == 0 || a.rows() == 0 {
        return Err(Error::Invalid(format!("principal angles: basis {name} is empty ({}×{})", a.rows(), a.cols())));
    }
    if !a.all_finite() {
        return Err(Error::Invalid(format!("principal angles: basis {name} has a non-finite entry")));
    }
    let mut q = a.transpose();
    orthonormalize_rows(&mut q).map_err(|col| {
        Error::Invalid(format!("principal angles: column {col} of basis {name} depends on the columns before it"))
    })?;
    Ok(q)
}
