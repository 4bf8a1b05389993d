//! Sparse autoencoders (§4.1): an overcomplete hidden layer kept from copying its input by a
//! sparsity penalty Ω(h) added to the reconstruction loss, or by keeping only each example's
//! largest activations.
//!
//! With h: (B, m) the hidden activations of a batch of B examples (sigmoid units, so every
//! h_rj lies in (0, 1)) and ρ̂_j = (1/B) Σ_r h_rj unit j's average activation over the batch:
//!
//! ```text
//! KL     Ω = β Σ_j KL(ρ ‖ ρ̂_j),   KL(ρ ‖ ρ̂) = ρ ln(ρ/ρ̂) + (1 − ρ) ln((1 − ρ)/(1 − ρ̂))
//!        ∂Ω/∂h_rj = (β/B) · (−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j))
//! L1     Ω = (λ/B) Σ_r Σ_j |h_rj|
//!        ∂Ω/∂h_rj = (λ/B) · sign(h_rj)                      (undefined at h = 0)
//! top-k  h'_r = h_r with all but its k largest entries set to 0
//!        ∂L/∂h_rj = ∂L/∂h'_rj if unit j was kept for example r, else 0
//! ```
//!
//! The KL penalty is zero exactly when every ρ̂_j = ρ and grows as a unit's average drifts
//! from the target: it asks each unit to be active on a fraction ρ of the examples. L1 pushes
//! every activation towards 0. Top-k (Makhzani & Frey's k-sparse autoencoder) is §4.1's "keep
//! the highest activations, zero out the rest" taken literally: no penalty, a hard selection.
//!
//! The penalties are per batch (KL by its nature, L1 averaged over examples so it scales like
//! the mean reconstruction loss). Where [`crate::nn::network::Autoencoder`] reconstructs
//! `decode(encode(x))`, the functions here insert the sparsity method between the two.
//!
//! ```
//! use autoencoders::{core::matrix::Matrix, variants::sparse::{kl_penalty, top_k_forward}};
//! // ρ̂ = (0.1, 0.1) equals ρ: the penalty is 0.
//! let h = Matrix::from_rows(&[&[0.0, 0.2], &[0.2, 0.0]]);
//! assert!(kl_penalty(&h, 0.1, 3.0).value.abs() < 1e-15);
//! // Keep the 2 largest of (0.3, 0.9, 0.1, 0.5).
//! let t = top_k_forward(&Matrix::row_vector(&[0.3, 0.9, 0.1, 0.5]), 2);
//! assert_eq!(t.out.data(), &[0.0, 0.9, 0.0, 0.5]);
//! ```

use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::loss::LossKind;
use crate::nn::network::{Autoencoder, StepGrads};
use crate::nn::train::Objective;

/// ρ̂ is clamped into [RHO_HAT_EPS, 1 − RHO_HAT_EPS] so that a unit that is dead (or saturated)
/// over a whole batch costs a large finite penalty rather than infinity.
pub const RHO_HAT_EPS: f64 = 1e-9;

/// A penalty's value and its gradient with respect to the hidden activations.
#[derive(Clone, Debug)]
pub struct Penalty {
    pub value: f64,
    /// ∂Ω/∂h, (batch, hidden).
    pub d_h: Matrix,
}

/// Which sparsity method an autoencoder trains with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sparsity {
    /// No sparsity: a plain (possibly overcomplete) autoencoder.
    None,
    /// β Σ_j KL(ρ ‖ ρ̂_j).
    Kl { rho: f64, beta: f64 },
    /// (λ/B) Σ |h|.
    L1 { lambda: f64 },
    /// Keep the k largest activations of each example.
    TopK { k: usize },
}

impl Sparsity {
    pub fn name(self) -> String {
        match self {
            Sparsity::None => "none".into(),
            Sparsity::Kl { rho, beta } => format!("KL (ρ = {rho}, β = {beta})"),
            Sparsity::L1 { lambda } => format!("L1 (λ = {lambda})"),
            Sparsity::TopK { k } => format!("top-k (k = {k})"),
        }
    }
}

/// ρ̂_j = (1/B) Σ_r h_rj. h: (batch, hidden) → (hidden).
pub fn mean_activation(h: &Matrix) -> Vec<f64> {
    let inv_b = 1.0 / h.rows().max(1) as f64;
    h.col_sums().iter().map(|s| s * inv_b).collect()
}

/// KL(ρ ‖ ρ̂) between Bernoulli(ρ) and Bernoulli(ρ̂), ρ in (0, 1); ρ̂ is clamped (see
/// [`RHO_HAT_EPS`]).
pub fn kl_divergence(rho: f64, rho_hat: f64) -> f64 {
    let q = rho_hat.clamp(RHO_HAT_EPS, 1.0 - RHO_HAT_EPS);
    rho * (rho / q).ln() + (1.0 - rho) * ((1.0 - rho) / (1.0 - q)).ln()
}

