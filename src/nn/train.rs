//! Training: the one mini-batch loop of the workbook, and the objectives an autoencoder is
//! trained on (§3 steps 6–7, repeated over shuffled mini-batches).
//!
//! ```text
//! epoch      order = a fresh permutation of the n rows of X
//!            for each run of `batch_size` rows B of that order:
//!                g = ∂J/∂θ on X_B          (the objective's forward and backward)
//!                θ ← optimizer(θ, g)       (one step, every parameter)
//!            → the mean of J over the batches, each J taken before its step
//! ```
//!
//! An [`Objective`] says what J is and how its gradient is found. The plain objective is the
//! reconstruction loss, J = L(decode(encode(x)), x): [`Plain`]. The variants of §4 each
//! implement it beside their own math:
//!
//! ```text
//! sparse        J = L(x̂, x) + Ω(h), Ω a KL or L1 penalty; or top-k on h   variants::sparse::Sparsity
//! denoising     J = L(decode(encode(x̃)), x), x̃ a fresh corruption of x  variants::denoise::Corruption
//! contractive   J = L(x̂, x) + λ‖J_f(x)‖²_F                               variants::contractive::Contractive
//! ```
//!
//! (An objective is a trait rather than one enum here because the penalties live with the
//! sections that teach them, and `nn` imports nothing from those sections.)
//!
//! [`minibatch_epoch`] walks the batches. The mini-batch trainers of §1–§4 all walk their data
//! through it, so they all draw their order the same way: [`epoch`] and [`step`] train an
//! [`Autoencoder`] on an objective with any [`Optimizer`], and [`train`] runs whole epochs of
//! them with Adam, the configuration §2, §4.4 and §4.5 share; the conv autoencoder, the RBMs,
//! the classifiers, fine-tuning and the image autoencoder's fast twin step on their own
//! models inside it.

use crate::core::error::{Error, Result};
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::loss::LossKind;
use crate::nn::network::{Autoencoder, StepGrads};
use crate::nn::optim::{Adam, Optimizer};

/// One epoch of mini-batch training: the rows of x: (n, features) in a fresh random order,
/// `batch_size` at a time (the last batch may be shorter). `step(rows, x_batch, rng)` trains
/// on one batch, given the indices of its rows and the rows themselves, and returns its
/// loss; the mean over the batches comes back.
pub fn minibatch_epoch(
    x: &Matrix,
    batch_size: usize,
    rng: &mut Rng,
    mut step: impl FnMut(&[usize], &Matrix, &mut Rng) -> f64,
) -> f64 {
    assert!(batch_size > 0, "minibatch_epoch: batch size 0");
    let order = rng.permutation(x.rows());
    let mut total = 0.0;
    let mut batches = 0;
    for rows in order.chunks(batch_size) {
        total += step(rows, &x.select_rows(rows), rng);
        batches += 1;
    }
    total / batches.max(1) as f64
}

/// What an autoencoder is trained to minimise on a mini-batch.
pub trait Objective {
    /// Forward and backward on the batch x: (batch, n): every parameter's gradient, and in
    /// `loss` the value of the whole objective before any update. `rng` is there for the
    /// objectives that draw (a denoising corruption); the others leave it untouched.
    fn gradients(&self, ae: &Autoencoder, x: &Matrix, loss: LossKind, rng: &mut Rng) -> StepGrads;
}

/// The plain objective: the loss of reconstructing x from x.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plain;

impl Objective for Plain {
    fn gradients(&self, ae: &Autoencoder, x: &Matrix, loss: LossKind, _rng: &mut Rng) -> StepGrads {
        ae.gradients(x, x, loss)
    }
}

/// One optimizer step on one batch x: (batch, n); returns the objective before the step.
pub fn step(
    ae: &mut Autoencoder,
    x: &Matrix,
    objective: &dyn Objective,
    loss: LossKind,
    opt: &mut dyn Optimizer,
    rng: &mut Rng,
) -> f64 {
    let g = objective.gradients(ae, x, loss, rng);
    ae.apply(&g, opt)
}

/// One pass over x: (n, features) in a random order, one [`step`] per mini-batch of
/// `batch_size` rows; returns the mean objective over the mini-batches.
pub fn epoch(
    ae: &mut Autoencoder,
    x: &Matrix,
    objective: &dyn Objective,
    loss: LossKind,
    batch_size: usize,
    opt: &mut dyn Optimizer,
    rng: &mut Rng,
) -> f64 {
    minibatch_epoch(x, batch_size, rng, |_, batch, rng| step(ae, batch, objective, loss, opt, rng))
}

/// Hyperparameters of [`train`]: mini-batch Adam on a shuffled order, the learning rate
/// multiplied by `lr_decay` after every epoch.
///
/// `Default`: 10 epochs, batches of 64, Adam lr 3e-3, decay 1 (none), mean squared error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainConfig {
    pub epochs: usize,
    pub batch_size: usize,
    pub lr: f64,
    pub lr_decay: f64,
    pub loss: LossKind,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig { epochs: 10, batch_size: 64, lr: 3e-3, lr_decay: 1.0, loss: LossKind::Mse }
    }
}

/// Trains `ae` on x: (n, d) for `cfg.epochs` [`epoch`]s of `objective` with a fresh Adam.
/// Returns the mean mini-batch objective of each epoch. Errors with [`Error::Diverged`] if a
/// weight or the objective stops being finite.
pub fn train(
    ae: &mut Autoencoder,
    x: &Matrix,
    objective: &dyn Objective,
    cfg: &TrainConfig,
    rng: &mut Rng,
) -> Result<Vec<f64>> {
    train_observed(ae, x, objective, cfg, rng, &mut |_| {})
}

/// [`train`] that also calls `on_epoch(epoch)` after each finished epoch, so a chapter can
/// show its progress; the training itself is the same, draw for draw.
pub fn train_observed(
    ae: &mut Autoencoder,
    x: &Matrix,
    objective: &dyn Objective,
    cfg: &TrainConfig,
    rng: &mut Rng,
    on_epoch: &mut dyn FnMut(usize),
) -> Result<Vec<f64>> {
    if x.rows() == 0 || cfg.batch_size == 0 {
        return Err(Error::Invalid(format!(
            "training needs examples and a batch size, got {} and {}",
            x.rows(),
            cfg.batch_size
        )));
    }
    let mut opt = Adam::new(cfg.lr);
    let mut losses = Vec::with_capacity(cfg.epochs);
    for e in 1..=cfg.epochs {
        let mean = epoch(ae, x, objective, cfg.loss, cfg.batch_size, &mut opt, rng);
        ae.check_finite("training", e, x.rows().div_ceil(cfg.batch_size), mean)?;
        losses.push(mean);
        opt.lr *= cfg.lr_decay;
        on_epoch(e);
    }
    Ok(losses)
}
