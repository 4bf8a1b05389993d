//! §4.4 describes a stacked autoencoder as layers of *sparse* autoencoders. This is
//! [`crate::variants::stacked::pretrain`] with a sparsity penalty (§4.1) on every layer's code:
//!
//! ```text
//! layer l   h_l = σ(W_l h_{l−1} + b_l),  trained to give back h_{l−1}:
//!           L = loss(decode(h_l), h_{l−1}) + Ω(h_l)          (Ω as in variants::sparse)
//! ```
//!
//! greedily, one layer at a time, each on the codes of the one below.

use crate::core::error::{Error, Result};
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::dense::Dense;
use crate::nn::network::Network;
use crate::nn::optim::Adam;
use crate::structure::{self, TrainConfig};
use crate::variants::sparse::{self, Sparsity};

/// Greedy layer-wise pretraining with `sparsity` on each layer's code. `widths` = [input,
/// hidden 1, …, top]; each layer is a sigmoid autoencoder with its output started at the mean
/// of its input, trained with `cfg`'s loss, batch size, learning rate and epochs (Adam). Returns
/// the stack of encoder layers and each layer's per-epoch objective (loss + penalty).
pub fn pretrain(
    x: &Matrix,
    widths: &[usize],
    cfg: &TrainConfig,
    sparsity: Sparsity,
    rng: &mut Rng,
) -> Result<(Network, Vec<Vec<f64>>)> {
    if widths.len() < 2 || widths[0] != x.cols() {
        return Err(Error::Invalid(format!("stacked: widths {widths:?} must start with the data width {}", x.cols())));
    }
    let mut layers: Vec<Dense> = Vec::new();
    let mut losses = Vec::new();
    let mut input = x.clone();
    for pair in widths.windows(2) {
        let mut ae = structure::sigmoid_autoencoder(pair[0], pair[1], rng);
        structure::start_output_at_mean(&mut ae, &input);
        let mut opt = Adam::new(cfg.lr);
        let mut per_epoch = Vec::with_capacity(cfg.epochs);
        for epoch in 1..=cfg.epochs {
            let l = sparse::train_epoch(&mut ae, &input, cfg.batch_size, cfg.loss, sparsity, &mut opt, rng);
            ae.check_finite("sparse pretraining", epoch, input.rows().div_ceil(cfg.batch_size), l)?;
            per_epoch.push(l);
            opt.lr *= cfg.lr_decay;
        }
        losses.push(per_epoch);
        input = ae.encode(&input);
        layers.push(ae.encoder.layers.remove(0));
    }
    Ok((Network::new(layers), losses))
}
