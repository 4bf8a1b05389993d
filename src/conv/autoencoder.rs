//! §3.1's convolutional autoencoder, trained: convolution, max pooling that keeps its
//! switches, unpooling with those switches, then a transposed convolution ("deconvolution").
//!
//! For one image x: (1, 28, 28), with C feature maps, a k × k kernel padded to keep the size,
//! and pooling windows of side s:
//!
//! ```text
//! z  = conv2d(x, W₁, b₁)                 (C, 28, 28)
//! a  = f(z)                              ReLU or sigmoid
//! h, S = max_pool2d(a, s × s)            (C, 28/s, 28/s): the code h and its switches S
//! u  = unpool2d(h, S)                    (C, 28, 28), zero except at the switches
//! x̂  = σ(conv_transpose2d(u, W₂, b₂))    (1, 28, 28)
//! L  = mean over pixels of (x̂ − x)²
//! ```
//!
//! and backward, each step the adjoint of the one above it:
//!
//! ```text
//! d_y  = (2/784)(x̂ − x) ⊙ x̂(1 − x̂)
//! d_u, d_W₂, d_b₂ = conv_transpose2d_backward(u, W₂, d_y)
//! d_h  = d_u read at the switches                (unpooling's adjoint)
//! d_a  = unpool2d(d_h, S)                        (max pooling's backward)
//! d_z  = d_a ⊙ f'(z)
//! d_W₁, d_b₁ = conv2d_backward(x, W₁, d_z)
//! ```
//!
//! The decoder sees the code h AND the switches S: C·(28/s)² positions, each one of s² cells.
//! They are side information a dense autoencoder of the same code size does not get, and
//! `ch3_conv_autoencoder` says so when it compares the two.

use crate::conv::convolution::{
    ConvGrads, Geometry, Kernel, conv_transpose2d, conv_transpose2d_backward, conv2d, conv2d_backward,
};

use crate::conv::pool::{Switches, Window, max_pool2d, unpool2d};
use crate::core::error::{Error, Result};
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::core::tensor3::Tensor3;
use crate::data::images::SIDE;
use crate::nn::activation::{Activation, sigmoid};
use crate::nn::optim::{Adam, Optimizer};
use crate::nn::train::minibatch_epoch;

/// The shape of a [`ConvAe`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    /// Feature maps C.
    pub channels: usize,
    /// Kernel side k (odd, padded by (k − 1)/2 so maps keep their size).
    pub kernel: usize,
    /// Pooling window side s (stride s); must divide the image side.
    pub pool: usize,
    /// Image side (28 for digits).
    pub side: usize,
    /// The encoder's activation f.
    pub activation: Activation,
}

impl Default for Shape {
    /// 2 maps, 5 × 5 kernels, 4 × 4 pooling on 28 × 28 images, ReLU: a code of 2 · 7 · 7 = 98.
    fn default() -> Self {
        Shape { channels: 2, kernel: 5, pool: 4, side: SIDE, activation: Activation::Relu }
    }
}

impl Shape {
    fn geometry(&self) -> Geometry {
        Geometry { stride: 1, padding: (self.kernel - 1) / 2 }
    }

    fn window(&self) -> Window {
        Window { size: self.pool, stride: self.pool }
    }

    /// Numbers in the code h: C · (side/s)².
    pub fn code_size(&self) -> usize {
        self.channels * (self.side / self.pool) * (self.side / self.pool)
    }

    fn check(&self) -> Result<()> {
        if self.channels == 0 || self.kernel == 0 || self.kernel.is_multiple_of(2) || self.pool == 0 {
            return Err(Error::Invalid("conv autoencoder: channels ≥ 1, an odd kernel and a pool ≥ 1".into()));
        }
        if !self.side.is_multiple_of(self.pool) || self.kernel > self.side {
            return Err(Error::Invalid(format!(
                "conv autoencoder: the pool ({}) must divide the image side ({}) and the kernel ({}) fit in it",
                self.pool, self.side, self.kernel
            )));
        }
        Ok(())
    }
}

/// The model's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvAe {
    pub shape: Shape,
    /// Encoder kernel (C, 1, k, k) and bias (C).
    pub w1: Kernel,
    pub b1: Vec<f64>,
    /// Decoder kernel, read from the convolution's side: (C, 1, k, k), mapping C maps to 1;
    /// bias (1).
    pub w2: Kernel,
    pub b2: Vec<f64>,
}

