//! The fast twin of [`crate::image_ae`]: the same 784-25-784 network, the same data order and
//! the same start, trained by a fused step. `ch1_mnist` trains with it (and says so); the plain
//! model in `src/image_ae.rs` is the one to read, and `tests/image_ae.rs` holds the two equal.
//!
//! What the twin does differently, and why each is worth its own code:
//!
//! ```text
//! plain (image_ae)                          fast (here)
//! Dense::forward / backward, new matrices   one Workspace, reused: no allocation per step
//! σ through the library's exp               σ through a branch-free polynomial exp that vectorises
//! bias, σ, loss and d_z₂ in separate passes  one pass over the (B, 784) output
//! nn::optim::Adam                           FastAdam: the bias corrections hoisted out of the loop
//! ```
//!
//! Products: the twin's own two kernels, [`gemm_abt`] (C = A·Bᵀ, 4 × 4 blocks of dot products
//! in 8 lanes) and [`gemm_atb`] (C = Aᵀ·B, 5 × 24 blocks of outer products). They exist only
//! here, as part of this model-specific fast path: the plain model, [`Matrix`] and every other
//! path in the workbook multiply through the one blocked kernel, [`crate::kernels::gemm`].
//! The reason is that gemm packs both operands on every call, and at this step's shapes
//! ((64 × 784)·(25 × 784)ᵀ and back) that is a large share of the work. Per product, CPU
//! time on this machine kind (AVX-512, load 6 on 2 cores, best of 5 × 400 calls):
//!
//! ```text
//! product             kernels::gemm (best layout)    here
//! Z₁ = X·W₁ᵀ          57–59 µs (as W₁·Xᵀ)           49–51 µs  gemm_abt
//! Z₂ = H·W₂ᵀ          44–46 µs                      28–30 µs  gemm_atb (Hᵀ, W₂ᵀ)
//! d_w₂ᵀ = Hᵀ·d_z₂     38–40 µs                      27–30 µs  gemm_atb
//! d_h = d_z₂·W₂       53–56 µs (as W₂ᵀ·d_z₂ᵀ)       50–53 µs  gemm_abt (d_z₂, W₂ᵀ)
//! d_w₁ = d_z₁ᵀ·X      40–42 µs                      28–29 µs  gemm_atb
//! ```
//!
//! about 50 µs of a 370–400 µs step; `cargo bench --bench mnist_ae` gave 158,000–175,000
//! samples/s with these kernels against 137,000–146,000 with gemm (three alternated runs each).
//! The kernels sum in another order than gemm, so the twins' products differ by rounding too;
//! `tests/image_ae.rs` holds the kernels to the naive product and the twins to each other.
//! In the same runs the fused step trained 2.7 to 2.9 times as many samples per second as the
//! plain one.

use crate::core::error::Result;
use crate::core::matrix::{Matrix, transpose_into};
use crate::data::images::DigitSet;
use crate::image_ae::{self, CHAPTER, Config, EVAL_CHUNK, EpochStats, Run, StepClock};
use crate::kernels::simd::multiversion;
use crate::nn::activation::Activation;
use crate::nn::network::Autoencoder;
use crate::nn::optim::{Adam, Optimizer};
use crate::nn::train::minibatch_epoch;

/// [`image_ae::train`] with the fused [`step`] and [`FastAdam`]: the same start
/// ([`image_ae::initial`]), the same batches in the same order, the same figures per epoch.
///
/// Errors: as [`image_ae::train`].
pub fn train(set: &DigitSet, config: &Config, seed: u64, mut on_epoch: impl FnMut(&EpochStats)) -> Result<Run> {
    image_ae::check(set, config)?;
    let (mut ae, mut shuffle) = image_ae::initial(config, seed);
    let mut opt = FastAdam::new(config.lr);
    let mut clock = StepClock::default();
    let mut ws = Workspace::default();
    let mut log = Vec::with_capacity(config.epochs);
    for epoch in 1..=config.epochs {
        opt.lr = config.lr_at(epoch);
        let loss = clock.time(|| {
            minibatch_epoch(&set.train, config.batch, &mut shuffle, |_, batch, _| {
                step(&mut ae, batch, &mut opt, &mut ws)
            })
        });
        ae.check_finite(CHAPTER, epoch, set.train.rows().div_ceil(config.batch), loss)?;
        let stats = EpochStats {
            epoch,
            lr: opt.lr,
            train_mse: reconstruction_mse(&ae, &set.train, &mut ws),
            test_mse: reconstruction_mse(&ae, &set.test, &mut ws),
        };
        on_epoch(&stats);
        log.push(stats);
    }
    Ok(clock.run(ae, log, set.train.rows() * config.epochs))
}

