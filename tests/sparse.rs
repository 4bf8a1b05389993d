//! §4.1: the KL and L1 sparsity penalties and the top-k layer, checked against central
//! differences (`nn::gradcheck`), and a whole sparse autoencoder's gradient w.r.t. every
//! parameter. Test points stay away from the kinks (|h| = 0 for L1, ties for top-k).

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::gradcheck::check;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::{Autoencoder, flatten_grads};
use autoencoders::variants::sparse::{
    Sparsity, gradients, kl_divergence, kl_penalty, l1_penalty, mean_activation, objective, top_k_backward,
    top_k_forward,
};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 32, ..ProptestConfig::default() }
}

fn random(rows: usize, cols: usize, lo: f64, hi: f64, seed: u64) -> Matrix {
    Matrix::uniform(rows, cols, lo, hi, &mut Rng::new(seed))
}

fn from(rows: usize, cols: usize, t: &[f64]) -> Matrix {
    Matrix::from_vec(rows, cols, t.to_vec())
}

#[test]
fn kl_by_hand() {
    // KL(0.5 ‖ 0.25) = 0.5 ln 2 + 0.5 ln(2/3)
    let expected = 0.5 * 2f64.ln() + 0.5 * (2.0f64 / 3.0).ln();
    assert!((kl_divergence(0.5, 0.25) - expected).abs() < 1e-15);
    // Two examples, one unit: ρ̂ = 0.25, β = 2.
    let h = Matrix::from_rows(&[&[0.1], &[0.4]]);
    let p = kl_penalty(&h, 0.5, 2.0);
    assert!((p.value - 2.0 * expected).abs() < 1e-12);
    // ∂/∂h_r = (β/B)(−ρ/ρ̂ + (1 − ρ)/(1 − ρ̂)) = (2/2)(−2 + 2/3) = −4/3 for both rows.
    for &d in p.d_h.data() {
        assert!((d + 4.0 / 3.0).abs() < 1e-12, "{d}");
    }
}

#[test]
fn top_k_by_hand() {
    let h = Matrix::from_rows(&[&[0.3, 0.9, 0.1, 0.5], &[0.8, 0.2, 0.7, 0.6]]);
    let t = top_k_forward(&h, 2);
    assert_eq!(t.out, Matrix::from_rows(&[&[0.0, 0.9, 0.0, 0.5], &[0.8, 0.0, 0.7, 0.0]]));
    let d = top_k_backward(&t, &Matrix::filled(2, 4, 1.0));
    assert_eq!(d, Matrix::from_rows(&[&[0.0, 1.0, 0.0, 1.0], &[1.0, 0.0, 1.0, 0.0]]));
    assert_eq!(top_k_forward(&h, 4).out, h);
    assert_eq!(top_k_forward(&h, 0).out, Matrix::zeros(2, 4));
}

fn small_ae(n: usize, m: usize, seed: u64) -> Autoencoder {
    Autoencoder::single(n, m, Activation::Sigmoid, Activation::Sigmoid, &mut Rng::new(seed))
}

/// The whole sparse autoencoder, every parameter: reconstruction loss plus penalty.
fn check_whole(sparsity: Sparsity, seed: u64) {
    let (b, n, m) = (4, 5, 7);
    let ae = small_ae(n, m, seed);
    let x = random(b, n, 0.0, 1.0, seed ^ 9);
    let g = gradients(&ae, &x, &x, LossKind::Mse, sparsity);
    assert!((g.loss - objective(&ae, &x, &x, LossKind::Mse, sparsity)).abs() < 1e-12);
    let analytic = flatten_grads(&[g.encoder, g.decoder].concat());
    let mut probe = ae.clone();
    let c = check(&ae.flat_params(), &analytic, |t| {
        probe.set_flat_params(t);
        objective(&probe, &x, &x, LossKind::Mse, sparsity)
    });
    assert!(c.passes(), "{}: {c}", sparsity.name());
}

