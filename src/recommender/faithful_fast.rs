//! The fast twin of [`super::faithful`]: the same model, loss and update, arranged for speed.
//! This is the trainer `ch5_recommender` runs; `faithful.rs` is the version to read, and
//! `tests/recommender.rs` holds the two equal.
//!
//! ## How the arithmetic is laid out
//!
//! Everything about a user is sparse except the update: a user rates ~100 of ~1700 movies, so
//! the first layer needs only those columns of W₁, and the masked output needs only those rows
//! of W₄. The forward and backward passes touch only rated movies. The RMSprop update cannot
//! be sparse: weight decay and the never-reset gradient move every parameter every step, so it
//! is one pass over flat arrays, which [`Trainer`] splits across threads by index range.
//!
//! All parameters live in one flat vector in this order (W₁ stored transposed, so that a rated
//! movie's 20 weights are contiguous, as W₄'s already are):
//!
//! ```text
//! encoder part:  W₁ᵀ (n, 20) | b₁ (20) | W₂ (10, 20) | b₂ (10) | W₃ (20, 10) | b₃ (20)
//! output part:   W₄ (n, 20) | b₄ (n)
//! ```
//!
//! The two parts are about the same size, and a step needs only 20 numbers to cross between
//! them each way (h₃ forward, ∂L/∂h₃ back), so with two threads each owns one part, runs its
//! half of the forward and backward passes and updates its own parameters; the hand-offs are
//! the only synchronisation. The arithmetic is the same, operation for operation, as with one
//! thread, so the results are bit-identical.
//!
//! The update's one expensive part, the division by √v + ε, runs in f32 ([`rmsprop`]), compiled
//! for the CPU's widest vectors by `kernels::simd::multiversion`.
//!
//! [`Sae::to_network`] / [`Sae::from_network`] convert to and from the plain model's
//! [`Network`].

use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::data::movielens::RatingTable;
use crate::kernels::parallel::{AbandonOnDrop, Handoff};
use crate::kernels::simd::multiversion;
use crate::nn::activation::{Activation, sigmoid};
use crate::nn::dense::Dense;
use crate::nn::network::Network;
use crate::recommender::faithful::{self, Config, H1, H2, H3, corrected_rmse};

/// Where each tensor sits in the flat parameter vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Layout {
    n: usize,
}

impl Layout {
    fn w1t(self) -> usize {
        0
    }
    fn b1(self) -> usize {
        self.n * H1
    }
    fn w2(self) -> usize {
        self.b1() + H1
    }
    fn b2(self) -> usize {
        self.w2() + H2 * H1
    }
    fn w3(self) -> usize {
        self.b2() + H2
    }
    fn b3(self) -> usize {
        self.w3() + H3 * H2
    }
    /// Where the output part (W₄, b₄) begins.
    fn w4(self) -> usize {
        self.b3() + H3
    }
    fn b4(self) -> usize {
        self.w4() + self.n * H3
    }
    fn len(self) -> usize {
        self.b4() + self.n
    }
}

/// The stacked autoencoder's parameters, in the flat layout above.
#[derive(Clone, Debug, PartialEq)]
pub struct Sae {
    layout: Layout,
    theta: Vec<f64>,
}

/// The hidden activations of one user, kept for backward.
#[derive(Clone, Debug)]
pub(crate) struct Hidden {
    h1: [f64; H1],
    h2: [f64; H2],
    h3: [f64; H3],
}

impl Sae {
    /// The plain model's initialisation ([`faithful::sae`]), the same draws.
    pub fn new(n_movies: usize, rng: &mut Rng) -> Self {
        Sae::from_network(&faithful::sae(n_movies, rng))
    }

    pub fn n_movies(&self) -> usize {
        self.layout.n
    }

    pub fn params(&self) -> &[f64] {
        &self.theta
    }

    /// How many parameters the model has for `n_movies` movies: the length of [`Sae::params`].
    pub fn param_count(n_movies: usize) -> usize {
        Layout { n: n_movies }.len()
    }

    /// Rebuilds a model from its flat parameters (as saved by the model file).
    pub fn from_params(n_movies: usize, theta: Vec<f64>) -> Option<Self> {
        let layout = Layout { n: n_movies };
        (theta.len() == layout.len()).then_some(Sae { layout, theta })
    }

