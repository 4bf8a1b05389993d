//! Three of §4.1's claims, put to a trained sparse autoencoder: does sparsity keep the
//! network from copying its input, does it prevent overfitting, and does a sparse
//! autoencoder need more hidden units than inputs?
//!
//! ```text
//! copying      R²_noise = 1 − Σ (x̂ − u)² / Σ (u − ū)²   on inputs u ~ U(0, 1)ⁿ, never seen
//!              in training; a network that copies its input reproduces them (R² → 1), one
//!              that only knows the data's patterns cannot (R² ≈ 0 or below)
//! overfitting  held-out MSE / training MSE: how much worse the network does on patches it
//!              never saw (1 = no overfitting at all)
//! width        a layer narrower than its input, trained with the same penalty: how many of
//!              its activations are near zero
//! ```
//!
//! ū is each input's mean over the random batch. R² is the share of the random inputs'
//! variance that comes back through the network.

use crate::core::error::Result;
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::activation::Activation;
use crate::nn::dense::Dense;
use crate::nn::loss::LossKind;
use crate::nn::network::{Autoencoder, Network};
use crate::nn::optim::Adam;
use crate::nn::train;
use crate::variants::sparse::{self, Sparsity};

/// How one sparse autoencoder is trained (the chapter's settings, passed through).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recipe {
    pub batch: usize,
    pub lr: f64,
    pub epochs: usize,
    /// Encoder weights start at this fraction of Xavier's scale.
    pub encoder_init_scale: f64,
}

/// R² of reconstructing `u`: (batch, n) through `ae` with `sparsity` (see the module doc).
pub fn copied_variance(ae: &Autoencoder, u: &Matrix, sparsity: Sparsity) -> f64 {
    let recon = sparse::reconstruct(ae, u, sparsity);
    let n = u.rows().max(1) as f64;
    let mean: Vec<f64> = u.col_sums().iter().map(|s| s / n).collect();
    let (mut residual, mut total) = (0.0, 0.0);
    for r in 0..u.rows() {
        for ((&x, &x_hat), &m) in u.row(r).iter().zip(recon.row(r)).zip(&mean) {
            residual += (x_hat - x) * (x_hat - x);
            total += (x - m) * (x - m);
        }
    }
    1.0 - residual / total
}

/// `count` inputs of width `n`, each entry uniform in [0, 1): patterns no digit makes.
pub fn random_inputs(count: usize, n: usize, rng: &mut Rng) -> Matrix {
    Matrix::uniform(count, n, 0.0, 1.0, rng)
}

/// Held-out MSE over training MSE, both through `sparsity`'s code.
pub fn overfit_ratio(ae: &Autoencoder, train: &Matrix, test: &Matrix, sparsity: Sparsity) -> f64 {
    let mse = |x: &Matrix| LossKind::Mse.eval(&sparse::reconstruct(ae, x, sparsity), x).value;
    mse(test) / mse(train)
}

/// Trains an n-`hidden`-n sigmoid autoencoder on x: (rows, n) with `sparsity`, the chapter's
/// way: Xavier weights (the encoder's scaled down), Adam, shuffled mini-batches, mean squared
/// error. Stops with an error if the loss or a weight stops being finite.
pub fn train(x: &Matrix, hidden: usize, sparsity: Sparsity, recipe: &Recipe, rng: &mut Rng) -> Result<Autoencoder> {
    let n = x.cols();
    let mut encoder = Dense::xavier(n, hidden, Activation::Sigmoid, rng);
    encoder.w = encoder.w.scale(recipe.encoder_init_scale);
    let mut ae = Autoencoder::new(
        Network::new(vec![encoder]),
        Network::new(vec![Dense::xavier(hidden, n, Activation::Sigmoid, rng)]),
    );
    let mut opt = Adam::new(recipe.lr);
    for epoch in 1..=recipe.epochs {
        let l = train::epoch(&mut ae, x, &sparsity, LossKind::Mse, recipe.batch, &mut opt, rng);
        ae.check_finite("a narrow sparse autoencoder", epoch, x.rows().div_ceil(recipe.batch), l)?;
    }
    Ok(ae)
}

/// What a narrow layer trained with a sparsity penalty looks like on held-out data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Narrow {
    pub hidden: usize,
    pub mean_activation: f64,
    /// Share of activations below the threshold.
    pub near_zero: f64,
    pub test_mse: f64,
}

/// Trains a layer of `hidden` units (fewer than the inputs, to make the point) with
/// `sparsity` and measures how sparse its code is on `test`.
pub fn narrow_sparse(
    train_x: &Matrix,
    test: &Matrix,
    hidden: usize,
    sparsity: Sparsity,
    near_zero_below: f64,
    recipe: &Recipe,
    rng: &mut Rng,
) -> Result<Narrow> {
    let ae = train(train_x, hidden, sparsity, recipe, rng)?;
    let h = sparse::encode(&ae, test, sparsity);
    Ok(Narrow {
        hidden,
        mean_activation: h.sum() / h.len().max(1) as f64,
        near_zero: sparse::near_zero_fraction(&h, near_zero_below),
        test_mse: LossKind::Mse.eval(&sparse::reconstruct(&ae, test, sparsity), test).value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_network_copies_everything_and_a_constant_one_nothing() {
        // 2-2-2 linear autoencoder with identity weights reproduces any input: R² = 1.
        let id = |n| Dense { w: Matrix::identity(n), b: vec![0.0; n], activation: Activation::Identity };
        let copier = Autoencoder::new(Network::new(vec![id(2)]), Network::new(vec![id(2)]));
        let u = random_inputs(50, 2, &mut Rng::new(1));
        assert!((copied_variance(&copier, &u, Sparsity::None) - 1.0).abs() < 1e-12);
        // Zero weights and the batch mean as output bias: x̂ = ū, so R² = 0 exactly.
        let n = u.rows() as f64;
        let mean: Vec<f64> = u.col_sums().iter().map(|s| s / n).collect();
        let zero = |b: Vec<f64>| Dense { w: Matrix::zeros(2, 2), b, activation: Activation::Identity };
        let constant = Autoencoder::new(Network::new(vec![zero(vec![0.0; 2])]), Network::new(vec![zero(mean)]));
        assert!(copied_variance(&constant, &u, Sparsity::None).abs() < 1e-12);
    }
}
