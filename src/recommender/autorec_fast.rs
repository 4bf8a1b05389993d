//! The fast twin of [`super::autorec::Trainer`]: the same training, with the gradient and
//! Adam's moments of V and W kept in f32 and AdamW fused into one pass per tensor. This is the
//! trainer `ch5_recommender` runs; `autorec.rs` is the version to read, and the tests below
//! and in `tests/autorec.rs` hold the two together.
//!
//! Why a twin: V and W are (n_users, k) each. With the plain trainer's f64 gradient and
//! [`crate::nn::optim::Adam`]'s f64 moments, they take six f64 tensors of that shape beside the
//! model: 72 MB at k = 250 on ml-1m's 6040 users. Here the same six take 36 MB, as PyTorch
//! keeps them for f32 parameters, and one pass per tensor does the decay and Adam's step. On
//! ml-100k u1 the twin also takes a quarter less CPU time (see the `autorec` module doc).
//!
//! ```text
//! d_V, d_W    summed in f32: each term computed in f64, the sum rounded to f32 after each add
//! m, s        f32; each update computed in f64 and rounded once on the way back
//! step        θ ← (1 − η·wd)·θ − (η / (1 − β₁ᵗ)) · m / (√(s / (1 − β₂ᵗ)) + ε)
//!             (nn::optim::Adam's update with decoupled decay, its divisions regrouped)
//! ```
//!
//! The rounding moves each step by about f32's precision (6e-8 relative) of m and s, and the
//! gradient sums by the same relative amount of their partial sums; what this does to a whole
//! training run is measured in `tests/autorec.rs`.

use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::minibatch_epoch;
use crate::recommender::autorec::{AutoRec, Config, ItemTrainer};

/// Training state: the model, the f32 gradient and moments, the item order.
pub struct Trainer {
    pub model: AutoRec,
    pub config: Config,
    columns: Vec<Vec<(u32, f64)>>,
    /// Adam's moments of μ and b (those of V and W are in `grad`).
    moments: [Moments; 2],
    t: i32,
    epochs_done: i32,
    grad: Grads,
    rng: Rng,
}

impl ItemTrainer for Trainer {
    /// The same draws as [`super::autorec::Trainer::new`]: the same initial model.
    fn new(n_users: usize, columns: Vec<Vec<(u32, f64)>>, config: Config, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let model = AutoRec::new(n_users, config.hidden, &mut rng);
        let grad = Grads::zeros_like(&model);
        let moments = [&model.mu, &model.b].map(|t| Moments::new(t.len()));
        Trainer { model, config, columns, moments, t: 0, epochs_done: 0, grad, rng }
    }

    /// One epoch over the items in the order [`super::autorec::Trainer::epoch`] draws, one
    /// fused AdamW step per mini-batch.
    fn epoch(&mut self) -> f64 {
        let Trainer { model, config, columns, moments, t, epochs_done, grad, rng } = self;
        let n_items = columns.len();
        let (mut se, mut n) = (0.0, 0usize);
        let offset = config.input_offset;
        let mut kept = Vec::new();
        let items = Matrix::zeros(n_items, 0);
        minibatch_epoch(&items, config.batch.max(1), rng, |batch, _, rng| {
            grad.zero();
            let mut batch_se = 0.0;
            for &i in batch {
                let col = &columns[i];
                let input = if config.masking_noise > 0.0 {
                    kept.clear();
                    kept.extend(col.iter().copied().filter(|_| !rng.bernoulli(config.masking_noise)));
                    &kept[..]
                } else {
                    &col[..]
                };
                batch_se += accumulate_item(model, input, offset, col, grad.as_mut());
                n += col.len();
            }
            let share = batch.len() as f64 / n_items as f64;
            if config.lambda > 0.0 {
                let GradsMut { d_v, d_w, .. } = grad.as_mut();
                penalty_into(model, config.lambda, share, d_v, d_w);
            }
            *t += 1;
            let lr = config.lr * config.lr_decay.powi(*epochs_done);
            let shrink = lr * config.weight_decay;
            moments[0].step(&mut model.mu, &grad.d_mu, lr, *t, 0.0);
            moments[1].step(&mut model.b, &grad.d_b, lr, *t, 0.0);
            let [d_v, d_w, m_v, s_v, m_w, s_w] = grad.vw_parts();
            adamw_step(&mut model.v, d_v, m_v, s_v, lr, *t, shrink);
            adamw_step(&mut model.w, d_w, m_w, s_w, lr, *t, shrink);
            se += batch_se;
            batch_se
        });
        *epochs_done += 1;
        (se / n.max(1) as f64).sqrt()
    }

    fn model(&self) -> &AutoRec {
        &self.model
    }
    fn config(&self) -> &Config {
        &self.config
    }
    fn columns(&self) -> &[Vec<(u32, f64)>] {
        &self.columns
    }
    fn columns_mut(&mut self) -> &mut Vec<Vec<(u32, f64)>> {
        &mut self.columns
    }
    fn into_parts(self) -> (AutoRec, Vec<Vec<(u32, f64)>>) {
        (self.model, self.columns)
    }
}

