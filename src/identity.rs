//! §1's first example: a 4-2-4 autoencoder of the four one-hot vectors.
//!
//! Four patterns need log₂4 = 2 bits, so a 2-unit code is just wide enough: a trained network
//! gives each input its own corner of the unit square (after the sigmoid, codes near
//! (0,0), (0,1), (1,0), (1,1)) and the decoder maps each corner back to its one-hot vector.
//!
//! ```text
//! encode  h = σ(W₁x + b₁)    x: 4, h: 2
//! decode  x̂ = σ(W₂h + b₂)    x̂: 4
//! loss    binary cross-entropy between x̂ and x, full batch, Adam
//! ```
//!
//! Gradient descent can get stuck: two inputs may settle on codes the decoder cannot tell
//! apart. [`train`] reports that instead of hiding it.

use crate::core::error::Result;
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::activation::Activation;
use crate::nn::loss::LossKind;
use crate::nn::network::Autoencoder;
use crate::nn::optim::{Adam, Optimizer, Sgd};

/// Training stops once every reconstruction is within this of its target in every entry.
pub const TARGET_MAX_ERROR: f64 = 0.1;

/// How the 4-2-4 network is trained. `Default` is what `ch1_identity` uses.
#[derive(Clone, Debug)]
pub struct Config {
    pub n: usize,
    pub code: usize,
    pub lr: f64,
    pub max_epochs: usize,
    /// Plain full-batch gradient descent instead of Adam: slower, and more often stuck.
    pub sgd: bool,
    pub loss: LossKind,
}

impl Default for Config {
    fn default() -> Self {
        Config { n: 4, code: 2, lr: 0.05, max_epochs: 5000, sgd: false, loss: LossKind::BinaryCrossEntropy }
    }
}

/// The n one-hot vectors as the rows of an identity matrix.
pub fn one_hots(n: usize) -> Matrix {
    Matrix::identity(n)
}

/// How well each input comes back.
#[derive(Clone, Debug)]
pub struct Quality {
    /// Inputs whose reconstruction has its largest entry in the right place.
    pub reconstructed: usize,
    /// max |x̂ − x| over every entry.
    pub max_error: f64,
}

pub fn quality(ae: &Autoencoder, x: &Matrix) -> Quality {
    let out = ae.reconstruct(x);
    let reconstructed = (0..x.rows()).filter(|&r| out.argmax_row(r) == x.argmax_row(r)).count();
    Quality { reconstructed, max_error: out.sub(x).max_abs() }
}

/// The outcome of one training run.
#[derive(Clone, Debug)]
pub struct Run {
    pub ae: Autoencoder,
    /// Epochs actually run (training stops early once the target error is reached).
    pub epochs: usize,
    /// (epoch, loss) at a sparse set of epochs, for printing.
    pub log: Vec<(usize, f64)>,
    pub quality: Quality,
}

impl Run {
    /// True when training ended without every input coming back: a local minimum.
    pub fn stuck(&self) -> bool {
        self.quality.max_error > TARGET_MAX_ERROR
    }
}

/// Trains the n-code-n autoencoder on the n one-hot vectors from `seed`. A loss or weight
/// that stops being finite is an [`Error::Diverged`](crate::core::error::Error::Diverged) naming the epoch.
pub fn train(config: &Config, seed: u64) -> Result<Run> {
    let mut rng = Rng::new(seed);
    let x = one_hots(config.n);
    let mut ae = Autoencoder::single(config.n, config.code, Activation::Sigmoid, Activation::Sigmoid, &mut rng);
    let mut opt: Box<dyn Optimizer> =
        if config.sgd { Box::new(Sgd::new(config.lr)) } else { Box::new(Adam::new(config.lr)) };
    let mut log = Vec::new();
    let mut epochs = 0;
    for epoch in 1..=config.max_epochs {
        let loss = ae.train_step(&x, &x, config.loss, opt.as_mut());
        ae.check_finite("ch1_identity", epoch, 1, loss)?;
        epochs = epoch;
        if epoch.is_power_of_two() || epoch.is_multiple_of(1000) {
            log.push((epoch, loss));
        }
        if quality(&ae, &x).max_error <= TARGET_MAX_ERROR && ae.all_finite() {
            log.push((epoch, config.loss.eval(&ae.reconstruct(&x), &x).value));
            break;
        }
    }
    let quality = quality(&ae, &x);
    Ok(Run { ae, epochs, log, quality })
}
