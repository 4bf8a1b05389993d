//! A better autoencoder recommender: item-based AutoRec (Sedhain, Menon, Sanner & Xie, 2015),
//! trained properly.
//!
//! The article's model encodes a *user* (their ratings of every movie). I-AutoRec encodes an
//! *item*: the vector of every user's rating of one movie, observed entries only, and learns
//! to fill in the rest. Items have many more ratings each than users have, which makes the
//! reconstruction better posed.
//!
//! ```text
//! input     r_i ∈ ℝ^{n_users}, the ratings of item i (0 = unobserved)
//! encode    h = σ(V r_i + μ)              V: (k, n_users), μ: (k)
//! decode    r̂_i = W h + b                 W: (n_users, k), b: (n_users)
//! loss      Σ_i Σ_{u observed} (r̂_ui − r_ui)² + (λ/2)(‖W‖² + ‖V‖²)
//! predict   r̂_ui, clipped to [1, 5]; an item with no training ratings gets the bias baseline
//! ```
//!
//! What "properly" means, against the article's training: the gradients are reset every
//! step, only observed ratings are scored (not zeros standing for "unrated"), the weight
//! penalty is a deliberate λ rather than RMSprop's weight decay fighting a gradient sum, and
//! Adam runs over shuffled mini-batches of items.
//!
//! Both V and W are stored one user per row, (n_users, k), so an item's observed users pick
//! out contiguous rows in the forward and backward passes.

use crate::data::movielens::RatingTable;
use crate::nn::activation::sigmoid;
use crate::nn::optim::{Adam, Optimizer};
use crate::rng::Rng;

/// Hyperparameters. `Default`: k = 500 hidden units, λ = 1, Adam lr 1e-3, batches of 32
/// items, 60 epochs.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub hidden: usize,
    pub lambda: f64,
    pub lr: f64,
    pub batch: usize,
    pub epochs: usize,
    /// Masking noise on the input (§4.2): each observed rating is hidden from the encoder with
    /// this probability during training, but still scored, so the network must predict it.
    pub dropout: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config { hidden: 500, lambda: 1.0, lr: 1e-3, batch: 32, epochs: 60, dropout: 0.0 }
    }
}

/// The I-AutoRec parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct AutoRec {
    pub n_users: usize,
    pub hidden: usize,
    /// Vᵀ: (n_users, k), the encoder weights, one row per user.
    pub v: Vec<f64>,
    /// μ: (k), the encoder bias.
    pub mu: Vec<f64>,
    /// W: (n_users, k), the decoder weights.
    pub w: Vec<f64>,
    /// b: (n_users), the decoder bias.
    pub b: Vec<f64>,
}

/// Each item's observed ratings as (user index, rating): the columns of the user × movie table.
/// With `base`, each value is the rating's residual r − base(u, i) instead of the rating.
pub fn item_columns(train: &RatingTable, base: Option<&dyn Fn(usize, usize) -> f64>) -> Vec<Vec<(u32, f64)>> {
    let mut cols = vec![Vec::new(); train.n_movies()];
    for e in train.iter() {
        let r = f64::from(e.rating) - base.map_or(0.0, |b| b(e.user, e.movie));
        cols[e.movie].push((e.user as u32, r));
    }
    cols
}

impl AutoRec {
    /// Uniform ±1/√fan_in initialisation, as for a linear layer.
    pub fn new(n_users: usize, hidden: usize, rng: &mut Rng) -> Self {
        let bv = 1.0 / (n_users as f64).sqrt();
        let bw = 1.0 / (hidden as f64).sqrt();
        let v = (0..n_users * hidden).map(|_| rng.range(-bv, bv)).collect();
        let mu = (0..hidden).map(|_| rng.range(-bv, bv)).collect();
        let w = (0..n_users * hidden).map(|_| rng.range(-bw, bw)).collect();
        let b = (0..n_users).map(|_| rng.range(-bw, bw)).collect();
        AutoRec { n_users, hidden, v, mu, w, b }
    }

    /// h = σ(V r_i + μ) for an item's observed ratings `col`.
    pub fn encode(&self, col: &[(u32, f64)]) -> Vec<f64> {
        let k = self.hidden;
        let mut z = self.mu.clone();
        for &(u, r) in col {
            let row = &self.v[u as usize * k..][..k];
            for (zj, &vj) in z.iter_mut().zip(row) {
                *zj += r * vj;
            }
        }
        z.iter().map(|&x| sigmoid(x)).collect()
    }

    /// r̂_ui = b_u + W_u·h, unclipped.
    pub fn decode_one(&self, h: &[f64], u: usize) -> f64 {
        let k = self.hidden;
        self.b[u] + crate::matrix::dot(&self.w[u * k..][..k], h)
    }

    /// The loss of one item's observed ratings (the squared errors alone, no penalty), with its
    /// gradient added into `grad` (laid out like the model: v, mu, w, b).
    pub fn accumulate_item(&self, col: &[(u32, f64)], grad: &mut AutoRec) -> f64 {
        self.accumulate_item_masked(col, col, grad)
    }

