//! PCA and its eigen-solvers: worked examples by hand, the eigen-equation on random matrices,
//! the reconstruction identity, and principal angles.

use autoencoders::compare::pca::{
    Pca, PcaSolver, covariance, jacobi_eigen, principal_angles_degrees, subspace_eigen, symmetric_eigen,
};
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use proptest::prelude::*;

/// Eigenpairs of well-conditioned small matrices come out within a few ulps of ‖A‖.
const EIG_TOL: f64 = 1e-12;

fn assert_close(what: &str, got: f64, want: f64, tol: f64) {
    assert!((got - want).abs() <= tol, "{what}: got {got:.15e}, want {want:.15e} (tolerance {tol:e})");
}

fn column(m: &Matrix, j: usize) -> Vec<f64> {
    (0..m.rows()).map(|i| m[(i, j)]).collect()
}

fn random_symmetric(n: usize, rng: &mut Rng) -> Matrix {
    let r = Matrix::uniform(n, n, -1.0, 1.0, rng);
    r.add(&r.transpose()).scale(0.5)
}

/// ‖A·vⱼ − λⱼ·vⱼ‖ for the worst j.
fn worst_residual(a: &Matrix, values: &[f64], vectors: &Matrix) -> f64 {
    let av = a.matmul(vectors);
    (0..values.len())
        .map(|j| (0..a.rows()).map(|i| (av[(i, j)] - values[j] * vectors[(i, j)]).powi(2)).sum::<f64>().sqrt())
        .fold(0.0, f64::max)
}

/// max |VᵀV − I|.
fn orthonormality_error(v: &Matrix) -> f64 {
    let g = v.matmul_at_b(v);
    g.sub(&Matrix::identity(v.cols())).max_abs()
}

#[test]
fn two_by_two_by_hand() {
    // A = [[2, 1], [1, 2]]. det(A − λI) = (2 − λ)² − 1 = 0 gives λ = 3 and λ = 1.
    // (A − 3I)v = 0: −v₁ + v₂ = 0, so v = (1, 1)/√2.
    // (A − I)v = 0:   v₁ + v₂ = 0, so v = (1, −1)/√2; its two entries tie in size, so the
    // sign convention makes the first one positive.
    let (values, vectors) = symmetric_eigen(&Matrix::from_rows(&[&[2.0, 1.0], &[1.0, 2.0]]));
    let r = 1.0 / 2f64.sqrt();
    assert_close("λ₁", values[0], 3.0, EIG_TOL);
    assert_close("λ₂", values[1], 1.0, EIG_TOL);
    for (got, want) in column(&vectors, 0).iter().zip([r, r]) {
        assert_close("v₁", *got, want, EIG_TOL);
    }
    for (got, want) in column(&vectors, 1).iter().zip([r, -r]) {
        assert_close("v₂", *got, want, EIG_TOL);
    }
}

#[test]
fn three_by_three_by_hand() {
    // A = tridiag(−1, 2, −1) of size 3, the second-difference matrix. For size n its
    // eigenvectors are sampled sines, v_j = (sin(jπ/(n+1)), sin(2jπ/(n+1)), …), with
    // eigenvalue 2 − 2cos(jπ/(n+1)). For n = 3 (angles multiples of π/4):
    //   j = 1: λ = 2 − √2,  v ∝ (√2/2, 1, √2/2)  = (1, √2, 1)/2
    //   j = 2: λ = 2,       v ∝ (1, 0, −1)       = (1, 0, −1)/√2
    //   j = 3: λ = 2 + √2,  v ∝ (√2/2, −1, √2/2) = (1, −√2, 1)/2
    // Check j = 1 by hand: A·(1, √2, 1) = (2 − √2, −1 + 2√2 − 1, −√2 + 2)
    //                                   = (2 − √2)·(1, √2, 1), since (2 − √2)·√2 = 2√2 − 2.
    // Largest first, and the largest-magnitude entry made positive: (1, −√2, 1)/2 becomes
    // (−1, √2, −1)/2; (1, 0, −1)/√2 has a tie, so its first entry stays positive.
    let a = Matrix::from_rows(&[&[2.0, -1.0, 0.0], &[-1.0, 2.0, -1.0], &[0.0, -1.0, 2.0]]);
    let (values, vectors) = symmetric_eigen(&a);
    let s2 = 2f64.sqrt();
    let want_values = [2.0 + s2, 2.0, 2.0 - s2];
    let want_vectors = [[-0.5, s2 / 2.0, -0.5], [1.0 / s2, 0.0, -1.0 / s2], [0.5, s2 / 2.0, 0.5]];
    for j in 0..3 {
        assert_close("λ", values[j], want_values[j], EIG_TOL);
        for (got, want) in column(&vectors, j).iter().zip(want_vectors[j]) {
            assert_close("v", *got, want, EIG_TOL);
        }
    }
}

