//! §4.5's building block: a Bernoulli–Bernoulli restricted Boltzmann machine trained by
//! contrastive divergence, a stack of them pretrained layer by layer, and the stack unrolled
//! into a deep autoencoder (Hinton & Salakhutdinov, 2006).
//!
//! §4.5 names the RBM as the brick of the deep belief networks that make a deep autoencoder,
//! and leaves it to another post. An RBM over visible units v ∈ {0,1}^m and hidden units
//! h ∈ {0,1}^n, with W: (n, m) as a [`Dense`] layer stores it:
//!
//! ```text
//! energy       E(v, h) = −b_vᵀv − b_hᵀh − hᵀW v
//! model        p(v, h) = exp(−E(v, h)) / Z,      Z = Σ_{v,h} exp(−E(v, h))
//! conditionals p(h_j = 1 | v) = σ(b_h,j + W_j·v)      p(v_i = 1 | h) = σ(b_v,i + Wᵀ_i·h)
//! gradient     ∂ ln p(v)/∂W = E_data[h vᵀ] − E_model[h vᵀ]        (and likewise for b_v, b_h)
//! ```
//!
//! E_model is a sum over every configuration, so CD-k replaces it with k steps of Gibbs
//! sampling started at the data:
//!
//! ```text
//! v⁰ = data;   p⁰ = p(h | v⁰);   h⁰ ~ p⁰
//! for t = 1..k:  vᵗ ~ p(v | hᵗ⁻¹);  pᵗ = p(h | vᵗ);  hᵗ ~ pᵗ  (the last h is not drawn)
//! d_w = (p⁰ᵀ·v⁰ − pᵏᵀ·vᵏ)/B     d_b_v = mean(v⁰ − vᵏ)     d_b_h = mean(p⁰ − pᵏ)
//! ```
//!
//! These are directions of *ascent* on the log-likelihood. Using the probabilities pᵗ instead
//! of the sampled hᵗ in the statistics removes sampling noise without changing the expectation
//! (Hinton, "A practical guide to training RBMs", 2010). [`Gibbs`] chooses what is sampled.
//!
//! Grey pixels in [0, 1] are treated as the probabilities of binary pixels, as Hinton &
//! Salakhutdinov did. For an RBM small enough to enumerate, [`Rbm::exact_gradient`] sums over
//! every visible configuration (hidden units summed out in closed form): the oracle for CD-k.

use crate::core::error::{Error, Result};
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::activation::{Activation, sigmoid};
use crate::nn::dense::Dense;
use crate::nn::network::{Autoencoder, Network};
use crate::nn::train::minibatch_epoch;

/// A Bernoulli–Bernoulli RBM, or with [`Units::Gaussian`] hidden units the code layer of
/// Hinton & Salakhutdinov's deep autoencoder.
#[derive(Clone, Debug, PartialEq)]
pub struct Rbm {
    /// (hidden, visible): row j holds hidden unit j's weights, as in a [`Dense`] encoder layer.
    pub w: Matrix,
    /// (visible)
    pub b_v: Vec<f64>,
    /// (hidden)
    pub b_h: Vec<f64>,
    pub hidden_units: Units,
}

/// What a hidden unit is.
///
/// ```text
/// Binary     h_j ∈ {0, 1},  p(h_j = 1 | v) = σ(b_h,j + W_j·v)     mean σ(·)
/// Gaussian   h_j ∈ ℝ,       h_j | v ~ N(b_h,j + W_j·v, 1)         mean b_h,j + W_j·v
/// ```
///
/// The energy gains + Σ_j h_j²/2 for Gaussian units. Hinton & Salakhutdinov gave the top RBM
/// of their stack Gaussian hidden units, so the code is linear and not squeezed into (0, 1).
/// The exact-enumeration oracles need binary units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    Binary,
    Gaussian,
}

/// A (stochastic) gradient of the log-likelihood: ascent directions for W, b_v and b_h.
#[derive(Clone, Debug, PartialEq)]
pub struct RbmGrads {
    /// (hidden, visible)
    pub d_w: Matrix,
    /// (visible)
    pub d_b_v: Vec<f64>,
    /// (hidden)
    pub d_b_h: Vec<f64>,
}

/// What the Gibbs chain of [`Rbm::cd_k`] draws at random.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gibbs {
    /// Hidden and visible states sampled: a true Gibbs chain, whose k → ∞ limit is the
    /// model distribution.
    Sampled,
    /// Hidden states sampled, visible states left as probabilities: Hinton's usual practice
    /// for training, less noisy, slightly biased.
    VisibleProbabilities,
    /// Nothing sampled (mean field): deterministic, for worked examples and tests.
    MeanField,
}

