//! A stack of dense layers, and the autoencoder built from two of them (§2: encoder and
//! decoder around a bottleneck; §3: the training step).
//!
//! ```text
//! encode       h = f_L(… f_1(x))           x: (batch, n) → h: (batch, code)
//! decode       x̂ = g_M(… g_1(h))           h: (batch, code) → x̂: (batch, n)
//! train_step   forward, loss, backward, one optimizer update per parameter tensor
//! ```
//!
//! Parameters are visited in a fixed order, layer by layer, W then b; the optimizer sees them
//! as slots 0, 1, 2, … in that order.

use crate::core::error::{Error, Result};
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::activation::Activation;
use crate::nn::dense::{Dense, DenseCache, DenseGrads};
use crate::nn::loss::LossKind;
use crate::nn::optim::Optimizer;

#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub layers: Vec<Dense>,
}

impl Network {
    pub fn new(layers: Vec<Dense>) -> Self {
        for pair in layers.windows(2) {
            assert_eq!(pair[0].outputs(), pair[1].inputs(), "Network: layer widths do not chain");
        }
        Network { layers }
    }

    /// Layers of the given widths, each with PyTorch's default initialisation; `activations`
    /// has one entry per layer (widths.len() − 1).
    pub fn with_widths(widths: &[usize], activations: &[Activation], rng: &mut Rng) -> Self {
        assert_eq!(activations.len() + 1, widths.len(), "with_widths: one activation per layer");
        let layers = widths.windows(2).zip(activations).map(|(w, &a)| Dense::new(w[0], w[1], a, rng)).collect();
        Network { layers }
    }

    pub fn inputs(&self) -> usize {
        self.layers.first().map_or(0, Dense::inputs)
    }

    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, Dense::outputs)
    }

    /// x: (batch, in) → one cache per layer; the output is the last cache's `a`.
    pub fn forward(&self, x: &Matrix) -> Vec<DenseCache> {
        let mut caches: Vec<DenseCache> = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let input = caches.last().map_or(x, |c| &c.a);
            let cache = layer.forward(input);
            caches.push(cache);
        }
        caches
    }

    /// x: (batch, in) → (batch, out), keeping nothing.
    pub fn infer(&self, x: &Matrix) -> Matrix {
        let mut a = x.clone();
        for layer in &self.layers {
            a = layer.infer(&a);
        }
        a
    }

    /// d_out: ∂L/∂(output) → one DenseGrads per layer, and ∂L/∂x.
    pub fn backward(&self, caches: &[DenseCache], d_out: &Matrix) -> (Vec<DenseGrads>, Matrix) {
        assert_eq!(caches.len(), self.layers.len(), "backward: one cache per layer");
        let mut grads = Vec::with_capacity(self.layers.len());
        let mut delta = d_out.clone();
        for (layer, cache) in self.layers.iter().zip(caches).rev() {
            let (g, d_x) = layer.backward(cache, &delta);
            grads.push(g);
            delta = d_x;
        }
        grads.reverse();
        (grads, delta)
    }

    /// [`Network::backward`] without ∂L/∂x: the first layer skips its d_x = d_z·W, the one
    /// product a trainer never uses (nothing sits below the network's input).
    pub fn backward_params(&self, caches: &[DenseCache], d_out: &Matrix) -> Vec<DenseGrads> {
        assert_eq!(caches.len(), self.layers.len(), "backward_params: one cache per layer");
        let mut grads = Vec::with_capacity(self.layers.len());
        let mut delta = d_out.clone();
        for (i, (layer, cache)) in self.layers.iter().zip(caches).enumerate().rev() {
            if i == 0 {
                grads.push(layer.backward_params(cache, &delta).0);
            } else {
                let (g, d_x) = layer.backward(cache, &delta);
                grads.push(g);
                delta = d_x;
            }
        }
        grads.reverse();
        grads
    }

    /// One optimizer update of every parameter, slots numbered from `first_slot`.
    pub fn apply(&mut self, grads: &[DenseGrads], opt: &mut dyn Optimizer, first_slot: usize) {
        for (i, (layer, g)) in self.layers.iter_mut().zip(grads).enumerate() {
            opt.update(first_slot + 2 * i, layer.w.data_mut(), g.d_w.data());
            opt.update(first_slot + 2 * i + 1, &mut layer.b, &g.d_b);
        }
    }

    pub fn parameter_count(&self) -> usize {
        self.layers.iter().map(|l| l.w.len() + l.b.len()).sum()
    }

    /// All parameters in slot order, flattened: for gradient checks.
    pub fn flat_params(&self) -> Vec<f64> {
        let mut v = Vec::with_capacity(self.parameter_count());
        for l in &self.layers {
            v.extend_from_slice(l.w.data());
            v.extend_from_slice(&l.b);
        }
        v
    }

    pub fn set_flat_params(&mut self, flat: &[f64]) {
        assert_eq!(flat.len(), self.parameter_count(), "set_flat_params: wrong length");
        let mut at = 0;
        for l in &mut self.layers {
            let n = l.w.len();
            l.w.data_mut().copy_from_slice(&flat[at..at + n]);
            at += n;
            let n = l.b.len();
            l.b.copy_from_slice(&flat[at..at + n]);
            at += n;
        }
    }

    pub fn all_finite(&self) -> bool {
        self.layers.iter().all(|l| l.w.all_finite() && l.b.iter().all(|v| v.is_finite()))
    }
}

