//! Contractive autoencoders (§4.3): penalise the Frobenius norm of the encoder's Jacobian, so
//! the code changes little when the input moves a little.
//!
//! For a sigmoid encoder h = σ(Wx + b), W: (m, n), the Jacobian of the code with respect to
//! the input is J_f(x)_ji = ∂h_j/∂x_i = h_j(1 − h_j)·W_ji, so its squared Frobenius norm (the
//! sum of the squares of all its entries, as §4.3 says) has a closed form that never builds J:
//!
//! ```text
//! ‖J_f(x)‖²_F = Σ_j (h_j(1 − h_j))² Σ_i W_ji²  =  Σ_j s_j² c_j,
//!               s_j = h_j(1 − h_j),  c_j = Σ_i W_ji²
//! ```
//!
//! Over a batch X: (B, n) the penalty is averaged, like the mean reconstruction loss it is
//! added to:
//!
//! ```text
//! Ω = (λ/B) Σ_r Σ_j s_rj² c_j
//! ∂Ω/∂W_ji = (λ/B) Σ_r [ 2 s_rj² W_ji  +  2 c_j s_rj² (1 − 2h_rj) x_ri ]
//! ∂Ω/∂b_j  = (λ/B) Σ_r   2 c_j s_rj² (1 − 2h_rj)
//! ```
//!
//! The first term comes from c_j, the second from s_j through ∂s/∂z = s(1 − 2h). In matrix
//! form, with A_rj = 2 c_j s_rj² (1 − 2h_rj): d_w = (λ/B)(diag(2 Σ_r s_rj²)·W + Aᵀ·X),
//! d_b = (λ/B) Σ_rows A: one product the size of a dense layer's backward.
//!
//! ```
//! use autoencoders::{core::matrix::Matrix, nn::{activation::Activation, dense::Dense}, variants::contractive};
//! // One unit, W = (3, 4), b = 0, x = 0: h = σ(0) = ½, s = ¼, ‖J‖² = (¼)²·(9 + 16) = 25/16.
//! let layer = Dense { w: Matrix::row_vector(&[3.0, 4.0]), b: vec![0.0], activation: Activation::Sigmoid };
//! let x = Matrix::row_vector(&[0.0, 0.0]);
//! assert_eq!(contractive::jacobian_norm_sq(&layer, &x), vec![25.0 / 16.0]);
//! ```

use crate::compare::classify::{SoftmaxConfig, Standardizer, train_softmax};
use crate::core::error::Result;
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::activation::Activation;
use crate::nn::dense::{Dense, DenseGrads};
use crate::nn::loss::LossKind;
use crate::nn::network::{Autoencoder, StepGrads};
use crate::nn::optim::Adam;
use crate::nn::train::{self, Objective, Plain};
use crate::variants::denoise::Corruption;

fn assert_sigmoid(layer: &Dense) {
    assert_eq!(layer.activation, Activation::Sigmoid, "contractive: the closed form needs a sigmoid encoder");
}

/// c_j = Σ_i W_ji², (m).
fn row_norms_sq(w: &Matrix) -> Vec<f64> {
    (0..w.rows()).map(|j| w.row(j).iter().map(|v| v * v).sum()).collect()
}

/// ‖J_f(x_r)‖²_F for each row of x: (batch, n) → (batch), in closed form.
pub fn jacobian_norm_sq(layer: &Dense, x: &Matrix) -> Vec<f64> {
    assert_sigmoid(layer);
    let h = layer.infer(x);
    let c = row_norms_sq(&layer.w);
    (0..h.rows()).map(|r| h.row(r).iter().zip(&c).map(|(&h, &c)| (h * (1.0 - h)).powi(2) * c).sum()).collect()
}

/// The full Jacobian ∂h/∂x at one example x: (n) → (m, n), J_ji = h_j(1 − h_j)·W_ji.
pub fn jacobian(layer: &Dense, x: &[f64]) -> Matrix {
    assert_sigmoid(layer);
    let h = layer.infer(&Matrix::row_vector(x));
    let mut j = layer.w.clone();
    for (r, &h) in h.row(0).iter().enumerate() {
        let s = h * (1.0 - h);
        j.row_mut(r).iter_mut().for_each(|v| *v *= s);
    }
    j
}

/// The mean of ‖J_f(x_r)‖_F (not squared) over the rows of x: the chapter's sensitivity figure.
pub fn mean_jacobian_norm(layer: &Dense, x: &Matrix) -> f64 {
    let n = jacobian_norm_sq(layer, x);
    n.iter().map(|v| v.sqrt()).sum::<f64>() / n.len().max(1) as f64
}

/// The penalty's value and its gradient with respect to the layer's W and b.
#[derive(Clone, Debug)]
pub struct ContractivePenalty {
    pub value: f64,
    pub grads: DenseGrads,
}