/// Hyperparameters of [`Rbm::train`]: momentum SGD on CD-k ascent directions.
///
/// `Default`: 5 epochs, batches of 100, lr 0.05, momentum 0.5 for the first epoch then 0.9,
/// weight decay 2e-4, CD-1 with visible probabilities (close to Hinton & Salakhutdinov's
/// settings, with a smaller lr for our shorter runs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RbmConfig {
    pub epochs: usize,
    pub batch_size: usize,
    pub lr: f64,
    pub momentum: f64,
    pub weight_decay: f64,
    pub k: usize,
    pub gibbs: Gibbs,
}

impl Default for RbmConfig {
    fn default() -> Self {
        RbmConfig {
            epochs: 5,
            batch_size: 100,
            lr: 0.05,
            momentum: 0.9,
            weight_decay: 2e-4,
            k: 1,
            gibbs: Gibbs::VisibleProbabilities,
        }
    }
}

/// Each entry of p replaced by 1 with that probability, else 0.
fn sample(p: &Matrix, rng: &mut Rng) -> Matrix {
    let mut s = p.clone();
    for v in s.data_mut() {
        *v = if rng.bernoulli(*v) { 1.0 } else { 0.0 };
    }
    s
}

/// ln(1 + eᶻ) without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() }
}

impl Rbm {
    /// Weights normal with spread 0.01, biases 0 (Hinton's practical guide).
    pub fn new(visible: usize, hidden: usize, rng: &mut Rng) -> Self {
        Rbm {
            w: Matrix::normal(hidden, visible, 0.01, rng),
            b_v: vec![0.0; visible],
            b_h: vec![0.0; hidden],
            hidden_units: Units::Binary,
        }
    }

    /// As [`Rbm::new`], with Gaussian hidden units.
    pub fn new_gaussian_hidden(visible: usize, hidden: usize, rng: &mut Rng) -> Self {
        Rbm { hidden_units: Units::Gaussian, ..Rbm::new(visible, hidden, rng) }
    }

    pub fn visible(&self) -> usize {
        self.w.cols()
    }

    pub fn hidden(&self) -> usize {
        self.w.rows()
    }

    /// E[h | v]: p(h = 1 | v) = σ(v·Wᵀ + b_h) for binary units, v·Wᵀ + b_h for Gaussian
    /// ones. v: (batch, visible) → (batch, hidden).
    pub fn hidden_probs(&self, v: &Matrix) -> Matrix {
        let mut z = v.matmul_a_bt(&self.w);
        z.add_row_broadcast(&self.b_h);
        match self.hidden_units {
            Units::Binary => z.map(sigmoid),
            Units::Gaussian => z,
        }
    }

    /// A draw of h given its mean: Bernoulli for binary units, mean + N(0, 1) for Gaussian.
    fn sample_hidden(&self, mean: &Matrix, rng: &mut Rng) -> Matrix {
        match self.hidden_units {
            Units::Binary => sample(mean, rng),
            Units::Gaussian => {
                let mut h = mean.clone();
                h.data_mut().iter_mut().for_each(|v| *v += rng.normal());
                h
            }
        }
    }

    /// p(v = 1 | h) = σ(h·W + b_v). h: (batch, hidden) → (batch, visible).
    pub fn visible_probs(&self, h: &Matrix) -> Matrix {
        let mut z = h.matmul(&self.w);
        z.add_row_broadcast(&self.b_v);
        z.map(sigmoid)
    }

    /// The CD-k ascent directions for a batch v0: (batch, visible). See the module doc.
    pub fn cd_k(&self, v0: &Matrix, k: usize, gibbs: Gibbs, rng: &mut Rng) -> RbmGrads {
        assert!(k >= 1, "cd_k: k must be at least 1");
        let p0 = self.hidden_probs(v0);
        let mut h = if gibbs == Gibbs::MeanField { p0.clone() } else { self.sample_hidden(&p0, rng) };
        let mut v = v0.clone();
        let mut p = p0.clone();
        for t in 1..=k {
            let pv = self.visible_probs(&h);
            v = if gibbs == Gibbs::Sampled { sample(&pv, rng) } else { pv };
            p = self.hidden_probs(&v);
            if t < k {
                h = if gibbs == Gibbs::MeanField { p.clone() } else { self.sample_hidden(&p, rng) };
            }
        }
        let inv_b = 1.0 / v0.rows().max(1) as f64;
        let mut d_w = p0.matmul_at_b(v0);
        d_w.add_scaled(&p.matmul_at_b(&v), -1.0);
        let d_w = d_w.scale(inv_b);
        let d_b_v = v0.sub(&v).col_sums().iter().map(|s| s * inv_b).collect();
        let d_b_h = p0.sub(&p).col_sums().iter().map(|s| s * inv_b).collect();
        RbmGrads { d_w, d_b_v, d_b_h }
    }

