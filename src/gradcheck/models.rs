//! Every objective a chapter trains, wrapped for [`nn::gradcheck`](crate::nn::gradcheck): the
//! analytic gradient comes from the same functions training calls, the loss from the model's
//! forward pass, so a chapter can check what it is about to minimise before it trains.
//!
//! | objective | gradient from | loss from |
//! |---|---|---|
//! | plain, denoising (fixed corruption), BCE or MSE | `Autoencoder::gradients` | `reconstruct` + the loss |
//! | weight decay d | the same, + d·θ as the optimizer adds it | + (d/2)‖θ‖² |
//! | sparse: KL, L1, top-k | `variants::sparse::gradients` | `variants::sparse::objective` |
//! | contractive | `variants::contractive::gradients` | `variants::contractive::objective` |
//! | 784-k-784 image autoencoder | `image_ae_fast::step`, the trainer's fast path | `reconstruct` + MSE |
//! | softmax cross-entropy + L2 | `SoftmaxRegression::gradients` | `SoftmaxRegression::loss` |
//! | fine-tuning a stack under a softmax | `variants::stacked::finetune_gradients` | stack forward + loss |
//! | conv autoencoder | `ConvAe::gradients`, averaged as its trainer does | `ConvAe::forward` |
//! | RBM log-likelihood (tiny, exact) | `Rbm::exact_gradient` | `Rbm::log_likelihood` |
//! | the article's recommender (masked MSE) | `faithful::accumulate_gradient` | `Sae::hidden`, `Sae::output` |
//! | AutoRec (item- and user-based) | `AutoRec::accumulate_item` | `AutoRec::encode_shifted`, `decode_one` |
//! | biased matrix factorisation | `Mf::rating_gradient` | `Mf::rating_loss` |
//!
//! Names follow each model's own: a dense stack numbers its layers from the input, `W1`, `b1`,
//! `W2`, …; the bias of the code layer (the encoder's last) is checked in every entry when it
//! has at most [`EVERY_CODE_BIAS`]. These
//! wrappers call only public functions, so any model can be checked the same way.
//!
//! [`unpool_adjoint`] and [`deconv_adjoint`] are the checks of a chapter that trains nothing:
//! two inner products that must agree because one operation is the other's adjoint.

use crate::compare::classify::SoftmaxRegression;
use crate::conv::autoencoder::ConvAe;
use crate::conv::convolution::{Geometry, Kernel, conv_transpose2d_to, conv2d};
use crate::conv::pool::{Window, max_pool2d, unpool2d};
use crate::core::matrix::{Matrix, dot};
use crate::core::rng::Rng;
use crate::core::tensor3::Tensor3;
use crate::image_ae_fast;
use crate::nn::dense::{Dense, DenseGrads};
use crate::nn::gradcheck::{Adjoint, Checkable, TensorSpec};
use crate::nn::loss::LossKind;
use crate::nn::network::{Autoencoder, Network, StepGrads};
use crate::recommender::autorec::AutoRec;
use crate::recommender::faithful::{H1, H2, H3};
use crate::recommender::faithful_fast::{self, Sae};
use crate::recommender::mf::{self, Mf};
use crate::variants::rbm::Rbm;
use crate::variants::{contractive, sparse, stacked};

/// FNV-1a over 64-bit words: the piece a kinked objective is on, as one number.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn add(&mut self, word: u64) {
        for byte in word.to_le_bytes() {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
}

/// A code layer up to this wide has every entry of its bias checked; a wider one is sampled
/// like any tensor (each entry costs four forward passes).
pub const EVERY_CODE_BIAS: usize = 16;

/// The tensors of a stack of dense layers, numbered from `first`: `W{i}` (out, in), `b{i}`.
fn dense_tensors(net: &Network, first: usize, code_layer: Option<usize>) -> Vec<TensorSpec> {
    let mut t = Vec::new();
    for (i, l) in net.layers.iter().enumerate() {
        let n = first + i;
        t.push(TensorSpec::new(format!("W{n}"), &[l.w.rows(), l.w.cols()]));
        let b = TensorSpec::new(format!("b{n}"), &[l.b.len()]);
        t.push(if code_layer == Some(i) && l.b.len() <= EVERY_CODE_BIAS { b.every_entry() } else { b });
    }
    t
}

/// For a weight W: (out, in) reading x: (batch, in), the entries on columns of x that are not
/// zero in every row; `None` when every column is live.
fn weights_on_live_columns(x: &Matrix, out: usize) -> Option<Vec<usize>> {
    let cols = x.cols();
    let live: Vec<usize> = (0..cols).filter(|&i| (0..x.rows()).any(|r| x[(r, i)] != 0.0)).collect();
    (live.len() < cols).then(|| (0..out).flat_map(|j| live.iter().map(move |&i| j * cols + i)).collect())
}

fn dense_param(net: &mut Network, tensor: usize, index: usize) -> &mut f64 {
    let l = &mut net.layers[tensor / 2];
    if tensor.is_multiple_of(2) { &mut l.w.data_mut()[index] } else { &mut l.b[index] }
}

fn dense_grads(grads: &[DenseGrads]) -> Vec<Vec<f64>> {
    grads.iter().flat_map(|g| [g.d_w.data().to_vec(), g.d_b.clone()]).collect()
}

type Grads = Box<dyn Fn(&mut Autoencoder) -> StepGrads>;
type Loss = Box<dyn Fn(&Autoencoder) -> f64>;
type Piece = Box<dyn Fn(&Autoencoder) -> u64>;

/// A dense [`Autoencoder`] and one objective of it.
pub struct AeObjective {
    pub ae: Autoencoder,
    /// The encoder's input: where one of its columns is zero in every example, the first
    /// layer's weights on it get no gradient, so the check also samples among the others.
    input: Matrix,
    grads: Grads,
    loss: Eval,
    piece: Option<Piece>,
}

/// How an [`AeObjective`] evaluates its loss.
enum Eval {
    /// A library function of the whole model (the sparse and contractive objectives).
    Whole(Loss),
    /// A reconstruction loss, evaluated layer by layer from the entry the check moved.
    Reconstruction(Box<Reconstruction>),
}

impl AeObjective {
    fn new(ae: Autoencoder, input: Matrix, grads: Grads, loss: Loss) -> Self {
        AeObjective { ae, input, grads, loss: Eval::Whole(loss), piece: None }
    }

    fn net_of(&mut self, tensor: usize) -> (&mut Network, usize) {
        let enc = 2 * self.ae.encoder.layers.len();
        if tensor < enc { (&mut self.ae.encoder, tensor) } else { (&mut self.ae.decoder, tensor - enc) }
    }
}

impl Checkable for AeObjective {
    fn tensors(&self) -> Vec<TensorSpec> {
        let code = self.ae.encoder.layers.len() - 1;
        let mut t = dense_tensors(&self.ae.encoder, 1, Some(code));
        t.extend(dense_tensors(&self.ae.decoder, code + 2, None));
        if let Some(reached) = weights_on_live_columns(&self.input, self.ae.encoder.layers[0].outputs()) {
            t[0] = t[0].clone().reached(reached);
        }
        t
    }