/// What forward keeps for backward.
#[derive(Clone, Debug)]
pub struct Cache {
    pub x: Tensor3,
    pub z: Tensor3,
    pub a: Tensor3,
    /// The code h and its switches S.
    pub h: Tensor3,
    pub switches: Switches,
    pub u: Tensor3,
    /// The reconstruction x̂, (1, side, side).
    pub out: Tensor3,
}

/// Gradients of every parameter, in the order of [`ConvAe::flat_params`].
#[derive(Clone, Debug)]
pub struct Grads {
    pub d_w1: Kernel,
    pub d_b1: Vec<f64>,
    pub d_w2: Kernel,
    pub d_b2: Vec<f64>,
}

impl ConvAe {
    /// PyTorch's default initialisation: weights and biases uniform in ±1/√fan_in. PyTorch
    /// takes fan_in from the weight's second axis times k², which is 1·k² for both layers
    /// here (the encoder's one input map; the decoder's one output map).
    pub fn new(shape: Shape, rng: &mut Rng) -> Result<Self> {
        shape.check()?;
        let (c, k) = (shape.channels, shape.kernel);
        let bound1 = 1.0 / ((k * k) as f64).sqrt();
        let w1 = Kernel::uniform(c, 1, k, k, -bound1, bound1, rng);
        let b1 = (0..c).map(|_| rng.range(-bound1, bound1)).collect();
        let bound2 = 1.0 / ((k * k) as f64).sqrt();
        let w2 = Kernel::uniform(c, 1, k, k, -bound2, bound2, rng);
        let b2 = vec![rng.range(-bound2, bound2)];
        Ok(ConvAe { shape, w1, b1, w2, b2 })
    }

    /// x: (1, side, side) → everything backward needs.
    pub fn forward(&self, x: &Tensor3) -> Cache {
        let g = self.shape.geometry();
        let f = self.shape.activation;
        let z = conv2d(x, &self.w1, &self.b1, g);
        let a = z.map(|v| f.apply(v));
        let pooled = max_pool2d(&a, self.shape.window());
        let u = unpool2d(&pooled.y, &pooled.switches);
        let out = conv_transpose2d(&u, &self.w2, &self.b2, g).map(sigmoid);
        Cache { x: x.clone(), z, a, h: pooled.y, switches: pooled.switches, u, out }
    }

    /// Mean squared error per pixel of one image's reconstruction.
    pub fn loss(&self, x: &Tensor3) -> f64 {
        self.forward(x).out.sum_squared_diff(x) / x.len() as f64
    }

    /// The loss and every parameter's gradient for one image.
    pub fn gradients(&self, x: &Tensor3) -> (f64, Grads) {
        let cache = self.forward(x);
        let n = x.len() as f64;
        let loss = cache.out.sum_squared_diff(x) / n;
        let mut d_y = cache.out.clone();
        for (d, (&o, &t)) in d_y.data_mut().iter_mut().zip(cache.out.data().iter().zip(x.data())) {
            *d = (2.0 * (o - t) / n) * (o * (1.0 - o));
        }
        let g = self.shape.geometry();
        let ConvGrads { d_x: d_u, d_w: d_w2, d_b: d_b2 } = conv_transpose2d_backward(&cache.u, &self.w2, g, &d_y);
        let d_h = gather_at_switches(&d_u, &cache.switches);
        let mut d_z = unpool2d(&d_h, &cache.switches);
        let f = self.shape.activation;
        for ((d, &z), &a) in d_z.data_mut().iter_mut().zip(cache.z.data()).zip(cache.a.data()) {
            *d *= f.derivative(z, a);
        }
        let ConvGrads { d_w: d_w1, d_b: d_b1, .. } = conv2d_backward(x, &self.w1, g, &d_z);
        (loss, Grads { d_w1, d_b1, d_w2, d_b2 })
    }

    pub fn flat_params(&self) -> Vec<f64> {
        [self.w1.data(), &self.b1, self.w2.data(), &self.b2].concat()
    }

    pub fn set_flat_params(&mut self, flat: &[f64]) {
        assert_eq!(flat.len(), self.flat_params().len(), "ConvAe::set_flat_params: wrong length");
        let mut at = 0;
        for part in [self.w1.data_mut(), &mut self.b1, self.w2.data_mut(), &mut self.b2] {
            part.copy_from_slice(&flat[at..at + part.len()]);
            at += part.len();
        }
    }