/// Gradients flattened in the same order as [`Network::flat_params`].
pub fn flatten_grads(grads: &[DenseGrads]) -> Vec<f64> {
    let mut v = Vec::new();
    for g in grads {
        v.extend_from_slice(g.d_w.data());
        v.extend_from_slice(&g.d_b);
    }
    v
}

/// Encoder and decoder around a bottleneck (§2).
#[derive(Clone, Debug, PartialEq)]
pub struct Autoencoder {
    pub encoder: Network,
    pub decoder: Network,
}

/// Everything one forward and backward pass produces.
pub struct StepGrads {
    pub loss: f64,
    pub encoder: Vec<DenseGrads>,
    pub decoder: Vec<DenseGrads>,
}

impl Autoencoder {
    pub fn new(encoder: Network, decoder: Network) -> Self {
        assert_eq!(encoder.outputs(), decoder.inputs(), "Autoencoder: code widths differ");
        assert_eq!(encoder.inputs(), decoder.outputs(), "Autoencoder: output must match input");
        Autoencoder { encoder, decoder }
    }

    /// A one-hidden-layer autoencoder n → code → n with the given activations.
    pub fn single(n: usize, code: usize, hidden: Activation, output: Activation, rng: &mut Rng) -> Self {
        Autoencoder::new(
            Network::new(vec![Dense::new(n, code, hidden, rng)]),
            Network::new(vec![Dense::new(code, n, output, rng)]),
        )
    }

    pub fn code_size(&self) -> usize {
        self.encoder.outputs()
    }

    /// x: (batch, n) → h: (batch, code).
    pub fn encode(&self, x: &Matrix) -> Matrix {
        self.encoder.infer(x)
    }

    /// h: (batch, code) → x̂: (batch, n).
    pub fn decode(&self, h: &Matrix) -> Matrix {
        self.decoder.infer(h)
    }

    pub fn reconstruct(&self, x: &Matrix) -> Matrix {
        self.decode(&self.encode(x))
    }

    /// Forward and backward without updating: the loss of reconstructing `target` from
    /// `input` (they differ for a denoising autoencoder) and every parameter's gradient.
    pub fn gradients(&self, input: &Matrix, target: &Matrix, loss: LossKind) -> StepGrads {
        let enc = self.encoder.forward(input);
        let code = &enc.last().expect("encoder has layers").a;
        let dec = self.decoder.forward(code);
        let out = &dec.last().expect("decoder has layers").a;
        let l = loss.eval(out, target);
        let (decoder, d_code) = self.decoder.backward(&dec, &l.d_pred);
        let encoder = self.encoder.backward_params(&enc, &d_code);
        StepGrads { loss: l.value, encoder, decoder }
    }

    /// One training step (§3 steps 1–5): returns the loss before the update.
    pub fn train_step(&mut self, input: &Matrix, target: &Matrix, loss: LossKind, opt: &mut dyn Optimizer) -> f64 {
        let g = self.gradients(input, target, loss);
        self.apply(&g, opt)
    }

    /// One optimizer step with gradients from any objective (plain, sparse, contractive):
    /// the encoder's layers take the optimizer's first slots, the decoder's the next.
    /// Returns the loss the gradients came with.
    pub fn apply(&mut self, g: &StepGrads, opt: &mut dyn Optimizer) -> f64 {
        opt.begin_step();
        self.encoder.apply(&g.encoder, opt, 0);
        let slots = 2 * self.encoder.layers.len();
        self.decoder.apply(&g.decoder, opt, slots);
        g.loss
    }

    /// §3 steps 6–7: one epoch of per-example SGD, a step for each row of `x` in order.
    /// Returns the mean of the per-row losses seen during the epoch (each before its update).
    pub fn train_epoch_per_example(&mut self, x: &Matrix, loss: LossKind, opt: &mut dyn Optimizer) -> f64 {
        let mut total = 0.0;
        for r in 0..x.rows() {
            let row = x.slice_rows(r, r + 1);
            total += self.train_step(&row, &row, loss, opt);
        }
        total / x.rows().max(1) as f64
    }

    /// The loss of reconstructing all of `x`, without training.
    pub fn loss(&self, x: &Matrix, loss: LossKind) -> f64 {
        loss.eval(&self.reconstruct(x), x).value
    }

    pub fn flat_params(&self) -> Vec<f64> {
        let mut v = self.encoder.flat_params();
        v.extend(self.decoder.flat_params());
        v
    }

    pub fn set_flat_params(&mut self, flat: &[f64]) {
        let n = self.encoder.parameter_count();
        self.encoder.set_flat_params(&flat[..n]);
        self.decoder.set_flat_params(&flat[n..]);
    }

    pub fn all_finite(&self) -> bool {
        self.encoder.all_finite() && self.decoder.all_finite()
    }

    /// An error naming where training went wrong if any weight is no longer finite.
    pub fn check_finite(&self, chapter: &str, epoch: usize, step: usize, loss: f64) -> Result<()> {
        if !loss.is_finite() {
            return Err(Error::Diverged { chapter: chapter.into(), epoch, step, what: format!("the loss is {loss}") });
        }
        if !self.all_finite() {
            return Err(Error::Diverged {
                chapter: chapter.into(),
                epoch,
                step,
                what: "a weight is not finite".into(),
            });
        }
        Ok(())
    }
}
