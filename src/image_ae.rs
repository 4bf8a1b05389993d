//! §1's picture autoencoder: 784 pixels → a 25-number code → 784 pixels, trained to give
//! back digit images (`ch1_mnist`), and its codes as features (`ch1_features`).
//!
//! The network is the one of the PyTorch reference `../shared/reference/mnist_ae_torch.py`:
//!
//! ```text
//! h  = σ(W₁x + b₁)       W₁: (25, 784)    the code
//! x̂  = σ(W₂h + b₂)       W₂: (784, 25)    the reconstruction
//! L  = (1/(B·784)) Σ (x̂ − x)²              mean squared error per pixel, pixels in [0, 1]
//! ```
//!
//! trained with Adam on shuffled mini-batches of 64. [`train`] runs the epochs and reports the
//! train and held-out MSE after each; [`step`] is one mini-batch update, the hot loop whose
//! speed `benches/mnist_ae.rs` measures.
//!
//! [`step`] does what [`Autoencoder::train_step`] does, minus one product: the gradient with
//! respect to the input pixels, which nothing uses. A test holds the two to the same numbers.

use std::time::Instant;

use crate::core::error::{Error, Result};
use crate::core::matrix::{Matrix, gemm_abt, gemm_atb, transpose_into};
use crate::core::rng::Rng;
use crate::data::images::{DigitSet, PIXELS, SIDE};
use crate::kernels::simd::multiversion;
use crate::nn::activation::Activation;
use crate::nn::network::Autoencoder;
use crate::nn::optim::{Adam, Optimizer};
use crate::render::png::{GrayImage, image_grid};
use crate::render::svg::LineChart;

/// Rows per chunk when scoring a whole set, so memory stays small for any set size.
const EVAL_CHUNK: usize = 512;

/// Hyperparameters of [`train`].
///
/// `Default` is the reference's network and optimiser: code 25, batch 64, Adam with a constant
/// lr 1e-3, 40 epochs. The rate may fall along a cosine from `lr` to `lr_final`.
///
/// Measured on the 8000 shared MNIST digits (6000 train, 2000 held out), seed 1, held-out
/// MSE per pixel after 100 epochs: 0.0393 at lr 0.001 (the reference: 0.0368), 0.0347 at
/// 0.003, 0.0327 at 0.005, 0.0243 at 0.01, 0.0385 at 0.02; 0.0373 for a cosine from 0.01 to
/// 0.001. Training sits for tens of epochs on a plateau near the mean image's error
/// (~0.042) before the codes start to separate the digits, and a falling rate holds it there
/// longer. Where the plateau ends depends on the seed: at lr 0.01, held-out MSE after 100
/// epochs is 0.0243, 0.0278 and 0.0308 for seeds 1, 2, 3; after 120 epochs 0.0195, 0.0228
/// and 0.0272. So `ch1_mnist --data` uses 120 epochs at a constant 0.01: 8 s with
/// `--release`, 15 s in the dev profile, on an unloaded core of this machine kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub code: usize,
    pub epochs: usize,
    pub batch: usize,
    pub lr: f64,
    /// The learning rate at the last epoch; equal to `lr` for a constant rate.
    pub lr_final: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config { code: 25, epochs: 40, batch: 64, lr: 1e-3, lr_final: 1e-3 }
    }
}

impl Config {
    /// The learning rate of epoch `e` (1-based): a cosine from `lr` down to `lr_final`.
    ///
    /// ```text
    /// η(e) = η_end + (η₀ − η_end) · (1 + cos(π (e − 1)/(E − 1))) / 2
    /// ```
    pub fn lr_at(&self, epoch: usize) -> f64 {
        if self.epochs <= 1 {
            return self.lr;
        }
        let t = (epoch.saturating_sub(1)) as f64 / (self.epochs - 1) as f64;
        self.lr_final + (self.lr - self.lr_final) * 0.5 * (1.0 + (std::f64::consts::PI * t).cos())
    }
}

/// The 784-`code`-784 sigmoid autoencoder with PyTorch's default initialisation.
pub fn new_autoencoder(code: usize, rng: &mut Rng) -> Autoencoder {
    Autoencoder::single(PIXELS, code, Activation::Sigmoid, Activation::Sigmoid, rng)
}

