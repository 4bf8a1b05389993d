//! §4.3: the closed-form ‖J_f(x)‖²_F against a finite-difference Jacobian, the penalty's
//! gradient w.r.t. W and b, and a whole contractive autoencoder's gradient, all through
//! `nn::gradcheck`; the penalty is ≥ 0 and vanishes when W = 0.

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::dense::Dense;
use autoencoders::nn::gradcheck::{TOLERANCE, check, compare, numeric_gradient};
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::{Autoencoder, flatten_grads};
use autoencoders::variants::contractive::{gradients, jacobian, jacobian_norm_sq, objective, penalty};
use proptest::prelude::*;

fn layer(n: usize, m: usize, seed: u64) -> Dense {
    // Weights a little larger than the default so the sigmoid units spread over (0, 1).
    let mut rng = Rng::new(seed);
    Dense {
        w: Matrix::uniform(m, n, -1.5, 1.5, &mut rng),
        b: (0..m).map(|_| rng.range(-1.0, 1.0)).collect(),
        activation: Activation::Sigmoid,
    }
}

/// The Jacobian by central differences, column by column: J_{:,i} ≈ ∂h/∂x_i.
fn numeric_jacobian(l: &Dense, x: &[f64]) -> Matrix {
    let m = l.outputs();
    let mut j = Matrix::zeros(m, x.len());
    for unit in 0..m {
        let row = numeric_gradient(x, |t| l.infer(&Matrix::row_vector(t))[(0, unit)]);
        j.row_mut(unit).copy_from_slice(&row);
    }
    j
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn closed_form_norm_matches_a_finite_difference_jacobian(n in 1usize..7, m in 1usize..6, seed in any::<u64>()) {
        let l = layer(n, m, seed);
        let x = Matrix::uniform(1, n, 0.0, 1.0, &mut Rng::new(seed ^ 3));
        let numeric = numeric_jacobian(&l, x.row(0));
        let c = compare(jacobian(&l, x.row(0)).data(), numeric.data());
        prop_assert!(c.passes(), "Jacobian: {}", c);
        let fd_norm_sq = numeric.frobenius().powi(2);
        let closed = jacobian_norm_sq(&l, &x)[0];
        prop_assert!((closed - fd_norm_sq).abs() <= TOLERANCE * (closed + fd_norm_sq), "{closed} vs {fd_norm_sq}");
    }

    #[test]
    fn penalty_gradient_wrt_w_and_b(b in 1usize..4, n in 1usize..6, m in 1usize..5, lambda in 0.01f64..3.0, seed in any::<u64>()) {
        let l = layer(n, m, seed);
        let x = Matrix::uniform(b, n, 0.0, 1.0, &mut Rng::new(seed ^ 1));
        let p = penalty(&l, &x, lambda);
        let analytic = flatten_grads(&[p.grads]);
        let mut theta = l.w.data().to_vec();
        theta.extend_from_slice(&l.b);
        let mut probe = l.clone();
        let c = check(&theta, &analytic, |t| {
            probe.w.data_mut().copy_from_slice(&t[..n * m]);
            probe.b.copy_from_slice(&t[n * m..]);
            penalty(&probe, &x, lambda).value
        });
        prop_assert!(c.passes(), "{}", c);
    }

    #[test]
    fn penalty_is_nonnegative_and_zero_for_zero_weights(b in 1usize..4, n in 1usize..6, m in 1usize..5, seed in any::<u64>()) {
        let mut l = layer(n, m, seed);
        let x = Matrix::uniform(b, n, -1.0, 1.0, &mut Rng::new(seed ^ 2));
        prop_assert!(penalty(&l, &x, 1.0).value >= 0.0);
        prop_assert!(jacobian_norm_sq(&l, &x).iter().all(|&v| v >= 0.0));
        l.w = Matrix::zeros(m, n);
        let p = penalty(&l, &x, 1.0);
        prop_assert_eq!(p.value, 0.0);
        prop_assert_eq!(p.grads.d_w.max_abs(), 0.0);
        prop_assert!(p.grads.d_b.iter().all(|&v| v == 0.0));
    }
}

