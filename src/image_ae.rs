//! §1's picture autoencoder: 784 pixels → a 25-number code → 784 pixels, trained to give
//! back digit images (`ch1_mnist`), and its codes as features (`ch1_features`).
//!
//! The network is the one of a PyTorch reference of the same network (784-25-784, sigmoid,
//! Adam, batches of 64):
//!
//! ```text
//! h  = σ(W₁x + b₁)       W₁: (25, 784)    the code
//! x̂  = σ(W₂h + b₂)       W₂: (784, 25)    the reconstruction
//! L  = (1/(B·784)) Σ (x̂ − x)²              mean squared error per pixel, pixels in [0, 1]
//! ```
//!
//! It is an [`Autoencoder`] of §2–§3, trained by [`crate::nn::train`] with
//! [`crate::nn::optim::Adam`] on shuffled mini-batches: the path `ch3_training_steps` walks
//! through, nothing new. [`train()`] runs the epochs and reports the train and held-out MSE
//! after each.
//!
//! The fast twin, [`crate::image_ae_fast`] (`src/image_ae_fast.rs`), trains the same network
//! with a fused step, its own Adam and its own σ, 2.5 to 3 times as fast;
//! `ch1_mnist` and `ch1_features` train with it and say so. `tests/image_ae.rs` holds the two equal.

use std::time::Instant;

use crate::core::error::{Error, Result};
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::data::images::{DigitSet, PIXELS, SIDE};
use crate::nn::activation::Activation;
use crate::nn::loss::LossKind;
use crate::nn::network::Autoencoder;
use crate::nn::optim::Adam;
use crate::nn::train::{self, Plain};
use crate::render::png::{GrayImage, image_grid};
use crate::render::svg::LineChart;

/// Rows per chunk when scoring a whole set, so memory stays small for any set size.
pub const EVAL_CHUNK: usize = 512;

/// Hyperparameters of [`train()`].
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

/// Where a training run with this seed starts: the untrained autoencoder, and the generator
/// that orders its mini-batches. Both twins start here, so they train the same model.
pub fn initial(config: &Config, seed: u64) -> (Autoencoder, Rng) {
    let mut rng = Rng::new(seed);
    let ae = new_autoencoder(config.code, &mut rng.fork(1));
    (ae, rng.fork(2))
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
    /// Wall time spent in the training steps alone (not in scoring), seconds.
    pub train_seconds: f64,
    /// CPU time of the same ([`thread_cpu_seconds`]), where the system reports it.
    pub train_cpu_seconds: Option<f64>,
    /// Training examples processed, counting each epoch's pass.
    pub samples: usize,
}

impl Run {
    /// Training samples per second of training-step wall time.
    pub fn samples_per_second(&self) -> f64 {
        self.samples as f64 / self.train_seconds.max(1e-9)
    }

    /// Training samples per second of training-step CPU time.
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

/// The time spent in training steps, by the wall clock and by this thread's CPU clock.
#[derive(Clone, Debug)]
pub struct StepClock {
    wall: f64,
    cpu: Option<f64>,
}

impl Default for StepClock {
    fn default() -> Self {
        StepClock { wall: 0.0, cpu: Some(0.0) }
    }
}

impl StepClock {
    /// Runs `work`, adding its time to the totals.
    pub fn time<T>(&mut self, work: impl FnOnce() -> T) -> T {
        let (start, cpu_start) = (Instant::now(), thread_cpu_seconds());
        let out = work();
        self.wall += start.elapsed().as_secs_f64();
        self.cpu = match (self.cpu, cpu_start, thread_cpu_seconds()) {
            (Some(total), Some(a), Some(b)) => Some(total + (b - a)),
            _ => None,
        };
        out
    }

    /// The finished run, `samples` counting every epoch's pass.
    pub fn run(&self, ae: Autoencoder, log: Vec<EpochStats>, samples: usize) -> Run {
        Run { ae, log, train_seconds: self.wall, train_cpu_seconds: self.cpu, samples }
    }
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

/// Checks the set and that code, batch and epochs are all at least 1.
pub fn check(set: &DigitSet, config: &Config) -> Result<()> {
    check_set(set)?;
    if config.code == 0 || config.batch == 0 || config.epochs == 0 {
        return Err(Error::Invalid("code, batch and epochs must all be at least 1".into()));
    }
    Ok(())
}

/// Trains a fresh autoencoder ([`initial`]) on `set.train`: each epoch one
/// [`crate::nn::train::epoch`] of the plain objective with Adam at the epoch's rate, then the
/// train and held-out MSE, handed to `on_epoch` as soon as they exist.
///
/// Errors: [`Error::Invalid`] for an unusable set or config, [`Error::Diverged`] if a weight
/// or the loss stops being finite.
pub fn train(set: &DigitSet, config: &Config, seed: u64, mut on_epoch: impl FnMut(&EpochStats)) -> Result<Run> {
    check(set, config)?;
    let (mut ae, mut shuffle) = initial(config, seed);
    let mut opt = Adam::new(config.lr);
    let mut clock = StepClock::default();
    let mut log = Vec::with_capacity(config.epochs);
    for epoch in 1..=config.epochs {
        opt.lr = config.lr_at(epoch);
        let loss = clock
            .time(|| train::epoch(&mut ae, &set.train, &Plain, LossKind::Mse, config.batch, &mut opt, &mut shuffle));
        ae.check_finite(CHAPTER, epoch, set.train.rows().div_ceil(config.batch), loss)?;
        let stats = EpochStats {
            epoch,
            lr: opt.lr,
            train_mse: reconstruction_mse(&ae, &set.train),
            test_mse: reconstruction_mse(&ae, &set.test),
        };
        on_epoch(&stats);
        log.push(stats);
    }
    Ok(clock.run(ae, log, set.train.rows() * config.epochs))
}

/// How a diverged run names itself in its error.
pub const CHAPTER: &str = "image autoencoder";

/// Mean squared error per pixel of reconstructing every row of x: (n, 784), a chunk of
/// [`EVAL_CHUNK`] rows at a time.
pub fn reconstruction_mse(ae: &Autoencoder, x: &Matrix) -> f64 {
    let mut sum = 0.0;
    for start in (0..x.rows()).step_by(EVAL_CHUNK) {
        let chunk = x.slice_rows(start, (start + EVAL_CHUNK).min(x.rows()));
        sum += ae.reconstruct(&chunk).sub(&chunk).data().iter().map(|d| d * d).sum::<f64>();
    }
    sum / x.len().max(1) as f64
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