#[test]
fn diagonal_and_tiny_matrices() {
    // A diagonal matrix is already converged: its entries, sorted, and the unit vectors.
    let (values, vectors) =
        symmetric_eigen(&Matrix::from_rows(&[&[1.0, 0.0, 0.0], &[0.0, 5.0, 0.0], &[0.0, 0.0, -2.0]]));
    assert_eq!(values, vec![5.0, 1.0, -2.0]);
    assert_eq!(vectors, Matrix::from_rows(&[&[0.0, 1.0, 0.0], &[1.0, 0.0, 0.0], &[0.0, 0.0, 1.0]]));
    let (values, vectors) = symmetric_eigen(&Matrix::from_rows(&[&[-4.0]]));
    assert_eq!((values, vectors), (vec![-4.0], Matrix::from_rows(&[&[1.0]])));
    let (values, vectors) = symmetric_eigen(&Matrix::zeros(0, 0));
    assert!(values.is_empty() && vectors.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn jacobi_solves_the_eigen_equation(n in 1usize..14, seed in any::<u64>(), scale in 1e-3f64..1e3) {
        let a = random_symmetric(n, &mut Rng::new(seed)).scale(scale);
        let e = jacobi_eigen(&a);
        let norm = a.frobenius();
        prop_assert!(worst_residual(&a, &e.values, &e.vectors) <= EIG_TOL * norm);
        prop_assert!(orthonormality_error(&e.vectors) <= EIG_TOL);
        prop_assert!(e.values.windows(2).all(|w| w[0] >= w[1]), "not sorted: {:?}", e.values);
        let trace: f64 = (0..n).map(|i| a[(i, i)]).sum();
        prop_assert!((e.values.iter().sum::<f64>() - trace).abs() <= EIG_TOL * norm);
        for j in 0..n {
            let v = column(&e.vectors, j);
            let max = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
            let lead = v.iter().find(|x| x.abs() >= max * (1.0 - 1e-9)).unwrap();
            prop_assert!(*lead > 0.0, "sign convention broken for vector {j}: {v:?}");
        }
    }
}

/// A symmetric PSD matrix Q·diag(λ)·Qᵀ with a random orthogonal Q (the eigenvectors of a
/// random symmetric matrix) and the given spectrum.
fn with_spectrum(spectrum: &[f64], rng: &mut Rng) -> Matrix {
    let n = spectrum.len();
    let (_, q) = symmetric_eigen(&random_symmetric(n, rng));
    let mut q_lambda = q.clone();
    for i in 0..n {
        for (j, &l) in spectrum.iter().enumerate() {
            q_lambda[(i, j)] *= l;
        }
    }
    q_lambda.matmul_a_bt(&q)
}

#[test]
fn subspace_iteration_agrees_with_jacobi() {
    let mut rng = Rng::new(7);
    for (n, k, decay) in [(40, 5, 0.9), (80, 12, 0.95), (120, 30, 0.97)] {
        let spectrum: Vec<f64> = (0..n).map(|i| 10.0 * f64::powi(decay, i as i32)).collect();
        let a = with_spectrum(&spectrum, &mut rng);
        let full = jacobi_eigen(&a);
        let top = subspace_eigen(&a, k);
        for (j, &lambda) in spectrum.iter().enumerate().take(k) {
            assert_close("eigenvalue vs the spectrum", full.values[j], lambda, 1e-11);
            assert_close("subspace eigenvalue", top.values[j], full.values[j], 1e-11);
            // Eigenvector error ≈ residual / gap, with gap 10·decayʲ·(1 − decay) ≥ ~0.01.
            for i in 0..n {
                assert_close("subspace eigenvector", top.vectors[(i, j)], full.vectors[(i, j)], 1e-7);
            }
        }
        assert!(orthonormality_error(&top.vectors) <= 1e-12);
        eprintln!("n = {n}, k = {k}: {} Jacobi sweeps, {} subspace iterations", full.iterations, top.iterations);
    }
}

#[test]
fn subspace_iteration_handles_low_rank() {
    // Rank 3, but 5 vectors asked: the block must refill the directions A maps to zero.
    let mut rng = Rng::new(11);
    let mut spectrum = vec![0.0; 20];
    spectrum[..3].copy_from_slice(&[3.0, 2.0, 1.0]);
    let a = with_spectrum(&spectrum, &mut rng);
    let e = subspace_eigen(&a, 5);
    for (got, want) in e.values.iter().zip([3.0, 2.0, 1.0, 0.0, 0.0]) {
        assert_close("low-rank eigenvalue", *got, want, 1e-12);
    }
    assert!(worst_residual(&a, &e.values, &e.vectors) <= 1e-10);
    assert!(orthonormality_error(&e.vectors) <= 1e-12);
    let zero = subspace_eigen(&Matrix::zeros(6, 6), 2);
    assert_eq!(zero.values, vec![0.0, 0.0]);
}

/// n examples in d dimensions with a decaying spread per direction, rotated and shifted so
/// that nothing lines up with the axes.
fn correlated_data(n: usize, d: usize, rng: &mut Rng) -> Matrix {
    let (_, rotation) = symmetric_eigen(&random_symmetric(d, rng));
    let mut z = Matrix::normal(n, d, 1.0, rng);
    for r in 0..n {
        for (j, v) in z.row_mut(r).iter_mut().enumerate() {
            *v *= 3.0 * f64::powi(0.7, j as i32);
        }
    }
    let mut x = z.matmul_a_bt(&rotation);
    let shift: Vec<f64> = (0..d).map(|j| j as f64 - 2.0).collect();
    x.add_row_broadcast(&shift);
    x
}

#[test]
fn reconstruction_error_is_the_discarded_variance() {
    // With C = (1/n)(X − μ)ᵀ(X − μ): (1/n) Σᵢ ‖xᵢ − x̂ᵢ‖² = λ_{k+1} + … + λ_d, and the
    // per-entry mean squared error is that sum over d.
    let (n, d) = (200, 9);
    let x = correlated_data(n, d, &mut Rng::new(3));
    let (_, c) = covariance(&x);
    let (all, _) = symmetric_eigen(&c);
    for k in 1..=d {
        let pca = Pca::fit(&x, k).unwrap();
        let discarded: f64 = all[k..].iter().sum();
        assert_close("discarded_variance", pca.discarded_variance(), discarded, 1e-12);
        assert_close("reconstruction mse", pca.reconstruction_mse(&x), discarded / d as f64, 1e-12);
        for (got, want) in pca.eigenvalues.iter().zip(&all) {
            assert_close("eigenvalue", *got, *want, 1e-12);
        }
    }
}

#[test]
fn codes_are_uncorrelated_with_the_eigenvalues_as_variances() {
    let x = correlated_data(300, 7, &mut Rng::new(5));
    let pca = Pca::fit(&x, 4).unwrap();
    let z = pca.transform(&x);
    let (mean, cov) = covariance(&z);
    for j in 0..4 {
        assert_close("code mean", mean[j], 0.0, 1e-12);
        for i in 0..4 {
            let want = if i == j { pca.eigenvalues[j] } else { 0.0 };
            assert_close("code covariance", cov[(i, j)], want, 1e-12);
        }
    }
    assert!(orthonormality_error(&pca.basis()) <= 1e-12);
    let ratio = pca.explained_variance_ratio();
    assert!(ratio.windows(2).all(|w| w[0] >= w[1]) && ratio.iter().sum::<f64>() <= 1.0 + 1e-12);
    assert_eq!(pca.reconstruct(&x), pca.inverse_transform(&z));
}

#[test]
fn data_on_a_plane_is_rebuilt_exactly_from_two_components() {
    // Every example is μ + a·u + b·w for two fixed directions u, w.
    let mut rng = Rng::new(9);
    let plane = Matrix::normal(2, 6, 1.0, &mut rng);
    let coeffs = Matrix::normal(50, 2, 1.0, &mut rng);
    let mut x = coeffs.matmul(&plane);
    x.add_row_broadcast(&[1.0, -2.0, 3.0, 0.5, 0.0, 4.0]);
    let pca = Pca::fit(&x, 2).unwrap();
    assert!(pca.reconstruction_mse(&x) < 1e-24, "mse {}", pca.reconstruction_mse(&x));
    assert!(pca.discarded_variance() < 1e-12);
    for angle in principal_angles_degrees(&pca.basis(), &plane.transpose()).unwrap() {
        assert_close("angle to the plane", angle, 0.0, 1e-5);
    }
}

#[test]
fn jacobi_and_subspace_pca_agree() {
    let x = correlated_data(400, 60, &mut Rng::new(13));
    let a = Pca::fit_with(&x, 6, PcaSolver::Jacobi).unwrap();
    let b = Pca::fit_with(&x, 6, PcaSolver::Subspace).unwrap();
    assert_eq!((a.solver, b.solver), (PcaSolver::Jacobi, PcaSolver::Subspace));
    for (p, q) in a.eigenvalues.iter().zip(&b.eigenvalues) {
        assert_close("eigenvalue", *p, *q, 1e-10);
    }
    // Same signs too, thanks to the convention: the components agree entry by entry.
    assert!(a.components.sub(&b.components).max_abs() < 1e-7);
}

#[test]
fn fit_rejects_bad_requests() {
    let x = Matrix::from_rows(&[&[1.0, 2.0], &[3.0, 5.0]]);
    assert!(Pca::fit(&x, 0).is_err());
    assert!(Pca::fit(&x, 3).is_err());
    assert!(Pca::fit(&Matrix::zeros(0, 2), 1).is_err());
    let mut bad = x.clone();
    bad[(1, 1)] = f64::NAN;
    let err = Pca::fit(&bad, 1).unwrap_err();
    assert!(err.to_string().contains("non-finite"), "{err}");
    // One example: no spread at all, so every direction explains nothing.
    let one = Pca::fit(&Matrix::from_rows(&[&[1.0, 2.0, 3.0]]), 2).unwrap();
    assert_eq!(one.eigenvalues, vec![0.0, 0.0]);
    assert_eq!(one.explained_variance_ratio(), vec![0.0, 0.0]);
    assert_eq!(one.reconstruct(&Matrix::from_rows(&[&[1.0, 2.0, 3.0]])).data(), &[1.0, 2.0, 3.0]);
}

#[test]
fn principal_angles_of_known_subspaces() {
    let e = |i: usize| {
        let mut v = vec![0.0; 4];
        v[i] = 1.0;
        v
    };
    let cols = |vs: &[Vec<f64>]| {
        let rows: Vec<&[f64]> = vs.iter().map(|v| v.as_slice()).collect();
        Matrix::from_rows(&rows).transpose()
    };
    let span01 = cols(&[e(0), e(1)]);
    // The same span through another, non-orthogonal basis: angles 0.
    let skew = cols(&[vec![2.0, 1.0, 0.0, 0.0], vec![1.0, 3.0, 0.0, 0.0]]);
    for a in principal_angles_degrees(&span01, &skew).unwrap() {
        assert_close("same span", a, 0.0, 1e-5);
    }
    for a in principal_angles_degrees(&span01, &span01).unwrap() {
        assert_close("itself", a, 0.0, 1e-5);
    }
    for a in principal_angles_degrees(&span01, &cols(&[e(2), e(3)])).unwrap() {
        assert_close("orthogonal", a, 90.0, 1e-9);
    }
    // span{e₀, e₁} against span{e₀, cos 30°·e₁ + sin 30°·e₂}: one shared direction (0°) and
    // one tilted out of the plane by 30°.
    let (c, s) = (30f64.to_radians().cos(), 30f64.to_radians().sin());
    let tilted = cols(&[e(0), vec![0.0, c, s, 0.0]]);
    let angles = principal_angles_degrees(&span01, &tilted).unwrap();
    assert_close("shared", angles[0], 0.0, 1e-5);
    assert_close("tilted", angles[1], 30.0, 1e-9);
    // Different dimensions: min(k_a, k_b) angles; a line inside the plane is at 0°.
    let line = cols(&[vec![1.0, 1.0, 0.0, 0.0]]);
    assert_eq!(principal_angles_degrees(&span01, &line).unwrap().len(), 1);
    assert_close("line in plane", principal_angles_degrees(&line, &span01).unwrap()[0], 0.0, 1e-5);
}

#[test]
fn principal_angles_reject_bad_bases() {
    let a = Matrix::from_rows(&[&[1.0, 2.0], &[0.0, 0.0], &[1.0, 2.0]]);
    let b = Matrix::identity(3);
    let err = principal_angles_degrees(&a, &b).unwrap_err();
    assert!(err.to_string().contains("column 1 of basis a"), "{err}");
    assert!(principal_angles_degrees(&b, &Matrix::identity(2)).is_err());
    assert!(principal_angles_degrees(&Matrix::zeros(3, 0), &b).is_err());
}

fn mnist_or_synthetic(n: usize) -> (Matrix, &'static str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/mnist/t10k-first8000-images-idx3-ubyte");
    match std::fs::read(path) {
        Ok(bytes) if bytes.len() >= 16 + n * 784 => {
            let data = bytes[16..16 + n * 784].iter().map(|&b| b as f64 / 255.0).collect();
            (Matrix::from_vec(n, 784, data), "MNIST test digits")
        }
        _ => (correlated_data(n, 784, &mut Rng::new(1)), "synthetic data"),
    }
}

/// Timings on 6000 × 784, printed rather than asserted: `cargo test --test pca -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn timing_on_784_pixels() {
    use std::time::Instant;
    let (x, source) = mnist_or_synthetic(6000);
    eprintln!("{source}, {} × {}", x.rows(), x.cols());
    let t = Instant::now();
    let (_, c) = covariance(&x);
    eprintln!("covariance: {:.2?}", t.elapsed());
    let t = Instant::now();
    let jac = jacobi_eigen(&c);
    eprintln!("Jacobi, all 784 eigenpairs: {:.2?} ({} sweeps)", t.elapsed(), jac.iterations);
    for k in [25, 30] {
        let t = Instant::now();
        let sub = subspace_eigen(&c, k);
        let dv = (0..k)
            .flat_map(|j| (0..784).map(move |i| (j, i)))
            .fold(0.0f64, |m, (j, i)| m.max((sub.vectors[(i, j)] - jac.vectors[(i, j)]).abs()));
        eprintln!(
            "subspace, k = {k}: {:.2?} ({} iterations), largest vector difference from Jacobi {dv:.1e}",
            t.elapsed(),
            sub.iterations
        );
        for solver in [PcaSolver::Auto, PcaSolver::Jacobi] {
            let t = Instant::now();
            let pca = Pca::fit_with(&x, k, solver).unwrap();
            eprintln!(
                "Pca::fit_with({solver:?}), k = {k}: {:.2?}, explained {:.4}, mse {:.6}",
                t.elapsed(),
                pca.explained_variance_ratio().iter().sum::<f64>(),
                pca.reconstruction_mse(&x)
            );
        }
    }
}