    fn param(&mut self, tensor: usize, index: usize) -> &mut f64 {
        if let Eval::Reconstruction(r) = &mut self.loss {
            let layers: Vec<&Dense> = self.ae.encoder.layers.iter().chain(&self.ae.decoder.layers).collect();
            r.touch(&layers, Entry { layer: tensor / 2, bias: !tensor.is_multiple_of(2), index });
        }
        let (net, t) = self.net_of(tensor);
        dense_param(net, t, index)
    }

    fn gradients(&mut self) -> Vec<Vec<f64>> {
        let g = (self.grads)(&mut self.ae);
        let mut out = dense_grads(&g.encoder);
        out.extend(dense_grads(&g.decoder));
        if let Eval::Reconstruction(r) = &self.loss
            && r.decay != 0.0
        {
            for (grad, layer) in out.chunks_mut(2).zip(self.ae.encoder.layers.iter().chain(&self.ae.decoder.layers)) {
                grad[0].iter_mut().zip(layer.w.data()).for_each(|(g, p)| *g += r.decay * p);
                grad[1].iter_mut().zip(&layer.b).for_each(|(g, p)| *g += r.decay * p);
            }
        }
        out
    }

    fn loss(&mut self) -> f64 {
        match &mut self.loss {
            Eval::Whole(f) => f(&self.ae),
            Eval::Reconstruction(r) => {
                let layers: Vec<&Dense> = self.ae.encoder.layers.iter().chain(&self.ae.decoder.layers).collect();
                r.loss(&layers)
            }
        }
    }

    fn piece(&mut self) -> u64 {
        self.piece.as_ref().map_or(0, |p| p(&self.ae))
    }
}

/// One parameter of a stack of dense layers: W or b of `layer`, flat index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    layer: usize,
    bias: bool,
    index: usize,
}

impl Entry {
    fn value(self, layers: &[&Dense]) -> f64 {
        let l = layers[self.layer];
        if self.bias { l.b[self.index] } else { l.w.data()[self.index] }
    }
}

/// A reconstruction loss L(x̂(input), target), plus (d/2)‖θ‖² for weight decay d, evaluated
/// the way the check moves the parameters: one entry at a time. The first evaluation keeps
/// every layer's Z and A; with one entry of layer l moved by δ, only column j of Z_l moves,
/// and the layer above moves by a rank-one term, so the pass starts there:
///
/// ```text
/// W_l[j, i] += δ:   Z_l[:, j] += δ·A_{l−1}[:, i]        (b_l[j] += δ:  Z_l[:, j] += δ)
///                   ΔA_l[:, j] = f_l(Z_l[:, j]) − A_l[:, j]
///                   Z_{l+1} += ΔA_l[:, j] · W_{l+1}[:, j]ᵀ,  then every layer above in full
/// ```
///
/// This is the forward pass itself, without the work whose result cannot change. Moving a
/// second entry before the first is back drops the kept pass, so any order of changes gives
/// the right loss.
struct Reconstruction {
    target: Matrix,
    kind: LossKind,
    decay: f64,
    /// The input, then every layer's A at the kept parameters.
    acts: Vec<Matrix>,
    /// Every layer's Z at the kept parameters (empty: nothing kept).
    zs: Vec<Matrix>,
    /// The loss and ‖θ‖² at the kept parameters.
    base_loss: f64,
    base_sq: f64,
    /// The entry being moved and its kept value.
    moved: Option<(Entry, f64)>,
}

impl Reconstruction {
    fn new(input: Matrix, target: Matrix, kind: LossKind, decay: f64) -> Self {
        Reconstruction {
            target,
            kind,
            decay,
            acts: vec![input],
            zs: Vec::new(),
            base_loss: f64::NAN,
            base_sq: f64::NAN,
            moved: None,
        }
    }

    /// Called before `entry` is read or written.
    fn touch(&mut self, layers: &[&Dense], entry: Entry) {
        if let Some((prev, kept)) = self.moved {
            if prev == entry {
                return;
            }
            if prev.value(layers) != kept {
                self.zs.clear();
            }
        }
        self.moved = Some((entry, entry.value(layers)));
    }

    /// The whole pass at the current parameters, kept.
    fn keep(&mut self, layers: &[&Dense]) {
        self.acts.truncate(1);
        self.zs.clear();
        for l in layers {
            let z = pre_activation(l, self.acts.last().expect("the input"));
            let act = l.activation;
            self.acts.push(z.map(|v| act.apply(v)));
            self.zs.push(z);
        }
        self.base_loss = self.kind.eval(self.acts.last().expect("an output"), &self.target).value;
        self.base_sq = layers.iter().flat_map(|l| l.w.data().iter().chain(&l.b)).map(|p| p * p).sum();
        if let Some((e, kept)) = &mut self.moved {
            *kept = e.value(layers);
        }
    }

    fn loss(&mut self, layers: &[&Dense]) -> f64 {
        if self.zs.is_empty() {
            self.keep(layers);
        }
        let Some((e, kept)) = self.moved else { return self.total(self.base_loss, 0.0) };
        let value = e.value(layers);
        let delta = value - kept;
        if delta == 0.0 {
            return self.total(self.base_loss, 0.0);
        }
        let layer = layers[e.layer];
        let (rows, inputs) = (self.target.rows(), layer.inputs());
        let j = if e.bias { e.index } else { e.index / inputs };
        let below = &self.acts[e.layer];
        let act = layer.activation;
        let a_old = &self.acts[e.layer + 1];
        let new_col: Vec<f64> = (0..rows)
            .map(|r| {
                let dz = if e.bias { delta } else { delta * below[(r, e.index % inputs)] };
                act.apply(self.zs[e.layer][(r, j)] + dz)
            })
            .collect();
        let mut a = if e.layer + 1 == layers.len() {
            let mut out = a_old.clone();
            (0..rows).for_each(|r| out[(r, j)] = new_col[r]);
            out
        } else {
            let next = layers[e.layer + 1];
            let mut z = self.zs[e.layer + 1].clone();
            for r in 0..rows {
                let d_a = new_col[r] - a_old[(r, j)];
                for (o, zo) in z.row_mut(r).iter_mut().enumerate() {
                    *zo += d_a * next.w[(o, j)];
                }
            }
            let act = next.activation;
            z.map(|v| act.apply(v))
        };
        for l in layers.iter().skip(e.layer + 2) {
            let act = l.activation;
            a = pre_activation(l, &a).map(|v| act.apply(v));
        }
        let l = self.kind.eval(&a, &self.target).value;
        self.total(l, value * value - kept * kept)
    }

    fn total(&self, loss: f64, sq_change: f64) -> f64 {
        if self.decay == 0.0 { loss } else { loss + 0.5 * self.decay * (self.base_sq + sq_change) }
    }
}