    /// From a generic network of widths n-20-10-20-n.
    pub fn from_network(net: &Network) -> Self {
        let n = net.inputs();
        let widths: Vec<(usize, usize)> = net.layers.iter().map(|l| (l.inputs(), l.outputs())).collect();
        assert_eq!(widths, vec![(n, H1), (H1, H2), (H2, H3), (H3, n)], "Sae::from_network: wrong widths");
        let layout = Layout { n };
        let mut theta = vec![0.0; layout.len()];
        let w1t = net.layers[0].w.transpose();
        theta[layout.w1t()..layout.b1()].copy_from_slice(w1t.data());
        theta[layout.b1()..layout.w2()].copy_from_slice(&net.layers[0].b);
        theta[layout.w2()..layout.b2()].copy_from_slice(net.layers[1].w.data());
        theta[layout.b2()..layout.w3()].copy_from_slice(&net.layers[1].b);
        theta[layout.w3()..layout.b3()].copy_from_slice(net.layers[2].w.data());
        theta[layout.b3()..layout.w4()].copy_from_slice(&net.layers[2].b);
        theta[layout.w4()..layout.b4()].copy_from_slice(net.layers[3].w.data());
        theta[layout.b4()..].copy_from_slice(&net.layers[3].b);
        Sae { layout, theta }
    }

    /// The same model as a generic network (the oracle's form).
    pub fn to_network(&self) -> Network {
        let l = self.layout;
        let t = &self.theta;
        let w1 = Matrix::from_vec(l.n, H1, t[l.w1t()..l.b1()].to_vec()).transpose();
        let layer = |w: Matrix, b: &[f64], a| Dense { w, b: b.to_vec(), activation: a };
        Network::new(vec![
            layer(w1, &t[l.b1()..l.w2()], Activation::Sigmoid),
            layer(Matrix::from_vec(H2, H1, t[l.w2()..l.b2()].to_vec()), &t[l.b2()..l.w3()], Activation::Sigmoid),
            layer(Matrix::from_vec(H3, H2, t[l.w3()..l.b3()].to_vec()), &t[l.b3()..l.w4()], Activation::Sigmoid),
            layer(Matrix::from_vec(l.n, H3, t[l.w4()..l.b4()].to_vec()), &t[l.b4()..], Activation::Identity),
        ])
    }

    /// The three hidden layers for a sparse input row of (movie index, rating).
    pub(crate) fn hidden(&self, row: &[(u32, u8)]) -> Hidden {
        encode(self.layout, &self.theta[..self.layout.w4()], row)
    }

    /// The prediction for movie index `m` given the hidden code: b₄ₘ + W₄ₘ·h₃.
    pub(crate) fn output(&self, hidden: &Hidden, m: usize) -> f64 {
        output(self.layout, &self.theta[self.layout.w4()..], &hidden.h3, m)
    }
}

/// The encoder part's forward pass. enc: the encoder part of θ.
fn encode(l: Layout, enc: &[f64], row: &[(u32, u8)]) -> Hidden {
    let mut z1 = [0.0; H1];
    z1.copy_from_slice(&enc[l.b1()..l.w2()]);
    for &(m, r) in row {
        let w = &enc[l.w1t() + m as usize * H1..][..H1];
        let x = f64::from(r);
        for k in 0..H1 {
            z1[k] += x * w[k];
        }
    }
    let h1 = z1.map(sigmoid);
    let h2 = dense_sigmoid::<H1, H2>(&enc[l.w2()..l.b2()], &enc[l.b2()..l.w3()], &h1);
    let h3 = dense_sigmoid::<H2, H3>(&enc[l.w3()..l.b3()], &enc[l.b3()..l.w4()], &h2);
    Hidden { h1, h2, h3 }
}

/// b₄ₘ + W₄ₘ·h₃. out: the output part of θ (W₄ then b₄).
fn output(l: Layout, out: &[f64], h3: &[f64; H3], m: usize) -> f64 {
    let w = &out[m * H3..][..H3];
    let mut s = out[l.n * H3 + m];
    for k in 0..H3 {
        s += w[k] * h3[k];
    }
    s
}

