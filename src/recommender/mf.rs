//! Biased matrix factorisation (Koren, Bell & Volinsky, 2009): the model the Netflix Prize
//! made standard, here as a member of §5's blend ([`super::ensemble`]), not as an autoencoder.
//!
//! Each user and each movie gets a bias and a short vector of k "tastes"; a rating is the
//! global mean, plus both biases, plus how well the two vectors agree:
//!
//! ```text
//! predict   r̂_ui = μ + b_u + b_i + p_u · q_i          p_u, q_i ∈ ℝᵏ, clipped to [1, 5]
//! loss      Σ_{(u,i) rated} ℓ_ui, one term per training rating:
//!           ℓ_ui = (r̂_ui − r_ui)² + λ (‖p_u‖² + ‖q_i‖²) + λ_b (b_u² + b_i²)
//! gradient  e = r̂_ui − r_ui
//!           ∂ℓ/∂b_u = 2e + 2λ_b b_u        ∂ℓ/∂b_i = 2e + 2λ_b b_i
//!           ∂ℓ/∂p_u = 2e q_i + 2λ p_u      ∂ℓ/∂q_i = 2e p_u + 2λ q_i
//! SGD       θ ← θ − (η/2) ∂ℓ/∂θ after each rating, the ratings in a fresh random order
//!           every epoch, η shrinking ×`lr_decay` per epoch
//! ```
//!
//! μ is fixed to the training mean. The penalty is counted once per rating, so a user with
//! many ratings is regularised in proportion to the evidence: the usual form of SGD for this
//! model, and the same weighting as the per-rating λ·n_u that ALS-WR uses (Zhou et al. 2008).
//! For a full matrix, with no biases and no penalty, the best such factorisation is the
//! truncated SVD, the subspace [`crate::compare::pca`] finds and a linear autoencoder learns
//! (§2); here only the observed entries are fitted, so it is learned by SGD instead.
//!
//! [`Mf::rating_gradient`] is the one derivative: SGD applies it rating by rating, and the
//! chapter's gradient check ([`crate::gradcheck::models::mf`]) sums it over a few ratings and
//! holds it against central differences of [`Mf::rating_loss`].
//!
//! ## Search (ml-100k u1.base, validation on the held-out tenth, seed 1)
//!
//! Best epoch's held-out RMSE (bias baseline: 0.9507), with `examples/ensemble_u1.rs`:
//!
//! ```text
//! k    η     decay  λ     init  epochs    best epoch   held-out RMSE
//! 50   0.01  0.93   0.05  0.1   60        60           0.9382   (still falling: too slow)
//! 50   0.02  0.97   0.05  0.1   60        13           0.9336   (then overfits)
//! 50   0.03  0.95   0.08  0.1   60        20           0.9246
//! 20   0.02  0.97   0.02  0.1   60         8           0.9414
//! 100  0.02  0.97   0.1   0.1   60        48           0.9201
//! 100  0.02  0.97   0.15  0.1   80        78           0.9267
//! 200  0.02  0.97   0.1   0.1   80        46           0.9200   (2.2 s)
//! 100  0.02  0.98   0.1   0.1   100       31           0.9196   (λ_b 0.05)
//! 100  0.01  0.98   0.1   0.05  100      100           0.9184   ← Config::default() (1.2 s)
//! ```
//!
//! Alone, MF is well behind item-based AutoRec (0.8921 on the same held-out ratings); what it
//! brings to the blend is measured in [`super::ensemble`].

use crate::core::matrix::dot;
use crate::core::rng::Rng;
use crate::data::movielens::RatingTable;
use crate::nn::optim::{Optimizer, Sgd};
use crate::recommender::baselines::clip;

/// Hyperparameters. `Default` (chosen on the held-out tenth of u1.base, see the module doc):
/// k = 100, η = 0.01 shrinking ×0.98 per epoch, λ = 0.1, λ_b = 0.01, initial factors
/// N(0, 0.05²), at most 100 epochs.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// k, the length of each taste vector.
    pub factors: usize,
    pub lr: f64,
    /// η after epoch e is lr · lr_decayᵉ.
    pub lr_decay: f64,
    /// λ, on the taste vectors.
    pub lambda: f64,
    /// λ_b, on the biases.
    pub lambda_bias: f64,
    /// Standard deviation of the initial p and q.
    pub init_std: f64,
    /// The most epochs a validation run tries.
    pub epochs: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { factors: 100, lr: 0.01, lr_decay: 0.98, lambda: 0.1, lambda_bias: 0.01, init_std: 0.05, epochs: 100 }
    }
}

/// The parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Mf {
    pub k: usize,
    /// μ, the training mean (not trained).
    pub mu: f64,
    /// b_u: (n_users).
    pub b_user: Vec<f64>,
    /// b_i: (n_items).
    pub b_item: Vec<f64>,
    /// P: (n_users, k), one taste vector per row.
    pub p: Vec<f64>,
    /// Q: (n_items, k).
    pub q: Vec<f64>,
}

/// ∂ℓ_ui/∂θ for the parameters one rating touches.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingGrad {
    /// e = r̂_ui − r_ui, unclipped.
    pub e: f64,
    pub d_b_user: f64,
    pub d_b_item: f64,
    /// (k)
    pub d_p: Vec<f64>,
    /// (k)
    pub d_q: Vec<f64>,
}

