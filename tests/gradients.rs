//! Numeric gradient checks of every differentiable piece of the network core, on random
//! shapes and values (proptest). Each compares backprop with central differences through
//! `nn::gradcheck`, at relative error ≤ `TOLERANCE` (1e-6), at points away from kinks.

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::dense::Dense;
use autoencoders::nn::gradcheck::{TOLERANCE, check};
use autoencoders::nn::loss::{LossKind, binary_cross_entropy, masked_mse, mse};
use autoencoders::nn::network::{Autoencoder, Network, flatten_grads};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 48, ..ProptestConfig::default() }
}

fn random(rows: usize, cols: usize, lo: f64, hi: f64, seed: u64) -> Matrix {
    Matrix::uniform(rows, cols, lo, hi, &mut Rng::new(seed))
}

/// ReLU's kink is at 0: keep |z| ≥ 0.05 so a step of h = 1e-3 never crosses it.
fn away_from_kink(z: f64) -> f64 {
    if z.abs() < 0.05 { z.signum() * 0.05 + z } else { z }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn activation_derivatives_match_differences(z in -6.0f64..6.0) {
        let z = away_from_kink(z);
        for act in Activation::ALL {
            let a = act.apply(z);
            let c = check(&[z], &[act.derivative(z, a)], |t| act.apply(t[0]));
            prop_assert!(c.passes(), "{}: {}", act.name(), c);
        }
    }

    #[test]
    fn mse_gradient(rows in 1usize..4, cols in 1usize..6, seed in any::<u64>()) {
        let pred = random(rows, cols, -2.0, 2.0, seed);
        let target = random(rows, cols, -2.0, 2.0, seed ^ 1);
        let l = mse(&pred, &target);
        let c = check(pred.data(), l.d_pred.data(), |p| mse(&Matrix::from_vec(rows, cols, p.to_vec()), &target).value);
        prop_assert!(c.passes(), "{}", c);
    }

    #[test]
    fn masked_mse_gradient(rows in 1usize..4, cols in 1usize..6, seed in any::<u64>()) {
        let pred = random(rows, cols, 0.0, 5.0, seed);
        let target = random(rows, cols, 1.0, 5.0, seed ^ 1);
        let mut rng = Rng::new(seed ^ 2);
        let mask: Vec<bool> = (0..rows * cols).map(|_| rng.bernoulli(0.5)).collect();
        let l = masked_mse(&pred, &target, &mask);
        let c = check(pred.data(), l.d_pred.data(), |p| masked_mse(&Matrix::from_vec(rows, cols, p.to_vec()), &target, &mask).value);
        prop_assert!(c.passes(), "{}", c);
        // Unmasked entries get no gradient at all.
        for (i, &m) in mask.iter().enumerate() {
            if !m {
                prop_assert_eq!(l.d_pred.data()[i], 0.0);
            }
        }
    }

    #[test]
    fn bce_gradient(rows in 1usize..4, cols in 1usize..6, seed in any::<u64>()) {
        let pred = random(rows, cols, 0.05, 0.95, seed);
        let target = random(rows, cols, 0.0, 1.0, seed ^ 1);
        let l = binary_cross_entropy(&pred, &target);
        let c = check(pred.data(), l.d_pred.data(), |p| {
            binary_cross_entropy(&Matrix::from_vec(rows, cols, p.to_vec()), &target).value
        });
        prop_assert!(c.passes(), "{}", c);
    }

    #[test]
    fn dense_layer_gradients(batch in 1usize..4, inputs in 1usize..6, outputs in 1usize..5, act in 0usize..4, seed in any::<u64>()) {
        let act = Activation::ALL[act];
        let mut rng = Rng::new(seed);
        let layer = Dense::new(inputs, outputs, act, &mut rng);
        let x = random(batch, inputs, -1.0, 1.0, seed ^ 7);
        // L = Σ r ⊙ A with fixed random r, so every output entry carries its own weight.
        let r = random(batch, outputs, -1.0, 1.0, seed ^ 9);
        let cache = layer.forward(&x);
        prop_assume!(act != Activation::Relu || cache.z.data().iter().all(|z| z.abs() > 0.01));
        let (g, d_x) = layer.backward(&cache, &r);
        let loss = |l: &Dense, x: &Matrix| l.infer(x).hadamard(&r).sum();

        let c = check(layer.w.data(), g.d_w.data(), |w| {
            let mut l = layer.clone();
            l.w.data_mut().copy_from_slice(w);
            loss(&l, &x)
        });
        prop_assert!(c.passes(), "d_w ({}): {}", act.name(), c);
        let c = check(&layer.b, &g.d_b, |b| {
            let mut l = layer.clone();
            l.b.copy_from_slice(b);
            loss(&l, &x)
        });
        prop_assert!(c.passes(), "d_b ({}): {}", act.name(), c);
        let c = check(x.data(), d_x.data(), |xs| loss(&layer, &Matrix::from_vec(batch, inputs, xs.to_vec())));
        prop_assert!(c.passes(), "d_x ({}): {}", act.name(), c);
    }

    #[test]
    fn whole_autoencoder_gradients(batch in 1usize..4, n in 2usize..7, h1 in 1usize..5, code in 1usize..3, bce in any::<bool>(), seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let encoder = Network::with_widths(&[n, h1, code], &[Activation::Tanh, Activation::Sigmoid], &mut rng);
        let decoder = Network::with_widths(&[code, h1, n], &[Activation::Tanh, Activation::Sigmoid], &mut rng);
        let ae = Autoencoder::new(encoder, decoder);
        let x = random(batch, n, 0.0, 1.0, seed ^ 3);
        let loss = if bce { LossKind::BinaryCrossEntropy } else { LossKind::Mse };
        let g = ae.gradients(&x, &x, loss);
        let analytic = flatten_grads(&[g.encoder, g.decoder].concat());
        let mut probe = ae.clone();
        let c = check(&ae.flat_params(), &analytic, |t| {
            probe.set_flat_params(t);
            probe.loss(&x, loss)
        });
        prop_assert!(c.passes(), "{:?}: {}", loss, c);
    }
}

#[test]
fn sigmoid_does_not_overflow() {
    use autoencoders::nn::activation::sigmoid;
    assert_eq!(sigmoid(1000.0), 1.0);
    assert_eq!(sigmoid(-1000.0), 0.0);
    assert!((sigmoid(-745.0)).is_finite());
}

#[test]
fn gradcheck_catches_a_wrong_gradient() {
    // d/dx x² is 2x; claiming 2x + 1e-4 must fail the check, or the check proves nothing.
    let c = check(&[0.7], &[1.4 + 1e-4], |t| t[0] * t[0]);
    assert!(!c.passes(), "{c}");
    assert!(c.max_relative_error > 10.0 * TOLERANCE);
    let c = check(&[0.7], &[f64::NAN], |t| t[0] * t[0]);
    assert!(!c.passes());
}

#[test]
fn backward_without_the_input_gradient_gives_the_same_parameter_gradients() {
    let mut rng = Rng::new(4);
    let net =
        Network::with_widths(&[7, 5, 4, 3], &[Activation::Sigmoid, Activation::Tanh, Activation::Identity], &mut rng);
    let x = Matrix::uniform(6, 7, -1.0, 1.0, &mut rng);
    let d_out = Matrix::uniform(6, 3, -1.0, 1.0, &mut rng);
    let caches = net.forward(&x);
    let (full, _) = net.backward(&caches, &d_out);
    // The same products in the same order, minus the first layer's d_x: equal to the bit.
    assert_eq!(net.backward_params(&caches, &d_out), full);
}