/// Z = X·Wᵀ + b as one dot product per entry: the check's batches are a few rows, where the
/// blocked product would spend its time packing W. x: (batch, in) → (batch, out).
fn pre_activation(layer: &Dense, x: &Matrix) -> Matrix {
    let (rows, out) = (x.rows(), layer.outputs());
    let mut z = Matrix::zeros(rows, out);
    for r in 0..rows {
        for (o, zo) in z.row_mut(r).iter_mut().enumerate() {
            *zo = layer.b[o] + dot(x.row(r), layer.w.row(o));
        }
    }
    z
}

/// A stack of dense layers on a few rows, by [`pre_activation`]. x: (batch, in) → (batch, out).
fn infer_rows(net: &Network, x: &Matrix) -> Matrix {
    let mut a = x.clone();
    for l in &net.layers {
        let act = l.activation;
        a = pre_activation(l, &a).map(|v| act.apply(v));
    }
    a
}

fn reconstruction(ae: Autoencoder, input: Matrix, target: Matrix, kind: LossKind, decay: f64) -> AeObjective {
    let (i2, t2) = (input.clone(), target.clone());
    let loss = Reconstruction::new(input.clone(), target, kind, decay);
    AeObjective {
        ae,
        input,
        grads: Box::new(move |ae| ae.gradients(&i2, &t2, kind)),
        loss: Eval::Reconstruction(Box::new(loss)),
        piece: None,
    }
}

/// Reconstructing `target` from `input` under `loss`: the plain objective when they are the
/// same matrix, the denoising one when `input` is a corrupted copy (held fixed, so the
/// objective is a function of the weights alone). input, target: (batch, n).
pub fn autoencoder(ae: Autoencoder, input: Matrix, target: Matrix, loss: LossKind) -> AeObjective {
    reconstruction(ae, input, target, loss, 0.0)
}

/// [`autoencoder`] with every difference taken through the whole forward pass,
/// [`Autoencoder::reconstruct`], as a reader would write it; slower, and what
/// `ch3_training_steps` prints entry by entry.
pub fn autoencoder_whole_pass(ae: Autoencoder, input: Matrix, target: Matrix, loss: LossKind) -> AeObjective {
    let (i2, t2, i3) = (input.clone(), target.clone(), input.clone());
    AeObjective::new(
        ae,
        i3,
        Box::new(move |ae| ae.gradients(&input, &target, loss)),
        Box::new(move |ae| loss.eval(&ae.reconstruct(&i2), &t2).value),
    )
}

/// The plain objective plus weight decay `decay`, as an optimizer with `weight_decay` adds
/// it: ∇ + d·θ for every parameter, the gradient of L + (d/2)‖θ‖². x: (batch, n).
pub fn weight_decay(ae: Autoencoder, x: Matrix, loss: LossKind, decay: f64) -> AeObjective {
    reconstruction(ae, x.clone(), x, loss, decay)
}

/// Reconstruction loss plus a sparsity method (§4.1). x: (batch, n). With top-k, the piece is
/// the set of kept units of every example.
pub fn sparse(ae: Autoencoder, x: Matrix, loss: LossKind, sparsity: sparse::Sparsity) -> AeObjective {
    if sparsity == sparse::Sparsity::None {
        let mut o = reconstruction(ae, x.clone(), x.clone(), loss, 0.0);
        o.grads = Box::new(move |ae| sparse::gradients(ae, &x, &x, loss, sparsity));
        return o;
    }
    let (x2, x3) = (x.clone(), x.clone());
    let mut o = AeObjective::new(
        ae,
        x.clone(),
        Box::new(move |ae| sparse::gradients(ae, &x, &x, loss, sparsity)),
        Box::new(move |ae| sparse::objective(ae, &x2, &x2, loss, sparsity)),
    );
    if let sparse::Sparsity::TopK { k } = sparsity {
        o.piece = Some(Box::new(move |ae| {
            let kept = sparse::top_k_forward(&ae.encode(&x3), k).kept;
            let mut h = Fnv::new();
            kept.chunks(64).for_each(|c| h.add(c.iter().fold(0u64, |w, &b| (w << 1) | u64::from(b))));
            h.0
        }));
    }
    o
}

/// Reconstruction loss plus λ·mean ‖J_f(x)‖²_F (§4.3). x: (batch, n).
pub fn contractive(ae: Autoencoder, x: Matrix, loss: LossKind, lambda: f64) -> AeObjective {
    let x2 = x.clone();
    AeObjective::new(
        ae,
        x.clone(),
        Box::new(move |ae| contractive::gradients(ae, &x, loss, lambda)),
        Box::new(move |ae| contractive::objective(ae, &x2, loss, lambda)),
    )
}

/// §1's 784-k-784 picture autoencoder through the step its trainer runs ([`image_ae_fast::step`],
/// the fast path), checked against the plain forward pass's MSE. x: (batch, 784).
pub fn image_autoencoder(ae: Autoencoder, x: Matrix) -> AeObjective {
    let mut o = reconstruction(ae, x.clone(), x.clone(), LossKind::Mse, 0.0);
    o.grads = Box::new(move |ae| {
        let (loss, [d_w1, d_b1, d_w2, d_b2]) = image_ae_fast::step_gradients(ae, &x);
        let grads = |w: Vec<f64>, b: Vec<f64>, like: &Dense| DenseGrads {
            d_w: Matrix::from_vec(like.w.rows(), like.w.cols(), w),
            d_b: b,
        };
        StepGrads {
            loss,
            encoder: vec![grads(d_w1, d_b1, &ae.encoder.layers[0])],
            decoder: vec![grads(d_w2, d_b2, &ae.decoder.layers[0])],
        }
    });
    o
}

/// Softmax regression's cross-entropy plus (λ/2)‖W‖² on x: (batch, features).
pub struct SoftmaxObjective {
    pub model: SoftmaxRegression,
    x: Matrix,
    labels: Vec<usize>,
    l2: f64,
}

/// See [`SoftmaxObjective`]; labels: (batch).
pub fn softmax(model: SoftmaxRegression, x: Matrix, labels: Vec<usize>, l2: f64) -> SoftmaxObjective {
    SoftmaxObjective { model, x, labels, l2 }
}

impl Checkable for SoftmaxObjective {
    fn tensors(&self) -> Vec<TensorSpec> {
        let mut w = TensorSpec::new("W", &[self.model.w.rows(), self.model.w.cols()]);
        if let Some(reached) = weights_on_live_columns(&self.x, self.model.w.rows()) {
            w = w.reached(reached);
        }
        vec![w, TensorSpec::new("b", &[self.model.b.len()]).every_entry()]
    }
    fn param(&mut self, tensor: usize, index: usize) -> &mut f64 {
        if tensor == 0 { &mut self.model.w.data_mut()[index] } else { &mut self.model.b[index] }
    }
    fn gradients(&mut self) -> Vec<Vec<f64>> {
        let g = self.model.gradients(&self.x, &self.labels, self.l2);
        vec![g.d_w.data().to_vec(), g.d_b]
    }
    fn loss(&mut self) -> f64 {
        self.model.loss(&self.x, &self.labels, self.l2)
    }
}