/// One epoch's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochStats {
    pub epoch: usize,
    pub lr: f64,
    /// MSE per pixel over the whole training set after the epoch.
    pub train_mse: f64,
    /// The same over the held-out set.
    pub test_mse: f64,
}

/// A finished training run.
#[derive(Clone, Debug)]
pub struct Run {
    pub ae: Autoencoder,
    pub log: Vec<EpochStats>,
    /// Wall time spent in [`step`] alone (not in scoring), seconds.
    pub train_seconds: f64,
    /// CPU time of the same ([`thread_cpu_seconds`]), where the system reports it.
    pub train_cpu_seconds: Option<f64>,
    /// Training examples processed, counting each epoch's pass.
    pub samples: usize,
}

impl Run {
    /// Training samples per second of [`step`] wall time.
    pub fn samples_per_second(&self) -> f64 {
        self.samples as f64 / self.train_seconds.max(1e-9)
    }

    /// Training samples per second of [`step`] CPU time.
    pub fn samples_per_cpu_second(&self) -> Option<f64> {
        self.train_cpu_seconds.map(|t| self.samples as f64 / t.max(1e-9))
    }

    pub fn last(&self) -> &EpochStats {
        self.log.last().expect("a run has at least one epoch")
    }
}

/// Seconds this thread has spent on a CPU, from Linux's `/proc/thread-self/schedstat`
/// (nanoseconds); `None` elsewhere. On a shared machine this is the fairer clock for a
/// speed figure: wall time also counts the time other programs held the core.
pub fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}

/// Checks that a digit set can be trained on: both parts non-empty and 784 wide.
pub fn check_set(set: &DigitSet) -> Result<()> {
    if set.train.rows() == 0 || set.test.rows() == 0 {
        return Err(Error::Invalid(format!(
            "{}: need training and held-out images, got {} and {}",
            set.source,
            set.train.rows(),
            set.test.rows()
        )));
    }
    if set.train.cols() != PIXELS || set.test.cols() != PIXELS {
        return Err(Error::Invalid(format!("{}: images must have {PIXELS} pixels", set.source)));
    }
    Ok(())
}

/// Trains a fresh autoencoder on `set.train`, scoring train and held-out MSE after every
/// epoch and handing each epoch's figures to `on_epoch` as soon as they exist.
///
/// Errors: [`Error::Invalid`] for an unusable set or config, [`Error::Diverged`] if a weight
/// stops being finite.
pub fn train(set: &DigitSet, config: &Config, seed: u64, mut on_epoch: impl FnMut(&EpochStats)) -> Result<Run> {
    check_set(set)?;
    if config.code == 0 || config.batch == 0 || config.epochs == 0 {
        return Err(Error::Invalid("code, batch and epochs must all be at least 1".into()));
    }
    let mut rng = Rng::new(seed);
    let mut ae = new_autoencoder(config.code, &mut rng.fork(1));
    let mut shuffle = rng.fork(2);
    let mut opt = FastAdam::new(config.lr);
    let n = set.train.rows();
    let mut log = Vec::with_capacity(config.epochs);
    let mut train_seconds = 0.0;
    let mut cpu_seconds = Some(0.0);
    let mut ws = Workspace::default();
    for epoch in 1..=config.epochs {
        opt.lr = config.lr_at(epoch);
        let order = shuffle.permutation(n);
        let start = Instant::now();
        let cpu_start = thread_cpu_seconds();
        for (i, idx) in order.chunks(config.batch).enumerate() {
            let batch = set.train.select_rows(idx);
            let loss = step(&mut ae, &batch, &mut opt, &mut ws);
            if !loss.is_finite() {
                return Err(diverged(epoch, i + 1, format!("the loss is {loss}")));
            }
        }
        train_seconds += start.elapsed().as_secs_f64();
        cpu_seconds = match (cpu_seconds, cpu_start, thread_cpu_seconds()) {
            (Some(total), Some(a), Some(b)) => Some(total + (b - a)),
            _ => None,
        };
        if !ae.all_finite() {
            return Err(diverged(epoch, n.div_ceil(config.batch), "a weight is not finite".into()));
        }
        let train_mse = reconstruction_mse(&ae, &set.train, &mut ws);
        let test_mse = reconstruction_mse(&ae, &set.test, &mut ws);
        let stats = EpochStats { epoch, lr: opt.lr, train_mse, test_mse };
        on_epoch(&stats);
        log.push(stats);
    }
    Ok(Run { ae, log, train_seconds, train_cpu_seconds: cpu_seconds, samples: n * config.epochs })
}