    /// Trains by momentum SGD on CD-k directions over shuffled mini-batches of x: (n, visible).
    /// Returns each epoch's mean squared error per pixel of the one-step reconstruction
    /// p(v | h ~ p(h | x)), the usual (rough) progress measure of an RBM.
    ///
    /// ```text
    /// velocity ← momentum·velocity + lr·(d − weight_decay·W)      (no decay on biases)
    /// θ ← θ + velocity
    /// ```
    pub fn train(&mut self, x: &Matrix, cfg: &RbmConfig, rng: &mut Rng) -> Result<Vec<f64>> {
        self.train_observed(x, cfg, rng, &mut |_| {})
    }

    /// [`Rbm::train`] that also calls `on_epoch(epoch)` after each finished epoch (for a
    /// progress line); the training is the same, draw for draw.
    pub fn train_observed(
        &mut self,
        x: &Matrix,
        cfg: &RbmConfig,
        rng: &mut Rng,
        on_epoch: &mut dyn FnMut(usize),
    ) -> Result<Vec<f64>> {
        if x.rows() == 0 || cfg.batch_size == 0 || cfg.k == 0 {
            return Err(Error::Invalid("RBM training needs examples, a batch size and k ≥ 1".into()));
        }
        let mut vel_w = Matrix::zeros(self.hidden(), self.visible());
        let mut vel_v = vec![0.0; self.visible()];
        let mut vel_h = vec![0.0; self.hidden()];
        let mut errors = Vec::with_capacity(cfg.epochs);
        for epoch in 1..=cfg.epochs {
            // The velocity builds up from noise at first; a lower momentum settles it.
            let momentum = if epoch == 1 { cfg.momentum.min(0.5) } else { cfg.momentum };
            // CD-k is not the gradient of an objective, so this walks the batches with the
            // shared loop but steps on its own; the progress measure is summed over pixels.
            let mut sq = 0.0;
            minibatch_epoch(x, cfg.batch_size, rng, |_, v0, rng| {
                let g = self.cd_k(v0, cfg.k, cfg.gibbs, rng);
                for ((vw, &d), &w) in vel_w.data_mut().iter_mut().zip(g.d_w.data()).zip(self.w.data()) {
                    *vw = momentum * *vw + cfg.lr * (d - cfg.weight_decay * w);
                }
                for (vb, &d) in vel_v.iter_mut().zip(&g.d_b_v) {
                    *vb = momentum * *vb + cfg.lr * d;
                }
                for (vb, &d) in vel_h.iter_mut().zip(&g.d_b_h) {
                    *vb = momentum * *vb + cfg.lr * d;
                }
                self.w.add_scaled(&vel_w, 1.0);
                self.b_v.iter_mut().zip(&vel_v).for_each(|(b, v)| *b += v);
                self.b_h.iter_mut().zip(&vel_h).for_each(|(b, v)| *b += v);
                let recon = self.visible_probs(&self.sample_hidden(&self.hidden_probs(v0), rng));
                let batch_sq = recon.sub(v0).data().iter().map(|d| d * d).sum::<f64>();
                sq += batch_sq;
                batch_sq
            });
            let err = sq / x.len() as f64;
            if !err.is_finite() || !self.w.all_finite() {
                return Err(Error::Diverged {
                    chapter: "RBM".into(),
                    epoch,
                    step: x.rows().div_ceil(cfg.batch_size),
                    what: format!("the reconstruction error is {err}"),
                });
            }
            errors.push(err);
            on_epoch(epoch);
        }
        Ok(errors)
    }

    /// ln Z by enumeration over the 2^visible visible states, the hidden units summed out:
    ///
    /// ```text
    /// ln Z = ln Σ_v exp(b_vᵀv + Σ_j softplus(b_h,j + W_j·v))
    /// ```
    ///
    /// Panics above 20 visible units (a million states).
    pub fn log_partition(&self) -> f64 {
        let terms: Vec<f64> = self.all_visible_states().iter().map(|v| -self.free_energy(v)).collect();
        log_sum_exp(&terms)
    }

    /// F(v) = −b_vᵀv − Σ_j softplus(b_h,j + W_j·v), so that p(v) = exp(−F(v))/Z. v: (visible).
    pub fn free_energy(&self, v: &[f64]) -> f64 {
        let vis: f64 = self.b_v.iter().zip(v).map(|(b, x)| b * x).sum();
        let hid: f64 = (0..self.hidden())
            .map(|j| softplus(self.b_h[j] + self.w.row(j).iter().zip(v).map(|(w, x)| w * x).sum::<f64>()))
            .sum();
        -vis - hid
    }