/// β Σ_j KL(ρ ‖ ρ̂_j) and its gradient. h: (batch, hidden), values in [0, 1]; ρ in (0, 1).
pub fn kl_penalty(h: &Matrix, rho: f64, beta: f64) -> Penalty {
    assert!(rho > 0.0 && rho < 1.0, "kl_penalty: ρ = {rho} must lie strictly between 0 and 1");
    let rho_hat = mean_activation(h);
    let value = beta * rho_hat.iter().map(|&q| kl_divergence(rho, q)).sum::<f64>();
    let inv_b = 1.0 / h.rows().max(1) as f64;
    // ∂KL/∂ρ̂ = −ρ/ρ̂ + (1 − ρ)/(1 − ρ̂), and ∂ρ̂_j/∂h_rj = 1/B.
    let d_rho_hat: Vec<f64> = rho_hat
        .iter()
        .map(|&q| {
            let q = q.clamp(RHO_HAT_EPS, 1.0 - RHO_HAT_EPS);
            beta * inv_b * (-rho / q + (1.0 - rho) / (1.0 - q))
        })
        .collect();
    let mut d_h = Matrix::zeros(h.rows(), h.cols());
    for r in 0..h.rows() {
        d_h.row_mut(r).copy_from_slice(&d_rho_hat);
    }
    Penalty { value, d_h }
}

/// (λ/B) Σ |h| and its gradient (λ/B)·sign(h), taking sign(0) = 0. h: (batch, hidden).
pub fn l1_penalty(h: &Matrix, lambda: f64) -> Penalty {
    let inv_b = 1.0 / h.rows().max(1) as f64;
    let value = lambda * inv_b * h.data().iter().map(|v| v.abs()).sum::<f64>();
    let d_h = h.map(|v| if v == 0.0 { 0.0 } else { lambda * inv_b * v.signum() });
    Penalty { value, d_h }
}

/// What the top-k layer's forward keeps for backward.
#[derive(Clone, Debug, PartialEq)]
pub struct TopK {
    /// h with all but each row's k largest entries zeroed, (batch, hidden).
    pub out: Matrix,
    /// Which entries were kept, row-major like `out`: exactly k per row.
    pub kept: Vec<bool>,
}

/// Keeps the k largest activations of each example. h: (batch, hidden), k ≤ hidden.
/// Ties are broken towards the lower index, so the result is deterministic.
pub fn top_k_forward(h: &Matrix, k: usize) -> TopK {
    assert!(k <= h.cols(), "top_k_forward: k = {k} exceeds {} hidden units", h.cols());
    let mut out = Matrix::zeros(h.rows(), h.cols());
    let mut kept = vec![false; h.len()];
    let mut order: Vec<usize> = Vec::with_capacity(h.cols());
    for r in 0..h.rows() {
        let row = h.row(r);
        order.clear();
        order.extend(0..h.cols());
        // total_cmp sorts NaN above everything; a NaN activation is a broken invariant anyway.
        order.sort_by(|&a, &b| row[b].total_cmp(&row[a]).then(a.cmp(&b)));
        for &j in &order[..k] {
            out[(r, j)] = row[j];
            kept[r * h.cols() + j] = true;
        }
    }
    TopK { out, kept }
}

/// d_out: ∂L/∂h', (batch, hidden) → ∂L/∂h: the gradient passes through the kept units only.
pub fn top_k_backward(cache: &TopK, d_out: &Matrix) -> Matrix {
    assert_eq!(d_out.len(), cache.kept.len(), "top_k_backward: gradient and cache shapes differ");
    let mut d_h = d_out.clone();
    for (d, &k) in d_h.data_mut().iter_mut().zip(&cache.kept) {
        if !k {
            *d = 0.0;
        }
    }
    d_h
}

/// The code the decoder sees: the encoder's output, with top-k applied if that is the method
/// (the penalties change training, not the forward pass). x: (batch, n) → (batch, hidden).
pub fn encode(ae: &Autoencoder, x: &Matrix, sparsity: Sparsity) -> Matrix {
    let h = ae.encode(x);
    match sparsity {
        Sparsity::TopK { k } => top_k_forward(&h, k).out,
        _ => h,
    }
}

/// x: (batch, n) → x̂: (batch, n), through [`encode`].
pub fn reconstruct(ae: &Autoencoder, x: &Matrix, sparsity: Sparsity) -> Matrix {
    ae.decode(&encode(ae, x, sparsity))
}

/// The penalty for a batch of hidden activations (zero for `None` and `TopK`).
pub fn penalty(h: &Matrix, sparsity: Sparsity) -> Penalty {
    match sparsity {
        Sparsity::Kl { rho, beta } => kl_penalty(h, rho, beta),
        Sparsity::L1 { lambda } => l1_penalty(h, lambda),
        Sparsity::None | Sparsity::TopK { .. } => Penalty { value: 0.0, d_h: Matrix::zeros(h.rows(), h.cols()) },
    }
}

/// The training objective: the loss of reconstructing `target` from `input`, plus Ω(h).
pub fn objective(ae: &Autoencoder, input: &Matrix, target: &Matrix, loss: LossKind, sparsity: Sparsity) -> f64 {
    let h = ae.encode(input);
    let p = penalty(&h, sparsity).value;
    let code = match sparsity {
        Sparsity::TopK { k } => top_k_forward(&h, k).out,
        _ => h,
    };
    loss.eval(&ae.decode(&code), target).value + p
}