/// out = σ(W·x + b). w: (O, I) row-major, b: (O), x: (I).
fn dense_sigmoid<const I: usize, const O: usize>(w: &[f64], b: &[f64], x: &[f64; I]) -> [f64; O] {
    let mut out = [0.0; O];
    for o in 0..O {
        let mut s = b[o];
        for i in 0..I {
            s += w[o * I + i] * x[i];
        }
        out[o] = sigmoid(s);
    }
    out
}

/// Training state: the model, the accumulated gradients and RMSprop's running squares.
pub struct Trainer {
    pub sae: Sae,
    pub config: Config,
    /// 1, or 2 to run the encoder and output parts on two threads; results do not depend on it.
    pub threads: usize,
    /// ∂L/∂θ summed over every step so far (or just this step, with `zero_grad`).
    grad: Vec<f64>,
    square_avg: Vec<f64>,
}

impl Trainer {
    pub fn new(sae: Sae, config: Config, threads: usize) -> Self {
        let n = sae.theta.len();
        Trainer { sae, config, threads, grad: vec![0.0; n], square_avg: vec![0.0; n] }
    }

    /// One step on one user (forward, masked loss, backward into the accumulator, RMSprop).
    /// Returns MSELoss's value, the mean over all n outputs.
    pub fn step(&mut self, row: &[(u32, u8)]) -> f64 {
        if self.config.zero_grad {
            self.grad.fill(0.0);
        }
        let loss = accumulate_gradient(&self.sae, row, &mut self.grad);
        rmsprop(&mut self.sae.theta, &self.grad, &mut self.square_avg, &self.config);
        loss
    }

    /// One epoch: a step for every user with ratings, in id order. Returns the article's
    /// train loss, the mean over those users of [`corrected_rmse`].
    ///
    /// With `threads ≥ 2` the encoder part and the output part run on two threads that hand
    /// h₃ and ∂L/∂h₃ to each other; the results are bit-identical to one thread. Threads in
    /// lock step lose to one thread when the other core is busy (every hand-off waits for the
    /// partner to be scheduled; README, Speed), so each epoch first asks
    /// [`crate::kernels::parallel::second_core_free`] and runs on one thread when it is not.
    pub fn epoch(&mut self, train: &RatingTable) -> f64 {
        let users: Vec<usize> = train.rated_users().collect();
        let n = self.sae.n_movies();
        let l = self.sae.layout;
        let cfg = &self.config;
        let (enc, out) = self.sae.theta.split_at_mut(l.w4());
        let (enc_g, out_g) = self.grad.split_at_mut(l.w4());
        let (enc_v, out_v) = self.square_avg.split_at_mut(l.w4());
        let mut total = 0.0;
        if self.threads < 2 || !crate::kernels::parallel::second_core_free() {
            for &u in &users {
                let row = train.row(u);
                if cfg.zero_grad {
                    enc_g.fill(0.0);
                    out_g.fill(0.0);
                }
                let h = encode(l, enc, row);
                let (loss, d_h3) = output_backward(l, out, out_g, &h.h3, row);
                encoder_backward(l, enc, enc_g, &h, &d_h3, row);
                rmsprop(enc, enc_g, enc_v, cfg);
                rmsprop(out, out_g, out_v, cfg);
                total += corrected_rmse(loss, n, row.len());
            }
        } else {
            let to_output: Handoff<[f64; H3]> = Handoff::new();
            let to_encoder: Handoff<(f64, [f64; H3])> = Handoff::new();
            std::thread::scope(|s| {
                s.spawn(|| {
                    let _guard = AbandonOnDrop(&to_encoder);
                    for (i, &u) in users.iter().enumerate() {
                        let row = train.row(u);
                        if cfg.zero_grad {
                            out_g.fill(0.0);
                        }
                        let h3 = to_output.take(i);
                        to_encoder.put(i, output_backward(l, out, out_g, &h3, row));
                        rmsprop(out, out_g, out_v, cfg);
                    }
                });
                let _guard = AbandonOnDrop(&to_output);
                for (i, &u) in users.iter().enumerate() {
                    let row = train.row(u);
                    if cfg.zero_grad {
                        enc_g.fill(0.0);
                    }
                    let h = encode(l, enc, row);
                    to_output.put(i, h.h3);
                    let (loss, d_h3) = to_encoder.take(i);
                    encoder_backward(l, enc, enc_g, &h, &d_h3, row);
                    rmsprop(enc, enc_g, enc_v, cfg);
                    total += corrected_rmse(loss, n, row.len());
                }
            });
        }
        total / users.len().max(1) as f64
    }
}