impl Mf {
    /// Biases 0, factors drawn from N(0, init_std²).
    pub fn new(n_users: usize, n_items: usize, k: usize, mu: f64, init_std: f64, rng: &mut Rng) -> Self {
        let p = (0..n_users * k).map(|_| init_std * rng.normal()).collect();
        let q = (0..n_items * k).map(|_| init_std * rng.normal()).collect();
        Mf { k, mu, b_user: vec![0.0; n_users], b_item: vec![0.0; n_items], p, q }
    }

    pub fn n_users(&self) -> usize {
        self.b_user.len()
    }

    pub fn n_items(&self) -> usize {
        self.b_item.len()
    }

    fn p_row(&self, u: usize) -> &[f64] {
        &self.p[u * self.k..][..self.k]
    }

    fn q_row(&self, i: usize) -> &[f64] {
        &self.q[i * self.k..][..self.k]
    }

    /// μ + b_u + b_i + p_u · q_i, unclipped.
    pub fn raw(&self, u: usize, i: usize) -> f64 {
        self.mu + self.b_user[u] + self.b_item[i] + dot(self.p_row(u), self.q_row(i))
    }

    /// r̂_ui, clipped to the rating scale.
    pub fn predict(&self, u: usize, i: usize) -> f64 {
        clip(self.raw(u, i))
    }

    /// ℓ_ui of one rating r (see the module doc).
    pub fn rating_loss(&self, u: usize, i: usize, r: f64, config: &Config) -> f64 {
        let e = self.raw(u, i) - r;
        let (p, q) = (self.p_row(u), self.q_row(i));
        let (bu, bi) = (self.b_user[u], self.b_item[i]);
        e * e + config.lambda * (dot(p, p) + dot(q, q)) + config.lambda_bias * (bu * bu + bi * bi)
    }

    /// ∂ℓ_ui/∂(b_u, b_i, p_u, q_i) of one rating r.
    pub fn rating_gradient(&self, u: usize, i: usize, r: f64, config: &Config) -> RatingGrad {
        let e = self.raw(u, i) - r;
        let (p, q) = (self.p_row(u), self.q_row(i));
        let (lam, lam_b) = (config.lambda, config.lambda_bias);
        RatingGrad {
            e,
            d_b_user: 2.0 * e + 2.0 * lam_b * self.b_user[u],
            d_b_item: 2.0 * e + 2.0 * lam_b * self.b_item[i],
            d_p: q.iter().zip(p).map(|(&qj, &pj)| 2.0 * e * qj + 2.0 * lam * pj).collect(),
            d_q: p.iter().zip(q).map(|(&pj, &qj)| 2.0 * e * pj + 2.0 * lam * qj).collect(),
        }
    }

    /// θ ← θ − step · ∂ℓ_ui/∂θ for the parameters `g` belongs to: [`Sgd`]'s update on the four
    /// slices one rating touches. Its own weight decay stays 0: the penalties are already in
    /// `g`, counted once per rating as the module doc says, which a decay applied per update
    /// would repeat.
    pub fn apply(&mut self, u: usize, i: usize, g: &RatingGrad, step: f64) {
        let k = self.k;
        let mut sgd = Sgd::new(step);
        sgd.update(0, std::slice::from_mut(&mut self.b_user[u]), &[g.d_b_user]);
        sgd.update(1, std::slice::from_mut(&mut self.b_item[i]), &[g.d_b_item]);
        sgd.update(2, &mut self.p[u * k..][..k], &g.d_p);
        sgd.update(3, &mut self.q[i * k..][..k], &g.d_q);
    }

    pub fn all_finite(&self) -> bool {
        [&self.b_user, &self.b_item, &self.p, &self.q].iter().all(|t| t.iter().all(|x| x.is_finite()))
    }
}

/// SGD training state.
pub struct Trainer {
    pub model: Mf,
    pub config: Config,
    /// Every training rating as (user, item, rating).
    ratings: Vec<(u32, u32, f64)>,
    epochs_done: i32,
    rng: Rng,
}

impl Trainer {
    /// A fresh model for `train`'s shape drawn from `seed`, μ the training mean.
    pub fn new(train: &RatingTable, config: Config, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mu = train.mean().unwrap_or(3.0);
        let model = Mf::new(train.n_users(), train.n_movies(), config.factors, mu, config.init_std, &mut rng);
        let ratings = train.iter().map(|e| (e.user as u32, e.movie as u32, f64::from(e.rating))).collect();
        Trainer { model, config, ratings, epochs_done: 0, rng }
    }

    /// One pass over the ratings in a fresh random order, one SGD step each. Returns the
    /// training RMSE measured on the way (each rating before its own step).
    pub fn epoch(&mut self) -> f64 {
        let step = 0.5 * self.config.lr * self.config.lr_decay.powi(self.epochs_done);
        let order = self.rng.permutation(self.ratings.len());
        let mut se = 0.0;
        for j in order {
            let (u, i, r) = self.ratings[j];
            let (u, i) = (u as usize, i as usize);
            let g = self.model.rating_gradient(u, i, r, &self.config);
            se += g.e * g.e;
            self.model.apply(u, i, &g, step);
        }
        self.epochs_done += 1;
        (se / self.ratings.len().max(1) as f64).sqrt()
    }
}
