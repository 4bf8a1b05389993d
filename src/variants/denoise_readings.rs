//! §4.2 says two different things about the denoising loss: first that the output is scored
//! against the clean input and not the corrupted one, then that the loss is taken between the
//! output and the corrupted input. Both readings can be trained; this module holds the second
//! (the first is [`crate::variants::denoise::train_epoch`]) and a measure of what each learns.
//!
//! ```text
//! clean target      x̃ = corrupt(x);  L = loss(decoder(encoder(x̃)), x)     the usual DAE
//! corrupted target  x̃ = corrupt(x);  L = loss(decoder(encoder(x̃)), x̃)    copy what you see
//! ink level         mean of x̂ over the pixels where the clean x ≥ threshold
//! ```
//!
//! Scored against x̃, the best a network can do is give back x̃ itself, holes included: masking
//! removes a fraction ν of every stroke, so such a model learns to draw strokes faded by about
//! that fraction, and restores nothing.

use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::loss::LossKind;
use crate::nn::network::Autoencoder;
use crate::nn::optim::Optimizer;
use crate::variants::denoise::Corruption;

/// One step of the corrupted-target reading: corrupt `clean`, reconstruct x̃ from x̃. Returns
/// the loss before the update.
pub fn train_step_corrupted_target(
    ae: &mut Autoencoder,
    clean: &Matrix,
    corruption: Corruption,
    loss: LossKind,
    opt: &mut dyn Optimizer,
    rng: &mut Rng,
) -> f64 {
    let noisy = corruption.apply(clean, rng);
    ae.train_step(&noisy.x, &noisy.x, loss, opt)
}

/// One pass over x: (n, features) in a random order, one corrupted-target step per mini-batch
/// with a fresh corruption (draw for draw as [`crate::variants::denoise::train_epoch`]); the
/// mean loss over the mini-batches.
pub fn train_epoch_corrupted_target(
    ae: &mut Autoencoder,
    x: &Matrix,
    batch_size: usize,
    corruption: Corruption,
    loss: LossKind,
    opt: &mut dyn Optimizer,
    rng: &mut Rng,
) -> f64 {
    crate::nn::minibatch_epoch(x, batch_size, rng, |_, xb, rng| {
        train_step_corrupted_target(ae, xb, corruption, loss, opt, rng)
    })
}

/// Mean of `out` over the entries where `clean` ≥ `threshold`: how bright a model draws the
/// strokes (1 for a perfect restoration of pure ink). out, clean: (n, d); NaN if no entry
/// reaches the threshold.
pub fn ink_level(out: &Matrix, clean: &Matrix, threshold: f64) -> f64 {
    assert_eq!(out.shape(), clean.shape(), "ink_level: shapes differ");
    let (sum, n) = out
        .data()
        .iter()
        .zip(clean.data())
        .filter(|&(_, &c)| c >= threshold)
        .fold((0.0, 0usize), |(s, n), (&o, _)| (s + o, n + 1));
    sum / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ink_level_averages_the_output_where_the_clean_input_is_dark() {
        let clean = Matrix::from_rows(&[&[1.0, 0.0, 0.6, 0.2]]);
        let out = Matrix::from_rows(&[&[0.5, 0.9, 0.3, 0.9]]);
        // Pixels 0 and 2 reach 0.5: (0.5 + 0.3) / 2.
        assert!((ink_level(&out, &clean, 0.5) - 0.4).abs() < 1e-15);
    }
}