/// Forward and backward for one user, adding ∂L/∂θ into `grad`; returns L.
///
/// ```text
/// d_out_j = 2(ŷ_j − x_j)/n for rated j (0 elsewhere: those outputs were overwritten by 0)
/// d_W₄[j] += d_out_j h₃,  d_b₄[j] += d_out_j,  d_h₃ = Σ_j d_out_j W₄[j]
/// d_z₃ = d_h₃ ⊙ h₃(1 − h₃),  d_W₃ += d_z₃ h₂ᵀ,  d_b₃ += d_z₃,  d_h₂ = W₃ᵀ d_z₃   (and so on down)
/// d_W₁ᵀ[j] += x_j d_z₁ for rated j
/// ```
pub fn accumulate_gradient(sae: &Sae, row: &[(u32, u8)], grad: &mut [f64]) -> f64 {
    let l = sae.layout;
    let (enc, out) = sae.theta.split_at(l.w4());
    let (enc_grad, out_grad) = grad.split_at_mut(l.w4());
    let h = encode(l, enc, row);
    let (loss, d_h3) = output_backward(l, out, out_grad, &h.h3, row);
    encoder_backward(l, enc, enc_grad, &h, &d_h3, row);
    loss
}

/// The output part of forward and backward: the masked loss L, ∂L/∂W₄ and ∂L/∂b₄ added into
/// out_grad, and ∂L/∂h₃ returned for the encoder part.
fn output_backward(
    l: Layout,
    out: &[f64],
    out_grad: &mut [f64],
    h3: &[f64; H3],
    row: &[(u32, u8)],
) -> (f64, [f64; H3]) {
    let n = l.n as f64;
    let mut loss = 0.0;
    let mut d_h3 = [0.0; H3];
    for &(m, r) in row {
        let m = m as usize;
        let diff = output(l, out, h3, m) - f64::from(r);
        loss += diff * diff;
        let d_out = 2.0 * diff / n;
        out_grad[l.n * H3 + m] += d_out;
        let w = &out[m * H3..][..H3];
        let g = &mut out_grad[m * H3..][..H3];
        for k in 0..H3 {
            g[k] += d_out * h3[k];
            d_h3[k] += d_out * w[k];
        }
    }
    (loss / n, d_h3)
}

/// The encoder part of backward, from ∂L/∂h₃ down to ∂L/∂W₁, added into enc_grad.
fn encoder_backward(l: Layout, enc: &[f64], enc_grad: &mut [f64], h: &Hidden, d_h3: &[f64; H3], row: &[(u32, u8)]) {
    let d_z3: [f64; H3] = std::array::from_fn(|k| d_h3[k] * h.h3[k] * (1.0 - h.h3[k]));
    let d_h2 = dense_backward::<H2, H3>(enc, enc_grad, l.w3(), l.b3(), &d_z3, &h.h2);
    let d_z2: [f64; H2] = std::array::from_fn(|k| d_h2[k] * h.h2[k] * (1.0 - h.h2[k]));
    let d_h1 = dense_backward::<H1, H2>(enc, enc_grad, l.w2(), l.b2(), &d_z2, &h.h1);
    let d_z1: [f64; H1] = std::array::from_fn(|k| d_h1[k] * h.h1[k] * (1.0 - h.h1[k]));
    for k in 0..H1 {
        enc_grad[l.b1() + k] += d_z1[k];
    }
    for &(m, r) in row {
        let x = f64::from(r);
        let g = &mut enc_grad[l.w1t() + m as usize * H1..][..H1];
        for k in 0..H1 {
            g[k] += x * d_z1[k];
        }
    }
}

