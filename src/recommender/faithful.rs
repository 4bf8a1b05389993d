//! §5's model as the course code builds and trains it, written with the crate's dense layers:
//! the version to read beside the article.
//!
//! ```text
//! layers     n → 20 → 10 → 20 → n      sigmoid after the first three, linear output
//! input      x = the user's training row (n movies, 0 = unrated)
//! output     ŷ, then ŷ_j ← 0 wherever x_j = 0 (only rated movies are scored)
//! loss       L = (1/n) Σ_{j rated} (ŷ_j − x_j)²      PyTorch's MSELoss over all n outputs
//!              = (|M|/n) · masked MSE over the rated set M
//! optimizer  RMSprop, lr 0.01, weight_decay 0.5, alpha 0.99, eps 1e-8
//! order      one user per step, users in id order, users without ratings skipped
//! gradients  accumulated and NEVER reset: the course code has no zero_grad()
//! ```
//!
//! The last line is the course code's erratum. Every step adds the new gradient to all the old
//! ones, so the RMSprop step follows a running sum of every gradient seen so far, and weight
//! decay 0.5 is only survivable because that sum grows to dominate it. With the gradients reset
//! each step (`zero_grad: true`), the same hyperparameters collapse to a constant prediction;
//! the chapter shows both.
//!
//! Zeroing the unrated outputs before an MSELoss over all n of them scores exactly the rated
//! movies (an unrated output then equals its target, 0, and adds nothing to the loss or its
//! gradient), but divides by n instead of by their number |M|: the course loss is the masked
//! MSE of [`crate::nn::loss`] scaled by |M|/n, which [`course_loss`] computes.
//!
//! ## The fast twin
//!
//! The chapter trains with [`super::faithful_fast`]: the same model and the same update,
//! arranged for speed (only a user's rated movies enter the first and last layers, all
//! parameters sit in one flat vector, two threads share a step, and RMSprop's division runs in
//! f32). `tests/recommender.rs` holds the two equal, and says to what bound and why.

use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::data::movielens::RatingTable;
use crate::nn::activation::Activation;
use crate::nn::dense::DenseGrads;
use crate::nn::loss::{Loss, masked_mse};
use crate::nn::network::Network;
use crate::nn::optim::RmsProp;
use crate::recommender::{Metrics, evaluate};

/// Widths of the three hidden layers.
pub const H1: usize = 20;
pub const H2: usize = 10;
pub const H3: usize = 20;

/// The article's hyperparameters. `Default` is exactly the course code's.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub lr: f64,
    pub weight_decay: f64,
    pub alpha: f64,
    pub eps: f64,
    /// Reset the accumulated gradients before each step (the fix the course code lacks).
    pub zero_grad: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config { lr: 0.01, weight_decay: 0.5, alpha: 0.99, eps: 1e-8, zero_grad: false }
    }
}

/// The stacked autoencoder n → 20 → 10 → 20 → n, each layer with PyTorch's default
/// `nn.Linear` initialisation: W and b uniform in ±1/√fan_in (drawn from this crate's
/// generator, so not PyTorch's numbers).
pub fn sae(n_movies: usize, rng: &mut Rng) -> Network {
    Network::with_widths(
        &[n_movies, H1, H2, H3, n_movies],
        &[Activation::Sigmoid, Activation::Sigmoid, Activation::Sigmoid, Activation::Identity],
        rng,
    )
}

/// The course code's loss for one user, with ∂L/∂ŷ. pred, x: (1, n), x the user's row.
///
/// ```text
/// L = (1/n) Σ_{j ∈ M} (ŷ_j − x_j)² = (|M|/n) · masked_mse      M = { j : x_j ≠ 0 }
/// ∂L/∂ŷ_j = 2(ŷ_j − x_j)/n on M, 0 elsewhere
/// ```
pub fn course_loss(pred: &Matrix, x: &Matrix) -> Loss {
    let rated: Vec<bool> = x.data().iter().map(|&r| r != 0.0).collect();
    let share = rated.iter().filter(|&&m| m).count() as f64 / x.len() as f64;
    let masked = masked_mse(pred, x, &rated);
    Loss { value: masked.value * share, d_pred: masked.d_pred.scale(share) }
}

/// The loss the course code prints for one user: √(L · n / n_rated), the RMSE over the rated
/// movies, computed from MSELoss's mean over all n outputs. (The course adds 1e-10 to n_rated
/// to dodge a division by zero that its own `if` already rules out; it changes nothing here.)
pub fn corrected_rmse(loss: f64, n_movies: usize, n_rated: usize) -> f64 {
    (loss * n_movies as f64 / (n_rated as f64 + 1e-10)).sqrt()
}

/// Training state: the network, the gradients it accumulates, and RMSprop.
pub struct Trainer {
    pub net: Network,
    /// ∂L/∂W and ∂L/∂b of every layer, summed over every step so far (or just this step, with
    /// `zero_grad`): what PyTorch keeps in each parameter's `.grad`.
    pub grad: Vec<DenseGrads>,
    opt: RmsProp,
    zero_grad: bool,
}

impl Trainer {
    pub fn new(net: Network, config: &Config) -> Self {
        let grad = net.layers.iter().map(DenseGrads::zeros_like).collect();
        let mut opt = RmsProp::new(config.lr, config.weight_decay);
        (opt.alpha, opt.eps) = (config.alpha, config.eps);
        Trainer { net, grad, opt, zero_grad: config.zero_grad }
    }

    /// One step on one user, x: (1, n) their training row. Returns the course loss L.
    pub fn step(&mut self, x: &Matrix) -> f64 {
        // 0. The reset a PyTorch loop does with optimizer.zero_grad(); the course code does not.
        if self.zero_grad {
            for g in &mut self.grad {
                g.d_w.data_mut().fill(0.0);
                g.d_b.fill(0.0);
            }
        }
        // 1. Forward: the user's whole row through all four layers.
        let caches = self.net.forward(x);
        let pred = &caches.last().expect("four layers").a;
        // 2. The loss over the rated movies.
        let loss = course_loss(pred, x);
        // 3. Backward: every layer's ∂L/∂W, ∂L/∂b.
        let (grads, _) = self.net.backward(&caches, &loss.d_pred);
        // 4. loss.backward() adds to .grad; it never replaces it.
        for (acc, g) in self.grad.iter_mut().zip(&grads) {
            acc.accumulate(g);
        }
        // 5. RMSprop on the accumulated gradient.
        self.net.apply(&self.grad, &mut self.opt, 0);
        loss.value
    }

    /// One epoch: a step for every user with ratings, in id order. Returns the article's
    /// train loss, the mean over those users of [`corrected_rmse`].
    pub fn epoch(&mut self, train: &RatingTable) -> f64 {
        let n = train.n_movies();
        let (mut total, mut users) = (0.0, 0usize);
        for u in train.rated_users() {
            let loss = self.step(&Matrix::row_vector(&train.dense_row(u)));
            total += corrected_rmse(loss, n, train.row(u).len());
            users += 1;
        }
        total / users.max(1) as f64
    }
}

/// The article's test: each user's training row goes in, and the outputs at that user's test
/// movies are scored against the test ratings (unclipped, as the course code does).
pub fn test_metrics(net: &Network, train: &RatingTable, test: &RatingTable) -> Metrics {
    evaluate(test, |u, row| {
        let out = net.infer(&Matrix::row_vector(&train.dense_row(u)));
        row.iter().map(|&(m, _)| out[(0, m as usize)]).collect()
    })
}