/// Ω = (λ/B) Σ_r ‖J_f(x_r)‖²_F and ∂Ω/∂W, ∂Ω/∂b (see the module doc). x: (batch, n).
pub fn penalty(layer: &Dense, x: &Matrix, lambda: f64) -> ContractivePenalty {
    assert_sigmoid(layer);
    let h = layer.infer(x);
    let c = row_norms_sq(&layer.w);
    let scale = lambda / x.rows().max(1) as f64;
    let (b, m) = h.shape();
    let mut value = 0.0;
    let mut sum_s2 = vec![0.0; m];
    let mut a = Matrix::zeros(b, m);
    for r in 0..b {
        for j in 0..m {
            let hj = h[(r, j)];
            let s2 = (hj * (1.0 - hj)).powi(2);
            value += s2 * c[j];
            sum_s2[j] += s2;
            a[(r, j)] = 2.0 * c[j] * s2 * (1.0 - 2.0 * hj);
        }
    }
    let mut d_w = a.matmul_at_b(x);
    for (j, &s2) in sum_s2.iter().enumerate() {
        for (d, &w) in d_w.row_mut(j).iter_mut().zip(layer.w.row(j)) {
            *d += 2.0 * s2 * w;
        }
    }
    let d_w = d_w.scale(scale);
    let d_b = a.col_sums().iter().map(|v| v * scale).collect();
    ContractivePenalty { value: value * scale, grads: DenseGrads { d_w, d_b } }
}

fn assert_one_layer(ae: &Autoencoder) -> &Dense {
    assert_eq!(ae.encoder.layers.len(), 1, "contractive: the encoder must be one sigmoid layer");
    &ae.encoder.layers[0]
}

/// The CAE objective: reconstruction loss of x from x, plus the penalty. x: (batch, n).
pub fn objective(ae: &Autoencoder, x: &Matrix, loss: LossKind, lambda: f64) -> f64 {
    let layer = assert_one_layer(ae);
    ae.loss(x, loss) + penalty(layer, x, lambda).value
}

/// Forward and backward of [`objective`]: the plain autoencoder's gradients with the
/// penalty's added to the encoder's. `loss` in the result is the whole objective.
pub fn gradients(ae: &Autoencoder, x: &Matrix, loss: LossKind, lambda: f64) -> StepGrads {
    let layer = assert_one_layer(ae);
    let mut g = ae.gradients(x, x, loss);
    let p = penalty(layer, x, lambda);
    g.encoder[0].accumulate(&p.grads);
    g.loss += p.value;
    g
}

/// §4.3's objective for [`crate::nn::train`]: reconstruction loss plus λ‖J_f(x)‖²_F.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Contractive {
    pub lambda: f64,
}

impl Objective for Contractive {
    fn gradients(&self, ae: &Autoencoder, x: &Matrix, loss: LossKind, _rng: &mut Rng) -> StepGrads {
        gradients(ae, x, loss, self.lambda)
    }
}

/// How far the code moves when the input moves a little: the mean over rows of
/// ‖f(x + ε) − f(x)‖ / ‖ε‖, ε ~ N(0, σ²) per input. For small σ this approaches
/// ‖J_f(x)·u‖ for a random direction u, about ‖J_f(x)‖_F / √n. Works for any encoder.
pub fn perturbation_sensitivity(ae: &Autoencoder, x: &Matrix, sigma: f64, rng: &mut Rng) -> f64 {
    let eps = Matrix::normal(x.rows(), x.cols(), sigma, rng);
    let h = ae.encode(x);
    let h_moved = ae.encode(&x.add(&eps));
    let diff = h_moved.sub(&h);
    let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
    let total: f64 = (0..x.rows()).map(|r| norm(diff.row(r)) / norm(eps.row(r)).max(f64::MIN_POSITIVE)).sum();
    total / x.rows().max(1) as f64
}

/// How far the code moves between two different inputs, per unit of input distance: the mean
/// over `pairs` random pairs of rows (x, x′) of ‖f(x) − f(x′)‖ / ‖x − x′‖. Dividing
/// [`perturbation_sensitivity`] by this says whether an encoder shrinks small random moves
/// more than the moves from one example to another, which is what §4.3's "robust to small
/// variations" needs (an encoder that shrinks everything alike has only rescaled its code).
pub fn pair_sensitivity(ae: &Autoencoder, x: &Matrix, pairs: usize, rng: &mut Rng) -> f64 {
    assert!(x.rows() >= 2, "pair_sensitivity: needs two rows");
    let h = ae.encode(x);
    let dist = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum::<f64>().sqrt();
    let mut total = 0.0;
    let mut counted = 0;
    for _ in 0..pairs {
        let (i, j) = (rng.below(x.rows()), rng.below(x.rows()));
        let dx = dist(x.row(i), x.row(j));
        if dx > 0.0 {
            total += dist(h.row(i), h.row(j)) / dx;
            counted += 1;
        }
    }
    total / counted.max(1) as f64
}