/// For a small dense layer z = W·x + b with W (O, I) at `w_at`, b at `b_at`: adds d_z xᵀ and
/// d_z into the gradient and returns d_x = Wᵀ d_z.
fn dense_backward<const I: usize, const O: usize>(
    theta: &[f64],
    grad: &mut [f64],
    w_at: usize,
    b_at: usize,
    d_z: &[f64; O],
    x: &[f64; I],
) -> [f64; I] {
    let mut d_x = [0.0; I];
    for o in 0..O {
        grad[b_at + o] += d_z[o];
        for i in 0..I {
            grad[w_at + o * I + i] += d_z[o] * x[i];
            d_x[i] += theta[w_at + o * I + i] * d_z[o];
        }
    }
    d_x
}

multiversion!(pub fn rmsprop(theta: &mut [f64], grad: &[f64], square_avg: &mut [f64], c: &Config) => rmsprop_generic);

/// PyTorch's RMSprop update of every parameter (the update of [`crate::nn::optim::RmsProp`]),
/// with its one expensive part, g / (√v + ε), computed in f32:
///
/// ```text
/// g = ∇ + λθ;  v ← αv + (1 − α)g²          in f64
/// q = f32(g) / (√f32(v) + ε)                in f32, correctly rounded
/// θ ← θ − η q                               in f64
/// ```
///
/// The square root and the division are the slowest instructions a core has, and in f64
/// they bound this loop; in f32 they are more than twice as fast. The step direction then
/// carries f32's rounding (about 6e-8 relative), which is the precision the PyTorch
/// reference computes everything in; θ, v and the gradient sum stay f64, and v is bit for bit
/// what `RmsProp` computes. Every build [`rmsprop`] picks from (AVX-512, AVX2, plain) performs
/// the same correctly rounded operations, nothing fused, so results are identical on every
/// machine.
#[inline(always)]
fn rmsprop_generic(theta: &mut [f64], grad: &[f64], square_avg: &mut [f64], c: &Config) {
    assert!(theta.len() == grad.len() && grad.len() == square_avg.len(), "rmsprop: lengths differ");
    let (lr, alpha, wd) = (c.lr, c.alpha, c.weight_decay);
    let eps = c.eps as f32;
    for ((p, &g0), v) in theta.iter_mut().zip(grad).zip(square_avg.iter_mut()) {
        let g = g0 + wd * *p;
        let vn = alpha * *v + (1.0 - alpha) * g * g;
        *v = vn;
        let q = (g as f32) / ((vn as f32).sqrt() + eps);
        *p -= lr * f64::from(q);
    }
}

/// [`faithful::test_metrics`] on the sparse forward pass: only each user's rated movies enter.
pub fn test_metrics(sae: &Sae, train: &RatingTable, test: &RatingTable) -> super::Metrics {
    super::evaluate(test, |u, row| predict_movies(sae, train, u, row))
}

/// The model's predictions for user index `u` at the movies of `movies` (movie index, rating),
/// from the user's training row: what the test metrics and the ranking check score.
pub fn predict_movies(sae: &Sae, train: &RatingTable, u: usize, movies: &[(u32, u8)]) -> Vec<f64> {
    let h = sae.hidden(train.row(u));
    movies.iter().map(|&(m, _)| sae.output(&h, m as usize)).collect()
}

/// The model's prediction for every movie index of user index `u`, from their training row.
pub fn predict_all(sae: &Sae, train: &RatingTable, u: usize) -> Vec<f64> {
    let h = sae.hidden(train.row(u));
    (0..sae.n_movies()).map(|m| sae.output(&h, m)).collect()
}

/// Every test rating beside the model's prediction for it, (true rating, predicted), user by
/// user: what the predicted-against-actual figure draws.
pub fn test_predictions(sae: &Sae, train: &RatingTable, test: &RatingTable) -> Vec<(u8, f64)> {
    let mut pairs = Vec::new();
    for u in test.rated_users() {
        let h = sae.hidden(train.row(u));
        pairs.extend(test.row(u).iter().map(|&(m, r)| (r, sae.output(&h, m as usize))));
    }
    pairs
}