fn diverged(epoch: usize, step: usize, what: String) -> Error {
    Error::Diverged { chapter: "image autoencoder".into(), epoch, step, what }
}

/// Scratch space for [`step`] and [`reconstruction_mse`], reused so the hot loop never
/// allocates. Every buffer is row-major; B is the batch, P = 784 pixels, H the code width.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    /// Z₁ + b₁, then in place H = σ(·): (B, H).
    h: Vec<f64>,
    /// Hᵀ: (H, B).
    h_t: Vec<f64>,
    /// W₂ᵀ: (H, P).
    w2_t: Vec<f64>,
    /// X̂ = σ(H·W₂ᵀ + b₂): (B, P); then, in place, d_z₂.
    out: Vec<f64>,
    /// d_w₂ᵀ: (H, P).
    d_w2_t: Vec<f64>,
    d_w2: Vec<f64>,
    d_b2: Vec<f64>,
    /// d_h, then in place d_z₁: (B, H).
    d_h: Vec<f64>,
    d_w1: Vec<f64>,
    d_b1: Vec<f64>,
}

fn sized(v: &mut Vec<f64>, len: usize) -> &mut [f64] {
    v.resize(len, 0.0);
    &mut v[..len]
}

/// One Adam update on a mini-batch x: (batch, 784); returns the loss before the update.
///
/// The same computation as `ae.train_step(x, x, LossKind::Mse, opt)`, laid out for speed:
///
/// ```text
/// H   = σ(X·W₁ᵀ + b₁)                 (B, H)    dot-product kernel, sums over 784 pixels
/// X̂   = σ(H·W₂ᵀ + b₂)                 (B, P)    outer-product kernel from Hᵀ and W₂ᵀ
/// d_z₂ = 2(X̂ − X)/(B·P) ⊙ X̂(1 − X̂)     (B, P)
/// d_w₂ = (Hᵀ·d_z₂)ᵀ,  d_b₂ = Σ_rows d_z₂
/// d_z₁ = (d_z₂·W₂) ⊙ H(1 − H)          d_z₂·W₂ as dot products with the rows of W₂ᵀ
/// d_w₁ = d_z₁ᵀ·X,     d_b₁ = Σ_rows d_z₁
/// ```
///
/// It skips ∂L/∂X, which nothing uses, and takes σ from [`sigmoid_in_place`], which agrees
/// with [`crate::nn::activation::sigmoid`] to a few units in the last place; a test holds
/// the step to the library's `train_step`.
pub fn step(ae: &mut Autoencoder, x: &Matrix, opt: &mut dyn Optimizer, ws: &mut Workspace) -> f64 {
    let (b, p) = x.shape();
    let hid = ae.code_size();
    forward_to_z2(ae, x, ws);
    let out = &mut ws.out[..b * p];
    let loss_value = output_delta(out, &ae.decoder.layers[0].b, x.data(), 2.0 / (b * p) as f64) / (b * p) as f64;
    let d_z2: &[f64] = out;

    let d_w2_t = sized(&mut ws.d_w2_t, hid * p);
    gemm_atb(&ws.h[..b * hid], d_z2, b, hid, p, d_w2_t);
    let d_w2 = sized(&mut ws.d_w2, p * hid);
    transpose_into(d_w2_t, hid, p, d_w2);
    col_sums_into(d_z2, b, p, sized(&mut ws.d_b2, p));

    let d_h = sized(&mut ws.d_h, b * hid);
    gemm_abt(d_z2, &ws.w2_t[..hid * p], b, hid, p, d_h);
    hidden_delta(d_h, &ws.h[..b * hid]);
    let d_z1: &[f64] = d_h;
    gemm_atb(d_z1, x.data(), b, hid, p, sized(&mut ws.d_w1, hid * p));
    col_sums_into(d_z1, b, hid, sized(&mut ws.d_b1, hid));

    opt.begin_step();
    let enc = &mut ae.encoder.layers[0];
    opt.update(0, enc.w.data_mut(), &ws.d_w1);
    opt.update(1, &mut enc.b, &ws.d_b1);
    let dec = &mut ae.decoder.layers[0];
    opt.update(2, dec.w.data_mut(), &ws.d_w2);
    opt.update(3, &mut dec.b, &ws.d_b2);
    loss_value
}

