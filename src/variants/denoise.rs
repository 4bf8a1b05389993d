//! Denoising autoencoders (§4.2): corrupt the input on purpose, and score the reconstruction
//! against the clean input, so the network cannot succeed by copying what it is shown.
//!
//! ```text
//! masking    m_ri ~ Bernoulli(ν) independently;  x̃_ri = 0 if m_ri, else x_ri
//! gaussian   x̃_ri = x_ri + σ·ε_ri,  ε_ri ~ N(0, 1)                  (for comparison)
//! train      x̂ = decoder(encoder(x̃));  L = loss(x̂, x)                 (x, not x̃)
//! ```
//!
//! §4.2 also says, a few lines on, that the loss compares the output with the *corrupted*
//! input. That second reading is [`CorruptedTarget`]; [`ink_level`] measures what it learns:
//!
//! ```text
//! corrupted target  x̃ = corrupt(x);  L = loss(decoder(encoder(x̃)), x̃)    copy what you see
//! ink level         mean of x̂ over the pixels where the clean x ≥ threshold
//! ```
//!
//! Scored against x̃, the best a network can do is give back x̃ itself, holes included:
//! masking removes a fraction ν of every stroke, so such a model learns to draw strokes faded
//! by about that fraction, and restores nothing.
//!
//! §4.2 describes the masking kind: a random subset of inputs set to zero, the rest copied.
//! Each training step draws a fresh corruption from the seeded generator, so the same seed
//! trains the same network. [`Corrupted::mask`] records which inputs were dropped so a test
//! (or a reader) can check that exactly those, and only those, became 0.
//!
//! ```
//! use autoencoders::{core::matrix::Matrix, core::rng::Rng, variants::denoise::mask_noise};
//! let x = Matrix::row_vector(&[0.5, 0.6, 0.7, 0.8]);
//! let c = mask_noise(&x, 0.5, &mut Rng::new(3));
//! for i in 0..4 {
//!     let expected = if c.mask[i] { 0.0 } else { x.data()[i] };
//!     assert_eq!(c.x.data()[i], expected);
//! }
//! ```

use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::loss::LossKind;
use crate::nn::network::{Autoencoder, StepGrads};
use crate::nn::train::Objective;

/// A corrupted batch and which entries the masking dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct Corrupted {
    /// x̃, (batch, n).
    pub x: Matrix,
    /// true where the input was set to 0, row-major like `x` (all false for Gaussian noise).
    pub mask: Vec<bool>,
}

/// How a denoising autoencoder corrupts its input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Corruption {
    /// No corruption: a plain autoencoder.
    None,
    /// Each input set to 0 with probability ν.
    Mask { nu: f64 },
    /// Independent N(0, σ²) noise added to each input.
    Gaussian { sigma: f64 },
}

impl Corruption {
    /// x: (batch, n) → x̃ and the mask, drawing from `rng`.
    pub fn apply(self, x: &Matrix, rng: &mut Rng) -> Corrupted {
        match self {
            Corruption::None => Corrupted { x: x.clone(), mask: vec![false; x.len()] },
            Corruption::Mask { nu } => mask_noise(x, nu, rng),
            Corruption::Gaussian { sigma } => {
                Corrupted { x: gaussian_noise(x, sigma, rng), mask: vec![false; x.len()] }
            }
        }
    }

    pub fn name(self) -> String {
        match self {
            Corruption::None => "none".into(),
            Corruption::Mask { nu } => format!("masking ν = {nu}"),
            Corruption::Gaussian { sigma } => format!("gaussian σ = {sigma}"),
        }
    }
}

/// Masking corruption: each entry of x: (batch, n) independently set to 0 with probability
/// ν ∈ [0, 1]. One uniform draw per entry, in row-major order.
pub fn mask_noise(x: &Matrix, nu: f64, rng: &mut Rng) -> Corrupted {
    assert!((0.0..=1.0).contains(&nu), "mask_noise: ν = {nu} is not a probability");
    let mask: Vec<bool> = (0..x.len()).map(|_| rng.bernoulli(nu)).collect();
    let mut out = x.clone();
    for (v, &m) in out.data_mut().iter_mut().zip(&mask) {
        if m {
            *v = 0.0;
        }
    }
    Corrupted { x: out, mask }
}

/// Additive Gaussian noise x + σ·ε. x: (batch, n) → (batch, n). Values are not clipped.
pub fn gaussian_noise(x: &Matrix, sigma: f64, rng: &mut Rng) -> Matrix {
    x.add(&Matrix::normal(x.rows(), x.cols(), sigma, rng))
}

/// Forward and backward of the denoising loss on a clean batch: a fresh corruption x̃ drawn
/// from `rng`, the reconstruction of x̃, scored against the clean batch (not against x̃).
/// `Corruption::None` draws nothing: the plain loss. clean: (batch, n).
///
/// ```text
/// x̃ = corrupt(x);   L = loss(decoder(encoder(x̃)), x)
/// ```
pub fn gradients(ae: &Autoencoder, clean: &Matrix, corruption: Corruption, loss: LossKind, rng: &mut Rng) -> StepGrads {
    let noisy = corruption.apply(clean, rng);
    ae.gradients(&noisy.x, clean, loss)
}

/// §4.2's objective for [`crate::nn::train`]: [`gradients`].
impl Objective for Corruption {
    fn gradients(&self, ae: &Autoencoder, clean: &Matrix, loss: LossKind, rng: &mut Rng) -> StepGrads {
        gradients(ae, clean, *self, loss, rng)
    }
}

/// How well `ae` restores corrupted inputs: the loss of reconstructing the clean x from x̃.
pub fn restoration_loss(ae: &Autoencoder, corrupted: &Matrix, clean: &Matrix, loss: LossKind) -> f64 {
    loss.eval(&ae.reconstruct(corrupted), clean).value
}

/// §4.2's second reading of its loss, for [`crate::nn::train`]: a fresh corruption x̃ of the
/// batch, reconstructed and scored against x̃ itself rather than the clean batch. It draws
/// exactly what [`Corruption`]'s objective draws, so both readings see the same corruptions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CorruptedTarget(pub Corruption);

impl Objective for CorruptedTarget {
    fn gradients(&self, ae: &Autoencoder, clean: &Matrix, loss: LossKind, rng: &mut Rng) -> StepGrads {
        let noisy = self.0.apply(clean, rng);
        ae.gradients(&noisy.x, &noisy.x, loss)
    }
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

    #[test]
    fn the_corrupted_target_is_scored_against_the_same_corruption_it_reconstructs() {
        // With ν = 0 nothing is dropped: both readings are the plain loss, gradient for gradient.
        let ae = crate::structure::sigmoid_autoencoder(4, 2, &mut Rng::new(1));
        let x = Matrix::from_rows(&[&[0.1, 0.9, 0.4, 0.0], &[0.7, 0.2, 0.0, 0.5]]);
        let a = CorruptedTarget(Corruption::Mask { nu: 0.0 }).gradients(&ae, &x, LossKind::Mse, &mut Rng::new(2));
        let b = ae.gradients(&x, &x, LossKind::Mse);
        assert_eq!(a.loss, b.loss);
        // With ν > 0 the target has the holes: the loss differs from the clean-target one on
        // the same draw.
        let masked = Corruption::Mask { nu: 0.5 };
        let c = CorruptedTarget(masked).gradients(&ae, &x, LossKind::Mse, &mut Rng::new(3));
        let d = masked.gradients(&ae, &x, LossKind::Mse, &mut Rng::new(3));
        assert_ne!(c.loss, d.loss);
    }
}