/// A stack of encoder layers fine-tuned under a softmax head (§4.4): cross-entropy of the
/// head on the stack's top codes, plus the head's L2, through every layer.
pub struct FineTuneObjective {
    pub stack: Network,
    pub head: SoftmaxRegression,
    x: Matrix,
    labels: Vec<usize>,
    l2: f64,
    /// The stack's top codes, kept while only the head's entries move.
    top: Option<Matrix>,
}

/// See [`FineTuneObjective`]. x: (batch, d), labels: (batch).
pub fn finetune(stack: Network, head: SoftmaxRegression, x: Matrix, labels: Vec<usize>, l2: f64) -> FineTuneObjective {
    FineTuneObjective { stack, head, x, labels, l2, top: None }
}

impl Checkable for FineTuneObjective {
    fn tensors(&self) -> Vec<TensorSpec> {
        let mut t = dense_tensors(&self.stack, 1, Some(self.stack.layers.len() - 1));
        t.push(TensorSpec::new("W_head", &[self.head.w.rows(), self.head.w.cols()]));
        t.push(TensorSpec::new("b_head", &[self.head.b.len()]));
        t
    }
    fn param(&mut self, tensor: usize, index: usize) -> &mut f64 {
        let n = 2 * self.stack.layers.len();
        match tensor {
            t if t < n => {
                self.top = None;
                dense_param(&mut self.stack, t, index)
            }
            t if t == n => &mut self.head.w.data_mut()[index],
            _ => &mut self.head.b[index],
        }
    }
    fn gradients(&mut self) -> Vec<Vec<f64>> {
        let (stack, head) = stacked::finetune_gradients(&self.stack, &self.head, &self.x, &self.labels, self.l2);
        let mut out = dense_grads(&stack);
        out.push(head.d_w.data().to_vec());
        out.push(head.d_b);
        out
    }
    fn loss(&mut self) -> f64 {
        let top = self.top.get_or_insert_with(|| infer_rows(&self.stack, &self.x));
        self.head.loss(top, &self.labels, self.l2)
    }
}

/// §3.1's conv autoencoder on a few images, its gradients averaged over them as its trainer
/// averages a batch. The piece is every ReLU's sign and every switch: the objective is smooth
/// while neither changes. images: (batch, side²).
pub struct ConvObjective {
    pub ae: ConvAe,
    images: Vec<Tensor3>,
    last_piece: u64,
}

/// See [`ConvObjective`].
pub fn conv_autoencoder(ae: ConvAe, images: &Matrix) -> ConvObjective {
    let side = ae.shape.side;
    let images = (0..images.rows()).map(|r| Tensor3::from_vec(1, side, side, images.row(r).to_vec())).collect();
    ConvObjective { ae, images, last_piece: 0 }
}

impl Checkable for ConvObjective {
    fn tensors(&self) -> Vec<TensorSpec> {
        let (c, i, kh, kw) = self.ae.w1.shape();
        let (c2, i2, kh2, kw2) = self.ae.w2.shape();
        vec![
            TensorSpec::new("W1", &[c, i, kh, kw]),
            TensorSpec::new("b1", &[self.ae.b1.len()]).every_entry(),
            TensorSpec::new("W2", &[c2, i2, kh2, kw2]),
            TensorSpec::new("b2", &[self.ae.b2.len()]).every_entry(),
        ]
    }
    fn param(&mut self, tensor: usize, index: usize) -> &mut f64 {
        match tensor {
            0 => &mut self.ae.w1.data_mut()[index],
            1 => &mut self.ae.b1[index],
            2 => &mut self.ae.w2.data_mut()[index],
            _ => &mut self.ae.b2[index],
        }
    }
    fn gradients(&mut self) -> Vec<Vec<f64>> {
        let mut sum: Vec<Vec<f64>> = Vec::new();
        for img in &self.images {
            let (_, g) = self.ae.gradients(img);
            let parts = [g.d_w1.data().to_vec(), g.d_b1, g.d_w2.data().to_vec(), g.d_b2];
            if sum.is_empty() {
                sum = parts.to_vec();
            } else {
                for (s, p) in sum.iter_mut().zip(parts) {
                    s.iter_mut().zip(p).for_each(|(s, p)| *s += p);
                }
            }
        }
        let scale = 1.0 / self.images.len() as f64;
        sum.iter_mut().flatten().for_each(|s| *s *= scale);
        sum
    }
    fn loss(&mut self) -> f64 {
        let mut h = Fnv::new();
        let mut total = 0.0;
        for img in &self.images {
            let c = self.ae.forward(img);
            total += c.out.sum_squared_diff(img) / img.len() as f64;
            if self.ae.shape.activation == crate::nn::activation::Activation::Relu {
                c.z.data().chunks(64).for_each(|z| h.add(z.iter().fold(0u64, |w, &v| (w << 1) | u64::from(v > 0.0))));
            }
            c.switches.indices().iter().for_each(|&s| h.add(s as u64));
        }
        self.last_piece = h.0;
        total / self.images.len() as f64
    }
    fn piece(&mut self) -> u64 {
        self.last_piece
    }
}

/// The negative mean log-likelihood of x under an RBM small enough to enumerate (§4.5), with
/// [`Rbm::exact_gradient`]: the gradient contrastive divergence only estimates.
pub struct RbmObjective {
    pub rbm: Rbm,
    x: Matrix,
}

/// See [`RbmObjective`]. x: (n, visible), visible ≤ 20 (2^visible states are summed).
pub fn rbm_likelihood(rbm: Rbm, x: Matrix) -> RbmObjective {
    RbmObjective { rbm, x }
}

impl Checkable for RbmObjective {
    fn tensors(&self) -> Vec<TensorSpec> {
        vec![
            TensorSpec::new("W", &[self.rbm.w.rows(), self.rbm.w.cols()]),
            TensorSpec::new("b_v", &[self.rbm.b_v.len()]),
            TensorSpec::new("b_h", &[self.rbm.b_h.len()]).every_entry(),
        ]
    }
    fn param(&mut self, tensor: usize, index: usize) -> &mut f64 {
        match tensor {
            0 => &mut self.rbm.w.data_mut()[index],
            1 => &mut self.rbm.b_v[index],
            _ => &mut self.rbm.b_h[index],
        }
    }
    fn gradients(&mut self) -> Vec<Vec<f64>> {
        // exact_gradient ascends the log-likelihood; the loss here is its negative.
        let g = self.rbm.exact_gradient(&self.x);
        let neg = |v: &[f64]| v.iter().map(|x| -x).collect::<Vec<f64>>();
        vec![neg(g.d_w.data()), neg(&g.d_b_v), neg(&g.d_b_h)]
    }
    fn loss(&mut self) -> f64 {
        -self.rbm.log_likelihood(&self.x)
    }
}