    /// The reconstructions of every row of x: (n, side²) → (n, side²).
    pub fn reconstruct_all(&self, x: &Matrix) -> Matrix {
        let side = self.shape.side;
        let mut out = Vec::with_capacity(x.len());
        for r in 0..x.rows() {
            let img = Tensor3::from_vec(1, side, side, x.row(r).to_vec());
            out.extend_from_slice(self.forward(&img).out.data());
        }
        Matrix::from_vec(x.rows(), x.cols(), out)
    }

    /// Mean squared error per pixel over every row of x: (n, side²).
    pub fn reconstruction_mse(&self, x: &Matrix) -> f64 {
        let r = self.reconstruct_all(x);
        r.data().iter().zip(x.data()).map(|(a, b)| (a - b) * (a - b)).sum::<f64>() / x.len().max(1) as f64
    }
}

impl Grads {
    pub fn flat(&self) -> Vec<f64> {
        [self.d_w1.data(), &self.d_b1, self.d_w2.data(), &self.d_b2].concat()
    }
}

/// Unpooling's adjoint: d_h[c, i, j] = d_u[c, S(c, i, j)]. d_u: (C, H, W) → (C, H/s, W/s).
pub fn gather_at_switches(d_u: &Tensor3, switches: &Switches) -> Tensor3 {
    let (c, oh, ow) = switches.pooled_shape();
    let per = oh * ow;
    let data = (0..c * per).map(|n| d_u.plane(n / per)[switches.indices()[n]]).collect();
    Tensor3::from_vec(c, oh, ow, data)
}

/// Hyperparameters of [`train`].
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub shape: Shape,
    pub epochs: usize,
    /// Images per Adam step; their gradients are averaged.
    pub batch: usize,
    pub lr: f64,
}

impl Default for Config {
    /// The default shape, 3 epochs of batches of 16, Adam lr 0.01.
    fn default() -> Self {
        Config { shape: Shape::default(), epochs: 3, batch: 16, lr: 0.01 }
    }
}

/// Trains a fresh conv autoencoder on the rows of `train` (n, side²), shuffled each epoch;
/// `on_epoch(epoch, mean training loss seen during the epoch)`.
pub fn train(train: &Matrix, config: &Config, seed: u64, mut on_epoch: impl FnMut(usize, f64)) -> Result<ConvAe> {
    let side = config.shape.side;
    if train.rows() == 0 || train.cols() != side * side {
        return Err(Error::Invalid(format!("conv autoencoder: need images of {} pixels", side * side)));
    }
    if config.batch == 0 || config.epochs == 0 {
        return Err(Error::Invalid("conv autoencoder: batch and epochs must be at least 1".into()));
    }
    let mut rng = Rng::new(seed);
    let mut ae = ConvAe::new(config.shape, &mut rng.fork(1))?;
    let mut order_rng = rng.fork(2);
    let mut opt = Adam::new(config.lr);
    for epoch in 1..=config.epochs {
        // The epoch's figure is the mean over images, which the shorter last batch would
        // skew as a mean of batch means; so the loss is summed here as the batches go.
        let mut seen = 0.0;
        let mut steps = 0;
        let mut diverged_at = None;
        minibatch_epoch(train, config.batch, &mut order_rng, |_, batch, _| {
            steps += 1;
            if diverged_at.is_some() {
                return 0.0;
            }
            let mut sum = vec![0.0; ae.flat_params().len()];
            let mut batch_loss = 0.0;
            for r in 0..batch.rows() {
                let img = Tensor3::from_vec(1, side, side, batch.row(r).to_vec());
                let (l, g) = ae.gradients(&img);
                seen += l;
                batch_loss += l;
                for (s, v) in sum.iter_mut().zip(g.flat()) {
                    *s += v;
                }
            }
            let scale = 1.0 / batch.rows() as f64;
            sum.iter_mut().for_each(|s| *s *= scale);
            let mut theta = ae.flat_params();
            opt.begin_step();
            opt.update(0, &mut theta, &sum);
            if theta.iter().all(|v| v.is_finite()) {
                ae.set_flat_params(&theta);
            } else {
                diverged_at = Some(steps);
            }
            batch_loss * scale
        });
        if let Some(step) = diverged_at {
            return Err(Error::Diverged {
                chapter: "conv autoencoder".into(),
                epoch,
                step,
                what: "a weight is not finite".into(),
            });
        }
        on_epoch(epoch, seen / train.rows() as f64);
    }
    Ok(ae)
}