/// H and X̂ of x: (B, P) into `ws.h` and `ws.out` (and W₂ᵀ, Hᵀ on the way).
fn forward(ae: &Autoencoder, x: &Matrix, ws: &mut Workspace) {
    forward_to_z2(ae, x, ws);
    bias_sigmoid(&mut ws.out[..x.len()], &ae.decoder.layers[0].b);
}

/// As [`forward`], but leaves H·W₂ᵀ (without b₂ and σ) in `ws.out`.
fn forward_to_z2(ae: &Autoencoder, x: &Matrix, ws: &mut Workspace) {
    assert!(
        ae.encoder.layers.len() == 1 && ae.decoder.layers.len() == 1,
        "image_ae: expects one encoder and one decoder layer"
    );
    let enc = &ae.encoder.layers[0];
    let dec = &ae.decoder.layers[0];
    assert!(
        enc.activation == Activation::Sigmoid && dec.activation == Activation::Sigmoid,
        "image_ae: expects sigmoid layers"
    );
    let (b, p) = x.shape();
    assert_eq!(p, enc.inputs(), "image_ae: input width");
    let hid = enc.outputs();
    let h = sized(&mut ws.h, b * hid);
    gemm_abt(x.data(), enc.w.data(), b, hid, p, h);
    bias_sigmoid(h, &enc.b);
    let h_t = sized(&mut ws.h_t, hid * b);
    transpose_into(h, b, hid, h_t);
    let w2_t = sized(&mut ws.w2_t, hid * p);
    transpose_into(dec.w.data(), p, hid, w2_t);
    let out = sized(&mut ws.out, b * p);
    gemm_atb(h_t, w2_t, hid, b, p, out);
}

multiversion!(fn bias_sigmoid(z: &mut [f64], bias: &[f64]) => bias_sigmoid_generic);
multiversion!(pub fn sigmoid_in_place(z: &mut [f64]) => sigmoid_in_place_generic);
multiversion!(fn output_delta(out: &mut [f64], bias: &[f64], x: &[f64], scale: f64) -> f64 => output_delta_generic);
multiversion!(fn hidden_delta(d_h: &mut [f64], h: &[f64]) => hidden_delta_generic);
multiversion!(fn col_sums_into(m: &[f64], rows: usize, cols: usize, out: &mut [f64]) => col_sums_generic);

/// z: (rows, bias.len()) ← σ(z + bias), row by row.
#[inline(always)]
fn bias_sigmoid_generic(z: &mut [f64], bias: &[f64]) {
    for row in z.chunks_exact_mut(bias.len()) {
        for (v, &b) in row.iter_mut().zip(bias) {
            *v += b;
        }
        sigmoid_in_place_generic(row);
    }
}

/// Below this, e^t is taken as e^(−708): σ(z) for z < −708 is then 3e−308 instead of a
/// smaller subnormal or 0, a difference no loss can see.
const EXP_FLOOR: f64 = -708.0;

/// σ(z) for every entry, in a form the compiler vectorises: no branch, no library call.
///
/// ```text
/// e = exp(−|z|) ∈ (0, 1]            never overflows
/// σ(z) = 1/(1 + e)  if z ≥ 0,   e/(1 + e)  otherwise
/// exp(t) = 2ⁿ · exp(r),  n = round(t/ln 2),  r = t − n·ln 2 ∈ [−ln2/2, ln2/2]
/// exp(r) ≈ Σ_{i=0}^{13} rⁱ/i!       (the first term left out is below 4e−18)
/// ```
///
/// n is rounded with the 1.5·2⁵² trick, and 2ⁿ built from its bits.
#[inline(always)]
fn sigmoid_in_place_generic(z: &mut [f64]) {
    for v in z.iter_mut() {
        *v = sigmoid_one(*v);
    }
}