/// Forward and backward of [`objective`]: `loss` in the result is the whole objective.
///
/// ```text
/// h = encoder(x);  h' = h or top_k(h);  x̂ = decoder(h')
/// d_h = top_k_backward(decoder_backward(∂L/∂x̂)) + ∂Ω/∂h
/// ```
pub fn gradients(ae: &Autoencoder, input: &Matrix, target: &Matrix, loss: LossKind, sparsity: Sparsity) -> StepGrads {
    let enc = ae.encoder.forward(input);
    let h = &enc.last().expect("encoder has layers").a;
    let top = match sparsity {
        Sparsity::TopK { k } => Some(top_k_forward(h, k)),
        _ => None,
    };
    let code = top.as_ref().map_or(h, |t| &t.out);
    let dec = ae.decoder.forward(code);
    let out = &dec.last().expect("decoder has layers").a;
    let l = loss.eval(out, target);
    let (decoder, d_code) = ae.decoder.backward(&dec, &l.d_pred);
    let mut d_h = match &top {
        Some(t) => top_k_backward(t, &d_code),
        None => d_code,
    };
    let p = penalty(h, sparsity);
    d_h.add_scaled(&p.d_h, 1.0);
    let encoder = ae.encoder.backward_params(&enc, &d_h);
    StepGrads { loss: l.value + p.value, encoder, decoder }
}

/// §4.1's objectives for [`crate::nn::train`]: the batch is both input and target.
impl Objective for Sparsity {
    fn gradients(&self, ae: &Autoencoder, x: &Matrix, loss: LossKind, _rng: &mut Rng) -> StepGrads {
        gradients(ae, x, x, loss, *self)
    }
}

/// The fraction of entries of h below `threshold`: how many activations are (near) zero.
pub fn near_zero_fraction(h: &Matrix, threshold: f64) -> f64 {
    h.data().iter().filter(|&&v| v.abs() < threshold).count() as f64 / h.len().max(1) as f64
}

/// How sparse a trained code is on a data set, and what it costs: see [`code_stats`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CodeStats {
    /// The mean of every unit's activation over every row.
    pub mean_activation: f64,
    /// The fraction of activations below the threshold ([`near_zero_fraction`]).
    pub near_zero: f64,
    /// Units whose average activation reaches the threshold.
    pub units_used: usize,
    /// Mean squared error per entry of the reconstruction through [`reconstruct`].
    pub test_mse: f64,
}

/// The code [`encode`] gives the rows of x: (n, features), measured against `threshold`.
pub fn code_stats(ae: &Autoencoder, x: &Matrix, sparsity: Sparsity, threshold: f64) -> CodeStats {
    let h = encode(ae, x, sparsity);
    CodeStats {
        mean_activation: h.sum() / h.len().max(1) as f64,
        near_zero: near_zero_fraction(&h, threshold),
        units_used: mean_activation(&h).iter().filter(|&&m| m >= threshold).count(),
        test_mse: LossKind::Mse.eval(&ae.decode(&h), x).value,
    }
}

/// `count` square patches of side `side` cut at random places from random images, keeping
/// only patches whose mean intensity is at least `min_ink` (a digit is mostly background,
/// and a blank patch teaches nothing). images: (n, h·w) row-major, each h × w →
/// (count, side²). Gives up with fewer rows if 50·count draws do not find enough ink.
pub fn patches(images: &Matrix, h: usize, w: usize, side: usize, count: usize, min_ink: f64, rng: &mut Rng) -> Matrix {
    assert_eq!(images.cols(), h * w, "patches: images are not {h}×{w}");
    assert!(side <= h && side <= w && images.rows() > 0, "patches: no room for a {side}×{side} patch");
    let mut data = Vec::with_capacity(count * side * side);
    let mut found = 0;
    let mut patch = vec![0.0; side * side];
    for _ in 0..50 * count {
        if found == count {
            break;
        }
        let img = images.row(rng.below(images.rows()));
        let (top, left) = (rng.below(h - side + 1), rng.below(w - side + 1));
        for r in 0..side {
            patch[r * side..(r + 1) * side].copy_from_slice(&img[(top + r) * w + left..(top + r) * w + left + side]);
        }
        if patch.iter().sum::<f64>() / patch.len() as f64 >= min_ink {
            data.extend_from_slice(&patch);
            found += 1;
        }
    }
    Matrix::from_vec(found, side * side, data)
}

/// Each row of w: (units, n) rescaled to [0, 1] by its own minimum and maximum, so every
/// hidden unit's filter shows its pattern at full contrast (a constant row becomes ½).
pub fn normalised_filters(w: &Matrix) -> Matrix {
    let mut out = w.clone();
    for r in 0..out.rows() {
        let row = out.row_mut(r);
        let lo = row.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = hi - lo;
        row.iter_mut().for_each(|v| *v = if span > 0.0 { (*v - lo) / span } else { 0.5 });
    }
    out
}