/// Where each tensor of the article's recommender sits in its flat parameters (see
/// [`faithful`]'s module doc): name, shape, offset.
fn sae_layout(n: usize) -> Vec<(&'static str, Vec<usize>, usize)> {
    let shapes: [(&str, Vec<usize>); 8] = [
        ("W1ᵀ", vec![n, H1]),
        ("b1", vec![H1]),
        ("W2", vec![H2, H1]),
        ("b2", vec![H2]),
        ("W3", vec![H3, H2]),
        ("b3", vec![H3]),
        ("W4", vec![n, H3]),
        ("b4", vec![n]),
    ];
    let mut at = 0;
    shapes
        .into_iter()
        .map(|(name, shape)| {
            let start = at;
            at += shape.iter().product::<usize>();
            (name, shape, start)
        })
        .collect()
}

/// The article's recommender (§5): each user's masked MSE, L = (1/n) Σ_{rated j} (ŷ_j − x_j)²,
/// summed over a few users, as the trainer's accumulating gradient sums them. The weight
/// decay is RMSprop's λθ, added by the optimizer, and not part of this objective.
pub struct RecommenderObjective {
    n: usize,
    theta: Vec<f64>,
    rows: Vec<Vec<(u32, u8)>>,
}

/// See [`RecommenderObjective`]. rows: each user's (movie index, rating) pairs.
pub fn recommender(sae: &Sae, rows: Vec<Vec<(u32, u8)>>) -> RecommenderObjective {
    RecommenderObjective { n: sae.n_movies(), theta: sae.params().to_vec(), rows }
}

impl RecommenderObjective {
    fn sae(&self) -> Sae {
        Sae::from_params(self.n, self.theta.clone()).expect("the layout holds every parameter")
    }
}

impl Checkable for RecommenderObjective {
    fn tensors(&self) -> Vec<TensorSpec> {
        let rated: Vec<usize> = {
            let mut m: Vec<usize> = self.rows.iter().flatten().map(|&(m, _)| m as usize).collect();
            m.sort_unstable();
            m.dedup();
            m
        };
        let rows_of = |width: usize| rated.iter().flat_map(|&m| m * width..(m + 1) * width).collect::<Vec<_>>();
        sae_layout(self.n)
            .into_iter()
            .map(|(name, shape, _)| {
                let t = TensorSpec::new(name, &shape);
                match name {
                    "W1ᵀ" => t.reached(rows_of(H1)),
                    "W4" => t.reached(rows_of(H3)),
                    "b4" => t.reached(rated.clone()),
                    "b2" => t.every_entry(),
                    _ => t,
                }
            })
            .collect()
    }
    fn param(&mut self, tensor: usize, index: usize) -> &mut f64 {
        let at = sae_layout(self.n)[tensor].2;
        &mut self.theta[at + index]
    }
    fn gradients(&mut self) -> Vec<Vec<f64>> {
        let sae = self.sae();
        let mut grad = vec![0.0; self.theta.len()];
        for row in &self.rows {
            faithful_fast::accumulate_gradient(&sae, row, &mut grad);
        }
        sae_layout(self.n)
            .into_iter()
            .map(|(_, shape, at)| grad[at..at + shape.iter().product::<usize>()].to_vec())
            .collect()
    }
    fn loss(&mut self) -> f64 {
        let sae = self.sae();
        let n = self.n as f64;
        let mut total = 0.0;
        for row in &self.rows {
            let h = sae.hidden(row);
            total += row.iter().map(|&(m, r)| (sae.output(&h, m as usize) - f64::from(r)).powi(2)).sum::<f64>() / n;
        }
        total
    }
}

/// I-AutoRec (§5, done better): Σ over a few items of Σ_{u rated i} (ŷ_ui − y_ui)², the sum
/// its trainer takes over a mini-batch. `inputs` are the encoder's inputs (values plus the
/// input offset), `targets` the values scored. The decoupled weight decay acts outside the
/// gradient, so it is not part of this objective.
pub struct AutoRecObjective {
    pub model: AutoRec,
    offset: f64,
    inputs: Vec<Vec<(u32, f64)>>,
    targets: Vec<Vec<(u32, f64)>>,
}

/// See [`AutoRecObjective`]. inputs, targets: one (user, value) list per item; the encoder
/// sees each input value shifted by `offset`.
pub fn autorec(
    model: AutoRec,
    offset: f64,
    inputs: Vec<Vec<(u32, f64)>>,
    targets: Vec<Vec<(u32, f64)>>,
) -> AutoRecObjective {
    assert_eq!(inputs.len(), targets.len(), "autorec: one input per target");
    AutoRecObjective { model, offset, inputs, targets }
}

impl Checkable for AutoRecObjective {
    fn tensors(&self) -> Vec<TensorSpec> {
        let (n, k) = (self.model.n_users, self.model.hidden);
        let users = |cols: &[Vec<(u32, f64)>]| {
            let mut u: Vec<usize> = cols.iter().flatten().map(|&(u, _)| u as usize).collect();
            u.sort_unstable();
            u.dedup();
            u
        };
        let (read, scored) = (users(&self.inputs), users(&self.targets));
        let rows_of = |us: &[usize]| us.iter().flat_map(|&u| u * k..(u + 1) * k).collect::<Vec<_>>();
        vec![
            TensorSpec::new("V", &[n, k]).reached(rows_of(&read)),
            if k <= EVERY_CODE_BIAS { TensorSpec::new("μ", &[k]).every_entry() } else { TensorSpec::new("μ", &[k]) },
            TensorSpec::new("W", &[n, k]).reached(rows_of(&scored)),
            TensorSpec::new("b", &[n]).reached(scored),
        ]
    }
    fn param(&mut self, tensor: usize, index: usize) -> &mut f64 {
        let m = &mut self.model;
        match tensor {
            0 => &mut m.v[index],
            1 => &mut m.mu[index],
            2 => &mut m.w[index],
            _ => &mut m.b[index],
        }
    }
    fn gradients(&mut self) -> Vec<Vec<f64>> {
        let mut g = self.model.zeros_like();
        for (input, target) in self.inputs.iter().zip(&self.targets) {
            self.model.accumulate_item(input, self.offset, target, &mut g);
        }
        vec![g.v, g.mu, g.w, g.b]
    }
    fn loss(&mut self) -> f64 {
        let mut total = 0.0;
        for (input, target) in self.inputs.iter().zip(&self.targets) {
            let h = self.model.encode_shifted(input, self.offset);
            total += target.iter().map(|&(u, y)| (self.model.decode_one(&h, u as usize) - y).powi(2)).sum::<f64>();
        }
        total
    }
}

/// Biased matrix factorisation (§5's blend): Σ over a few ratings of ℓ_ui, the squared error
/// plus the per-rating penalties that SGD follows one rating at a time (`recommender::mf`).
pub struct MfObjective {
    pub model: Mf,
    config: mf::Config,
    ratings: Vec<(usize, usize, f64)>,
}