/// One σ(z) as [`sigmoid_in_place`] computes it; inlined into vectorised loops.
#[inline(always)]
fn sigmoid_one(zv: f64) -> f64 {
    const MAGIC: f64 = 6_755_399_441_055_744.0;
    // ln 2 split so that n·LN2_HI is exact for |n| < 2¹¹ (fdlibm's constants).
    const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
    let t = (-zv.abs()).max(EXP_FLOOR);
    let k = t.mul_add(std::f64::consts::LOG2_E, MAGIC);
    let n = k - MAGIC;
    let r = n.mul_add(-LN2_LO, n.mul_add(-LN2_HI, t));
    let mut poly: f64 = 1.0 / 6_227_020_800.0;
    for d in
        [479_001_600.0, 39_916_800.0, 3_628_800.0, 362_880.0, 40_320.0, 5_040.0, 720.0, 120.0, 24.0, 6.0, 2.0, 1.0, 1.0]
    {
        poly = poly.mul_add(r, 1.0 / d);
    }
    let two_n = f64::from_bits(k.to_bits().wrapping_sub(MAGIC.to_bits()).wrapping_add(1023) << 52);
    let e = poly * two_n;
    let s = 1.0 / (1.0 + e);
    if zv >= 0.0 { s } else { e * s }
}

/// z₂ ← d_z₂ in one pass, row by row: x̂ = σ(z₂ + b₂), then ((x̂ − x)·scale) ⊙ x̂(1 − x̂), the
/// MSE's d_z₂ with `scale` = 2/N. Returns Σ (x̂ − x)², summed in 8 lanes per row.
#[inline(always)]
fn output_delta_generic(out: &mut [f64], bias: &[f64], x: &[f64], scale: f64) -> f64 {
    assert_eq!(out.len(), x.len(), "output_delta: lengths");
    let mut total = 0.0;
    for (o_row, x_row) in out.chunks_exact_mut(bias.len()).zip(x.chunks_exact(bias.len())) {
        let mut acc = [0.0f64; 8];
        let mut oc = o_row.chunks_exact_mut(8);
        let mut xc = x_row.chunks_exact(8);
        let mut bc = bias.chunks_exact(8);
        for ((o, t), b) in (&mut oc).zip(&mut xc).zip(&mut bc) {
            for l in 0..8 {
                let y = sigmoid_one(o[l] + b[l]);
                let d = y - t[l];
                acc[l] = d.mul_add(d, acc[l]);
                o[l] = (d * scale) * (y * (1.0 - y));
            }
        }
        let mut sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
        for ((o, t), b) in oc.into_remainder().iter_mut().zip(xc.remainder()).zip(bc.remainder()) {
            let y = sigmoid_one(*o + b);
            let d = y - t;
            sum = d.mul_add(d, sum);
            *o = (d * scale) * (y * (1.0 - y));
        }
        total += sum;
    }
    total
}

/// d_h ← d_h ⊙ h(1 − h): d_z₁ for a sigmoid code.
#[inline(always)]
fn hidden_delta_generic(d_h: &mut [f64], h: &[f64]) {
    for (d, &a) in d_h.iter_mut().zip(h) {
        *d *= a * (1.0 - a);
    }
}

/// out ← Σ_rows m, m: (rows, cols).
#[inline(always)]
fn col_sums_generic(m: &[f64], rows: usize, cols: usize, out: &mut [f64]) {
    out.fill(0.0);
    for row in m.chunks_exact(cols).take(rows) {
        for (s, &v) in out.iter_mut().zip(row) {
            *s += v;
        }
    }
}

