//! The network core of §2–§3: activations, losses, the dense layer, networks and
//! autoencoders, optimizers, and the numeric gradient check they all pass.

pub mod activation;
pub mod dense;
pub mod gradcheck;
pub mod loss;
pub mod network;
pub mod optim;

use crate::core::matrix::Matrix;
use crate::core::rng::Rng;

/// One epoch of mini-batch training: the rows of x: (n, features) in a fresh random order,
/// `batch_size` at a time. `step(rows, x_batch, rng)` trains on one batch and returns its
/// loss; the mean over the batches comes back. Every training loop of the workbook that
/// walks a data set this way calls it, so they all draw their order the same way.
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