/// The four models §4.3's chapter compares, all trained from the same initial weights.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Model {
    /// Reconstruction loss only.
    Plain,
    /// The plain objective with Adam's weight decay: every step adds decay·θ to each gradient.
    WeightDecay(f64),
    /// Masking corruption ν (§4.2).
    Denoising(f64),
    /// Reconstruction loss plus λ‖J_f(x)‖²_F.
    Contractive(f64),
}

impl Model {
    pub fn label(self) -> &'static str {
        match self {
            Model::Plain => "plain",
            Model::WeightDecay(_) => "weight decay",
            Model::Denoising(_) => "denoising",
            Model::Contractive(_) => "contractive",
        }
    }
}

/// Hyperparameters of [`train_model`] and [`measure`].
///
/// `Default`: 8 epochs of Adam lr 0.005 on mini-batches of 16; the sensitivity measured with
/// ε of standard deviation 0.01 per pixel (about 1 % of the intensity range: small next to
/// pixels in [0, 1]) and over 2000 random pairs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CompareConfig {
    pub epochs: usize,
    pub batch: usize,
    pub lr: f64,
    pub perturbation: f64,
    pub pairs: usize,
}

impl Default for CompareConfig {
    fn default() -> Self {
        CompareConfig { epochs: 8, batch: 16, lr: 0.005, perturbation: 0.01, pairs: 2000 }
    }
}

/// Trains a copy of `init` as `model` on train: (n, 784) for `cfg.epochs` epochs of
/// [`crate::nn::train::epoch`] with a fresh Adam, calling `on_epoch(epoch)` after each.
/// Returns the model and its training objective in the last epoch. Errors with
/// [`crate::Error::Diverged`] if a weight or the objective stops being finite.
pub fn train_model(
    init: &Autoencoder,
    model: Model,
    train_x: &Matrix,
    cfg: &CompareConfig,
    rng: &mut Rng,
    on_epoch: &mut dyn FnMut(usize),
) -> Result<(Autoencoder, f64)> {
    let mut ae = init.clone();
    let mut opt = Adam::new(cfg.lr);
    let objective: &dyn Objective = match &model {
        Model::Plain => &Plain,
        Model::WeightDecay(decay) => {
            opt.weight_decay = *decay;
            &Plain
        }
        Model::Denoising(nu) => &Corruption::Mask { nu: *nu },
        Model::Contractive(lambda) => &Contractive { lambda: *lambda },
    };
    let mut last = f64::NAN;
    for epoch in 1..=cfg.epochs {
        last = train::epoch(&mut ae, train_x, objective, LossKind::Mse, cfg.batch, &mut opt, rng);
        ae.check_finite(model.label(), epoch, train_x.rows().div_ceil(cfg.batch), last)?;
        on_epoch(epoch);
    }
    Ok((ae, last))
}

/// What [`measure`] found for one model on held-out digits.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    /// Mean ‖J_f(x)‖_F of the encoder, closed form ([`mean_jacobian_norm`]).
    pub jacobian: f64,
    /// [`perturbation_sensitivity`] at σ = `perturbation`.
    pub noise_sensitivity: f64,
    /// [`pair_sensitivity`] over `pairs` random pairs.
    pub pair_sensitivity: f64,
    /// Mean squared error per pixel of the reconstruction.
    pub mse: f64,
    /// Held-out accuracy of softmax regression trained on the standardised codes of the
    /// training digits.
    pub accuracy: f64,
}

/// §4.3's sensitivity experiment on one trained one-layer sigmoid encoder: how far its code
/// moves under small random input changes and between digits, how well it reconstructs, and
/// how well a classifier reads its codes. train: (n, 784), test: (m, 784), m ≥ 2; the labels
/// one per row. Draws (the classifier's order, ε, the pairs) come from `rng`.
pub fn measure(
    ae: &Autoencoder,
    (train_x, train_labels): (&Matrix, &[u8]),
    (test_x, test_labels): (&Matrix, &[u8]),
    cfg: &CompareConfig,
    rng: &mut Rng,
) -> Result<Measured> {
    let layer = assert_one_layer(ae);
    let (std, z_train) = Standardizer::fit_transform(&ae.encode(train_x));
    let classifier = train_softmax(&z_train, train_labels, 10, &SoftmaxConfig::default(), rng)?;
    Ok(Measured {
        jacobian: mean_jacobian_norm(layer, test_x),
        noise_sensitivity: perturbation_sensitivity(ae, test_x, cfg.perturbation, rng),
        pair_sensitivity: pair_sensitivity(ae, test_x, cfg.pairs, rng),
        mse: ae.loss(test_x, LossKind::Mse),
        accuracy: classifier.accuracy(&std.transform(&ae.encode(test_x)), test_labels),
    })
}