/// Adam (no weight decay) arranged as PyTorch's own kernel computes it, with the
/// per-parameter loop compiled for the CPU's widest vectors:
///
/// ```text
/// m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²
/// θ ← θ − (η/(1 − β₁ᵗ)) · m / (√v · (1/√(1 − β₂ᵗ)) + ε)
/// ```
///
/// which is [`Adam`]'s m̂/(√v̂ + ε) with the bias corrections moved out of the loop: one
/// square root and one division per parameter instead of three divisions and a root. The
/// two agree to rounding (a test checks); here Adam's update costs as much as a product
/// would otherwise.
#[derive(Clone, Debug)]
pub struct FastAdam {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    t: u64,
    m: Vec<Vec<f64>>,
    v: Vec<Vec<f64>>,
}

impl FastAdam {
    /// PyTorch's defaults (betas 0.9, 0.999, eps 1e-8) with learning rate `lr`.
    pub fn new(lr: f64) -> Self {
        let d = Adam::default();
        FastAdam { lr, beta1: d.beta1, beta2: d.beta2, eps: d.eps, t: 0, m: Vec::new(), v: Vec::new() }
    }
}

impl Optimizer for FastAdam {
    fn begin_step(&mut self) {
        self.t += 1;
    }

    fn update(&mut self, slot: usize, param: &mut [f64], grad: &[f64]) {
        assert_eq!(param.len(), grad.len(), "FastAdam: parameter and gradient lengths differ");
        assert!(self.t > 0, "FastAdam::update before begin_step");
        for state in [&mut self.m, &mut self.v] {
            if state.len() <= slot {
                state.resize_with(slot + 1, Vec::new);
            }
            if state[slot].is_empty() {
                state[slot] = vec![0.0; param.len()];
            }
            assert_eq!(state[slot].len(), param.len(), "FastAdam: slot {slot} changed length");
        }
        let step_size = self.lr / (1.0 - self.beta1.powi(self.t as i32));
        let inv_sqrt_bc2 = 1.0 / (1.0 - self.beta2.powi(self.t as i32)).sqrt();
        let c = [step_size, self.beta1, self.beta2, self.eps, inv_sqrt_bc2];
        adam_update(param, grad, &mut self.m[slot], &mut self.v[slot], &c);
    }
}

multiversion!(fn adam_update(param: &mut [f64], grad: &[f64], m: &mut [f64], v: &mut [f64], c: &[f64; 5]) => adam_update_generic);

/// c = [η/(1 − β₁ᵗ), β₁, β₂, ε, 1/√(1 − β₂ᵗ)].
#[inline(always)]
fn adam_update_generic(param: &mut [f64], grad: &[f64], m: &mut [f64], v: &mut [f64], c: &[f64; 5]) {
    let [step_size, b1, b2, eps, inv_sqrt_bc2] = *c;
    for (((p, &g), m), v) in param.iter_mut().zip(grad).zip(m.iter_mut()).zip(v.iter_mut()) {
        *m = b1 * *m + (1.0 - b1) * g;
        *v = b2 * *v + (1.0 - b2) * g * g;
        *p -= step_size * *m / (v.sqrt() * inv_sqrt_bc2 + eps);
    }
}

/// Mean squared error per pixel of reconstructing every row of x: (n, 784).
pub fn reconstruction_mse(ae: &Autoencoder, x: &Matrix, ws: &mut Workspace) -> f64 {
    let mut sum = 0.0;
    for start in (0..x.rows()).step_by(EVAL_CHUNK) {
        let chunk = x.slice_rows(start, (start + EVAL_CHUNK).min(x.rows()));
        forward(ae, &chunk, ws);
        sum += squared_error(&ws.out[..chunk.len()], chunk.data());
    }
    sum / x.len().max(1) as f64
}

multiversion!(fn squared_error(a: &[f64], b: &[f64]) -> f64 => squared_error_generic);

/// Σ (a − b)², in 8 lanes.
#[inline(always)]
fn squared_error_generic(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let mut ac = a.chunks_exact(8);
    let mut bc = b.chunks_exact(8);
    for (x, y) in (&mut ac).zip(&mut bc) {
        for l in 0..8 {
            let d = x[l] - y[l];
            acc[l] = d.mul_add(d, acc[l]);
        }
    }
    let mut sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (x, y) in ac.remainder().iter().zip(bc.remainder()) {
        let d = x - y;
        sum = d.mul_add(d, sum);
    }
    sum
}