/// x += v, rounded to f32: one term of an f32 gradient sum.
fn add(x: &mut f32, v: f64) {
    *x = (f64::from(*x) + v) as f32;
}

/// [`AutoRec::accumulate_item`] with d_V and d_W summed in f32.
fn accumulate_item(model: &AutoRec, input: &[(u32, f64)], offset: f64, col: &[(u32, f64)], grad: GradsMut<'_>) -> f64 {
    let k = model.hidden;
    let h = model.encode_shifted(input, offset);
    let mut loss = 0.0;
    let mut d_h = vec![0.0; k];
    for &(u, r) in col {
        let u = u as usize;
        let d = model.decode_one(&h, u) - r;
        loss += d * d;
        let d_out = 2.0 * d;
        grad.d_b[u] += d_out;
        let w = &model.w[u * k..][..k];
        let gw = &mut grad.d_w[u * k..][..k];
        for (((g, dh), &wj), &hj) in gw.iter_mut().zip(d_h.iter_mut()).zip(w).zip(&h) {
            add(g, d_out * hj);
            *dh += d_out * wj;
        }
    }
    let d_z: Vec<f64> = d_h.iter().zip(&h).map(|(&dh, &hj)| dh * hj * (1.0 - hj)).collect();
    for (g, &dz) in grad.d_mu.iter_mut().zip(&d_z) {
        *g += dz;
    }
    for &(u, r) in input {
        let x = r + offset;
        let gv = &mut grad.d_v[u as usize * k..][..k];
        for (g, &dz) in gv.iter_mut().zip(&d_z) {
            add(g, x * dz);
        }
    }
    loss
}

/// [`AutoRec::accumulate_penalty`] into f32 d_v, d_w: (n_users, k).
fn penalty_into(model: &AutoRec, lambda: f64, share: f64, d_v: &mut [f32], d_w: &mut [f32]) -> f64 {
    let c = lambda * share;
    let mut sq = 0.0;
    for (g, &p) in d_v.iter_mut().zip(&model.v).chain(d_w.iter_mut().zip(&model.w)) {
        add(g, c * p);
        sq += p * p;
    }
    0.5 * c * sq
}

/// The four gradient tensors, borrowed: d_v, d_w (n_users, k) in f32, d_mu (k), d_b (n_users).
struct GradsMut<'a> {
    d_v: &'a mut [f32],
    d_mu: &'a mut [f64],
    d_w: &'a mut [f32],
    d_b: &'a mut [f64],
}

/// The trainer's batch gradient, and Adam's moments of V and W.
///
/// Every batch of 64 items touches most users on ml-1m, so keeping only the touched rows
/// would not save more than f32 does. The six f32 tensors share one block,
/// `vw = [d_V | d_W | m_V | s_V | m_W | s_W]`, each (n_users, k): 36 MB on ml-1m, a block
/// large enough that glibc's allocator maps it on its own and unmaps it when the trainer is
/// dropped, instead of leaving six holes in the heap between the held-out and the final run.
struct Grads {
    vw: Vec<f32>,
    /// n_users · k, the length of each tensor in `vw`.
    n: usize,
    d_mu: Vec<f64>,
    d_b: Vec<f64>,
}

impl Grads {
    fn zeros_like(model: &AutoRec) -> Self {
        let n = model.v.len();
        Grads { vw: vec![0.0; 6 * n], n, d_mu: vec![0.0; model.mu.len()], d_b: vec![0.0; model.b.len()] }
    }

    /// Resets the gradients (not the moments that share their block).
    fn zero(&mut self) {
        self.vw[..2 * self.n].fill(0.0);
        self.d_mu.fill(0.0);
        self.d_b.fill(0.0);
    }

    /// [d_V, d_W, m_V, s_V, m_W, s_W].
    fn vw_parts(&mut self) -> [&mut [f32]; 6] {
        let n = self.n;
        let mut rest = &mut self.vw[..];
        [(); 6].map(|_| {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(n);
            rest = tail;
            head
        })
    }

    fn as_mut(&mut self) -> GradsMut<'_> {
        let n = self.n;
        let (d_v, rest) = self.vw.split_at_mut(n);
        GradsMut { d_v, d_mu: &mut self.d_mu, d_w: &mut rest[..n], d_b: &mut self.d_b }
    }
}

/// Adam's moments for one tensor, in f32.
#[derive(Clone, Debug)]
struct Moments {
    m: Vec<f32>,
    s: Vec<f32>,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;

impl Moments {
    fn new(n: usize) -> Self {
        Moments { m: vec![0.0; n], s: vec![0.0; n] }
    }