/// See [`MfObjective`]. ratings: (user index, movie index, rating).
pub fn mf(model: Mf, config: mf::Config, ratings: Vec<(usize, usize, f64)>) -> MfObjective {
    MfObjective { model, config, ratings }
}

/// Standard deviation of the biases [`mf_check_point`] draws.
pub const MF_CHECK_BIAS_STD: f64 = 0.3;

/// The MF model the chapter's check runs at: factors as [`Mf::new`] draws them, and biases
/// drawn from N(0, [`MF_CHECK_BIAS_STD`]²) as after some training. [`Mf::new`] starts the biases
/// at 0, where the λ_b term of the loss and its gradient 2λ_b·b both vanish: a check there
/// could not see a wrong bias penalty.
pub fn mf_check_point(n_users: usize, n_items: usize, config: &mf::Config, mu: f64, rng: &mut Rng) -> Mf {
    let mut model = Mf::new(n_users, n_items, config.factors, mu, config.init_std, rng);
    for b in model.b_user.iter_mut().chain(model.b_item.iter_mut()) {
        *b = MF_CHECK_BIAS_STD * rng.normal();
    }
    model
}

impl Checkable for MfObjective {
    fn tensors(&self) -> Vec<TensorSpec> {
        let (k, m) = (self.model.k, &self.model);
        let distinct = |f: fn(&(usize, usize, f64)) -> usize| {
            let mut v: Vec<usize> = self.ratings.iter().map(f).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let (users, items) = (distinct(|r| r.0), distinct(|r| r.1));
        let rows_of = |v: &[usize]| v.iter().flat_map(|&x| x * k..(x + 1) * k).collect::<Vec<_>>();
        vec![
            TensorSpec::new("b_user", &[m.n_users()]).reached(users.clone()),
            TensorSpec::new("b_item", &[m.n_items()]).reached(items.clone()),
            TensorSpec::new("P", &[m.n_users(), k]).reached(rows_of(&users)),
            TensorSpec::new("Q", &[m.n_items(), k]).reached(rows_of(&items)),
        ]
    }
    fn param(&mut self, tensor: usize, index: usize) -> &mut f64 {
        let m = &mut self.model;
        match tensor {
            0 => &mut m.b_user[index],
            1 => &mut m.b_item[index],
            2 => &mut m.p[index],
            _ => &mut m.q[index],
        }
    }
    fn gradients(&mut self) -> Vec<Vec<f64>> {
        let m = &self.model;
        let k = m.k;
        let mut g = vec![vec![0.0; m.n_users()], vec![0.0; m.n_items()], vec![0.0; m.p.len()], vec![0.0; m.q.len()]];
        for &(u, i, r) in &self.ratings {
            let d = m.rating_gradient(u, i, r, &self.config);
            g[0][u] += d.d_b_user;
            g[1][i] += d.d_b_item;
            for (t, &x) in g[2][u * k..][..k].iter_mut().zip(&d.d_p) {
                *t += x;
            }
            for (t, &x) in g[3][i * k..][..k].iter_mut().zip(&d.d_q) {
                *t += x;
            }
        }
        g
    }
    fn loss(&mut self) -> f64 {
        self.ratings.iter().map(|&(u, i, r)| self.model.rating_loss(u, i, r, &self.config)).sum()
    }
}

/// Unpooling with the switches s of a max pooling of `a` is the adjoint of reading a map at
/// those switches: ⟨unpool(y, s), x⟩ = ⟨y, gather(x, s)⟩, for y: (C, H/k, W/k), x: (C, H, W).
pub fn unpool_adjoint(a: &Tensor3, win: Window, y_rng: &mut Rng) -> Adjoint {
    let pooled = max_pool2d(a, win);
    let (c, h, w) = pooled.y.shape();
    let y = Tensor3::uniform(c, h, w, -1.0, 1.0, y_rng);
    let (ac, ah, aw) = a.shape();
    let x = Tensor3::uniform(ac, ah, aw, -1.0, 1.0, y_rng);
    let left = unpool2d(&y, &pooled.switches).dot(&x);
    let gathered = crate::conv::autoencoder::gather_at_switches(&x, &pooled.switches);
    Adjoint { left, right: y.dot(&gathered) }
}

/// Transposed convolution is the adjoint of convolution with the same kernel and geometry:
/// ⟨conv_transpose(y), x⟩ = ⟨y, conv(x)⟩, both without bias. x: (in, H, W).
pub fn deconv_adjoint(w: &Kernel, g: Geometry, x_shape: (usize, usize, usize), rng: &mut Rng) -> Adjoint {
    let (out_c, in_c, _, _) = w.shape();
    let x = Tensor3::uniform(x_shape.0, x_shape.1, x_shape.2, -1.0, 1.0, rng);
    assert_eq!(x_shape.0, in_c, "deconv_adjoint: x must have the kernel's input channels");
    let cx = conv2d(&x, w, &vec![0.0; out_c], g);
    let (c, h, wd) = cx.shape();
    let y = Tensor3::uniform(c, h, wd, -1.0, 1.0, rng);
    let ty = conv_transpose2d_to(&y, w, &vec![0.0; in_c], g, (x_shape.1, x_shape.2));
    Adjoint { left: ty.dot(&x), right: y.dot(&cx) }
}

/// §3.1's adjoint checks on random y and x drawn by the seeded generator: unpooling against
/// gathering at the worked example's switches, and the transposed convolution against the
/// convolution, for the worked example's 3×3 kernel and for the conv autoencoder's decoder.
pub fn worked_example_adjoints(seed: u64) -> Vec<(&'static str, Adjoint)> {
    use crate::conv::autoencoder::Shape;
    use crate::conv::pool::worked;
    let mut rng = crate::nn::gradcheck::sampler(seed);
    let kernel = Kernel::from_matrix(&worked::kernel());
    let (kh, _) = worked::kernel().shape();
    let ae_shape = Shape::default();
    let ae_geometry = Geometry { stride: 1, padding: (ae_shape.kernel - 1) / 2 };
    let ae_kernel = Kernel::uniform(ae_shape.channels, 1, ae_shape.kernel, ae_shape.kernel, -1.0, 1.0, &mut rng);
    let unpool = unpool_adjoint(&Tensor3::from_matrix(&worked::input()), worked::WINDOW, &mut rng);
    let small = deconv_adjoint(&kernel, Geometry { stride: 1, padding: (kh - 1) / 2 }, (1, 4, 4), &mut rng);
    let decoder = deconv_adjoint(&ae_kernel, ae_geometry, (1, ae_shape.side, ae_shape.side), &mut rng);
    vec![
        ("⟨unpool(y, s), x⟩ vs ⟨y, gather(x, s)⟩, the 4×4 input's switches", unpool),
        ("⟨conv_transpose(y), x⟩ vs ⟨y, conv(x)⟩, the 3×3 kernel on 4×4", small),
        ("the same, ch3_conv_autoencoder's decoder: 2 maps, 5×5 kernels, 28×28", decoder),
    ]
}

/// The checks `ch5_recommender` runs before it trains: the article's model at the weights its
/// trainer starts from, on the first users' rows; AutoRec fresh from its initialiser, on the
/// first movies' columns as its trainer feeds them (values plus the offset in, values scored).
/// Returns where the check ran, in words, and one report per objective.
pub fn recommender_checks(
    split: &crate::data::movielens::Split,
    base: &crate::recommender::baselines::Baselines,
    seed: u64,
    quick: bool,
) -> (String, Vec<crate::nn::gradcheck::Report>) {
    use crate::recommender::baselines::{Baselines, BiasConfig};
    use crate::recommender::{autorec, ensemble, experiment};
    const USERS: usize = 3;
    const MOVIES: usize = 3;
    const MF_RATINGS: usize = 30;
    let rows: Vec<Vec<(u32, u8)>> =
        split.train.rated_users().take(USERS).map(|u| split.train.row(u).to_vec()).collect();
    let sae = Sae::new(split.n_movies(), &mut Rng::new(seed));
    let mut article = recommender(&sae, rows);
    let first_columns = |table: &crate::data::movielens::RatingTable, base: &Baselines, residual: bool| {
        let columns = autorec::columns_for(table, base, residual);
        columns.into_iter().filter(|c| !c.is_empty()).take(MOVIES).collect::<Vec<_>>()
    };
    let config = experiment::autorec_config(quick);
    let columns = first_columns(&split.train, base, config.residual);
    let mut sampler = crate::nn::gradcheck::sampler(seed).fork(1);
    let model = AutoRec::new(split.n_users(), config.hidden, &mut sampler);
    let mut better = autorec(model, config.input_offset, columns.clone(), columns);
    // U-AutoRec: the same network and loss on the transposed table, one user's row per input.
    let u_config = experiment::u_autorec_config(quick);
    let by_user = ensemble::transpose(&split.train);
    let rows = first_columns(&by_user, &Baselines::fit(&by_user, &BiasConfig::default()), u_config.residual);
    let model = AutoRec::new(split.n_movies(), u_config.hidden, &mut sampler);
    let mut user_based = autorec(model, u_config.input_offset, rows.clone(), rows);
    // MF at its initial factors and nonzero biases (so the λ_b term counts), on the first
    // users' ratings.
    let mf_config = experiment::mf_config(quick);
    let mu = split.train.mean().unwrap_or(3.0);
    let factors = mf_check_point(split.n_users(), split.n_movies(), &mf_config, mu, &mut sampler);
    let ratings: Vec<(usize, usize, f64)> =
        split.train.iter().take(MF_RATINGS).map(|e| (e.user, e.movie, f64::from(e.rating))).collect();
    let mut factorised = mf(factors, mf_config, ratings);
    let reports = crate::nn::gradcheck::check_all(
        &mut [
            ("the article's model: masked MSE, summed over users", &mut article),
            ("AutoRec: squared error of observed ratings", &mut better),
            ("U-AutoRec: the same, on users' rows", &mut user_based),
            ("biased MF: squared error + λ penalties, per rating", &mut factorised),
        ],
        if quick { 5 } else { 20 },
        seed,
    );
    let at = format!(
        "at the initial weights (MF's biases drawn nonzero), on the first {USERS} users (the article's model, U-AutoRec), the first {MOVIES} movies (AutoRec) and the first {MF_RATINGS} ratings (MF)"
    );
    (at, reports)
}

/// The checks `ch4_contractive` runs before it trains: its four objectives at the initial
/// weights they share, on the first training digits; weight decay as the optimizer applies it
/// (∇ + d·θ, the gradient of (d/2)‖θ‖²), the masking drawn once and held fixed. Returns where
/// the check ran, in words, and one report per objective.
pub fn contractive_checks(
    init: &Autoencoder,
    train: &Matrix,
    models: &[contractive::Model],
    seed: u64,
    quick: bool,
) -> (String, Vec<crate::nn::gradcheck::Report>) {
    use crate::variants::contractive::Model;
    use crate::variants::denoise::Corruption;
    const DIGITS: usize = 4;
    let x = train.slice_rows(0, DIGITS.min(train.rows()));
    let mut noise = crate::nn::gradcheck::sampler(seed).fork(1);
    let mse = LossKind::Mse;
    let mut objectives: Vec<AeObjective> = models
        .iter()
        .map(|&m| match m {
            Model::Plain => autoencoder(init.clone(), x.clone(), x.clone(), mse),
            Model::WeightDecay(d) => weight_decay(init.clone(), x.clone(), mse, d),
            Model::Denoising(nu) => {
                let input = Corruption::Mask { nu }.apply(&x, &mut noise).x;
                autoencoder(init.clone(), input, x.clone(), mse)
            }
            Model::Contractive(l) => contractive(init.clone(), x.clone(), mse, l),
        })
        .collect();
    let names: Vec<String> = models
        .iter()
        .map(|&m| match m {
            Model::Plain => format!("{}: MSE", m.label()),
            Model::WeightDecay(d) => format!("{}: MSE + ({d}/2)‖θ‖²", m.label()),
            Model::Denoising(nu) => format!("{}: MSE from a fixed masking ν = {nu}", m.label()),
            Model::Contractive(l) => format!("{}: MSE + {l}·mean ‖J_f(x)‖²_F", m.label()),
        })
        .collect();
    let mut named: Vec<(&str, &mut dyn Checkable)> =
        names.iter().zip(objectives.iter_mut()).map(|(n, o)| (n.as_str(), o as &mut dyn Checkable)).collect();
    let reports = crate::nn::gradcheck::check_all(&mut named, if quick { 5 } else { 20 }, seed);
    (format!("at the initial weights, on the first {DIGITS} training digits"), reports)
}

/// The checks `ch4_sparse` runs before it trains: all four objectives at the initial weights
/// every method starts from, on the first training patches as one batch (KL's ρ̂ is a batch
/// mean). Returns where the check ran, in words, and one report per objective.
pub fn sparse_checks(
    init: &Autoencoder,
    train: &Matrix,
    methods: &[(&str, sparse::Sparsity)],
    seed: u64,
    quick: bool,
) -> (String, Vec<crate::nn::gradcheck::Report>) {
    const PATCHES: usize = 8;
    let x = train.slice_rows(0, PATCHES.min(train.rows()));
    let mut objectives: Vec<_> =
        methods.iter().map(|&(_, m)| self::sparse(init.clone(), x.clone(), LossKind::Mse, m)).collect();
    let names: Vec<String> = methods
        .iter()
        .map(|(_, m)| if *m == sparse::Sparsity::None { "plain MSE".into() } else { format!("MSE + {}", m.name()) })
        .collect();
    let mut named: Vec<(&str, &mut dyn Checkable)> =
        names.iter().zip(objectives.iter_mut()).map(|(n, o)| (n.as_str(), o as &mut dyn Checkable)).collect();
    let reports = crate::nn::gradcheck::check_all(&mut named, if quick { 2 } else { 20 }, seed);
    (format!("at the initial weights, on the first {PATCHES} training patches as one batch"), reports)
}

/// The checks `ch4_stacked` runs before it trains, on networks fresh from the initialisers its
/// trainers use (drawn by the check's own generator): each layer's autoencoder, plain and
/// denoising (masking ν drawn once and held fixed) on the codes of the fresh layers below; the
/// softmax on standardised top codes; the fine-tuning of the whole stack under a softmax head;
/// then each layer of the sparse stack with `sparsity` on its code. `(noise, sparsity)` are
/// the chapter's denoising and sparse settings.
pub fn stacked_checks(
    data: &crate::data::images::DigitSet,
    widths: &[usize],
    loss: LossKind,
    (noise, sparsity): (f64, sparse::Sparsity),
    seed: u64,
    quick: bool,
) -> (String, Vec<crate::nn::gradcheck::Report>) {
    use crate::compare::classify::{SoftmaxConfig, Standardizer};
    // Training digits the check runs on and entries it draws per tensor (fewer of both in a
    // quick run), and the spread of the fine-tuning check's softmax head (at zero the stack
    // below would get no gradient at all, and the check would compare zeros).
    let (digits, sample) = if quick { (1, 2) } else { (4, 10) };
    const SCALER_DIGITS: usize = 16;
    const HEAD_SPREAD: f64 = 0.1;
    let mut rng = crate::nn::gradcheck::sampler(seed).fork(1);
    let x = data.train.slice_rows(0, digits.min(data.train.rows()));
    let labels: Vec<usize> = data.train_labels[..x.rows()].iter().map(|&l| usize::from(l)).collect();
    let on = if x.rows() == 1 {
        "the first training digit".to_string()
    } else {
        format!("the first {} training digits", x.rows())
    };
    let mut objectives: Vec<Box<dyn Checkable>> = Vec::new();
    let mut names = Vec::new();
    let mut sparse_layers = Vec::new();
    let mut input = x.clone();
    let mut layers = Vec::new();
    for (l, pair) in widths.windows(2).enumerate() {
        let mut ae = crate::structure::sigmoid_autoencoder(pair[0], pair[1], &mut rng);
        crate::structure::start_output_at_mean(&mut ae, &input);
        let masked = crate::variants::denoise::mask_noise(&input, noise, &mut rng).x;
        let arch = format!("{}-{}-{}", pair[0], pair[1], pair[0]);
        names.push(format!("layer {} ({arch}), cross-entropy", l + 1));
        objectives.push(Box::new(autoencoder(ae.clone(), input.clone(), input.clone(), loss)));
        names.push(format!("layer {} ({arch}), denoising from a fixed masking ν = {noise}", l + 1));
        objectives.push(Box::new(autoencoder(ae.clone(), masked, input.clone(), loss)));
        sparse_layers.push((format!("sparse layer {} ({arch}), cross-entropy + {}", l + 1, sparsity.name()), {
            self::sparse(ae.clone(), input.clone(), loss, sparsity)
        }));
        input = ae.encode(&input);
        layers.push(ae.encoder.layers.remove(0));
    }
    let stack = Network::new(layers);
    // Standardised with statistics of more digits than the check runs on, as the chapter
    // standardises with the whole training set's (one digit alone would standardise to 0).
    let scaler = Standardizer::fit(&stack.infer(&data.train.slice_rows(0, SCALER_DIGITS.min(data.train.rows()))));
    let z = scaler.transform(&input);
    names.push("softmax on the standardised top codes, cross-entropy + L2".into());
    let top = SoftmaxRegression::zeros(input.cols(), 10);
    objectives.push(Box::new(softmax(top, z, labels.clone(), SoftmaxConfig::default().l2)));
    let mut head = SoftmaxRegression::zeros(input.cols(), 10);
    head.w = Matrix::uniform(10, input.cols(), -HEAD_SPREAD, HEAD_SPREAD, &mut rng);
    names.push("fine-tuning: softmax head on the stack, cross-entropy + L2".into());
    let l2 = stacked::FineTuneConfig::default().l2;
    objectives.push(Box::new(finetune(stack, head, x, labels, l2)));
    for (name, objective) in sparse_layers {
        names.push(name);
        objectives.push(Box::new(objective));
    }
    let mut named: Vec<(&str, &mut dyn Checkable)> =
        names.iter().zip(objectives.iter_mut()).map(|(n, o)| (n.as_str(), &mut **o as &mut dyn Checkable)).collect();
    let reports = crate::nn::gradcheck::check_all(&mut named, sample, seed);
    (format!("at freshly initialised weights (the trainers' initialisers), on {on}"), reports)
}

/// The checks `ch4_deep` runs before it trains. Contrastive divergence follows no gradient (its
/// update is not the derivative of any objective), so there is nothing to check in it; what is
/// checked is the fine-tuning objective of the unrolled network, on one fresh from the
/// random-start initialiser, and the exact log-likelihood gradient that CD-1 estimates, on an
/// RBM small enough to enumerate (a 2×2 patch at the centre of each digit, 3 hidden units).
pub fn deep_checks(
    train_x: &Matrix,
    widths: &[usize],
    linear_code: bool,
    loss: LossKind,
    seed: u64,
    quick: bool,
) -> (String, Vec<crate::nn::gradcheck::Report>) {
    use crate::data::images::SIDE;
    use crate::variants::rbm;
    const DIGITS: usize = 2;
    const PATCH: usize = 2;
    const HIDDEN: usize = 3;
    let mut rng = crate::nn::gradcheck::sampler(seed).fork(1);
    let x = train_x.slice_rows(0, DIGITS.min(train_x.rows()));
    let mut deep = rbm::random_deep_autoencoder(widths, linear_code, &mut rng);
    crate::structure::start_output_at_mean(&mut deep, train_x);
    let mut tune = autoencoder(deep, x.clone(), x.clone(), loss);
    let centre = SIDE / 2 - PATCH / 2;
    let patch: Vec<f64> = (0..x.rows())
        .flat_map(|r| {
            let row = x.row(r);
            (0..PATCH * PATCH).map(move |k| row[(centre + k / PATCH) * SIDE + centre + k % PATCH])
        })
        .collect();
    let v = Matrix::from_vec(x.rows(), PATCH * PATCH, patch);
    let mut tiny = rbm_likelihood(Rbm::new(v.cols(), HIDDEN, &mut rng), v);
    let loss_name = if loss == LossKind::Mse { "squared error" } else { "cross-entropy" };
    let tune_name = format!("fine-tuning the unrolled network, {loss_name}");
    let rbm_name = format!("RBM {}-{HIDDEN}, −log-likelihood by enumeration", PATCH * PATCH);
    let sample = if quick { 2 } else { 10 };
    let reports = crate::nn::gradcheck::check_all(&mut [(&tune_name, &mut tune), (&rbm_name, &mut tiny)], sample, seed);
    let at = format!(
        "at freshly initialised weights (the random start's initialiser), on the first {DIGITS} training digits"
    );
    (at, reports)
}