/// The codes of every row of x: (n, 784) → (n, code).
pub fn encode_all(ae: &Autoencoder, x: &Matrix) -> Matrix {
    let mut data = Vec::with_capacity(x.rows() * ae.code_size());
    for start in (0..x.rows()).step_by(EVAL_CHUNK) {
        let chunk = x.slice_rows(start, (start + EVAL_CHUNK).min(x.rows()));
        data.extend_from_slice(ae.encode(&chunk).data());
    }
    Matrix::from_vec(x.rows(), ae.code_size(), data)
}

/// A row of originals above a row of their reconstructions, each pixel a `scale × scale`
/// block. originals, reconstructions: (n, 784), the same n.
pub fn comparison_image(originals: &Matrix, reconstructions: &Matrix, scale: usize) -> GrayImage {
    assert_eq!(originals.shape(), reconstructions.shape(), "comparison_image: shapes differ");
    let top: Vec<&[f64]> = (0..originals.rows()).map(|r| originals.row(r)).collect();
    let bottom: Vec<&[f64]> = (0..reconstructions.rows()).map(|r| reconstructions.row(r)).collect();
    image_grid(&[top, bottom], SIDE, SIDE, scale, 2)
}

/// `steps` codes evenly spaced on the straight line from `a` to `b`, both ends included.
/// a, b: (code,) → (steps, code).
///
/// ```text
/// h_i = (1 − t_i)·a + t_i·b,   t_i = i / (steps − 1),   i = 0 … steps − 1
/// ```
///
/// ```
/// use autoencoders::image_ae::line_between;
/// let m = line_between(&[0.0, 1.0], &[1.0, 3.0], 3);
/// assert_eq!(m.row(1), &[0.5, 2.0]); // halfway: t = 1/2
/// assert_eq!((m.row(0), m.row(2)), (&[0.0, 1.0][..], &[1.0, 3.0][..]));
/// ```
pub fn line_between(a: &[f64], b: &[f64], steps: usize) -> Matrix {
    assert_eq!(a.len(), b.len(), "line_between: codes of different sizes");
    assert!(steps >= 2, "line_between: a line needs both ends");
    let mut m = Matrix::zeros(steps, a.len());
    for i in 0..steps {
        let t = i as f64 / (steps - 1) as f64;
        for (j, (&x, &y)) in a.iter().zip(b).enumerate() {
            m[(i, j)] = (1.0 - t) * x + t * y;
        }
    }
    m
}

/// What the decoder draws along the straight line between the codes of two images, as one
/// row of `steps` tiles (the first and last are the two images' reconstructions).
/// from, to: (784,) → (steps, 784).
pub fn interpolate(ae: &Autoencoder, from: &[f64], to: &[f64], steps: usize) -> Matrix {
    let ends = ae.encode(&Matrix::from_vec(2, from.len(), [from, to].concat()));
    ae.decode(&line_between(ends.row(0), ends.row(1), steps))
}

/// A single row of images (n, 784), each pixel a `scale × scale` block.
pub fn image_row(images: &Matrix, scale: usize) -> GrayImage {
    let row: Vec<&[f64]> = (0..images.rows()).map(|r| images.row(r)).collect();
    image_grid(&[row], SIDE, SIDE, scale, 2)
}

/// The first test image of each digit 0–9 that occurs, in digit order: the indices of a
/// sample that shows every class.
pub fn one_of_each_digit(labels: &[u8]) -> Vec<usize> {
    (0..10u8).filter_map(|d| labels.iter().position(|&l| l == d)).collect()
}

/// The loss curve of a run: train and held-out MSE per pixel against the epoch, log y.
pub fn loss_chart(title: &str, log: &[EpochStats]) -> LineChart {
    LineChart::new(title, "epoch", "MSE per pixel")
        .series("train", log.iter().map(|s| (s.epoch as f64, s.train_mse)).collect())
        .series("held out", log.iter().map(|s| (s.epoch as f64, s.test_mse)).collect())
        .log_y(true)
}