    /// Mean ln p(v) over the rows of x (binary or grey, used as given). Exact, by enumeration.
    pub fn log_likelihood(&self, x: &Matrix) -> f64 {
        let log_z = self.log_partition();
        (0..x.rows()).map(|r| -self.free_energy(x.row(r)) - log_z).sum::<f64>() / x.rows().max(1) as f64
    }

    /// The exact gradient of the mean log-likelihood of x: (n, visible), by enumeration:
    /// E_data uses p(h | v) for each row; E_model sums p(v)·p(h | v) over all 2^visible states.
    pub fn exact_gradient(&self, x: &Matrix) -> RbmGrads {
        let states = self.all_visible_states();
        let free: Vec<f64> = states.iter().map(|v| -self.free_energy(v)).collect();
        let log_z = log_sum_exp(&free);
        let p: Vec<f64> = free.iter().map(|f| (f - log_z).exp()).collect();
        let all = Matrix::from_vec(states.len(), self.visible(), states.concat());
        let ph_all = self.hidden_probs(&all);
        let weighted = Matrix::from_vec(
            all.rows(),
            all.cols(),
            all.data().iter().enumerate().map(|(i, &v)| v * p[i / all.cols()]).collect(),
        );
        let model_w = ph_all.matmul_at_b(&weighted);
        let model_v = weighted.col_sums();
        let mut model_h = vec![0.0; self.hidden()];
        for (r, &pr) in p.iter().enumerate() {
            for (m, &q) in model_h.iter_mut().zip(ph_all.row(r)) {
                *m += pr * q;
            }
        }
        let inv_n = 1.0 / x.rows().max(1) as f64;
        let ph = self.hidden_probs(x);
        let mut d_w = ph.matmul_at_b(x).scale(inv_n);
        d_w.add_scaled(&model_w, -1.0);
        let d_b_v = x.col_sums().iter().zip(&model_v).map(|(d, m)| d * inv_n - m).collect();
        let d_b_h = ph.col_sums().iter().zip(&model_h).map(|(d, m)| d * inv_n - m).collect();
        RbmGrads { d_w, d_b_v, d_b_h }
    }

    fn all_visible_states(&self) -> Vec<Vec<f64>> {
        assert_eq!(self.hidden_units, Units::Binary, "the enumeration oracles need binary hidden units");
        let m = self.visible();
        assert!(m <= 20, "enumerating 2^{m} visible states is too many");
        (0..1usize << m).map(|s| (0..m).map(|i| ((s >> i) & 1) as f64).collect()).collect()
    }
}