/// Scratch space for [`step`] and [`reconstruction_mse`], reused so the hot loop never
/// allocates. Every buffer is row-major; B is the batch, P = 784 pixels, H the code width.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    /// Z₁ + b₁, then in place H = σ(·): (B, H).
    h: Vec<f64>,
    /// Hᵀ: (H, B).
    h_t: Vec<f64>,
    /// W₂ᵀ: (H, P), made once per step and read by the forward and the backward product.
    w2_t: Vec<f64>,
    /// X̂ = σ(H·W₂ᵀ + b₂): (B, P); then, in place, d_z₂.
    out: Vec<f64>,
    /// d_w₂ᵀ = Hᵀ·d_z₂: (H, P), then d_w₂ (P, H) and d_b₂ (P).
    d_w2_t: Vec<f64>,
    d_w2: Vec<f64>,
    d_b2: Vec<f64>,
    /// d_h = d_z₂·W₂, then in place d_z₁: (B, H).
    d_h: Vec<f64>,
    /// (H, P), (H).
    d_w1: Vec<f64>,
    d_b1: Vec<f64>,
}

fn sized(v: &mut Vec<f64>, len: usize) -> &mut [f64] {
    v.resize(len, 0.0);
    &mut v[..len]
}

/// One update of `opt` on a mini-batch x: (batch, 784); returns the loss before the update.
///
/// The same computation as [`crate::nn::train::step`] on the plain objective, laid out for
/// speed:
///
/// ```text
/// H     = σ(X·W₁ᵀ + b₁)                 (B, H)    gemm_abt: dot products over 784 pixels
/// X̂     = σ(H·W₂ᵀ + b₂)                 (B, P)    gemm_atb from Hᵀ and W₂ᵀ
/// d_z₂  = 2(X̂ − X)/(B·P) ⊙ X̂(1 − X̂)     (B, P)    in the same pass as X̂ and the loss
/// d_w₂  = (Hᵀ·d_z₂)ᵀ,   d_b₂ = Σ_rows d_z₂
/// d_z₁  = (d_z₂·W₂) ⊙ H(1 − H)          (B, H)    gemm_abt against the rows of W₂ᵀ
/// d_w₁  = d_z₁ᵀ·X,      d_b₁ = Σ_rows d_z₁
/// ```
///
/// Like the plain model it skips ∂L/∂X, which nothing uses. σ comes from
/// [`sigmoid_in_place`], which agrees with [`crate::nn::activation::sigmoid`] to a few units
/// in the last place.
pub fn step(ae: &mut Autoencoder, x: &Matrix, opt: &mut dyn Optimizer, ws: &mut Workspace) -> f64 {
    let (b, p) = x.shape();
    let hid = ae.code_size();
    forward_to_z2(ae, x, ws);
    let out = &mut ws.out[..b * p];
    let loss_value = output_delta(out, &ae.decoder.layers[0].b, x.data(), 2.0 / (b * p) as f64) / (b * p) as f64;
    let d_z2: &[f64] = out;

    let d_w2_t = sized(&mut ws.d_w2_t, hid * p);
    gemm_atb(&ws.h[..b * hid], d_z2, b, hid, p, d_w2_t);
    transpose_into(d_w2_t, hid, p, sized(&mut ws.d_w2, p * hid));
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

/// H and X̂ of x: (B, P) into `ws.h` and `ws.out` (and Hᵀ, W₂ᵀ on the way).
fn forward(ae: &Autoencoder, x: &Matrix, ws: &mut Workspace) {
    forward_to_z2(ae, x, ws);
    bias_sigmoid(&mut ws.out[..x.len()], &ae.decoder.layers[0].b);
}

/// As [`forward`], but leaves H·W₂ᵀ (without b₂ and σ) in `ws.out`.
fn forward_to_z2(ae: &Autoencoder, x: &Matrix, ws: &mut Workspace) {
    assert!(
        ae.encoder.layers.len() == 1 && ae.decoder.layers.len() == 1,
        "image_ae_fast: expects one encoder and one decoder layer"
    );
    let enc = &ae.encoder.layers[0];
    let dec = &ae.decoder.layers[0];
    assert!(
        enc.activation == Activation::Sigmoid && dec.activation == Activation::Sigmoid,
        "image_ae_fast: expects sigmoid layers"
    );
    let (b, p) = x.shape();
    assert_eq!(p, enc.inputs(), "image_ae_fast: input width");
    let hid = enc.outputs();
    let h = sized(&mut ws.h, b * hid);
    gemm_abt(x.data(), enc.w.data(), b, hid, p, h);
    bias_sigmoid(h, &enc.b);
    let h_t = sized(&mut ws.h_t, hid * b);
    transpose_into(h, b, hid, h_t);
    let w2_t = sized(&mut ws.w2_t, hid * p);
    transpose_into(dec.w.data(), p, hid, w2_t);
    gemm_atb(h_t, w2_t, hid, b, p, sized(&mut ws.out, b * p));
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

/// SIMD lanes the two kernels below are written for: one AVX-512 register of f64, two AVX2 ones.
const LANES: usize = 8;

multiversion!(fn abt_kernel(a: &[f64], b: &[f64], n: usize, m: usize, k: usize, c: &mut [f64]) => gemm_abt_generic);
multiversion!(fn atb_kernel(a: &[f64], b: &[f64], k: usize, n: usize, m: usize, c: &mut [f64]) => gemm_atb_generic);

/// C = A·Bᵀ, the twin's dot-product kernel (see the module doc for why it is not
/// [`crate::kernels::gemm`]). a: (n, k), b: (m, k), c: (n, m), all row-major; c is overwritten.
pub fn gemm_abt(a: &[f64], b: &[f64], n: usize, m: usize, k: usize, c: &mut [f64]) {
    assert!(a.len() == n * k && b.len() == m * k && c.len() == n * m, "gemm_abt: lengths");
    abt_kernel(a, b, n, m, k, c);
}

/// C = Aᵀ·B, the twin's outer-product kernel (see the module doc for why it is not
/// [`crate::kernels::gemm`]). a: (k, n), b: (k, m), c: (n, m), all row-major; c is overwritten.
pub fn gemm_atb(a: &[f64], b: &[f64], k: usize, n: usize, m: usize, c: &mut [f64]) {
    assert!(a.len() == k * n && b.len() == k * m && c.len() == n * m, "gemm_atb: lengths");
    atb_kernel(a, b, k, n, m, c);
}

/// A 4 × 4 block of C at a time: each of its 16 entries keeps [`LANES`] partial sums in
/// registers while one pass over k reads four rows of A and four of B, so every value
/// loaded feeds four multiply-adds. The lanes are added in a fixed tree at the end.
#[inline(always)]
fn gemm_abt_generic(a: &[f64], b: &[f64], n: usize, m: usize, k: usize, c: &mut [f64]) {
    let mut i = 0;
    while i < n {
        let mr = (n - i).min(4);
        let mut j = 0;
        while j < m {
            let nr = (m - j).min(4);
            match (mr, nr) {
                (4, 4) => abt_tile::<4, 4>(a, b, k, m, i, j, c),
                (4, 1) | (4, 2) | (4, 3) => {
                    for jj in j..j + nr {
                        abt_tile::<4, 1>(a, b, k, m, i, jj, c);
                    }
                }
                _ => {
                    for ii in i..i + mr {
                        for jj in j..j + nr {
                            abt_tile::<1, 1>(a, b, k, m, ii, jj, c);
                        }
                    }
                }
            }
            j += nr;
        }
        i += mr;
    }
}

/// The MR × NR block of C = A·Bᵀ with top left (i, j); m is C's width.
#[inline(always)]
fn abt_tile<const MR: usize, const NR: usize>(
    a: &[f64],
    b: &[f64],
    k: usize,
    m: usize,
    i: usize,
    j: usize,
    c: &mut [f64],
) {
    let a_rows: [&[f64]; MR] = std::array::from_fn(|r| &a[(i + r) * k..(i + r + 1) * k]);
    let b_rows: [&[f64]; NR] = std::array::from_fn(|s| &b[(j + s) * k..(j + s + 1) * k]);
    let chunks = k / LANES;
    let full = chunks * LANES;
    // Re-sliced to `chunks` so that the loop below provably stays in bounds.
    let a_ch: [&[[f64; LANES]]; MR] = std::array::from_fn(|r| &a_rows[r].as_chunks::<LANES>().0[..chunks]);
    let b_ch: [&[[f64; LANES]]; NR] = std::array::from_fn(|s| &b_rows[s].as_chunks::<LANES>().0[..chunks]);
    let mut acc = [[[0.0f64; LANES]; NR]; MR];
    for q in 0..chunks {
        let av: [[f64; LANES]; MR] = std::array::from_fn(|r| a_ch[r][q]);
        let bv: [[f64; LANES]; NR] = std::array::from_fn(|s| b_ch[s][q]);
        for r in 0..MR {
            for s in 0..NR {
                for l in 0..LANES {
                    acc[r][s][l] = av[r][l].mul_add(bv[s][l], acc[r][s][l]);
                }
            }
        }
    }
    for r in 0..MR {
        for s in 0..NR {
            let v = &acc[r][s];
            let mut sum = ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
            for q in full..k {
                sum = a_rows[r][q].mul_add(b_rows[s][q], sum);
            }
            c[(i + r) * m + j + s] = sum;
        }
    }
}

/// A block of 5 (or 4) rows × 24 columns of C lives in registers while p runs over k: each
/// step reads 5 numbers of A's row p and 24 of B's row p and does 120 multiply-adds. Columns
/// past the last full block go 8, then 1, at a time.
#[inline(always)]
fn gemm_atb_generic(a: &[f64], b: &[f64], k: usize, n: usize, m: usize, c: &mut [f64]) {
    let mut i = 0;
    while i < n {
        // Five rows when they are there (25 = 5 · 5 for §1's code), else four.
        let mr = if n - i >= 5 { 5 } else { (n - i).min(4) };
        let mut j = 0;
        while j < m {
            let left = m - j;
            let width = if left >= 3 * LANES {
                3 * LANES
            } else if left >= LANES {
                LANES
            } else {
                1
            };
            match (mr, width) {
                (5, 24) => atb_tile::<5, 3>(a, b, k, n, m, i, j, c),
                (5, 8) => atb_tile::<5, 1>(a, b, k, n, m, i, j, c),
                (4, 24) => atb_tile::<4, 3>(a, b, k, n, m, i, j, c),
                (4, 8) => atb_tile::<4, 1>(a, b, k, n, m, i, j, c),
                (_, 24) => {
                    for ii in i..i + mr {
                        atb_tile::<1, 3>(a, b, k, n, m, ii, j, c);
                    }
                }
                (_, 8) => {
                    for ii in i..i + mr {
                        atb_tile::<1, 1>(a, b, k, n, m, ii, j, c);
                    }
                }
                _ => {
                    for ii in i..i + mr {
                        let mut sum = 0.0f64;
                        for p in 0..k {
                            sum = a[p * n + ii].mul_add(b[p * m + j], sum);
                        }
                        c[ii * m + j] = sum;
                    }
                }
            }
            j += width;
        }
        i += mr;
    }
}

/// The MR × (NV·8) block of C = Aᵀ·B with top left (i, j).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn atb_tile<const MR: usize, const NV: usize>(
    a: &[f64],
    b: &[f64],
    k: usize,
    n: usize,
    m: usize,
    i: usize,
    j: usize,
    c: &mut [f64],
) {
    let mut acc = [[[0.0f64; LANES]; NV]; MR];
    let (a_end, b_end) = (i + MR, j + NV * LANES);
    for (a_row, b_row) in a.chunks_exact(n).zip(b.chunks_exact(m)).take(k) {
        let a_p: [f64; MR] = a_row[i..a_end].try_into().unwrap();
        let b_p = &b_row[j..b_end];
        let bv: [[f64; LANES]; NV] = std::array::from_fn(|v| b_p[v * LANES..(v + 1) * LANES].try_into().unwrap());
        for r in 0..MR {
            for v in 0..NV {
                for l in 0..LANES {
                    acc[r][v][l] = a_p[r].mul_add(bv[v][l], acc[r][v][l]);
                }
            }
        }
    }
    for r in 0..MR {
        let row = &mut c[(i + r) * m + j..(i + r) * m + j + NV * LANES];
        for v in 0..NV {
            row[v * LANES..(v + 1) * LANES].copy_from_slice(&acc[r][v]);
        }
    }
}

/// The gradients [`step`] computes for x: (batch, 784), without applying them: (loss,
/// [∂L/∂W₁, ∂L/∂b₁, ∂L/∂W₂, ∂L/∂b₂]), each flat and row-major. The gradient check asks the
/// fast step for them through this, so it checks the very code the chapter trains with.
pub fn step_gradients(ae: &mut Autoencoder, x: &Matrix) -> (f64, [Vec<f64>; 4]) {
    /// Records the gradients an optimizer is handed and leaves the parameters alone.
    #[derive(Default)]
    struct Recorder {
        grads: Vec<Vec<f64>>,
    }
    impl Optimizer for Recorder {
        fn update(&mut self, slot: usize, _param: &mut [f64], grad: &[f64]) {
            if self.grads.len() <= slot {
                self.grads.resize(slot + 1, Vec::new());
            }
            self.grads[slot] = grad.to_vec();
        }
    }
    let mut rec = Recorder::default();
    let loss = step(ae, x, &mut rec, &mut Workspace::default());
    (loss, rec.grads.try_into().expect("four parameter slots"))
}
