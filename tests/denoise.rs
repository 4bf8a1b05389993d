//! §4.2: masking corruption zeroes exactly the entries of its mask, at rate ν, reproducibly;
//! Gaussian noise has the asked spread; a denoising step scores against the clean input.

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::Autoencoder;
use autoencoders::nn::optim::Sgd;
use autoencoders::nn::train;
use autoencoders::variants::denoise::{Corruption, gaussian_noise, mask_noise};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn masking_zeroes_exactly_the_masked_inputs(rows in 1usize..6, cols in 1usize..12, nu in 0.0f64..=1.0, seed in any::<u64>()) {
        // Inputs never 0 themselves, so a 0 in the output can only come from the mask.
        let x = Matrix::uniform(rows, cols, 0.1, 1.0, &mut Rng::new(seed));
        let c = mask_noise(&x, nu, &mut Rng::new(seed ^ 7));
        prop_assert_eq!(c.mask.len(), x.len());
        for i in 0..x.len() {
            if c.mask[i] {
                prop_assert_eq!(c.x.data()[i], 0.0);
            } else {
                prop_assert_eq!(c.x.data()[i], x.data()[i]);
            }
        }
        // Same seed, same mask.
        prop_assert_eq!(&mask_noise(&x, nu, &mut Rng::new(seed ^ 7)), &c);
    }
}

#[test]
fn masking_rate_is_nu() {
    let x = Matrix::filled(100, 100, 1.0);
    for nu in [0.0, 0.25, 0.5, 1.0] {
        let c = mask_noise(&x, nu, &mut Rng::new(11));
        let rate = c.mask.iter().filter(|&&m| m).count() as f64 / x.len() as f64;
        // 10 000 Bernoulli draws: the standard deviation of the rate is at most 0.005.
        assert!((rate - nu).abs() < 0.02, "ν = {nu}: rate {rate}");
    }
}

#[test]
fn gaussian_noise_has_the_asked_spread() {
    let x = Matrix::filled(100, 100, 0.5);
    let noisy = gaussian_noise(&x, 0.3, &mut Rng::new(4));
    let d = noisy.sub(&x);
    let n = d.len() as f64;
    let mean = d.sum() / n;
    let sd = (d.data().iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    assert!(mean.abs() < 0.01 && (sd - 0.3).abs() < 0.01, "mean {mean}, sd {sd}");
    let c = Corruption::Gaussian { sigma: 0.3 }.apply(&x, &mut Rng::new(4));
    assert_eq!(c.x, noisy);
    assert!(c.mask.iter().all(|&m| !m));
}

#[test]
fn a_denoising_step_is_the_plain_step_on_corrupted_input_against_clean_target() {
    let mut rng = Rng::new(2);
    let ae = Autoencoder::single(6, 3, Activation::Sigmoid, Activation::Sigmoid, &mut rng);
    let x = Matrix::uniform(4, 6, 0.0, 1.0, &mut rng);
    let corruption = Corruption::Mask { nu: 0.5 };

    let mut a = ae.clone();
    let loss_a = train::step(&mut a, &x, &corruption, LossKind::Mse, &mut Sgd::new(0.5), &mut Rng::new(9));

    let mut b = ae.clone();
    let noisy = corruption.apply(&x, &mut Rng::new(9));
    assert!(noisy.mask.iter().any(|&m| m), "the seed should drop something");
    let loss_b = b.train_step(&noisy.x, &x, LossKind::Mse, &mut Sgd::new(0.5));
    assert_eq!(a, b);
    assert_eq!(loss_a, loss_b);
    // Scored against the clean input, not against x̃.
    assert_eq!(loss_a, LossKind::Mse.eval(&ae.reconstruct(&noisy.x), &x).value);
    assert_ne!(loss_a, LossKind::Mse.eval(&ae.reconstruct(&noisy.x), &noisy.x).value);
}