#[test]
fn whole_autoencoder_gradients_with_each_method() {
    for seed in 0..3 {
        check_whole(Sparsity::None, seed);
        check_whole(Sparsity::Kl { rho: 0.05, beta: 0.7 }, seed);
        // Sigmoid codes are never 0, so L1 is differentiable everywhere here.
        check_whole(Sparsity::L1 { lambda: 0.3 }, seed);
        // Random weights make ties between hidden units (almost surely) absent, and a step of
        // 1e-3 does not reorder units whose activations differ by more than that.
        check_whole(Sparsity::TopK { k: 3 }, seed);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn kl_penalty_gradient(rows in 1usize..5, cols in 1usize..6, rho in 0.02f64..0.5, beta in 0.1f64..5.0, seed in any::<u64>()) {
        let h = random(rows, cols, 0.05, 0.95, seed);
        let p = kl_penalty(&h, rho, beta);
        let c = check(h.data(), p.d_h.data(), |t| kl_penalty(&from(rows, cols, t), rho, beta).value);
        prop_assert!(c.passes(), "{}", c);
    }

    #[test]
    fn l1_penalty_gradient(rows in 1usize..5, cols in 1usize..6, lambda in 0.01f64..3.0, seed in any::<u64>()) {
        // Entries of either sign, but never within 0.05 of the kink at 0.
        let h = random(rows, cols, -1.0, 1.0, seed).map(|v| if v.abs() < 0.05 { v + 0.1f64.copysign(v) } else { v });
        let p = l1_penalty(&h, lambda);
        let c = check(h.data(), p.d_h.data(), |t| l1_penalty(&from(rows, cols, t), lambda).value);
        prop_assert!(c.passes(), "{}", c);
    }

    #[test]
    fn top_k_backward_is_the_gradient_of_forward(rows in 1usize..4, cols in 2usize..8, seed in any::<u64>()) {
        // Distinct values spaced ≥ 0.01 apart: a step of 1e-3 never changes which are kept.
        let mut rng = Rng::new(seed);
        let k = 1 + rng.below(cols);
        let data: Vec<f64> = (0..rows).flat_map(|_| rng.permutation(cols)).map(|i| 0.01 * i as f64 + 0.003).collect();
        let h = from(rows, cols, &data);
        let weights = random(rows, cols, -1.0, 1.0, seed ^ 5);
        // L = Σ weights ⊙ top_k(h), so ∂L/∂top_k = weights.
        let t = top_k_forward(&h, k);
        let d = top_k_backward(&t, &weights);
        let c = check(h.data(), d.data(), |v| {
            top_k_forward(&from(rows, cols, v), k).out.hadamard(&weights).sum()
        });
        prop_assert!(c.passes(), "{}", c);
    }

    #[test]
    fn top_k_keeps_exactly_k_nonzeros(rows in 1usize..6, cols in 1usize..20, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let k = rng.below(cols + 1);
        // Distinct positive values, so exactly k of them survive and none of them is 0.
        let data: Vec<f64> = (0..rows).flat_map(|_| rng.permutation(cols)).map(|i| 1.0 + i as f64).collect();
        let h = from(rows, cols, &data);
        let t = top_k_forward(&h, k);
        for r in 0..rows {
            let kept: Vec<f64> = t.out.row(r).iter().copied().filter(|&v| v != 0.0).collect();
            prop_assert_eq!(kept.len(), k);
            // The kept ones are the largest: each is ≥ every dropped value.
            let smallest_kept = kept.iter().copied().fold(f64::INFINITY, f64::min);
            for (j, &v) in h.row(r).iter().enumerate() {
                if t.out[(r, j)] == 0.0 {
                    prop_assert!(v < smallest_kept);
                } else {
                    prop_assert_eq!(t.out[(r, j)], v);
                }
            }
            prop_assert_eq!(t.kept[r * cols..(r + 1) * cols].iter().filter(|&&b| b).count(), k);
        }
    }

    #[test]
    fn penalties_are_nonnegative(rows in 1usize..5, cols in 1usize..6, rho in 0.01f64..0.99, seed in any::<u64>()) {
        let h = random(rows, cols, 0.0, 1.0, seed);
        prop_assert!(kl_penalty(&h, rho, 1.0).value >= 0.0);
        prop_assert!(l1_penalty(&h, 1.0).value >= 0.0);
    }

    #[test]
    fn kl_is_zero_when_the_average_is_rho(rows in 1usize..6, cols in 1usize..6, seed in any::<u64>()) {
        // Build h whose column means are exactly its own ρ̂, then ask for that ρ.
        let mut h = random(rows, cols, 0.2, 0.4, seed);
        let rho = 0.3;
        let means = mean_activation(&h);
        for r in 0..rows {
            for (v, m) in h.row_mut(r).iter_mut().zip(&means) {
                *v += rho - m;
            }
        }
        let p = kl_penalty(&h, rho, 2.0);
        prop_assert!(p.value.abs() < 1e-12, "{}", p.value);
        prop_assert!(p.d_h.max_abs() < 1e-9);
    }
}

#[test]
fn patches_are_cut_from_the_images_and_have_ink() {
    // Two 4×4 images: one blank, one whose pixel (r, c) holds (4r + c + 1)/16.
    let mut images = Matrix::zeros(2, 16);
    for i in 0..16 {
        images[(1, i)] = (i + 1) as f64 / 16.0;
    }
    let p = autoencoders::variants::sparse::patches(&images, 4, 4, 2, 30, 0.1, &mut Rng::new(3));
    assert_eq!(p.shape(), (30, 4));
    for r in 0..p.rows() {
        let v = p.row(r);
        // A 2×2 window of the second image: right neighbour +1/16, the one below +4/16.
        assert!((v[1] - v[0] - 1.0 / 16.0).abs() < 1e-12 && (v[2] - v[0] - 4.0 / 16.0).abs() < 1e-12, "{v:?}");
        assert!(v.iter().sum::<f64>() / 4.0 >= 0.1);
    }
    // Nothing has ink: it gives up with no rows instead of looping.
    let none = autoencoders::variants::sparse::patches(&Matrix::zeros(1, 16), 4, 4, 2, 5, 0.1, &mut Rng::new(3));
    assert_eq!(none.rows(), 0);
}

#[test]
fn filters_are_rescaled_row_by_row() {
    let w = Matrix::from_rows(&[&[-2.0, 0.0, 2.0], &[5.0, 5.0, 5.0]]);
    let f = autoencoders::variants::sparse::normalised_filters(&w);
    assert_eq!(f, Matrix::from_rows(&[&[0.0, 0.5, 1.0], &[0.5, 0.5, 0.5]]));
}

#[test]
fn top_k_training_reduces_the_objective() {
    let mut rng = Rng::new(8);
    let mut ae = small_ae(6, 12, 8);
    let x = Matrix::uniform(32, 6, 0.0, 1.0, &mut rng);
    let s = Sparsity::TopK { k: 4 };
    let before = objective(&ae, &x, &x, LossKind::Mse, s);
    let mut opt = autoencoders::nn::optim::Adam::new(0.01);
    for _ in 0..200 {
        autoencoders::nn::train::epoch(&mut ae, &x, &s, LossKind::Mse, 8, &mut opt, &mut rng);
    }
    let after = objective(&ae, &x, &x, LossKind::Mse, s);
    assert!(after < 0.5 * before, "{before} → {after}");
    // Every code it hands the decoder has exactly 4 nonzeros (sigmoid outputs are never 0).
    let h = autoencoders::variants::sparse::encode(&ae, &x, s);
    for r in 0..h.rows() {
        assert_eq!(h.row(r).iter().filter(|&&v| v != 0.0).count(), 4);
    }
}