    /// As [`AutoRec::accumulate_item`], encoding only `input` (a subset of `col`, for masking
    /// noise) and scoring every rating in `col`.
    pub fn accumulate_item_masked(&self, input: &[(u32, f64)], col: &[(u32, f64)], grad: &mut AutoRec) -> f64 {
        let k = self.hidden;
        let h = self.encode(input);
        let mut loss = 0.0;
        let mut d_h = vec![0.0; k];
        for &(u, r) in col {
            let u = u as usize;
            let d = self.decode_one(&h, u) - r;
            loss += d * d;
            let d_out = 2.0 * d;
            grad.b[u] += d_out;
            let w = &self.w[u * k..][..k];
            let gw = &mut grad.w[u * k..][..k];
            for j in 0..k {
                gw[j] += d_out * h[j];
                d_h[j] += d_out * w[j];
            }
        }
        let d_z: Vec<f64> = d_h.iter().zip(&h).map(|(&dh, &hj)| dh * hj * (1.0 - hj)).collect();
        for (g, &dz) in grad.mu.iter_mut().zip(&d_z) {
            *g += dz;
        }
        for &(u, r) in input {
            let gv = &mut grad.v[u as usize * k..][..k];
            for (g, &dz) in gv.iter_mut().zip(&d_z) {
                *g += r * dz;
            }
        }
        loss
    }

    /// (λ/2)(‖W‖² + ‖V‖²) scaled by `share`, with its gradient added into `grad`.
    pub fn accumulate_penalty(&self, lambda: f64, share: f64, grad: &mut AutoRec) -> f64 {
        let c = lambda * share;
        let mut sq = 0.0;
        for (g, &p) in grad.v.iter_mut().zip(&self.v).chain(grad.w.iter_mut().zip(&self.w)) {
            *g += c * p;
            sq += p * p;
        }
        0.5 * c * sq
    }

    fn zeros_like(&self) -> AutoRec {
        AutoRec {
            n_users: self.n_users,
            hidden: self.hidden,
            v: vec![0.0; self.v.len()],
            mu: vec![0.0; self.mu.len()],
            w: vec![0.0; self.w.len()],
            b: vec![0.0; self.b.len()],
        }
    }

    fn zero(&mut self) {
        for t in [&mut self.v, &mut self.mu, &mut self.w, &mut self.b] {
            t.fill(0.0);
        }
    }

    /// Every parameter, flattened in the order v, mu, w, b (for gradient checks and files).
    pub fn flat(&self) -> Vec<f64> {
        [&self.v[..], &self.mu, &self.w, &self.b].concat()
    }

    pub fn set_flat(&mut self, flat: &[f64]) {
        let mut at = 0;
        for t in [&mut self.v, &mut self.mu, &mut self.w, &mut self.b] {
            let n = t.len();
            t.copy_from_slice(&flat[at..at + n]);
            at += n;
        }
    }

    pub fn all_finite(&self) -> bool {
        self.flat().iter().all(|v| v.is_finite())
    }
}

/// Training state: the model, Adam and the item order.
pub struct Trainer {
    pub model: AutoRec,
    pub config: Config,
    columns: Vec<Vec<(u32, f64)>>,
    opt: Adam,
    grad: AutoRec,
    rng: Rng,
}

impl Trainer {
    /// columns: each item's training values, from [`item_columns`].
    pub fn new(n_users: usize, columns: Vec<Vec<(u32, f64)>>, config: Config, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let model = AutoRec::new(n_users, config.hidden, &mut rng);
        let grad = model.zeros_like();
        Trainer { model, opt: Adam::new(config.lr), config, columns, grad, rng }
    }

    /// One epoch over the items in a fresh random order, one Adam step per mini-batch.
    /// Returns the training RMSE over the observed ratings seen during the epoch.
    pub fn epoch(&mut self) -> f64 {
        let n_items = self.columns.len();
        let order = self.rng.permutation(n_items);
        let (mut se, mut n) = (0.0, 0usize);
        for batch in order.chunks(self.config.batch.max(1)) {
            // Reset the gradients: the visible step the article's code is missing.
            self.grad.zero();
            for &i in batch {
                let col = &self.columns[i];
                let loss = if self.config.dropout > 0.0 {
                    let p = self.config.dropout;
                    let kept: Vec<(u32, f64)> = col.iter().copied().filter(|_| !self.rng.bernoulli(p)).collect();
                    self.model.accumulate_item_masked(&kept, col, &mut self.grad)
                } else {
                    self.model.accumulate_item(col, &mut self.grad)
                };
                se += loss;
                n += col.len();
            }
            let share = batch.len() as f64 / n_items as f64;
            self.model.accumulate_penalty(self.config.lambda, share, &mut self.grad);
            self.opt.begin_step();
            let (m, g) = (&mut self.model, &self.grad);
            self.opt.update(0, &mut m.v, &g.v);
            self.opt.update(1, &mut m.mu, &g.mu);
            self.opt.update(2, &mut m.w, &g.w);
            self.opt.update(3, &mut m.b, &g.b);
        }
        (se / n.max(1) as f64).sqrt()
    }
}