fn log_sum_exp(v: &[f64]) -> f64 {
    let m = v.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// RBMs stacked so that each one's visible layer is the one below's hidden layer.
#[derive(Clone, Debug, PartialEq)]
pub struct RbmStack {
    pub rbms: Vec<Rbm>,
}

impl RbmStack {
    /// Greedy pretraining: RBM 1 on x: (n, `widths[0]`), RBM 2 on RBM 1's hidden probabilities,
    /// and so on; `widths` = `[visible, hidden 1, …, code]`. With `linear_code` the top RBM has
    /// [`Units::Gaussian`] hidden units and learns at a tenth of `cfg.lr` (unbounded units take
    /// larger steps; Hinton & Salakhutdinov used a hundredth). Returns the stack and each RBM's
    /// per-epoch reconstruction errors.
    pub fn pretrain(
        x: &Matrix,
        widths: &[usize],
        cfg: &RbmConfig,
        linear_code: bool,
        rng: &mut Rng,
    ) -> Result<(RbmStack, Vec<Vec<f64>>)> {
        RbmStack::pretrain_observed(x, widths, cfg, linear_code, rng, &mut |_| {})
    }

    /// [`RbmStack::pretrain`] that also calls `on_epoch(n)` after each finished epoch, n
    /// counting the epochs of all RBMs so far (for a progress line over the whole stack).
    pub fn pretrain_observed(
        x: &Matrix,
        widths: &[usize],
        cfg: &RbmConfig,
        linear_code: bool,
        rng: &mut Rng,
        on_epoch: &mut dyn FnMut(usize),
    ) -> Result<(RbmStack, Vec<Vec<f64>>)> {
        assert!(widths.len() >= 2 && widths[0] == x.cols(), "pretrain: widths must start with the data width");
        let mut rbms = Vec::new();
        let mut errors = Vec::new();
        let mut input = x.clone();
        let top = widths.len() - 2;
        for (i, pair) in widths.windows(2).enumerate() {
            let (mut rbm, layer_cfg) = if linear_code && i == top {
                (Rbm::new_gaussian_hidden(pair[0], pair[1], rng), RbmConfig { lr: cfg.lr / 10.0, ..*cfg })
            } else {
                (Rbm::new(pair[0], pair[1], rng), *cfg)
            };
            let before = i * cfg.epochs;
            errors.push(rbm.train_observed(&input, &layer_cfg, rng, &mut |e| on_epoch(before + e))?);
            input = rbm.hidden_probs(&input);
            rbms.push(rbm);
        }
        Ok((RbmStack { rbms }, errors))
    }

    /// The deep autoencoder of §4.5: encoder layers (W, b_h) bottom to top, decoder layers
    /// (Wᵀ, b_v) top to bottom; sigmoid units, except identity for Gaussian hidden units.
    /// Before fine-tuning, encoding is the stack's upward pass of means and decoding its
    /// downward pass.
    pub fn unroll(&self) -> Autoencoder {
        let encoder = self
            .rbms
            .iter()
            .map(|r| {
                let activation = match r.hidden_units {
                    Units::Binary => Activation::Sigmoid,
                    Units::Gaussian => Activation::Identity,
                };
                Dense { w: r.w.clone(), b: r.b_h.clone(), activation }
            })
            .collect();
        let decoder = self
            .rbms
            .iter()
            .rev()
            .map(|r| Dense { w: r.w.transpose(), b: r.b_v.clone(), activation: Activation::Sigmoid })
            .collect();
        Autoencoder::new(Network::new(encoder), Network::new(decoder))
    }
}

/// The same architecture as [`RbmStack::unroll`] from random weights: Xavier-uniform,
/// zero biases, sigmoid units (an identity code layer with `linear_code`).
/// widths = [visible, hidden 1, …, code].
pub fn random_deep_autoencoder(widths: &[usize], linear_code: bool, rng: &mut Rng) -> Autoencoder {
    let top = widths.len() - 2;
    let encoder = widths
        .windows(2)
        .enumerate()
        .map(|(i, p)| {
            let act = if linear_code && i == top { Activation::Identity } else { Activation::Sigmoid };
            Dense::xavier(p[0], p[1], act, rng)
        })
        .collect();
    let decoder = widths.windows(2).rev().map(|p| Dense::xavier(p[1], p[0], Activation::Sigmoid, rng)).collect();
    Autoencoder::new(Network::new(encoder), Network::new(decoder))
}

/// §4.5 describes a deep autoencoder as two identical deep belief networks, one to encode and
/// one to decode. What [`RbmStack::unroll`] builds is one stack used twice: the decoder's layers
/// are the encoder's, in reverse order, with transposed weights. They start tied and drift
/// apart as soon as fine-tuning updates each copy on its own. This is how far apart: the
/// largest relative gap between an encoder layer and its mirror decoder layer.
///
/// ```text
/// encoder layer i:  W_i   (n_{i+1}, n_i)        decoder layer L−1−i:  D_i   (n_i, n_{i+1})
/// gap = max_i ‖D_i − W_iᵀ‖_F / ‖W_i‖_F          0 when tied
/// ```
///
/// The decoder must mirror the encoder's shapes.
pub fn tied_gap(ae: &Autoencoder) -> f64 {
    let (enc, dec) = (&ae.encoder.layers, &ae.decoder.layers);
    assert_eq!(enc.len(), dec.len(), "tied_gap: the decoder does not mirror the encoder");
    enc.iter()
        .zip(dec.iter().rev())
        .map(|(e, d)| {
            let wt = e.w.transpose();
            assert_eq!(wt.shape(), d.w.shape(), "tied_gap: a decoder layer is not the transpose of its encoder layer");
            d.w.sub(&wt).frobenius() / e.w.frobenius()
        })
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirrored_pair_has_no_gap_and_a_changed_decoder_has_one() {
        let mut rng = Rng::new(2);
        let e = Dense::xavier(5, 3, Activation::Sigmoid, &mut rng);
        let d = Dense { w: e.w.transpose(), b: vec![0.0; 5], activation: Activation::Sigmoid };
        let mut ae = Autoencoder::new(Network::new(vec![e.clone()]), Network::new(vec![d]));
        assert_eq!(tied_gap(&ae), 0.0);
        ae.decoder.layers[0].w = ae.decoder.layers[0].w.scale(1.5);
        assert!((tied_gap(&ae) - 0.5).abs() < 1e-12);
    }
}