    fn step<G: Copy + Into<f64>>(&mut self, theta: &mut [f64], grad: &[G], lr: f64, t: i32, shrink: f64) {
        adamw_step(theta, grad, &mut self.m, &mut self.s, lr, t, shrink);
    }
}

/// One AdamW step at step count t with PyTorch's defaults (β₁ 0.9, β₂ 0.999, ε 1e-8), in
/// PyTorch's order: θ ← (1 − `shrink`)·θ − Adam's step, the decay (shrink = η·wd) taken from
/// the old θ and kept out of the moments.
fn adamw_step<G: Copy + Into<f64>>(
    theta: &mut [f64],
    grad: &[G],
    m: &mut [f32],
    s: &mut [f32],
    lr: f64,
    t: i32,
    shrink: f64,
) {
    let a = lr / (1.0 - BETA1.powi(t));
    let c2 = 1.0 / (1.0 - BETA2.powi(t));
    let keep = 1.0 - shrink;
    for (((p, &g), m32), s32) in theta.iter_mut().zip(grad).zip(m.iter_mut()).zip(s.iter_mut()) {
        let g: f64 = g.into();
        let m = BETA1 * f64::from(*m32) + (1.0 - BETA1) * g;
        let s = BETA2 * f64::from(*s32) + (1.0 - BETA2) * g * g;
        (*m32, *s32) = (m as f32, s as f32);
        *p = keep * *p - a * m / ((s * c2).sqrt() + EPS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::optim::{Adam, Optimizer};

    /// The fused update against nn::optim::Adam with decoupled decay (f64 moments), five
    /// steps from the same start on the same gradients.
    #[test]
    fn fused_adamw_matches_nn_adam() {
        let mut rng = Rng::new(3);
        let n = 37;
        let (lr, wd) = (0.01, 0.5);
        let mut fused = (0..n).map(|_| rng.range(-1.0, 1.0)).collect::<Vec<_>>();
        let mut plain = fused.clone();
        let mut moments = Moments::new(n);
        let mut adam = Adam::new(lr);
        adam.decoupled_weight_decay = wd;
        for t in 1..=5 {
            let grad: Vec<f64> = (0..n).map(|_| rng.range(-2.0, 2.0)).collect();
            moments.step(&mut fused, &grad, lr, t, lr * wd);
            adam.begin_step();
            adam.update(0, &mut plain, &grad);
        }
        // Each step moves θ by at most about lr; storing m and s in f32 perturbs m/√s by a few
        // f32 roundings (2⁻²⁴ ≈ 6e-8 relative each), so five steps stay within 5·lr·1e-6.
        const F32_MOMENTS: f64 = 5.0 * 0.01 * 1e-6;
        for (a, b) in fused.iter().zip(&plain) {
            assert!((a - b).abs() < F32_MOMENTS, "fused {a} vs plain {b}");
        }
    }

    /// The f32 gradient sum against the plain f64 one, for one batch of items.
    #[test]
    fn f32_gradient_matches_the_plain_one() {
        let mut rng = Rng::new(5);
        let model = AutoRec::new(30, 6, &mut rng);
        let n_items = 8;
        let mut cols: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_items];
        for col in &mut cols {
            for u in 0..30u32 {
                if rng.bernoulli(0.4) {
                    col.push((u, rng.range(-2.0, 2.0)));
                }
            }
        }
        let mut plain = model.zeros_like();
        let mut fast = Grads::zeros_like(&model);
        // Σ over items of |each item's term|, entry by entry: what bounds the partial sums.
        let mut abs_terms = model.zeros_like();
        for col in &cols {
            let a = model.accumulate_item(col, 3.0, col, &mut plain);
            let b = accumulate_item(&model, col, 3.0, col, fast.as_mut());
            assert_eq!(a.to_bits(), b.to_bits(), "the loss is computed the same way, in f64");
            let mut one = model.zeros_like();
            model.accumulate_item(col, 3.0, col, &mut one);
            for (s, t) in abs_terms.v.iter_mut().zip(&one.v).chain(abs_terms.w.iter_mut().zip(&one.w)) {
                *s += t.abs();
            }
        }
        assert_eq!((&plain.mu, &plain.b), (&fast.d_mu, &fast.d_b), "μ and b are summed in f64 in both");
        // Each item adds one term to an entry, and each f32 add rounds by at most 2⁻²⁴ of the
        // partial sum, which is at most Σ|terms|: n_items · 2⁻²⁴ · Σ|terms| bounds the error.
        let u = 1.0 / (1u64 << 24) as f64;
        let parts = fast.vw_parts();
        for (p, f, abs) in [(&plain.v, &parts[0], &abs_terms.v), (&plain.w, &parts[1], &abs_terms.w)] {
            for ((a, &b), s) in p.iter().zip(f.iter()).zip(abs) {
                assert!((a - f64::from(b)).abs() <= n_items as f64 * u * s * (1.0 + 1e-6), "{a} vs {b}");
            }
        }
    }
}
