//! The one mini-batch loop (`nn::train`): every row once per epoch in the generator's order,
//! the mean of the batch losses, and an epoch on an objective that is exactly its steps.

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::Autoencoder;
use autoencoders::nn::optim::Adam;
use autoencoders::nn::train::{self, Objective, Plain, minibatch_epoch};
use autoencoders::variants::contractive::Contractive;
use autoencoders::variants::denoise::Corruption;
use autoencoders::variants::sparse::Sparsity;

#[test]
fn an_epoch_visits_every_row_once_in_the_permutation_order() {
    // Row r holds the number r, so a batch's rows say which examples it got.
    let x = Matrix::from_vec(10, 1, (0..10).map(f64::from).collect());
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mean = minibatch_epoch(&x, 4, &mut Rng::new(3), |rows, xb, _| {
        assert_eq!(xb.data(), rows.iter().map(|&r| r as f64).collect::<Vec<_>>());
        seen.extend_from_slice(rows);
        sizes.push(rows.len());
        rows.len() as f64
    });
    assert_eq!(seen, Rng::new(3).permutation(10));
    assert_eq!(sizes, [4, 4, 2]);
    // The mean of the batch values, (4 + 4 + 2)/3, not a mean over rows.
    assert_eq!(mean, 10.0 / 3.0);
}

#[test]
fn an_epoch_on_an_objective_is_its_steps_on_the_permuted_batches() {
    let mut rng = Rng::new(1);
    let x = Matrix::uniform(11, 6, 0.0, 1.0, &mut rng);
    let init = Autoencoder::single(6, 3, Activation::Sigmoid, Activation::Sigmoid, &mut rng);
    let objectives: [&dyn Objective; 5] = [
        &Plain,
        &Sparsity::Kl { rho: 0.1, beta: 0.5 },
        &Sparsity::TopK { k: 2 },
        &Corruption::Mask { nu: 0.3 },
        &Contractive { lambda: 0.1 },
    ];
    for objective in objectives {
        let mut a = init.clone();
        let mut opt_a = Adam::new(0.01);
        let mean = train::epoch(&mut a, &x, objective, LossKind::Mse, 4, &mut opt_a, &mut Rng::new(7));

        // The same by hand: the permutation, then each batch's step, drawing from one stream.
        let mut b = init.clone();
        let mut opt_b = Adam::new(0.01);
        let mut r = Rng::new(7);
        let order = r.permutation(x.rows());
        let losses: Vec<f64> = order
            .chunks(4)
            .map(|rows| train::step(&mut b, &x.select_rows(rows), objective, LossKind::Mse, &mut opt_b, &mut r))
            .collect();
        assert_eq!(a, b);
        assert_eq!(mean, losses.iter().sum::<f64>() / 3.0);
    }
}

#[test]
fn training_with_no_examples_is_an_error() {
    let mut ae = Autoencoder::single(3, 2, Activation::Sigmoid, Activation::Sigmoid, &mut Rng::new(1));
    let e = train::train(&mut ae, &Matrix::zeros(0, 3), &Plain, &train::TrainConfig::default(), &mut Rng::new(1));
    assert!(e.is_err());
}