#[test]
fn whole_contractive_autoencoder_gradient() {
    for seed in 0..3 {
        let mut rng = Rng::new(seed);
        let ae = Autoencoder::single(5, 4, Activation::Sigmoid, Activation::Sigmoid, &mut rng);
        let x = Matrix::uniform(3, 5, 0.0, 1.0, &mut rng);
        let lambda = 0.8;
        let g = gradients(&ae, &x, LossKind::Mse, lambda);
        assert!((g.loss - objective(&ae, &x, LossKind::Mse, lambda)).abs() < 1e-12);
        let analytic = flatten_grads(&[g.encoder, g.decoder].concat());
        let mut probe = ae.clone();
        let c = check(&ae.flat_params(), &analytic, |t| {
            probe.set_flat_params(t);
            objective(&probe, &x, LossKind::Mse, lambda)
        });
        assert!(c.passes(), "seed {seed}: {c}");
    }
}

#[test]
fn jacobian_by_hand() {
    // h = σ(0) = ½ for both units, so J = ¼·W.
    let l = Dense {
        w: Matrix::from_rows(&[&[1.0, -2.0], &[4.0, 0.0]]),
        b: vec![0.0, 0.0],
        activation: Activation::Sigmoid,
    };
    assert_eq!(jacobian(&l, &[0.0, 0.0]), Matrix::from_rows(&[&[0.25, -0.5], &[1.0, 0.0]]));
    // ‖J‖² = (1 + 4 + 16)/16
    assert_eq!(jacobian_norm_sq(&l, &Matrix::row_vector(&[0.0, 0.0])), vec![21.0 / 16.0]);
}

#[test]
fn sensitivity_measures_agree_with_the_jacobian() {
    use autoencoders::variants::contractive::{mean_jacobian_norm, pair_sensitivity, perturbation_sensitivity};
    let mut rng = Rng::new(5);
    let ae = Autoencoder::single(30, 8, Activation::Sigmoid, Activation::Sigmoid, &mut rng);
    let x = Matrix::uniform(400, 30, 0.0, 1.0, &mut rng);
    // For tiny ε, ‖J ε‖/‖ε‖ averages to about ‖J‖_F/√n over random directions (E‖Ju‖² = ‖J‖²_F/n
    // for u uniform on the sphere); allow 15 % for the spread over 400 rows and directions.
    let s = perturbation_sensitivity(&ae, &x, 1e-5, &mut rng);
    let expected = mean_jacobian_norm(&ae.encoder.layers[0], &x) / 30f64.sqrt();
    assert!((s - expected).abs() < 0.15 * expected, "{s} vs {expected}");
    // A zero encoder weight matrix maps every input to the same code.
    let mut flat = ae.clone();
    flat.encoder.layers[0].w = Matrix::zeros(8, 30);
    assert_eq!(perturbation_sensitivity(&flat, &x, 0.01, &mut rng), 0.0);
    assert_eq!(pair_sensitivity(&flat, &x, 100, &mut rng), 0.0);
    assert!(pair_sensitivity(&ae, &x, 100, &mut rng) > 0.0);
}

#[test]
fn the_compared_models_are_the_training_loop_on_their_objectives() {
    use autoencoders::nn::optim::Adam;
    use autoencoders::nn::train::{self, Objective, Plain};
    use autoencoders::variants::contractive::{CompareConfig, Contractive, Model, train_model};
    use autoencoders::variants::denoise::Corruption;
    let mut rng = Rng::new(3);
    let init = Autoencoder::single(12, 4, Activation::Sigmoid, Activation::Sigmoid, &mut rng);
    let x = Matrix::uniform(20, 12, 0.0, 1.0, &mut rng);
    let cfg = CompareConfig { epochs: 2, batch: 8, ..CompareConfig::default() };
    let cases: [(Model, &dyn Objective, f64); 4] = [
        (Model::Plain, &Plain, 0.0),
        (Model::WeightDecay(0.01), &Plain, 0.01),
        (Model::Denoising(0.3), &Corruption::Mask { nu: 0.3 }, 0.0),
        (Model::Contractive(0.1), &Contractive { lambda: 0.1 }, 0.0),
    ];
    for (model, objective, decay) in cases {
        let mut epochs_seen = Vec::new();
        let (ae, last) = train_model(&init, model, &x, &cfg, &mut Rng::new(4), &mut |e| epochs_seen.push(e)).unwrap();
        let mut by_hand = init.clone();
        let mut opt = Adam::new(cfg.lr);
        opt.weight_decay = decay;
        let mut r = Rng::new(4);
        let mut l = 0.0;
        for _ in 0..2 {
            l = train::epoch(&mut by_hand, &x, objective, LossKind::Mse, 8, &mut opt, &mut r);
        }
        assert_eq!(ae, by_hand, "{model:?}");
        assert_eq!(last, l);
        assert_eq!(epochs_seen, [1, 2]);
    }
}
